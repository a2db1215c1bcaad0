//! The question flow: which questions to ask for the answers so far, offering only choices that
//! combine with them, with defaults from the preset or DIR/berth.yml.
//!
//! A field that a flag or a preset settled is never asked (a flag always wins). Every typed
//! answer goes through the field's own validator, the one flags and files use; the final check
//! is the normal `spec::resolve` over the layers, with the wizard's answers just below the flags.

use super::choices::{self, Choice};
use super::prompter::{Prompter, WizardError};
use super::state::State;
use crate::presets;
use crate::spec::packages::{self, Runtime};
use crate::spec::{fields, value, Base, Layer, Problem, RawValue, Source};

/// What the wizard starts from.
pub struct Start<'a> {
    /// The layers gathered from defaults, `--preset`, DIR/berth.yml and flags.
    pub layers: &'a [Layer],
    /// The target directory's name: the default project name when it is a valid one.
    pub dir_name: Option<&'a str>,
}

/// What the wizard adds to the gathered layers.
#[derive(Debug)]
pub struct Answers {
    /// The preset picked in the wizard, if any, and its layers.
    pub preset: Option<String>,
    pub preset_layers: Vec<Layer>,
    /// The answers given, as a `Source::Wizard` layer.
    pub layer: Layer,
    /// Optional fields the person emptied.
    pub cleared: Vec<&'static str>,
    /// The questions asked, by field key (`preset` for the preset), in order.
    pub asked: Vec<&'static str>,
}

impl Answers {
    /// The gathered layers with the picked preset just above the defaults and the wizard's
    /// answers just below the flags: defaults < preset < berth.yml < wizard < flags.
    pub fn layered(&self, gathered: &[Layer]) -> Vec<Layer> {
        let mut layers = below(gathered, &self.preset_layers);
        for layer in &mut layers {
            if matches!(layer.source, Source::Defaults | Source::AnswersFile(_)) {
                layer.values.retain(|key, _| !self.cleared.contains(key));
            }
        }
        layers.push(self.layer.clone());
        layers.extend(gathered.iter().filter(|l| l.source == Source::Flags).cloned());
        layers
    }
}

/// The layers below the wizard: everything but the flags, with `preset` after the defaults.
fn below(gathered: &[Layer], preset: &[Layer]) -> Vec<Layer> {
    let mut layers = Vec::new();
    for layer in gathered.iter().filter(|l| l.source != Source::Flags) {
        layers.push(layer.clone());
        if layer.source == Source::Defaults {
            layers.extend(preset.iter().cloned());
        }
    }
    layers
}

/// Flag values that fail their field's validator: reported before any question, since no
/// answer could fix them.
pub fn flag_problems(layers: &[Layer]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for layer in layers.iter().filter(|l| l.source == Source::Flags) {
        for (key, raw) in &layer.values {
            let field = fields::field(key).expect("layers hold fields only");
            let items = match (field.is_list(), raw) {
                (true, _) => raw.items(),
                (false, RawValue::One(s)) => vec![s.clone()],
                // A list where one value belongs: `resolve` reports it with the rest.
                (false, RawValue::List(_)) => continue,
            };
            for item in items {
                if let Err(message) = (field.parse)(&item) {
                    problems.push(Problem {
                        source: layer.source.to_string(),
                        message: format!("{key} = {item:?}: {message}"),
                    });
                }
            }
        }
    }
    problems
}

/// Runs the questions. Nothing is written here; the caller shows the summary and confirms.
pub fn ask(p: &mut dyn Prompter, start: &Start) -> Result<Answers, WizardError> {
    let has_source = |f: fn(&Source) -> bool| start.layers.iter().any(|l| f(&l.source));
    // A preset from the command line or a project's own berth.yml already says where to start.
    let ask_preset = !has_source(|s| matches!(s, Source::Preset(_) | Source::AnswersFile(_)));
    let (preset, preset_layers) = if ask_preset { pick_preset(p)? } else { (None, Vec::new()) };
    let flags = start.layers.iter().find(|l| l.source == Source::Flags);
    let mut s = State::new(below(start.layers, &preset_layers), flags);
    if ask_preset {
        s.asked.push("preset");
    }

    name(p, &mut s, start.dir_name)?;
    runtime(p, &mut s)?;
    app(p, &mut s)?;
    build_packages(p, &mut s)?;
    limits(p, &mut s)?;
    delivery(p, &mut s)?;
    let current = s.one("private_index");
    text(p, &mut s, "private_index", "Private package index URL", current, Optional::Yes("none"))?;

    Ok(Answers { preset, preset_layers, layer: s.wizard, cleared: s.cleared, asked: s.asked })
}

const SCRATCH: &str = "start from scratch";

fn pick_preset(p: &mut dyn Prompter) -> Result<(Option<String>, Vec<Layer>), WizardError> {
    let builtin = presets::builtin();
    let mut labels: Vec<String> = builtin
        .iter()
        .map(|preset| {
            // First in the hint, so it survives when a narrow terminal cuts the line.
            let recommended = if preset.name == presets::RECOMMENDED { "(recommended) " } else { "" };
            format!("{:<18}  {recommended}{}", preset.name, preset.description)
        })
        .collect();
    labels.push(format!("{SCRATCH:<18}  built-in defaults; every question is asked"));
    let default = builtin.iter().position(|preset| preset.name == presets::RECOMMENDED).unwrap_or(0);
    let picked = p.select("Start from a preset", &labels, default)?;
    let Some(preset) = builtin.get(picked) else { return Ok((None, Vec::new())) };
    // Built-in presets are checked to load by the presets tests.
    let layers =
        presets::load(&preset.name).unwrap_or_else(|problems| panic!("built-in preset {}: {problems:?}", preset.name));
    Ok((Some(preset.name.clone()), layers))
}

fn name(p: &mut dyn Prompter, s: &mut State, dir_name: Option<&str>) -> Result<(), WizardError> {
    let default = s.one("name").or_else(|| dir_name.and_then(|d| value::project_name(d).ok()));
    text(p, s, "name", "Project name", default, Optional::No)
}

/// Base image and Python version: distroless ships only 3.13 and installs no OS packages.
fn runtime(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    let bases: Vec<Choice> =
        choices::BASES.iter().filter(|c| base_fits(s, Base::from_valid(c.value))).copied().collect();
    let current = s.one("base");
    select(p, s, "base", "Runtime base image", &bases, current)?;
    if s.base() == Base::Distroless {
        if !s.settled("python") {
            s.set_one("python", "3.13");
        }
        if !s.settled("runtime_packages") && !s.list("runtime_packages").is_empty() {
            s.set("runtime_packages", RawValue::List(Vec::new()));
        }
    } else {
        let current = s.one("python");
        select(p, s, "python", "Python version", choices::PYTHONS, current)?;
    }
    let current = s.one("packaging");
    select(p, s, "packaging", "Dependency manager", choices::PACKAGINGS, current)
}

/// Whether a base combines with what flags and the preset settled.
fn base_fits(s: &State, base: Base) -> bool {
    let builds = s.settled_list("build_packages");
    if builds.iter().any(|p| matches!(packages::runtime_of(base, p), Runtime::WrongDistro(_))) {
        return false;
    }
    if base != Base::Distroless {
        return true;
    }
    let python_fits = !s.settled("python") || s.one("python").as_deref() == Some("3.13");
    let needs_libraries = builds.iter().any(|p| matches!(packages::runtime_of(base, p), Runtime::Library(_)))
        || !s.settled_list("runtime_packages").is_empty();
    python_fits && !needs_libraries
}

/// Database, workload (with its port and health path) and what the container runs.
fn app(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    let current = s.one("database");
    select(p, s, "database", "Database", choices::DATABASES, current)?;
    let current = s.one("workload");
    select(p, s, "workload", "Workload", choices::WORKLOADS, current)?;
    let api = s.one("workload").as_deref() == Some("api");
    if api {
        let port = s.one("port");
        text(p, s, "port", "Container port (1024-65535)", port, Optional::No)?;
        let path = s.one("health_path");
        text(p, s, "health_path", "Health check path", path, Optional::No)?;
    }
    let entrypoint = s.one("entrypoint").unwrap_or_else(|| if api { "src/app.py" } else { "src/pipeline.py" }.into());
    text(p, s, "entrypoint", "Entrypoint (script src/x.py or module pkg.main)", Some(entrypoint), Optional::No)
}

/// Common build packages for the base family to tick, then any others typed in.
fn build_packages(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    const KEY: &str = "build_packages";
    if s.settled(KEY) {
        return Ok(());
    }
    let base = s.base();
    // Debian names carried over to alpine (from berth.yml, say) become their Alpine names.
    let current: Vec<String> = s
        .list(KEY)
        .into_iter()
        .map(|p| match packages::runtime_of(base, &p) {
            Runtime::WrongDistro(alpine) => alpine.to_string(),
            _ => p,
        })
        .collect();
    let offered = choices::build_packages(base);
    if offered.is_empty() {
        // Distroless: only what needs no runtime library can stay.
        let keep: Vec<String> =
            current.iter().filter(|p| !matches!(packages::runtime_of(base, p), Runtime::Library(_))).cloned().collect();
        if keep != s.list(KEY) {
            s.set(KEY, RawValue::List(keep));
        }
        return Ok(());
    }
    let labels: Vec<String> = offered.iter().map(choices::label).collect();
    let checked: Vec<bool> = offered.iter().map(|c| current.iter().any(|p| p == c.value)).collect();
    let picked =
        p.multi_select("Build packages for the builder stage (space toggles, enter accepts)", &labels, &checked)?;
    let mut chosen: Vec<String> = picked.iter().map(|&i| offered[i].value.to_string()).collect();

    let others: Vec<String> = current.iter().filter(|p| !offered.iter().any(|c| c.value == *p)).cloned().collect();
    let default = others.join(", ");
    let prompt = if others.is_empty() {
        "Other build packages, comma-separated (empty for none)"
    } else {
        "Other build packages, comma-separated (- for none)"
    };
    let typed =
        p.input(prompt, (!others.is_empty()).then_some(default.as_str()), &|raw: &str| package_list(base, raw))?;
    for package in typed.split(", ").filter(|p| !p.is_empty()) {
        if !chosen.iter().any(|c| c == package) {
            chosen.push(package.to_string());
        }
    }
    s.answered(KEY, RawValue::List(chosen));
    Ok(())
}

/// A comma-separated package list: each item through the field's validator, and in the base's
/// distribution's naming.
fn package_list(base: Base, raw: &str) -> Result<String, String> {
    if raw.trim() == "-" {
        return Ok(String::new());
    }
    let parse = fields::field("build_packages").expect("field").parse;
    let mut out = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let package = parse(item).map_err(|e| format!("{item:?}: {e}"))?;
        if let Runtime::WrongDistro(alpine) = packages::runtime_of(base, &package) {
            return Err(format!("{package} is a Debian package name; base alpine calls it {alpine}"));
        }
        out.push(package);
    }
    Ok(out.join(", "))
}

const APP_LIMITS: [(&str, &str); 3] = [
    ("app_cpus", "App CPU limit"),
    ("app_memory", "App memory limit (e.g. 512m, 2g)"),
    ("app_pids", "App process limit"),
];
const DB_LIMITS: [(&str, &str); 3] = [
    ("db_cpus", "Database CPU limit"),
    ("db_memory", "Database memory limit (e.g. 512m, 2g)"),
    ("db_pids", "Database process limit"),
];

/// The limits have sound defaults: one yes/no, and the details only for those who want them.
fn limits(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    let has_db = s.one("database").is_some_and(|d| d != "none");
    let mut open: Vec<(&str, &str)> = APP_LIMITS.to_vec();
    if has_db {
        open.extend(DB_LIMITS);
    }
    open.retain(|(key, _)| !s.settled(key));
    if open.is_empty() {
        return Ok(());
    }
    // Short enough for one line of an 80-column terminal: a wrapped prompt redraws badly.
    let show = |prefix: &str| {
        let get = |what: &str| s.one(&format!("{prefix}_{what}")).unwrap_or_default();
        format!("{prefix} {} cpu {} {} pids", get("cpus"), get("memory"), get("pids"))
    };
    let mut now = show("app");
    if has_db {
        now.push_str(&format!(", {}", show("db")));
    }
    if !p.confirm(&format!("Change limits? {now}"), false)? {
        return Ok(());
    }
    for (key, prompt) in open {
        let current = s.one(key);
        text(p, s, key, prompt, current, Optional::No)?;
    }
    Ok(())
}

/// CI provider, image repository, scan gate, signing and the update bot: only the choices
/// that work with the CI picked (Dependabot is GitHub's; cosign signs in CI).
fn delivery(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    let needs_github = s.settled("updates") && s.one("updates").as_deref() == Some("dependabot");
    let needs_ci = s.settled("signing") && s.one("signing").as_deref() == Some("cosign");
    let cis: Vec<Choice> = choices::CIS
        .iter()
        .filter(|c| (!needs_github || c.value == "github") && (!needs_ci || c.value != "none"))
        .copied()
        .collect();
    let current = s.one("ci");
    select(p, s, "ci", "CI pipeline", &cis, current)?;
    let ci = s.one("ci").unwrap_or_else(|| "github".into());

    if ci == "none" {
        if !s.settled("signing") && s.one("signing").is_some_and(|v| v != "none") {
            s.set_one("signing", "none");
        }
    } else {
        let registry = if ci == "gitlab" { "$CI_REGISTRY_IMAGE" } else { "ghcr.io/OWNER/REPO" };
        let current = s.one("image");
        text(p, s, "image", "Image repository", current, Optional::Yes(registry))?;
        let current = s.one("scan_severity");
        select(p, s, "scan_severity", "Vulnerability scan fails the build at", choices::SEVERITIES, current)?;
        let current = s.one("signing").or_else(|| Some("cosign".into()));
        select(p, s, "signing", "Image signing", choices::SIGNINGS, current)?;
    }

    let updates: Vec<Choice> =
        choices::UPDATES.iter().filter(|c| c.value != "dependabot" || ci == "github").copied().collect();
    let current = s.one("updates").or_else(|| Some(if ci == "github" { "dependabot" } else { "renovate" }.into()));
    select(p, s, "updates", "Dependency update bot", &updates, current)
}

/// Asks for one of `options` unless the field is settled; a single option needs no question.
fn select(
    p: &mut dyn Prompter,
    s: &mut State,
    key: &str,
    prompt: &str,
    options: &[Choice],
    current: Option<String>,
) -> Result<(), WizardError> {
    if s.settled(key) || options.is_empty() {
        return Ok(());
    }
    if let [only] = options {
        s.set_one(key, only.value);
        return Ok(());
    }
    let labels: Vec<String> = options.iter().map(choices::label).collect();
    let default = current.and_then(|v| options.iter().position(|c| c.value == v)).unwrap_or(0);
    let picked = p.select(prompt, &labels, default)?;
    s.answered(key, RawValue::One(options[picked].value.to_string()));
    Ok(())
}

/// Whether a typed field may be left empty, and what empty then means.
#[derive(Clone, Copy)]
enum Optional<'a> {
    Yes(&'a str),
    No,
}

/// Asks for a typed value unless the field is settled. An optional field may be left empty,
/// or emptied with `-` when it has a value (an empty line takes the value).
fn text(
    p: &mut dyn Prompter,
    s: &mut State,
    key: &str,
    prompt: &str,
    default: Option<String>,
    optional: Optional,
) -> Result<(), WizardError> {
    if s.settled(key) {
        return Ok(());
    }
    let parse = fields::field(key).expect("wizard keys are fields").parse;
    let prompt = match (optional, &default) {
        (Optional::Yes(none), Some(_)) => format!("{prompt} (- for {none})"),
        (Optional::Yes(none), None) => format!("{prompt} (empty for {none})"),
        (Optional::No, _) => prompt.to_string(),
    };
    let optional = matches!(optional, Optional::Yes(_));
    let validate = |raw: &str| {
        let raw = raw.trim();
        if optional && (raw.is_empty() || raw == "-") {
            Ok(String::new())
        } else {
            parse(raw)
        }
    };
    let answer = p.input(&prompt, default.as_deref(), &validate)?;
    if answer.is_empty() {
        s.clear(key);
    } else {
        s.answered(key, RawValue::One(answer));
    }
    Ok(())
}
