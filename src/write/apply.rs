//! Applying a plan as one transaction: everything is written, or the directory is left as it was.
//!
//! Order: check the target has not moved; create it; lock it against another berth run; check
//! every path still holds what the plan saw and can be written; tighten private directories;
//! stage every file as a temporary file beside its target; rename them into place, keeping each
//! replaced file aside (a hard link, or a copy). Only then are the kept files dropped. Any
//! failure, or a stop signal, undoes the changes made so far in reverse order.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::layout::{self, Root};
use super::signals::Deferred;
use super::{stale, Action, Plan, PlannedFile, WriteError};
use crate::render::FileKind;

/// Called before every change with what it is about to do; tests fail or interrupt a run there.
pub type Hook<'a> = &'a mut dyn FnMut(&'static str) -> io::Result<()>;

/// A change made so far, and how to take it back.
enum Undo {
    CreatedDir(PathBuf),
    Created(PathBuf),
    /// `target` was replaced; `previous` holds what it was.
    Replaced {
        target: PathBuf,
        previous: NamedTempFile<()>,
    },
    Mode {
        dir: PathBuf,
        mode: u32,
    },
    /// `target` was removed; `previous` holds what it was.
    Removed {
        target: PathBuf,
        previous: NamedTempFile<()>,
    },
}

/// A file written beside its target, not yet in place.
struct Staged<'p> {
    file: &'p PlannedFile,
    temp: NamedTempFile,
    target: PathBuf,
}

struct Transaction<'p, 'h> {
    plan: &'p Plan,
    signals: Deferred,
    hook: Hook<'h>,
    undo: Vec<Undo>,
    /// Held until the end: another berth run on the same directory waits its turn.
    lock: Option<fs::File>,
}

pub fn apply(plan: &Plan, force: bool, hook: Hook) -> Result<(), WriteError> {
    let conflicts = plan.conflicts();
    if !conflicts.is_empty() && !force {
        return Err(WriteError::Conflicts(conflicts));
    }
    let mut tx = Transaction { plan, signals: Deferred::new(), hook, undo: Vec::new(), lock: None };
    match tx.run() {
        Ok(()) => {
            tx.finish();
            Ok(())
        }
        Err(e) => Err(tx.roll_back(e)),
    }
}

impl<'p> Transaction<'p, '_> {
    fn root(&self) -> &Root {
        &self.plan.resolved
    }

    /// Runs one change: the hook may fail it, and a stop signal that arrived refuses it.
    fn change<T>(
        &mut self,
        what: &'static str,
        shown: &Path,
        change: impl FnOnce() -> io::Result<T>,
    ) -> Result<T, WriteError> {
        let io_error = |source| WriteError::Io { what, path: shown.to_path_buf(), source };
        (self.hook)(what).map_err(io_error)?;
        if let Some(signal) = self.signals.take() {
            return Err(WriteError::Interrupted(signal));
        }
        change().map_err(io_error)
    }

    fn run(&mut self) -> Result<(), WriteError> {
        let plan = self.plan;
        let root = &plan.resolved;
        if !Root::resolve(root.given())?.same_place(root) {
            return Err(WriteError::Changed(vec![root.given().to_path_buf()]));
        }
        for dir in root.missing_dirs() {
            self.create_dir(&dir, &dir, false)?;
        }
        self.lock = Some(lock(root)?);
        self.check_unchanged()?;
        let to_write: Vec<&PlannedFile> =
            plan.files.iter().filter(|f| matches!(f.action, Action::Create | Action::Overwrite)).collect();
        let to_remove: Vec<&PlannedFile> = plan.files.iter().filter(|f| f.action == Action::Remove).collect();
        for f in to_write.iter().chain(&to_remove) {
            layout::check_writable(root, &f.path, matches!(f.action, Action::Overwrite | Action::Remove))?;
        }
        for restrict in &plan.restrict {
            let dir = root.dir().join(&restrict.path);
            self.change("restrict", &root.shown(&restrict.path), || set_mode(&dir, 0o700))?;
            self.undo.push(Undo::Mode { dir, mode: restrict.mode });
        }
        let mut staged = Vec::new();
        for f in to_write {
            staged.push(self.stage(f)?);
        }
        for s in staged {
            self.put_in_place(s)?;
        }
        for f in to_remove {
            self.remove(f)?;
        }
        Ok(())
    }

    /// Removes a file berth no longer generates, keeping it aside until the end.
    fn remove(&mut self, file: &PlannedFile) -> Result<(), WriteError> {
        let target = self.plan.resolved.dir().join(&file.path);
        let shown = self.plan.resolved.shown(&file.path);
        let previous = self.change("keep aside the previous content of", &shown, || keep_aside(&target))?;
        self.change("remove", &shown, || fs::remove_file(&target))?;
        self.undo.push(Undo::Removed { target, previous });
        Ok(())
    }

    /// Refuses when the disk no longer holds what the plan saw: a file edited, created or
    /// removed meanwhile, or a link put in the way.
    fn check_unchanged(&self) -> Result<(), WriteError> {
        let mut changed = Vec::new();
        for f in &self.plan.files {
            if layout::probe(self.root(), &f.path, f.kind)? != f.seen {
                changed.push(f.path.clone());
            }
        }
        // A private directory made, or loosened, meanwhile would hold the secrets open.
        let kinds: Vec<(PathBuf, FileKind)> = self.plan.files.iter().map(|f| (f.path.clone(), f.kind)).collect();
        for loose in layout::loose_private_dirs(self.root(), &kinds) {
            if !self.plan.restrict.contains(&loose) {
                changed.push(loose.path);
            }
        }
        if changed.is_empty() {
            Ok(())
        } else {
            Err(WriteError::Changed(changed))
        }
    }

    fn create_dir(&mut self, dir: &Path, shown: &Path, private: bool) -> Result<(), WriteError> {
        #[cfg_attr(not(unix), allow(unused_mut))]
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(if private { 0o700 } else { 0o777 });
        }
        #[cfg(not(unix))]
        let _ = private;
        self.change("create the directory", shown, || builder.create(dir))?;
        self.undo.push(Undo::CreatedDir(dir.to_path_buf()));
        Ok(())
    }

    /// Creates the missing directories of `f` and writes it to a temporary file beside it.
    fn stage(&mut self, f: &'p PlannedFile) -> Result<Staged<'p>, WriteError> {
        let root = &self.plan.resolved;
        let base = root.dir();
        for dir in layout::ancestors(&f.path) {
            if fs::symlink_metadata(base.join(dir)).is_err() {
                self.create_dir(&base.join(dir), &root.shown(dir), layout::is_private(dir))?;
            }
        }
        let target = base.join(&f.path);
        let shown = root.shown(&f.path);
        let content = match f.kind {
            FileKind::Secret => random_password().map_err(|source| WriteError::Io {
                what: "generate a secret for",
                path: shown.clone(),
                source,
            })?,
            _ => f.new.clone(),
        };
        let secret = f.kind == FileKind::Secret;
        let mode = match f.action {
            // Readable by the container users (compose keeps host permissions), never writable;
            // the 0700 directory keeps other host users out.
            _ if secret => Some(0o444),
            // A replaced file keeps its mode.
            Action::Overwrite => fs::symlink_metadata(&target).ok().and_then(|m| layout::mode_of(&m)),
            _ => None,
        };
        let temp = self.change("write", &shown, || write_temp(&target, content.as_bytes(), secret, mode))?;
        Ok(Staged { file: f, temp, target })
    }

    /// Renames a staged file over its target; a replaced file is kept aside until the end.
    fn put_in_place(&mut self, staged: Staged) -> Result<(), WriteError> {
        let Staged { file, temp, target } = staged;
        let shown = self.plan.resolved.shown(&file.path);
        if file.action == Action::Overwrite {
            let previous = self.change("keep aside the previous content of", &shown, || keep_aside(&target))?;
            self.change("replace", &shown, || temp.persist(&target).map(drop).map_err(|e| e.error))?;
            self.undo.push(Undo::Replaced { target, previous });
        } else {
            self.change("create", &shown, || temp.persist_noclobber(&target).map(drop).map_err(|e| e.error))?;
            self.undo.push(Undo::Created(target));
        }
        Ok(())
    }

    /// After success: the kept files are removed, the writes made durable, stale temporary
    /// files of earlier runs removed.
    fn finish(&mut self) {
        let mut dirs = Vec::new();
        for undo in self.undo.drain(..) {
            match undo {
                Undo::Replaced { target, previous } | Undo::Removed { target, previous } => {
                    drop(previous);
                    dirs.extend(target.parent().map(Path::to_path_buf));
                }
                Undo::Created(target) => dirs.extend(target.parent().map(Path::to_path_buf)),
                Undo::CreatedDir(dir) => dirs.extend(dir.parent().map(Path::to_path_buf)),
                Undo::Mode { .. } => {}
            }
        }
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            // Best effort: the renames are done; a directory that cannot be synced is not an error.
            let _ = fs::File::open(&dir).and_then(|d| d.sync_all());
        }
        let base = self.root().dir();
        for temp in &self.plan.stale {
            let path = base.join(temp);
            if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                let _ = fs::remove_file(path);
            }
        }
        self.lock = None;
    }

    /// Undoes every change in reverse order. When something cannot be undone, the error says
    /// exactly what is left.
    fn roll_back(&mut self, error: WriteError) -> WriteError {
        let mut failed = Vec::new();
        for undo in self.undo.drain(..).rev() {
            match undo {
                Undo::Replaced { target, previous } | Undo::Removed { target, previous } => {
                    if let Err(e) = previous.persist(&target) {
                        let kept = e.file.keep().map(|(_, p)| p).unwrap_or_default();
                        failed.push(format!(
                            "  {} has the new content; the previous content is in {}: {}",
                            crate::shown::path(&target),
                            crate::shown::path(&kept),
                            e.error
                        ));
                    }
                }
                Undo::Created(target) => {
                    if let Err(e) = fs::remove_file(&target) {
                        failed.push(format!(
                            "  {} was written and could not be removed: {e}",
                            crate::shown::path(&target)
                        ));
                    }
                }
                Undo::Mode { dir, mode } => {
                    if let Err(e) = set_mode(&dir, mode) {
                        failed.push(format!(
                            "  {} has mode 0700 and could not be set back to {mode:03o}: {e}",
                            crate::shown::path(&dir)
                        ));
                    }
                }
                Undo::CreatedDir(dir) => {
                    if let Err(e) = fs::remove_dir(&dir) {
                        failed
                            .push(format!("  {} was created and could not be removed: {e}", crate::shown::path(&dir)));
                    }
                }
            }
        }
        // Signals that arrived while undoing must not end the process before it reports.
        let _ = self.signals.take();
        self.lock = None;
        if failed.is_empty() {
            return error;
        }
        match error {
            WriteError::Io { what, path, source } => WriteError::Incomplete { what, path, source, undo: failed },
            other => WriteError::Incomplete {
                what: "finish writing",
                path: self.root().given().to_path_buf(),
                source: io::Error::other(other.to_string()),
                undo: failed,
            },
        }
    }
}

/// Locks the target directory for this run (advisory, released when the file is closed).
fn lock(root: &Root) -> Result<fs::File, WriteError> {
    let dir = root.dir();
    let file = fs::File::open(&dir).map_err(|source| WriteError::Io {
        what: "open",
        path: root.given().to_path_buf(),
        source,
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let error = io::Error::last_os_error();
            return Err(if error.kind() == io::ErrorKind::WouldBlock {
                WriteError::Busy(root.given().to_path_buf())
            } else {
                WriteError::Io { what: "lock", path: root.given().to_path_buf(), source: error }
            });
        }
    }
    Ok(file)
}

fn name_of(target: &Path) -> &OsStr {
    target.file_name().expect("a planned file has a name")
}

fn parent_of(target: &Path) -> &Path {
    target.parent().expect("a planned file has a directory")
}

/// Writes `content` to a new temporary file beside `target`, flushed to disk. It is created as
/// a new file is (0666 less the umask), or 0600 for a secret, and gets `mode` once written.
fn write_temp(target: &Path, content: &[u8], secret: bool, mode: Option<u32>) -> io::Result<NamedTempFile> {
    let prefix = stale::prefix(name_of(target));
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = stale::builder(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(if secret { 0o600 } else { 0o666 }));
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut temp = builder.tempfile_in(parent_of(target))?;
    temp.write_all(content)?;
    if let Some(mode) = mode {
        set_mode(temp.path(), mode)?;
    }
    temp.as_file().sync_all()?;
    Ok(temp)
}

/// Keeps the current content of `target` under a temporary name: a hard link where the
/// filesystem allows one, a copy otherwise. `target` itself is never missing.
fn keep_aside(target: &Path) -> io::Result<NamedTempFile<()>> {
    let prefix = stale::prefix(name_of(target));
    let builder = stale::builder(&prefix);
    builder
        .make_in(parent_of(target), |kept| fs::hard_link(target, kept))
        .or_else(|_| builder.make_in(parent_of(target), |kept| fs::copy(target, kept).map(drop)))
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// 32 characters from [A-Za-z0-9] drawn from the OS random source (about 190 bits).
pub fn random_password() -> io::Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(33);
    let mut buf = [0u8; 64];
    while out.len() < 32 {
        getrandom::fill(&mut buf).map_err(|e| io::Error::other(e.to_string()))?;
        for b in buf {
            // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
            if b < 248 && out.len() < 32 {
                out.push(ALPHABET[(b % 62) as usize] as char);
            }
        }
    }
    out.push('\n');
    Ok(out)
}
