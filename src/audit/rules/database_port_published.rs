//! BC024: database ports published on the host.

use crate::audit::compose::{is_datastore, ComposeFile};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC024",
    name: "database-port-published",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A database service publishes a port on the host.",
    fix: "Remove `ports:` from the database; services reach it over their shared internal network.",
    docs: r#"## What it does
Flags `ports:` on a data-store service (postgres, mysql, mariadb, mongo, redis...). Loopback bindings are flagged too: any local process, and any container with host networking, can then reach the database.

## Why is this bad?
A database port on the host is a target for password guessing and for every unpatched protocol bug; nothing but the application needs it.

## Example
```yaml
services:
  db:
    image: postgres:18
    ports:
      - "5432:5432"
```

## Use instead
```yaml
services:
  db:
    image: postgres:18
    networks: [backend]
```

## References
- the Docker security lesson ("Database not exposed to host"); OWASP Docker Security Cheat Sheet rule #5
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if is_datastore(&svc) {
            for port in svc.ports() {
                svc.report(sink, port.node, "the database is published on the host");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_published_database_ports() {
        assert_eq!(lines(&RULE, "services:\n  db:\n    image: postgres:18\n    ports:\n      - 127.0.0.1:5432:5432\n  api:\n    image: api:1\n    ports: [\"127.0.0.1:8000:8000\"]\n"), [5]);
    }
}
