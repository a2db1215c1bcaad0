//! BC018: no process limit.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC018",
    name: "no-pids-limit",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service has no process (PIDs) limit.",
    fix: "Set `pids_limit: 256` (or `deploy.resources.limits.pids`).",
    docs: r#"## What it does
Flags a service without `pids_limit` or `deploy.resources.limits.pids`, or with `-1`/`0` (unlimited).

## Why is this bad?
A fork bomb or a leak of threads in one container exhausts the host's process table. (compose-lint withdrew its rule because an unset limit falls back to the host's systemd limit; that limit is host-wide, so a per-service limit still isolates services. Hence low severity.)

## Example
```yaml
services:
  etl:
    build: .
```

## Use instead
```yaml
services:
  etl:
    build: .
    pids_limit: 256
```

## References
- CIS Docker Benchmark 5.29; OWASP Docker Security Cheat Sheet rule #7; KICS 221e0658
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let limit = svc.limit(&["pids_limit"], "pids").and_then(|n| n.as_str()).map(str::trim);
        if matches!(limit, None | Some("-1") | Some("0")) {
            sink.scoped(svc.key.line, svc.key.col, svc.name, "no process limit: set `pids_limit`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_missing_or_unlimited_pids() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    pids_limit: 256\n  b:\n    pids_limit: -1\n  c:\n    image: x:1\n"),
            [4, 6]
        );
    }
}
