//! BC003: sensitive host directories mounted.

use super::docker_socket::described;
use crate::audit::compose::{exposure, ComposeFile, Exposure};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC003",
    name: "sensitive-host-path",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "A service bind-mounts a sensitive host path (/etc, /proc, /sys, /dev, /root, /boot, /var/lib/docker, ~/.ssh...).",
    fix: "Mount only the specific file or directory the service needs, read-only.",
    docs: r#"## What it does
Flags host paths bound into a service, judged after Docker's own normalisation (`//dev/shm` is `/dev/shm`, `/etc/..` is `/`), including named volumes that are binds (`driver_opts: {type: none, o: bind, device: ...}`) and `file:` secrets and configs (bound read-only):

- **Root-equivalent paths**, at critical severity when writable and high when read-only: `/etc`, `/root`, `/boot`, `/proc`, `/var/lib/docker`, `/var/lib/containerd` and what is under them; `/var/lib` itself, which holds both container stores; the executable and library trees (`/usr/bin`, `/usr/sbin`, `/usr/local/bin`, `/bin`, `/sbin`, `/lib/modules`, and `/usr`, `/usr/lib`, `/lib`, `/lib64` themselves). Read-only, the executable and library trees hold nothing the image could not, and are not reported; neither are `/etc/localtime` and `/etc/timezone` read-only (compose-lint #509).
- **Disclosures**, high in any mode: `/sys`, `/dev` (except `/dev/null`, `/dev/zero`, `/dev/full`, `/dev/random`, `/dev/urandom`), `/var/lib/kubelet`, what is under `/run` other than the control sockets BC002 reports (`/run/dbus`, `/run/user/1000`), `/home`, one user's home (`/home/alice`), `~`, and credentials in a home (`~/.ssh`, `~/.aws`, `~/.kube`, `~/.docker`, `~/.gnupg`...).

An application's own directory (`/home/alice/app/data`, `~/data`, `/usr/share/app`, `/var/lib/mysql`) is not reported. `~user/...` is not another user's home in Compose (it is not expanded), so it is not judged either, nor are project-relative paths and paths set only at run time (`${DATA_DIR}`).

## Why is this bad?
Writing to a root-equivalent path is root on the host through ordinary file writes: a cron job or sudoers entry in `/etc`, a binary in root's PATH, a kernel module, another container's filesystem in `/var/lib/docker`. Reading them, and the other paths, discloses host configuration, kernel interfaces, devices and credentials: a foothold inside becomes one on the host.

## Example
```yaml
services:
  app:
    image: app:1.0
    volumes:
      - /etc:/host-etc
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    volumes:
      - /etc/localtime:/etc/localtime:ro
```

## Compared with other linters
compose-lint splits this into CL-0013 (high) and CL-0025 (critical, a writable root-equivalent path). berth keeps one rule, high, and reports a writable root-equivalent path at critical, with the reason in the message; BC002 (critical) covers the control sockets and the directories holding them, `/` included. `/var/log` (host logs, which log shippers read on purpose) is in neither tool's list, as in the CIS list of sensitive directories.

## References
- CIS Docker Benchmark 5.6; OWASP Docker Security Cheat Sheet rule #8
- compose-lint CL-0013, CL-0025; KICS 1c1325ff
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for mount in svc.host_mounts() {
            let Some(host) = mount.host.as_deref() else { continue };
            let shown = described(&mount);
            match exposure(host) {
                Some(Exposure::RootEquivalent { what, .. }) if !mount.read_only && what.contains("timezone") => svc
                    .report(sink, mount.node, format!("{shown} is mounted writable: the container can change {what}")),
                Some(Exposure::RootEquivalent { what, .. }) if !mount.read_only => svc.report_as(
                    sink,
                    mount.node,
                    Severity::Critical,
                    format!("{shown} is mounted writable, and writing there is root on the host: it holds {what}"),
                ),
                Some(Exposure::RootEquivalent { what, harmless_read_only: false }) => {
                    svc.report(sink, mount.node, format!("{shown} is mounted read-only, and discloses {what}"))
                }
                Some(Exposure::Disclosure(what)) => svc.report(
                    sink,
                    mount.node,
                    format!(
                        "{shown} is mounted{}: it exposes {what}",
                        if mount.read_only { " read-only" } else { " writable" }
                    ),
                ),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_sensitive_paths() {
        let text = "services:\n  a:\n    volumes:\n      - /etc:/h\n      - /etc/localtime:/etc/localtime:ro\n      - ~/.ssh:/root/.ssh:ro\n      - ./data:/data\n      - /proc/sys:/p\n      - /usr:/usr:ro\n      - /usr/bin:/b\n      - //dev/shm:/dev/shm\n      - ~someone/.ssh:/k\n      - /home/alice/app:/app\n";
        assert_eq!(lines(&RULE, text), [4, 6, 8, 10, 11]);
        let severities: Vec<_> = crate::audit::testing::findings(&RULE, text).into_iter().map(|f| f.severity).collect();
        assert_eq!(
            severities,
            [Some(Severity::Critical), None, Some(Severity::Critical), Some(Severity::Critical), None]
        );
    }
}
