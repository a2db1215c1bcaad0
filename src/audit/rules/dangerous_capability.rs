//! BC010: capabilities that reach the host.

use crate::audit::compose::capabilities::{self, Reach};
use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC010",
    name: "dangerous-capability",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "A service adds a capability that reaches the host's network, clock, resources or logs (NET_ADMIN, SYS_TIME...).",
    fix: "Remove it, or document with a suppression why the service needs it.",
    docs: r#"## What it does
Flags `cap_add` of capabilities outside Docker's default set that reach host-wide state: `NET_ADMIN`, `SYS_TIME`, `SYS_RESOURCE`, `SYSLOG`, `PERFMON`, `IPC_LOCK`, `LINUX_IMMUTABLE`, `AUDIT_CONTROL`, `SYS_NICE`... Adding back a default capability (CHOWN, SETUID, NET_BIND_SERVICE...) after `cap_drop: [ALL]` is not flagged: that is hardening, not weakening (compose-lint #492). BC011 covers the capabilities that control the host.

## Why is this bad?
These capabilities act on the host kernel's shared state: reconfigure networking, change the clock, exhaust resources, read kernel logs.

## Example
```yaml
services:
  app:
    image: app:1.0
    cap_add: [NET_ADMIN]
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
```

## References
- CIS Docker Benchmark 5.4; OWASP Docker Security Cheat Sheet rule #3
- compose-lint CL-0011, CL-0027, CL-0028, CL-0029, CL-0030
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for (cap, node) in svc.strings("cap_add") {
            if let Ok((name, Reach::HostWide)) = capabilities::judge(&cap) {
                svc.report(sink, node, format!("`cap_add: {name}` reaches host-wide kernel state"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_host_reaching_caps() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    cap_drop: [ALL]\n    cap_add: [NET_ADMIN, CHOWN, SETUID]\n"),
            [4]
        );
    }
}
