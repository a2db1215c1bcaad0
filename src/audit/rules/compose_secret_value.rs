//! BC028: credential-shaped values in the compose file.

use crate::audit::compose::ComposeFile;
use crate::audit::compose::{env_pairs, interpolate};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::secrets::{is_credential_name, secret_in_text};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC028",
    name: "compose-secret-value",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "An environment value, label or command holds a credential (URL with a password, bearer token, private key, API token).",
    fix: "Move the credential to a compose secret; build URLs from parts at run time (`DB_HOST`, `DB_PASSWORD_FILE`).",
    docs: r#"## What it does
Looks at values, not names: `environment:`, `build.args`, `labels:` and `command:`/`entrypoint:` strings containing `scheme://user:password@host`, an authorization token, a private-key block or a well-known token shape. Values under credential names are left to BC027.

## Why is this bad?
A connection string with its password in the compose file is a committed secret, and it shows in `docker inspect`.

## Example
```yaml
services:
  etl:
    environment:
      DATABASE_URL: postgres://etl:hunter2@db:5432/etl
```

## Use instead
```yaml
services:
  etl:
    environment:
      DB_HOST: db
      DB_PASSWORD_FILE: /run/secrets/db_password
```

## References
- OWASP Docker Security Cheat Sheet rule #12
- compose-lint CL-0021
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let mut values = svc.environment();
        values.extend(env_pairs(svc.get("build").and_then(|b| b.get("args"))));
        values.extend(env_pairs(svc.get("labels")));
        for key in ["command", "entrypoint"] {
            if let Some(node) = svc.get(key) {
                let items: Vec<&crate::yaml::tree::Node> =
                    if node.as_seq().is_some() { node.items().iter().collect() } else { vec![node] };
                values.extend(
                    items.into_iter().filter_map(|n| n.as_str().map(|t| (key.to_string(), Some(t.to_string()), n))),
                );
            }
        }
        for (key, value, node) in values {
            let Some(value) = value else { continue };
            if is_credential_name(&key) {
                continue;
            }
            let value = interpolate(&value);
            if let Some(kind) = secret_in_text(&value.text) {
                sink.scoped(node.line, node.col, svc.name, format!("`{key}` holds {kind}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_secret_values() {
        let text = "services:\n  a:\n    environment:\n      DATABASE_URL: postgres://etl:hunter2@db/etl\n      OK_URL: postgres://etl:${DB_PASSWORD}@db/etl\n    command: [\"curl\", \"-H\", \"Authorization: Bearer abcdef123456\"]\n";
        assert_eq!(lines(&RULE, text), [4, 6]);
    }
}
