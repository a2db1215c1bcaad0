//! `berth upgrade`: bring a project's files up to date, keeping the user's edits; and the
//! writing and reporting `berth new` shares with it.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::UpgradeArgs;
use crate::lifecycle::{self, show, Inputs, Mode, Status, Sync, SyncError};
use crate::render::{Templates, ANSWERS_FILE};
use crate::spec::{self, Environment, Problem, Resolved, Sources};
use crate::write::WriteError;
use crate::{shown, Outcome};

/// Why a command on an existing project stopped.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{} has no {ANSWERS_FILE}: this command works on a project berth generated; create one with `berth new {}`", shown::path(.0), shown::shell_word(.0.as_os_str()))]
    NoProject(PathBuf),
    #[error("{} problem(s) with the answers:\n{}\nFix them and run again; `berth new --help` lists every answer and its values.", .0.len(), .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Answers(Vec<Problem>),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("{0}")]
    Write(WriteError),
}

impl ProjectError {
    pub fn outcome(&self) -> Outcome {
        match self {
            ProjectError::Write(e) if e.is_refusal() => Outcome::Refused,
            _ => Outcome::Error,
        }
    }
}

/// A project's answers, from its berth.yml alone.
pub fn project(dir: &Path, err: &mut dyn Write) -> Result<(Resolved, Environment), ProjectError> {
    let answers = dir.join(ANSWERS_FILE);
    if std::fs::symlink_metadata(&answers).is_err() {
        return Err(ProjectError::NoProject(dir.to_path_buf()));
    }
    let gathered = spec::gather(&Sources { dir: dir.to_path_buf(), ..Sources::default() });
    let resolved = gathered.resolve().map_err(ProjectError::Answers)?;
    for warning in &resolved.warnings {
        let _ = writeln!(err, "warning: {warning}");
    }
    Ok((resolved, gathered.environment))
}

/// What to do next when files could not be merged.
fn unresolved_help(sync: &Sync, dir: &Path) -> String {
    let dir_word = shown::shell_word(dir.as_os_str());
    let names = |pick: fn(&Status) -> bool| -> Vec<String> {
        sync.steps.iter().filter(|s| pick(&s.status)).map(|s| shown::path(&s.path)).collect()
    };
    let mut out = String::new();
    let no_base = names(|s| matches!(s, Status::NoBase(_)));
    if !no_base.is_empty() {
        out.push_str(&format!(
            "{} file(s) left as they are, without a base to merge your edits with berth's change: {}\n\
             The diff shows berth's change. Either:\n\
             \x20 - apply it by hand, then run `berth upgrade {dir_word}` (a file that matches berth's render needs no base);\n\
             \x20 - or take berth's version: remove the file, run `berth upgrade {dir_word}`, and redo your edit;\n\
             \x20 - or keep your file: `berth check` reports it until it matches.\n\
             berth finds bases in git when its files are committed before they are edited.\n",
            no_base.len(),
            no_base.join(", ")
        ));
    }
    let conflicts = names(|s| matches!(s, Status::Conflict { written: false }));
    if !conflicts.is_empty() {
        out.push_str(&format!(
            "{} file(s) have edits that overlap berth's change: {}; nothing was written.\n\
             Run `berth upgrade {dir_word} --conflicts` to write the merge with conflict markers ({} ... {}), resolve them and run `berth check {dir_word}`; or take berth's version with `berth new {dir_word} -y --force` (it replaces every edited file).\n",
            conflicts.len(),
            conflicts.join(", "),
            lifecycle::merge::OURS,
            lifecycle::merge::THEIRS,
        ));
    }
    let marked = names(|s| matches!(s, Status::Conflict { written: true }));
    if !marked.is_empty() {
        out.push_str(&format!(
            "{} file(s) have conflict markers to resolve: {}; then run `berth check {dir_word}`.\n",
            marked.len(),
            marked.join(", ")
        ));
    }
    out
}

/// Shows the plan and writes it (unless a dry run or a conflict says not to); the outcome is 1
/// when a file is left unmerged.
pub fn write(
    sync: &Sync,
    dir: &Path,
    dry_run: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, ProjectError> {
    let shown_dir = shown::path(dir);
    let unresolved = if sync.unresolved() { Outcome::Refused } else { Outcome::Success };
    if dry_run || sync.blocked() {
        let heading = if dry_run { "dry run, nothing written" } else { "nothing written" };
        let _ = writeln!(out, "Plan for {shown_dir} ({heading}):");
        let _ = write!(out, "{}", show::plan_lines(sync));
        let _ = write!(out, "{}", show::diffs(sync));
    } else {
        sync.apply().map_err(ProjectError::Write)?;
        let changed = sync.changes().count();
        if changed == 0 {
            let _ = writeln!(out, "{shown_dir} is up to date: nothing to write.");
        } else {
            let _ = writeln!(out, "Wrote {changed} file(s) to {shown_dir}:");
        }
        let _ = write!(out, "{}", show::plan_lines(sync));
        let _ = write!(out, "{}", show::unresolved_diffs(sync));
    }
    let findings = show::findings(sync, dir);
    if !findings.is_empty() {
        let _ = write!(
            err,
            "warning: your edits weaken controls berth sets up (they stay: they are yours; fix them, or suppress each with a reason):\n{findings}"
        );
    }
    let help = unresolved_help(sync, dir);
    if !help.is_empty() {
        let _ = write!(err, "{help}");
    }
    Ok(unresolved)
}

pub fn run(args: &UpgradeArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let result = project(&args.dir, err).and_then(|(resolved, environment)| {
        let inputs = Inputs {
            dir: &args.dir,
            spec: &resolved.spec,
            environment: &environment,
            templates: &Templates::builtin(),
            mode: Mode::Merge { conflicts: args.conflicts },
        };
        let sync = lifecycle::sync(&inputs)?;
        write(&sync, &args.dir, args.dry_run, out, err)
    });
    result.unwrap_or_else(|e| {
        let _ = writeln!(err, "error: {e}");
        e.outcome()
    })
}
