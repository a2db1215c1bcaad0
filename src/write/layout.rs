//! Where the files go, and whether they can go there: the target directory, the planned paths
//! checked against each other, and each path checked against what is on disk.

use std::collections::{BTreeSet, HashMap};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::{Restrict, Seen, WriteError};
use crate::render::{FileKind, SECRETS_DIR};

/// The target directory, found once when the plan is made; apply writes there and refuses when
/// it has moved.
#[derive(Debug, Clone)]
pub struct Root {
    /// As given, for messages.
    given: PathBuf,
    /// The deepest directory on the way that exists, with symbolic links above it resolved.
    existing: PathBuf,
    /// The directories below `existing` that apply creates.
    missing: Vec<OsString>,
}

fn io_error<'p>(what: &'static str, path: &'p Path) -> impl FnOnce(io::Error) -> WriteError + 'p {
    move |source| WriteError::Io { what, path: path.to_path_buf(), source }
}

fn unsafe_path(path: impl Into<PathBuf>, reason: impl Into<String>) -> WriteError {
    WriteError::UnsafePath { path: path.into(), reason: reason.into() }
}

fn link_target(path: &Path) -> String {
    fs::read_link(path).map(|t| crate::shown::path(&t)).unwrap_or_else(|_| "?".into())
}

impl Root {
    /// Finds `given` on disk. It may be missing (apply creates it), but it may not be a symbolic
    /// link, and the way to it may not go through a file or a broken link. Links above it are
    /// followed: they are part of the machine (`/var` on macOS, a linked home directory).
    pub fn resolve(given: &Path) -> Result<Root, WriteError> {
        // Rebuilt from its components so that `link/` is seen as the link `link`.
        let mut cursor: PathBuf = given.components().collect();
        if cursor.as_os_str().is_empty() {
            cursor = PathBuf::from(".");
        }
        let mut missing = Vec::new();
        loop {
            match fs::symlink_metadata(&cursor) {
                Ok(meta) => {
                    if meta.file_type().is_symlink() && missing.is_empty() {
                        return Err(unsafe_path(
                            given,
                            format!(
                                "it is a symbolic link (to {}); berth writes only into a real directory: give the directory the link points to",
                                link_target(&cursor)
                            ),
                        ));
                    }
                    match fs::metadata(&cursor) {
                        Ok(target) if target.is_dir() => break,
                        Ok(_) => {
                            return Err(unsafe_path(
                                given,
                                format!(
                                    "{} exists and is not a directory; give berth new a directory (it is created when missing)",
                                    crate::shown::path(&cursor)
                                ),
                            ))
                        }
                        Err(_) => {
                            return Err(unsafe_path(
                                given,
                                format!(
                                    "{} is a symbolic link to {}, which does not exist",
                                    crate::shown::path(&cursor),
                                    link_target(&cursor)
                                ),
                            ))
                        }
                    }
                }
                // ENOTDIR: a file on the way; its parent shows which.
                Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                    let (Some(name), Some(parent)) = (cursor.file_name(), cursor.parent()) else {
                        return Err(unsafe_path(given, "give the directory as a path without `..`"));
                    };
                    if !matches!(cursor.components().next_back(), Some(Component::Normal(_))) {
                        return Err(unsafe_path(given, "give the directory as a path without `..`"));
                    }
                    missing.push(name.to_os_string());
                    cursor = if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent.to_path_buf() };
                }
                Err(e) => return Err(io_error("inspect", given)(e)),
            }
        }
        let existing = cursor.canonicalize().map_err(io_error("inspect", &cursor))?;
        missing.reverse();
        Ok(Root { given: given.to_path_buf(), existing, missing })
    }

    /// The target directory on disk.
    pub fn dir(&self) -> PathBuf {
        let mut dir = self.existing.clone();
        dir.extend(&self.missing);
        dir
    }

    /// The directories apply creates before anything else, outermost first.
    pub fn missing_dirs(&self) -> Vec<PathBuf> {
        let mut dir = self.existing.clone();
        self.missing
            .iter()
            .map(|name| {
                dir.push(name);
                dir.clone()
            })
            .collect()
    }

    /// Whether `other` finds the same place on disk.
    pub fn same_place(&self, other: &Root) -> bool {
        self.existing == other.existing && self.missing == other.missing
    }

    pub fn given(&self) -> &Path {
        &self.given
    }

    /// A path inside the target directory as the user knows it, for messages.
    pub fn shown(&self, relative: &Path) -> PathBuf {
        if self.given == Path::new(".") {
            relative.to_path_buf()
        } else {
            self.given.join(relative)
        }
    }
}

/// The directories a relative path goes through, outermost first (not the path itself).
pub fn ancestors(path: &Path) -> impl Iterator<Item = &Path> {
    let mut all: Vec<&Path> = path.ancestors().skip(1).filter(|a| !a.as_os_str().is_empty()).collect();
    all.reverse();
    all.into_iter()
}

/// Checks the planned paths against each other, before anything on disk: plain relative paths,
/// no path that is a file and the directory of another, no two paths that differ only in case.
pub fn check_layout(root: &Root, files: &[(PathBuf, FileKind)]) -> Result<(), WriteError> {
    let paths: BTreeSet<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
    for path in &paths {
        if path.as_os_str().is_empty() || path.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(unsafe_path(
                root.shown(path),
                "only plain relative paths inside the target directory are written",
            ));
        }
        if let Some(file) = ancestors(path).find(|a| paths.contains(a)) {
            let file = crate::shown::path(file);
            return Err(unsafe_path(
                root.shown(path),
                format!("{file} is also a file berth writes, so it cannot be a directory too; choose a path that does not go through {file}"),
            ));
        }
    }
    // A project is checked out on macOS and Windows too, where case is folded: refuse there
    // and here alike, rather than write a project that breaks on the next clone.
    let mut folded: HashMap<String, &Path> = HashMap::new();
    for path in &paths {
        for name in ancestors(path).chain([*path]) {
            let key = name.to_string_lossy().to_lowercase();
            match folded.get(&key) {
                Some(first) if *first != name => {
                    return Err(unsafe_path(
                        root.shown(name),
                        format!(
                            "it differs from {} only in letter case; on a case-insensitive filesystem (macOS and Windows by default) both are one path and one would overwrite the other: choose a path that differs by more than case",
                            crate::shown::path(first)
                        ),
                    ))
                }
                Some(_) => {}
                None => {
                    folded.insert(key, name);
                }
            }
        }
    }
    Ok(())
}

/// What is at a planned path now. Refuses a symbolic link or a file where a directory must be
/// (even a link that stays inside the target: `secrets -> src` would put the password in the
/// image), a directory or a special file where a file goes, and a link in place of a file berth
/// manages. Starters and secrets that exist are kept without being read.
pub fn probe(root: &Root, relative: &Path, kind: FileKind) -> Result<Seen, WriteError> {
    let base = root.dir();
    for dir in ancestors(relative) {
        let on_disk = base.join(dir);
        match fs::symlink_metadata(&on_disk) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Seen::Absent),
            Err(e) => return Err(io_error("inspect", &root.shown(dir))(e)),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(unsafe_path(
                    root.shown(dir),
                    format!(
                        "it is a symbolic link (to {}); berth writes only into real directories, so that no link sends a file (such as a password) somewhere else: replace the link with a directory and run again",
                        link_target(&on_disk)
                    ),
                ))
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => {
                return Err(unsafe_path(
                    root.shown(dir),
                    format!(
                        "it is {}, and {} needs it to be a directory: move it away and run again",
                        crate::read::what(meta.file_type()),
                        crate::shown::path(relative)
                    ),
                ))
            }
        }
    }
    let target = base.join(relative);
    let shown = root.shown(relative);
    let meta = match fs::symlink_metadata(&target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Seen::Absent),
        Err(e) => return Err(io_error("inspect", &shown)(e)),
        Ok(meta) => meta,
    };
    if meta.is_dir() {
        return Err(unsafe_path(
            shown,
            "a directory is in the way: berth writes a file there; move the directory away and run again",
        ));
    }
    if kind != FileKind::Managed {
        return Ok(Seen::Kept);
    }
    if meta.file_type().is_symlink() {
        return Err(unsafe_path(
            shown,
            format!(
                "it is a symbolic link (to {}); berth manages this file and never writes through a link: replace the link with a copy of its target, or remove it, and run again",
                link_target(&target)
            ),
        ));
    }
    match crate::read::bytes_limited(&target, crate::read::MAX_BYTES) {
        Ok(bytes) => Ok(Seen::File(bytes)),
        Err(e) => Err(unsafe_path(shown, format!("it {e}"))),
    }
}

/// Whether a directory holds secrets and so is created, and kept, with mode 0700.
pub fn is_private(dir: &Path) -> bool {
    dir.starts_with(SECRETS_DIR)
}

/// Private directories that exist with a mode looser than 0700.
pub fn loose_private_dirs(root: &Root, files: &[(PathBuf, FileKind)]) -> Vec<Restrict> {
    let dirs: BTreeSet<&Path> = files.iter().flat_map(|(p, _)| ancestors(p)).filter(|d| is_private(d)).collect();
    let mut loose = Vec::new();
    for dir in dirs {
        let Ok(meta) = fs::symlink_metadata(root.dir().join(dir)) else { continue };
        if let Some(mode) = mode_of(&meta).filter(|mode| mode & 0o077 != 0) {
            loose.push(Restrict { path: dir.to_path_buf(), mode });
        }
    }
    loose
}

#[cfg(unix)]
pub fn mode_of(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
pub fn mode_of(_meta: &fs::Metadata) -> Option<u32> {
    None
}

/// Refuses, before anything changes, a file berth would replace that is read-only, immutable
/// or append-only, and a directory it would create files in that it cannot write.
pub fn check_writable(root: &Root, relative: &Path, replace: bool) -> Result<(), WriteError> {
    let base = root.dir();
    if replace {
        let target = base.join(relative);
        let shown = root.shown(relative);
        let meta = fs::symlink_metadata(&target).map_err(io_error("inspect", &shown))?;
        if meta.permissions().readonly() {
            return Err(unsafe_path(
                &shown,
                format!(
                    "it is read-only{}; berth does not replace a file made read-only: make it writable (chmod u+w {}) or remove it, and run again",
                    mode_of(&meta).map(|m| format!(" (mode {m:03o})")).unwrap_or_default(),
                    crate::shown::shell_word(shown.as_os_str())
                ),
            ));
        }
        if let Some(flag) = unchangeable(&target) {
            return Err(unsafe_path(&shown, flag_reason(flag, &shown)));
        }
    }
    // The deepest directory that exists on the way: where the file, or its first missing
    // directory, is created.
    let mut dir = base.join(relative);
    dir.pop();
    while fs::symlink_metadata(&dir).is_err() && dir.pop() {}
    let shown = match dir.strip_prefix(&base) {
        Ok(inside) if inside.as_os_str().is_empty() => root.given.clone(),
        Ok(inside) => root.shown(inside),
        Err(_) => dir.clone(),
    };
    if let Some(flag) = unchangeable(&dir) {
        return Err(unsafe_path(&shown, flag_reason(flag, &shown)));
    }
    if let Err(e) = writable_dir(&dir) {
        return Err(unsafe_path(
            shown,
            format!("berth cannot create files in it ({e}); make it writable and run again"),
        ));
    }
    Ok(())
}

fn flag_reason(flag: &str, shown: &Path) -> String {
    format!(
        "it is {flag} (lsattr shows it); nothing can replace it: clear the flag (chattr -{} {}) or remove it, and run again",
        if flag == "immutable" { 'i' } else { 'a' },
        crate::shown::shell_word(shown.as_os_str())
    )
}

#[cfg(unix)]
fn writable_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(dir.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: a valid NUL-terminated path; access only reads it.
    if unsafe { libc::access(c_path.as_ptr(), libc::W_OK) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn writable_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// "immutable" or "append-only" when the file's inode flags (`chattr +i`, `chattr +a`) forbid
/// replacing it, even for root.
#[cfg(target_os = "linux")]
fn unchangeable(path: &Path) -> Option<&'static str> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    // From linux/fs.h; the libc crate does not carry them.
    const FS_IMMUTABLE_FL: libc::c_int = 0x10;
    const FS_APPEND_FL: libc::c_int = 0x20;
    let file = fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW).open(path).ok()?;
    let mut flags: libc::c_int = 0;
    // SAFETY: FS_IOC_GETFLAGS writes one int through the pointer, which outlives the call.
    if unsafe { libc::ioctl(file.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) } != 0 {
        return None;
    }
    if flags & FS_IMMUTABLE_FL != 0 {
        Some("immutable")
    } else if flags & FS_APPEND_FL != 0 {
        Some("append-only")
    } else {
        None
    }
}

#[cfg(not(target_os = "linux"))]
fn unchangeable(_path: &Path) -> Option<&'static str> {
    None
}
