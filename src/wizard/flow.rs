//! The question flow: which questions to ask for the answers so far, offering only choices that
//! keep the constraints, with defaults from the preset or DIR/berth.yml.
//!
//! A field that a flag or a preset settled is never asked (a flag always wins). Every typed
//! answer goes through the field's own validator, the one flags and files use, and through the
//! constraint table the resolver reports from; the final check is the normal `spec::resolve`
//! over the layers, with the wizard's answers just below the flags.

use super::choices;
use super::prompter::{Prompter, WizardError};
use super::state::State;
use crate::presets;
use crate::spec::fields::{Choice, Draft};
use crate::spec::packages::{self, Runtime};
use crate::spec::resolve::draft_of;
use crate::spec::{value, Base, Ci, Environment, Key, Layer, Problem, RawValue, Source};

/// What the wizard starts from.
pub struct Start<'a> {
    /// The layers gathered from defaults, `--preset`, DIR/berth.yml and flags.
    pub layers: &'a [Layer],
    /// The target directory's name (the default project name when valid) and dependencies.
    pub environment: &'a Environment,
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
    pub cleared: Vec<Key>,
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

/// Problems no answer could fix, reported before any question: flag values that fail their
/// field's validator, and constraints broken by settled answers alone.
pub fn settled_problems(layers: &[Layer], environment: &Environment) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut invalid = Vec::new();
    let flags = layers.iter().find(|l| l.source == Source::Flags);
    if let Some(layer) = flags {
        for (key, raw) in &layer.values {
            if let Err(refused) = Draft::default().apply(*key, raw) {
                invalid.push(*key);
                for r in refused {
                    problems.push(Problem::new(
                        layer.source.to_string(),
                        format!("{} = {}: {}", key.as_str(), crate::shown::value(&r.item), r.message),
                    ));
                }
            }
        }
    }
    // Only when every value is valid: an invalid one was already reported, and its default
    // would be judged in its place.
    if !invalid.is_empty() {
        return problems;
    }
    let state = State::new(below(layers, &[]), flags, environment);
    for (constraint, message) in state.unsatisfiable() {
        let source = layers
            .iter()
            .rev()
            .find(|l| l.values.contains_key(&constraint.blame))
            .map_or_else(|| Source::Flags.to_string(), |l| l.origin(constraint.blame));
        problems.push(Problem::new(source, message));
    }
    problems
}

/// Runs the questions. Nothing is written here; the caller shows the summary and confirms.
pub fn ask(p: &mut dyn Prompter, start: &Start) -> Result<Answers, WizardError> {
    let has_source = |f: fn(&Source) -> bool| start.layers.iter().any(|l| f(&l.source));
    // A preset from the command line or a project's own berth.yml already says where to start.
    let ask_preset = !has_source(|s| matches!(s, Source::Preset(_) | Source::AnswersFile(_)));
    let (preset, preset_layers) = if ask_preset { pick_preset(p, start)? } else { (None, Vec::new()) };
    let flags = start.layers.iter().find(|l| l.source == Source::Flags);
    let mut s = State::new(below(start.layers, &preset_layers), flags, start.environment);
    if ask_preset {
        s.asked.push("preset");
    }

    name(p, &mut s)?;
    select(p, &mut s, Key::Base, "Runtime base image")?;
    select(p, &mut s, Key::Python, "Python version")?;
    select(p, &mut s, Key::Packaging, "Dependency manager")?;
    app(p, &mut s)?;
    egress(p, &mut s)?;
    build_packages(p, &mut s)?;
    limits(p, &mut s)?;
    delivery(p, &mut s)?;
    let current = s.one(Key::PrivateIndex);
    text(p, &mut s, Key::PrivateIndex, "Private package index URL", current, Optional::Yes("none"))?;
    more(p, &mut s)?;
    // Lists the wizard does not ask keep only the items that fit what was decided.
    fit_list(&mut s, Key::BuildPackages);
    fit_list(&mut s, Key::RuntimePackages);

    Ok(Answers { preset, preset_layers, layer: s.wizard, cleared: s.cleared, asked: s.asked })
}

const SCRATCH: &str = "start from scratch";

/// The built-in presets whose answers combine with the flags, the recommended one first
/// highlighted; or built-in defaults.
fn pick_preset(p: &mut dyn Prompter, start: &Start) -> Result<(Option<String>, Vec<Layer>), WizardError> {
    let flags = start.layers.iter().find(|l| l.source == Source::Flags);
    let mut offered = Vec::new();
    for preset in presets::builtin() {
        let layers = presets::load(&preset.name).map_err(|problems| WizardError::Preset {
            name: preset.name.clone(),
            problems: problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        })?;
        let state = State::new(below(start.layers, &layers), flags, start.environment);
        if state.unsatisfiable().is_empty() {
            offered.push((preset, layers));
        }
    }
    let mut labels: Vec<String> = offered
        .iter()
        .map(|(preset, _)| {
            // First in the hint, so it survives when a narrow terminal cuts the line.
            let recommended = if preset.name == presets::RECOMMENDED { "(recommended) " } else { "" };
            format!("{:<18}  {recommended}{}", preset.name, preset.description)
        })
        .collect();
    labels.push(format!("{SCRATCH:<18}  built-in defaults; every question is asked"));
    let default = offered.iter().position(|(preset, _)| preset.name == presets::RECOMMENDED).unwrap_or(0);
    let picked = p.select("Start from a preset", &labels, default)?;
    Ok(match offered.into_iter().nth(picked) {
        Some((preset, layers)) => (Some(preset.name), layers),
        None => (None, Vec::new()),
    })
}

fn name(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    let dir_name = s.environment.dir_name.as_deref();
    let default = s.one(Key::Name).or_else(|| dir_name.and_then(|d| value::project_name(d).ok()));
    text(p, s, Key::Name, "Project name", default, Optional::No)
}

/// The field's current value as the wizard shows it, with the defaults that follow from the
/// other answers.
fn current(s: &State, key: Key) -> Option<String> {
    match draft_of(&s.spec()?).extract(key)? {
        RawValue::One(v) => Some(v),
        RawValue::List(_) => None,
    }
}

/// Database, workload (with its port and health path) and what the container runs.
fn app(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    select(p, s, Key::Database, "Database")?;
    select(p, s, Key::Workload, "Workload")?;
    for (key, prompt) in [(Key::Port, "Container port (1024-65535)"), (Key::HealthPath, "Health check path")] {
        if s.spec().is_some_and(|spec| key.field().applies.to(&spec)) {
            let current = s.one(key);
            text(p, s, key, prompt, current, Optional::No)?;
        }
    }
    let entrypoint = current(s, Key::Entrypoint);
    text(p, s, Key::Entrypoint, "Entrypoint (script src/x.py or module pkg.main)", entrypoint, Optional::No)
}

/// Whether the pipeline calls outside services, and which: the hosts go to the allowlisting proxy.
fn egress(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    select(p, s, Key::Egress, "Does the pipeline call outside services?")?;
    const KEY: Key = Key::EgressAllow;
    if s.settled(KEY) || !s.spec().is_some_and(|spec| KEY.field().applies.to(&spec)) {
        return Ok(());
    }
    let current = s.list(KEY).join(", ");
    let typed = {
        let state = &*s;
        p.input(
            "List the hosts it calls, comma-separated (api.example.com; .example.com for a domain and its subdomains; host:8443)",
            (!current.is_empty()).then_some(current.as_str()),
            &|raw: &str| typed_list(state, KEY, raw),
        )?
    };
    let hosts: Vec<String> = typed.split(", ").filter(|h| !h.is_empty()).map(str::to_string).collect();
    s.answered(KEY, RawValue::List(hosts));
    Ok(())
}

/// A comma-separated list typed in: each item through the field's validator, the list through
/// the constraints.
fn typed_list(s: &State, key: Key, raw: &str) -> Result<String, String> {
    let parse = key.field().parse;
    let mut out = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        out.push(parse(item).map_err(|e| format!("{}: {e}", crate::shown::value(item)))?);
    }
    s.fits(key, &RawValue::List(out.clone()))?;
    Ok(out.join(", "))
}

/// Common build packages for the base family to tick, then any others typed in.
fn build_packages(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    const KEY: Key = Key::BuildPackages;
    if s.settled(KEY) {
        return Ok(());
    }
    let base = s.spec().map_or(Base::Slim, |spec| spec.base);
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
        // Distroless: nothing to offer; what was there keeps only the items that fit.
        if current != s.list(KEY) {
            s.set(KEY, RawValue::List(current));
        }
        return Ok(());
    }
    let labels: Vec<String> = offered.iter().map(choices::label).collect();
    let checked: Vec<bool> = offered.iter().map(|c| current.iter().any(|p| p == c.value)).collect();
    let picked =
        p.multi_select("Build packages for the builder stage (space toggles, enter accepts)", &labels, &checked)?;
    let mut chosen: Vec<String> = picked.iter().filter_map(|&i| offered.get(i)).map(|c| c.value.to_string()).collect();

    let others: Vec<String> = current.iter().filter(|p| !offered.iter().any(|c| c.value == *p)).cloned().collect();
    let default = others.join(", ");
    let prompt = if others.is_empty() {
        "Other build packages, comma-separated (empty for none)"
    } else {
        "Other build packages, comma-separated (- for none)"
    };
    let typed = {
        let state = &*s;
        p.input(prompt, (!others.is_empty()).then_some(default.as_str()), &|raw: &str| package_list(state, raw))?
    };
    for package in typed.split(", ").filter(|p| !p.is_empty()) {
        if !chosen.iter().any(|c| c == package) {
            chosen.push(package.to_string());
        }
    }
    s.answered(KEY, RawValue::List(chosen));
    Ok(())
}

/// A comma-separated package list: each item through the field's validator, and the list
/// through the constraints (package names of the base's distribution).
fn package_list(s: &State, raw: &str) -> Result<String, String> {
    if raw.trim() == "-" {
        return Ok(String::new());
    }
    let parse = Key::BuildPackages.field().parse;
    let mut out = Vec::new();
    for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        out.push(parse(item).map_err(|e| format!("{}: {e}", crate::shown::value(item)))?);
    }
    s.fits(Key::BuildPackages, &RawValue::List(out.clone()))?;
    Ok(out.join(", "))
}

/// Keeps the items of an undecided list field that fit the decided answers on their own.
fn fit_list(s: &mut State, key: Key) {
    if s.decided(key) {
        return;
    }
    let items = s.list(key);
    let kept: Vec<String> =
        items.iter().filter(|item| s.fits(key, &RawValue::List(vec![(*item).clone()])).is_ok()).cloned().collect();
    if kept != items {
        s.decide(key, RawValue::List(kept));
    }
}

/// The answers most projects never need, behind one yes/no: the drift gate, `berth verify` in CI
/// and the extension points that keep local edits out of the generated files.
const MORE: [(Key, &str); 3] = [
    (Key::AppEnv, "Extra environment variables, NAME=VALUE, comma-separated"),
    (Key::AppVolumes, "Extra mounts, ./dir:/target (read-only) or volume:/target, comma-separated"),
    (Key::Labels, "Extra image labels, KEY=VALUE, comma-separated"),
];

fn more(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    let ci = s.spec().is_some_and(|spec| spec.ci != Ci::None);
    let drift_open = ci && !s.settled(Key::DriftCheck);
    let verify_open = ci && !s.settled(Key::CiVerify);
    let verify_on = s.one(Key::CiVerify).is_some_and(|v| v == "true");
    if !ci && verify_on && !s.settled(Key::CiVerify) {
        // The job needs a CI: a yes carried over from berth.yml is turned off, not refused.
        s.decide(Key::CiVerify, RawValue::One("false".into()));
    }
    if !drift_open && !verify_open && MORE.iter().all(|(key, _)| s.settled(*key)) {
        return Ok(());
    }
    if !p.confirm("More options? (CI drift check, berth verify in CI, extra environment, mounts, labels)", false)? {
        return Ok(());
    }
    if drift_open {
        let on = s.one(Key::DriftCheck).is_none_or(|v| v == "true");
        let on = p.confirm("Fail CI when the files drift from berth.yml (berth check)?", on)?;
        s.answered(Key::DriftCheck, RawValue::One(on.to_string()));
    }
    if verify_open {
        let prompt =
            format!("Prove the controls in CI with berth verify (installs berth {})?", env!("CARGO_PKG_VERSION"));
        let on = p.confirm(&prompt, verify_on)?;
        s.answered(Key::CiVerify, RawValue::One(on.to_string()));
    }
    for (key, prompt) in MORE {
        if s.settled(key) {
            continue;
        }
        let current = s.list(key);
        let prompt =
            if current.is_empty() { format!("{prompt} (empty for none)") } else { format!("{prompt} (- for none)") };
        let default = current.join(", ");
        let typed = {
            let state = &*s;
            p.input(&prompt, (!current.is_empty()).then_some(default.as_str()), &|raw: &str| {
                item_list(state, key, raw)
            })?
        };
        let items: Vec<String> = typed.split(", ").filter(|i| !i.is_empty()).map(String::from).collect();
        s.answered(key, RawValue::List(items));
    }
    Ok(())
}

/// A comma-separated list, or `-` for none: each item through the field's validator, the list
/// through the constraints on it.
fn item_list(s: &State, key: Key, raw: &str) -> Result<String, String> {
    if raw.trim() == "-" {
        return Ok(String::new());
    }
    typed_list(s, key, raw)
}

const LIMITS: [(Key, &str); 6] = [
    (Key::AppCpus, "App CPU limit"),
    (Key::AppMemory, "App memory limit (e.g. 512m, 2g)"),
    (Key::AppPids, "App process limit"),
    (Key::DbCpus, "Database CPU limit"),
    (Key::DbMemory, "Database memory limit (e.g. 512m, 2g)"),
    (Key::DbPids, "Database process limit"),
];

/// The limits have sound defaults: one yes/no, and the details only for those who want them.
fn limits(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    let Some(spec) = s.spec() else { return Ok(()) };
    let applies = |key: Key| key.field().applies.to(&spec);
    let open: Vec<(Key, &str)> = LIMITS.iter().copied().filter(|(key, _)| applies(*key) && !s.settled(*key)).collect();
    if open.is_empty() {
        return Ok(());
    }
    // Short enough for one line of an 80-column terminal: a wrapped prompt redraws badly.
    let show = |prefix: &str, limits: &crate::spec::Limits| {
        format!("{prefix} {} cpu {} {} pids", limits.cpus, limits.memory, limits.pids)
    };
    let mut now = show("app", &spec.app_limits);
    if applies(Key::DbCpus) {
        now.push_str(&format!(", {}", show("db", &spec.db_limits)));
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
/// that keep the constraints with what is decided (Dependabot is GitHub's; cosign signs in CI).
fn delivery(p: &mut dyn Prompter, s: &mut State) -> Result<(), WizardError> {
    select(p, s, Key::Ci, "CI pipeline")?;
    let ci = s.spec().map_or(Ci::Github, |spec| spec.ci);
    if ci != Ci::None {
        let registry = if ci == Ci::Gitlab { "$CI_REGISTRY_IMAGE" } else { "ghcr.io/OWNER/REPO" };
        let current = s.one(Key::Image);
        text(p, s, Key::Image, "Image repository", current, Optional::Yes(registry))?;
        select(p, s, Key::ScanSeverity, "Vulnerability scan fails the build at")?;
    }
    select(p, s, Key::Signing, "Image signing")?;
    select(p, s, Key::Updates, "Dependency update bot")
}

/// Asks for one of the field's values unless it is settled, offering only those that fit; a
/// single value that fits needs no question.
fn select(p: &mut dyn Prompter, s: &mut State, key: Key, prompt: &str) -> Result<(), WizardError> {
    if s.settled(key) {
        return Ok(());
    }
    let Some(choices) = key.field().choices else { return Ok(()) };
    let options: Vec<Choice> =
        choices().into_iter().filter(|c| s.fits(key, &RawValue::One(c.value.to_string())).is_ok()).collect();
    match options.as_slice() {
        // Nothing fits: the resolver explains which answers clash.
        [] => return Ok(()),
        [only] => {
            s.decide(key, RawValue::One(only.value.to_string()));
            return Ok(());
        }
        _ => {}
    }
    let labels: Vec<String> = options.iter().map(choices::label).collect();
    let current = current(s, key);
    let default = current.and_then(|v| options.iter().position(|c| c.value == v)).unwrap_or(0);
    let picked = p.select(prompt, &labels, default)?;
    let value = options.get(picked).map_or(options[0].value, |c| c.value);
    s.answered(key, RawValue::One(value.to_string()));
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
    key: Key,
    prompt: &str,
    default: Option<String>,
    optional: Optional,
) -> Result<(), WizardError> {
    if s.settled(key) {
        return Ok(());
    }
    let parse = key.field().parse;
    let prompt = match (optional, &default) {
        (Optional::Yes(none), Some(_)) => format!("{prompt} (- for {none})"),
        (Optional::Yes(none), None) => format!("{prompt} (empty for {none})"),
        (Optional::No, _) => prompt.to_string(),
    };
    let optional = matches!(optional, Optional::Yes(_));
    let answer = {
        let state = &*s;
        let validate = |raw: &str| {
            let raw = raw.trim();
            if optional && (raw.is_empty() || raw == "-") {
                return Ok(String::new());
            }
            let normal = parse(raw)?;
            state.fits(key, &RawValue::One(normal.clone()))?;
            Ok(normal)
        };
        p.input(&prompt, default.as_deref(), &validate)?
    };
    if answer.is_empty() {
        s.clear(key);
    } else {
        s.answered(key, RawValue::One(answer));
    }
    Ok(())
}
