//! What credentials look like, shared by the Dockerfile, compose and workflow rules.
//!
//! Names are split into words (`DB_PASSWORD` -> `db`, `password`; `apiKey` -> `api`, `key`) and
//! matched as words, so `GOPRIVATE`, `LICENSE_KEY` and `*_FILE` paths are not credentials (the
//! false positives of hadolint #1245/#1230 and dockle #159/#250). Values are judged by shape:
//! bearer tokens, private-key blocks, well-known token prefixes and URLs with a password.

/// Words that make a name a credential on their own.
const SECRET_WORDS: &[&str] =
    &["password", "passwd", "pwd", "pass", "secret", "token", "apikey", "passphrase", "credentials", "credential"];
/// `<word> key` pairs that name a key which is a secret (a bare `_KEY` is not: `LICENSE_KEY`).
const KEY_QUALIFIERS: &[&str] =
    &["api", "secret", "private", "access", "encryption", "signing", "master", "auth", "client", "account"];
/// A last word that makes the value a reference to a secret, not the secret.
const REFERENCE_WORDS: &[&str] = &[
    "file", "path", "dir", "id", "name", "user", "username", "host", "port", "url", "length", "ttl", "expiry",
    "timeout", "type", "header", "env", "var", "ref", "endpoint", "policy", "mode", "method", "kind",
];

/// Splits `DB_PASSWORD`, `db-password`, `dbPassword` into lower-case words.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a variable name says its value is a credential.
pub fn is_credential_name(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else { return false };
    if REFERENCE_WORDS.contains(&last.as_str()) {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words.windows(2).any(|pair| pair[1] == "key" && KEY_QUALIFIERS.contains(&pair[0].as_str()))
}

/// A value that is not a credential even under a credential-shaped name.
pub fn is_harmless_value(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with('$')
        || v.starts_with("/run/secrets/")
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "0" | "1" | "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "none" | "~"
        )
}

fn boundary_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_' && c != '-')
}

fn token_len(text: &str) -> usize {
    text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(text.len())
}

/// The kind of secret a piece of text carries, if it carries one.
pub fn secret_in_text(text: &str) -> Option<&'static str> {
    if text.contains("PRIVATE KEY-----") {
        return Some("a private key");
    }
    let lower = text.to_ascii_lowercase();
    for scheme in ["bearer ", "basic ", "token "] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(scheme) {
            let at = from + i;
            let rest = &text[at + scheme.len()..];
            let len = token_len(rest);
            let before_ok = boundary_before(text, at);
            let authorization = lower[..at].trim_end().ends_with(':') || scheme == "bearer ";
            if before_ok && authorization && len >= 6 && !rest.starts_with('$') {
                return Some("an authorization token");
            }
            from = at + scheme.len();
        }
    }
    const PREFIXES: &[(&str, usize, &str)] = &[
        ("ghp_", 20, "a GitHub token"),
        ("gho_", 20, "a GitHub token"),
        ("ghs_", 20, "a GitHub token"),
        ("github_pat_", 20, "a GitHub token"),
        ("glpat-", 20, "a GitLab token"),
        ("xoxb-", 10, "a Slack token"),
        ("xoxp-", 10, "a Slack token"),
        ("sk_live_", 10, "a Stripe key"),
        ("sk-", 6, "an API key"),
        ("AKIA", 16, "an AWS access key"),
        ("npm_", 30, "an npm token"),
        ("AIza", 30, "a Google API key"),
    ];
    for (prefix, min, kind) in PREFIXES {
        let mut from = 0;
        while let Some(i) = text[from..].find(prefix) {
            let at = from + i;
            let rest = &text[at + prefix.len()..];
            let len = token_len(rest);
            if boundary_before(text, at) && len >= *min && rest[..len].chars().any(|c| c.is_ascii_digit()) {
                return Some(kind);
            }
            from = at + prefix.len();
        }
    }
    if url_password(text).is_some() {
        return Some("a URL with a password");
    }
    None
}

/// The password of the first `scheme://user:password@host` in the text, when it is literal.
pub fn url_password(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let start = from + i + 3;
        let rest = &text[start..];
        let end = rest.find(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'').unwrap_or(rest.len());
        let authority = &rest[..end];
        if let Some((userinfo, _host)) = authority.rsplit_once('@') {
            if let Some((_user, password)) = userinfo.split_once(':') {
                if !password.is_empty() && !password.starts_with('$') && !password.starts_with("{{") {
                    return Some(password);
                }
            }
        }
        from = start;
    }
    None
}

/// Whether a path names a file that holds credentials (`.env`, `id_rsa`, `*.pem`...).
pub fn is_secret_file(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let mut name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let parent = path.rsplit('/').nth(1).unwrap_or("");
    // A template is judged by the file it renders: `.env.example.tera` is an example, `.env.j2` a secret.
    for ext in [".tera", ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl"] {
        if let Some(rendered) = name.strip_suffix(ext) {
            name = rendered.to_owned();
            break;
        }
    }
    if name.ends_with(".example")
        || name.ends_with(".sample")
        || name.ends_with(".template")
        || name.ends_with(".dist")
        || name.ends_with(".pub")
    {
        return false;
    }
    if name == ".env" || name.starts_with(".env.") {
        return true;
    }
    const NAMES: &[&str] = &[
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        ".netrc",
        "_netrc",
        ".pypirc",
        ".npmrc",
        ".git-credentials",
        ".dockercfg",
        "credentials.json",
        ".htpasswd",
        "htpasswd",
        "secrets.yml",
        "secrets.yaml",
        "secrets.json",
        "terraform.tfstate",
        ".boto",
        ".s3cfg",
    ];
    if NAMES.contains(&name.as_str()) {
        return true;
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if matches!(ext, "pem" | "key" | "p12" | "pfx" | "jks" | "keystore" | "kdbx" | "ppk" | "asc" | "gpg") {
        return true;
    }
    if (name.contains("credentials") || name.starts_with("service-account") || name.starts_with("serviceaccount"))
        && ext == "json"
    {
        return true;
    }
    if matches!(parent, ".ssh" | ".aws" | ".docker" | ".kube") && !name.ends_with(".pub") && name != "known_hosts" {
        return true;
    }
    let data_ext = matches!(ext, "" | "txt" | "json" | "yml" | "yaml" | "ini" | "cfg" | "conf" | "env" | "toml");
    let words = name_words(name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem));
    data_ext
        && words.iter().any(|w| matches!(w.as_str(), "password" | "passwd" | "secret" | "secrets" | "token" | "apikey"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_are_matched_as_words() {
        for name in [
            "DB_PASSWORD",
            "API_KEY",
            "apiKey",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "POSTGRES_PASSWORD",
            "client_secret",
            "DB_PASS",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "GOPRIVATE",
            "LICENSE_KEY",
            "DB_PASSWORD_FILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "DB_USER",
            "USERNAME",
            "PASSPORT_ID",
            "AWS_ACCESS_KEY_ID",
            "PATH",
            "SORT_KEY",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn secret_values_by_shape() {
        assert_eq!(
            secret_in_text("curl -H \"Authorization: Bearer sk-abc123\" https://x"),
            Some("an authorization token")
        );
        assert_eq!(secret_in_text("-----BEGIN OPENSSH PRIVATE KEY-----"), Some("a private key"));
        assert_eq!(secret_in_text("API_KEY=sk-abc123def456"), Some("an API key"));
        assert_eq!(secret_in_text("postgres://app:hunter2@db/app"), Some("a URL with a password"));
        assert_eq!(secret_in_text("AKIAIOSFODNN7EXAMPLE"), Some("an AWS access key"));
        assert_eq!(secret_in_text("Authorization: Bearer $TOKEN"), None);
        assert_eq!(secret_in_text("postgres://app:${DB_PASSWORD}@db/app"), None);
        assert_eq!(secret_in_text("apt-get install -y disk-utils task-spooler"), None);
        assert_eq!(secret_in_text("https://pypi.example.com/simple"), None);
    }

    #[test]
    fn secret_files() {
        for path in [
            "credentials.json",
            ".env",
            "config/.env.prod",
            "deploy/id_rsa",
            "tls/server.key",
            "cert.pem",
            ".aws/credentials",
            "secrets/db_password",
            "api_token.txt",
            "templates/.env.j2",
        ] {
            assert!(is_secret_file(path), "{path}");
        }
        for path in [
            ".env.example",
            "templates/.env.prod.example.tera",
            "id_rsa.pub",
            "src/app.py",
            "reset_password.py",
            "keys.py",
            "requirements.txt",
            "README.md",
        ] {
            assert!(!is_secret_file(path), "{path}");
        }
    }
}
