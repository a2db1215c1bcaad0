//! What credentials look like, shared by the Dockerfile, compose and workflow rules.
//!
//! Names are split into words (`DB_PASSWORD` -> `db`, `password`; `apiKey` -> `api`, `key`) and
//! matched as words, so `GOPRIVATE`, `LICENSE_KEY` and `*_FILE` paths are not credentials (the
//! false positives of hadolint #1245/#1230 and dockle #159/#250); a word that ends with a secret
//! word is one too (`WEBPASSWORD`, `MYAPIKEY`). The value is judged as well (`values`): a path, a
//! public key or certificate, a Java class, a number under a name that counts or times something
//! (`TOKEN_TTL: 30`) are not credentials, while a literal password inside a longer value is.

mod argv;
mod files;
mod values;

pub use argv::{credential_arguments, is_locked_password};
pub use files::{holds_no_credential, is_secret_file};
pub use values::{is_credential_value, secret_in_text, url_password};

/// Words that make a name a credential on their own.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pw",
    "pass",
    "secret",
    "secrets",
    "token",
    "tokens",
    "apikey",
    "passphrase",
    "credentials",
    "credential",
    "salt",
];
/// Secret words that also end a longer word that is a credential (`WEBPASSWORD`, `MYAPIKEY`);
/// short ones (`pass`, `pwd`) would find `BYPASS` and `OLDPWD`.
const SECRET_SUFFIXES: &[&str] =
    &["password", "passwd", "passphrase", "secret", "token", "tokens", "apikey", "credential", "credentials"];
/// `<word> key` pairs that name a key which is a secret (a bare `_KEY` is not: `LICENSE_KEY`,
/// nor is an OAuth `CLIENT_KEY`, which is the client's name, next to its `CLIENT_SECRET`, nor an
/// S3 `ACCESS_KEY`, the key's id, next to its `SECRET_KEY`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "encryption",
    "signing",
    "master",
    "auth",
    "account",
    "app",
    "jwt",
    "hmac",
    "session",
    "crypto",
    "cookie",
    "shared",
];
/// A last word that makes the value a reference to a secret, or a setting about one, not the
/// secret: where it is (`_FILE`, `_PATH`, `_URL`), who uses it (`_USER`), what kind it is
/// (`_TYPE`, `_SCHEME`, `_MECHANISM`, `_PROVIDER`, `_ALGORITHM`, `_CLASS`).
const REFERENCE_WORDS: &[&str] = &[
    "file",
    "path",
    "dir",
    "directory",
    "id",
    "name",
    "user",
    "username",
    "host",
    "hostname",
    "port",
    "url",
    "uri",
    "endpoint",
    "header",
    "env",
    "var",
    "ref",
    "type",
    "kind",
    "policy",
    "mode",
    "method",
    "mechanism",
    "mechanisms",
    "scheme",
    "provider",
    "location",
    "algorithm",
    "algorithms",
    "alg",
    "backend",
    "strategy",
    "format",
    "protocol",
    "cipher",
    "class",
    "level",
    "version",
    "prefix",
    "field",
    "param",
    "issuer",
    "audience",
    "realm",
    "scope",
    "scopes",
    "enabled",
    "disabled",
    "required",
    "enable",
    "disable",
    "stdin",
    "language",
    "lang",
    "locale",
];
/// Leading words of the variables front-end build tools inline into the JavaScript they ship to
/// every browser (`VITE_*`, `NEXT_PUBLIC_*`, `REACT_APP_*`...): public by design, never a secret.
const BROWSER_PREFIXES: &[&[&str]] =
    &[&["vite"], &["next", "public"], &["nuxt", "public"], &["expo", "public"], &["react", "app"]];

/// Words that make a name a count, a size or a duration: under them a number is a setting
/// (`JWT_ACCESS_TOKEN_EXPIRE_MINUTES: 30`, `OPENAI_MAX_TOKENS: 4096`), not a credential.
const QUANTITY_WORDS: &[&str] = &[
    "ttl",
    "timeout",
    "expire",
    "expires",
    "expiry",
    "expiration",
    "validity",
    "lifetime",
    "age",
    "rotation",
    "interval",
    "retention",
    "duration",
    "seconds",
    "secs",
    "sec",
    "minutes",
    "mins",
    "min",
    "hours",
    "hrs",
    "days",
    "weeks",
    "ms",
    "length",
    "len",
    "max",
    "limit",
    "size",
    "count",
    "requirements",
    "rounds",
    "iterations",
    "history",
    "attempts",
    "retries",
    "strength",
    "cost",
    "characters",
    "chars",
    "bonus",
    "threshold",
    "window",
    "delay",
    "rate",
    "bits",
    "tokens",
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

fn is_secret_word(word: &str) -> bool {
    SECRET_WORDS.contains(&word) || SECRET_SUFFIXES.iter().any(|s| word.len() > s.len() && word.ends_with(s))
}

/// Whether a variable name says its value is a credential.
pub fn is_credential_name(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else { return false };
    let browser = BROWSER_PREFIXES.iter().any(|p| words.len() > p.len() && p.iter().zip(&words).all(|(a, b)| a == b));
    if REFERENCE_WORDS.contains(&last.as_str()) || browser {
        return false;
    }
    words.iter().any(|w| is_secret_word(w))
        || words.windows(2).any(|pair| pair[1] == "key" && KEY_QUALIFIERS.contains(&pair[0].as_str()))
}

/// Whether a credential name counts, sizes or times something after its secret word
/// (`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`, `OPENAI_MAX_TOKENS`), so that a number is a setting.
fn is_quantity_name(name: &str) -> bool {
    let words = name_words(name);
    let last_secret = words.iter().rposition(|w| is_secret_word(w) || w == "key").unwrap_or(0);
    words[last_secret..].iter().any(|w| QUANTITY_WORDS.contains(&w.as_str()))
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
            "MYAPIKEY",
            "WEBPASSWORD",
            "SESSION_SALT",
            "AUTH_TOKENS",
            "TOKEN_TTL",
            "APP_KEY",
            "ADMIN_PW",
            "MINIO_SECRET_KEY",
            "AWS_SECRET_KEY",
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
            "MAILCOW_PASS_SCHEME",
            "KAFKA_SASL_MECHANISM",
            "SECRET_LOCAL_HOSTNAME",
            "TOKENIZERS_PARALLELISM",
            "PROXY_BYPASS",
            "FLEET_TOKEN_POLICY_NAME",
            "OG_OIDC_CLIENT_KEY",
            "SECRET_FORCED_LANGUAGE",
            "AWS_ACCESS_KEY",
            "MINIO_ACCESS_KEY",
            "VITE_AMPLITUDE_API_KEY",
            "NEXT_PUBLIC_MAPS_API_KEY",
            "REACT_APP_SENTRY_TOKEN",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn quantity_names() {
        for name in ["JWT_ACCESS_TOKEN_EXPIRE_MINUTES", "OPENAI_MAX_TOKENS", "SECRET_FILE_SIZE", "PASSWORD_ROUNDS"] {
            assert!(is_quantity_name(name), "{name}");
        }
        for name in ["API_COST_TOKEN", "DB_PASSWORD", "MAX_ITEMS_SECRET"] {
            assert!(!is_quantity_name(name), "{name}");
        }
    }
}
