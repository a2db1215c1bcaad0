//! BC030: tmpfs mounts that allow exec, suid or devices.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC030",
    name: "tmpfs-exec",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A tmpfs mount re-enables `exec`, `suid` or `dev`.",
    fix: "Drop the option, or say `noexec,nosuid,nodev` explicitly.",
    docs: r#"## What it does
Flags `tmpfs:` entries (and `type: tmpfs` volumes) whose options include `exec`, `suid` or `dev`.

## Why is this bad?
A writable, executable scratch area is where downloaded tools get run; with `suid` or `dev`, a setuid binary or device node written there works.

## Example
```yaml
services:
  app:
    tmpfs:
      - /tmp:exec
```

## Use instead
```yaml
services:
  app:
    tmpfs:
      - /tmp:size=64m,noexec,nosuid,nodev
```

## References
- OWASP Docker Security Cheat Sheet rule #8
- compose-lint CL-0022
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for (entry, node) in svc.strings("tmpfs") {
            let options = entry.split_once(':').map(|(_, o)| o).unwrap_or("");
            if let Some(o) = options.split(',').map(str::trim).find(|o| matches!(*o, "exec" | "suid")) {
                svc.report(sink, node, format!("the tmpfs allows {}", crate::shown::value(o)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_exec_tmpfs() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    tmpfs:\n      - /tmp:exec,size=1m\n      - /run:noexec,nosuid,nodev\n"),
            [4]
        );
    }
}
