//! BD034: two stages with the same name.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD034",
    name: "duplicate-stage-name",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "Two stages have the same `AS` name.",
    fix: "Give every stage a unique name.",
    docs: r#"## What it does
Flags a `FROM ... AS name` whose name (case-insensitive) an earlier stage already uses.

## Why is this bad?
`COPY --from=name` and `--target name` become ambiguous: BuildKit rejects the file, older builders pick one silently.

## Example
```dockerfile
FROM python:3.13-slim AS build
FROM node:22-slim AS build
```

## Use instead
```dockerfile
FROM python:3.13-slim AS build-py
FROM node:22-slim AS build-js
```

## Compared with other linters
hadolint DL3024 is an `error`; berth rates it low: BuildKit already refuses such a file, so it cannot reach production.

## References
- hadolint DL3024; checkov CKV_DOCKER_11
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let mut seen = std::collections::HashSet::new();
    for stage in &input.file.stages {
        if let Some(name) = &stage.name {
            if !seen.insert(name) {
                let from = &input.file.instructions[stage.from];
                sink.at(from.line, from.col, format!("stage name {} is already used", quote(name)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_duplicates() {
        assert_eq!(lines(&RULE, "FROM a AS x\nFROM b AS X\nFROM c AS y\n"), [2]);
    }
}
