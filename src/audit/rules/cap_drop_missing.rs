//! BC009: capabilities not dropped.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC009",
    name: "cap-drop-missing",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A service keeps Docker's default capabilities (`cap_drop: [ALL]` is missing).",
    fix: "Add `cap_drop: [ALL]` and `cap_add` only what the service needs.",
    docs: r#"## What it does
Flags a service whose `cap_drop` does not contain `ALL` (in any case; `CAP_ALL` says the same, though Docker refuses that spelling, which BC035 reports). Reported on the service name. A fragment (a service with neither `image` nor `build`, completed by the file it is merged with) is not judged on its own.

## Why is this bad?
Docker grants 14 capabilities by default (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW...). A non-root app on a port above 1024 needs none of them, and each one is a step towards privilege escalation.

## Example
```yaml
services:
  app:
    image: app:1.0
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    cap_drop: [ALL]
```

## Compared with other linters
compose-lint CL-0006 also judges a service with neither `image` nor `build`. berth treats it as a fragment, completed by the file it is merged with (its base, or the file that extends it), and does not judge what it lacks on its own.

## References
- CIS Docker Benchmark 5.4; OWASP Docker Security Cheat Sheet rule #3
- compose-lint CL-0006; KICS ce76b7d0
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        // `CAP_ALL` means to drop everything too, though Docker refuses it (BC035 reports that).
        let dropped = svc
            .strings("cap_drop")
            .iter()
            .any(|(c, _)| c.trim().to_ascii_uppercase().trim_start_matches("CAP_") == "ALL");
        if !dropped {
            svc.report_missing(sink, None, "the service keeps Docker's default capabilities: add `cap_drop: [ALL]`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_services_without_cap_drop_all() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    image: x:1\n  b:\n    build: .\n    cap_drop: [' all ']\n  c:\n    image: x:1\n    cap_drop: [NET_RAW]\n  d:\n    devices: [/dev/dri]\n"),
            [2, 7]
        );
    }
}
