//! BD045: files or directories anyone in the container may write.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::modes::{command_mode, copy_mode, parse};
use std::collections::HashSet;

use crate::audit::shell::Script;

pub static RULE: Rule = Rule {
    code: "BD045",
    name: "world-writable-path",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "The image makes a path writable by every user (`chmod 777`, `chmod -R a+w`, `--chmod=777`).",
    fix: "Give the path to the user that needs it (`chown 10001:10001`, `COPY --chown=`), with mode 755/644, or 775 and a shared group.",
    docs: r#"## What it does
In the shipped image (the final stage, the stages it is built `FROM`, `ONBUILD` instructions),
flags modes that give write permission to others: `chmod 777`, `666`, `0757`, `o+w`, `a+w`,
`a+rwX`, `go=rwx`, also with `-R`; `install -m 777`, `mkdir -m 777`; `COPY --chmod=777` and
`ADD --chmod=777`. Not flagged: sticky world-writable directories (`1777`, `+t`), which is how
`/tmp` works, and paths under `/tmp`, `/var/tmp`, `/dev` and `/run/lock`.

## Why is this bad?
Any process in the container, whatever its user, can then change those files: replace a binary
or script that a more privileged process (an entrypoint that starts as root, a cron job, a
second service) runs next, or rewrite the application's code and configuration. For OpenShift's
arbitrary user ids, group 0 with `g=u` is the documented alternative.

## Example
```dockerfile
RUN mkdir -p /app/data && chmod -R 777 /app
```

## Use instead
```dockerfile
RUN mkdir -p /app/data && chown -R 10001:10001 /app/data
```

## Compared with other linters
hadolint and checkov have no rule for world-writable modes; KICS and Semgrep flag `chmod 777`
only as a text match. berth reads the mode, so `chmod 1777` (sticky) and `chmod 775` pass.

## References
- CIS Docker Benchmark 4.8 (remove setuid/setgid and loose permissions); OWASP Docker Security
  Cheat Sheet rule #8 (read-only filesystems and volumes)
- Red Hat OpenShift Container Platform: "Support arbitrary user ids" (group 0, `chmod g=u`)
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// Places meant to be shared scratch space.
const SCRATCH: &[&str] = &["/tmp", "/var/tmp", "/dev", "/run/lock", "/var/lock"];

fn scratch(path: &str) -> bool {
    let path = path.trim_end_matches(['/', '*']);
    SCRATCH.iter().any(|s| path == *s || path.strip_prefix(s).is_some_and(|r| r.starts_with('/')))
}

/// Variables a script sets to a fresh temporary directory or file (`dir="$(mktemp -d)"`).
fn mktemp_variables(script: &Script) -> HashSet<&str> {
    script
        .commands()
        .iter()
        .flat_map(|c| c.assignments.iter().chain(if c.name() == "export" { c.args() } else { &[] }))
        .filter(|w| w.subs.iter().any(|s| s.commands().iter().any(|c| c.name() == "mktemp")))
        .filter_map(|w| w.text.split_once('=').map(|(name, _)| name))
        .collect()
}

/// The variable a path starts with: `$dir` and `${dir}/x` give `dir`.
fn leading_variable(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('$')?;
    let rest = rest.strip_prefix('{').unwrap_or(rest);
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.shipped() {
        if let Some((mode, destination)) = copy_mode(instruction) {
            if parse(mode).is_some_and(|a| a.world_writable && !a.sticky) && !scratch(&destination) {
                sink.at(
                    instruction.line,
                    instruction.col,
                    format!(
                        "{} --chmod={} makes {} writable by every user",
                        instruction.keyword,
                        mode,
                        quote(&destination)
                    ),
                );
            }
            continue;
        }
        for script in instruction.scripts() {
            let temporary = mktemp_variables(script);
            for command in script.commands() {
                let Some((mode, targets)) = command_mode(command) else { continue };
                let Some(adds) = parse(mode) else { continue };
                if !adds.world_writable || adds.sticky {
                    continue;
                }
                let open: Vec<String> = targets
                    .iter()
                    .filter(|t| !scratch(&t.text) && !leading_variable(&t.text).is_some_and(|v| temporary.contains(v)))
                    .map(|t| quote(&t.text))
                    .collect();
                if !open.is_empty() {
                    let (line, col) = instruction.position(command.start());
                    sink.at(
                        line,
                        col,
                        format!(
                            "{} {} makes {} writable by every user",
                            quote(command.name()),
                            quote(mode),
                            open.join(", ")
                        ),
                    );
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
    fn flags_world_writable_modes() {
        let text = "FROM a\nRUN chmod 777 /app\nRUN chmod -R a+rwX /opt/app\nCOPY --chmod=777 run.sh /usr/local/bin/\nRUN mkdir -p -m 0777 /data\nRUN install -m 666 conf /etc/app.conf\nRUN chmod o+w /usr/local/bin/tool\n";
        assert_eq!(lines(&RULE, text), [2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn sticky_scratch_narrow_and_builder_modes_pass() {
        let text = "FROM a AS b\nRUN chmod 777 /x\nFROM c\nRUN chmod 1777 /app/tmp\nRUN chmod 777 /tmp/cache\nRUN chmod 775 /app && chmod +w /app/x\nRUN chmod a+t,a+w /shared\nCOPY --chmod=755 app /app\nRUN tempDir=\"$(mktemp -d)\" && chmod 777 \"$tempDir\" && chmod 777 ${tempDir}/x\n";
        assert!(lines(&RULE, text).is_empty());
    }
}
