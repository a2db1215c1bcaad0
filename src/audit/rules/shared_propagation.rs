//! BC029: shared mount propagation.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC029",
    name: "shared-mount-propagation",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A bind mount uses shared or slave propagation.",
    fix: "Remove the propagation option (the default is `rprivate`).",
    docs: r#"## What it does
Flags bind mounts with `shared`, `rshared`, `slave` or `rslave` propagation (short or long syntax).

## Why is this bad?
With shared propagation, mounts made inside the container appear on the host and the other way round: a container can change the host's mount table.

## Example
```yaml
services:
  app:
    volumes:
      - /data:/data:rshared
```

## Use instead
```yaml
services:
  app:
    volumes:
      - /data:/data
```

## References
- CIS Docker Benchmark 5.20
- compose-lint CL-0017; KICS baa452f0
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for mount in svc.mounts() {
            if let Some(p) = mount.propagation.as_deref().filter(|p| matches!(*p, "shared" | "rshared")) {
                svc.report(sink, mount.node, format!("{} mount propagation", crate::shown::value(p)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_shared_propagation() {
        assert_eq!(lines(&RULE, "services:\n  a:\n    volumes:\n      - /d:/d:rshared\n      - /e:/e:ro\n"), [4]);
    }
}
