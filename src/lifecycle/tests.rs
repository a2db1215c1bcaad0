//! Specs of the per-file decisions, with template sets changed in memory as a newer berth
//! would change them.

use std::path::Path;
use std::process::Command;

use super::*;
use crate::render::TemplateId;
use crate::spec::{defaults, resolve, Layer, Source};

fn env() -> Environment {
    Environment { dir_name: Some("etl".into()), dependency_text: None }
}

fn spec(pairs: &[(&str, &str)]) -> ProjectSpec {
    let mut flags = Layer::new(Source::Flags);
    for (key, value) in pairs {
        flags.set(key, RawValue::One(value.to_string())).unwrap();
    }
    resolve(&[defaults(), flags], &env()).unwrap_or_else(|p| panic!("{p:?}")).spec
}

fn run(dir: &Path, spec: &ProjectSpec, templates: &Templates, mode: Mode) -> Sync {
    let environment = env();
    let inputs = Inputs { dir, spec, environment: &environment, templates, mode };
    sync(&inputs).unwrap_or_else(|e| panic!("{e}"))
}

/// Writes what a run decides, as `berth new` and `berth upgrade` do.
fn write(dir: &Path, spec: &ProjectSpec, templates: &Templates) -> Sync {
    let sync = run(dir, spec, templates, Mode::Merge { conflicts: false });
    if !sync.blocked() {
        sync.apply().unwrap();
    }
    sync
}

fn status(sync: &Sync, path: &str) -> Status {
    sync.steps
        .iter()
        .find(|s| s.path == Path::new(path))
        .map(|s| s.status.clone())
        .unwrap_or_else(|| panic!("no {path}"))
}

fn cause(sync: &Sync, path: &str) -> Option<Cause> {
    sync.steps.iter().find(|s| s.path == Path::new(path)).and_then(|s| s.cause)
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn commit_all(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "state"]);
}

/// A newer berth: the SECURITY.md and Dockerfile templates gain a line at their end.
fn newer() -> Templates {
    let dockerfile = format!("{}\n# hardened further\n", Templates::embedded(TemplateId::Dockerfile));
    let security = format!("{}\nOne more control.\n", Templates::embedded(TemplateId::Security));
    Templates::builtin().replacing(TemplateId::Dockerfile, dockerfile).replacing(TemplateId::Security, security)
}

fn edit(dir: &Path, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(dir.join(path)).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    std::fs::write(dir.join(path), text.replacen(from, to, 1)).unwrap();
}

const LABEL: &str = "WORKDIR /app\nLABEL org.example.team=\"data\"\n";

#[test]
fn a_file_nobody_edited_is_replaced_and_the_cause_is_the_templates() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(&[]);
    write(dir.path(), &spec, &Templates::builtin());
    let again = run(dir.path(), &spec, &Templates::builtin(), Mode::Merge { conflicts: false });
    assert!(again.steps.iter().all(|s| matches!(s.status, Status::Unchanged | Status::Keep)), "{:?}", again.steps);
    let sync = run(dir.path(), &spec, &newer(), Mode::Merge { conflicts: false });
    assert_eq!(status(&sync, "SECURITY.md"), Status::Replace);
    assert_eq!(cause(&sync, "SECURITY.md"), Some(Cause::Templates));
    assert_eq!(status(&sync, "docker-compose.prod.yml"), Status::Unchanged);
}

#[test]
fn an_edit_merges_with_a_template_change_from_the_base_in_git() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(&[]);
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), &spec, &Templates::builtin());
    commit_all(dir.path());
    edit(dir.path(), "Dockerfile", "WORKDIR /app\n", LABEL);
    let sync = write(dir.path(), &spec, &newer());
    assert_eq!(status(&sync, "Dockerfile"), Status::Merge);
    let merged = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(merged.contains(LABEL) && merged.ends_with("# hardened further\n"), "{merged}");
    // The next run finds the new base by rendering the recorded answers again: nothing to do.
    let again = run(dir.path(), &spec, &newer(), Mode::Merge { conflicts: false });
    assert_eq!(status(&again, "Dockerfile"), Status::Edited);
    assert!(again.changes().next().is_none(), "{:?}", again.changes().map(|s| &s.path).collect::<Vec<_>>());
}

#[test]
fn without_git_a_template_change_to_an_edited_file_has_no_base() {
    let dir = tempfile::tempdir().unwrap();
    let spec = spec(&[]);
    write(dir.path(), &spec, &Templates::builtin());
    edit(dir.path(), "Dockerfile", "WORKDIR /app\n", LABEL);
    let sync = write(dir.path(), &spec, &newer());
    let Status::NoBase(why) = status(&sync, "Dockerfile") else { panic!("{:?}", status(&sync, "Dockerfile")) };
    assert!(why.contains("not in a git repository"), "{why}");
    assert!(std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap().contains(LABEL));
    assert_eq!(status(&sync, "SECURITY.md"), Status::Replace, "the other files are written");
    assert!(sync.unresolved());
}

#[test]
fn without_git_an_answer_change_merges_from_the_recorded_answers() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &spec(&[]), &Templates::builtin());
    edit(dir.path(), "docker-compose.prod.yml", "    restart: unless-stopped\n", "    restart: always\n");
    let sync = write(dir.path(), &spec(&[("app_memory", "3g")]), &Templates::builtin());
    assert_eq!(status(&sync, "docker-compose.prod.yml"), Status::Merge);
    assert_eq!(cause(&sync, "docker-compose.prod.yml"), Some(Cause::Answers));
    let compose = std::fs::read_to_string(dir.path().join("docker-compose.prod.yml")).unwrap();
    assert!(compose.contains("restart: always") && compose.contains("mem_limit: 3g"), "{compose}");
}

#[test]
fn overlapping_edits_conflict_and_nothing_is_written_without_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &spec(&[]), &Templates::builtin());
    edit(dir.path(), "docker-compose.prod.yml", "    mem_limit: 1g\n", "    mem_limit: 1500m\n");
    let before = std::fs::read_to_string(dir.path().join("docker-compose.prod.yml")).unwrap();
    let changed = spec(&[("app_memory", "3g")]);
    let sync = run(dir.path(), &changed, &Templates::builtin(), Mode::Merge { conflicts: false });
    assert_eq!(status(&sync, "docker-compose.prod.yml"), Status::Conflict { written: false });
    assert!(sync.blocked());
    let shown = show::hunks(sync.steps.iter().find(|s| s.path == Path::new("docker-compose.prod.yml")).unwrap());
    assert!(shown.contains("mem_limit: 1500m") && shown.contains("mem_limit: 3g"), "{shown}");
    let marked = run(dir.path(), &changed, &Templates::builtin(), Mode::Merge { conflicts: true });
    assert_eq!(status(&marked, "docker-compose.prod.yml"), Status::Conflict { written: true });
    marked.apply().unwrap();
    let after = std::fs::read_to_string(dir.path().join("docker-compose.prod.yml")).unwrap();
    assert!(after.contains(merge::OURS) && after.contains(merge::THEIRS) && after != before, "{after}");
}

#[test]
fn files_no_longer_generated_are_removed_unless_edited() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &spec(&[]), &Templates::builtin());
    edit(dir.path(), ".github/dependabot.yml", "version: 2\n", "version: 2\n# ours\n");
    let sync = write(dir.path(), &spec(&[("ci", "gitlab")]), &Templates::builtin());
    assert_eq!(status(&sync, ".github/workflows/container.yml"), Status::Remove);
    assert_eq!(status(&sync, ".github/dependabot.yml"), Status::Orphan);
    assert!(!dir.path().join(".github/workflows/container.yml").exists());
    assert!(dir.path().join(".github/dependabot.yml").exists() && dir.path().join(".gitlab-ci.yml").exists());
    let lock = std::fs::read_to_string(dir.path().join(LOCK_FILE)).unwrap();
    assert!(!lock.contains(".github/"), "{lock}");
}

#[test]
fn the_marked_block_is_carried_over_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &spec(&[]), &Templates::builtin());
    let setup = "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \\\n && rm -rf /var/lib/apt/lists/*\n";
    edit(dir.path(), "Dockerfile", "# berth:begin runtime-setup\n", &format!("# berth:begin runtime-setup\n{setup}"));
    let sync = write(dir.path(), &spec(&[("python", "3.12")]), &newer());
    assert_eq!(status(&sync, "Dockerfile"), Status::Replace, "the block is berth's to carry, not an edit");
    let text = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(text.contains(&format!("# berth:begin runtime-setup\n{setup}# berth:end runtime-setup\n")), "{text}");
    assert!(text.contains("python:3.12") && text.ends_with("# hardened further\n"));
    assert!(sync.findings.is_empty(), "{:?}", sync.findings);
}

#[test]
fn edits_that_weaken_a_control_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &spec(&[]), &Templates::builtin());
    edit(dir.path(), "docker-compose.prod.yml", "    cap_drop:\n      - ALL\n", "");
    let sync = run(dir.path(), &spec(&[]), &Templates::builtin(), Mode::Merge { conflicts: false });
    assert_eq!(status(&sync, "docker-compose.prod.yml"), Status::Edited);
    assert!(sync.findings.iter().any(|d| d.message.contains("cap_drop")), "{:?}", sync.findings);
    assert!(!show::is_current(&sync));
}

#[test]
fn files_saved_with_crlf_or_a_byte_order_mark_merge_and_keep_their_form() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &spec(&[]), &Templates::builtin());
    let windows = |path: &str, bom: &str| {
        let text = std::fs::read_to_string(dir.path().join(path)).unwrap();
        std::fs::write(dir.path().join(path), format!("{bom}{}", text.replace('\n', "\r\n"))).unwrap();
    };
    windows("docker-compose.prod.yml", "\u{feff}");
    windows("Dockerfile", "");
    windows("SECURITY.md", "");
    let same = run(dir.path(), &spec(&[]), &Templates::builtin(), Mode::Merge { conflicts: false });
    assert!(same.changes().next().is_none(), "{:?}", same.changes().map(|s| &s.path).collect::<Vec<_>>());
    assert!(show::is_current(&same), "{:?} {:?}", same.steps, same.findings);
    edit(dir.path(), "docker-compose.prod.yml", "    restart: unless-stopped\r\n", "    restart: always\r\n");
    let sync = write(dir.path(), &spec(&[("app_memory", "3g")]), &newer());
    assert_eq!(status(&sync, "docker-compose.prod.yml"), Status::Merge);
    assert_eq!(status(&sync, "SECURITY.md"), Status::Replace, "only the line endings differ from berth's");
    let compose = std::fs::read_to_string(dir.path().join("docker-compose.prod.yml")).unwrap();
    assert!(compose.starts_with('\u{feff}') && compose.contains("restart: always\r\n"), "{compose}");
    assert!(compose.contains("mem_limit: 3g\r\n") && !compose.replace("\r\n", "").contains('\n'), "{compose}");
    let security = std::fs::read_to_string(dir.path().join("SECURITY.md")).unwrap();
    assert!(security.ends_with("One more control.\r\n"), "{security}");
    assert!(sync.findings.is_empty() && sync.unreadable.is_empty(), "{:?} {:?}", sync.findings, sync.unreadable);
}
