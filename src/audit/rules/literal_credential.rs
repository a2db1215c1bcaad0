//! BC027: credentials written in the compose file.

use crate::audit::compose::ComposeFile;
use crate::audit::compose::{env_pairs, interpolate};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::secrets::{is_credential_name, is_credential_value};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC027",
    name: "literal-credential",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "An `environment:` or build `args:` entry named like a credential has a literal value.",
    fix: "Use compose `secrets:` with the image's `*_FILE` variables, or `${VAR}` from an untracked .env file.",
    docs: r#"## What it does
Flags `environment:` and `build.args` keys that are credentials, matched as words (`POSTGRES_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`, `SESSION_SALT`, `AUTH_TOKENS`, also run together: `MYAPIKEY`, `WEBPASSWORD`), whose values are written in the file.

- A value is literal when any of it ships with the file: `${PW:-hunter2}` ships its default, `hunter2${X}` ships `hunter2`, and `$$` is an escaped `$`, so `pa$$word` is literal (compose-lint #502). `${PW}` alone is not.
- Names that say where the secret is or what kind it is are not credentials: `*_FILE`, `*_PATH`, `*_URL`, `*_USER`, `*_ID`, and settings such as `*_SCHEME`, `*_MECHANISM`, `*_PROVIDER`, `*_ALGORITHM`, `*_LOCATION`, `*_CLASS` (`MAILCOW_PASS_SCHEME: BLF-CRYPT`, `KAFKA_SASL_MECHANISM: OAUTHBEARER`).
- Values that are not credentials: toggles (`yes`, `false`, `0`), paths (`/run/secrets/db`, `./certs/key.pem`), public keys and certificates (`-----BEGIN PUBLIC KEY-----`, `ssh-ed25519 AAAA...`), Java class names, and numbers or durations under a name that counts or times something after its secret word (`JWT_ACCESS_TOKEN_EXPIRE_MINUTES: 30`, `OPENAI_MAX_TOKENS: 4096`, `SECRET_FILE_SIZE: 10`). A number under any other credential name is a password (`DB_PASSWORD: 1234`).

## Why is this bad?
The compose file is in version control and its environment is visible in `docker inspect` and to every process in the container.

## Example
```yaml
services:
  db:
    image: postgres:18
    environment:
      POSTGRES_PASSWORD: hunter2
```

## Use instead
```yaml
services:
  db:
    image: postgres:18
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
secrets:
  db_password:
    file: ./secrets/db_password
```

## Compared with other linters
compose-lint CL-0020 matches name substrings, so it also flags `FLEET_TOKEN_POLICY_NAME` and `SECRET_PATH` (names of settings, not secrets) and `*_DSN`; berth matches words and treats names that end in a reference or a setting as such. A Sentry-style DSN carries a key meant to be public, and a DSN with a password in it is reported by BC028. Credentials on command lines (`--requirepass x`, `PGPASSWORD=x psql`), which compose-lint reports under CL-0020, are BC028's in berth.

## References
- CIS Docker Benchmark 4.10 (analog); OWASP Docker Security Cheat Sheet rule #12
- compose-lint CL-0020
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let args = env_pairs(svc.get("build").and_then(|b| b.get("args")));
        for (key, value, node) in svc.environment().into_iter().chain(args) {
            let Some(value) = value else { continue };
            if !is_credential_name(&key) {
                continue;
            }
            let value = interpolate(&value);
            if value.ships_literal() && is_credential_value(&key, &value.text) {
                svc.report(sink, node, format!("{} has a literal value", crate::shown::value(&key)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_literal_credentials() {
        let text = "services:\n  a:\n    environment:\n      POSTGRES_PASSWORD: hunter2\n      DB_PASSWORD_FILE: /run/secrets/db\n      API_KEY: ${API_KEY}\n      SESSION_SALT: x${SALT}\n      MYAPIKEY: ${KEY:-literal}\n      JWT_ACCESS_TOKEN_EXPIRE_MINUTES: 30\n      MAILCOW_PASS_SCHEME: BLF-CRYPT\n      DB_PASSWORD: 1234\n";
        assert_eq!(lines(&RULE, text), [4, 7, 8, 11]);
        assert_eq!(lines(&RULE, "services:\n  a:\n    environment:\n      - TOKEN=pa$$word\n    build:\n      args:\n        NPM_TOKEN: abc123\n"), [4, 7]);
    }
}
