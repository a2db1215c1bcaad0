//! Pinned third-party references: base images and GitHub Actions, in one place.
//!
//! Images use floating minor tags on a fixed distribution (`-slim-trixie`) so security patches
//! arrive with every rebuild while package names stay valid; a digest answer pins them exactly.
//! Actions are pinned to full commit SHAs with the release in a comment, as Dependabot and
//! Renovate expect; tags are mutable (the trivy-action tags were force-pushed in March 2026).

use serde::Serialize;

use crate::spec::{Base, Database, ProjectSpec, Python};

/// The Debian release slim and distroless images are built on.
pub const DEBIAN_RELEASE: &str = "trixie";
pub const ALPINE_RELEASE: &str = "alpine3.24";
pub const DISTROLESS_PYTHON: &str = "gcr.io/distroless/python3-debian13:nonroot";
/// The one Python the distroless image ships.
pub const DISTROLESS_PYTHON_VERSION: Python = Python::V3_13;
pub const POSTGRES_IMAGE: &str = "postgres:18-trixie";
pub const MARIADB_IMAGE: &str = "mariadb:11.8";

/// Tools the builder stage installs from PyPI, pinned.
pub const UV_VERSION: &str = "0.13.9";
pub const POETRY_VERSION: &str = "2.5.1";
/// Tools the CI pipeline runs, pinned.
pub const HADOLINT_VERSION: &str = "2.15.1";
pub const TRIVY_VERSION: &str = "v0.72.0";
pub const COSIGN_VERSION: &str = "v3.0.6";
/// pre-commit runs the drift gate in CI (it builds berth from its repository).
pub const PRE_COMMIT_VERSION: &str = "4.7.0";

fn with_digest(image: String, digest: &Option<String>) -> String {
    match digest {
        Some(d) => format!("{image}@{d}"),
        None => image,
    }
}

/// The image references a project's files use.
#[derive(Debug, Clone, Serialize)]
pub struct Images {
    pub builder: String,
    pub runtime: String,
    pub db: Option<String>,
}

pub fn images(spec: &ProjectSpec) -> Images {
    let python = |variant: &str| format!("python:{}-{variant}", spec.python);
    let (builder, runtime) = match spec.base {
        Base::Slim => (python(&format!("slim-{DEBIAN_RELEASE}")), python(&format!("slim-{DEBIAN_RELEASE}"))),
        Base::Alpine => (python(ALPINE_RELEASE), python(ALPINE_RELEASE)),
        Base::Distroless => {
            (format!("python:{DISTROLESS_PYTHON_VERSION}-slim-{DEBIAN_RELEASE}"), DISTROLESS_PYTHON.to_string())
        }
    };
    let db = match spec.database {
        Database::Postgres => Some(POSTGRES_IMAGE.to_string()),
        Database::Mariadb => Some(MARIADB_IMAGE.to_string()),
        Database::None => None,
    };
    Images {
        builder: with_digest(builder, &spec.builder_digest),
        runtime: with_digest(runtime, &spec.runtime_digest),
        db: db.map(|d| with_digest(d, &spec.db_digest)),
    }
}

/// A GitHub Action pinned to a commit.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    /// `owner/repo[/path]@sha`
    pub uses: String,
    pub version: &'static str,
}

const ACTIONS: &[(&str, &str, &str, &str)] = &[
    ("checkout", "actions/checkout", "3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    ("setup_buildx", "docker/setup-buildx-action", "37fe631027851001ddb9b187196cc803df7f5f0e", "v4.3.0"),
    ("login", "docker/login-action", "4907a6ddec9925e35a0a9e82d7399ccc52663121", "v4.1.0"),
    ("metadata", "docker/metadata-action", "dc802804100637a589fabce1cb79ff13a1411302", "v6.2.0"),
    ("build_push", "docker/build-push-action", "53b7df96c91f9c12dcc8a07bcb9ccacbed38856a", "v7.3.0"),
    ("trivy", "aquasecurity/trivy-action", "ed142fd0673e97e23eac54620cfb913e5ce36c25", "v0.36.0"),
    ("upload_sarif", "github/codeql-action/upload-sarif", "8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2"),
    ("sbom", "anchore/sbom-action", "e22c389904149dbc22b58101806040fa8d37a610", "v0.24.0"),
    ("cosign_installer", "sigstore/cosign-installer", "6f9f17788090df1f26f669e9d70d6ae9567deba6", "v4.1.2"),
];

/// Every pinned action, keyed by the name templates use.
pub fn actions() -> std::collections::BTreeMap<&'static str, Action> {
    ACTIONS.iter().map(|(key, repo, sha, version)| (*key, Action { uses: format!("{repo}@{sha}"), version })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_pinned_to_full_shas() {
        for (key, _, sha, version) in ACTIONS {
            assert_eq!(sha.len(), 40, "{key}");
            assert!(sha.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{key}");
            assert!(version.starts_with('v'), "{key}");
        }
    }
}
