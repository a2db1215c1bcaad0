//! BC019: no restart policy.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC019",
    name: "no-restart-policy",
    kind: FileKind::Compose,
    severity: Severity::Info,
    summary: "A service has no restart policy.",
    fix: "Set `restart: unless-stopped` for services, or `restart: on-failure:5` for jobs.",
    docs: r#"## What it does
Flags a service with neither `restart:` nor `deploy.restart_policy`. Any policy passes: CIS 5.15 prefers `on-failure:5`, but `unless-stopped` is the right policy for long-running services, so the value is not judged. A fragment (neither `image` nor `build`, completed by the file it is merged with) is not judged on its own.

## Why is this bad?
Without a policy a crashed service stays down until someone notices.

## Example
```yaml
services:
  app:
    build: .
```

## Use instead
```yaml
services:
  app:
    build: .
    restart: unless-stopped
```

## References
- CIS Docker Benchmark 5.15; OWASP Docker Security Cheat Sheet rule #7; KICS 2fc99041
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let set = svc.get("restart").is_some() || svc.get("deploy").and_then(|d| d.get("restart_policy")).is_some();
        if !set {
            svc.report_missing(sink, None, "no restart policy");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_missing_policy() {
        assert_eq!(
            lines(
                &RULE,
                "services:\n  a:\n    image: x:1\n    restart: always\n  b:\n    image: x:1\n  c:\n    command: [x]\n"
            ),
            [5]
        );
    }
}
