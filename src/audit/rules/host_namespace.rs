//! BC005: host pid, ipc, uts or user namespaces shared.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC005",
    name: "host-namespace",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "A service shares the host's PID, IPC, UTS or user namespace.",
    fix: "Remove `pid: host`, `ipc: host`, `uts: host` and `userns_mode: host`.",
    docs: r#"## What it does
Flags `pid: host`, `ipc: host`, `uts: host` and `userns_mode: host`.

## Why is this bad?
With the host PID namespace a container sees and can signal every host process; with IPC it reads shared memory; with the host user namespace, remapping protections are off.

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

## References
- CIS Docker Benchmark 5.16, 5.17, 5.21, 5.31; OWASP Docker Security Cheat Sheet rule #3
- compose-lint CL-0010; KICS 4f31dd9f, baa3890f, 8af7162d
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for key in ["pid", "ipc", "uts", "userns_mode"] {
            if let Some(node) = svc.get(key).filter(|n| n.as_str() == Some("host")) {
                sink.scoped(node.line, node.col, svc.name, format!("`{key}: host` shares a host namespace"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_host_namespaces() {
        assert_eq!(lines(&RULE, "services:\n  a:\n    pid: host\n    ipc: host\n    uts: private\n"), [3, 4]);
    }
}
