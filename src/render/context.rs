//! The typed context every template is rendered with.
//!
//! Templates never compute security decisions; they only lay out what is decided here, so the
//! decisions are unit-testable Rust and the templates stay readable.

use std::collections::BTreeMap;

use serde::Serialize;

use super::catalog::{self, Action, Images};
use super::installer;
use crate::spec::packages::{self, Runtime};
use crate::spec::{Base, Ci, Database, Packaging, ProjectSpec, Workload};

/// Where the virtual environment lives in both stages.
pub const VENV: &str = "/opt/venv";
/// The app's writable data directory (a named volume in compose).
pub const DATA_DIR: &str = "/data";
/// The file the batch starter touches; the HEALTHCHECK judges its age.
pub const HEARTBEAT_FILE: &str = "/tmp/heartbeat";
/// A heartbeat older than this many seconds makes the container unhealthy.
pub const HEARTBEAT_MAX_AGE_SECS: u32 = 120;

/// The database service and how the app reaches it.
#[derive(Debug, Clone, Serialize)]
pub struct DbContext {
    pub kind: &'static str,
    pub image: String,
    /// The image's own database user; running as it needs no capabilities.
    pub uid: u32,
    pub port: u16,
    pub user: &'static str,
    pub database: &'static str,
    /// Volume mount point holding the data.
    pub data_target: &'static str,
    /// tmpfs mounts the server needs on a read-only root filesystem.
    pub tmpfs: Vec<String>,
    /// Environment of the db service (names of files, never secret values).
    pub env: Vec<(String, String)>,
    /// Secrets mounted into the db service.
    pub secrets: Vec<&'static str>,
    /// Compose healthcheck `test`, JSON array.
    pub healthcheck: String,
    pub stop_grace: &'static str,
    pub shm_size: Option<&'static str>,
}

/// The Python database driver the starter code uses.
#[derive(Debug, Clone, Serialize)]
pub struct Driver {
    /// Requirement line, pinned.
    pub requirement: &'static str,
    /// Distribution name (for pyproject dependencies).
    pub module: &'static str,
}

/// Tool versions CI and the builder install.
#[derive(Debug, Clone, Serialize)]
pub struct Tools {
    pub uv: &'static str,
    pub poetry: &'static str,
    pub hadolint: &'static str,
    pub trivy: &'static str,
    pub cosign: &'static str,
}

/// The CI job that proves the controls with `berth verify` on the image the pipeline builds.
#[derive(Debug, Clone, Serialize)]
pub struct CiVerify {
    /// The berth release the job installs: the one that generated the files.
    pub version: &'static str,
    /// Shell lines that fetch the Action's installer at that release's tag, check it against
    /// the copy built into berth, and run it.
    pub install: Vec<String>,
    /// Shell lines that write throw-away values into the secret files the stack mounts.
    pub secrets: Vec<String>,
}

/// A file-based compose secret.
#[derive(Debug, Clone, Serialize)]
pub struct SecretFile {
    pub name: &'static str,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectContext {
    pub berth_version: &'static str,
    pub spec: ProjectSpec,
    pub module_name: String,
    pub images: Images,
    pub venv: &'static str,
    pub data_dir: &'static str,
    pub heartbeat_file: &'static str,
    pub heartbeat_max_age: u32,
    /// Builder-stage OS packages (already validated).
    pub build_packages: Vec<String>,
    /// Runtime OS packages: libraries derived from build packages, then the extra ones.
    pub runtime_packages: Vec<String>,
    /// Exec-form ENTRYPOINT, JSON array.
    pub entrypoint_json: String,
    /// Exec-form CMD, JSON array.
    pub cmd_json: String,
    /// Exec-form HEALTHCHECK command, JSON array.
    pub healthcheck_json: String,
    pub starter_path: String,
    pub db: Option<DbContext>,
    pub driver: Option<Driver>,
    pub secrets: Vec<SecretFile>,
    pub actions: BTreeMap<&'static str, Action>,
    pub tools: Tools,
    pub trivy_severities: &'static str,
    /// Files the project's dependency manager reads.
    pub dependency_files: Vec<&'static str>,
    /// Registry host CI logs in to.
    pub registry_host: String,
    /// The verify job, when the answers ask for one and there is a CI.
    pub ci_verify: Option<CiVerify>,
}

fn json(values: &[String]) -> String {
    serde_json::to_string(values).expect("strings serialise")
}

fn runtime_packages(spec: &ProjectSpec) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for package in &spec.build_packages {
        if let Runtime::Library(lib) = packages::runtime_of(spec.base, package) {
            if !out.iter().any(|p| p == lib) {
                out.push(lib.to_string());
            }
        }
    }
    for extra in &spec.runtime_packages {
        if !out.contains(extra) {
            out.push(extra.clone());
        }
    }
    out
}

fn healthcheck(spec: &ProjectSpec) -> String {
    let python = format!("{VENV}/bin/python");
    let code = match spec.workload {
        Workload::Batch => format!(
            "import os, sys, time; sys.exit(0 if time.time() - os.stat(os.environ.get('HEARTBEAT_FILE', '{HEARTBEAT_FILE}')).st_mtime < {HEARTBEAT_MAX_AGE_SECS} else 1)"
        ),
        Workload::Api => format!(
            "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:{}{}', timeout=4).status == 200 else 1)",
            spec.port, spec.health_path
        ),
    };
    json(&[python, "-c".into(), code])
}

/// The registry part of an image repository (`ghcr.io/acme/etl` -> `ghcr.io`); Docker Hub when
/// the first component is not a host, GitHub's registry when no repository is given.
fn registry_host(image: Option<&str>) -> String {
    let Some(image) = image else { return "ghcr.io".into() };
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => first.to_string(),
        _ => "docker.io".into(),
    }
}

fn uses_package(spec: &ProjectSpec, names: &[&str]) -> bool {
    spec.build_packages.iter().any(|p| names.contains(&p.split('=').next().unwrap_or(p)))
}

fn driver(spec: &ProjectSpec) -> Option<Driver> {
    let compiles = packages::has_compiler(&spec.build_packages);
    match spec.database {
        Database::Postgres if compiles && uses_package(spec, &["libpq-dev", "postgresql-dev"]) => {
            Some(Driver { requirement: "psycopg2==2.9.13", module: "psycopg2" })
        }
        Database::Postgres => Some(Driver { requirement: "psycopg[binary]==3.3.9", module: "psycopg" }),
        Database::Mariadb
            if compiles
                && uses_package(
                    spec,
                    &["default-libmysqlclient-dev", "libmariadb-dev", "mariadb-dev", "mariadb-connector-c-dev"],
                ) =>
        {
            Some(Driver { requirement: "mysqlclient==2.3.2", module: "MySQLdb" })
        }
        Database::Mariadb => Some(Driver { requirement: "PyMySQL==1.2.4", module: "pymysql" }),
        Database::None => None,
    }
}

fn db_context(spec: &ProjectSpec, images: &Images) -> Option<DbContext> {
    let image = images.db.clone()?;
    let password = "/run/secrets/db_password".to_string();
    Some(match spec.database {
        Database::Postgres => DbContext {
            kind: "postgres",
            image,
            uid: 999,
            port: 5432,
            user: "app",
            database: "app",
            data_target: "/var/lib/postgresql",
            tmpfs: vec![
                "/var/run/postgresql:uid=999,gid=999,mode=3775,noexec,nosuid,nodev".into(),
                "/tmp:uid=999,gid=999,mode=1777,noexec,nosuid,nodev".into(),
            ],
            env: vec![
                ("POSTGRES_USER".into(), "app".into()),
                ("POSTGRES_DB".into(), "app".into()),
                ("POSTGRES_PASSWORD_FILE".into(), password),
            ],
            secrets: vec!["db_password"],
            healthcheck: json(&[
                "CMD-SHELL".into(),
                "pg_isready -h 127.0.0.1 -p 5432 -U \"$${POSTGRES_USER}\" -d \"$${POSTGRES_DB}\"".into(),
            ]),
            stop_grace: "60s",
            shm_size: Some("256m"),
        },
        Database::Mariadb => DbContext {
            kind: "mariadb",
            image,
            uid: 999,
            port: 3306,
            user: "app",
            database: "app",
            data_target: "/var/lib/mysql",
            tmpfs: vec![
                "/run/mysqld:uid=999,gid=999,mode=1777,noexec,nosuid,nodev".into(),
                "/tmp:uid=999,gid=999,mode=1777,noexec,nosuid,nodev".into(),
            ],
            env: vec![
                ("MARIADB_USER".into(), "app".into()),
                ("MARIADB_DATABASE".into(), "app".into()),
                ("MARIADB_PASSWORD_FILE".into(), password),
                ("MARIADB_ROOT_PASSWORD_FILE".into(), "/run/secrets/db_root_password".into()),
            ],
            secrets: vec!["db_password", "db_root_password"],
            healthcheck: json(&[
                "CMD".into(),
                "healthcheck.sh".into(),
                "--connect".into(),
                "--innodb_initialized".into(),
            ]),
            stop_grace: "60s",
            shm_size: None,
        },
        Database::None => return None,
    })
}

impl ProjectContext {
    pub fn new(spec: &ProjectSpec) -> Self {
        let images = catalog::images(spec);
        let db = db_context(spec, &images);
        let secrets = db
            .as_ref()
            .map(|db| db.secrets.iter().map(|name| SecretFile { name, file: format!("./secrets/{name}") }).collect())
            .unwrap_or_default();
        let ci_verify = (spec.ci_verify && spec.ci != Ci::None).then(|| CiVerify {
            version: installer::VERSION,
            install: installer::commands(),
            secrets: installer::secret_commands(db.as_ref().map_or(&[][..], |db| &db.secrets)),
        });
        let dependency_files = match spec.packaging {
            Packaging::Requirements => vec!["requirements.txt"],
            Packaging::Uv => vec!["pyproject.toml", "uv.lock"],
            Packaging::Poetry => vec!["pyproject.toml", "poetry.lock"],
        };
        ProjectContext {
            berth_version: env!("CARGO_PKG_VERSION"),
            module_name: spec.module_name(),
            build_packages: spec.build_packages.clone(),
            runtime_packages: runtime_packages(spec),
            entrypoint_json: json(&[format!("{VENV}/bin/python")]),
            cmd_json: json(&spec.entrypoint.args()),
            healthcheck_json: healthcheck(spec),
            starter_path: spec.entrypoint.starter_path(),
            driver: driver(spec),
            db,
            secrets,
            images,
            venv: VENV,
            data_dir: DATA_DIR,
            heartbeat_file: HEARTBEAT_FILE,
            heartbeat_max_age: HEARTBEAT_MAX_AGE_SECS,
            actions: catalog::actions(),
            tools: Tools {
                uv: catalog::UV_VERSION,
                poetry: catalog::POETRY_VERSION,
                hadolint: catalog::HADOLINT_VERSION,
                trivy: catalog::TRIVY_VERSION,
                cosign: catalog::COSIGN_VERSION,
            },
            trivy_severities: spec.scan_severity.trivy_list(),
            dependency_files,
            registry_host: registry_host(spec.image.as_deref()),
            ci_verify,
            spec: spec.clone(),
        }
    }

    pub fn is_distroless(&self) -> bool {
        self.spec.base == Base::Distroless
    }
}
