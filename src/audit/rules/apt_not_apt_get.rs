//! BD024: the interactive `apt` front end in a build.

use super::support::for_each_command;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD024",
    name: "apt-not-apt-get",
    kind: FileKind::Dockerfile,
    severity: Severity::Info,
    summary: "A RUN uses `apt`, the interactive front end, instead of `apt-get`.",
    fix: "Use `apt-get` (and `apt-cache`) in scripts.",
    docs: r#"## What it does
Flags `apt` as a command word; `apt-get`, `apt-cache` and `apt-mark` are not `apt` (checkov #6567 matched the substring).

## Why is this bad?
`apt` has no stable command-line interface and warns so on stderr; its output and defaults may change between releases.

## Example
```dockerfile
RUN apt install -y curl
```

## Use instead
```dockerfile
RUN apt-get install -y --no-install-recommends curl
```

## Compared with other linters
hadolint DL3027 is a `warning`; berth reports it as info because `apt` in a build is an interface-stability issue, not a security exposure.

## References
- hadolint DL3027; checkov CKV_DOCKER_9; KICS b84a0b47
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
        if command.name() == "apt" {
            sink.at(line, col, "`apt` is meant for people; use `apt-get` in scripts");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_apt_words_only() {
        assert_eq!(
            lines(&RULE, "FROM a\nRUN apt install -y x\nRUN apt-get install -y apt\nRUN apt-cache policy x\n"),
            [2]
        );
    }
}
