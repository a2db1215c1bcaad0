//! BC002: the container runtime socket mounted.

use crate::audit::compose::{exposure, ComposeFile, Exposure, Mount, Via};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC002",
    name: "docker-socket-mounted",
    kind: FileKind::Compose,
    severity: Severity::Critical,
    summary:
        "A service mounts a control socket (Docker, containerd, CRI-O, Podman, systemd) or a directory holding one.",
    fix:
        "Remove the mount; if a tool needs the API, put docker-socket-proxy in front with only the endpoints it needs.",
    docs: r#"## What it does
Flags host paths that reach a control socket, whatever the mode (`:ro` does not make the API read-only): the sockets of Docker, containerd, CRI-O, Podman and BuildKit by name, systemd's private socket (`/run/systemd/private`, which starts commands on the host), and every directory holding one (`/run/containerd`, `/run/systemd`, `/run`, `/var/run`, `/var`, `/`). Paths are normalised as Docker does (`/.`, `//run`, `/run/.`), and host paths also count when they arrive through a named volume that is a bind (`driver_opts: {type: none, o: bind, device: /var/run/docker.sock}`) or a `file:` secret or config.

## Why is this bad?
The socket is the Docker API: whoever can write to it starts a privileged container with the host's root filesystem mounted.

## Example
```yaml
services:
  watchtower:
    image: containrrr/watchtower:1.7.1
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
```

## Use instead
```yaml
services:
  watchtower:
    image: containrrr/watchtower:1.7.1
    environment:
      DOCKER_HOST: tcp://docker-proxy:2375
```

## References
- CIS Docker Benchmark 5.32; OWASP Docker Security Cheat Sheet rule #1
- compose-lint CL-0001; KICS d6355c88
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for mount in svc.host_mounts() {
            let Some(host) = mount.host.as_deref() else { continue };
            if let Some(Exposure::Control(what)) = exposure(host) {
                svc.report(sink, mount.node, format!("{} gives the container {what}", described(&mount)));
            }
        }
    }
}

/// How a host mount is named in a message: the host path, and how it gets in when that is not
/// a plain bind.
pub fn described(mount: &Mount) -> String {
    let host = crate::shown::value(mount.host.as_deref().unwrap_or(""));
    match &mount.via {
        Via::Volume => host,
        Via::NamedVolume(name) => format!("{host} (the bind behind volume {})", crate::shown::value(name)),
        Via::File(kind, name) => format!("{host} (the file behind {kind} {})", crate::shown::value(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_sockets_in_any_syntax_and_mode() {
        let text = "services:\n  a:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - type: bind\n        source: /run/containerd/containerd.sock\n        target: /c.sock\n      - data:/data\n      - /:/host\n      - /.:/dot\n      - /var:/var\n      - /run/myapp:/x\n";
        assert_eq!(lines(&RULE, text), [4, 5, 9, 10, 11]);
    }

    #[test]
    fn follows_named_volumes_and_file_secrets() {
        let text = "services:\n  a:\n    volumes: [sock:/tmp/x.sock]\n    secrets: [run]\nvolumes:\n  sock:\n    driver_opts: {type: none, device: /var/run/docker.sock, o: bind}\nsecrets:\n  run:\n    file: /var/run\n";
        assert_eq!(lines(&RULE, text), [3, 4]);
    }
}
