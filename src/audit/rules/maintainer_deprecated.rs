//! BD037: the deprecated MAINTAINER instruction.

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD037",
    name: "maintainer-deprecated",
    kind: FileKind::Dockerfile,
    severity: Severity::Info,
    summary: "MAINTAINER is deprecated.",
    fix: "Use `LABEL org.opencontainers.image.authors=\"...\"`.",
    docs: r#"## What it does
Flags `MAINTAINER`.

## Why is this bad?
It is deprecated and not shown by tools that read OCI labels.

## Example
```dockerfile
MAINTAINER data-team@example.com
```

## Use instead
```dockerfile
LABEL org.opencontainers.image.authors="data-team@example.com"
```

## Compared with other linters
hadolint DL4000 is an `error`; berth reports it as info: a deprecated label instruction has no security effect.

## References
- hadolint DL4000; checkov CKV_DOCKER_6
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for instruction in input.file.instructions.iter().filter(|i| i.keyword == "MAINTAINER") {
        sink.at(instruction.line, instruction.col, "MAINTAINER is deprecated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_maintainer() {
        assert_eq!(lines(&RULE, "FROM a\nMAINTAINER x\n"), [2]);
    }
}
