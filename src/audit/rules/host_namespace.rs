//! BC005: host pid, ipc, uts or user namespaces shared.

use crate::audit::compose::{text, ComposeFile};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC005",
    name: "host-namespace",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "A service shares the host's PID or IPC namespace, or opts out of user-namespace remapping.",
    fix: "Remove `pid: host`, `ipc: host` and `userns_mode: host`.",
    docs: r#"## What it does
Flags `pid: host` and `ipc: host`, and, at low severity, `userns_mode: host`.

## Why is this bad?
With the host PID namespace a container sees and can signal every host process; with the host IPC namespace it reads and writes the host's shared memory. `userns_mode: host` takes the service out of the daemon's user-namespace remapping, so that root in the container is root on the host again: it changes nothing on a daemon without `userns-remap`, which a compose file cannot show, hence low.

## Example
```yaml
services:
  app:
    image: app:1.0
    pid: host
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
```

## Compared with other linters
compose-lint CL-0010 dropped `uts` and `userns_mode`. berth agrees on `uts: host`, which only shows the container the host's name (changing it needs SYS_ADMIN, which BC011 reports), and does not report it. `userns_mode: host` opts this service out of the daemon's user-namespace remapping; berth reports it at low severity because a compose file cannot show whether the daemon remaps.

## References
- CIS Docker Benchmark 5.16, 5.17, 5.21, 5.31; OWASP Docker Security Cheat Sheet rule #3
- compose-lint CL-0010; KICS 4f31dd9f, baa3890f, 8af7162d
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let host = |key: &str| svc.get(key).filter(|n| text(n).is_some_and(|t| t.text.trim() == "host"));
        for key in ["pid", "ipc"] {
            if let Some(node) = host(key) {
                svc.report(sink, node, format!("`{key}: host` shares a host namespace"));
            }
        }
        if let Some(node) = host("userns_mode") {
            svc.report_as(
                sink,
                node,
                Severity::Low,
                "`userns_mode: host` opts the service out of the daemon's user-namespace remapping",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_host_namespaces() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    pid: host\n    ipc: host\n    uts: host\n    userns_mode: host\n"),
            [3, 4, 6]
        );
        let findings = crate::audit::testing::findings(&RULE, "services:\n  a:\n    userns_mode: host\n");
        assert_eq!(findings[0].severity, Some(Severity::Low));
    }
}
