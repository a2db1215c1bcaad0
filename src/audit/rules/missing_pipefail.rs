//! BD031: pipes without pipefail.

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD031",
    name: "missing-pipefail",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "A RUN has a pipe but the shell does not fail on a failed pipe stage.",
    fix: "Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start the RUN with `set -o pipefail &&`.",
    docs: r#"## What it does
Flags a shell-form RUN with a `|` pipeline when no earlier `SHELL` in the stage sets `-o pipefail` and the RUN does not `set -o pipefail` itself.

## Why is this bad?
`/bin/sh -c` returns the status of the last command only: `curl https://x | tar -x` succeeds when the download fails, and the image is built broken.

## Example
```dockerfile
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt
```

## Use instead
```dockerfile
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt
```

## Compared with other linters
hadolint DL4006 is a `warning`; berth rates it low: a silently failed pipe gives a broken build, which tests catch, rather than an exposure.

## References
- hadolint DL4006; KICS efbf148a
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    for stage in &file.stages {
        let mut pipefail = false;
        for instruction in file.stage_instructions(stage) {
            if instruction.keyword == "SHELL" {
                pipefail = instruction.json.as_ref().is_some_and(|items| {
                    items.windows(2).any(|w| w[0] == "-o" && w[1] == "pipefail")
                        || items.iter().any(|i| i == "-eo" || i == "-euo")
                });
            }
            if instruction.keyword != "RUN" || instruction.json.is_some() || pipefail {
                continue;
            }
            for script in instruction.scripts() {
                let sets = script.commands().iter().any(|c| {
                    c.name() == "set"
                        && c.args().windows(2).any(|w| w[0].text.ends_with('o') && w[1].text == "pipefail")
                });
                if sets {
                    continue;
                }
                if let Some(pipeline) = script.pipelines.iter().find(|p| p.commands.len() > 1) {
                    let (line, col) = instruction.position(pipeline.commands[1].start());
                    sink.at(line, col, "a failure before this pipe is ignored: set -o pipefail");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_pipes_without_pipefail() {
        assert_eq!(lines(&RULE, "FROM a\nRUN curl x | tar -x\nRUN set -o pipefail && curl x | tar -x\n"), [2]);
        assert!(lines(&RULE, "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | tar -x\n")
            .is_empty());
    }
}
