//! The validated project description every generator and check works from.

use serde::Serialize;

use super::choice::choice;

choice!(
    /// The runtime image family.
    Base {
        Slim => "slim", "Debian with glibc: every wheel installs, apt adds runtime libraries";
        Distroless => "distroless", "no shell, no package manager, least to attack; Python 3.13 only, no OS packages";
        Alpine => "alpine", "musl, small; numpy, pandas and the like may build from source";
    }
);
choice!(
    /// The Python minor version; older versions are past end of life.
    Python {
        V3_11 => "3.11", "oldest still supported";
        V3_12 => "3.12", "";
        V3_13 => "3.13", "the only version distroless ships";
        V3_14 => "3.14", "newest";
    }
);
choice!(
    /// How Python dependencies are declared and installed.
    Packaging {
        Requirements => "requirements", "uv pip installs requirements.txt";
        Uv => "uv", "uv sync from pyproject.toml and uv.lock";
        Poetry => "poetry", "poetry install from pyproject.toml and poetry.lock";
    }
);
choice!(
    /// The database service next to the app.
    Database {
        Postgres => "postgres", "PostgreSQL service on an internal network, password as a file secret";
        Mariadb => "mariadb", "MariaDB service on an internal network, password as a file secret";
        None => "none", "no database service";
    }
);
choice!(
    /// What the container does.
    Workload {
        Batch => "batch", "runs a pipeline; the health check reads its heartbeat file";
        Api => "api", "serves HTTP, published on 127.0.0.1 only";
    }
);
choice!(
    /// The CI pipeline generated.
    Ci {
        Github => "github", "GitHub Actions: lint, build, scan, SBOM, push, sign";
        Gitlab => "gitlab", "GitLab CI: lint, build, scan, SBOM, push, sign";
        None => "none", "no pipeline; build and scan by hand";
    }
);
choice!(
    /// The lowest vulnerability severity that fails the CI scan.
    Severity {
        Critical => "critical", "fail the build on critical vulnerabilities only";
        High => "high", "fail on high or critical";
        Medium => "medium", "fail on medium and above";
        Low => "low", "fail on any known vulnerability";
    }
);
choice!(
    /// How CI signs pushed images.
    Signing {
        Cosign => "cosign", "keyless signature and SBOM attestation for every pushed image";
        None => "none", "no signature";
    }
);
choice!(
    /// The dependency update bot configured.
    Updates {
        Dependabot => "dependabot", "GitHub's update bot (GitHub only)";
        Renovate => "renovate", "Renovate, on GitHub or GitLab";
        None => "none", "no update bot";
    }
);

choice!(
    /// What the app may reach outside the host's containers.
    Egress {
        None => "none", "no route out: the app reaches nothing outside the host's containers";
        Proxy => "proxy", "only the hosts in egress_allow, through an allowlisting proxy (HTTPS)";
        Open => "open", "a route to anywhere, unfiltered (warned; berth audit reports it next to database credentials)";
    }
);

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

impl std::str::FromStr for Entrypoint {
    type Err = std::convert::Infallible;

    /// Sorts a value that passed the entrypoint validator into a script or a module.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(if s.ends_with(".py") { Entrypoint::Script(s.to_string()) } else { Entrypoint::Module(s.to_string()) })
    }
}

impl std::fmt::Display for Entrypoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entrypoint::Script(s) | Entrypoint::Module(s) => f.write_str(s),
        }
    }
}

impl Entrypoint {
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
    pub python: Python,
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
    /// CI installs this berth release and runs `berth verify` on the image it builds.
    pub ci_verify: bool,
    pub private_index: Option<String>,
    pub builder_digest: Option<String>,
    pub runtime_digest: Option<String>,
    pub db_digest: Option<String>,
    pub egress: Egress,
    /// The destinations the proxy allows (egress: proxy).
    pub egress_allow: Vec<super::egress::Destination>,
    pub proxy_digest: Option<String>,
    /// The CI pipeline runs `berth check` through the berth-check pre-commit hook.
    pub drift_check: bool,
    /// Extra `NAME=VALUE` environment of the app service (validated: no credentials).
    pub app_env: Vec<String>,
    /// Extra `./dir:/target` (read-only) or `volume:/target` mounts of the app service.
    pub app_volumes: Vec<String>,
    /// Extra `KEY=VALUE` LABELs of the runtime image.
    pub labels: Vec<String>,
}

impl ProjectSpec {
    pub fn has_db(&self) -> bool {
        self.database != Database::None
    }

    pub fn is_api(&self) -> bool {
        self.workload == Workload::Api
    }

    /// Whether the stack has a proxy service: the allowlisting forward proxy (egress: proxy),
    /// the ingress in front of an api on internal networks only (egress: none or proxy), or both.
    pub fn has_proxy(&self) -> bool {
        self.proxy_forwards() || self.proxy_ingress()
    }

    /// Whether the proxy forwards the app's requests to the allowlisted destinations.
    pub fn proxy_forwards(&self) -> bool {
        self.egress == Egress::Proxy
    }

    /// Whether the proxy publishes the api's port and passes requests to it: an api reaches
    /// nothing outside, so it cannot sit on the network that carries a published port.
    pub fn proxy_ingress(&self) -> bool {
        self.is_api() && self.egress != Egress::Open
    }

    /// The Python package-safe form of the name (`sales-etl` -> `sales_etl`).
    pub fn module_name(&self) -> String {
        self.name.replace('-', "_")
    }
}
