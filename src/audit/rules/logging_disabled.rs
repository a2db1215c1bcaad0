//! BC020: logging turned off.

use crate::audit::compose::{text, ComposeFile};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC020",
    name: "logging-disabled",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service's logging driver is `none`.",
    fix: "Use `json-file` or `local` with rotation (`max-size`, `max-file`).",
    docs: r#"## What it does
Flags `logging.driver: none`.

## Why is this bad?
With no logs there is no record of what the service did when something goes wrong, including an intrusion.

## Example
```yaml
services:
  app:
    logging:
      driver: none
```

## Use instead
```yaml
services:
  app:
    logging:
      driver: local
      options: {max-size: "10m", max-file: "3"}
```

## References
- CIS Docker Benchmark 2.13
- compose-lint CL-0014
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let driver = svc.get("logging").and_then(|l| l.get("driver"));
        if let Some(node) = driver.filter(|d| text(d).is_some_and(|t| t.text.trim().eq_ignore_ascii_case("none"))) {
            svc.report(sink, node, "logging is turned off");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_driver_none() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    logging:\n      driver: none\n  b:\n    logging: {driver: local}\n"),
            [4]
        );
    }
}
