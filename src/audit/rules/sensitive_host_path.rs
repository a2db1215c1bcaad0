//! BC003: sensitive host directories mounted.

use crate::audit::compose::ComposeFile;
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
Flags bind mounts whose source is (or is under) `/etc`, `/proc`, `/sys`, `/dev`, `/root`, `/boot`, `/lib/modules`, `/usr`, `/var/lib/docker`, `/var/lib/kubelet`, `/home` or `~/.ssh`, `~/.aws`, `~/.kube`, `~/.docker`. `/etc/localtime` and `/etc/timezone` mounted read-only are allowed (compose-lint #509).

## Why is this bad?
Host configuration, kernel interfaces and credentials become readable (and often writable) from the container: a foothold inside becomes one on the host.

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
compose-lint splits this into CL-0013 (high) and CL-0025 (critical, a writable root-equivalent path). berth keeps one rule at high, as the consolidated table suggests, and says in the message whether the mount is writable; BC002 (critical) covers the runtime socket and `/`, `/run`, `/var/run`, the paths that give root on the host outright.

## References
- CIS Docker Benchmark 5.6; OWASP Docker Security Cheat Sheet rule #8
- compose-lint CL-0013, CL-0025; KICS 1c1325ff
"#,
    opt_in: false,
    check: Check::Compose(check),
};

const SENSITIVE: &[&str] = &[
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/root",
    "/boot",
    "/lib/modules",
    "/usr",
    "/var/lib/docker",
    "/var/lib/kubelet",
    "/home",
    "/var/log",
];

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for mount in svc.mounts() {
            let Some(source) = mount.source.as_deref().filter(|_| mount.kind == "bind") else { continue };
            let path = source.trim_end_matches('/');
            if matches!(path, "/etc/localtime" | "/etc/timezone") && mount.read_only {
                continue;
            }
            let sensitive = SENSITIVE.iter().any(|p| path == *p || path.starts_with(&format!("{p}/")));
            let home = ["~/.ssh", "~/.aws", "~/.kube", "~/.docker", "~/.gnupg", "$HOME/.ssh"]
                .iter()
                .any(|p| path.starts_with(p))
                || path.contains("/.ssh");
            if sensitive || home {
                sink.scoped(
                    mount.node.line,
                    mount.node.col,
                    svc.name,
                    format!(
                        "host path `{source}` is mounted{}",
                        if mount.read_only { " (read-only)" } else { " writable" }
                    ),
                );
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
        let text = "services:\n  a:\n    volumes:\n      - /etc:/h\n      - /etc/localtime:/etc/localtime:ro\n      - ~/.ssh:/root/.ssh:ro\n      - ./data:/data\n      - /proc/sys:/p\n";
        assert_eq!(lines(&RULE, text), [4, 6, 8]);
    }
}
