//! Writing a rendered project: plan, conflicts, dry-run diffs and atomic writes.
//!
//! Nothing is written unless every file can be: conflicts stop the run before any write, and
//! the files are first staged as temporary files beside their targets and only then renamed
//! into place, so a failure leaves no partial file behind.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::render::{FileKind, RenderedFile};

/// What writing will do to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    /// The file exists with other content; written only with `--force`.
    Overwrite,
    Unchanged,
    /// A starter or secret that already exists: left alone, always.
    Keep,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Overwrite => "overwrite",
            Action::Unchanged => "unchanged",
            Action::Keep => "keep",
        }
    }
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
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub root: PathBuf,
    pub files: Vec<PlannedFile>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{count} existing file(s) differ from what berth would write: {list}\nnothing was written; compare with --dry-run, or replace them with --force", count = .0.len(), list = .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Conflicts(Vec<PathBuf>),
    #[error("refusing to write {path}: {reason}")]
    UnsafePath { path: PathBuf, reason: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Refuses paths that could leave the target directory: absolute, `..`, or through a symlink
/// that resolves outside it.
fn check_inside(root: &Path, relative: &Path) -> Result<(), WriteError> {
    let unsafe_path =
        |reason: &str| WriteError::UnsafePath { path: relative.to_path_buf(), reason: reason.to_string() };
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(unsafe_path("only plain relative paths inside the target directory are written"));
    }
    let Ok(real_root) = root.canonicalize() else { return Ok(()) };
    let mut existing = root.join(relative);
    while !existing.exists() {
        if !existing.pop() {
            return Ok(());
        }
    }
    let real = existing.canonicalize().map_err(io_error(&existing))?;
    if !real.starts_with(&real_root) {
        return Err(unsafe_path(&format!(
            "{} resolves to {}, outside {}",
            existing.display(),
            real.display(),
            real_root.display()
        )));
    }
    Ok(())
}

/// Compares the rendered files with what is on disk.
pub fn plan(root: &Path, files: &BTreeMap<PathBuf, RenderedFile>) -> Result<Plan, WriteError> {
    let mut planned = Vec::new();
    for (path, file) in files {
        check_inside(root, path)?;
        let target = root.join(path);
        let (action, old) = if target.is_dir() {
            return Err(WriteError::UnsafePath { path: path.clone(), reason: "a directory is in the way".into() });
        } else if target.exists() {
            let bytes = fs::read(&target).map_err(io_error(&target))?;
            let old = String::from_utf8(bytes).ok();
            let action = match file.kind {
                FileKind::Starter | FileKind::Secret => Action::Keep,
                FileKind::Managed if old.as_deref() == Some(file.content.as_str()) => Action::Unchanged,
                FileKind::Managed => Action::Overwrite,
            };
            (action, if file.kind == FileKind::Secret { None } else { old })
        } else {
            (Action::Create, None)
        };
        planned.push(PlannedFile { path: path.clone(), kind: file.kind, action, new: file.content.clone(), old });
    }
    Ok(Plan { root: root.to_path_buf(), files: planned })
}

impl Plan {
    pub fn conflicts(&self) -> Vec<PathBuf> {
        self.files.iter().filter(|f| f.action == Action::Overwrite).map(|f| f.path.clone()).collect()
    }

    /// One line per file: action and path.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            let note = match (f.kind, f.action) {
                (FileKind::Secret, Action::Create) => " (random secret, not shown)",
                (FileKind::Starter, Action::Keep) => " (yours: starter files are never overwritten)",
                (FileKind::Secret, Action::Keep) => " (existing secret kept)",
                _ => "",
            };
            let _ = writeln!(out, "  {:<9} {}{note}", f.action.label(), f.path.display());
        }
        out
    }

    /// Unified diffs of every file that would be created or changed.
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            if !matches!(f.action, Action::Create | Action::Overwrite) || f.kind == FileKind::Secret {
                continue;
            }
            let old = f.old.as_deref().unwrap_or("");
            let path = f.path.display().to_string();
            let diff = similar::TextDiff::from_lines(old, &f.new);
            let from = if f.action == Action::Create { "/dev/null".to_string() } else { format!("a/{path}") };
            let _ = write!(out, "{}", diff.unified_diff().context_radius(3).header(&from, &format!("b/{path}")));
        }
        out
    }

    /// Writes the plan. Conflicts refuse the whole write unless `force`.
    pub fn apply(&self, force: bool) -> Result<(), WriteError> {
        let conflicts = self.conflicts();
        if !conflicts.is_empty() && !force {
            return Err(WriteError::Conflicts(conflicts));
        }
        let to_write: Vec<&PlannedFile> =
            self.files.iter().filter(|f| matches!(f.action, Action::Create | Action::Overwrite)).collect();
        let mut created_dirs = Vec::new();
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        let result = (|| {
            for f in &to_write {
                let target = self.root.join(&f.path);
                let parent = target.parent().expect("a file has a parent").to_path_buf();
                create_dirs(&parent, &mut created_dirs)?;
                let content = match f.kind {
                    FileKind::Secret => {
                        restrict_dir(&parent)?;
                        random_password()?
                    }
                    _ => f.new.clone(),
                };
                let temp = stage(&target, content.as_bytes(), f.kind == FileKind::Secret)?;
                staged.push((temp, target));
            }
            for (temp, target) in &staged {
                fs::rename(temp, target).map_err(io_error(target))?;
            }
            Ok(())
        })();
        if result.is_err() {
            for (temp, _) in &staged {
                let _ = fs::remove_file(temp);
            }
            for dir in created_dirs.iter().rev() {
                let _ = fs::remove_dir(dir);
            }
        }
        result
    }
}

fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), WriteError> {
    let mut missing = Vec::new();
    let mut cursor = Some(dir);
    while let Some(d) = cursor {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        cursor = d.parent();
    }
    for d in missing.into_iter().rev() {
        fs::create_dir(&d).map_err(io_error(&d))?;
        created.push(d);
    }
    Ok(())
}

#[cfg(unix)]
fn restrict_dir(dir: &Path) -> Result<(), WriteError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io_error(dir))
}

#[cfg(not(unix))]
fn restrict_dir(_dir: &Path) -> Result<(), WriteError> {
    Ok(())
}

/// Writes `content` to a temporary file beside `target` and returns its path.
fn stage(target: &Path, content: &[u8], secret: bool) -> Result<PathBuf, WriteError> {
    let name = target.file_name().expect("a file has a name").to_string_lossy();
    let temp = target.with_file_name(format!(".{name}.berth-{}.tmp", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Secrets are readable by the container users (compose keeps host permissions) and
        // never writable; the 0700 directory keeps other host users out.
        options.mode(if secret { 0o444 } else { 0o644 });
    }
    let mut file = options.open(&temp).map_err(io_error(&temp))?;
    let written = file.write_all(content).and_then(|_| file.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(WriteError::Io { path: temp, source: e });
    }
    Ok(temp)
}

/// 32 characters from [A-Za-z0-9] drawn from the OS random source (about 190 bits).
fn random_password() -> Result<String, WriteError> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(33);
    let mut buf = [0u8; 64];
    while out.len() < 32 {
        getrandom::fill(&mut buf).map_err(|e| WriteError::Io {
            path: PathBuf::from("secrets"),
            source: std::io::Error::other(e.to_string()),
        })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, FileKind, &str)]) -> BTreeMap<PathBuf, RenderedFile> {
        pairs.iter().map(|(p, k, c)| (PathBuf::from(p), RenderedFile { kind: *k, content: c.to_string() })).collect()
    }

    #[test]
    fn plans_create_unchanged_overwrite_keep() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("same"), "x").unwrap();
        fs::write(dir.path().join("differs"), "old").unwrap();
        fs::write(dir.path().join("mine.py"), "user code").unwrap();
        let plan = plan(
            dir.path(),
            &files(&[
                ("new", FileKind::Managed, "n"),
                ("same", FileKind::Managed, "x"),
                ("differs", FileKind::Managed, "new"),
                ("mine.py", FileKind::Starter, "starter"),
            ]),
        )
        .unwrap();
        let actions: Vec<_> = plan.files.iter().map(|f| (f.path.to_str().unwrap(), f.action)).collect();
        assert_eq!(
            actions,
            vec![
                ("differs", Action::Overwrite),
                ("mine.py", Action::Keep),
                ("new", Action::Create),
                ("same", Action::Unchanged)
            ]
        );
        assert!(matches!(plan.apply(false), Err(WriteError::Conflicts(c)) if c == vec![PathBuf::from("differs")]));
        assert!(!dir.path().join("new").exists(), "a refused plan writes nothing");
        plan.apply(true).unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("differs")).unwrap(), "new");
        assert_eq!(fs::read_to_string(dir.path().join("mine.py")).unwrap(), "user code");
    }

    #[test]
    fn refuses_paths_outside() {
        let dir = tempfile::tempdir().unwrap();
        assert!(plan(dir.path(), &files(&[("../x", FileKind::Managed, "")])).is_err());
        assert!(plan(dir.path(), &files(&[("/etc/x", FileKind::Managed, "")])).is_err());
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(outside.path(), dir.path().join("src")).unwrap();
            let err = plan(dir.path(), &files(&[("src/pipeline.py", FileKind::Starter, "")])).unwrap_err();
            assert!(err.to_string().contains("outside"), "{err}");
        }
    }

    #[test]
    fn failure_midway_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // A plain file where a directory must go makes the second write fail.
        fs::write(dir.path().join("blocker"), "").unwrap();
        let mut plan = plan(dir.path(), &files(&[("a/first", FileKind::Managed, "1")])).unwrap();
        plan.files.push(PlannedFile {
            path: "blocker/second".into(),
            kind: FileKind::Managed,
            action: Action::Create,
            new: "2".into(),
            old: None,
        });
        assert!(plan.apply(false).is_err());
        assert!(!dir.path().join("a").exists(), "created directories are removed");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("blocker")]);
    }

    #[cfg(unix)]
    #[test]
    fn secrets_are_random_readable_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        plan(dir.path(), &files(&[("secrets/db_password", FileKind::Secret, "")])).unwrap().apply(false).unwrap();
        let path = dir.path().join("secrets/db_password");
        let first = fs::read_to_string(&path).unwrap();
        assert_eq!(first.trim().len(), 32);
        assert!(first.trim().chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o444);
        assert_eq!(fs::metadata(dir.path().join("secrets")).unwrap().permissions().mode() & 0o777, 0o700);
        let again = plan(dir.path(), &files(&[("secrets/db_password", FileKind::Secret, "")])).unwrap();
        assert_eq!(again.files[0].action, Action::Keep);
        assert_ne!(random_password().unwrap(), random_password().unwrap());
    }
}
