//! Specs of the question flow, answered by the scripted prompter: which questions are asked for
//! which earlier answers, what is offered, and that refused answers are asked again.

use super::scripted::{Reply::*, Scripted};
use super::{ask, settled_problems, Answers, Start, WizardError};
use crate::presets;
use crate::spec::{self, Base, Ci, Database, Layer, ProjectSpec, RawValue, Signing, Source, Updates};

/// The layers `berth new` gathers: defaults, `--preset`, DIR/berth.yml, flags.
struct Given {
    layers: Vec<Layer>,
}

impl Given {
    fn nothing() -> Self {
        Given { layers: vec![spec::defaults(), Layer::new(Source::Flags)] }
    }

    fn preset(mut self, name: &str) -> Self {
        let at = self.layers.len() - 1;
        for (i, layer) in presets::load(name).unwrap().into_iter().enumerate() {
            self.layers.insert(at + i, layer);
        }
        self
    }

    fn berth_yml(mut self, pairs: &[(&str, &str)]) -> Self {
        let at = self.layers.len() - 1;
        self.layers.insert(at, layer(Source::AnswersFile("berth.yml".into()), pairs));
        self
    }

    fn flags(mut self, pairs: &[(&str, &str)]) -> Self {
        let flags = self.layers.last_mut().unwrap();
        for (key, value) in pairs {
            flags.set(key, RawValue::One(value.to_string())).unwrap();
        }
        self
    }

    fn ask(&self, script: &mut Scripted) -> Result<Answers, WizardError> {
        ask(script, &Start { layers: &self.layers, environment: &env() })
    }

    /// Runs the wizard and resolves its answers as `berth new` does.
    fn answer(&self, script: &mut Scripted) -> (ProjectSpec, Answers) {
        let answers = self.ask(script).unwrap_or_else(|e| panic!("{e}: {:#?}", script.transcript));
        assert!(
            script.unused().is_empty(),
            "replies for questions never asked: {:?}\n{:#?}",
            script.unused(),
            script.transcript
        );
        (resolve(&answers.layered(&self.layers)), answers)
    }
}

fn layer(source: Source, pairs: &[(&str, &str)]) -> Layer {
    let mut layer = Layer::new(source);
    for (key, value) in pairs {
        layer.set(key, RawValue::One(value.to_string())).unwrap();
    }
    layer
}

fn env() -> spec::Environment {
    spec::Environment { dir_name: Some("etl".into()), dependency_text: None }
}

fn resolve(layers: &[Layer]) -> ProjectSpec {
    spec::resolve(layers, &env()).unwrap_or_else(|p| panic!("{p:?}")).spec
}

#[test]
fn mashing_enter_takes_the_recommended_preset_as_y_would() {
    let (spec, answers) = Given::nothing().answer(&mut Scripted::new());
    let y = resolve(&Given::nothing().preset(presets::RECOMMENDED).layers);
    assert_eq!(spec, y);
    assert_eq!(answers.preset.as_deref(), Some(presets::RECOMMENDED));
    assert_eq!(
        answers.asked,
        [
            "preset",
            "name",
            "python",
            "packaging",
            "entrypoint",
            "ci",
            "image",
            "scan_severity",
            "signing",
            "updates",
            "private_index"
        ],
        "what the preset settles (base, database, workload, build packages) is not asked"
    );
}

#[test]
fn from_scratch_every_question_is_asked() {
    let mut script = Scripted::new().on("preset", Pick("start from scratch")).on("Change limits", Yes);
    let (spec, answers) = Given::nothing().answer(&mut script);
    assert_eq!(spec, resolve(&Given::nothing().layers), "built-in defaults");
    for key in [
        "name",
        "base",
        "python",
        "packaging",
        "database",
        "workload",
        "entrypoint",
        "build_packages",
        "app_cpus",
        "app_memory",
        "app_pids",
        "ci",
        "image",
        "scan_severity",
        "signing",
        "updates",
        "private_index",
    ] {
        assert!(answers.asked.contains(&key), "{key} not asked: {:?}", answers.asked);
    }
    for key in ["port", "health_path", "db_cpus"] {
        assert!(!answers.asked.contains(&key), "{key} asked for a batch job without database");
    }
}

#[test]
fn distroless_skips_python_and_build_packages() {
    let mut script = Scripted::new()
        .on("preset", Pick("start from scratch"))
        .on("Runtime base", Pick("distroless"))
        .on("Database", Pick("none"));
    let (spec, answers) = Given::nothing().answer(&mut script);
    assert_eq!((spec.base, spec.python.as_str(), spec.uid), (Base::Distroless, "3.13", 65532));
    assert_eq!(spec.database, Database::None);
    assert!(!script.asked("Python version") && !script.asked("Build packages"), "{:#?}", script.transcript);
    assert!(!answers.asked.contains(&"python"));
}

#[test]
fn distroless_is_not_offered_with_a_python_it_does_not_ship() {
    let mut script = Scripted::new().on("preset", Pick("start from scratch"));
    let (spec, _) = Given::nothing().flags(&[("python", "3.12")]).answer(&mut script);
    assert_eq!(script.offered("Runtime base"), ["slim", "alpine"]);
    assert!(!script.asked("Python"), "a flag settles python");
    assert_eq!(spec.python, spec::Python::V3_12);
}

#[test]
fn flags_are_never_asked_and_always_win() {
    let given =
        Given::nothing().preset("api-service").flags(&[("database", "mariadb"), ("ci", "gitlab"), ("name", "svc")]);
    let mut script = Scripted::new().on("Database", Pick("postgres"));
    let answers = given.ask(&mut script).unwrap();
    assert_eq!(script.unused(), ["Database"], "the database question is not asked");
    let spec = resolve(&answers.layered(&given.layers));
    assert_eq!((spec.database, spec.ci, spec.name.as_str()), (Database::Mariadb, Ci::Gitlab, "svc"));
    assert!(
        !script.asked("preset") && !script.asked("Project name") && !script.asked("CI pipeline"),
        "{:#?}",
        script.transcript
    );
    assert_eq!(script.offered("update bot"), ["renovate", "none"], "dependabot runs only on GitHub");
    assert_eq!(spec.updates, Updates::Renovate);
}

#[test]
fn an_invalid_name_is_asked_again_with_the_reason() {
    let mut script = Scripted::new().on("Project name", Type("My Project")).on("Project name", Type("sales-etl"));
    let (spec, _) = Given::nothing().answer(&mut script);
    assert_eq!(spec.name, "sales-etl");
    let refused: Vec<&String> = script.transcript.iter().filter(|l| l.starts_with("! ")).collect();
    assert_eq!(refused.len(), 1, "{:#?}", script.transcript);
    assert!(refused[0].contains("lowercase letters"), "{refused:?}");
}

#[test]
fn an_api_asks_its_port_and_refuses_privileged_ones() {
    let mut script = Scripted::new()
        .on("preset", Pick("start from scratch"))
        .on("Workload", Pick("api"))
        .on("port", Type("80"))
        .on("port", Type("8080"));
    let (spec, answers) = Given::nothing().answer(&mut script);
    assert_eq!(spec.port, 8080);
    assert!(
        script.transcript.iter().any(|l| l.starts_with("! ") && l.contains("below 1024")),
        "{:#?}",
        script.transcript
    );
    assert!(answers.asked.contains(&"health_path"));
    assert_eq!(spec.entrypoint, spec::Entrypoint::Script("src/app.py".into()), "an api's default entrypoint");
}

#[test]
fn without_ci_there_is_nothing_to_sign_scan_or_push() {
    let mut script = Scripted::new().on("preset", Pick("minimal")).on("CI", Pick("none"));
    let (spec, _) = Given::nothing().answer(&mut script);
    assert_eq!((spec.ci, spec.signing), (Ci::None, Signing::None));
    for prompt in ["Image repository", "scan", "signing"] {
        assert!(!script.asked(prompt), "{prompt} asked without CI");
    }
    assert_eq!(script.offered("update bot"), ["renovate", "none"]);
}

#[test]
fn verify_in_ci_is_one_yes_no_with_a_ci() {
    let mut script =
        Scripted::new().on("preset", Pick("minimal")).on("More options?", Yes).on("Prove the controls", Yes);
    let (spec, answers) = Given::nothing().answer(&mut script);
    assert!(spec.ci_verify && answers.asked.contains(&"ci_verify"));
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        script.asked(&format!("Prove the controls in CI with berth verify (installs berth {version})?")),
        "{:#?}",
        script.transcript
    );
    // Enter keeps the default: off, whether "More options?" is opened or not.
    let (spec, _) = Given::nothing().answer(&mut Scripted::new().on("preset", Pick("minimal")));
    assert!(!spec.ci_verify);
    let script = &mut Scripted::new().on("preset", Pick("minimal")).on("More options?", Yes);
    let (spec, _) = Given::nothing().answer(script);
    assert!(!spec.ci_verify && script.asked("Prove the controls"));
}

#[test]
fn without_ci_verify_in_ci_is_not_asked_and_an_old_yes_is_dropped() {
    let given = Given::nothing().berth_yml(&[("ci_verify", "true")]);
    let mut script = Scripted::new().on("CI", Pick("none")).on("More options?", Yes);
    let (spec, _) = given.answer(&mut script);
    assert!(!script.asked("Prove the controls"), "{:#?}", script.transcript);
    assert_eq!((spec.ci, spec.ci_verify), (Ci::None, false));
    // berth.yml's yes is the default with a CI.
    let (spec, _) = given.answer(&mut Scripted::new());
    assert!(spec.ci_verify);
}

#[test]
fn a_settled_ci_verify_keeps_ci_on_offer() {
    let mut script = Scripted::new().on("preset", Pick("minimal")).on("More options?", Yes);
    let (spec, _) = Given::nothing().flags(&[("ci_verify", "yes")]).answer(&mut script);
    assert_eq!(script.offered("CI pipeline"), ["github", "gitlab"]);
    assert!(spec.ci_verify && !script.asked("Prove the controls"), "a flag settles it");
}

#[test]
fn a_settled_cosign_keeps_ci_on_offer() {
    let mut script = Scripted::new().on("preset", Pick("minimal"));
    Given::nothing().flags(&[("signing", "cosign")]).answer(&mut script);
    assert_eq!(script.offered("CI pipeline"), ["github", "gitlab"]);
}

#[test]
fn berth_yml_gives_defaults_that_can_be_changed_or_emptied() {
    let given = Given::nothing().berth_yml(&[("name", "old"), ("database", "postgres"), ("image", "ghcr.io/acme/old")]);
    let mut script = Scripted::new().on("Image repository", Type("-")).on("Workload", Pick("api"));
    let (spec, answers) = given.answer(&mut script);
    assert!(!answers.asked.contains(&"preset"), "the project's own answers say where to start");
    assert!(script.asked("Project name") && script.asked("Database"), "berth.yml values are defaults, not settled");
    assert_eq!((spec.name.as_str(), spec.database, spec.image.as_deref()), ("old", Database::Postgres, None));
    assert!(script.asked("Image repository (- for ghcr.io/OWNER/REPO)"), "{:#?}", script.transcript);
    assert!(spec.is_api());
}

#[test]
fn build_packages_are_ticked_or_typed_in_the_base_family() {
    let mut script = Scripted::new()
        .on("preset", Pick("start from scratch"))
        .on("Runtime base", Pick("alpine"))
        .on("Database", Pick("postgres"))
        .on("Build packages", Check(vec!["gcc", "musl-dev", "postgresql-dev"]))
        .on("Other build packages", Type("libssl-dev"))
        .on("Other build packages", Type("openssl-dev, make"));
    let (spec, _) = Given::nothing().answer(&mut script);
    assert_eq!(spec.build_packages, ["gcc", "musl-dev", "postgresql-dev", "openssl-dev", "make"]);
    assert!(
        script
            .transcript
            .iter()
            .any(|l| l.contains("\"libssl-dev\" is a Debian package name; base alpine uses \"openssl-dev\"")),
        "{:#?}",
        script.transcript
    );
    assert!(script.offered("Build packages").contains(&"mariadb-dev"));
}

#[test]
fn resource_limits_are_one_question_unless_wanted() {
    let mut script = Scripted::new()
        .on("preset", Pick("start from scratch"))
        .on("Database", Pick("postgres"))
        .on("Change limits", Yes)
        .on("App memory", Type("2 gigs"))
        .on("App memory", Type("3g"))
        .on("Database CPU", Type("0.5"));
    let (spec, _) = Given::nothing().answer(&mut script);
    assert_eq!((spec.app_limits.memory.as_str(), spec.db_limits.cpus.as_str()), ("3g", "0.5"));
    assert!(script.asked("Change limits? app 1.0 cpu 1g 256 pids, db 1.0 cpu 1g 512 pids"), "{:#?}", script.transcript);
}

#[test]
fn saying_no_to_the_limits_keeps_them() {
    let mut script = Scripted::new().on("Change limits", No);
    let (spec, _) = Given::nothing().answer(&mut script);
    assert_eq!(spec.app_limits.memory, "2g", "the preset's limit");
    assert!(!script.asked("App CPU limit"));
}

#[test]
fn cancelling_stops_at_once() {
    let mut script = Scripted::new().on("preset", Pick("start from scratch")).on("Database", Cancel);
    assert!(matches!(Given::nothing().ask(&mut script), Err(WizardError::Cancelled)));
    assert!(!script.asked("Workload"));
}

#[test]
fn invalid_flags_are_reported_before_any_question() {
    let given = Given::nothing().flags(&[("python", "3.9"), ("name", "ok")]);
    let problems = settled_problems(&given.layers, &env());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].to_string().starts_with("command line: python = \"3.9\""), "{}", problems[0]);
}

#[test]
fn settled_answers_that_cannot_combine_are_reported_before_any_question() {
    let given = Given::nothing().preset("distroless-batch").flags(&[("python", "3.12"), ("name", "ok")]);
    let problems = settled_problems(&given.layers, &env());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].to_string().starts_with("command line: python = \"3.12\" cannot be combined"),
        "{}",
        problems[0]
    );
    // An open field that can still fit is no problem: the wizard offers only what fits.
    let given = Given::nothing().flags(&[("signing", "cosign"), ("updates", "dependabot")]);
    assert!(settled_problems(&given.layers, &env()).is_empty());
    let given = Given::nothing().flags(&[("ci", "none"), ("signing", "cosign")]);
    assert_eq!(settled_problems(&given.layers, &env()).len(), 1);
}

#[test]
fn an_entrypoint_through_a_managed_file_is_asked_again() {
    let mut script = Scripted::new()
        .on("Entrypoint", Type("docker-compose.prod.yml/x.py"))
        .on("Entrypoint", Type("secrets/job.py"))
        .on("Entrypoint", Type("src/job.py"));
    let (spec, _) = Given::nothing().answer(&mut script);
    assert_eq!(spec.entrypoint, spec::Entrypoint::Script("src/job.py".into()));
    let refused: Vec<&String> = script.transcript.iter().filter(|l| l.starts_with("! ")).collect();
    assert_eq!(refused.len(), 2, "{:#?}", script.transcript);
    assert!(refused[0].contains("runs through docker-compose.prod.yml"), "{refused:?}");
}

#[test]
fn settled_build_packages_keep_distroless_off_the_list() {
    let mut script = Scripted::new().on("preset", Pick("start from scratch"));
    let mut given = Given::nothing();
    given
        .layers
        .last_mut()
        .unwrap()
        .put(spec::Key::BuildPackages, RawValue::List(vec!["gcc".into(), "libpq-dev".into()]));
    given.answer(&mut script);
    assert_eq!(script.offered("Runtime base"), ["slim", "alpine"]);
}

#[test]
fn runtime_packages_from_berth_yml_are_dropped_on_distroless() {
    let given = Given::nothing().berth_yml(&[("runtime_packages", "curl"), ("build_packages", "gcc, libpq-dev")]);
    let mut script = Scripted::new().on("Runtime base", Pick("distroless"));
    let (spec, _) = given.answer(&mut script);
    assert_eq!(spec.base, Base::Distroless);
    assert!(spec.runtime_packages.is_empty());
    assert_eq!(spec.build_packages, ["gcc"]);
}

/// Every typed question of the wizard, with the answers that lead to it.
const TYPED_QUESTIONS: &[&str] = &[
    "Project name",
    "Container port",
    "Health check path",
    "Entrypoint",
    "Other build packages",
    "App CPU limit",
    "App memory limit",
    "App process limit",
    "Database CPU limit",
    "Database memory limit",
    "Database process limit",
    "Image repository",
    "Private package index",
];

#[test]
fn hostile_answers_are_refused_or_taken_never_a_panic() {
    use crate::spec::payloads::{is_safe_to_show, payloads};
    for payload in payloads() {
        let typed: &'static str = Box::leak(payload.clone().into_boxed_str());
        for question in TYPED_QUESTIONS {
            let mut script = Scripted::new()
                .on("preset", Pick("start from scratch"))
                .on("Database", Pick("postgres"))
                .on("Workload", Pick("api"))
                .on("Change limits", Yes)
                .on(question, Type(typed))
                .on(question, Enter);
            let answers = Given::nothing()
                .ask(&mut script)
                .unwrap_or_else(|e| panic!("{question} with {}: {e}", crate::shown::value(&payload)));
            let layers = answers.layered(&Given::nothing().layers);
            if let Err(problems) = spec::resolve(&layers, &env()) {
                panic!(
                    "{question} with {}: the wizard took an answer the resolver refuses: {problems:?}",
                    crate::shown::value(&payload)
                );
            }
            for line in script.transcript.iter().filter(|l| l.starts_with("! ")) {
                assert!(is_safe_to_show(line), "{question}: {}", crate::shown::value(line));
                assert!(line.len() < 2_000, "{question}: {} bytes", line.len());
            }
        }
        // The same payload as a flag or a berth.yml default for every field.
        for field in spec::fields::FIELDS {
            let value = RawValue::One(payload.clone());
            let mut flagged = Given::nothing();
            flagged.layers.last_mut().unwrap().put(field.key, value.clone());
            let _ = settled_problems(&flagged.layers, &env());
            let mut from_file = Given::nothing();
            let mut berth = Layer::new(Source::AnswersFile("berth.yml".into()));
            berth.put(field.key, value);
            from_file.layers.insert(1, berth);
            from_file.ask(&mut Scripted::new()).unwrap_or_else(|e| panic!("{}: {e}", field.name));
        }
    }
}

#[test]
fn presets_that_cannot_combine_with_the_flags_are_not_offered() {
    let mut script = Scripted::new().on("preset", Pick("start from scratch"));
    Given::nothing().flags(&[("base", "distroless")]).answer(&mut script);
    let offered = script.offered("Start from a preset");
    assert!(!offered.contains(&"postgres-etl") && !offered.contains(&"mariadb-etl"), "{offered:?}");
    assert!(offered.contains(&"distroless-batch") && offered.contains(&"minimal"), "{offered:?}");
}

#[test]
fn more_options_ask_the_drift_check_and_the_extension_points() {
    let mut script = Scripted::new()
        .on("More options?", Yes)
        .on("Fail CI when the files drift", No)
        .on("Extra environment variables", Type("PASSWORD=x"))
        .on("Extra environment variables", Type("LOG_FORMAT=json, TZ=UTC"))
        .on("Extra mounts", Type("./config:/etc/app, cache:/var/cache/app"))
        .on("Extra image labels", Type("org.example.team=data"));
    let (spec, answers) = Given::nothing().answer(&mut script);
    assert!(!spec.drift_check);
    assert_eq!(spec.app_env, ["LOG_FORMAT=json", "TZ=UTC"]);
    assert_eq!(spec.app_volumes, ["./config:/etc/app", "cache:/var/cache/app"]);
    assert_eq!(spec.labels, ["org.example.team=data"]);
    assert!(
        script.transcript.iter().any(|l| l.starts_with("! ") && l.contains("credential")),
        "{:#?}",
        script.transcript
    );
    for key in ["drift_check", "app_env", "app_volumes", "labels"] {
        assert!(answers.asked.contains(&key), "{key}: {:?}", answers.asked);
    }
}

#[test]
fn more_options_are_one_question_and_skipped_by_default() {
    let mut script = Scripted::new();
    let (spec, answers) = Given::nothing().answer(&mut script);
    assert!(script.asked("More options?") && !script.asked("Extra mounts"), "{:#?}", script.transcript);
    assert!(spec.drift_check && spec.app_env.is_empty());
    assert!(!answers.asked.contains(&"app_env"));
    let mut script = Scripted::new().on("More options?", Yes);
    let given = Given::nothing().flags(&[("app_env", "A=1"), ("ci", "none"), ("signing", "none"), ("updates", "none")]);
    given.answer(&mut script);
    assert!(!script.asked("Fail CI when") && !script.asked("Extra environment"), "{:#?}", script.transcript);
    assert!(script.asked("Extra mounts"), "{:#?}", script.transcript);
}
