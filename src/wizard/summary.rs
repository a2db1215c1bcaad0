//! The last screen before writing: the resolved answers and what happens to each file.

use std::fmt::Write as _;
use std::path::Path;

use crate::lifecycle::{Status, Sync};
use crate::spec::{answers_of, RawValue, Resolved};

/// The resolved answers (the keys of `berth.yml`), warnings, and what happens to each file.
pub fn summary(resolved: &Resolved, files: &str, dir: &Path) -> String {
    let mut out = String::from("\nAnswers (saved to berth.yml):\n");
    let answers = answers_of(&resolved.spec);
    let width = answers.iter().map(|(key, _)| key.as_str().len()).max().unwrap_or(0);
    for (key, value) in answers {
        let shown = match value {
            RawValue::One(v) => v,
            RawValue::List(items) => format!("[{}]", items.join(", ")),
        };
        let _ = writeln!(out, "  {:<width$}  {shown}", key.as_str());
    }
    for warning in &resolved.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    let _ = writeln!(out, "\nFiles in {}:", dir.display());
    out.push_str(files);
    out
}

/// The confirmation question; it says what happens to files with the user's edits.
pub fn confirm_prompt(sync: &Sync) -> String {
    let count = |pick: fn(&Status) -> bool| sync.steps.iter().filter(|s| pick(&s.status)).count();
    let forced = count(|s| *s == Status::Forced);
    let merged = count(|s| *s == Status::Merge);
    let unresolved = count(Status::unresolved);
    match (forced, merged, unresolved) {
        (0, 0, 0) => "Write these files?".into(),
        (n, _, _) if n > 0 => format!("Write these files, replacing your edits in {n}?"),
        (_, n, 0) => format!("Write these files, merging your edits in {n}?"),
        (_, _, n) => format!("Write these files? ({n} cannot be merged and stay as they are)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{sync, Inputs, Mode};
    use crate::render::Templates;
    use crate::spec::{defaults, resolve, Environment};

    fn env() -> Environment {
        Environment { dir_name: Some("etl".into()), dependency_text: None }
    }

    fn resolved() -> Resolved {
        resolve(&[defaults()], &env()).unwrap()
    }

    fn plan(dir: &Path, mode: Mode) -> Sync {
        let resolved = resolved();
        let environment = env();
        let inputs =
            Inputs { dir, spec: &resolved.spec, environment: &environment, templates: &Templates::builtin(), mode };
        sync(&inputs).unwrap()
    }

    #[test]
    fn shows_every_answer_and_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let sync = plan(dir.path(), Mode::Merge { conflicts: false });
        let text = summary(&resolved(), &crate::lifecycle::show::plan_lines(&sync), Path::new("etl"));
        assert!(text.contains("  name              etl\n"), "{text}");
        assert!(text.contains("  build_packages    []\n"), "{text}");
        assert!(text.contains("Files in etl:") && text.contains("create    Dockerfile"), "{text}");
        assert_eq!(confirm_prompt(&sync), "Write these files?");
    }

    #[test]
    fn edited_files_are_named_in_the_question() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        assert!(confirm_prompt(&plan(dir.path(), Mode::Merge { conflicts: false })).contains("1 cannot be merged"));
        assert!(confirm_prompt(&plan(dir.path(), Mode::Force)).contains("replacing your edits in 1"));
    }
}
