//! Keeping a generated project current: `berth upgrade`, `berth check`, and `berth new` in a
//! project that already exists.
//!
//! One computation serves all three ([`sync`]): render the answers with this berth's templates
//! (carrying the marked blocks over), compare each managed file with what berth rendered last
//! time (`berth.lock`) and with what is on disk, and decide per file: unchanged, replaced (the
//! file is still berth's), kept (only the user changed it), merged (both changed it: three-way
//! merge from the base found in the lock's answers or in git), in conflict, or without a base.
//! The edits that survive are audited in memory for the controls they weaken. `check` reports
//! the result; `upgrade` and `new` write it as one all-or-nothing transaction.

mod decide;
pub mod findings;
pub mod git;
pub mod lock;
pub mod merge;
pub mod show;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audit::config::{Config, ConfigError};
use crate::render::{self, blocks, FileKind, RenderError, RenderedFile, Templates};
use crate::report::{Diagnostic, FileError};
use crate::spec::{answers_of, Environment, Key, Problem, ProjectSpec, RawValue};
use crate::write::{self, Action, Plan, WriteError};
pub use lock::{Lock, LOCK_FILE};

/// What a run may do to the files the user edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Merge the user's edits with the new render; with `conflicts`, write conflict markers
    /// where they overlap instead of writing nothing.
    Merge { conflicts: bool },
    /// `berth new --force`: berth's render replaces every file it manages.
    Force,
}

/// Why berth's render of a file is not what it rendered last time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The answers changed since (berth.yml, or flags of `berth new`).
    Answers,
    /// Same answers, different output: this berth's templates changed.
    Templates,
    /// The answers changed, and the templates changed what the old answers give.
    Both,
    /// berth.lock has no record of the file (no lock, or the file is new to it).
    Unrecorded,
}

impl Cause {
    pub fn text(self) -> &'static str {
        match self {
            Cause::Answers => "answers changed",
            Cause::Templates => "templates changed",
            Cause::Both => "answers and templates changed",
            Cause::Unrecorded => "not recorded in berth.lock",
        }
    }
}

/// What happens to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Missing: written.
    Create,
    /// Already what berth renders.
    Unchanged,
    /// The user's edits, and nothing new from berth: kept as it is.
    Edited,
    /// Still as berth wrote it: replaced with the new render.
    Replace,
    /// Edited, and berth's render changed: the three-way merge is written.
    Merge,
    /// Edited where berth's render changed too: the overlaps are shown (or marked).
    Conflict { written: bool },
    /// Edited, berth's render changed, and the last render cannot be found: nothing written.
    NoBase(String),
    /// `--force`: the user's edits are replaced.
    Forced,
    /// No longer generated and unchanged since berth wrote it: removed.
    Remove,
    /// No longer generated, but edited: kept, and no longer berth's.
    Orphan,
    /// A starter or a secret that exists: never touched.
    Keep,
}

impl Status {
    pub fn label(&self) -> &'static str {
        match self {
            Status::Create => "create",
            Status::Unchanged => "unchanged",
            Status::Edited => "kept",
            Status::Replace => "update",
            Status::Merge => "merge",
            Status::Conflict { .. } => "conflict",
            Status::NoBase(_) => "no base",
            Status::Forced => "overwrite",
            Status::Remove => "remove",
            Status::Orphan => "orphaned",
            Status::Keep => "keep",
        }
    }

    /// Whether the run leaves the file other than berth would have it (exit status 1).
    pub fn unresolved(&self) -> bool {
        matches!(self, Status::Conflict { .. } | Status::NoBase(_))
    }
}

/// The decision for one file.
#[derive(Debug, Clone)]
pub struct Step {
    pub path: PathBuf,
    pub kind: FileKind,
    pub status: Status,
    pub cause: Option<Cause>,
    /// The text on disk, when there is one and it is text.
    pub before: Option<String>,
    /// The text after the run; `None` when the file is removed or never read (secrets).
    pub after: Option<String>,
    /// berth's render now (empty for secrets and for files no longer generated).
    pub render: String,
    /// The merge with conflict markers, when the file has conflicts.
    pub marked: Option<String>,
}

/// An answer that differs from the one the files were last rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerChange {
    pub key: &'static str,
    pub before: Option<RawValue>,
    pub after: Option<RawValue>,
}

/// Everything a run found and decided; applying it writes [`Sync::plan`].
#[derive(Debug, Clone)]
pub struct Sync {
    pub dir: PathBuf,
    pub steps: Vec<Step>,
    /// The write plan: the disk as it was seen, and each file's final content and action.
    pub plan: Plan,
    /// Whether the project had a berth.lock.
    pub had_lock: bool,
    pub answer_changes: Vec<AnswerChange>,
    /// Audit findings the user's edits add to the files as they will be.
    pub findings: Vec<Diagnostic>,
    /// Files that no longer parse after the edits.
    pub unreadable: Vec<FileError>,
}

/// Why a run could not decide.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{} problem(s) with {}:\n{}", .0.len(), lock::LOCK_FILE, .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Lock(Vec<Problem>),
    #[error("{}:{}: the marked block does not close properly: {}", crate::shown::path(.path), .error.line, .error.message)]
    Block { path: PathBuf, error: blocks::BlockError },
    #[error("{}: {reason}; berth merges text files only: restore the file (git checkout), or remove it to have berth write it anew", crate::shown::path(.path))]
    Unreadable { path: PathBuf, reason: String },
    #[error("{}: {reason}", crate::shown::path(.path))]
    TooLarge { path: PathBuf, reason: String },
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("{0}")]
    Plan(WriteError),
    #[error("{0}; repair the repository (git fsck) or run outside it")]
    Git(#[from] git::GitError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// What a run works from.
pub struct Inputs<'a> {
    pub dir: &'a Path,
    pub spec: &'a ProjectSpec,
    pub environment: &'a Environment,
    pub templates: &'a Templates,
    pub mode: Mode,
}

/// The canonical text of a project's answers: what `berth.yml` and `berth.lock` hold.
pub fn answers_text(spec: &ProjectSpec) -> String {
    let entries: Vec<(&str, crate::yaml::Scalars)> =
        answers_of(spec).iter().map(|(key, value)| (key.as_str(), value.to_scalars())).collect();
    crate::yaml::emit(&entries)
}

/// The managed paths a lock may name.
fn managed() -> Vec<&'static str> {
    render::managed_paths().iter().map(|m| m.path).collect()
}

/// Reads the user's content of the marked blocks from the Dockerfile on disk.
fn carried(dir: &Path, shown: &Path) -> Result<blocks::Carried, SyncError> {
    let path = dir.join(blocks::RUNTIME_SETUP.file);
    let shown = shown.join(blocks::RUNTIME_SETUP.file);
    match std::fs::symlink_metadata(&path) {
        // A link or a directory there is refused by the write plan, with its reason.
        Ok(meta) if meta.is_file() => {}
        _ => return Ok(blocks::Carried::default()),
    }
    let bytes = crate::read::bytes_limited(&path, crate::read::MAX_BYTES)
        .map_err(|e| SyncError::Unreadable { path: shown.clone(), reason: format!("it {e}") })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| SyncError::Unreadable { path: shown.clone(), reason: "it is not UTF-8 text".into() })?;
    let text = decide::TextForm::of(&text).plain(&text);
    blocks::carried_from(&text).map_err(|error| SyncError::Block { path: shown, error })
}

/// Decides what a run does to every file; writes nothing.
pub fn sync(inputs: &Inputs) -> Result<Sync, SyncError> {
    let dir = inputs.dir;
    let shown_dir = if dir == Path::new(".") { PathBuf::new() } else { dir.to_path_buf() };
    let managed = managed();
    // Where the project is on disk, refused with its reason before anything is read there.
    let on_disk = write::Root::resolve(dir).map_err(SyncError::Plan)?.dir();
    let lock = lock::read(&on_disk, &shown_dir, &managed).map_err(SyncError::Lock)?;
    let carried = carried(&on_disk, &shown_dir)?;
    let rendered = render::render_with(inputs.spec, &carried, inputs.templates)?;
    let mut planned: BTreeMap<PathBuf, RenderedFile> = rendered.clone();
    let placeholder = || RenderedFile { kind: FileKind::Managed, content: String::new() };
    planned.insert(PathBuf::from(LOCK_FILE), placeholder());
    for entry in lock.iter().flat_map(|l| &l.files) {
        planned.entry(entry.path.clone()).or_insert_with(placeholder);
    }
    let mut plan = write::plan(dir, &planned).map_err(SyncError::Plan)?;
    let answers = answers_text(inputs.spec);
    let mut decider = decide::Decider::new(inputs, &shown_dir, lock.as_ref(), &carried, &rendered, &answers);
    let mut steps = Vec::new();
    let mut entries = Vec::new();
    for file in &plan.files {
        if file.path == Path::new(LOCK_FILE) {
            continue;
        }
        let (step, entry) = decider.decide(file)?;
        entries.extend(entry);
        steps.push(step);
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let lock_text = Lock::emit(&answers, &entries);
    let lock_before = plan.files.iter().find(|f| f.path == Path::new(LOCK_FILE)).and_then(|f| f.old.clone());
    let lock_status = match &lock_before {
        None => Status::Create,
        Some(text) if *text == lock_text => Status::Unchanged,
        Some(_) => Status::Replace,
    };
    steps.push(Step {
        path: PathBuf::from(LOCK_FILE),
        kind: FileKind::Managed,
        status: lock_status,
        cause: None,
        before: lock_before,
        after: Some(lock_text.clone()),
        render: lock_text,
        marked: None,
    });
    steps.sort_by(|a, b| a.path.cmp(&b.path));
    for file in &mut plan.files {
        let Some(step) = steps.iter().find(|s| s.path == file.path) else { continue };
        file.action = match (&step.status, &step.after) {
            (Status::Keep, _) => Action::Keep,
            (Status::Remove, _) => Action::Remove,
            // A secret's value is made when it is written.
            (_, None) if file.kind == FileKind::Secret => file.action,
            (_, None) => Action::Unchanged,
            (_, Some(after)) if Some(after) == file.old.as_ref() => Action::Unchanged,
            (_, Some(after)) => {
                file.new = after.clone();
                if file.old.is_none() && matches!(file.seen, write::Seen::Absent) {
                    Action::Create
                } else {
                    Action::Overwrite
                }
            }
        };
    }
    let (findings, unreadable) = audit_edits(&on_disk, &steps, &rendered)?;
    Ok(Sync {
        dir: dir.to_path_buf(),
        steps,
        plan,
        had_lock: lock.is_some(),
        answer_changes: lock.as_ref().map(|l| answer_changes(l, inputs.spec)).unwrap_or_default(),
        findings,
        unreadable,
    })
}

/// The answers that differ from the lock's, in field order.
fn answer_changes(lock: &Lock, spec: &ProjectSpec) -> Vec<AnswerChange> {
    let now: BTreeMap<Key, RawValue> = answers_of(spec).into_iter().collect();
    Key::ALL
        .iter()
        .filter_map(|key| {
            let before = lock.answers.values.get(key).cloned();
            let after = now.get(key).cloned();
            (before != after).then_some(AnswerChange { key: key.as_str(), before, after })
        })
        .collect()
}

/// The findings the files as they will be have and berth's own render does not.
fn audit_edits(
    dir: &Path,
    steps: &[Step],
    rendered: &BTreeMap<PathBuf, RenderedFile>,
) -> Result<(Vec<Diagnostic>, Vec<FileError>), SyncError> {
    let config_path = dir.join(crate::audit::config::FILE_NAME);
    let config =
        if std::fs::symlink_metadata(&config_path).is_ok() { Config::load(&config_path)? } else { Config::default() };
    let mut after = BTreeMap::new();
    let mut baseline = BTreeMap::new();
    for step in steps {
        let (Some(text), Some(own)) = (&step.after, rendered.get(&step.path)) else { continue };
        if step.kind != FileKind::Managed || matches!(step.status, Status::Conflict { written: true }) {
            continue;
        }
        // As berth renders it: the audit reads lines, however the user's editor ends them.
        after.insert(step.path.clone(), decide::TextForm::of(text).plain(text));
        baseline.insert(step.path.clone(), blocks::emptied(&own.content));
    }
    Ok(findings::introduced(dir, &after, &baseline, &config))
}

impl Sync {
    /// Whether a file overlaps with berth's change and nothing may be written (no `--conflicts`).
    pub fn blocked(&self) -> bool {
        self.steps.iter().any(|s| s.status == Status::Conflict { written: false })
    }

    /// Whether any file is left other than berth would have it: exit status 1.
    pub fn unresolved(&self) -> bool {
        self.steps.iter().any(|s| s.status.unresolved())
    }

    /// The steps that change the disk.
    pub fn changes(&self) -> impl Iterator<Item = &Step> {
        self.plan
            .files
            .iter()
            .filter(|f| matches!(f.action, Action::Create | Action::Overwrite | Action::Remove))
            .filter_map(|f| self.steps.iter().find(|s| s.path == f.path))
    }

    /// Writes the plan, all of it or nothing.
    pub fn apply(&self) -> Result<(), WriteError> {
        self.plan.apply(true)
    }
}

#[cfg(test)]
mod tests;
