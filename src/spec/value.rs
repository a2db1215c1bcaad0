//! Validators for single answer values.
//!
//! Each returns the value normalised, or a message that says what is allowed. Every value that
//! reaches a template has passed one of these allowlists, so no answer can carry a newline, a
//! quote, a `$`, a `:` or a `..` into a Dockerfile, a YAML file or a shell line.

/// A validated, normalised value.
pub type Parsed = String;

pub const PYTHON_VERSIONS: &[&str] = &["3.11", "3.12", "3.13", "3.14"];
pub const BASES: &[&str] = &["slim", "distroless", "alpine"];
pub const PACKAGINGS: &[&str] = &["requirements", "uv", "poetry"];
pub const DATABASES: &[&str] = &["postgres", "mariadb", "none"];
pub const WORKLOADS: &[&str] = &["batch", "api"];
pub const CIS: &[&str] = &["github", "gitlab", "none"];
pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low"];
pub const SIGNINGS: &[&str] = &["cosign", "none"];
pub const UPDATES: &[&str] = &["dependabot", "renovate", "none"];

fn one_of(raw: &str, allowed: &[&str]) -> Result<Parsed, String> {
    let v = raw.trim().to_ascii_lowercase();
    if allowed.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(format!("allowed: {}", allowed.join(", ")))
    }
}

pub fn base(raw: &str) -> Result<Parsed, String> {
    one_of(raw, BASES)
}
pub fn packaging(raw: &str) -> Result<Parsed, String> {
    one_of(raw, PACKAGINGS)
}
pub fn database(raw: &str) -> Result<Parsed, String> {
    one_of(raw, DATABASES)
}
pub fn workload(raw: &str) -> Result<Parsed, String> {
    one_of(raw, WORKLOADS)
}
pub fn ci(raw: &str) -> Result<Parsed, String> {
    one_of(raw, CIS)
}
pub fn severity(raw: &str) -> Result<Parsed, String> {
    one_of(raw, SEVERITIES)
}
pub fn signing(raw: &str) -> Result<Parsed, String> {
    one_of(raw, SIGNINGS)
}
pub fn updates(raw: &str) -> Result<Parsed, String> {
    one_of(raw, UPDATES)
}

pub fn python_version(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    if PYTHON_VERSIONS.contains(&v) {
        return Ok(v.to_string());
    }
    let hint = if v == "3.10" || v.starts_with("3.9") || v.starts_with("2.") {
        " (older versions are past end of life)"
    } else {
        ""
    };
    Err(format!("allowed: {}{hint}", PYTHON_VERSIONS.join(", ")))
}

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `a-z0-9`, single `-` or `_` between alphanumerics, starting with a letter.
pub fn project_name(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    let ok = !v.is_empty()
        && v.len() <= 40
        && v.starts_with(|c: char| c.is_ascii_lowercase())
        && v.ends_with(is_lower_alnum)
        && v.chars().all(|c| is_lower_alnum(c) || c == '-' || c == '_')
        && !v.contains("--")
        && !v.contains("__")
        && !v.contains("-_")
        && !v.contains("_-");
    if ok {
        Ok(v.to_string())
    } else {
        Err("use 1-40 lowercase letters, digits, '-' or '_', starting with a letter (e.g. sales-etl)".into())
    }
}

fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A relative script path inside the project (`src/pipeline.py`) or a dotted module name.
pub fn entrypoint(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    const HELP: &str = "use a relative script path ending in .py (src/pipeline.py) or a module name (pipeline.main)";
    if v.ends_with(".py") {
        let segments: Vec<&str> = v.split('/').collect();
        let ok = v.len() <= 120
            && segments.iter().all(|s| {
                !s.is_empty()
                    && *s != "."
                    && *s != ".."
                    && !s.starts_with('-')
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            });
        if ok {
            Ok(v.to_string())
        } else {
            Err(format!("{HELP}; a script path may not be absolute, contain '..' or characters other than letters, digits, '_', '-', '.'"))
        }
    } else if v.len() <= 120 && !v.is_empty() && v.split('.').all(is_identifier) {
        Ok(v.to_string())
    } else {
        Err(HELP.into())
    }
}

/// A Debian or Alpine package name, optionally pinned (`name=version`).
pub fn os_package(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    let (name, version) = match v.split_once('=') {
        Some((n, ver)) => (n, Some(ver)),
        None => (v, None),
    };
    let name_ok = name.len() >= 2
        && name.len() <= 64
        && name.starts_with(is_lower_alnum)
        && name.chars().all(|c| is_lower_alnum(c) || matches!(c, '+' | '-' | '.'));
    let version_ok = version.is_none_or(|ver| {
        !ver.is_empty()
            && ver.len() <= 64
            && ver.starts_with(|c: char| c.is_ascii_alphanumeric())
            && ver.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~' | ':' | '-' | '_'))
    });
    if name_ok && version_ok {
        Ok(v.to_string())
    } else {
        Err("use a package name of lowercase letters, digits, '+', '-', '.', optionally pinned as name=version".into())
    }
}

fn bounded_int(raw: &str, min: u64, max: u64) -> Result<u64, String> {
    let v = raw.trim();
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) && v.chars().all(|c| c.is_ascii_digit()) => Ok(n),
        _ => Err(format!("use a whole number from {min} to {max}")),
    }
}

pub fn port(raw: &str) -> Result<Parsed, String> {
    if let Ok(n) = raw.trim().parse::<u64>() {
        if n < 1024 {
            return Err("use a port from 1024 to 65535: the app runs without root or capabilities, so it cannot bind ports below 1024 (publish a low host port in front if you need one)".into());
        }
    }
    bounded_int(raw, 1024, 65535).map(|n| n.to_string())
}

pub fn pids(raw: &str) -> Result<Parsed, String> {
    bounded_int(raw, 16, 65536).map(|n| n.to_string())
}

pub fn user_id(raw: &str) -> Result<Parsed, String> {
    if raw.trim() == "0" {
        return Err("0 is root; use a non-root id such as 10001".into());
    }
    bounded_int(raw, 1, 2_147_483_646).map(|n| n.to_string())
}

pub fn health_path(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    let ok = v.starts_with('/')
        && v.len() <= 100
        && !v.contains("//")
        && !v.split('/').any(|s| s == "..")
        && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~'));
    if ok {
        Ok(v.to_string())
    } else {
        Err("use an absolute URL path of letters, digits, '/', '-', '_', '.', '~' (e.g. /healthz)".into())
    }
}

pub fn cpus(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    let shape_ok = !v.is_empty()
        && v.chars().all(|c| c.is_ascii_digit() || c == '.')
        && v.matches('.').count() <= 1
        && !v.starts_with('.')
        && !v.ends_with('.');
    match v.parse::<f64>() {
        Ok(n) if shape_ok && (0.01..=256.0).contains(&n) => Ok(v.to_string()),
        _ => Err("use a number of CPUs from 0.01 to 256, e.g. 0.5 or 2".into()),
    }
}

/// A size such as `512m` or `2g`, normalised to lowercase; at least 16 MiB.
pub fn memory(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim().to_ascii_lowercase();
    const HELP: &str = "use a whole number with a unit k, m or g, at least 16m (e.g. 512m, 2g)";
    let Some(unit) = v.chars().last() else {
        return Err(HELP.into());
    };
    let digits = &v[..v.len() - 1];
    let multiplier: u64 = match unit {
        'k' => 1 << 10,
        'm' => 1 << 20,
        'g' => 1 << 30,
        _ => return Err(HELP.into()),
    };
    match digits.parse::<u64>() {
        Ok(n)
            if digits.chars().all(|c| c.is_ascii_digit())
                && n.checked_mul(multiplier).is_some_and(|b| (16 << 20..=1 << 42).contains(&b)) =>
        {
            Ok(v)
        }
        _ => Err(HELP.into()),
    }
}

/// An OCI repository: optional `host[:port]/`, then lowercase path components.
pub fn image_repository(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    const HELP: &str = "use an image repository without tag, e.g. ghcr.io/acme/sales-etl (lowercase; host[:port]/path)";
    if v.contains('@') || v.rsplit('/').next().is_some_and(|last| last.contains(':')) {
        return Err(format!("{HELP}; leave out the tag or digest, CI adds them"));
    }
    let mut parts = v.split('/').peekable();
    let mut first = true;
    let mut count = 0;
    while let Some(part) = parts.next() {
        count += 1;
        let is_host =
            first && parts.peek().is_some() && (part.contains('.') || part.contains(':') || part == "localhost");
        first = false;
        let ok = if is_host {
            let (host, port) = part.split_once(':').unwrap_or((part, "1"));
            !host.is_empty()
                && host.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
                && port.parse::<u16>().is_ok()
        } else {
            !part.is_empty()
                && part.starts_with(is_lower_alnum)
                && part.ends_with(is_lower_alnum)
                && part.chars().all(|c| is_lower_alnum(c) || matches!(c, '.' | '_' | '-'))
        };
        if !ok {
            return Err(HELP.into());
        }
    }
    if v.len() > 200 || count == 0 {
        return Err(HELP.into());
    }
    Ok(v.to_string())
}

pub fn private_index(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    let Some(rest) = v.strip_prefix("https://") else {
        return Err("use an https:// URL of the index, e.g. https://pypi.example.com/simple".into());
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.contains('@') {
        return Err("remove the credentials from the URL: put them in secrets/netrc (machine HOST login USER password TOKEN), which the build mounts as a BuildKit secret".into());
    }
    let (host, port) = authority.split_once(':').unwrap_or((authority, "443"));
    let ok = !host.is_empty()
        && v.len() <= 200
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && port.parse::<u16>().is_ok()
        && path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~'));
    if ok {
        Ok(v.to_string())
    } else {
        Err("use an https:// URL of letters, digits and '/-_.~', without query or credentials".into())
    }
}

pub fn digest(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim().to_ascii_lowercase();
    match v.strip_prefix("sha256:") {
        Some(hex) if hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) => Ok(v),
        _ => Err("use sha256: followed by 64 hex digits (from `docker buildx imagetools inspect IMAGE`)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(project_name("sales-etl").is_ok());
        assert!(project_name("etl_2").is_ok());
        for bad in ["", "Etl", "1etl", "etl-", "a--b", "x\nRUN curl evil", "$(id)", "a: b", "../x", "\"q\""] {
            assert!(project_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn entrypoints() {
        assert!(entrypoint("src/pipeline.py").is_ok());
        assert!(entrypoint("pipeline.main").is_ok());
        for bad in ["../../etc/x.py", "/abs.py", "src//a.py", "a b.py", "x\nRUN id", "$(id)", "-m.py", "pkg..mod"] {
            assert!(entrypoint(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn packages() {
        assert!(os_package("libpq-dev").is_ok());
        assert!(os_package("g++").is_ok());
        assert!(os_package("libpq5=17.6-0+deb13u1").is_ok());
        for bad in ["x\nRUN curl evil", "$(id)", "a b", "-y", "a;b", "Lib"] {
            assert!(os_package(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sizes_and_numbers() {
        assert_eq!(memory("2G").unwrap(), "2g");
        assert!(memory("512m").is_ok());
        assert!(memory("1m").is_err());
        assert!(memory("2gb").is_err());
        assert!(memory("-1g").is_err());
        assert!(cpus("0.5").is_ok());
        assert!(cpus("0").is_err());
        assert!(cpus("1e3").is_err());
        assert!(port("80").unwrap_err().contains("below 1024"));
        assert!(port("8080").is_ok());
        assert!(port("70000").is_err());
        assert!(user_id("0").unwrap_err().contains("root"));
        assert!(user_id("+5").is_err());
    }

    #[test]
    fn images_urls_digests() {
        assert!(image_repository("ghcr.io/acme/etl").is_ok());
        assert!(image_repository("registry.local:5000/team/etl").is_ok());
        assert!(image_repository("etl").is_ok());
        assert!(image_repository("ghcr.io/acme/etl:latest").is_err());
        assert!(image_repository("Acme/etl").is_err());
        assert!(image_repository("a: b").is_err());
        assert!(private_index("https://pypi.example.com/simple").is_ok());
        assert!(private_index("https://u:p@pypi.example.com/simple").unwrap_err().contains("netrc"));
        assert!(private_index("http://pypi.example.com").is_err());
        assert!(private_index("https://x.com/$(id)").is_err());
        assert!(digest(&format!("sha256:{}", "a".repeat(64))).is_ok());
        assert!(digest("sha256:abc").is_err());
    }

    #[test]
    fn health_paths() {
        assert!(health_path("/healthz").is_ok());
        for bad in ["healthz", "/a/../b", "/\"quoted\"", "/a b", "/$(id)"] {
            assert!(health_path(bad).is_err(), "{bad:?}");
        }
    }
}
