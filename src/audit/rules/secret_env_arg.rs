//! BD008: ENV or ARG named like a credential, with a value that ends up in the image.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::secrets::{is_credential_name, is_credential_value};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD008",
    name: "secret-in-env-or-arg",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "An ENV or ARG named like a credential stores its value in the image or its history.",
    fix: "Pass build-time secrets with `RUN --mount=type=secret,id=...` and runtime secrets as files (compose `secrets:`, `*_FILE` variables).",
    docs: r#"## What it does
Flags `ENV` and `ARG` whose names are credentials, matched as words (`DB_PASSWORD`, `API_KEY`,
`GITHUB_TOKEN`, `client_secret`), not substrings: `GOPRIVATE`, `LICENSE_KEY`, `DB_USER` and
`*_FILE` / `*_PATH` names (which hold a path to a secret) and names of settings about a secret
(`*_SCHEME`, `*_MECHANISM`, `*_PROVIDER`, `*_ALGORITHM`) are not flagged. Nor are values that are
not credentials: booleans, paths (`/run/secrets/db`, `./certs/key.pem`), public keys and
certificates, Java class names, and numbers or durations under a name that counts or times
something (`TOKEN_TTL=3600`). Variables a front-end build inlines into the JavaScript it ships
to browsers (`VITE_*`, `NEXT_PUBLIC_*`, `NUXT_PUBLIC_*`, `EXPO_PUBLIC_*`, `REACT_APP_*`) are
public by design and are not flagged either.

- `ENV` with a value: the value is in the image configuration for anyone who can pull it.
- `ARG` (with or without a default): `--build-arg` values are recorded in `docker history`.

## Why is this bad?
Every layer and the image configuration can be read by anyone with the image: `docker history`
and `docker inspect` show them. Deleting or overriding later does not help.

## Example
```dockerfile
ENV API_KEY=sk-abc123def456
ARG DB_PASSWORD=mysecret
```

## Use instead
```dockerfile
RUN --mount=type=secret,id=api_key \
    API_KEY="$(cat /run/secrets/api_key)" ./configure
ENV DB_PASSWORD_FILE=/run/secrets/db_password
```

## Compared with other linters
hadolint DL3064 also flags `AWS_ACCESS_KEY_ID`, the identifier half of the key pair; berth flags
the secret half (`AWS_SECRET_ACCESS_KEY`).
hadolint DL3064 matches name substrings, so it also flags `DB_PASSWORD_FILE=/run/secrets/db_password`, the recommended way to pass a secret (hadolint #1245, #1230). berth matches words and treats `*_FILE` and `*_PATH` names as references, on purpose.

## References
- CIS Docker Benchmark 4.10; OWASP Docker Security Cheat Sheet rule #12
- hadolint DL3064 (name substrings; see hadolint #1245, #1230 for its false positives);
  dockle CIS-DI-0010; KICS c3e1b6ae
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        let kind = instruction.keyword.as_str();
        if kind != "ENV" && kind != "ARG" {
            continue;
        }
        for kv in instruction.key_values() {
            if !is_credential_name(&kv.key) {
                continue;
            }
            let (line, col) = instruction.position(kv.offset);
            let harmless = |v: &str| !is_credential_value(&kv.key, v);
            match (kind, kv.value.as_deref()) {
                ("ENV", Some(v)) if !harmless(v) => {
                    sink.at(line, col, format!("ENV {} puts a credential in the image configuration", quote(&kv.key)))
                }
                ("ARG", None) => sink.at(
                    line,
                    col,
                    format!("ARG {}: build arguments are recorded in the image history", quote(&kv.key)),
                ),
                ("ARG", Some(v)) if !harmless(v) => sink.at(
                    line,
                    col,
                    format!("ARG {} has a credential default, recorded in the image history", quote(&kv.key)),
                ),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_credential_names() {
        assert_eq!(
            lines(
                &RULE,
                "FROM a\nENV API_KEY=sk-abc123def456\nARG DB_PASSWORD=mysecret\nARG GITHUB_TOKEN\nENV TOKEN=$TOKEN\n"
            ),
            [2, 3, 4, 5]
        );
    }

    #[test]
    fn skips_references_and_lookalikes() {
        assert!(lines(&RULE, "FROM a\nENV DB_PASSWORD_FILE=/run/secrets/db GOPRIVATE=github.com/acme LICENSE_KEY=x\nARG USERNAME=app\nENV MYSQL_RANDOM_ROOT_PASSWORD=yes\nENV GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json TOKEN_TTL=3600 PASS_SCHEME=BLF-CRYPT\nENV JWT_PUBLIC_KEY=\"ssh-ed25519 AAAAC3Nz ci\"\n").is_empty());
    }
}
