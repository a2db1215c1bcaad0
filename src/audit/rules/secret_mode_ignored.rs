//! BC033: file secret permissions that Compose ignores.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC033",
    name: "secret-permissions-ignored",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service sets `uid`, `gid` or `mode` on a `file:` secret; outside swarm Compose ignores them.",
    fix: "Set the owner and mode on the host file (for example 0440 with a group the container user is in), and drop `uid`/`gid`/`mode` from the service.",
    docs: r#"## What it does
Flags long-syntax service secrets with `uid`, `gid` or `mode` whose top-level secret is a `file:` secret. Compose bind-mounts such files read-only with the host file's owner and mode and only warns that the settings are not supported.

## Why is this bad?
The file believed to be `0400` for the service user is as readable as it is on the host: often world-readable, or unreadable to the container's uid so that someone "fixes" it with `chmod 644`.

## Example
```yaml
services:
  db:
    image: postgres:18
    secrets:
      - source: db_password
        mode: 0400
secrets:
  db_password:
    file: ./secrets/db_password
```

## Use instead
```yaml
services:
  db:
    image: postgres:18
    secrets:
      - db_password
secrets:
  db_password:
    file: ./secrets/db_password   # chmod 0440, group of the container user, on the host
```

## References
- compose-spec 05-services.md (secrets); docker/compose `buildContainerSecretMounts`
- OWASP Docker Security Cheat Sheet rule #12
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for (name, node) in svc.secrets() {
            let file_secret = file.definition("secrets", &name).and_then(|s| s.get("file")).is_some();
            let set: Vec<&str> = ["uid", "gid", "mode"].into_iter().filter(|k| node.get(k).is_some()).collect();
            if file_secret && !set.is_empty() {
                svc.report(
                    sink,
                    node,
                    format!(
                        "`{}` on the file secret {} is ignored: the host file's owner and mode apply",
                        set.join("`, `"),
                        crate::shown::value(&name)
                    ),
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
    fn flags_ignored_permissions_on_file_secrets() {
        let text = "services:\n  a:\n    secrets:\n      - source: s\n        mode: 0400\n      - t\n      - source: e\n        uid: '1'\nsecrets:\n  s:\n    file: ./s\n  t:\n    file: ./t\n  e:\n    environment: E\n";
        assert_eq!(lines(&RULE, text), [4]);
    }
}
