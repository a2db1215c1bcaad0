//! The one table of answer combinations that cannot work.
//!
//! The resolver reports every broken constraint; the wizard offers only the choices that keep
//! every constraint whose other fields are already decided. A constraint is one entry here (what
//! it reads, which answer it blames, the check) plus its tests.

use super::fields::Key;
use super::model::*;
use super::packages::{self, Runtime};
use crate::render;

/// A combination rule over a complete set of answers.
#[derive(Debug)]
pub struct Constraint {
    /// Short stable name, for tests and documentation.
    pub name: &'static str,
    /// The answer the problem is reported on (its source is named in the message).
    pub blame: Key,
    /// Every answer the check reads.
    pub involves: &'static [Key],
    /// `None` when the answers keep the rule, else what is wrong and how to fix it.
    pub check: fn(&ProjectSpec) -> Option<String>,
}

/// Every constraint, checked in this order.
pub static CONSTRAINTS: &[Constraint] = &[
    Constraint {
        name: "distroless-python",
        blame: Key::Python,
        involves: &[Key::Base, Key::Python],
        check: distroless_python,
    },
    Constraint {
        name: "distroless-runtime-libraries",
        blame: Key::Base,
        involves: &[Key::Base, Key::BuildPackages, Key::RuntimePackages],
        check: distroless_runtime_libraries,
    },
    Constraint {
        name: "alpine-package-names",
        blame: Key::BuildPackages,
        involves: &[Key::Base, Key::BuildPackages],
        check: alpine_package_names,
    },
    Constraint {
        name: "dependabot-needs-github",
        blame: Key::Updates,
        involves: &[Key::Updates, Key::Ci],
        check: dependabot_needs_github,
    },
    Constraint {
        name: "signing-needs-ci",
        blame: Key::Signing,
        involves: &[Key::Signing, Key::Ci],
        check: signing_needs_ci,
    },
    Constraint {
        name: "ci-verify-needs-ci",
        blame: Key::CiVerify,
        involves: &[Key::CiVerify, Key::Ci],
        check: ci_verify_needs_ci,
    },
    Constraint {
        name: "entrypoint-outside-managed-files",
        blame: Key::Entrypoint,
        involves: &[Key::Entrypoint],
        check: entrypoint_outside_managed_files,
    },
    Constraint { name: "app-env-names", blame: Key::AppEnv, involves: &[Key::AppEnv], check: app_env_names },
    Constraint {
        name: "app-volumes-distinct",
        blame: Key::AppVolumes,
        involves: &[Key::AppVolumes],
        check: app_volumes_distinct,
    },
    Constraint {
        name: "label-keys-distinct",
        blame: Key::Labels,
        involves: &[Key::Labels],
        check: label_keys_distinct,
    },
];

/// The constraints the answers break, each with its message.
pub fn broken(spec: &ProjectSpec) -> Vec<(&'static Constraint, String)> {
    CONSTRAINTS.iter().filter_map(|c| (c.check)(spec).map(|message| (c, message))).collect()
}

fn distroless_python(spec: &ProjectSpec) -> Option<String> {
    let ships = render::catalog::DISTROLESS_PYTHON_VERSION;
    (spec.base == Base::Distroless && spec.python != ships).then(|| {
        format!(
            "python = \"{}\" cannot be combined with base distroless: {} ships only Python {ships}; use --python {ships}, or --base slim to keep Python {}",
            spec.python,
            render::catalog::DISTROLESS_PYTHON.trim_end_matches(":nonroot"),
            spec.python
        )
    })
}

fn distroless_runtime_libraries(spec: &ProjectSpec) -> Option<String> {
    if spec.base != Base::Distroless {
        return None;
    }
    let mut libs: Vec<&str> = spec
        .build_packages
        .iter()
        .filter_map(|p| match packages::runtime_of(spec.base, p) {
            Runtime::Library(lib) => Some(lib),
            _ => None,
        })
        .collect();
    libs.extend(spec.runtime_packages.iter().map(String::as_str));
    (!libs.is_empty()).then(|| {
        format!(
            "base distroless has no package manager, so the runtime libraries {} cannot be installed; use wheels that bundle their libraries (psycopg[binary], mysqlclient wheels) and drop the -dev build packages, or use --base slim",
            libs.join(", ")
        )
    })
}

fn alpine_package_names(spec: &ProjectSpec) -> Option<String> {
    let wrong: Vec<String> = spec
        .build_packages
        .iter()
        .filter_map(|p| match packages::runtime_of(spec.base, p) {
            Runtime::WrongDistro(alpine) => {
                Some(format!("{p:?} is a Debian package name; base alpine uses {alpine:?}"))
            }
            _ => None,
        })
        .collect();
    (!wrong.is_empty()).then(|| format!("build_packages: {}", wrong.join("; ")))
}

fn dependabot_needs_github(spec: &ProjectSpec) -> Option<String> {
    (spec.updates == Updates::Dependabot && spec.ci != Ci::Github).then(|| {
        format!(
            "updates = \"dependabot\" runs only on GitHub, but ci = \"{}\"; use --updates renovate (or none)",
            spec.ci
        )
    })
}

fn signing_needs_ci(spec: &ProjectSpec) -> Option<String> {
    (spec.signing == Signing::Cosign && spec.ci == Ci::None).then(|| {
        "signing = \"cosign\" signs images in CI, but ci = \"none\"; choose --ci github or gitlab, or --signing none"
            .to_string()
    })
}

fn ci_verify_needs_ci(spec: &ProjectSpec) -> Option<String> {
    (spec.ci_verify && spec.ci == Ci::None).then(|| {
        "ci_verify = \"true\" adds a job to the CI pipeline, but ci = \"none\"; choose --ci github or gitlab, or --ci-verify false (run `berth verify` by hand)"
            .to_string()
    })
}

fn entrypoint_outside_managed_files(spec: &ProjectSpec) -> Option<String> {
    let starter = spec.entrypoint.starter_path();
    let clash = render::managed_paths().into_iter().find_map(|managed| {
        if starter == managed.path {
            Some(format!("it is the file {} that berth writes", managed.path))
        } else if starter.starts_with(&format!("{}/", managed.path)) {
            Some(format!("it runs through {}, a file berth writes", managed.path))
        } else if managed.owns_directory && starter.starts_with(&format!("{}/", parent(managed.path)?)) {
            Some(format!("{}/ is berth's (its {} ignores everything in it)", parent(managed.path)?, managed.path))
        } else {
            None
        }
    })?;
    Some(format!(
        "entrypoint = \"{}\" clashes with a file berth manages: {clash}; put the code elsewhere, e.g. src/{}",
        spec.entrypoint,
        starter.rsplit('/').next().unwrap_or("pipeline.py")
    ))
}

/// The first name that `items` repeat, where `key_of` names an item.
fn repeated<'a>(items: &'a [String], key_of: impl Fn(&'a str) -> &'a str) -> Option<&'a str> {
    let mut seen = std::collections::BTreeSet::new();
    items.iter().map(|item| key_of(item)).find(|key| !seen.insert(*key))
}

fn before(item: &str, separator: char) -> &str {
    item.split_once(separator).map_or(item, |(head, _)| head)
}

fn after(item: &str, separator: char) -> &str {
    item.split_once(separator).map_or("", |(_, tail)| tail)
}

fn app_env_names(spec: &ProjectSpec) -> Option<String> {
    let names: Vec<&str> = spec.app_env.iter().map(|item| before(item, '=')).collect();
    if let Some(own) = names.iter().find(|name| render::context::APP_ENV_SET_BY_BERTH.contains(name)) {
        return Some(format!("app_env sets {own}, which berth sets itself for the app; choose another name"));
    }
    repeated(&spec.app_env, |item| before(item, '=')).map(|name| format!("app_env sets {name} twice; keep one"))
}

fn app_volumes_distinct(spec: &ProjectSpec) -> Option<String> {
    if let Some(target) = repeated(&spec.app_volumes, |item| after(item, ':')) {
        return Some(format!("app_volumes mounts two things at {target}; keep one"));
    }
    let mut targets: Vec<&str> = spec.app_volumes.iter().map(|item| after(item, ':')).collect();
    targets.sort();
    targets.windows(2).find(|pair| pair[1].starts_with(&format!("{}/", pair[0]))).map(|pair| {
        format!("app_volumes mounts {} inside {}, another mount; mount them side by side", pair[1], pair[0])
    })
}

fn label_keys_distinct(spec: &ProjectSpec) -> Option<String> {
    repeated(&spec.labels, |item| before(item, '=')).map(|key| format!("labels sets {key} twice; keep one"))
}

fn parent(path: &str) -> Option<&str> {
    path.rsplit_once('/').map(|(dir, _)| dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{defaults, resolve, Environment, Layer, RawValue, Source};
    use std::collections::BTreeSet;

    fn spec_with(pairs: &[(Key, &str)]) -> ProjectSpec {
        let mut layer = Layer::new(Source::Flags);
        for (key, value) in pairs {
            layer.put(*key, RawValue::One(value.to_string()));
        }
        let env = Environment { dir_name: Some("etl".into()), dependency_text: None };
        use super::super::resolve::{complete_unchecked, draft_unchecked};
        complete_unchecked(draft_unchecked(&[layer]), &env).unwrap()
    }

    #[test]
    fn names_are_unique_and_blame_what_they_read() {
        let names: BTreeSet<_> = CONSTRAINTS.iter().map(|c| c.name).collect();
        assert_eq!(names.len(), CONSTRAINTS.len());
        for c in CONSTRAINTS {
            assert!(c.involves.contains(&c.blame), "{}", c.name);
        }
    }

    #[test]
    fn the_defaults_keep_every_constraint() {
        assert!(broken(&spec_with(&[])).is_empty());
    }

    #[test]
    fn each_constraint_catches_its_combination() {
        let cases: &[(&str, &[(Key, &str)])] = &[
            ("distroless-python", &[(Key::Base, "distroless"), (Key::Python, "3.11")]),
            ("distroless-runtime-libraries", &[(Key::Base, "distroless"), (Key::BuildPackages, "gcc,libpq-dev")]),
            ("distroless-runtime-libraries", &[(Key::Base, "distroless"), (Key::RuntimePackages, "curl")]),
            ("alpine-package-names", &[(Key::Base, "alpine"), (Key::BuildPackages, "libssl-dev")]),
            ("dependabot-needs-github", &[(Key::Ci, "gitlab"), (Key::Updates, "dependabot")]),
            ("signing-needs-ci", &[(Key::Ci, "none"), (Key::Signing, "cosign")]),
            ("ci-verify-needs-ci", &[(Key::Ci, "none"), (Key::CiVerify, "true")]),
            ("entrypoint-outside-managed-files", &[(Key::Entrypoint, "docker-compose.prod.yml/x.py")]),
            ("entrypoint-outside-managed-files", &[(Key::Entrypoint, "Dockerfile/x.py")]),
            ("entrypoint-outside-managed-files", &[(Key::Entrypoint, "berth.yml/x.py")]),
            ("entrypoint-outside-managed-files", &[(Key::Entrypoint, "secrets/x.py")]),
            ("entrypoint-outside-managed-files", &[(Key::Entrypoint, "Dockerfile.main")]),
            ("entrypoint-outside-managed-files", &[(Key::Entrypoint, ".gitlab-ci.yml/x.py")]),
            ("app-env-names", &[(Key::AppEnv, "A=1,A=2")]),
            ("app-env-names", &[(Key::AppEnv, "DATA_DIR=/x")]),
            ("app-env-names", &[(Key::AppEnv, "PATH=/bin")]),
            ("app-volumes-distinct", &[(Key::AppVolumes, "./a:/srv/x,cache:/srv/x")]),
            ("app-volumes-distinct", &[(Key::AppVolumes, "./a:/srv/x,cache:/srv/x/y")]),
            ("label-keys-distinct", &[(Key::Labels, "team=a,team=b")]),
        ];
        for (name, pairs) in cases {
            let spec = spec_with(pairs);
            let names: Vec<&str> = broken(&spec).iter().map(|(c, _)| c.name).collect();
            assert_eq!(names, [*name], "{pairs:?}");
        }
    }

    #[test]
    fn an_entrypoint_clash_names_the_file() {
        let spec = spec_with(&[(Key::Entrypoint, "docker-compose.prod.yml/x.py")]);
        let (_, message) = &broken(&spec)[0];
        assert!(message.contains("runs through docker-compose.prod.yml"), "{message}");
        let spec = spec_with(&[(Key::Entrypoint, "secrets/job.py")]);
        assert!(broken(&spec)[0].1.contains("secrets/ is berth's"), "{:?}", broken(&spec));
        for fine in ["src/pipeline.py", "dockerfiles/x.py", "secrets_tool/x.py", "pipeline.main"] {
            assert!(broken(&spec_with(&[(Key::Entrypoint, fine)])).is_empty(), "{fine}");
        }
    }

    #[test]
    fn the_resolver_reports_each_constraint_on_its_blamed_source() {
        let mut flags = Layer::new(Source::Flags);
        flags.put(Key::Ci, RawValue::One("none".into()));
        let mut preset = Layer::new(Source::Preset("org.yaml".into()));
        preset.put(Key::Signing, RawValue::One("cosign".into()));
        let env = Environment { dir_name: Some("etl".into()), dependency_text: None };
        let problems = resolve(&[defaults(), preset, flags], &env).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].source, "preset org.yaml");
    }
}
