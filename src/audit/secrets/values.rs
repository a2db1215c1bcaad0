//! Judging values: whether a value under a credential name is the credential, and what kind of
//! secret a piece of text carries whatever its name.

use super::{is_credential_name, is_quantity_name};

/// Values that switch something on or off, or say there is nothing.
const TOGGLES: &[&str] = &["0", "1", "true", "false", "yes", "no", "on", "off", "null", "none", "~"];

/// File extensions that make a value with a `/` in it a path (`%kernel.project_dir%/jwt/private.pem`).
const PATH_EXTENSIONS: &[&str] =
    &["pem", "key", "crt", "cer", "der", "json", "p12", "pfx", "jks", "txt", "conf", "cfg", "env", "gpg", "asc", "pub"];

/// Whether `value`, written under the credential name `name`, is the credential itself.
///
/// Not a credential: an empty value or a toggle (`yes`, `0`); a path (where the secret is kept,
/// `/run/secrets/db`, `./secrets/key.pem`); public material (a public key, a certificate, an SSH
/// public key); a Java class name; a number or duration under a name that counts or times
/// something (`TOKEN_TTL: 30`, but `DB_PASSWORD: 1234` is a password). References to variables
/// are the caller's to judge (Compose interpolation and Dockerfile build arguments differ).
pub fn is_credential_value(name: &str, value: &str) -> bool {
    let v = value.trim();
    let unquoted = ['"', '\''].iter().find_map(|q| v.strip_prefix(*q).and_then(|r| r.strip_suffix(*q))).unwrap_or(v);
    !(unquoted.is_empty()
        || TOGGLES.contains(&unquoted.to_ascii_lowercase().as_str())
        || is_path(unquoted)
        || is_public_material(unquoted)
        || is_class_name(unquoted)
        || (is_quantity(unquoted) && is_quantity_name(name)))
}

fn is_path(v: &str) -> bool {
    if v.starts_with(['/', '~']) || v.starts_with("./") || v.starts_with("../") || v.starts_with("file:") {
        return true;
    }
    let windows = v.len() > 2 && v.as_bytes()[1] == b':' && matches!(v.as_bytes()[2], b'\\' | b'/');
    let extension = v.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    windows || (v.contains('/') && !v.contains(char::is_whitespace) && PATH_EXTENSIONS.contains(&extension.as_str()))
}

/// A public key, a certificate or an SSH public key: meant to be shared.
fn is_public_material(v: &str) -> bool {
    let block = v.contains("-----BEGIN ") && !v.contains("PRIVATE KEY") && !v.contains("ENCRYPTED");
    let ssh = ["ssh-rsa AAAA", "ssh-ed25519 AAAA", "ecdsa-sha2-", "sk-ssh-ed25519@openssh.com AAAA"]
        .iter()
        .any(|p| v.starts_with(p));
    block || ssh
}

/// `org.apache.kafka.common.security.plain.PlainLoginModule`: a class, named in a setting.
fn is_class_name(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    let identifier = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    parts.len() >= 3
        && parts.iter().all(identifier)
        && parts[..parts.len() - 1].iter().all(|p| p.starts_with(|c: char| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].starts_with(|c: char| c.is_ascii_uppercase())
}

/// A number, optionally with a unit of time, size or a percentage: `30`, `1.5`, `900s`, `7d`.
fn is_quantity(v: &str) -> bool {
    let digits = v.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(v.len());
    let (number, unit) = v.split_at(digits);
    number.parse::<f64>().is_ok()
        && matches!(
            unit.trim().to_ascii_lowercase().as_str(),
            "" | "ms" | "s" | "sec" | "m" | "min" | "h" | "d" | "w" | "y" | "k" | "kb" | "mb" | "gb" | "%"
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
    if embedded_password(text).is_some() {
        return Some("a password");
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

/// The first `name=value` inside a longer text whose name is a credential and whose value is
/// written out: `password="admin-secret"` in a JAAS configuration, `?password=x&` in a URL,
/// `-Djavax.net.ssl.keyStorePassword=changeit` in JVM options. A text that is nothing but one
/// `NAME=value` is an assignment, which the rules reading names judge.
fn embedded_password(text: &str) -> Option<&str> {
    if crate::audit::shell::is_assignment(text) && !text.contains(char::is_whitespace) {
        return None;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find('=') {
        let at = from + i;
        from = at + 1;
        let start = text[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .map_or(0, |p| p + 1);
        // `--password=x` is a command-line option, which the rules reading command lines judge.
        if text[start..at].starts_with("--") {
            continue;
        }
        let name = text[start..at].trim_start_matches('-');
        if name.is_empty() || !is_credential_name(name) {
            continue;
        }
        let rest = &text[at + 1..];
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => &rest[..rest.find(|c: char| c.is_whitespace() || ";,&\"')]}".contains(c)).unwrap_or(rest.len())],
        };
        let reference = value.contains('$') || value.starts_with("{{") || value.starts_with(['%', '<', '*']);
        if !reference && value.chars().filter(|c| c.is_alphanumeric()).count() >= 3 && is_credential_value(name, value)
        {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_are_not_credentials() {
        for (name, value) in [
            ("DB_PASSWORD", "/run/secrets/db"),
            ("JWT_SECRET_KEY", "%kernel.project_dir%/config/jwt/private.pem"),
            ("TLS_KEY", "./certs/server.key"),
            ("SIGNING_KEY", "-----BEGIN PUBLIC KEY-----\nMIIB..."),
            ("DEPLOY_KEY", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI deploy@ci"),
            ("SASL_JAAS_SECRET", "org.apache.kafka.common.security.plain.PlainLoginModule"),
            ("TOKEN_TTL", "30"),
            ("TOKEN_TTL", "900s"),
            ("OPENAI_MAX_TOKENS", "4096"),
            ("DB_PASSWORD", "no"),
            ("DB_PASSWORD", "\"\""),
        ] {
            assert!(!is_credential_value(name, value), "{name}={value}");
        }
        for (name, value) in [
            ("DB_PASSWORD", "1234"),
            ("TOKEN_TTL", "hunter2"),
            ("API_COST_TOKEN", "12345"),
            ("AWS_SECRET_ACCESS_KEY", "aws\"12345+67890/abcdefghijklm+NOPQRSTUVWXYZ+\""),
            ("SIGNING_KEY", "-----BEGIN RSA PRIVATE KEY-----"),
            ("DB_PASSWORD", "changeme"),
        ] {
            assert!(is_credential_value(name, value), "{name}={value}");
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
    fn finds_a_password_inside_a_longer_value() {
        let jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"admin-secret\";";
        assert_eq!(secret_in_text(jaas), Some("a password"));
        assert_eq!(secret_in_text("-Djavax.net.ssl.keyStorePassword=changeit -Xmx1g"), Some("a password"));
        assert_eq!(secret_in_text("jdbc:postgresql://db/app?user=app&password=s3cret"), Some("a password"));
        for clean in [
            "password=\"${KAFKA_PASSWORD}\"",
            "sed -i 's/password=.*/password=$DB_PASSWORD/' app.conf",
            "--password-file=/run/secrets/db",
            "token_ttl=30",
            "password=",
            "SECRET_KEY=dummyKeyWithMinimumLength",
        ] {
            assert_eq!(secret_in_text(clean), None, "{clean}");
        }
    }
}
