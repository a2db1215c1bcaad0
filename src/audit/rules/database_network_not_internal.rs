//! BC023: databases on networks with a route out.

use crate::audit::compose::{is_datastore, ComposeFile};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC023",
    name: "database-network-not-internal",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A database service is on a network that is not `internal: true`.",
    fix: "Put the database only on a network with `internal: true`; give the app a second network if it must reach outside.",
    docs: r#"## What it does
Flags a data-store service (postgres, mysql, mariadb, mongo, redis...) that is on the default network or on any network not declared `internal: true`. No other linter checks internal networks.

## Why is this bad?
A database needs no internet access. On an internal network it can neither be reached from outside the host's containers nor send data out if compromised.

## Example
```yaml
services:
  db:
    image: postgres:18
    networks: [backend]
networks:
  backend: {}
```

## Use instead
```yaml
services:
  db:
    image: postgres:18
    networks: [backend]
networks:
  backend:
    internal: true
```

## References
- OWASP Docker Security Cheat Sheet rule #5
- the Docker security lesson ("Internal networks for backend services")
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if !is_datastore(&svc) || svc.get("network_mode").is_some() {
            continue;
        }
        let networks = svc.networks();
        let open: Vec<String> = if networks.is_empty() {
            vec!["default".to_string()]
        } else {
            networks
                .into_iter()
                .filter(|n| file.network(n).and_then(|def| def.get("internal")).and_then(|i| i.as_bool()) != Some(true))
                .collect()
        };
        if open.is_empty() {
            continue;
        }
        let open: Vec<String> = open.iter().map(|n| crate::shown::value(n)).collect();
        let message = format!("the database is on a network with a route out: {}", open.join(", "));
        match svc.get("networks") {
            Some(node) => svc.report(sink, node, message),
            None => svc.report_missing(sink, None, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_databases_off_internal_networks() {
        let text = "services:\n  db:\n    image: postgres:18\n    networks: [front]\n  db2:\n    image: mariadb:11\n    networks: [back]\n  app:\n    build: .\nnetworks:\n  front: {}\n  back:\n    internal: true\n";
        assert_eq!(lines(&RULE, text), [4]);
        assert_eq!(lines(&RULE, "services:\n  cache:\n    image: redis:8\n"), [2]);
    }
}
