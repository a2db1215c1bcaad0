//! BD016: sudo used as a command in RUN.

use super::support::for_each_command;
use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD016",
    name: "sudo",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "A RUN uses `sudo`.",
    fix: "Run the step as root before `USER`, or use `gosu`/`setpriv` in an entrypoint that drops privileges.",
    docs: r#"## What it does
Flags `sudo` (and `doas`) used as a command, seen through `env` and other wrappers. Installing a package called `sudo` is not flagged (KICS #2180 was).

## Why is this bad?
Build steps already run as root unless `USER` says otherwise; `sudo` in an image means a non-root user can become root again, and its TTY and PAM behaviour makes builds unpredictable.

## Example
```dockerfile
RUN sudo apt-get update
```

## Use instead
```dockerfile
USER root
RUN apt-get update && apt-get install -y --no-install-recommends x && rm -rf /var/lib/apt/lists/*
USER 10001
```

## Compared with other linters
hadolint DL3004 is an `error` because sudo makes builds unpredictable. berth rates it medium: in a build it only matters for the privileges it implies for the final image, which BD001/BD002 judge at high.

## References
- hadolint DL3004; checkov CKV2_DOCKER_1; dockle DKL-DI-0001; KICS 8ada6e80
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
        if command.uses_sudo() {
            sink.at(line, col, format!("{} is run through sudo", quote(command.name())));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_sudo_commands_not_packages() {
        assert_eq!(
            lines(
                &RULE,
                "FROM a\nRUN sudo apt-get update\nRUN apt-get install -y sudo\nRUN env X=1 sudo -u app make\n"
            ),
            [2, 4]
        );
    }
}
