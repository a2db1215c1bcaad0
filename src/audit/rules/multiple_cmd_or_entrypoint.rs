//! BD036: several CMD or ENTRYPOINT in one stage.

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD036",
    name: "multiple-cmd-or-entrypoint",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "A stage has more than one CMD or ENTRYPOINT; only the last counts.",
    fix: "Keep one CMD and at most one ENTRYPOINT per stage.",
    docs: r#"## What it does
Flags every `CMD` or `ENTRYPOINT` after the first of its kind in the same stage.

## Why is this bad?
Only the last one takes effect; the earlier one misleads readers about what the container runs.

## Example
```dockerfile
CMD ["python", "a.py"]
CMD ["python", "b.py"]
```

## Use instead
```dockerfile
CMD ["python", "b.py"]
```

## Compared with other linters
hadolint DL4003 (`warning`) and DL4004 (`error`); berth rates both low: only the last instruction takes effect, so the risk is a misleading file.

## References
- hadolint DL4003, DL4004
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    for stage in &file.stages {
        for keyword in ["CMD", "ENTRYPOINT"] {
            for instruction in file.stage_instructions(stage).iter().filter(|i| i.keyword == keyword).skip(1) {
                sink.at(
                    instruction.line,
                    instruction.col,
                    format!("another {keyword} in this stage: only the last one counts"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_repeats_per_stage() {
        assert_eq!(lines(&RULE, "FROM a\nCMD [\"a\"]\nCMD [\"b\"]\nFROM b\nCMD [\"c\"]\n"), [3]);
    }
}
