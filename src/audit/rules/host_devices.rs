//! BC008: host devices passed in.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC008",
    name: "host-devices",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "A service is given host devices.",
    fix: "Remove `devices:`; if hardware access is really needed, pass the single device node with the narrowest permissions (`:r`).",
    docs: r#"## What it does
Flags every entry of `devices:`.

## Why is this bad?
A device node is direct access to host hardware and kernel drivers, outside the container's isolation (disks, /dev/mem, GPUs with host drivers).

## Example
```yaml
services:
  app:
    image: app:1.0
    devices:
      - /dev/sda:/dev/sda
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
```

## Compared with other linters
compose-lint CL-0016 is critical. berth rates host devices high, as the consolidated table suggests: most `devices:` entries in data pipelines are GPUs or FUSE, which widen the attack surface without being an immediate host takeover; `privileged` (BC001) stays critical.

## References
- CIS Docker Benchmark 5.18
- compose-lint CL-0016
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for node in svc.get("devices").map(|n| n.items()).unwrap_or(&[]) {
            let shown = node
                .as_str()
                .map(str::to_string)
                .or_else(|| node.get("source").and_then(|s| s.as_str()).map(str::to_string))
                .unwrap_or_default();
            sink.scoped(node.line, node.col, svc.name, format!("host device `{shown}` is passed in"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_devices() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    devices:\n      - /dev/sda:/dev/sda\n      - /dev/fuse\n"),
            [4, 5]
        );
    }
}
