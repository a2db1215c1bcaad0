//! BD035: CMD/ENTRYPOINT in shell form.

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD035",
    name: "shell-form-entrypoint",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary:
        "CMD, ENTRYPOINT or HEALTHCHECK CMD is in shell form, so it needs a shell and the process does not get signals.",
    fix: "Use the JSON (exec) form: `CMD [\"python\", \"app.py\"]`.",
    docs: r#"## What it does
Flags `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` written as plain text in the final stage (the shell form).

## Why is this bad?
The shell form runs `/bin/sh -c`, which becomes PID 1 and does not forward SIGTERM: `docker stop` waits and then kills the app without a clean shutdown. It also requires a shell, which distroless images do not have: a shell-form HEALTHCHECK there fails every time and the container is never healthy.

## Example
```dockerfile
CMD python app.py
```

## Use instead
```dockerfile
CMD ["python", "app.py"]
```

## Compared with other linters
hadolint DL3025 is a `warning`; berth rates it low: lost signals break clean shutdowns, not isolation.

## References
- hadolint DL3025
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    let Some(stage) = file.final_stage() else { return };
    for instruction in file.stage_instructions(stage) {
        if matches!(instruction.keyword.as_str(), "CMD" | "ENTRYPOINT")
            && instruction.json.is_none()
            && !instruction.args().trim().is_empty()
        {
            sink.at(
                instruction.line,
                instruction.col,
                format!("{} in shell form: signals go to /bin/sh, not the app", instruction.keyword),
            );
        }
        if instruction.keyword == "HEALTHCHECK" {
            let command = instruction.args().trim();
            let shell_form = command.get(..3).is_some_and(|k| k.eq_ignore_ascii_case("CMD"))
                && !command[3..].trim_start().starts_with('[');
            if shell_form {
                sink.at(
                    instruction.line,
                    instruction.col,
                    "HEALTHCHECK CMD in shell form: it needs /bin/sh in the image",
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
    fn flags_shell_form() {
        assert_eq!(lines(&RULE, "FROM a\nENTRYPOINT [\"x\"]\nCMD python app.py\n"), [3]);
        assert_eq!(
            lines(
                &RULE,
                "FROM a\nHEALTHCHECK --interval=5s CMD curl -f http://x/\nHEALTHCHECK CMD [\"x\"]\nHEALTHCHECK NONE\n"
            ),
            [2]
        );
    }
}
