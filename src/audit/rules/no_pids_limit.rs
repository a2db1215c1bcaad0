//! BC018: no process limit.

use super::no_resource_limits::bounded;
use crate::audit::compose::units;
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
Flags a service without `pids_limit` or `deploy.resources.limits.pids`, or with `-1`/`0` (unlimited), also as a default (`${PIDS:-0}`). A fragment (neither `image` nor `build`, completed by the file it is merged with) is not judged on its own.

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
        if let Err(why) = bounded(&svc.limit(&["pids_limit"], "pids"), units::pids, "process") {
            svc.report_missing(sink, None, format!("{why}: set `pids_limit`"));
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
            lines(&RULE, "services:\n  a:\n    image: x:1\n    pids_limit: 256\n  b:\n    image: x:1\n    pids_limit: -1\n  c:\n    image: x:1\n  d:\n    pids_limit: 0\n"),
            [5, 8]
        );
    }
}
