//! BD019: setuid or setgid bits added.

use super::modes::{command_mode, copy_mode, created_directories, creates_directories, parse, Adds};
use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD019",
    name: "setuid-bit",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "The image adds a setuid or setgid bit to a file (`chmod u+s`, `chmod 4755`, `--chmod=4755`).",
    fix: "Do not add setuid/setgid bits; grant the specific capability, or do the privileged step at build time.",
    docs: r#"## What it does
Flags modes that add a setuid or setgid bit to a file in the shipped image (the final stage,
the stages it is built `FROM`, `ONBUILD` instructions): `chmod u+s`, `g+s`, `+s`, `4755`,
`2755`, `6755`; `install -m 4755`; `COPY --chmod=4755` and `ADD --chmod=4755`. A setgid bit on a
directory (created with `mkdir` in the same RUN, or written with a trailing `/`) only makes new
files inherit the group and is not flagged.

## Why is this bad?
A setuid binary runs as its owner (usually root) whatever user starts it: it undoes `USER`, and
every bug in it is a path to root inside the container, with `no-new-privileges` the only
barrier left.

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

fn report(sink: &mut Sink, (line, col): (u32, u32), mode: &str, target: &str, adds: Adds, directory: bool) {
    let setuid = adds.setuid && !directory;
    let setgid = adds.setgid && !directory;
    if setuid || setgid {
        let bit = if setuid { "setuid" } else { "setgid" };
        sink.at(line, col, format!("mode {} adds a {bit} bit to {}", quote(mode), quote(target)));
    }
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.shipped() {
        if let Some((mode, destination)) = copy_mode(instruction) {
            if let Some(adds) = parse(mode) {
                let directory = destination.ends_with('/');
                report(sink, (instruction.line, instruction.col), mode, &destination, adds, directory);
            }
            continue;
        }
        if instruction.keyword != "RUN" {
            continue;
        }
        for script in instruction.scripts() {
            let commands = script.commands();
            let directories = created_directories(&commands);
            for command in &commands {
                let Some((mode, targets)) = command_mode(command) else { continue };
                let Some(adds) = parse(mode) else { continue };
                let at = instruction.position(command.start());
                for target in targets {
                    let path = target.text.trim_end_matches('/');
                    let directory =
                        creates_directories(command) || target.text.ends_with('/') || directories.contains(&path);
                    report(sink, at, mode, &target.text, adds, directory);
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
    fn flags_setid_modes() {
        assert_eq!(lines(&RULE, "FROM a\nRUN chmod u+s /x\nRUN chmod 4755 /x\nRUN chmod 0755 /x\nRUN chmod -R g+w /x\nRUN chmod g+rs /d\n"), [2, 3, 6]);
    }

    #[test]
    fn copies_installs_directories_and_builders() {
        let text = "FROM a\nCOPY --chmod=4755 tool /usr/local/bin/tool\nRUN install -m 6755 t /usr/bin/t\nRUN mkdir -p /shared && chmod g+s /shared\nRUN chmod 2775 /srv/data/\nCOPY --chmod=755 app /app\nRUN install --directory --owner postgres --mode 3777 /var/run/postgresql\n";
        assert_eq!(lines(&RULE, text), [2, 3]);
        assert!(lines(&RULE, "FROM a AS b\nRUN chmod u+s /x\nFROM c\n").is_empty(), "a builder does not ship");
    }
}
