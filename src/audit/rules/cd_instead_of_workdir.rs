//! BD038: cd used to change the working directory.

use super::support::runs;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD038",
    name: "cd-instead-of-workdir",
    kind: FileKind::Dockerfile,
    severity: Severity::Info,
    summary: "A RUN starts with `cd` to change directory; WORKDIR says it once for every later instruction.",
    fix: "Use `WORKDIR /path` before the RUN.",
    docs: r#"## What it does
Flags a RUN whose first command is `cd`.

## Why is this bad?
`cd` lasts for one RUN; later instructions silently run elsewhere, which makes builds hard to follow.

## Example
```dockerfile
RUN cd /app && make
```

## Use instead
```dockerfile
WORKDIR /app
RUN make
```

## Compared with other linters
hadolint DL3003 is a `warning`; berth reports it as info: it is about readable builds.

## References
- hadolint DL3003
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in runs(input.file) {
        if let Some(first) = scripts.first().and_then(|s| s.pipelines.first()).and_then(|p| p.commands.first()) {
            if first.name() == "cd" {
                let (line, col) = instruction.position(first.start());
                sink.at(line, col, "`cd` lasts for this RUN only: use WORKDIR");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_leading_cd() {
        assert_eq!(lines(&RULE, "FROM a\nRUN cd /app && make\nRUN make && cd /\n"), [2]);
    }
}
