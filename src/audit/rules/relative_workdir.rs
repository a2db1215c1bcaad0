//! BD033: WORKDIR with a relative path.

use crate::audit::dockerfile::quote;
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
Flags `WORKDIR` values that do not start with `/` (or a variable, or a Windows drive), after
removing quotes as BuildKit does: `WORKDIR '/usr/local'` and `WORKDIR "/usr/local"` are absolute.

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

/// `C:\\`, `C:/`, `c:`: a Windows drive path.
fn windows_absolute(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.next() == Some(':')
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        if instruction.keyword != "WORKDIR" {
            continue;
        }
        let raw = instruction.args().trim();
        // The path as BuildKit sees it: quotes removed (`WORKDIR '/usr/local'` is absolute).
        let Some(word) = instruction.words().first() else { continue };
        let path = word.text.as_str();
        let absolute = path.starts_with('/')
            || word.expands
            || windows_absolute(path)
            || windows_absolute(raw)
            || raw.starts_with(['\\', '$']);
        if !path.is_empty() && !absolute {
            let (line, col) = instruction.position(word.start);
            sink.at(line, col, format!("WORKDIR {} is relative", quote(path)));
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

    #[test]
    fn quotes_are_removed_first() {
        let text = "FROM a\nWORKDIR '/usr/local'\nWORKDIR \"/usr/local\"\nWORKDIR 'relative/dir'\nWORKDIR \"relative/dir\"\nWORKDIR \"${dir}\"\nWORKDIR 'C:\\'\nWORKDIR \"C:/\"\nWORKDIR C:/\n";
        assert_eq!(lines(&RULE, text), [4, 5]);
    }
}
