//! BC028: credential-shaped values in the compose file.

use crate::audit::compose::ComposeFile;
use crate::audit::compose::{env_pairs, expand, interpolate};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::secrets::{credential_arguments, is_credential_name, secret_in_text};
use crate::report::Severity;
use crate::yaml::tree::Node;

pub static RULE: Rule = Rule {
    code: "BC028",
    name: "compose-secret-value",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "An environment value, label or command holds a credential (URL with a password, bearer token, private key, API token).",
    fix: "Move the credential to a compose secret; build URLs from parts at run time (`DB_HOST`, `DB_PASSWORD_FILE`).",
    docs: r#"## What it does
Looks at values, not names: `environment:`, `build.args` and `labels:` values containing `scheme://user:password@host`, an authorization token, a private-key block, a well-known token shape, or a literal `password=...` inside a longer value (a JAAS configuration, JVM options, a JDBC URL). Values under credential names are left to BC027.

In `command:`, `entrypoint:` and `healthcheck.test`, it also finds literal values given to credential flags and variables: `--requirepass x`, `--password=x`, `--admin-password x`, `PGPASSWORD=x psql`, `mysqladmin -proot`, also inside `sh -c "..."` and `CMD-SHELL` lines. `$VAR` and `${VAR}` values, paths (`--password-file /run/secrets/pw`) and `-p` alone (a prompt) are not reported.

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

## Compared with other linters
compose-lint reports credentials on command lines under CL-0020 and URLs with a password under CL-0021; berth reports both here, as values, while BC027 judges names. compose-lint does not read the `test` of a health check with `disable: true`; berth does, because the credential is in the file, which is in version control, whether or not the check runs.

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
        for (key, value, node) in values {
            let Some(value) = value else { continue };
            if is_credential_name(&key) {
                continue;
            }
            if let Some(kind) = secret_in_text(&interpolate(&value).text) {
                svc.report(sink, node, format!("{} holds {kind}", crate::shown::value(&key)));
            }
        }
        let test = svc.get("healthcheck").and_then(|h| h.get("test"));
        for (key, node) in
            [("command", svc.get("command")), ("entrypoint", svc.get("entrypoint")), ("healthcheck.test", test)]
        {
            let Some(node) = node else { continue };
            for (item, problem) in command_secrets(node) {
                svc.report(sink, item, format!("`{key}` {problem}"));
            }
        }
    }
}

/// Credentials in a `command`, `entrypoint` or `healthcheck.test`: a secret shape anywhere, or a
/// literal value given to a credential flag or variable. A string is a shell line; in a list,
/// the item after `-c` (or after `CMD-SHELL`) is one.
fn command_secrets(node: &Node) -> Vec<(&Node, String)> {
    let items: Vec<&Node> = if node.as_seq().is_some() { node.items().iter().collect() } else { vec![node] };
    let texts: Vec<String> =
        items.iter().map(|n| n.as_str().map(|t| expand(t, "$UNSET").text).unwrap_or_default()).collect();
    let mut out = Vec::new();
    let mut plain: Vec<&str> = Vec::new();
    for (i, (item, text)) in items.iter().zip(&texts).enumerate() {
        if let Some(kind) = secret_in_text(text) {
            out.push((*item, format!("holds {kind}")));
            continue;
        }
        let shell_line = items.len() == 1 || (i > 0 && matches!(texts[i - 1].as_str(), "-c" | "CMD-SHELL"));
        if shell_line {
            for name in shell_credentials(text, 0) {
                out.push((*item, format!("gives {} a literal credential", crate::shown::value(&name))));
            }
        } else if !matches!(text.as_str(), "CMD" | "CMD-SHELL") {
            plain.push(text);
        }
    }
    let first = items.first().copied();
    for name in credential_arguments(&plain) {
        if let Some(first) = first {
            out.push((first, format!("gives {} a literal credential", crate::shown::value(&name))));
        }
    }
    out
}

/// Credential flags and variables with literal values in a shell line, and in the `sh -c` lines
/// it runs.
fn shell_credentials(text: &str, depth: usize) -> Vec<String> {
    let mut found = Vec::new();
    for command in crate::audit::shell::parse(text, 0).commands() {
        let words: Vec<&str> = command.assignments.iter().chain(&command.words).map(|w| w.text.as_str()).collect();
        found.extend(credential_arguments(&words));
        let shell = matches!(command.name(), "sh" | "bash" | "ash" | "dash" | "zsh");
        if let Some(i) = command.words.iter().position(|w| w.text == "-c").filter(|_| shell && depth < 4) {
            if let Some(line) = command.words.get(i + 1) {
                found.extend(shell_credentials(&line.text, depth + 1));
            }
        }
    }
    found
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

    #[test]
    fn flags_credentials_on_command_lines() {
        let text = "services:\n  a:\n    command: redis-server --requirepass hunter2\n  b:\n    command: [\"redis-server\", \"--requirepass\", \"${PW:-secret}\"]\n  c:\n    healthcheck:\n      test: [\"CMD-SHELL\", \"mysqladmin ping -uroot -proot\"]\n  d:\n    entrypoint: [\"sh\", \"-c\", \"PGPASSWORD=x1y2z3 psql -h db\"]\n  e:\n    environment:\n      KAFKA_SASL_JAAS_CONFIG: org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"admin-secret\";\n  f:\n    command: redis-server --requirepass $${REDIS_PASSWORD}\n";
        assert_eq!(lines(&RULE, text), [3, 5, 8, 10, 13]);
    }
}
