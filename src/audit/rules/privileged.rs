//! BC001: privileged containers.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC001",
    name: "privileged",
    kind: FileKind::Compose,
    severity: Severity::Critical,
    summary: "A service runs privileged.",
    fix: "Remove `privileged: true`; add only the capability or device the service needs.",
    docs: r#"## What it does
Flags `privileged: true` (also quoted or via a merge key).

## Why is this bad?
A privileged container has every capability and every host device, without seccomp or AppArmor: it is root on the host in all but name.

## Example
```yaml
services:
  app:
    image: app:1.0
    privileged: true
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    cap_drop: [ALL]
```

## References
- CIS Docker Benchmark 5.5; OWASP Docker Security Cheat Sheet rule #3
- compose-lint CL-0002; KICS ae5b6871
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if let Some(node) = svc.get("privileged").filter(|n| n.as_bool() == Some(true)) {
            svc.report(sink, node, "the service runs privileged: all capabilities and host devices");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_privileged() {
        assert_eq!(
            lines(&RULE, "x: &p\n  privileged: true\nservices:\n  a:\n    <<: *p\n  b:\n    privileged: false\n"),
            [2]
        );
    }
}
