//! `berth new`: gather answers, resolve them into a spec, render, and write safely.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::NewArgs;
use crate::spec::{self, Environment, Layer, Packaging, Problem, Resolved, Source};
use crate::wizard::{self, Prompter, TerminalPrompter, WizardError};
use crate::write::{self, Action};
use crate::{presets, render, Outcome};

/// The answer layers from preset, answers file and flags, with every problem found loading them.
pub struct Gathered {
    pub layers: Vec<Layer>,
    /// The answers file that was read, if any.
    pub answers_file: Option<PathBuf>,
    /// Problems loading the layers; validation still runs so all are reported together.
    pub problems: Vec<Problem>,
}

fn flags_layer(args: &NewArgs) -> (Layer, Vec<Problem>) {
    let mut layer = Layer::new(Source::Flags);
    let mut problems = Vec::new();
    for (key, value) in &args.answers_flags.values {
        layer.values.insert(key, value.clone());
    }
    for assignment in &args.set {
        if let Err(message) = layer.set_assignment(assignment) {
            problems.push(Problem { source: Source::Flags.to_string(), message });
        }
    }
    (layer, problems)
}

/// Collects the layers: defaults < preset < answers file < flags.
pub fn gather(args: &NewArgs) -> Gathered {
    let mut problems = Vec::new();
    let mut layers = vec![spec::defaults()];
    if let Some(preset) = &args.preset {
        match presets::load(preset) {
            Ok(preset_layers) => layers.extend(preset_layers),
            Err(mut p) => problems.append(&mut p),
        }
    }
    let answers_file = args.answers.clone().or_else(|| {
        let existing = args.dir.join("berth.yml");
        existing.is_file().then_some(existing)
    });
    if let Some(path) = &answers_file {
        let (layer, mut p) = spec::load_answers(path);
        layers.push(layer);
        problems.append(&mut p);
    }
    let (flags, mut flag_problems) = flags_layer(args);
    problems.append(&mut flag_problems);
    layers.push(flags);
    Gathered { layers, answers_file, problems }
}

/// Validates the gathered layers; problems from loading and from validation come together.
pub fn resolve_all(gathered: &Gathered, dir: &Path) -> Result<Resolved, Vec<Problem>> {
    match (spec::resolve(&gathered.layers, &environment(dir)), gathered.problems.is_empty()) {
        (Ok(resolved), true) => Ok(resolved),
        (Ok(_), false) => Err(gathered.problems.clone()),
        (Err(problems), _) => Err(gathered.problems.iter().cloned().chain(problems).collect()),
    }
}

/// What the target directory tells about the answers: its name and existing dependencies.
pub fn environment(dir: &Path) -> Environment {
    let named = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let dir_name = named.file_name().map(|n| n.to_string_lossy().into_owned());
    let dependency_text: String = ["requirements.txt", "pyproject.toml"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(dir.join(f)).ok())
        .collect::<Vec<_>>()
        .join("\n");
    Environment { dir_name, dependency_text: (!dependency_text.is_empty()).then_some(dependency_text) }
}

pub fn report_problems(err: &mut dyn Write, problems: &[Problem]) {
    let _ = writeln!(err, "error: {} problem(s) with the answers:", problems.len());
    for p in problems {
        let _ = writeln!(err, "  - {p}");
    }
    let _ = writeln!(err, "Fix them and run again; `berth new --help` lists every answer and its values.");
}

/// What to run next, each command ready to paste into a shell.
fn next_steps(dir: &Path, spec: &spec::ProjectSpec) -> String {
    let mut steps = Vec::new();
    if dir != Path::new(".") {
        steps.push(format!("cd {}", crate::shown::shell_word(dir.as_os_str())));
    }
    match spec.packaging {
        Packaging::Uv => steps.push("uv lock".into()),
        Packaging::Poetry => steps.push("poetry lock".into()),
        Packaging::Requirements => {}
    }
    if spec.private_index.is_some() {
        // touch never truncates credentials already there; the token is typed into the file,
        // not into the shell's history.
        steps.push(format!(
            "touch {NETRC} && chmod 600 {NETRC}  # then add the index credentials to it: machine HOST login USER password TOKEN"
        ));
    }
    steps.push("DOCKER_BUILDKIT=1 docker compose -f docker-compose.prod.yml up -d --build".into());
    steps.push("berth verify".into());
    format!("Next steps:\n{}", steps.iter().map(|s| format!("  {s}\n")).collect::<String>())
}

/// Where the private index credentials go (mounted into the build as a BuildKit secret).
const NETRC: &str = "secrets/netrc";

/// Renders the project and compares it with what is in `dir`.
fn plan(dir: &Path, resolved: &Resolved) -> Result<write::Plan, String> {
    let files = render::render(&resolved.spec).map_err(|e| e.to_string())?;
    write::plan(dir, &files).map_err(|e| e.to_string())
}

/// Renders and writes (or shows) the project for resolved answers.
pub fn generate(args: &NewArgs, resolved: &Resolved, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    for warning in &resolved.warnings {
        let _ = writeln!(err, "warning: {warning}");
    }
    let plan = match plan(&args.dir, resolved) {
        Ok(plan) => plan,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::Error;
        }
    };
    let shown_dir = crate::shown::path(&args.dir);
    if args.dry_run {
        let _ = writeln!(out, "Plan for {shown_dir} (dry run, nothing written):");
        let _ = write!(out, "{}", plan.summary());
        let conflicts = plan.conflicts();
        if !conflicts.is_empty() && !args.force {
            let _ = writeln!(out, "{} file(s) differ: a real run refuses them unless --force.", conflicts.len());
        }
        let _ = write!(out, "{}", plan.diff());
        return Outcome::Success;
    }
    match plan.apply(args.force) {
        Ok(()) => {
            let changed = plan.files.iter().filter(|f| matches!(f.action, Action::Create | Action::Overwrite)).count();
            let _ = writeln!(out, "Wrote {changed} file(s) to {shown_dir}:");
            let _ = write!(out, "{}", plan.summary());
            let _ = write!(out, "{}", next_steps(&args.dir, &resolved.spec));
            Outcome::Success
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            if e.is_refusal() {
                Outcome::Refused
            } else {
                Outcome::Error
            }
        }
    }
}

pub fn run(args: NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    if args.dir.exists() && !args.dir.is_dir() {
        let _ = writeln!(
            err,
            "error: {} exists and is not a directory; give berth new a directory (it is created when missing)",
            crate::shown::path(&args.dir)
        );
        return Outcome::Error;
    }
    let gathered = gather(&args);
    if !args.non_interactive && args.answers.is_none() {
        if wizard::is_interactive() {
            return run_wizard(&args, &gathered, out, err);
        }
        let why = if std::io::stdin().is_terminal() {
            "stderr is not a terminal, so there is nowhere to ask"
        } else {
            "stdin is not a terminal, so there is no one to ask"
        };
        let _ = writeln!(
            err,
            "error: berth new needs answers: pass --non-interactive (-y) to use the preset, berth.yml and flags as they are, or --answers FILE ({why})"
        );
        return Outcome::Error;
    }
    if let Some(path) = &gathered.answers_file {
        if args.answers.is_none() {
            let _ = writeln!(err, "note: using answers from {}", path.display());
        }
    }
    let resolved = match resolve_all(&gathered, &args.dir) {
        Ok(r) => r,
        Err(problems) => {
            report_problems(err, &problems);
            return Outcome::Error;
        }
    };
    generate(&args, &resolved, out, err)
}

/// Asks the questions the preset, berth.yml and flags leave open, shows the answers and the
/// files, and writes only after a yes. Declining, Esc or Ctrl-C write nothing and exit 1.
fn run_wizard(args: &NewArgs, gathered: &Gathered, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    // Problems no answer can fix are reported before the first question.
    let problems: Vec<Problem> =
        gathered.problems.iter().cloned().chain(wizard::flag_problems(&gathered.layers)).collect();
    if !problems.is_empty() {
        report_problems(err, &problems);
        return Outcome::Error;
    }
    let stopped = |err: &mut dyn Write, e: WizardError| {
        let _ = writeln!(err, "{e}");
        match e {
            WizardError::Cancelled => Outcome::Refused,
            WizardError::Terminal(_) => Outcome::Error,
        }
    };
    let mut prompter = match TerminalPrompter::new() {
        Ok(p) => p,
        Err(e) => return stopped(err, WizardError::Terminal(e)),
    };
    if let Some(path) = &gathered.answers_file {
        let _ = writeln!(err, "note: defaults from {}", path.display());
    }
    let env = environment(&args.dir);
    let start = wizard::Start { layers: &gathered.layers, dir_name: env.dir_name.as_deref() };
    let answers = match wizard::ask(&mut prompter, &start) {
        Ok(answers) => answers,
        Err(e) => return stopped(err, e),
    };
    let answered = Gathered {
        layers: answers.layered(&gathered.layers),
        answers_file: gathered.answers_file.clone(),
        problems: Vec::new(),
    };
    let mut resolved = match resolve_all(&answered, &args.dir) {
        Ok(r) => r,
        Err(problems) => {
            report_problems(err, &problems);
            return Outcome::Error;
        }
    };
    let plan = match plan(&args.dir, &resolved) {
        Ok(plan) => plan,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::Error;
        }
    };
    let _ = write!(err, "{}", wizard::summary(&resolved, &plan, &args.dir));
    // The summary showed the warnings; writing should not repeat them.
    resolved.warnings.clear();
    if !args.dry_run {
        match prompter.confirm(&wizard::confirm_prompt(&plan, args.force), true) {
            Ok(true) => {}
            Ok(false) => {
                let _ = writeln!(err, "Nothing written.");
                return Outcome::Refused;
            }
            Err(e) => return stopped(err, e),
        }
    }
    generate(args, &resolved, out, err)
}
