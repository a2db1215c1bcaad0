//! BC037: a service that holds database credentials bridges an internal network and one with a
//! route out.

use crate::audit::compose::{is_datastore, ComposeFile, Service};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::secrets;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC037",
    name: "credentials-with-route-out",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A service holding database credentials is on an internal network and on a network with a route out.",
    fix: "Keep the service on internal networks only; let it reach outside hosts through an allowlisting proxy on both networks (berth: `egress: proxy`), and publish its port through that proxy.",
    docs: r#"## What it does
Flags a service that is not itself a data store, holds credentials (a `secrets:` entry, a credential-named variable such as `DB_PASSWORD`, or a URL with a password) for a database, and is on an `internal: true` network and on a network without `internal: true` (a `network_mode` is judged by other rules). "For a database" means a data-store service shares one of its internal networks, or a credential variable names one (`DB_`, `DATABASE_`, `POSTGRES_`, `MYSQL_`, ...).

## Why is this bad?
The internal network keeps the database from talking to the outside, but the service that holds its password can: whatever it reads from the database can leave the host, and a compromised dependency of that service needs nothing else. This is the usual shape of an API published next to its database (Docker cannot publish a port from an internal-only network), and of a pipeline given "a second network" to fetch its data. Put the service on internal networks only, and give the outside a narrow door: a forward proxy that allows the hosts the service calls and nothing else, and a reverse proxy that publishes its port.

## Example
```yaml
services:
  app:
    build: .
    secrets: [db_password]
    networks: [backend, frontend]
  db:
    image: postgres:18
    networks: [backend]
networks:
  backend:
    internal: true
  frontend: {}
```

## Use instead
```yaml
services:
  app:
    build: .
    secrets: [db_password]
    environment:
      HTTPS_PROXY: http://proxy:3128
    networks: [backend]
  proxy:
    build: proxy           # allows CONNECT to the listed hosts only
    networks: [backend, edge]
  db:
    image: postgres:18
    networks: [backend]
networks:
  backend:
    internal: true
  edge: {}
```

## References
- OWASP Docker Security Cheat Sheet rule #5 (network segmentation)
- CIS Docker Benchmark 5.31 (do not share a namespace across trust boundaries)
- `berth new --egress proxy --egress-allow HOST` writes the proxied layout
"#,
    opt_in: false,
    check: Check::Compose(check),
};

/// Name words that say a credential belongs to a database.
const DATABASE_WORDS: &[&str] =
    &["db", "database", "postgres", "postgresql", "pg", "mysql", "mariadb", "mongo", "mongodb", "redis", "sql"];

/// What in the service is a credential: secret names, credential variables and URLs with a
/// password; whether a variable names a database.
fn credentials(svc: &Service) -> (Vec<String>, bool) {
    let mut held: Vec<String> = svc.secrets().into_iter().map(|(name, _)| format!("secret {name}")).collect();
    let mut names_database = false;
    for (key, value, _) in svc.environment() {
        let words = secrets::name_words(&key);
        let database = words.iter().any(|w| DATABASE_WORDS.contains(&w.as_str()));
        let credential_name = secrets::is_credential_name(&key)
            && value.as_deref().is_none_or(|v| v.trim().starts_with('$') || secrets::is_credential_value(&key, v));
        // `DB_PASSWORD_FILE`: the credential is in the file it names, which the service reads.
        let reference = words.len() > 1
            && words.last().is_some_and(|w| w == "file")
            && secrets::is_credential_name(&words[..words.len() - 1].join("_"));
        let url = value.as_deref().and_then(secrets::url_password).is_some();
        if credential_name || reference || url {
            held.push(key.clone());
            names_database |= database || url;
        }
    }
    (held, names_database)
}

fn is_internal(file: &ComposeFile, network: &str) -> bool {
    file.network(network).and_then(|def| def.get("internal")).and_then(|i| i.as_bool()) == Some(true)
}

fn check(file: &ComposeFile, sink: &mut Sink) {
    let services = file.services();
    for svc in &services {
        if is_datastore(svc) || svc.get("network_mode").is_some() {
            continue;
        }
        let networks = svc.networks();
        let (internal, open): (Vec<&String>, Vec<&String>) = networks.iter().partition(|n| is_internal(file, n));
        if internal.is_empty() || open.is_empty() {
            continue;
        }
        let (held, names_database) = credentials(svc);
        if held.is_empty() {
            continue;
        }
        let database =
            services.iter().find(|other| is_datastore(other) && other.networks().iter().any(|n| internal.contains(&n)));
        if database.is_none() && !names_database {
            continue;
        }
        let shown: Vec<&str> = open.iter().map(|n| n.as_str()).collect();
        let with = database.map(|db| format!(" next to {}", db.name)).unwrap_or_default();
        let node = svc.get("networks").unwrap_or(svc.key);
        sink.scoped(
            node.line,
            node.col,
            svc.name,
            format!(
                "the service holds credentials ({}) and is on the internal network {}{with} and on {}, which has a route out: what it reads can leave the host",
                held.join(", "),
                internal.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", "),
                shown.join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    const NETWORKS: &str = "networks:\n  back:\n    internal: true\n  front: {}\n";

    #[test]
    fn flags_credential_holders_bridging_internal_and_open_networks() {
        let bridged = format!(
            "services:\n  app:\n    build: .\n    secrets: [db_password]\n    networks: [back, front]\n  db:\n    image: postgres:18\n    networks: [back]\n{NETWORKS}"
        );
        assert_eq!(lines(&RULE, &bridged), [5]);
        let by_name = format!(
            "services:\n  app:\n    image: x:1\n    environment:\n      DATABASE_URL: postgres://u:pw@db.example.com/x\n    networks:\n      back: {{}}\n      front: {{}}\n{NETWORKS}"
        );
        assert_eq!(lines(&RULE, &by_name), [7]);
        let file_reference = format!(
            "services:\n  app:\n    image: x:1\n    environment: [DB_PASSWORD_FILE=/run/secrets/pw]\n    networks: [back, front]\n{NETWORKS}"
        );
        assert_eq!(lines(&RULE, &file_reference), [5]);
    }

    #[test]
    fn internal_only_proxied_and_credential_free_services_pass() {
        let proxied = format!(
            "services:\n  app:\n    build: .\n    secrets: [db_password]\n    environment:\n      HTTPS_PROXY: http://proxy:3128\n    networks: [back]\n  proxy:\n    build: proxy\n    networks: [back, front]\n  db:\n    image: postgres:18\n    networks: [back]\n{NETWORKS}"
        );
        assert!(lines(&RULE, &proxied).is_empty());
        // Credentials, but no database on its internal network and none named.
        let api_key = format!(
            "services:\n  app:\n    build: .\n    environment:\n      API_TOKEN_FILE: /run/secrets/api_token\n      LOG_LEVEL: info\n    networks: [back, front]\n{NETWORKS}"
        );
        assert!(lines(&RULE, &api_key).is_empty());
        // The database itself is BC023's.
        let db = format!(
            "services:\n  db:\n    image: postgres:18\n    secrets: [pw]\n    networks: [back, front]\n{NETWORKS}"
        );
        assert!(lines(&RULE, &db).is_empty());
    }
}
