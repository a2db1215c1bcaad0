//! BD009: a literal credential (token, key, password) in ENV, ARG, LABEL, RUN or a COPY heredoc.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::secrets::{is_credential_name, secret_in_text};
use crate::audit::shell::flag_matches;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD009",
    name: "secret-value",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "A literal credential (bearer token, private key, API token, password) is written in the Dockerfile.",
    fix: "Remove it, rotate it, and pass it with `RUN --mount=type=secret,id=...` (`docker build --secret`).",
    docs: r#"## What it does
Looks at values, not names: bearer/basic authorization tokens, private-key blocks, well-known
token shapes (GitHub, GitLab, Slack, AWS, Stripe, OpenAI-style `sk-` keys), URLs with a password
(`https://user:pass@host`), and literal values of `--password`, `--token`, `--api-key`,
`--secret` and `curl -u user:pass` in `RUN`. Values that are variables (`$TOKEN`) are skipped;
ENV/ARG values under a credential name are left to BD008.

## Why is this bad?
The Dockerfile is in version control and every instruction's text is in the image history: the
credential is readable by everyone who can read the repository or pull the image.

## Example
```dockerfile
RUN curl -H "Authorization: Bearer sk-abc123" https://api.example.com/config > /app/config
```

## Use instead
```dockerfile
RUN --mount=type=secret,id=api_token \
    curl -H "Authorization: Bearer $(cat /run/secrets/api_token)" https://api.example.com/config > /app/config
```

## References
- CIS Docker Benchmark 4.10; OWASP Docker Security Cheat Sheet rule #12
- dockle CIS-DI-0010; KICS c3e1b6ae
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

const SECRET_FLAGS: &[&str] =
    &["password", "passwd", "token", "api-key", "apikey", "secret", "client-secret", "access-token", "auth-token"];

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        match instruction.keyword.as_str() {
            "ENV" | "ARG" | "LABEL" => {
                for kv in instruction.key_values() {
                    let Some(value) = kv.value.as_deref() else { continue };
                    if instruction.keyword != "LABEL" && is_credential_name(&kv.key) {
                        continue;
                    }
                    if let Some(kind) = secret_in_text(value) {
                        let (line, col) = instruction.position(kv.offset);
                        sink.at(line, col, format!("{} {} holds {kind}", instruction.keyword, quote(&kv.key)));
                    }
                }
            }
            "RUN" => {
                for script in instruction.scripts() {
                    for command in script.commands() {
                        let args = command.args();
                        for word in command.assignments.iter().chain(command.words.iter()) {
                            if let Some(kind) = secret_in_text(&word.text) {
                                let (line, col) = instruction.position(word.start);
                                sink.at(line, col, format!("{} is given {kind} in clear text", quote(command.name())));
                            }
                        }
                        for (i, word) in args.iter().enumerate() {
                            let t = word.text.as_str();
                            let literal = |v: &str| !v.is_empty() && !v.contains('$');
                            let inline = SECRET_FLAGS.iter().find_map(|f| {
                                t.strip_prefix("--").and_then(|r| r.strip_prefix(f)).and_then(|r| r.strip_prefix('='))
                            });
                            let separate = (SECRET_FLAGS.iter().any(|f| flag_matches(t, None, &[f]))
                                && !t.contains('='))
                            .then(|| args.get(i + 1).map(|w| w.text.as_str()))
                            .flatten();
                            let curl_user = (matches!(command.name(), "curl") && (t == "-u" || t == "--user"))
                                .then(|| args.get(i + 1).map(|w| w.text.as_str()))
                                .flatten()
                                .filter(|v| v.contains(':'));
                            if let Some(value) = inline.or(separate).or(curl_user) {
                                if literal(value) {
                                    let (line, col) = instruction.position(word.start);
                                    sink.at(
                                        line,
                                        col,
                                        format!(
                                            "`{}` is given a literal credential with `{}`",
                                            command.name(),
                                            t.split('=').next().unwrap_or(t)
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
            }
            "COPY" | "ADD" => {
                for heredoc in &instruction.heredocs {
                    if let Some(kind) = secret_in_text(instruction.heredoc_body(heredoc)) {
                        sink.at(
                            heredoc.line,
                            1,
                            format!("the heredoc {} writes {kind} into the image", quote(&heredoc.marker)),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_tokens_keys_and_passwords() {
        let text = "FROM a\nRUN curl -H \"Authorization: Bearer sk-abc123\" https://api.example.com/config > /app/config\nRUN configure --password=hunter22\nRUN pip install --index-url https://u:p4ss@pypi.example.com/simple x\nLABEL key=\"-----BEGIN RSA PRIVATE KEY-----\"\nRUN curl -u admin:admin https://x\n";
        assert_eq!(lines(&RULE, text), [2, 3, 4, 5, 6]);
    }

    #[test]
    fn skips_variables() {
        let text = "FROM a\nRUN configure-db --password=$DB_PASSWORD\nRUN curl -H \"Authorization: Bearer $(cat /run/secrets/t)\" https://x\nENV API_KEY=sk-abc123def456\n";
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn looks_inside_heredocs() {
        assert_eq!(
            lines(&RULE, "FROM a\nCOPY <<EOF /root/.ssh/id_rsa\n-----BEGIN OPENSSH PRIVATE KEY-----\nEOF\n"),
            [3]
        );
    }
}
