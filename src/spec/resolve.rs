//! Layering and validation: defaults < preset < answers file < flags, into one `ProjectSpec`.

use std::collections::{BTreeMap, BTreeSet};

use super::constraints::CONSTRAINTS;
use super::fields::{Draft, Key, FIELDS};
use super::layer::{Layer, Problem, RawValue, Source};
use super::model::*;
use super::packages::{self, Runtime};
use super::value;

/// Built-in defaults, from the field table.
pub fn defaults() -> Layer {
    let mut layer = Layer::new(Source::Defaults);
    for field in FIELDS {
        if let Some(default) = field.default {
            let value = if field.is_list() { RawValue::List(Vec::new()) } else { RawValue::One(default.into()) };
            layer.put(field.key, value);
        }
    }
    layer
}

/// Facts about the target directory that some answers depend on.
#[derive(Debug, Default, Clone)]
pub struct Environment {
    /// The target directory's name, the default project name.
    pub dir_name: Option<String>,
    /// Text of an existing requirements.txt / pyproject.toml, for base compatibility warnings.
    pub dependency_text: Option<String>,
}

/// The outcome of a successful resolution.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub spec: ProjectSpec,
    /// Things that work but deserve attention, printed before writing.
    pub warnings: Vec<String>,
}

/// Packages that ship only glibc (manylinux) wheels or compile for minutes on musl.
const GLIBC_WHEEL_PACKAGES: &[&str] = &[
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "polars",
    "duckdb",
    "scikit-learn",
    "grpcio",
    "psycopg2-binary",
    "orjson",
    "cryptography",
    "lxml",
    "matplotlib",
];

/// Each field's value from the highest layer that sets it, with that layer.
fn merge(layers: &[Layer]) -> BTreeMap<Key, (&RawValue, &Layer)> {
    let mut merged = BTreeMap::new();
    for layer in layers {
        for (key, value) in &layer.values {
            merged.insert(*key, (value, layer));
        }
    }
    merged
}

/// The defaults that depend on other answers, and the spec they complete.
fn complete(draft: Draft, env: &Environment) -> Result<ProjectSpec, Vec<Problem>> {
    let mut missing = Vec::new();
    let mut need = |key: Key, present: bool| {
        if !present {
            missing.push(Problem::new(key.as_str(), "missing: the built-in default did not apply"));
        }
    };
    need(Key::Python, draft.python.is_some());
    let name = match draft.name {
        Some(name) => Some(name),
        None => match env.dir_name.as_deref().map(value::project_name) {
            Some(Ok(name)) => Some(name),
            Some(Err(_)) => {
                missing.push(Problem::new(
                    "name",
                    format!(
                        "missing: the directory name {} is not a valid project name; pass --name (lowercase letters, digits, '-' or '_')",
                        crate::shown::value(env.dir_name.as_deref().unwrap_or_default())
                    ),
                ));
                None
            }
            None => {
                missing.push(Problem::new("name", "missing: pass --name"));
                None
            }
        },
    };
    let (
        Some(name),
        Some(python),
        Some(base),
        Some(packaging),
        Some(database),
        Some(workload),
        Some(port),
        Some(health_path),
        Some(app_cpus),
        Some(app_memory),
        Some(app_pids),
        Some(db_cpus),
        Some(db_memory),
        Some(db_pids),
        Some(ci),
        Some(scan_severity),
    ) = (
        name,
        draft.python,
        draft.base,
        draft.packaging,
        draft.database,
        draft.workload,
        draft.port,
        draft.health_path,
        draft.app_cpus,
        draft.app_memory,
        draft.app_pids,
        draft.db_cpus,
        draft.db_memory,
        draft.db_pids,
        draft.ci,
        draft.scan_severity,
    )
    else {
        if missing.is_empty() {
            missing.push(Problem::new("answers", "some required answers are missing"));
        }
        return Err(missing);
    };
    let uid = draft.uid.unwrap_or(if base == Base::Distroless { 65532 } else { 10001 });
    Ok(ProjectSpec {
        name,
        python,
        base,
        packaging,
        entrypoint: draft.entrypoint.unwrap_or_else(|| match workload {
            Workload::Batch => Entrypoint::Script("src/pipeline.py".into()),
            Workload::Api => Entrypoint::Script("src/app.py".into()),
        }),
        build_packages: draft.build_packages.unwrap_or_default(),
        runtime_packages: draft.runtime_packages.unwrap_or_default(),
        database,
        workload,
        port,
        health_path,
        app_limits: Limits { cpus: app_cpus, memory: app_memory, pids: app_pids },
        db_limits: Limits { cpus: db_cpus, memory: db_memory, pids: db_pids },
        uid,
        gid: draft.gid.unwrap_or(uid),
        image: draft.image,
        ci,
        scan_severity,
        signing: draft.signing.unwrap_or(if ci == Ci::None { Signing::None } else { Signing::Cosign }),
        updates: draft.updates.unwrap_or(match ci {
            Ci::Github => Updates::Dependabot,
            Ci::Gitlab | Ci::None => Updates::Renovate,
        }),
        ci_verify: draft.ci_verify.unwrap_or(false),
        private_index: draft.private_index,
        builder_digest: draft.builder_digest,
        runtime_digest: draft.runtime_digest,
        db_digest: draft.db_digest,
        drift_check: draft.drift_check.unwrap_or(true),
        app_env: draft.app_env.unwrap_or_default(),
        app_volumes: draft.app_volumes.unwrap_or_default(),
        labels: draft.labels.unwrap_or_default(),
    })
}

/// Every answer of a spec, the inverse of [`complete`].
pub fn draft_of(spec: &ProjectSpec) -> Draft {
    Draft {
        name: Some(spec.name.clone()),
        python: Some(spec.python),
        base: Some(spec.base),
        packaging: Some(spec.packaging),
        entrypoint: Some(spec.entrypoint.clone()),
        build_packages: Some(spec.build_packages.clone()),
        runtime_packages: Some(spec.runtime_packages.clone()),
        database: Some(spec.database),
        workload: Some(spec.workload),
        port: Some(spec.port),
        health_path: Some(spec.health_path.clone()),
        app_cpus: Some(spec.app_limits.cpus.clone()),
        app_memory: Some(spec.app_limits.memory.clone()),
        app_pids: Some(spec.app_limits.pids),
        db_cpus: Some(spec.db_limits.cpus.clone()),
        db_memory: Some(spec.db_limits.memory.clone()),
        db_pids: Some(spec.db_limits.pids),
        uid: Some(spec.uid),
        gid: Some(spec.gid),
        image: spec.image.clone(),
        ci: Some(spec.ci),
        scan_severity: Some(spec.scan_severity),
        signing: Some(spec.signing),
        updates: Some(spec.updates),
        ci_verify: Some(spec.ci_verify),
        private_index: spec.private_index.clone(),
        builder_digest: spec.builder_digest.clone(),
        runtime_digest: spec.runtime_digest.clone(),
        db_digest: spec.db_digest.clone(),
        drift_check: Some(spec.drift_check),
        app_env: Some(spec.app_env.clone()),
        app_volumes: Some(spec.app_volumes.clone()),
        labels: Some(spec.labels.clone()),
    }
}

/// The valid answers of the layers, each invalid one replaced by its default, with a problem
/// for each invalid item and the fields that had one.
fn validate(layers: &[Layer]) -> (Draft, Vec<Problem>, BTreeSet<Key>) {
    let fallback = defaults();
    let mut draft = Draft::default();
    let mut problems = Vec::new();
    let mut invalid = BTreeSet::new();
    for (key, (raw, layer)) in merge(layers) {
        if let Err(refused) = draft.apply(key, raw) {
            invalid.insert(key);
            for r in refused {
                problems.push(Problem::new(
                    layer.origin(key),
                    format!("{} = {}: {}", key.as_str(), crate::shown::value(&r.item), r.message),
                ));
            }
            // Judge the other answers' combinations on the default: every problem in one run.
            draft.clear(key);
            if let Some(default) = fallback.values.get(&key) {
                let _ = draft.apply(key, default);
            }
        }
    }
    (draft, problems, invalid)
}

/// The valid answers the layers give over the built-in defaults, invalid ones replaced by
/// their defaults: what the wizard judges candidate answers on before anything is final.
pub fn draft_unchecked(layers: &[Layer]) -> Draft {
    let all: Vec<Layer> = std::iter::once(defaults()).chain(layers.iter().cloned()).collect();
    validate(&all).0
}

/// The spec a draft describes, constraints unchecked; a missing name takes a placeholder.
pub fn complete_unchecked(mut draft: Draft, env: &Environment) -> Option<ProjectSpec> {
    if draft.name.is_none() && env.dir_name.as_deref().is_none_or(|d| value::project_name(d).is_err()) {
        draft.name = Some("project".into());
    }
    complete(draft, env).ok()
}

/// Validates the merged layers; reports every problem at once.
pub fn resolve(layers: &[Layer], env: &Environment) -> Result<Resolved, Vec<Problem>> {
    let merged = merge(layers);
    let (draft, mut problems, invalid) = validate(layers);
    let spec = match complete(draft, env) {
        Ok(spec) => spec,
        Err(missing) => {
            problems.extend(missing);
            return Err(problems);
        }
    };
    let origin = |key: Key| merged.get(&key).map_or_else(|| "answers".to_string(), |(_, layer)| layer.origin(key));
    for constraint in CONSTRAINTS {
        // A combination that involves an invalid value was judged on its default: not reported.
        if constraint.involves.iter().any(|k| invalid.contains(k)) {
            continue;
        }
        if let Some(message) = (constraint.check)(&spec) {
            problems.push(Problem::new(origin(constraint.blame), message));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut warnings = Vec::new();
    for field in FIELDS {
        let explicit = merged.get(&field.key).is_some_and(|(_, layer)| layer.source != Source::Defaults);
        if explicit && !field.applies.to(spec.workload, spec.database) {
            warnings.push(format!("{} {}", field.name, field.applies.ignored(spec.workload)));
        }
    }
    package_warnings(&spec, &mut warnings);
    if spec.base == Base::Alpine {
        if let Some(text) = &env.dependency_text {
            let found: Vec<&str> = GLIBC_WHEEL_PACKAGES.iter().copied().filter(|p| mentions_package(text, p)).collect();
            if !found.is_empty() {
                warnings.push(format!(
                    "base alpine (musl): {} publish mainly glibc (manylinux) wheels; on alpine they may build from source, slowly, needing extra build packages; base slim avoids this",
                    found.join(", ")
                ));
            }
        }
    }
    Ok(Resolved { spec, warnings })
}

/// Build packages that work but deserve a word.
fn package_warnings(spec: &ProjectSpec, warnings: &mut Vec<String>) {
    for package in &spec.build_packages {
        if packages::runtime_of(spec.base, package) == Runtime::Unknown {
            warnings.push(format!(
                "build package {} has no known runtime library; if the built extension links a shared library, add it with --runtime-packages",
                crate::shown::value(package)
            ));
        }
    }
    if spec.build_packages.iter().any(|p| p.contains("-dev")) && !packages::has_compiler(&spec.build_packages) {
        warnings.push("build_packages has headers but no compiler: add gcc (slim) or gcc and musl-dev (alpine) if dependencies build from source".into());
    }
}

/// Whether a requirements/pyproject text depends on `package` (a whole name, any case, `-`/`_` alike).
fn mentions_package(text: &str, package: &str) -> bool {
    let normal = |s: &str| s.to_ascii_lowercase().replace('_', "-");
    let package = normal(package);
    text.lines().any(|line| {
        let line = line.split('#').next().unwrap_or("").trim().trim_matches(|c| c == '"' || c == '\'' || c == ',');
        let name: String =
            line.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
        normal(&name) == package
            || line.starts_with(&format!("{package} ="))
            || line.starts_with(&format!("{package}="))
    })
}

/// The resolved answers in field order, for `berth.yml`: every answer that applies to the
/// project, so regenerating from it gives the same project and no warning.
pub fn answers_of(spec: &ProjectSpec) -> Vec<(Key, RawValue)> {
    let draft = draft_of(spec);
    FIELDS
        .iter()
        .filter(|f| f.applies.to(spec.workload, spec.database))
        .filter_map(|f| draft.extract(f.key).map(|value| (f.key, value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(source: Source, pairs: &[(&str, &str)]) -> Layer {
        let mut l = Layer::new(source);
        for (k, v) in pairs {
            l.set(k, RawValue::One(v.to_string())).unwrap();
        }
        l
    }

    fn env() -> Environment {
        Environment { dir_name: Some("etl".into()), dependency_text: None }
    }

    #[test]
    fn later_layers_win() {
        let layers = [
            defaults(),
            layer(Source::Preset("p".into()), &[("python", "3.12"), ("database", "postgres")]),
            layer(Source::AnswersFile("berth.yml".into()), &[("python", "3.11")]),
            layer(Source::Flags, &[("python", "3.14")]),
        ];
        let spec = resolve(&layers, &env()).unwrap().spec;
        assert_eq!(spec.python, Python::V3_14);
        assert_eq!(spec.database, Database::Postgres);
        assert_eq!(spec.name, "etl");
    }

    #[test]
    fn every_invalid_value_is_reported_once() {
        let layers =
            [defaults(), layer(Source::Flags, &[("python", "3.9"), ("port", "80"), ("base", "ubuntu"), ("uid", "0")])];
        let problems = resolve(&layers, &env()).unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().all(|p| p.source == "command line"));
    }

    #[test]
    fn distroless_needs_python_313() {
        let layers = [defaults(), layer(Source::Flags, &[("base", "distroless"), ("python", "3.11")])];
        let problems = resolve(&layers, &env()).unwrap_err();
        assert!(problems[0].message.contains("3.13"), "{problems:?}");
        let ok = [defaults(), layer(Source::Flags, &[("base", "distroless")])];
        let spec = resolve(&ok, &env()).unwrap().spec;
        assert_eq!(spec.uid, 65532);
    }

    #[test]
    fn distroless_refuses_runtime_libraries() {
        let mut flags = layer(Source::Flags, &[("base", "distroless")]);
        flags.set("build_packages", RawValue::List(vec!["gcc".into(), "libpq-dev".into()])).unwrap();
        let problems = resolve(&[defaults(), flags], &env()).unwrap_err();
        assert!(problems[0].message.contains("libpq5"), "{problems:?}");
    }

    #[test]
    fn dependabot_needs_github() {
        let layers = [defaults(), layer(Source::Flags, &[("ci", "gitlab"), ("updates", "dependabot")])];
        assert!(resolve(&layers, &env()).unwrap_err()[0].message.contains("renovate"));
        let derived = [defaults(), layer(Source::Flags, &[("ci", "gitlab")])];
        assert_eq!(resolve(&derived, &env()).unwrap().spec.updates, Updates::Renovate);
    }

    #[test]
    fn alpine_warns_about_glibc_wheels() {
        let layers = [defaults(), layer(Source::Flags, &[("base", "alpine")])];
        let env =
            Environment { dir_name: Some("etl".into()), dependency_text: Some("pandas==2.2.3\nrequests\n".into()) };
        let warnings = resolve(&layers, &env).unwrap().warnings;
        assert!(warnings.iter().any(|w| w.contains("pandas")), "{warnings:?}");
        assert!(!warnings.iter().any(|w| w.contains("requests")));
    }

    #[test]
    fn bad_directory_name_asks_for_name() {
        let env = Environment { dir_name: Some("My Project".into()), dependency_text: None };
        let problems = resolve(&[defaults()], &env).unwrap_err();
        assert!(problems[0].message.contains("--name"));
    }

    #[test]
    fn answers_round_trip() {
        let layers = [defaults(), layer(Source::Flags, &[("database", "postgres"), ("workload", "api")])];
        let spec = resolve(&layers, &env()).unwrap().spec;
        let mut again = Layer::new(Source::AnswersFile("berth.yml".into()));
        for (k, v) in answers_of(&spec) {
            again.put(k, v);
        }
        let regenerated = resolve(&[defaults(), again], &env()).unwrap();
        assert_eq!(regenerated.spec, spec);
        assert!(regenerated.warnings.is_empty(), "{:?}", regenerated.warnings);
    }

    #[test]
    fn answers_leave_out_what_does_not_apply() {
        let spec = resolve(&[defaults()], &env()).unwrap().spec;
        let keys: Vec<&str> = answers_of(&spec).iter().map(|(k, _)| k.as_str()).collect();
        for absent in ["port", "health_path", "db_cpus", "db_memory", "db_pids"] {
            assert!(!keys.contains(&absent), "{absent} written for a batch job without database: {keys:?}");
        }
        let mut again = Layer::new(Source::AnswersFile("berth.yml".into()));
        for (k, v) in answers_of(&spec) {
            again.put(k, v);
        }
        let regenerated = resolve(&[defaults(), again], &env()).unwrap();
        assert_eq!(regenerated.spec, spec);
        assert!(regenerated.warnings.is_empty(), "{:?}", regenerated.warnings);
    }

    #[test]
    fn answers_that_do_not_apply_are_reported_as_ignored() {
        let layers = [defaults(), layer(Source::Flags, &[("port", "9000"), ("db_memory", "2g")])];
        let warnings = resolve(&layers, &env()).unwrap().warnings;
        assert!(
            warnings.contains(&"port is only used by api workloads; it is ignored for batch".to_string()),
            "{warnings:?}"
        );
        assert!(warnings.contains(&"db_memory is ignored because database is none".to_string()), "{warnings:?}");
    }

    #[test]
    fn invalid_values_name_their_file_position() {
        let mut file = layer(Source::AnswersFile("berth.yml".into()), &[("app_memory", "é")]);
        file.positions.insert(Key::AppMemory, (4, 13));
        let problems = resolve(&[defaults(), file], &env()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().starts_with("berth.yml:4:13: app_memory = \"é\": use a whole number"),
            "{}",
            problems[0]
        );
    }
}
