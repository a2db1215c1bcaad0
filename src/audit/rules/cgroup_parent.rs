//! BC025: a custom cgroup parent.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC025",
    name: "cgroup-parent",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service sets `cgroup_parent`.",
    fix: "Remove `cgroup_parent` so the engine places the container in its own cgroup.",
    docs: r#"## What it does
Flags `cgroup_parent`.

## Why is this bad?
Placing a container in another cgroup takes it out of the limits and accounting the engine applies, and can share limits with host services.

## Example
```yaml
services:
  app:
    cgroup_parent: /system.slice
```

## Use instead
```yaml
services:
  app:
    mem_limit: 1g
```

## References
- CIS Docker Benchmark 5.25; KICS 4d9f44c6
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if let Some(node) = svc.get("cgroup_parent") {
            svc.report(sink, node, "the container is placed in a custom cgroup");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_cgroup_parent() {
        assert_eq!(lines(&RULE, "services:\n  a:\n    cgroup_parent: m\n"), [3]);
    }
}
