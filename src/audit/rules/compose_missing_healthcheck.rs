//! BC031: image-only services without a health check.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC031",
    name: "compose-missing-healthcheck",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service that runs a ready-made image has no `healthcheck:`.",
    fix: "Add a `healthcheck:` that probes the service (for postgres: `pg_isready -h 127.0.0.1`), or `healthcheck: {disable: true}` to opt out on purpose.",
    docs: r#"## What it does
Flags services with `image:` and no `build:` that have no `healthcheck:`. Services built from a Dockerfile get their check from its HEALTHCHECK (BD030). `disable: true` is an accepted, explicit opt-out. A fragment (neither `image` nor `build`, completed by the file it is merged with) is not judged on its own.

## Why is this bad?
Without a check, `depends_on: {condition: service_healthy}` cannot be used and a hung database looks alive. Official images ship no HEALTHCHECK on purpose.

## Example
```yaml
services:
  db:
    image: postgres:18
```

## Use instead
```yaml
services:
  db:
    image: postgres:18
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U app"]
```

## References
- CIS Docker Benchmark 5.27; KICS 698ed579 (compose-lint withdrew CL-0015)
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if svc.get("image").is_some() && svc.get("build").is_none() && svc.get("healthcheck").is_none() {
            svc.report_missing(sink, None, "the service has no health check");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_image_services_without_checks() {
        assert_eq!(lines(&RULE, "services:\n  db:\n    image: postgres:18\n  app:\n    build: .\n  c:\n    image: x:1\n    healthcheck: {disable: true}\n"), [2]);
    }
}
