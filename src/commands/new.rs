//! `berth new`: gather answers, resolve them into a spec, plan the files once, and write safely.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::upgrade::{self, ProjectError};
use crate::cli::NewArgs;
use crate::lifecycle::{self, show, Inputs, Mode, Sync, SyncError};
use crate::render::Templates;
use crate::spec::{self, Environment, Gathered, Packaging, Problem, Resolved, Sources};
use crate::wizard::{self, Prompter, TerminalPrompter, WizardError};
use crate::{shown, Outcome};

/// Why `berth new` stopped without writing.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    #[error("{} exists and is not a directory; give berth new a directory (it is created when missing)", shown::path(.0))]
    NotADirectory(PathBuf),
    #[error("berth new needs answers: pass --non-interactive (-y) to use the preset, berth.yml and flags as they are, or --answers FILE ({0})")]
    NeedsAnswers(&'static str),
    #[error("{} problem(s) with the answers:\n{}\nFix them and run again; `berth new --help` lists every answer and its values.", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Answers(Vec<Problem>),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error(transparent)]
    Write(ProjectError),
    #[error("{0}")]
    Wizard(#[from] WizardError),
    #[error("Nothing written.")]
    Declined,
}

impl NewError {
    fn outcome(&self) -> Outcome {
        match self {
            NewError::Write(e) => e.outcome(),
            NewError::Declined | NewError::Wizard(WizardError::Cancelled) => Outcome::Refused,
            _ => Outcome::Error,
        }
    }

    fn report(&self, err: &mut dyn Write) {
        let _ = match self {
            NewError::Wizard(_) | NewError::Declined => writeln!(err, "{self}"),
            _ => writeln!(err, "error: {self}"),
        };
    }
}

/// The sources of answers the command line names.
pub fn sources(args: &NewArgs) -> Sources {
    Sources {
        dir: args.dir.clone(),
        preset: args.preset.clone(),
        answers: args.answers.clone(),
        flags: args.answers_flags.values.clone(),
        set: args.set.clone(),
    }
}

/// What to run next, each command ready to paste into a shell.
fn next_steps(dir: &Path, spec: &spec::ProjectSpec) -> String {
    let mut steps = Vec::new();
    if dir != Path::new(".") {
        steps.push(format!("cd {}", shown::shell_word(dir.as_os_str())));
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
    let mut text = format!("Next steps:\n{}", steps.iter().map(|s| format!("  {s}\n")).collect::<String>());
    if spec.egress == spec::Egress::None {
        text.push_str(&format!(
            "The {} has no route out (egress: none). To let it call outside services, list their hosts:\n  berth new . -y --egress proxy --egress-allow api.example.com,.s3.amazonaws.com\n",
            if spec.is_api() { "api" } else { "pipeline" },
        ));
    }
    text
}

/// Where the private index credentials go (mounted into the build as a BuildKit secret).
const NETRC: &str = "secrets/netrc";

/// Renders the project and compares it with what is in `dir` and with berth.lock: the plan
/// every later step uses. Edited files are merged as `berth upgrade` merges them, unless
/// `--force` replaces them.
fn plan(args: &NewArgs, resolved: &Resolved, environment: &Environment) -> Result<Sync, NewError> {
    let inputs = Inputs {
        dir: &args.dir,
        spec: &resolved.spec,
        environment,
        templates: &Templates::builtin(),
        mode: if args.force { Mode::Force } else { Mode::Merge { conflicts: false } },
    };
    Ok(lifecycle::sync(&inputs)?)
}

/// Shows the plan (dry run) or applies it.
fn finish(
    args: &NewArgs,
    resolved: &Resolved,
    sync: &Sync,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, NewError> {
    let outcome = upgrade::write(sync, &args.dir, args.dry_run, out, err).map_err(NewError::Write)?;
    if !args.dry_run && !sync.blocked() && sync.changes().any(|s| s.before.is_none()) {
        let _ = write!(out, "{}", next_steps(&args.dir, &resolved.spec));
    }
    Ok(outcome)
}

pub fn run(args: NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    match new(&args, out, err) {
        Ok(outcome) => outcome,
        Err(e) => {
            e.report(err);
            e.outcome()
        }
    }
}

fn new(args: &NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<Outcome, NewError> {
    if args.dir.exists() && !args.dir.is_dir() {
        return Err(NewError::NotADirectory(args.dir.clone()));
    }
    let gathered = spec::gather(&sources(args));
    if !args.non_interactive && args.answers.is_none() {
        if wizard::is_interactive() {
            return run_wizard(args, &gathered, out, err);
        }
        return Err(NewError::NeedsAnswers(if std::io::stdin().is_terminal() {
            "stderr is not a terminal, so there is nowhere to ask"
        } else {
            "stdin is not a terminal, so there is no one to ask"
        }));
    }
    if let Some(path) = &gathered.answers_file {
        if args.answers.is_none() {
            let _ = writeln!(err, "note: using answers from {}", shown::path(path));
        }
    }
    let resolved = gathered.resolve().map_err(NewError::Answers)?;
    for warning in &resolved.warnings {
        let _ = writeln!(err, "warning: {warning}");
    }
    let sync = plan(args, &resolved, &gathered.environment)?;
    finish(args, &resolved, &sync, out, err)
}

/// Asks the questions the preset, berth.yml and flags leave open, shows the answers and the
/// planned files, and applies that same plan only after a yes. Declining, Esc or Ctrl-C write
/// nothing and exit 1.
fn run_wizard(
    args: &NewArgs,
    gathered: &Gathered,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, NewError> {
    // Problems no answer can fix are reported before the first question.
    let problems: Vec<Problem> = gathered
        .problems
        .iter()
        .cloned()
        .chain(wizard::settled_problems(&gathered.layers, &gathered.environment))
        .collect();
    if !problems.is_empty() {
        return Err(NewError::Answers(problems));
    }
    let mut prompter = TerminalPrompter::new().map_err(|e| NewError::Wizard(WizardError::Terminal(e)))?;
    if let Some(path) = &gathered.answers_file {
        let _ = writeln!(err, "note: defaults from {}", shown::path(path));
    }
    let start = wizard::Start { layers: &gathered.layers, environment: &gathered.environment };
    let answers = wizard::ask(&mut prompter, &start)?;
    let resolved = gathered.resolve_layers(&answers.layered(&gathered.layers)).map_err(NewError::Answers)?;
    let sync = plan(args, &resolved, &gathered.environment)?;
    let _ = write!(err, "{}", wizard::summary(&resolved, &show::plan_lines(&sync), &args.dir));
    if !args.dry_run && !prompter.confirm(&wizard::confirm_prompt(&sync), true)? {
        return Err(NewError::Declined);
    }
    finish(args, &resolved, &sync, out, err)
}

#[cfg(test)]
#[path = "new_channels.rs"]
mod channels;
