//! BD019: setuid or setgid bits added.

use super::support::for_each_command;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD019",
    name: "setuid-bit",
    kind: FileKind::Dockerfile,
    severity: Severity::Info,
    summary: "A RUN adds a setuid or setgid bit (`chmod u+s`, `chmod 4755`).",
    fix: "Do not add setuid/setgid bits; grant the specific capability, or run the step as root at build time.",
    docs: r#"## What it does
Flags `chmod` with `u+s`, `g+s`, `+s` or a four-digit mode with the 4000/2000 bits.

## Why is this bad?
A setuid binary runs as its owner (usually root) whatever user starts it, which undoes `USER` and `no-new-privileges` is then the only barrier.

## Example
```dockerfile
RUN chmod u+s /usr/local/bin/tool
```

## Use instead
```dockerfile
RUN chmod 0755 /usr/local/bin/tool
```

## References
- CIS Docker Benchmark 4.8; OWASP Docker Security Cheat Sheet rule #4; dockle CIS-DI-0008
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn adds_setid(mode: &str) -> bool {
    if mode.chars().all(|c| c.is_ascii_digit()) && mode.len() == 4 {
        return matches!(mode.as_bytes()[0], b'2' | b'4' | b'6');
    }
    mode.split(',').any(|part| {
        part.contains("+s")
            || part.contains("=s")
            || (part.contains('+') && part.split('+').nth(1).is_some_and(|p| p.contains('s')))
    })
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
        if command.name() == "chmod" {
            if let Some(mode) =
                command.args().iter().map(|w| w.text.as_str()).find(|w| !w.starts_with('-') || w.contains('+'))
            {
                if adds_setid(mode) {
                    sink.at(line, col, format!("`chmod {mode}` adds a setuid/setgid bit"));
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_setid_modes() {
        assert_eq!(lines(&RULE, "FROM a\nRUN chmod u+s /x\nRUN chmod 4755 /x\nRUN chmod 0755 /x\nRUN chmod -R g+w /x\nRUN chmod g+rs /d\n"), [2, 3, 6]);
    }
}
