//! Validators for single answer values.
//!
//! Each returns the value normalised, or a message that says what is allowed. Every value that
//! reaches a template has passed one of these allowlists, so no answer can carry a newline, a
//! quote, a `$`, a `:` or a `..` into a Dockerfile, a YAML file or a shell line.

use std::str::FromStr;

use super::choice::{ChoiceValue, NotAllowed};
use super::model::Python;

/// A validated, normalised value.
pub type Parsed = String;

/// A value of a choice field, normalised to its declared spelling.
pub fn choice<T: ChoiceValue + FromStr<Err = NotAllowed>>(raw: &str) -> Result<Parsed, String> {
    raw.parse::<T>().map(|v| v.as_str().to_string()).map_err(|e| e.to_string())
}

pub fn python_version(raw: &str) -> Result<Parsed, String> {
    choice::<Python>(raw).map_err(|message| {
        let v = raw.trim();
        let old = v == "3.10" || v.starts_with("3.9") || v.starts_with("3.8") || v.starts_with("2.");
        if old {
            format!("{message} (older versions are past end of life)")
        } else {
            message
        }
    })
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
    let (digits, multiplier): (&str, u64) = if let Some(d) = v.strip_suffix('k') {
        (d, 1 << 10)
    } else if let Some(d) = v.strip_suffix('m') {
        (d, 1 << 20)
    } else if let Some(d) = v.strip_suffix('g') {
        (d, 1 << 30)
    } else {
        return Err(HELP.into());
    };
    match digits.parse::<u64>() {
        Ok(n)
            if !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit())
                && n.checked_mul(multiplier).is_some_and(|b| (16 << 20..=1 << 42).contains(&b)) =>
        {
            Ok(v)
        }
        _ => Err(HELP.into()),
    }
}

/// A registry host as the image reference grammar has it: dot-separated components of ASCII
/// letters, digits and inner `-`, with an optional port.
fn is_registry_host(part: &str) -> bool {
    let (host, port) = match part.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (part, None),
    };
    let component_ok = |c: &str| {
        !c.is_empty()
            && c.len() <= 63
            && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
            && !c.starts_with('-')
            && !c.ends_with('-')
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && p.parse::<u16>().is_ok());
    host.split('.').all(component_ok) && port_ok
}

/// A repository path component: lowercase alphanumeric runs joined by `.`, `_`, `__` or `-`s.
fn is_path_component(part: &str) -> bool {
    let bytes = part.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &part[start..i];
        let ok = matches!(separator, "." | "_" | "__") || separator.chars().all(|c| c == '-');
        if !ok {
            return false;
        }
    }
    true
}

/// An OCI repository as `docker` parses it (distribution/reference): an optional registry host
/// (a first component with a `.` or `:`, or `localhost`), then lowercase path components.
pub fn image_repository(raw: &str) -> Result<Parsed, String> {
    let v = raw.trim();
    const HELP: &str = "use an image repository without tag, e.g. ghcr.io/acme/sales-etl (lowercase; host[:port]/path)";
    if v.contains('@') || v.rsplit('/').next().is_some_and(|last| last.contains(':')) {
        return Err(format!("{HELP}; leave out the tag or digest, CI adds them"));
    }
    if v.is_empty() || v.len() > 255 {
        return Err(HELP.into());
    }
    let parts: Vec<&str> = v.split('/').collect();
    let has_host = parts.len() > 1 && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost");
    let (host, path) = if has_host { (Some(parts[0]), &parts[1..]) } else { (None, &parts[..]) };
    if host.is_some_and(|h| !is_registry_host(h)) {
        return Err(format!(
            "{HELP}; the registry host must be dot-separated letters, digits and inner '-', with an optional :port"
        ));
    }
    if !path.iter().all(|p| is_path_component(p)) {
        return Err(format!(
            "{HELP}; each path component is lowercase letters and digits, joined by '.', '_', '__' or '-'"
        ));
    }
    Ok(v.to_string())
}

/// An image as `docker run` takes it: `REPOSITORY[:TAG][@sha256:DIGEST]` (each part as the
/// reference grammar has it), or an image ID `sha256:` + 64 hex digits. Kept as given.
pub fn image_reference(raw: &str) -> Result<Parsed, String> {
    const HELP: &str = "use an image reference such as ghcr.io/acme/etl:1.2, etl:latest or etl@sha256:<64 hex digits>, or an image ID sha256:<64 hex digits>";
    let is_digest = |d: &str| {
        d.strip_prefix("sha256:")
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
    };
    if raw.starts_with("sha256:") {
        return if is_digest(raw) { Ok(raw.to_string()) } else { Err(HELP.into()) };
    }
    let (name, digest) = match raw.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (raw, None),
    };
    if digest.is_some_and(|d| !is_digest(d)) {
        return Err(format!("{HELP}; the digest is sha256: followed by 64 lowercase hex digits"));
    }
    let last = name.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match name[last..].split_once(':') {
        Some((_, tag)) => (&name[..name.len() - tag.len() - 1], Some(tag)),
        None => (name, None),
    };
    let tag_ok = |t: &str| {
        t.len() <= 128
            && t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    };
    if tag.is_some_and(|t| !tag_ok(t)) {
        return Err(format!(
            "{HELP}; a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'"
        ));
    }
    if repository.trim() != repository || image_repository(repository).is_err() {
        return Err(HELP.into());
    }
    Ok(raw.to_string())
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

/// `true` or `false` (also `yes`/`no`, `on`/`off`, `1`/`0`), normalised to `true` or `false`.
pub fn boolean(raw: &str) -> Result<Parsed, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Ok("true".into()),
        "false" | "no" | "off" | "0" => Ok("false".into()),
        _ => Err("use true or false".into()),
    }
}

/// Paths of the app container that berth mounts or fills itself: an extra mount may not be one
/// of them, inside one or above one.
pub const APP_OWN_PATHS: &[&str] = &["/app", "/opt/venv", "/data", "/tmp", "/run/secrets", "/proc", "/sys", "/dev"];

/// The named volumes the compose file declares itself.
pub const OWN_VOLUMES: &[&str] = &["app-data", "db-data"];

fn is_plain_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn no_control(v: &str) -> bool {
    !v.chars().any(char::is_control)
}

/// `NAME=VALUE`: a non-secret environment variable of the app service. The name is a shell
/// variable name that does not say it holds a credential; the value is one line of at most 256
/// characters that does not look like a token or a key.
pub fn env_var(raw: &str) -> Result<Parsed, String> {
    const HELP: &str =
        "use NAME=VALUE with a NAME of letters, digits and '_' not starting with a digit (e.g. LOG_FORMAT=json)";
    let item = raw.trim();
    let Some((name, value)) = item.split_once('=') else { return Err(HELP.into()) };
    let name_ok = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !name_ok {
        return Err(HELP.into());
    }
    if crate::audit::secrets::is_credential_name(name) || crate::audit::secrets::secret_in_text(value).is_some() {
        return Err(format!(
            "{name} looks like a credential: environment variables end up in `docker inspect` and logs; put the value in a file under secrets/ and read it from /run/secrets (compose file secrets)"
        ));
    }
    if value.chars().count() > 256 || !no_control(value) {
        return Err("use a value of at most 256 characters on one line, without control characters".into());
    }
    Ok(format!("{name}={value}"))
}

/// Whether `path` is one of `owned`, inside one, or above one.
fn overlaps(path: &str, owned: &str) -> bool {
    let inside = |a: &str, b: &str| a == b || a.starts_with(&format!("{b}/"));
    inside(path, owned) || inside(owned, path) || path == "/"
}

/// `./dir:/target` (a project directory, mounted read-only) or `name:/target` (a named volume).
/// Host paths outside the project are not offered: edit the compose file for those, and
/// `berth audit` judges them.
pub fn app_volume(raw: &str) -> Result<Parsed, String> {
    const HELP: &str =
        "use ./project/dir:/container/path (read-only bind mount) or volume-name:/container/path (named volume)";
    let item = raw.trim();
    let Some((source, target)) = item.split_once(':') else { return Err(HELP.into()) };
    if target.contains(':') {
        return Err(format!("{HELP}; bind mounts are always read-only and named volumes writable, so no :ro or :rw"));
    }
    let target_ok = target.starts_with('/') && target.len() <= 200 && target[1..].split('/').all(is_plain_segment);
    if !target_ok {
        return Err(format!("{HELP}; the target is an absolute path of letters, digits, '.', '_', '-' without '..'"));
    }
    if let Some(owned) = APP_OWN_PATHS.iter().find(|owned| overlaps(target, owned)) {
        return Err(format!(
            "{target} overlaps {owned}, which the app's container already uses; mount somewhere else, e.g. /srv/{}",
            target.rsplit('/').next().unwrap_or("extra")
        ));
    }
    if let Some(relative) = source.strip_prefix("./") {
        let segments: Vec<&str> = relative.trim_end_matches('/').split('/').collect();
        if source.len() > 200 || !segments.iter().all(|s| is_plain_segment(s)) {
            return Err(format!(
                "{HELP}; the project directory is ./ followed by letters, digits, '.', '_', '-' without '..'"
            ));
        }
        if segments[0] == crate::render::SECRETS_DIR {
            return Err(
                "secrets/ is mounted file by file as compose secrets (/run/secrets); mount another directory".into()
            );
        }
        return Ok(format!("./{}:{target}", segments.join("/")));
    }
    let name_ok = source.len() <= 63
        && source.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && source.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if !name_ok {
        return Err(format!("{HELP}; a volume name is lowercase letters, digits, '_', '.', '-' (a host path must start with ./ and stay in the project)"));
    }
    if OWN_VOLUMES.contains(&source) {
        return Err(format!("{source} is a volume berth already declares; choose another name"));
    }
    Ok(format!("{source}:{target}"))
}

/// `KEY=VALUE`: a LABEL of the runtime image. The key is reverse-DNS style (lowercase letters
/// and digits separated by '.' or '-'); the value one line without `"`, `\` or `$`.
pub fn label(raw: &str) -> Result<Parsed, String> {
    const HELP: &str =
        "use KEY=VALUE with a lowercase KEY of letters, digits, '.' and '-' (e.g. org.example.team=data)";
    let item = raw.trim();
    let Some((key, value)) = item.split_once('=') else { return Err(HELP.into()) };
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let key_ok = key.len() <= 128
        && key.starts_with(alnum)
        && key.ends_with(alnum)
        && key.chars().all(|c| alnum(c) || c == '.' || c == '-')
        && !key.contains("..")
        && !key.contains("--");
    if !key_ok {
        return Err(HELP.into());
    }
    if value.chars().count() > 256 || !no_control(value) || value.contains(['"', '\\', '$']) {
        return Err("use a value of at most 256 characters on one line, without '\"', '\\' or '$'".into());
    }
    Ok(format!("{key}={value}"))
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
        for bad in ["é", "1é", "g", "", "\u{301}m", "é1g", "1\u{0}g"] {
            assert!(memory(bad).is_err(), "{bad:?}");
        }
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
        for bad in [
            "-u.x/etl",
            "../etl",
            "../../x",
            "a..b/etl",
            "ghcr.io/a--b_-c",
            "x.io/a___b",
            "ghcr.io:/etl",
            "ghcr.io:99999/etl",
            ".x/etl",
            "ghcr.io/",
            "x.io/a/-b",
        ] {
            assert!(image_repository(bad).is_err(), "{bad:?}");
        }
        for good in ["ghcr.io/a__b/c-d", "my-reg.example:443/team/a.b_c", "localhost/x", "Reg.Example.com/x", "a---b"] {
            assert!(image_repository(good).is_ok(), "{good:?}");
        }
        assert!(private_index("https://pypi.example.com/simple").is_ok());
        assert!(private_index("https://u:p@pypi.example.com/simple").unwrap_err().contains("netrc"));
        assert!(private_index("http://pypi.example.com").is_err());
        assert!(private_index("https://x.com/$(id)").is_err());
        assert!(digest(&format!("sha256:{}", "a".repeat(64))).is_ok());
        assert!(digest("sha256:abc").is_err());
    }

    #[test]
    fn image_references() {
        let digest = format!("sha256:{}", "0123456789abcdef".repeat(4));
        for good in [
            "etl",
            "etl:latest",
            "ghcr.io/acme/etl:1.2.3",
            "localhost:5000/team/etl",
            "localhost:5000/team/etl:v1_2",
            "registry.example.com/data/m1:sha-abc",
            &format!("etl@{digest}"),
            &format!("ghcr.io/acme/etl:1@{digest}"),
            &digest,
        ] {
            assert_eq!(image_reference(good).as_deref(), Ok(good), "{good:?}");
        }
        for bad in [
            "",
            " etl",
            "etl ",
            "--privileged",
            "-etl",
            "Etl:1",
            "etl:",
            "etl:.x",
            "etl:-x",
            "etl:a/b",
            "etl@sha256:abc",
            &format!("etl@{}", digest.to_uppercase()),
            "sha256:xyz",
            "etl:1\nprivileged: true",
            "etl\u{1b}[31m",
            "etl:1\"",
            "a b",
            "ghcr.io:/etl",
            &format!("etl:{}", "x".repeat(129)),
            &"a/".repeat(200),
        ] {
            assert!(image_reference(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn booleans() {
        for yes in ["true", "Yes", " on ", "1"] {
            assert_eq!(boolean(yes).as_deref(), Ok("true"), "{yes:?}");
        }
        for no in ["false", "NO", "off", "0"] {
            assert_eq!(boolean(no).as_deref(), Ok("false"), "{no:?}");
        }
        for bad in ["maybe", "", "tru", "true\nx", "\u{1b}[31mtrue"] {
            assert!(boolean(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn health_paths() {
        assert!(health_path("/healthz").is_ok());
        for bad in ["healthz", "/a/../b", "/\"quoted\"", "/a b", "/$(id)"] {
            assert!(health_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn environment_variables() {
        assert_eq!(env_var(" LOG_FORMAT=json ").as_deref(), Ok("LOG_FORMAT=json"));
        assert_eq!(env_var("EMPTY=").as_deref(), Ok("EMPTY="));
        assert_eq!(env_var("URL=a=b c").as_deref(), Ok("URL=a=b c"));
        assert!(env_var("DB_PASSWORD=x").unwrap_err().contains("secrets/"));
        assert!(env_var("API_KEY=x").unwrap_err().contains("credential"));
        assert!(env_var("AUTH=Bearer abcdefghijklmnop").unwrap_err().contains("credential"));
        for bad in
            ["NOEQUALS", "1X=a", "A-B=c", "=x", "A=line\nbreak", "A=esc\u{1b}[31m", &format!("A={}", "x".repeat(257))]
        {
            assert!(env_var(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn volumes() {
        assert_eq!(app_volume("./config:/etc/app").as_deref(), Ok("./config:/etc/app"));
        assert_eq!(app_volume("./conf/dir/:/srv/conf").as_deref(), Ok("./conf/dir:/srv/conf"));
        assert_eq!(app_volume("cache:/var/cache/app").as_deref(), Ok("cache:/var/cache/app"));
        for bad in [
            "/etc:/etc/app",
            "/var/run/docker.sock:/var/run/docker.sock",
            "../up:/srv/x",
            "./a/../b:/srv/x",
            "./secrets:/srv/s",
            "cache:/app",
            "cache:/app/sub",
            "cache:/opt",
            "cache:/",
            "cache:/tmp",
            "cache:relative",
            "cache:/srv/x:ro",
            "app-data:/srv/x",
            "Cache:/srv/x",
            "cache",
            "./a b:/srv/x",
            "cache:/srv/a b",
            "cache:/srv/$(id)",
        ] {
            assert!(app_volume(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn labels() {
        assert_eq!(label("org.example.team=data").as_deref(), Ok("org.example.team=data"));
        assert_eq!(label("team=Data Engineering, EU").as_deref(), Ok("team=Data Engineering, EU"));
        for bad in ["Org.x=1", "org..x=1", ".x=1", "x.=1", "x=\"q\"", "x=a\\b", "x=$HOME", "x=a\nb", "novalue"] {
            assert!(label(bad).is_err(), "{bad:?}");
        }
    }
}
