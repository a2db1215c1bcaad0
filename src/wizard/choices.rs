//! What the wizard offers for each list question, each value with its one-line trade-off.

use crate::spec::Base;

/// One offered value and why someone would pick it.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    pub value: &'static str,
    pub hint: &'static str,
}

const fn choice(value: &'static str, hint: &'static str) -> Choice {
    Choice { value, hint }
}

pub const BASES: &[Choice] = &[
    choice("slim", "Debian with glibc: every wheel installs, apt adds runtime libraries"),
    choice("distroless", "no shell, no package manager, least to attack; Python 3.13 only, no OS packages"),
    choice("alpine", "musl, small; numpy, pandas and the like may build from source"),
];

pub const PYTHONS: &[Choice] = &[
    choice("3.11", "oldest still supported"),
    choice("3.12", ""),
    choice("3.13", "the only version distroless ships"),
    choice("3.14", "newest"),
];

pub const PACKAGINGS: &[Choice] = &[
    choice("requirements", "pip installs requirements.txt"),
    choice("uv", "uv sync from pyproject.toml and uv.lock"),
    choice("poetry", "poetry install from pyproject.toml and poetry.lock"),
];

pub const DATABASES: &[Choice] = &[
    choice("postgres", "PostgreSQL service on an internal network, password as a file secret"),
    choice("mariadb", "MariaDB service on an internal network, password as a file secret"),
    choice("none", "no database service"),
];

pub const WORKLOADS: &[Choice] = &[
    choice("batch", "runs a pipeline; the health check reads its heartbeat file"),
    choice("api", "serves HTTP, published on 127.0.0.1 only"),
];

pub const CIS: &[Choice] = &[
    choice("github", "GitHub Actions: lint, build, scan, SBOM, push, sign"),
    choice("gitlab", "GitLab CI: lint, build, scan, SBOM, push, sign"),
    choice("none", "no pipeline; build and scan by hand"),
];

pub const SEVERITIES: &[Choice] = &[
    choice("critical", "fail the build on critical vulnerabilities only"),
    choice("high", "fail on high or critical"),
    choice("medium", "fail on medium and above"),
    choice("low", "fail on any known vulnerability"),
];

pub const SIGNINGS: &[Choice] = &[
    choice("cosign", "keyless signature and SBOM attestation for every pushed image"),
    choice("none", "no signature"),
];

pub const UPDATES: &[Choice] = &[
    choice("dependabot", "GitHub's update bot (GitHub only)"),
    choice("renovate", "Renovate, on GitHub or GitLab"),
    choice("none", "no update bot"),
];

/// Common build-only packages on Debian (slim), with what needs them.
const BUILD_DEBIAN: &[Choice] = &[
    choice("gcc", "C compiler for extensions without wheels"),
    choice("g++", "C++ compiler"),
    choice("pkg-config", "finds libraries while building (mysqlclient)"),
    choice("libpq-dev", "PostgreSQL headers: psycopg2 from source (else psycopg binary wheels)"),
    choice("default-libmysqlclient-dev", "MariaDB/MySQL headers: mysqlclient from source (else PyMySQL)"),
    choice("libxml2-dev", "libxml2 headers (lxml)"),
    choice("libxslt1-dev", "libxslt headers (lxml)"),
    choice("libffi-dev", "libffi headers (cffi)"),
    choice("libssl-dev", "OpenSSL headers (cryptography from source)"),
];

/// The same on Alpine, under Alpine's package names.
const BUILD_ALPINE: &[Choice] = &[
    choice("gcc", "C compiler for extensions without wheels"),
    choice("musl-dev", "C library headers, needed with gcc"),
    choice("g++", "C++ compiler"),
    choice("pkgconf", "finds libraries while building (mysqlclient)"),
    choice("postgresql-dev", "PostgreSQL headers: psycopg2 from source (else psycopg binary wheels)"),
    choice("mariadb-dev", "MariaDB headers: mysqlclient from source (else PyMySQL)"),
    choice("libxml2-dev", "libxml2 headers (lxml)"),
    choice("libxslt-dev", "libxslt headers (lxml)"),
    choice("libffi-dev", "libffi headers (cffi)"),
    choice("openssl-dev", "OpenSSL headers (cryptography from source)"),
];

/// The build packages offered for a base; none for distroless, which cannot install the
/// runtime libraries they imply.
pub fn build_packages(base: Base) -> &'static [Choice] {
    match base {
        Base::Slim => BUILD_DEBIAN,
        Base::Alpine => BUILD_ALPINE,
        Base::Distroless => &[],
    }
}

/// How a choice is shown in a list: the value, then its hint in a column (see `Prompter`).
pub fn label(choice: &Choice) -> String {
    if choice.hint.is_empty() {
        choice.value.to_string()
    } else {
        format!("{:<12}  {}", choice.value, choice.hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::fields;
    use crate::spec::value;

    /// Each list offers exactly the values its field accepts, and nothing it refuses.
    #[test]
    fn every_choice_is_a_valid_value_and_every_value_is_offered() {
        let lists: &[(&str, &[Choice], &[&str])] = &[
            ("base", BASES, value::BASES),
            ("python", PYTHONS, value::PYTHON_VERSIONS),
            ("packaging", PACKAGINGS, value::PACKAGINGS),
            ("database", DATABASES, value::DATABASES),
            ("workload", WORKLOADS, value::WORKLOADS),
            ("ci", CIS, value::CIS),
            ("scan_severity", SEVERITIES, value::SEVERITIES),
            ("signing", SIGNINGS, value::SIGNINGS),
            ("updates", UPDATES, value::UPDATES),
        ];
        for (key, choices, allowed) in lists {
            let field = fields::field(key).unwrap();
            let mut offered: Vec<&str> = choices.iter().map(|c| c.value).collect();
            for v in &offered {
                assert_eq!((field.parse)(v).as_deref(), Ok(*v), "{key}: {v}");
            }
            offered.sort_unstable();
            let mut allowed = allowed.to_vec();
            allowed.sort_unstable();
            assert_eq!(offered, allowed, "{key}");
        }
    }

    #[test]
    fn offered_build_packages_are_valid_for_their_base() {
        use crate::spec::packages::{runtime_of, Runtime};
        for base in [Base::Slim, Base::Alpine] {
            for c in build_packages(base) {
                assert!(value::os_package(c.value).is_ok(), "{}", c.value);
                assert!(
                    !matches!(runtime_of(base, c.value), Runtime::WrongDistro(_) | Runtime::Unknown),
                    "{base}: {}",
                    c.value
                );
            }
        }
        assert!(build_packages(Base::Distroless).is_empty());
    }
}
