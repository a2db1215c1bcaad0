//! BD033: WORKDIR with a relative path.

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD033",
    name: "relative-workdir",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "WORKDIR is a relative path, which depends on the base image's working directory.",
    fix: "Use an absolute path: `WORKDIR /app`.",
    docs: r#"## What it does
Flags `WORKDIR` values that do not start with `/` (or a variable, or a Windows drive).

## Why is this bad?
A relative WORKDIR resolves against whatever the base image set; a base image change silently moves the application.

## Example
```dockerfile
WORKDIR app
```

## Use instead
```dockerfile
WORKDIR /app
```

## Compared with other linters
hadolint DL3000 is an `error`; berth rates it low: it is a correctness issue of the build, not a security control.

## References
- hadolint DL3000; checkov CKV_DOCKER_10
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        let path = instruction.args().trim().trim_matches('"');
        let windows = path.len() > 1 && path.as_bytes()[1] == b':';
        if instruction.keyword == "WORKDIR"
            && !path.is_empty()
            && !path.starts_with('/')
            && !path.starts_with('$')
            && !windows
        {
            sink.at(instruction.line, instruction.col, format!("WORKDIR `{path}` is relative"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_relative_paths() {
        assert_eq!(lines(&RULE, "FROM a\nWORKDIR app\nWORKDIR /app\nWORKDIR $HOME\n"), [2]);
    }
}
