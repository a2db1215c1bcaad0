//! The validated project description every generator and check works from.

use serde::Serialize;

macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses a value that already passed the field's validator.
            pub(crate) fn from_valid(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => unreachable!("{other:?} passed validation for {}", stringify!($name)),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

choice!(
    /// The runtime image family.
    Base { Slim => "slim", Distroless => "distroless", Alpine => "alpine" }
);
choice!(
    /// How Python dependencies are declared and installed.
    Packaging { Requirements => "requirements", Uv => "uv", Poetry => "poetry" }
);
choice!(Database { Postgres => "postgres", Mariadb => "mariadb", None => "none" });
choice!(Workload { Batch => "batch", Api => "api" });
choice!(Ci { Github => "github", Gitlab => "gitlab", None => "none" });
choice!(Severity { Critical => "critical", High => "high", Medium => "medium", Low => "low" });
choice!(Signing { Cosign => "cosign", None => "none" });
choice!(Updates { Dependabot => "dependabot", Renovate => "renovate", None => "none" });

impl Severity {
    /// Trivy's `--severity` list: this level and every level above it.
    pub fn trivy_list(self) -> &'static str {
        match self {
            Severity::Critical => "CRITICAL",
            Severity::High => "CRITICAL,HIGH",
            Severity::Medium => "CRITICAL,HIGH,MEDIUM",
            Severity::Low => "CRITICAL,HIGH,MEDIUM,LOW",
        }
    }
}

/// What the container runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "target", rename_all = "lowercase")]
pub enum Entrypoint {
    /// A script path relative to the project root, run as `python PATH`.
    Script(String),
    /// A dotted module name, run as `python -m MODULE`.
    Module(String),
}

impl Entrypoint {
    pub fn parse_valid(s: &str) -> Self {
        if s.ends_with(".py") {
            Entrypoint::Script(s.to_string())
        } else {
            Entrypoint::Module(s.to_string())
        }
    }

    /// The source file a starter is written to.
    pub fn starter_path(&self) -> String {
        match self {
            Entrypoint::Script(path) => path.clone(),
            Entrypoint::Module(module) => format!("{}.py", module.replace('.', "/")),
        }
    }

    /// Arguments after the interpreter in the exec-form command.
    pub fn args(&self) -> Vec<String> {
        match self {
            Entrypoint::Script(path) => vec![path.clone()],
            Entrypoint::Module(module) => vec!["-m".into(), module.clone()],
        }
    }
}

/// Resource limits of one compose service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub cpus: String,
    pub memory: String,
    pub pids: u32,
}

/// One validated, complete set of answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectSpec {
    pub name: String,
    pub python: String,
    pub base: Base,
    pub packaging: Packaging,
    pub entrypoint: Entrypoint,
    pub build_packages: Vec<String>,
    pub runtime_packages: Vec<String>,
    pub database: Database,
    pub workload: Workload,
    pub port: u16,
    pub health_path: String,
    pub app_limits: Limits,
    pub db_limits: Limits,
    pub uid: u32,
    pub gid: u32,
    pub image: Option<String>,
    pub ci: Ci,
    pub scan_severity: Severity,
    pub signing: Signing,
    pub updates: Updates,
    pub private_index: Option<String>,
    pub builder_digest: Option<String>,
    pub runtime_digest: Option<String>,
    pub db_digest: Option<String>,
}

impl ProjectSpec {
    pub fn has_db(&self) -> bool {
        self.database != Database::None
    }

    pub fn is_api(&self) -> bool {
        self.workload == Workload::Api
    }

    /// The Python package-safe form of the name (`sales-etl` -> `sales_etl`).
    pub fn module_name(&self) -> String {
        self.name.replace('-', "_")
    }
}
