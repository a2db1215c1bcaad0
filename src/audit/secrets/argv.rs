//! Credentials on command lines: `--requirepass x`, `--password=x`, `PGPASSWORD=x psql`,
//! `mysql -px`.

use super::{is_credential_name, is_credential_value};

/// Flag names that take a password without saying so.
const PASSWORD_FLAGS: &[&str] = &["requirepass", "masterauth"];
/// Clients that take a password glued to `-p` (`-psecret`); `-p` alone asks for it.
const MYSQL_CLIENTS: &[&str] = &[
    "mysql",
    "mysqladmin",
    "mysqlcheck",
    "mysqldump",
    "mysqlsh",
    "mysqlshow",
    "mariadb",
    "mariadb-admin",
    "mariadb-check",
    "mariadb-dump",
];

/// The names (flags or variables, as written) under which one command's words give a literal
/// credential. `words` are the command's assignments and words, quotes removed.
pub fn credential_arguments(words: &[&str]) -> Vec<String> {
    let literal =
        |name: &str, value: &str| !value.contains('$') && !value.contains('`') && is_credential_value(name, value);
    let mut found = Vec::new();
    let command = words.iter().find(|w| !is_assignment(w)).map(|w| w.rsplit('/').next().unwrap_or(w));
    let mysql = command.is_some_and(|c| MYSQL_CLIENTS.contains(&c));
    for (i, word) in words.iter().enumerate() {
        if let Some((name, value)) = word.split_once('=').filter(|_| is_assignment(word)) {
            if is_credential_name(name) && literal(name, value) {
                found.push(name.to_string());
            }
            continue;
        }
        if mysql && word.len() > 2 && word.starts_with("-p") && !word.starts_with("--") {
            if literal("password", &word[2..]) {
                found.push("-p".to_string());
            }
            continue;
        }
        let Some(flag) = word.strip_prefix("--").or_else(|| word.strip_prefix('-')).filter(|f| !f.is_empty()) else {
            continue;
        };
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (flag, words.get(i + 1).copied().filter(|next| !next.starts_with('-'))),
        };
        let credential = PASSWORD_FLAGS.contains(&name.to_ascii_lowercase().as_str()) || is_credential_name(name);
        if credential && value.is_some_and(|v| literal(name, v)) {
            found.push(word.split('=').next().unwrap_or(word).to_string());
        }
    }
    found
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Whether a password given to `usermod -p` or `chpasswd -e` locks the account instead of
/// setting one: a hash starting with `*` or `!` matches no password.
pub fn is_locked_password(value: &str) -> bool {
    value.starts_with(['*', '!'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(words: &str) -> Vec<String> {
        credential_arguments(&words.split_whitespace().collect::<Vec<_>>())
    }

    #[test]
    fn finds_literal_credentials_on_command_lines() {
        assert_eq!(found("redis-server --requirepass hunter2 --masterauth=x12"), ["--requirepass", "--masterauth"]);
        assert_eq!(found("PGPASSWORD=secret psql -h db"), ["PGPASSWORD"]);
        assert_eq!(found("mysqladmin ping -uroot -proot"), ["-p"]);
        assert_eq!(found("/usr/bin/mysql -psecret"), ["-p"]);
        assert_eq!(found("bitcoind -rpcpassword=abc123"), ["-rpcpassword"]);
        assert_eq!(found("app --admin-password s3cret"), ["--admin-password"]);
        for clean in [
            "redis-server --requirepass $REDIS_PASSWORD",
            "mysqladmin ping -p",
            "psql -p 5432",
            "docker login --password-stdin registry.example.com",
            "app --password-file /run/secrets/pw",
            "PGPASSWORD=$$PW psql",
            "app --token-ttl 30",
        ] {
            assert!(found(clean).is_empty(), "{clean}");
        }
    }

    #[test]
    fn locked_passwords() {
        assert!(is_locked_password("*") && is_locked_password("!") && is_locked_password("!$6$x"));
        assert!(!is_locked_password("") && !is_locked_password("hunter2"));
    }
}
