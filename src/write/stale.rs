//! berth's temporary files: how they are named, and finding the ones a killed run left behind.
//!
//! Every temporary file berth makes (a staged file, or the previous content kept aside while
//! the plan is applied) is `.NAME.berth-TAG.tmp` beside its target, removed when dropped. A run
//! killed outright (SIGKILL, power loss) cannot remove them, and one may hold a password; the
//! next run that writes the same directories removes files of exactly this pattern there.

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};

use super::layout::{ancestors, Root};
use crate::render::FileKind;

const MARK: &str = ".berth-";
const SUFFIX: &str = ".tmp";
/// Random characters in a tag; earlier versions used the process id.
const TAG_LEN: usize = 8;
const MAX_TAG_LEN: usize = 32;

/// A builder for a temporary file beside a file named `name`.
pub fn builder<'a>(prefix: &'a OsStr) -> tempfile::Builder<'a, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(SUFFIX).rand_bytes(TAG_LEN);
    builder
}

/// The prefix of a temporary file beside a file named `name`: `.NAME.berth-`.
pub fn prefix(name: &OsStr) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(MARK);
    prefix
}

/// Whether a file name is one of berth's temporary files.
pub fn is_temp_name(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else { return false };
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix(SUFFIX)) else { return false };
    let Some((base, tag)) = rest.rsplit_once(MARK) else { return false };
    !base.is_empty() && (1..=MAX_TAG_LEN).contains(&tag.len()) && tag.chars().all(|c| c.is_ascii_alphanumeric())
}

/// berth's temporary files in the directories the plan writes (the target and the directories
/// of its files, not below), relative to the target.
pub fn find(root: &Root, files: &[(PathBuf, FileKind)]) -> Vec<PathBuf> {
    let mut dirs: BTreeSet<&Path> = files.iter().flat_map(|(p, _)| ancestors(p)).collect();
    dirs.insert(Path::new(""));
    let base = root.dir();
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(base.join(dir)) else { continue };
        for entry in entries.flatten() {
            if is_temp_name(&entry.file_name()) && entry.file_type().is_ok_and(|t| t.is_file()) {
                found.push(dir.join(entry.file_name()));
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_berth_makes_are_recognised_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = prefix(OsStr::new("Dockerfile"));
        let made = builder(&prefix).tempfile_in(dir.path()).unwrap();
        assert!(is_temp_name(made.path().file_name().unwrap()), "{:?}", made.path());
        for old in [".Dockerfile.berth-4242.tmp", ".db_password.berth-17.tmp", "..env.berth-1.tmp"] {
            assert!(is_temp_name(OsStr::new(old)), "{old}");
        }
        for other in [
            "Dockerfile.berth-1.tmp",
            ".Dockerfile.berth-.tmp",
            ".Dockerfile.berth-12.tmp.bak",
            ".Dockerfile.berth-1 2.tmp",
            ".berth-1.tmp",
            ".notes.tmp",
            ".x.berth-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.tmp",
        ] {
            assert!(!is_temp_name(OsStr::new(other)), "{other}");
        }
    }
}
