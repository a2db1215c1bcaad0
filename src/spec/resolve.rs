//! Layering and validation: defaults < preset < answers file < flags, into one `ProjectSpec`.

use std::collections::BTreeMap;

use super::fields::{self, FIELDS};
use super::layer::{Layer, Problem, RawValue, Source};
use super::model::*;
use super::packages::{self, Runtime};
use super::value;

/// Built-in defaults: a slim batch pipeline with no database, built and signed on GitHub.
pub fn defaults() -> Layer {
    let mut layer = Layer::new(Source::Defaults);
    for (key, value) in [
        ("python", "3.13"),
        ("base", "slim"),
        ("packaging", "requirements"),
        ("database", "none"),
        ("workload", "batch"),
        ("port", "8000"),
        ("health_path", "/healthz"),
        ("app_cpus", "1.0"),
        ("app_memory", "1g"),
        ("app_pids", "256"),
        ("db_cpus", "1.0"),
        ("db_memory", "1g"),
        ("db_pids", "512"),
        ("ci", "github"),
        ("scan_severity", "high"),
    ] {
        layer.set(key, RawValue::One(value.into())).expect("default keys are fields");
    }
    layer.set("build_packages", RawValue::List(vec![])).expect("field");
    layer.set("runtime_packages", RawValue::List(vec![])).expect("field");
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

struct Merged<'a> {
    values: BTreeMap<&'static str, (&'a RawValue, &'a Source)>,
}

impl<'a> Merged<'a> {
    fn new(layers: &'a [Layer]) -> Self {
        let mut values = BTreeMap::new();
        for layer in layers {
            for (key, value) in &layer.values {
                values.insert(*key, (value, &layer.source));
            }
        }
        Merged { values }
    }

    fn explicit(&self, key: &str) -> bool {
        self.values.get(key).is_some_and(|(_, source)| **source != Source::Defaults)
    }
}

/// Validates the merged layers; reports every problem at once.
pub fn resolve(layers: &[Layer], env: &Environment) -> Result<Resolved, Vec<Problem>> {
    let merged = Merged::new(layers);
    let mut problems = Vec::new();
    let mut valid: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut invalid: Vec<&'static str> = Vec::new();

    for field in FIELDS {
        let Some((raw, source)) = merged.values.get(field.key) else { continue };
        let items = if field.is_list() {
            raw.items()
        } else {
            match raw {
                RawValue::One(s) => vec![s.clone()],
                RawValue::List(_) => {
                    problems.push(Problem {
                        source: source.to_string(),
                        message: format!("{}: expected one value, found a list", field.key),
                    });
                    continue;
                }
            }
        };
        let mut parsed = Vec::new();
        for item in &items {
            match (field.parse)(item) {
                Ok(v) => parsed.push(v),
                Err(message) => {
                    invalid.push(field.key);
                    problems.push(Problem {
                        source: source.to_string(),
                        message: format!("{} = {item:?}: {message}", field.key),
                    })
                }
            }
        }
        if !field.is_list() && parsed.first().is_some_and(|v| v.is_empty()) {
            continue;
        }
        valid.insert(field.key, parsed);
    }

    // An invalid value is replaced by its default so the combinations of the other answers can
    // still be checked: every problem is reported in one run.
    let fallback = defaults();
    for key in &invalid {
        match fallback.values.get(key) {
            Some(RawValue::One(v)) => {
                valid.insert(key, vec![v.clone()]);
            }
            Some(RawValue::List(_)) => {
                valid.insert(key, Vec::new());
            }
            None => {
                valid.remove(key);
            }
        }
    }
    let one = |key: &str| valid.get(key).and_then(|v| v.first()).cloned();
    let list = |key: &str| valid.get(key).cloned().unwrap_or_default();

    let name = match one("name") {
        Some(name) => Some(name),
        None if merged.values.contains_key("name") => None,
        None => match env.dir_name.as_deref().map(value::project_name) {
            Some(Ok(name)) => Some(name),
            Some(Err(_)) => {
                problems.push(Problem {
                    source: "name".into(),
                    message: format!(
                        "missing: the directory name {:?} is not a valid project name; pass --name (lowercase letters, digits, '-' or '_')",
                        env.dir_name.as_deref().unwrap_or_default()
                    ),
                });
                None
            }
            None => {
                problems.push(Problem { source: "name".into(), message: "missing: pass --name".into() });
                None
            }
        },
    };

    // Every required field has a default, so anything missing now was already reported.
    let required =
        ["python", "base", "packaging", "database", "workload", "port", "health_path", "ci", "scan_severity"];
    if required.iter().any(|k| one(k).is_none()) {
        if problems.is_empty() {
            problems.push(Problem { source: "answers".into(), message: "some required answers are missing".into() });
        }
        return Err(problems);
    }

    let base = Base::from_valid(&one("base").unwrap());
    let workload = Workload::from_valid(&one("workload").unwrap());
    let ci = Ci::from_valid(&one("ci").unwrap());
    let limits = |prefix: &str| -> Option<Limits> {
        Some(Limits {
            cpus: one(&format!("{prefix}_cpus"))?,
            memory: one(&format!("{prefix}_memory"))?,
            pids: one(&format!("{prefix}_pids"))?.parse().ok()?,
        })
    };
    let (Some(app_limits), Some(db_limits)) = (limits("app"), limits("db")) else {
        return Err(vec![Problem { source: "answers".into(), message: "resource limits are missing".into() }]);
    };
    let default_uid = if base == Base::Distroless { "65532".to_string() } else { "10001".to_string() };
    let uid: u32 = one("uid").unwrap_or(default_uid).parse().expect("validated");
    let gid: u32 = one("gid").map_or(uid, |g| g.parse().expect("validated"));
    let entrypoint = Entrypoint::parse_valid(&one("entrypoint").unwrap_or_else(|| match workload {
        Workload::Batch => "src/pipeline.py".into(),
        Workload::Api => "src/app.py".into(),
    }));
    let signing = one("signing")
        .map_or(if ci == Ci::None { Signing::None } else { Signing::Cosign }, |s| Signing::from_valid(&s));
    let updates = one("updates").map_or(
        match ci {
            Ci::Github => Updates::Dependabot,
            Ci::Gitlab | Ci::None => Updates::Renovate,
        },
        |s| Updates::from_valid(&s),
    );

    let spec = ProjectSpec {
        name: name.unwrap_or_default(),
        python: one("python").unwrap(),
        base,
        packaging: Packaging::from_valid(&one("packaging").unwrap()),
        entrypoint,
        build_packages: list("build_packages"),
        runtime_packages: list("runtime_packages"),
        database: Database::from_valid(&one("database").unwrap()),
        workload,
        port: one("port").unwrap().parse().expect("validated"),
        health_path: one("health_path").unwrap(),
        app_limits,
        db_limits,
        uid,
        gid,
        image: one("image"),
        ci,
        scan_severity: Severity::from_valid(&one("scan_severity").unwrap()),
        signing,
        updates,
        private_index: one("private_index"),
        builder_digest: one("builder_digest"),
        runtime_digest: one("runtime_digest"),
        db_digest: one("db_digest"),
    };

    let source_of = |key: &str| merged.values.get(key).map_or_else(|| "answers".to_string(), |(_, s)| s.to_string());
    let mut warnings = Vec::new();
    let mut combination_problems = Vec::new();
    check_combinations(&spec, &source_of, &mut combination_problems, &mut warnings);
    // A combination that involves an invalid value was judged on its default: not reported.
    problems.extend(combination_problems.into_iter().filter(|(key, _)| !invalid.contains(key)).map(|(_, p)| p));
    if !problems.is_empty() {
        return Err(problems);
    }

    if spec.workload == Workload::Batch {
        for key in ["port", "health_path"] {
            if merged.explicit(key) {
                warnings.push(format!("{key} is only used by api workloads; it is ignored for batch"));
            }
        }
    }
    if !spec.has_db() {
        for key in ["db_cpus", "db_memory", "db_pids", "db_digest"] {
            if merged.explicit(key) {
                warnings.push(format!("{key} is ignored because database is none"));
            }
        }
    }
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

/// Problems come with the key they are about (and the other keys they involve are valid).
fn check_combinations(
    spec: &ProjectSpec,
    source_of: &dyn Fn(&str) -> String,
    problems: &mut Vec<(&'static str, Problem)>,
    warnings: &mut Vec<String>,
) {
    let mut problem =
        |key: &'static str, message: String| problems.push((key, Problem { source: source_of(key), message }));

    if spec.base == Base::Distroless && spec.python != "3.13" {
        problem(
            "python",
            format!(
                "python = \"{}\" cannot be combined with base distroless: gcr.io/distroless/python3-debian13 ships only Python 3.13; use --python 3.13, or --base slim to keep Python {}",
                spec.python, spec.python
            ),
        );
    }

    let mut runtime_libs = Vec::new();
    for package in &spec.build_packages {
        match packages::runtime_of(spec.base, package) {
            Runtime::BuildOnly => {}
            Runtime::Library(lib) => runtime_libs.push(lib),
            Runtime::WrongDistro(alpine) => problem(
                "build_packages",
                format!("build_packages: {package:?} is a Debian package name; base alpine uses {alpine:?}"),
            ),
            Runtime::Unknown => warnings.push(format!(
                "build package {package:?} has no known runtime library; if the built extension links a shared library, add it with --runtime-packages"
            )),
        }
    }
    if !spec.build_packages.is_empty()
        && spec.build_packages.iter().any(|p| p.contains("-dev"))
        && !packages::has_compiler(&spec.build_packages)
    {
        warnings.push("build_packages has headers but no compiler: add gcc (slim) or gcc and musl-dev (alpine) if dependencies build from source".into());
    }
    if spec.base == Base::Distroless && (!runtime_libs.is_empty() || !spec.runtime_packages.is_empty()) {
        let mut libs: Vec<&str> = runtime_libs.clone();
        libs.extend(spec.runtime_packages.iter().map(String::as_str));
        problem(
            "base",
            format!(
                "base distroless has no package manager, so the runtime libraries {} cannot be installed; use wheels that bundle their libraries (psycopg[binary], mysqlclient wheels) and drop the -dev build packages, or use --base slim",
                libs.join(", ")
            ),
        );
    }
    if spec.updates == Updates::Dependabot && spec.ci != Ci::Github {
        problem(
            "updates",
            format!(
                "updates = \"dependabot\" runs only on GitHub, but ci = \"{}\"; use --updates renovate (or none)",
                spec.ci
            ),
        );
    }
    if spec.signing == Signing::Cosign && spec.ci == Ci::None {
        problem("signing", "signing = \"cosign\" signs images in CI, but ci = \"none\"; choose --ci github or gitlab, or --signing none".into());
    }
}

/// The resolved answers as YAML values in field order, for `berth.yml`.
pub fn answers_of(spec: &ProjectSpec) -> Vec<(&'static str, RawValue)> {
    let one = |s: &str| RawValue::One(s.to_string());
    let mut out = Vec::new();
    for field in FIELDS {
        let value = match field.key {
            "name" => Some(one(&spec.name)),
            "python" => Some(one(&spec.python)),
            "base" => Some(one(spec.base.as_str())),
            "packaging" => Some(one(spec.packaging.as_str())),
            "entrypoint" => Some(one(&match &spec.entrypoint {
                Entrypoint::Script(s) | Entrypoint::Module(s) => s.clone(),
            })),
            "build_packages" => Some(RawValue::List(spec.build_packages.clone())),
            "runtime_packages" => Some(RawValue::List(spec.runtime_packages.clone())),
            "database" => Some(one(spec.database.as_str())),
            "workload" => Some(one(spec.workload.as_str())),
            "port" => Some(one(&spec.port.to_string())),
            "health_path" => Some(one(&spec.health_path)),
            "app_cpus" => Some(one(&spec.app_limits.cpus)),
            "app_memory" => Some(one(&spec.app_limits.memory)),
            "app_pids" => Some(one(&spec.app_limits.pids.to_string())),
            "db_cpus" => Some(one(&spec.db_limits.cpus)),
            "db_memory" => Some(one(&spec.db_limits.memory)),
            "db_pids" => Some(one(&spec.db_limits.pids.to_string())),
            "uid" => Some(one(&spec.uid.to_string())),
            "gid" => Some(one(&spec.gid.to_string())),
            "image" => spec.image.as_deref().map(one),
            "ci" => Some(one(spec.ci.as_str())),
            "scan_severity" => Some(one(spec.scan_severity.as_str())),
            "signing" => Some(one(spec.signing.as_str())),
            "updates" => Some(one(spec.updates.as_str())),
            "private_index" => spec.private_index.as_deref().map(one),
            "builder_digest" => spec.builder_digest.as_deref().map(one),
            "runtime_digest" => spec.runtime_digest.as_deref().map(one),
            "db_digest" => spec.db_digest.as_deref().map(one),
            other => unreachable!("field {other} has no answer mapping"),
        };
        if let Some(value) = value {
            out.push((field.key, value));
        }
    }
    debug_assert!(out.iter().all(|(k, _)| fields::field(k).is_some()));
    out
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
        assert_eq!(spec.python, "3.14");
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
            again.set(k, v).unwrap();
        }
        assert_eq!(resolve(&[defaults(), again], &env()).unwrap().spec, spec);
    }
}
