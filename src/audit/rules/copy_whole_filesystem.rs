//! BD032: COPY --from of a whole root filesystem.

use super::support::copy_paths;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD032",
    name: "copy-whole-filesystem",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "`COPY --from=<stage> / /` copies a whole filesystem, build tools and secrets included.",
    fix: "Copy only what the final stage needs: the virtual environment, the application, specific files.",
    docs: r#"## What it does
Flags `COPY --from=x / <dest>` (source `/`).

## Why is this bad?
A multi-stage build keeps compilers, caches and build-time secrets out of the final image only if the final stage copies selected paths; copying `/` brings everything back.

## Example
```dockerfile
COPY --from=builder / /
```

## Use instead
```dockerfile
COPY --from=builder /opt/venv /opt/venv
```

## References
- hadolint DL3067
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        if instruction.keyword != "COPY" || instruction.flag("from").is_none() {
            continue;
        }
        let Some((sources, _)) = copy_paths(instruction) else { continue };
        if let Some((_, offset)) = sources.iter().find(|(s, _)| s == "/" || s == "/." || s == "/*") {
            let (line, col) = instruction.position(*offset);
            sink.at(line, col, "the whole filesystem of another stage is copied");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_root_copies() {
        assert_eq!(
            lines(&RULE, "FROM a AS b\nFROM c\nCOPY --from=b / /\nCOPY --from=b /opt/venv /opt/venv\nCOPY / /x\n"),
            [3]
        );
    }
}
