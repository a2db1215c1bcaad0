//! Which file names hold credentials, and which only look like they might (public keys,
//! certificates, CA bundles, Diffie-Hellman parameters, public keyrings).

use super::name_words;

/// File names that hold credentials whatever their extension.
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

/// Configuration files that hold credentials only when they carry one of these keys (lower-case):
/// an `.npmrc` that only says `engine-strict=true` is settings, one with `_authToken=` a token.
const SETTINGS_FILES: &[(&str, &[&str])] =
    &[(".npmrc", &["_auth", "_password", "keyfile", "certfile"]), (".pypirc", &["password"])];

/// Suffixes of names that are templates or public halves, never the credential.
const NOT_SECRET_SUFFIXES: &[&str] = &[".example", ".sample", ".template", ".dist", ".pub"];

/// Words in a file name that say a key is the public half (a GPG key in a build is the public
/// key of a package repository: `nodesource-repo.gpg.key`).
const PUBLIC_KEY_WORDS: &[&str] = &["pub", "public", "pubkey", "gpg", "pgp"];
/// Words that say a `.pem` or keystore holds a private key, whatever else the name says
/// (`ca-key.pem`, `cert-key.pem`, `privkey.pem`).
const PRIVATE_WORDS: &[&str] = &["key", "private", "priv", "privkey", "secret"];
/// Words that say a `.pem` or keystore is public: a certificate, a CA bundle, a chain,
/// Diffie-Hellman parameters, a keyring, a trust store.
const PUBLIC_WORDS: &[&str] = &[
    "cert",
    "certs",
    "certificate",
    "certificates",
    "crt",
    "ca",
    "cacert",
    "cacerts",
    "rootca",
    "chain",
    "fullchain",
    "bundle",
    "dhparam",
    "dhparams",
    "dh",
    "keyring",
    "trust",
    "truststore",
    "trusted",
];

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
    if NOT_SECRET_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return false;
    }
    if name == ".env" || name.starts_with(".env.") {
        return true;
    }
    if NAMES.contains(&name.as_str()) {
        return true;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
    let words = name_words(stem);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let public_key = has(PUBLIC_KEY_WORDS);
    let public = public_key || has(PUBLIC_WORDS) || words.iter().any(|w| w.starts_with("ffdhe"));
    match ext {
        // Certificates and requests, whatever the name.
        "crt" | "cer" | "csr" => return false,
        // A key file is a private key unless its name says it is the public half.
        "key" | "ppk" | "kdbx" => return !public_key,
        "pem" | "p12" | "pfx" | "jks" | "keystore" => return !public_key && (has(PRIVATE_WORDS) || !public),
        // Keyrings for package signatures are public keys; only a secret keyring is a secret.
        "gpg" | "asc" => return words.iter().any(|w| matches!(w.as_str(), "private" | "secret" | "secring" | "priv")),
        _ => {}
    }
    if (name.contains("credentials") || name.starts_with("service-account") || name.starts_with("serviceaccount"))
        && ext == "json"
    {
        return true;
    }
    if matches!(parent, ".ssh" | ".aws" | ".docker" | ".kube") && name != "known_hosts" && name != "config" {
        return true;
    }
    let data_ext = matches!(ext, "" | "txt" | "json" | "yml" | "yaml" | "ini" | "cfg" | "conf" | "env" | "toml");
    data_ext
        && !public
        && words.iter().any(|w| matches!(w.as_str(), "password" | "passwd" | "secret" | "secrets" | "token" | "apikey"))
}

/// Whether the text of a credential-named file shows it holds no credential: a settings file
/// (`.npmrc`, `.pypirc`) none of whose keys carries one.
pub fn holds_no_credential(path: &str, text: &str) -> bool {
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let Some((_, keys)) = SETTINGS_FILES.iter().find(|(file, _)| *file == name) else { return false };
    text.lines().all(|line| {
        // Up to `=` (`//registry.npmjs.org/:_authToken=`); a `.pypirc` may use `key: value`.
        let key = line.split('=').next().unwrap_or("").trim().to_ascii_lowercase();
        key.starts_with(['#', ';']) || !keys.iter().any(|k| key.contains(k))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_files() {
        for path in [
            "credentials.json",
            ".env",
            "config/.env.prod",
            "deploy/id_rsa",
            "tls/server.key",
            "cert-key.pem",
            "server.pem",
            ".aws/credentials",
            "secrets/db_password",
            "api_token.txt",
            "keys/secring.gpg",
            "app.p12",
            "ca-key.pem",
            "privkey.pem",
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
            "tls/server.crt",
            "ca.pem",
            "certs/ca-bundle.pem",
            "fullchain.pem",
            "dhparam.pem",
            "ffdhe2048.pem",
            "signing_pub.gpg",
            "docker-archive-keyring.gpg",
            "KEYS.asc",
            "truststore.jks",
            "public.key",
            "public_key.pem",
            "nodesource-repo.gpg.key",
            "pubkey.pem",
            ".ssh/known_hosts",
        ] {
            assert!(!is_secret_file(path), "{path}");
        }
    }

    #[test]
    fn settings_files_without_credentials() {
        assert!(holds_no_credential(".npmrc", "engine-strict=true\nauto-install-peers=true\n"));
        assert!(holds_no_credential("web/.pypirc", "[distutils]\nindex-servers = pypi\n"));
        assert!(!holds_no_credential(".npmrc", "//registry.npmjs.org/:_authToken=npm_abc\n"));
        assert!(!holds_no_credential(".npmrc", "_auth = dXNlcjpwYXNz\n"));
        assert!(!holds_no_credential(".pypirc", "[pypi]\nusername = __token__\npassword = pypi-abc\n"));
        assert!(!holds_no_credential(".env", "DEBUG=1\n"), "only settings files are judged by their keys");
        assert!(!holds_no_credential("id_rsa", ""));
    }
}
