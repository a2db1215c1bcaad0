//! BD032: COPY --from of a whole root filesystem.

use super::support::copy_paths;
use crate::audit::dockerfile::Dockerfile;
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
Flags `COPY --from=x / <dest>` (source `/`, `/.` or `/*`) into a stage that ships (the final
stage or one it is built `FROM`). A source stage that starts `FROM scratch` and only receives
copied files is an artifact stage: its root holds nothing but what was selected, and copying it
whole is the point.

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

## Compared with other linters
hadolint DL3067 (`warning`) only warns when the destination is `/`; berth also flags
`COPY --from=build / /app`, which brings the builder's tools and secrets into the image just the
same, under `/app`. berth does not flag copies into builder stages, nor from artifact stages.

## References
- hadolint DL3067
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// A stage built `FROM scratch` that only receives copied files: an artifact stage.
fn artifact_stage(file: &Dockerfile, name: &str) -> bool {
    let stage = file.stages.iter().find(|s| s.name.as_deref() == Some(&name.to_ascii_lowercase()));
    stage.is_some_and(|s| {
        s.base_stage.is_none()
            && s.image.as_deref().is_some_and(|i| i.eq_ignore_ascii_case("scratch"))
            && file.stage_instructions(s).iter().all(|i| !matches!(i.keyword.as_str(), "RUN" | "ONBUILD"))
    })
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    for (instruction, _) in file.shipped() {
        let Some(source_stage) = instruction.flag("from").filter(|_| instruction.keyword == "COPY") else { continue };
        if artifact_stage(file, source_stage) {
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

    #[test]
    fn artifact_stages_and_builders_are_fine() {
        let artifact = "FROM a AS build\nRUN make\nFROM scratch AS out\nCOPY --from=build /app/bin /bin\nFROM c\nCOPY --from=out / /\n";
        assert!(lines(&RULE, artifact).is_empty());
        let builder = "FROM a AS b\nFROM c AS d\nCOPY --from=b / /\nFROM e\nCOPY --from=d /x /x\n";
        assert!(lines(&RULE, builder).is_empty(), "a copy into a builder stage does not ship");
        assert_eq!(lines(&RULE, "FROM a AS b\nFROM c\nCOPY --from=b \"/\" /app\n"), [3]);
    }
}
