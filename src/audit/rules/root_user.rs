//! BD002: the last USER of the final stage is root.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::root_until_entrypoint::privilege_drop;
use super::support::{final_user, user_part};

pub static RULE: Rule = Rule {
    code: "BD002",
    name: "root-user",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "The final stage's last USER is root.",
    fix: "Switch back to a numeric non-root user (`USER 10001:10001`) after the steps that need root.",
    docs: r#"## What it does
Flags a final stage whose last `USER` is `root`, `0`, `root:<group>` or `0:<group>`. Builder
stages are not judged (hadolint #405, #1014 report false positives there). When the entrypoint
visibly drops to another user (`gosu`, `su-exec`, `setpriv`...), BD043 reports it instead, at a
lower severity.

## Why is this bad?
The container's processes run as root: an exploited application owns the container and gets a
shorter path to the host.

## Example
```dockerfile
FROM python:3.13-slim
USER root
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.13-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
USER 10001:10001
CMD ["python", "app.py"]
```

## Compared with other linters
hadolint DL3002 judges the last USER of every stage; berth only the final stage's, as builder
stages are not what runs.

## References
- CIS Docker Benchmark 4.1; OWASP Docker Security Cheat Sheet rule #2
- hadolint DL3002; checkov CKV_DOCKER_8; KICS 67fd0c4a Last User Is 'root'
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    if let Some(user) = final_user(input.file) {
        let value = user.args().trim();
        if matches!(user_part(value), "root" | "0") && privilege_drop(input).is_none() {
            sink.at(user.line, user.col, format!("the final stage runs as {}", quote(value)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_root_as_last_user() {
        assert_eq!(lines(&RULE, "FROM a\nUSER 1000\nUSER root\n"), [3]);
        assert_eq!(lines(&RULE, "FROM a\nUSER 0:0\n"), [2]);
    }

    #[test]
    fn judges_only_the_final_stage() {
        assert!(lines(&RULE, "FROM a AS b\nUSER root\nFROM c\nUSER 1000\n").is_empty());
        assert!(lines(&RULE, "FROM a\nUSER root\nRUN x\nUSER 10001\n").is_empty());
        assert!(lines(&RULE, "FROM a\nUSER rootless\n").is_empty());
        assert!(lines(&RULE, "FROM a\nUSER root\nENTRYPOINT [\"su-exec\", \"app\", \"x\"]\n").is_empty(), "BD043");
    }
}
