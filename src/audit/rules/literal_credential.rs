//! BC027: credentials written in the compose file.

use crate::audit::compose::ComposeFile;
use crate::audit::compose::{env_pairs, interpolate};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::secrets::{is_credential_name, is_harmless_value};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC027",
    name: "literal-credential",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "An `environment:` or build `args:` entry named like a credential has a literal value.",
    fix: "Use compose `secrets:` with the image's `*_FILE` variables, or `${VAR}` from an untracked .env file.",
    docs: r#"## What it does
Flags `environment:` and `build.args` keys that are credentials, matched as words (`POSTGRES_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`), whose values are literal. `${VAR}` values are not literal; `$$` is an escaped `$`, so `pa$$word` is (compose-lint #502). `*_FILE` names, booleans and `/run/secrets/` paths pass.

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
            let value = interpolate(&value);
            if is_credential_name(&key) && !value.unresolved && !is_harmless_value(&value.text) {
                sink.scoped(node.line, node.col, svc.name, format!("`{key}` has a literal value"));
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
        let text = "services:\n  a:\n    environment:\n      POSTGRES_PASSWORD: hunter2\n      DB_PASSWORD_FILE: /run/secrets/db\n      API_KEY: ${API_KEY}\n      - x\n";
        let text = text.replace("      - x\n", "");
        assert_eq!(lines(&RULE, &text), [4]);
        assert_eq!(lines(&RULE, "services:\n  a:\n    environment:\n      - TOKEN=pa$$word\n    build:\n      args:\n        NPM_TOKEN: abc123\n"), [4, 7]);
    }
}
