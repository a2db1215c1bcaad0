//! BC013: writable root filesystem.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC013",
    name: "read-only-missing",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service's root filesystem is writable.",
    fix: "Add `read_only: true` with a `tmpfs` for /tmp and volumes for the paths the service writes.",
    docs: r#"## What it does
Flags a service without `read_only: true`. A fragment (neither `image` nor `build`) is not judged on its own.

## Why is this bad?
A writable root filesystem lets an attacker drop tools and persist changes to the image's binaries for the life of the container.

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
    read_only: true
    tmpfs:
      - /tmp
```

## Compared with other linters
compose-lint CL-0007 also judges a service with neither `image` nor `build`. berth treats it as a fragment, completed by the file it is merged with (its base, or the file that extends it), and does not judge what it lacks on its own.

## References
- CIS Docker Benchmark 5.13; OWASP Docker Security Cheat Sheet rule #8
- compose-lint CL-0007
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if svc.get("read_only").and_then(|n| n.as_bool()) != Some(true) {
            svc.report_missing(sink, None, "the root filesystem is writable: add `read_only: true`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_writable_root() {
        assert_eq!(lines(&RULE, "services:\n  a:\n    image: x:1\n  b:\n    image: x:1\n    read_only: true\n  c:\n    environment: {A: b}\n"), [2]);
    }
}
