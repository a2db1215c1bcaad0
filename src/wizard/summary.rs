//! The last screen before writing: the resolved answers and what happens to each file.

use std::fmt::Write as _;
use std::path::Path;

use crate::spec::{answers_of, RawValue, Resolved};
use crate::write::Plan;

/// The resolved answers (the keys of `berth.yml`), warnings, and the write plan.
pub fn summary(resolved: &Resolved, plan: &Plan, dir: &Path) -> String {
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
    out.push_str(&plan.summary());
    out
}

/// The confirmation question; it says so when existing files differ and `--force` is needed.
pub fn confirm_prompt(plan: &Plan, force: bool) -> String {
    match plan.conflicts().len() {
        0 => "Write these files?".into(),
        n if force => format!("Write these files, replacing {n} that differ?"),
        n => format!("Write these files? ({n} differ: refused without --force)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{defaults, resolve, Environment};

    fn resolved() -> Resolved {
        let env = Environment { dir_name: Some("etl".into()), dependency_text: None };
        resolve(&[defaults()], &env).unwrap()
    }

    #[test]
    fn shows_every_answer_and_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = crate::render::render(&resolved().spec).unwrap();
        let plan = crate::write::plan(dir.path(), &files).unwrap();
        let text = summary(&resolved(), &plan, Path::new("etl"));
        assert!(text.contains("  name              etl\n"), "{text}");
        assert!(text.contains("  build_packages    []\n"), "{text}");
        assert!(text.contains("Files in etl:") && text.contains("create    Dockerfile"), "{text}");
        assert_eq!(confirm_prompt(&plan, false), "Write these files?");
    }

    #[test]
    fn differing_files_are_named_in_the_question() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let files = crate::render::render(&resolved().spec).unwrap();
        let plan = crate::write::plan(dir.path(), &files).unwrap();
        assert!(confirm_prompt(&plan, false).contains("--force"));
        assert!(confirm_prompt(&plan, true).contains("replacing 1"));
        assert!(summary(&resolved(), &plan, dir.path()).contains("overwrite Dockerfile"));
    }
}
