//! The one table of answer fields.
//!
//! Every way of answering a question (wizard, flag, `--set`, answers file, preset) names a field
//! from this table and passes through its validator, so a value is judged the same way whatever
//! its source. The clap flags of `berth new` are generated from this table too.

use super::value::{self, Parsed};

/// Whether a field holds one value or a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    One,
    List,
}

/// One answer field: its key in YAML and `--set`, its flag, its help and its validator.
#[derive(Debug)]
pub struct Field {
    /// Key in `berth.yml`, presets and `--set KEY=VALUE`.
    pub key: &'static str,
    /// Long flag of `berth new` (without the leading dashes).
    pub flag: &'static str,
    pub arity: Arity,
    /// Placeholder shown in `--help`.
    pub value_name: &'static str,
    pub help: &'static str,
    /// Checks one raw value (one item, for lists) and returns it normalised.
    pub parse: fn(&str) -> Result<Parsed, String>,
}

impl Field {
    pub fn is_list(&self) -> bool {
        self.arity == Arity::List
    }
}

macro_rules! field {
    ($key:literal, $flag:literal, $arity:ident, $value_name:literal, $parse:path, $help:literal) => {
        Field { key: $key, flag: $flag, arity: Arity::$arity, value_name: $value_name, help: $help, parse: $parse }
    };
}

/// All fields, in the order `berth.yml` and `--help` list them.
pub static FIELDS: &[Field] = &[
    field!("name", "name", One, "NAME", value::project_name,
        "Project name: lowercase letters, digits, '-' or '_' (default: the target directory's name)"),
    field!("python", "python", One, "VERSION", value::python_version,
        "Python minor version: 3.11, 3.12, 3.13 or 3.14"),
    field!("base", "base", One, "FLAVOUR", value::base,
        "Runtime base: slim (Debian, glibc), distroless (no shell, Python 3.13 only) or alpine (musl)"),
    field!("packaging", "packaging", One, "TOOL", value::packaging,
        "Dependency manager: requirements (requirements.txt, installed with uv pip), uv (pyproject.toml + uv.lock) or poetry"),
    field!("entrypoint", "entrypoint", One, "SCRIPT|MODULE", value::entrypoint,
        "What the container runs: a script path ending in .py (src/pipeline.py) or a module (pipeline.main)"),
    field!("build_packages", "build-packages", List, "PKG", value::os_package,
        "OS packages needed only to build dependencies (gcc, libpq-dev...); runtime libraries are derived"),
    field!("runtime_packages", "runtime-packages", List, "PKG", value::os_package,
        "Extra OS packages the runtime image needs"),
    field!("database", "database", One, "DB", value::database,
        "Database service: postgres, mariadb or none"),
    field!("workload", "workload", One, "KIND", value::workload,
        "batch (a pipeline that runs and reports a heartbeat) or api (serves HTTP)"),
    field!("port", "port", One, "PORT", value::port,
        "api: container port to serve on, 1024-65535 (published on 127.0.0.1 only)"),
    field!("health_path", "health-path", One, "PATH", value::health_path,
        "api: HTTP path the health check requests"),
    field!("app_cpus", "app-cpus", One, "CPUS", value::cpus,
        "CPU limit of the app service, e.g. 1.0"),
    field!("app_memory", "app-memory", One, "SIZE", value::memory,
        "Memory limit of the app service, e.g. 1g or 512m (swap disabled)"),
    field!("app_pids", "app-pids", One, "N", value::pids,
        "Process limit of the app service"),
    field!("db_cpus", "db-cpus", One, "CPUS", value::cpus,
        "CPU limit of the database service"),
    field!("db_memory", "db-memory", One, "SIZE", value::memory,
        "Memory limit of the database service"),
    field!("db_pids", "db-pids", One, "N", value::pids,
        "Process limit of the database service"),
    field!("uid", "uid", One, "UID", value::user_id,
        "Numeric user id the app runs as (default 10001; 65532 on distroless)"),
    field!("gid", "gid", One, "GID", value::user_id,
        "Numeric group id the app runs as (default: same as uid)"),
    field!("image", "image", One, "REPOSITORY", value::image_repository,
        "Image repository CI pushes to, without tag (default: the CI provider's registry for this repo)"),
    field!("ci", "ci", One, "PROVIDER", value::ci,
        "CI pipeline to generate: github, gitlab or none"),
    field!("scan_severity", "scan-severity", One, "LEVEL", value::severity,
        "Lowest vulnerability severity that fails the CI scan: critical, high, medium or low"),
    field!("signing", "signing", One, "HOW", value::signing,
        "Image signing in CI: cosign (keyless, with SBOM attestation) or none"),
    field!("updates", "updates", One, "BOT", value::updates,
        "Dependency update bot config: dependabot, renovate or none"),
    field!("private_index", "private-index", One, "URL", value::private_index,
        "Private package index URL (https, no credentials: they come from the BuildKit secret secrets/netrc)"),
    field!("builder_digest", "builder-digest", One, "DIGEST", value::digest,
        "Pin the builder base image to this sha256 digest"),
    field!("runtime_digest", "runtime-digest", One, "DIGEST", value::digest,
        "Pin the runtime base image to this sha256 digest"),
    field!("db_digest", "db-digest", One, "DIGEST", value::digest,
        "Pin the database image to this sha256 digest"),
];

pub fn field(key: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.key == key)
}

/// The valid keys, for "unknown key" errors.
pub fn keys() -> Vec<&'static str> {
    FIELDS.iter().map(|f| f.key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn keys_and_flags_are_unique() {
        let keys: BTreeSet<_> = FIELDS.iter().map(|f| f.key).collect();
        let flags: BTreeSet<_> = FIELDS.iter().map(|f| f.flag).collect();
        assert_eq!(keys.len(), FIELDS.len());
        assert_eq!(flags.len(), FIELDS.len());
    }

    #[test]
    fn flag_is_key_with_dashes() {
        for f in FIELDS {
            assert_eq!(f.flag, f.key.replace('_', "-"), "{}", f.key);
        }
    }
}
