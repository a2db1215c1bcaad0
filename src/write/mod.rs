//! Writing a rendered project: plan, conflicts, dry-run diffs and an all-or-nothing apply.
//!
//! [`plan`] compares the rendered files with the disk and refuses, before anything is touched, a
//! layout that cannot be written safely: a path that is both a file and a directory of another,
//! two paths that differ only in case, a symbolic link or a file where a directory must be, a link
//! or a special file in place of a file berth manages. [`Plan::apply`] then writes the whole plan
//! or nothing: it checks the disk still holds what the plan saw, stages every file as a
//! temporary file beside its target, renames them into place keeping each replaced file aside,
//! and on any failure, or SIGINT, SIGTERM or SIGHUP, puts everything back as it was.

mod apply;
mod layout;
mod signals;
mod stale;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::render::{FileKind, RenderedFile};
use crate::shown;
pub use layout::Root;

/// What writing will do to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    /// The file exists with other content; written only with `--force`.
    Overwrite,
    Unchanged,
    /// A starter or secret that already exists: left alone, always.
    Keep,
    /// A file berth wrote earlier and no longer generates, unchanged since: removed.
    Remove,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Overwrite => "overwrite",
            Action::Unchanged => "unchanged",
            Action::Keep => "keep",
            Action::Remove => "remove",
        }
    }
}

/// What was at a planned path when the plan was made; apply refuses when it has changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Absent,
    /// A regular file with these bytes.
    File(Vec<u8>),
    /// A starter or secret that exists; berth never reads or writes it.
    Kept,
}

#[derive(Debug, Clone)]
pub struct PlannedFile {
    /// Relative to the target directory.
    pub path: PathBuf,
    pub kind: FileKind,
    pub action: Action,
    pub new: String,
    /// The existing text, when there is one and it is text.
    pub old: Option<String>,
    pub seen: Seen,
}

/// A directory that must be private (mode 0700) but is not yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restrict {
    pub path: PathBuf,
    pub mode: u32,
}

#[derive(Debug, Clone)]
pub struct Plan {
    /// The target directory as given.
    pub root: PathBuf,
    /// Where it is on disk: every write goes there, and apply refuses if it moved.
    pub resolved: Root,
    pub files: Vec<PlannedFile>,
    /// Private directories whose mode is looser than 0700; apply tightens them.
    pub restrict: Vec<Restrict>,
    /// Temporary files an interrupted run left behind; apply removes them.
    pub stale: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{count} existing file(s) differ from what berth would write: {list}\nnothing was written; compare with --dry-run, or replace them with --force", count = .0.len(), list = list(.0))]
    Conflicts(Vec<PathBuf>),
    #[error("refusing to write {}: {reason}\nnothing was written", shown::path(path))]
    UnsafePath { path: PathBuf, reason: String },
    #[error("{} changed on disk since the plan was made: {}\nnothing was written; run the command again to see the new plan", if .0.len() == 1 { "a file" } else { "files" }, list(.0))]
    Changed(Vec<PathBuf>),
    #[error("another berth run is writing {}: wait for it to finish and run again\nnothing was written", shown::path(.0))]
    Busy(PathBuf),
    #[error("interrupted by {0}: nothing was written (every change was undone)")]
    Interrupted(&'static str),
    #[error("cannot {what} {}: {source}\nnothing was written (every change was undone)", shown::path(path))]
    Io { what: &'static str, path: PathBuf, source: std::io::Error },
    #[error("cannot {what} {}: {source}\nundoing the changes also failed, so the directory is not as it was:\n{}", shown::path(path), undo.join("\n"))]
    Incomplete { what: &'static str, path: PathBuf, source: std::io::Error, undo: Vec<String> },
}

impl WriteError {
    /// Whether the write was refused (exit 1) rather than impossible (exit 2).
    pub fn is_refusal(&self) -> bool {
        matches!(self, WriteError::Conflicts(_) | WriteError::Changed(_) | WriteError::Interrupted(_))
    }
}

/// A unified diff of one file, safe to print: control characters in either text are shown
/// escaped, and a diff that takes too long to compute falls back to a coarser one.
pub fn unified_diff(path: &Path, created: bool, old: &str, new: &str, removed: bool) -> String {
    let shown = shown::path(path);
    let from = if created { "/dev/null".to_string() } else { format!("a/{shown}") };
    let to = if removed { "/dev/null".to_string() } else { format!("b/{shown}") };
    let diff = similar::TextDiff::configure().timeout(std::time::Duration::from_millis(500)).diff_lines(old, new);
    let text = diff.unified_diff().context_radius(3).header(&from, &to).to_string();
    // Tabs stay tabs; every other control character is shown escaped.
    text.lines()
        .map(|line| format!("{}\n", line.split('\t').map(|part| shown::escape(part)).collect::<Vec<_>>().join("\t")))
        .collect()
}

fn list(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| shown::path(p)).collect::<Vec<_>>().join(", ")
}

/// Compares the rendered files with what is in `root`, refusing a layout that cannot be written
/// safely (see the module documentation).
pub fn plan(root: &Path, files: &std::collections::BTreeMap<PathBuf, RenderedFile>) -> Result<Plan, WriteError> {
    let resolved = Root::resolve(root)?;
    let kinds: Vec<(PathBuf, FileKind)> = files.iter().map(|(path, file)| (path.clone(), file.kind)).collect();
    layout::check_layout(&resolved, &kinds)?;
    let mut planned = Vec::new();
    for (path, file) in files {
        let seen = layout::probe(&resolved, path, file.kind)?;
        let action = match (&seen, file.kind) {
            (Seen::Absent, _) => Action::Create,
            (Seen::Kept, _) => Action::Keep,
            (Seen::File(bytes), _) if bytes.as_slice() == file.content.as_bytes() => Action::Unchanged,
            (Seen::File(_), _) => Action::Overwrite,
        };
        let old = match &seen {
            Seen::File(bytes) => String::from_utf8(bytes.clone()).ok(),
            _ => None,
        };
        planned.push(PlannedFile { path: path.clone(), kind: file.kind, action, new: file.content.clone(), old, seen });
    }
    let restrict = layout::loose_private_dirs(&resolved, &kinds);
    let stale = stale::find(&resolved, &kinds);
    Ok(Plan { root: root.to_path_buf(), resolved, files: planned, restrict, stale })
}

impl Plan {
    pub fn conflicts(&self) -> Vec<PathBuf> {
        self.files.iter().filter(|f| f.action == Action::Overwrite).map(|f| f.path.clone()).collect()
    }

    /// One line per file: action and path; then the directories tightened and the stale
    /// temporary files removed.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            let note = match (f.kind, f.action) {
                (FileKind::Secret, Action::Create) => " (random secret, not shown)",
                (FileKind::Starter, Action::Keep) => " (yours: starter files are never overwritten)",
                (FileKind::Secret, Action::Keep) => " (existing secret kept)",
                _ => "",
            };
            let _ = writeln!(out, "  {:<9} {}{note}", f.action.label(), shown::path(&f.path));
        }
        out + &self.housekeeping()
    }

    /// One line per directory tightened and per stale temporary file removed.
    pub fn housekeeping(&self) -> String {
        let mut out = String::new();
        for dir in &self.restrict {
            let _ = writeln!(
                out,
                "  {:<9} {}/ (mode {:03o} -> 700: secrets stay private)",
                "restrict",
                shown::path(&dir.path),
                dir.mode
            );
        }
        for temp in &self.stale {
            let _ = writeln!(out, "  {:<9} {} (left by an interrupted run)", "remove", shown::path(temp));
        }
        out
    }

    /// Unified diffs of every file that would be created or changed.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            if !matches!(f.action, Action::Create | Action::Overwrite | Action::Remove) || f.kind == FileKind::Secret {
                continue;
            }
            let old = f.old.as_deref().unwrap_or("");
            let new = if f.action == Action::Remove { "" } else { &f.new };
            let _ = write!(
                out,
                "{}",
                unified_diff(&f.path, f.action == Action::Create, old, new, f.action == Action::Remove)
            );
        }
        out
    }

    /// Writes the plan, all of it or nothing. Conflicts refuse the whole write unless `force`.
    pub fn apply(&self, force: bool) -> Result<(), WriteError> {
        apply::apply(self, force, &mut |_| Ok(()))
    }
}

#[cfg(test)]
mod tests;
