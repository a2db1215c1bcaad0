//! BC026: a service forced to run as root.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC026",
    name: "compose-root-user",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A service sets `user:` to root.",
    fix: "Set a numeric non-root user: `user: \"10001:10001\"`.",
    docs: r#"## What it does
Flags `user: root`, `0`, `root:<group>` or `0:<group>`. A missing `user:` defers to the image's USER, which BD001/BD002 judge.

## Why is this bad?
It overrides a non-root USER in the image and runs the service as root.

## Example
```yaml
services:
  app:
    image: app:1.0
    user: root
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    user: "10001:10001"
```

## References
- CIS Docker Benchmark 4.1; OWASP Docker Security Cheat Sheet rule #2
- compose-lint CL-0018
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if let Some(node) = svc.get("user") {
            let user = crate::audit::compose::text(node).map(|t| t.text).unwrap_or_default();
            if matches!(user.split(':').next().unwrap_or("").trim(), "root" | "0") {
                svc.report(sink, node, format!("the service runs as {}", crate::shown::value(&user)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_root_users() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    user: root\n  b:\n    user: \"0:0\"\n  c:\n    user: \"999:999\"\n"),
            [3, 5]
        );
    }
}
