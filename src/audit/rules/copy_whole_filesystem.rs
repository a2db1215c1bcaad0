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
whole is the point; so is an external image (`COPY --from=gloursdocker/docker / /`, or a stage
that only names one, `FROM tonistiigi/xx AS xx`), published to be copied this way.

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

/// Whether `COPY --from=<source> /` copies something other than an artifact: a stage of this
/// file that built something (or an unknown name, as a stage would be), not an external image
/// (`--from=tonistiigi/xx`, or a stage that only names one: `FROM tonistiigi/xx AS xx`) and not
/// an artifact stage (`FROM scratch` that only receives copied files).
fn copies_a_build_stage(file: &Dockerfile, source: &str) -> bool {
    let stage = match source.parse::<usize>() {
        Ok(index) => file.stages.get(index),
        Err(_) => file.stage_named(source),
    };
    let Some(stage) = stage else {
        // An image reference rather than a stage name.
        return !source.contains(['/', ':', '@', '.', '$']);
    };
    let body = file.stage_instructions(stage);
    let scratch = stage.image.as_deref().is_some_and(|i| i.eq_ignore_ascii_case("scratch"));
    let alias = stage.base_stage.is_none() && body.is_empty();
    let artifact =
        stage.base_stage.is_none() && scratch && body.iter().all(|i| !matches!(i.keyword.as_str(), "RUN" | "ONBUILD"));
    !(alias || artifact)
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    for (instruction, _) in file.shipped() {
        let Some(source) = instruction.flag("from").filter(|_| instruction.keyword == "COPY") else { continue };
        if !copies_a_build_stage(file, source) {
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
            lines(
                &RULE,
                "FROM a AS b\nRUN make\nFROM c\nCOPY --from=b / /\nCOPY --from=b /opt/venv /opt/venv\nCOPY / /x\n"
            ),
            [4]
        );
    }

    #[test]
    fn artifact_stages_and_builders_are_fine() {
        let artifact = "FROM a AS build\nRUN make\nFROM scratch AS out\nCOPY --from=build /app/bin /bin\nFROM c\nCOPY --from=out / /\n";
        assert!(lines(&RULE, artifact).is_empty());
        let builder = "FROM a AS b\nFROM c AS d\nCOPY --from=b / /\nFROM e\nCOPY --from=d /x /x\n";
        assert!(lines(&RULE, builder).is_empty(), "a copy into a builder stage does not ship");
        assert_eq!(lines(&RULE, "FROM a AS b\nRUN make\nFROM c\nCOPY --from=b \"/\" /app\n"), [4]);
        assert_eq!(lines(&RULE, "FROM c\nCOPY --from=build / /\n"), [2], "an unknown name reads as a stage");
        let images = "FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.6.1 AS xx\nFROM c\nCOPY --from=xx / /\nCOPY --from=gloursdocker/docker / /\n";
        assert!(lines(&RULE, images).is_empty(), "external images are artifacts");
    }
}
