//! The audit findings a user's edits add: the files as they will be after an upgrade, audited
//! in memory, against the files as berth renders them alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audit::config::Config;
use crate::audit::context::BuildContext;
use crate::audit::{discover, rule::FileKind};
use crate::report::{Diagnostic, FileError};

/// The build context file the Dockerfile audit reads.
const DOCKERIGNORE: &str = ".dockerignore";

/// The findings of each file berth audits (Dockerfile, compose file, GitHub workflow).
fn audit_all(
    dir: &Path,
    files: &BTreeMap<PathBuf, String>,
    config: &Config,
) -> Vec<Result<Vec<Diagnostic>, FileError>> {
    let dockerignore = files.get(Path::new(DOCKERIGNORE)).map(String::as_str).unwrap_or("");
    let mut context = None;
    files
        .iter()
        .filter_map(|(path, text)| Some((path, text, discover::kind_of(path)?)))
        .map(|(path, text, kind)| {
            let context = (kind == FileKind::Dockerfile)
                .then(|| &*context.get_or_insert_with(|| BuildContext::with_dockerignore(dir, dockerignore)));
            crate::audit::audit_text(&path.to_string_lossy(), text, kind, context, config)
        })
        .collect()
}

/// What rule found, ignoring where: lines move when a file is merged.
fn key(d: &Diagnostic) -> (String, &'static str, String) {
    (d.path.clone(), d.code, d.message.clone())
}

/// The findings in `after` that `baseline` does not have, and the files that could not be
/// parsed (a parse error is a finding of its own: the file no longer reads).
pub fn introduced(
    dir: &Path,
    after: &BTreeMap<PathBuf, String>,
    baseline: &BTreeMap<PathBuf, String>,
    config: &Config,
) -> (Vec<Diagnostic>, Vec<FileError>) {
    let mut known: Vec<(String, &'static str, String)> =
        audit_all(dir, baseline, config).into_iter().flatten().flatten().map(|d| key(&d)).collect();
    let mut added = Vec::new();
    let mut errors = Vec::new();
    for result in audit_all(dir, after, config) {
        match result {
            Ok(diagnostics) => {
                for d in diagnostics {
                    match known.iter().position(|k| *k == key(&d)) {
                        Some(i) => {
                            known.swap_remove(i);
                        }
                        None => added.push(d),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    (added, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_edit_adds_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let clean = "services:\n  app:\n    image: x\n    cap_drop: [ALL]\n";
        let weakened = "services:\n  app:\n    image: x\n";
        let name = PathBuf::from("docker-compose.prod.yml");
        let baseline = BTreeMap::from([(name.clone(), clean.to_string())]);
        let (same, _) = introduced(dir.path(), &baseline, &baseline, &Config::default());
        assert!(same.is_empty(), "{same:?}");
        let after = BTreeMap::from([(name.clone(), weakened.to_string())]);
        let (added, errors) = introduced(dir.path(), &after, &baseline, &Config::default());
        assert!(errors.is_empty());
        assert!(added.iter().any(|d| d.message.contains("cap_drop")), "{added:?}");
        let broken = BTreeMap::from([(name, "services: [".to_string())]);
        let (_, errors) = introduced(dir.path(), &broken, &baseline, &Config::default());
        assert_eq!(errors.len(), 1);
    }
}
