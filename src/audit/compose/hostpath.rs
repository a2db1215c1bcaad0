//! Host paths a service can reach through a bind mount, and what each one exposes.
//!
//! Docker cleans a mount source lexically before using it, so `/.`, `//dev/shm`, `/etc/..` and
//! `/run/.` name `/`, `/dev/shm`, `/` and `/run`: paths are normalised the same way before they
//! are judged. `~` is the home directory of whoever deploys the file; `~user` is not expanded by
//! Compose (it is not another user's home), so it is not judged.

use super::interpolate::expand;

/// What a host path gives the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// The container runtime's or systemd's control socket, or a directory holding one: root on
    /// the host in any mount mode (the API behind a socket is not read-only).
    Control(&'static str),
    /// Writing there is host root; reading it discloses host configuration or credentials,
    /// unless `harmless_read_only` (executable and library trees only hold what the image could).
    RootEquivalent { what: &'static str, harmless_read_only: bool },
    /// Host kernel interfaces, devices, runtime state or user data, in any mode.
    Disclosure(&'static str),
}

/// How a table entry matches a path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// The path itself.
    Itself,
    /// The path or anything below it.
    Below,
    /// The path or any directory above it (a directory holding it exposes it too).
    Holder,
}

/// The one table of sensitive host paths, most specific first.
const PATHS: &[(&str, Reach, Exposure)] = &[
    (
        "/run/systemd/private",
        Reach::Itself,
        Exposure::Control("systemd's private socket, which starts commands on the host"),
    ),
    ("/run/systemd", Reach::Holder, Exposure::Control("systemd's private socket, which starts commands on the host")),
    ("/run/containerd", Reach::Holder, Exposure::Control("the containerd API, below Docker's authorization")),
    ("/run/docker", Reach::Holder, Exposure::Control("the Docker daemon's runtime sockets")),
    ("/run/podman", Reach::Holder, Exposure::Control("the Podman API")),
    ("/run/crio", Reach::Holder, Exposure::Control("the CRI-O API")),
    ("/run", Reach::Holder, Exposure::Control("the Docker and containerd sockets")),
    (
        "/etc/localtime",
        Reach::Itself,
        Exposure::RootEquivalent { what: "the host's timezone", harmless_read_only: true },
    ),
    (
        "/etc/timezone",
        Reach::Itself,
        Exposure::RootEquivalent { what: "the host's timezone", harmless_read_only: true },
    ),
    (
        "/etc",
        Reach::Below,
        Exposure::RootEquivalent { what: "host configuration: cron, sudoers, shadow", harmless_read_only: false },
    ),
    (
        "/root",
        Reach::Below,
        Exposure::RootEquivalent { what: "root's home: authorized_keys, credentials", harmless_read_only: false },
    ),
    (
        "/boot",
        Reach::Below,
        Exposure::RootEquivalent { what: "the host kernel and initramfs", harmless_read_only: false },
    ),
    (
        "/proc",
        Reach::Below,
        Exposure::RootEquivalent { what: "host kernel settings such as core_pattern", harmless_read_only: false },
    ),
    (
        "/var/lib/docker",
        Reach::Below,
        Exposure::RootEquivalent {
            what: "every container's files, configuration and environment",
            harmless_read_only: false,
        },
    ),
    (
        "/var/lib/containerd",
        Reach::Below,
        Exposure::RootEquivalent { what: "every container's filesystem snapshots", harmless_read_only: false },
    ),
    (
        "/var/lib",
        Reach::Itself,
        Exposure::RootEquivalent { what: "/var/lib/docker and /var/lib/containerd", harmless_read_only: false },
    ),
    ("/usr/local/bin", Reach::Below, Exposure::RootEquivalent { what: "root's PATH", harmless_read_only: true }),
    ("/usr/local/sbin", Reach::Below, Exposure::RootEquivalent { what: "root's PATH", harmless_read_only: true }),
    ("/usr/bin", Reach::Below, Exposure::RootEquivalent { what: "root's PATH", harmless_read_only: true }),
    ("/usr/sbin", Reach::Below, Exposure::RootEquivalent { what: "root's PATH", harmless_read_only: true }),
    ("/bin", Reach::Below, Exposure::RootEquivalent { what: "root's PATH", harmless_read_only: true }),
    ("/sbin", Reach::Below, Exposure::RootEquivalent { what: "root's PATH", harmless_read_only: true }),
    (
        "/lib/modules",
        Reach::Below,
        Exposure::RootEquivalent { what: "the kernel modules the host loads", harmless_read_only: true },
    ),
    (
        "/usr/lib/modules",
        Reach::Below,
        Exposure::RootEquivalent { what: "the kernel modules the host loads", harmless_read_only: true },
    ),
    ("/usr", Reach::Itself, Exposure::RootEquivalent { what: "root's PATH and libraries", harmless_read_only: true }),
    (
        "/usr/lib",
        Reach::Itself,
        Exposure::RootEquivalent { what: "the libraries and units root runs", harmless_read_only: true },
    ),
    (
        "/lib",
        Reach::Itself,
        Exposure::RootEquivalent { what: "the libraries and units root runs", harmless_read_only: true },
    ),
    ("/lib64", Reach::Itself, Exposure::RootEquivalent { what: "the libraries root runs", harmless_read_only: true }),
    ("/var/lib/kubelet", Reach::Below, Exposure::Disclosure("the kubelet's pod volumes and secrets")),
    ("/sys", Reach::Below, Exposure::Disclosure("host kernel interfaces")),
    ("/home", Reach::Itself, Exposure::Disclosure("every user's home directory")),
    ("~", Reach::Itself, Exposure::Disclosure("the deploying user's home directory")),
];

/// Socket files by name, wherever they are.
const SOCKETS: &[(&str, &str)] = &[
    ("docker.sock", "the Docker API"),
    ("containerd.sock", "the containerd API"),
    ("crio.sock", "the CRI-O API"),
    ("podman.sock", "the Podman API"),
    ("dockershim.sock", "the container runtime API"),
    ("cri-dockerd.sock", "the container runtime API"),
    ("buildkitd.sock", "the BuildKit daemon"),
];

/// Device nodes that disclose nothing.
const INERT_DEVICES: &[&str] = &["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"];

/// Directories and files in a home directory that hold credentials.
const HOME_CREDENTIALS: &[&str] =
    &[".ssh", ".aws", ".azure", ".kube", ".docker", ".gnupg", ".netrc", ".git-credentials", ".pypirc", ".npmrc"];

/// A mount source as the host path Docker binds, or `None` when it is not one berth can judge:
/// relative to the project, set only at run time (`${DATA_DIR}/x`), or `~user/...`.
pub fn source_path(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let home = ["${HOME}", "$HOME"].iter().find_map(|h| raw.strip_prefix(h));
    let raw = match home {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("~{rest}"),
        _ => raw.to_string(),
    };
    // A variable without a default becomes `*`, which no table entry names: `/etc/${X}` is
    // still under /etc, `${X}/etc` is not a path berth knows.
    normalise(&expand(&raw, "*").text)
}

/// Cleans an absolute or `~` path the way Docker does: `//`, `/./` and trailing `/` dropped,
/// `..` applied (never above the root). `None` for relative paths and `~user`.
pub fn normalise(path: &str) -> Option<String> {
    let (root, rest) = if let Some(rest) = path.strip_prefix('~') {
        if !rest.is_empty() && !rest.starts_with('/') {
            return None;
        }
        ("~", rest)
    } else if path.starts_with('/') {
        ("", path)
    } else {
        return None;
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() && root == "~" {
                    return None;
                }
            }
            p => parts.push(p),
        }
    }
    Some(match (root, parts.is_empty()) {
        ("~", true) => "~".to_string(),
        ("~", false) => format!("~/{}", parts.join("/")),
        (_, true) => "/".to_string(),
        _ => format!("/{}", parts.join("/")),
    })
}

/// What a normalised host path exposes, if anything.
pub fn exposure(path: &str) -> Option<Exposure> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some((_, what)) = SOCKETS.iter().find(|(socket, _)| name == *socket) {
        return Some(Exposure::Control(what));
    }
    // `/var/run` is a link to `/run`: either spelling reaches the same sockets, and `/var`
    // holds `/var/run`.
    let run = path.strip_prefix("/var/run").filter(|r| r.is_empty() || r.starts_with('/')).map(|r| format!("/run{r}"));
    let path = run.as_deref().unwrap_or(path);
    let under = |p: &str, dir: &str| dir == "/" || p == dir || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
    if INERT_DEVICES.contains(&path) {
        return None;
    }
    for (entry, reach, exposure) in PATHS {
        let hit = match reach {
            Reach::Itself => path == *entry,
            Reach::Below => under(path, entry),
            Reach::Holder => under(entry, path) || under(&format!("/var{entry}"), path),
        };
        if hit {
            return Some(*exposure);
        }
    }
    if under(path, "/run") {
        return Some(Exposure::Disclosure("host runtime state: service sockets and the system bus"));
    }
    if under(path, "/dev") {
        return Some(Exposure::Disclosure("host devices"));
    }
    let home = |rest: &str| -> Option<Exposure> {
        let mut parts = rest.split('/');
        match (parts.next(), parts.next()) {
            (Some(first), _) if HOME_CREDENTIALS.contains(&first) => {
                Some(Exposure::Disclosure("credentials in a home directory"))
            }
            _ => None,
        }
    };
    if let Some(rest) = path.strip_prefix("~/") {
        return home(rest);
    }
    if let Some(rest) = path.strip_prefix("/home/") {
        let (_user, inside) = rest.split_once('/').unwrap_or((rest, ""));
        return if inside.is_empty() { Some(Exposure::Disclosure("a user's home directory")) } else { home(inside) };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(raw: &str) -> Option<Exposure> {
        source_path(raw).and_then(|p| exposure(&p))
    }

    #[test]
    fn normalises_like_docker() {
        for (raw, clean) in [
            ("/.", "/"),
            ("/..", "/"),
            ("/./", "/"),
            ("//dev/shm", "/dev/shm"),
            ("/run/.", "/run"),
            ("/etc/..", "/"),
            ("/run/./myapp/", "/run/myapp"),
            ("~", "~"),
            ("~/.ssh/", "~/.ssh"),
        ] {
            assert_eq!(normalise(raw).as_deref(), Some(clean), "{raw}");
        }
        for raw in ["./data", "data", "~someone/.ssh", "~/..", ""] {
            assert_eq!(normalise(raw), None, "{raw}");
        }
    }

    #[test]
    fn sockets_and_the_directories_holding_them_are_control() {
        for raw in [
            "/var/run/docker.sock",
            "/run/podman/podman.sock",
            "/run/systemd/private",
            "/run/systemd",
            "/run/containerd",
            "/run",
            "/var/run",
            "/var",
            "/",
            "/.",
            "/run/.",
            "/srv/docker.sock",
        ] {
            assert!(matches!(judged(raw), Some(Exposure::Control(_))), "{raw}");
        }
        for raw in ["/run/myapp", "/run/user/1000", "/run/dbus", "/var/run/dbus"] {
            assert!(matches!(judged(raw), Some(Exposure::Disclosure(_))), "{raw}");
        }
    }

    #[test]
    fn root_equivalent_paths() {
        for raw in ["/etc", "/etc/pihole/", "/var/lib", "/var/lib/docker/containers", "/var/lib/containerd", "/proc"] {
            assert!(matches!(judged(raw), Some(Exposure::RootEquivalent { harmless_read_only: false, .. })), "{raw}");
        }
        for raw in ["/usr", "/usr/bin/docker", "/lib/modules", "/usr/lib", "/lib64"] {
            assert!(matches!(judged(raw), Some(Exposure::RootEquivalent { harmless_read_only: true, .. })), "{raw}");
        }
        for raw in ["/usr/src", "/usr/share/app", "/usr/lib/wsl", "/var/lib/mysql", "/lib/firmware/x.bin", "/var/log"] {
            assert_eq!(judged(raw), None, "{raw}");
        }
    }

    #[test]
    fn homes_and_devices() {
        for raw in
            ["~", "~/.ssh", "$HOME/.aws/credentials", "${HOME}/.kube", "/home", "/home/alice", "/home/alice/.ssh"]
        {
            assert!(matches!(judged(raw), Some(Exposure::Disclosure(_))), "{raw}");
        }
        for raw in ["~/data", "/home/alice/app/data", "~someone/.ssh", "/dev/null", "${SOURCE:-/dev/null}", "${DATA}/x"]
        {
            assert_eq!(judged(raw), None, "{raw}");
        }
        assert!(matches!(judged("/dev/shm"), Some(Exposure::Disclosure(_))));
        assert!(matches!(judged("${DEV:-/dev/bus/usb}"), Some(Exposure::Disclosure(_))));
    }
}
