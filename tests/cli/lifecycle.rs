//! Living with the generated files: `berth upgrade` and `berth check` on projects in git
//! repositories the tests create, edited as a team would edit them.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use berth::lifecycle::{self, Inputs, Mode};
use berth::render::{TemplateId, Templates};
use berth::spec::{self, Environment, Layer, RawValue, Source};

use crate::{list_files, Berth, Run};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", message]);
}

/// Every file under `dir` (but .git) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list_files(dir)
        .into_iter()
        .filter(|p| !p.starts_with(".git/"))
        .map(|p| {
            let bytes = std::fs::read(dir.join(&p)).unwrap();
            (p, bytes)
        })
        .collect()
}

fn edit(run: &Run, path: &str, from: &str, to: &str) {
    let text = run.read(path);
    assert!(text.contains(from), "{path} has no {from:?}:\n{text}");
    std::fs::write(run.dir.path().join(path), text.replacen(from, to, 1)).unwrap();
}

const LABEL: &str = "WORKDIR /app\nLABEL org.example.team=\"data\"\n";

/// `berth new p -y --preset postgres-etl` in a git repository, committed.
fn project() -> Run {
    let run = Berth::new().args(&["new", "p", "-y", "--preset", "postgres-etl"]).run().expect_code(0);
    git(&run.dir.path().join("p"), &["init", "-q"]);
    commit(&run.dir.path().join("p"), "berth new");
    run
}

/// The README's worked example, step by step.
#[test]
fn an_answer_change_keeps_a_local_label() {
    let run = project();
    let p = run.dir.path().join("p");
    edit(&run, "p/Dockerfile", "WORKDIR /app\n", LABEL);
    commit(&p, "team label");
    edit(&run, "p/berth.yml", "app_memory: \"2g\"", "app_memory: 3g");
    let check = run.then(&["check", "p"]).expect_code(1);
    assert!(
        check.stdout().contains("p/docker-compose.prod.yml: answers changed (app_memory \"2g\" -> \"3g\")"),
        "{}",
        check.stdout()
    );
    assert!(!check.stdout().contains("p/Dockerfile:"), "the label is a clean local edit\n{}", check.stdout());
    assert!(check.stdout().contains("+    mem_limit: 3g"), "{}", check.stdout());
    let upgrade = check.then(&["upgrade", "p"]).expect_code(0);
    assert!(upgrade.stdout().contains("kept      Dockerfile"), "{}", upgrade.stdout());
    assert!(upgrade.stdout().contains("update    docker-compose.prod.yml (answers changed)"), "{}", upgrade.stdout());
    assert!(upgrade.read("p/Dockerfile").contains(LABEL));
    assert!(upgrade.read("p/docker-compose.prod.yml").contains("mem_limit: 3g"));
    assert_eq!(upgrade.read("p/berth.yml").matches("app_memory: 3g").count(), 1, "berth.yml stays as written");
    let check = upgrade.then(&["check", "p"]).expect_code(0);
    assert!(check.stderr().contains("is current"), "{}", check.stderr());
    // berth new . -y takes the same path.
    let again = check.then(&["new", "p", "-y"]).expect_code(0);
    assert!(again.read("p/Dockerfile").contains(LABEL));
}

#[test]
fn a_conflicting_edit_writes_nothing_and_shows_the_hunk_unless_conflicts_is_given() {
    let run = project();
    let p = run.dir.path().join("p");
    edit(&run, "p/docker-compose.prod.yml", "    mem_limit: 2g\n", "    mem_limit: 2500m\n");
    commit(&p, "more memory by hand");
    edit(&run, "p/berth.yml", "app_memory: \"2g\"", "app_memory: \"3g\"");
    let before = snapshot(&p);
    let upgrade = run.then(&["upgrade", "p"]).expect_code(1);
    assert_eq!(snapshot(&p), before, "nothing written");
    let out = upgrade.stdout();
    assert!(out.contains("docker-compose.prod.yml (conflict at line"), "{out}");
    assert!(out.contains("<<<<<<< yours\n    mem_limit: 2500m") && out.contains(">>>>>>> berth, now"), "{out}");
    assert!(
        upgrade.stderr().contains("nothing was written") && upgrade.stderr().contains("--conflicts"),
        "{}",
        upgrade.stderr()
    );
    let check = upgrade.then(&["check", "p"]).expect_code(1);
    assert!(check.stdout().contains("merge needed: your edits overlap berth's change"), "{}", check.stdout());

    let marked = check.then(&["upgrade", "p", "--conflicts"]).expect_code(1);
    let compose = marked.read("p/docker-compose.prod.yml");
    assert!(compose.contains("<<<<<<< yours\n    mem_limit: 2500m\n"), "{compose}");
    assert!(compose.contains("=======\n    mem_limit: 3g\n") && compose.contains(">>>>>>> berth, now\n"), "{compose}");
    assert!(marked.stderr().contains("conflict markers to resolve"), "{}", marked.stderr());
    // Resolved by hand as berth renders it: current again.
    std::fs::write(p.join("docker-compose.prod.yml"), take_berths_side(&compose)).unwrap();
    marked.then(&["check", "p"]).expect_code(0);
}

/// Resolves every conflict of a merged text by taking berth's side.
fn take_berths_side(text: &str) -> String {
    let mut out = String::new();
    let mut side = None;
    for line in text.lines() {
        match (line, side) {
            ("<<<<<<< yours", _) => side = Some(false),
            ("=======", Some(false)) => side = Some(true),
            (">>>>>>> berth, now", _) => side = None,
            (_, None) | (_, Some(true)) => {
                out.push_str(line);
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn removing_cap_drop_merges_and_is_reported_as_a_weakened_control() {
    let run = project();
    let p = run.dir.path().join("p");
    edit(
        &run,
        "p/docker-compose.prod.yml",
        "    volumes:\n      - app-data:/data\n    cap_drop:\n      - ALL\n",
        "    volumes:\n      - app-data:/data\n",
    );
    commit(&p, "no cap_drop");
    let check = run.then(&["check", "p"]).expect_code(1);
    assert!(check.stdout().contains("Your edits add audit findings"), "{}", check.stdout());
    assert!(
        check.stdout().contains("p/docker-compose.prod.yml:") && check.stdout().contains("cap_drop"),
        "{}",
        check.stdout()
    );
    edit(&check, "p/berth.yml", "app_memory: \"2g\"", "app_memory: \"3g\"");
    let upgrade = check.then(&["upgrade", "p"]).expect_code(0);
    assert!(upgrade.stdout().contains("merge     docker-compose.prod.yml"), "{}", upgrade.stdout());
    let compose = upgrade.read("p/docker-compose.prod.yml");
    assert!(
        compose.contains("mem_limit: 3g")
            && !compose.contains(
                "    cap_drop:\n      - ALL\n    security_opt:\n      - no-new-privileges=true\n    env_file"
            ),
        "{compose}"
    );
    let err = upgrade.stderr();
    assert!(
        err.contains("your edits weaken controls") && err.contains("cap_drop") && err.contains("berth explain BC"),
        "{err}"
    );
    let json = upgrade.then(&["check", "p", "--format", "json"]).expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(report["current"], false);
    assert!(
        report["findings"].as_array().unwrap().iter().any(|f| f["message"].as_str().unwrap().contains("cap_drop")),
        "{report}"
    );
}

/// The answers of a preset, resolved as `berth new DIR --preset NAME -y` resolves them.
fn resolved(preset: &str, name: &str) -> (spec::ProjectSpec, Environment) {
    let mut layers = vec![spec::defaults()];
    layers.extend(berth::presets::load(preset).unwrap());
    let mut flags = Layer::new(Source::Flags);
    flags.set("name", RawValue::One(name.into())).unwrap();
    layers.push(flags);
    let environment = Environment { dir_name: Some(name.into()), dependency_text: None };
    (spec::resolve(&layers, &environment).unwrap().spec, environment)
}

/// The project as an older berth wrote it: its Dockerfile template lacked the `# Build:` line.
fn written_by_an_older_berth(dir: &Path) {
    let old = Templates::embedded(TemplateId::Dockerfile)
        .lines()
        .filter(|line| !line.starts_with("# Build: "))
        .map(|line| format!("{line}\n"))
        .collect::<String>();
    let templates = Templates::builtin().replacing(TemplateId::Dockerfile, old);
    let (spec, environment) = resolved("postgres-etl", "p");
    let inputs = Inputs {
        dir,
        spec: &spec,
        environment: &environment,
        templates: &templates,
        mode: Mode::Merge { conflicts: false },
    };
    let sync = lifecycle::sync(&inputs).unwrap();
    sync.apply().unwrap();
    assert!(!std::fs::read_to_string(dir.join("Dockerfile")).unwrap().contains("# Build: "));
}

#[test]
fn a_template_change_upgrades_an_edited_project_cleanly() {
    let base = Berth::new().run();
    let p = base.dir.path().join("p");
    written_by_an_older_berth(&p);
    git(&p, &["init", "-q"]);
    commit(&p, "older berth");
    edit(&base, "p/Dockerfile", "WORKDIR /app\n", LABEL);
    commit(&p, "team label");
    let check = base.then(&["check", "p"]).expect_code(1);
    assert!(
        check
            .stdout()
            .contains("p/Dockerfile: merge needed: your edits merge cleanly with berth's change (templates changed)"),
        "{}",
        check.stdout()
    );
    let upgrade = check.then(&["upgrade", "p"]).expect_code(0);
    assert!(
        upgrade.stdout().contains("merge     Dockerfile (your edits merged with berth's change: templates changed)"),
        "{}",
        upgrade.stdout()
    );
    let dockerfile = upgrade.read("p/Dockerfile");
    assert!(
        dockerfile.contains(LABEL) && dockerfile.contains("# Build: DOCKER_BUILDKIT=1 docker build"),
        "{dockerfile}"
    );
    commit(&p, "berth upgrade");
    upgrade.then(&["check", "p"]).expect_code(0);
}

#[test]
fn without_git_an_edited_file_is_explained_and_left_alone() {
    let base = Berth::new().run();
    let p = base.dir.path().join("p");
    written_by_an_older_berth(&p);
    edit(&base, "p/Dockerfile", "WORKDIR /app\n", LABEL);
    let edited = base.read("p/Dockerfile");
    let upgrade = base.then(&["upgrade", "p"]).expect_code(1);
    assert_eq!(upgrade.read("p/Dockerfile"), edited, "nothing written for it");
    let out = upgrade.stdout();
    assert!(
        out.contains("no base   Dockerfile (your edits, and templates changed; berth's last render is not found"),
        "{out}"
    );
    assert!(out.contains("not in a git repository"), "{out}");
    assert!(out.contains("+# Build: DOCKER_BUILDKIT=1"), "the change is shown\n{out}");
    let err = upgrade.stderr();
    assert!(
        err.contains("apply it by hand") && err.contains("remove the file") && err.contains("keep your file"),
        "{err}"
    );
    // Taking berth's version: remove the file and upgrade.
    std::fs::remove_file(p.join("Dockerfile")).unwrap();
    let taken = upgrade.then(&["upgrade", "p"]).expect_code(0);
    assert!(taken.read("p/Dockerfile").contains("# Build: "));
    taken.then(&["check", "p"]).expect_code(0);
}

#[test]
fn dry_run_shows_the_plan_and_writes_nothing() {
    let run = project();
    let p = run.dir.path().join("p");
    edit(&run, "p/berth.yml", "app_memory: \"2g\"", "app_memory: \"3g\"");
    let before = snapshot(&p);
    let dry = run.then(&["upgrade", "p", "--dry-run"]).expect_code(0);
    assert_eq!(snapshot(&p), before);
    assert!(dry.stdout().starts_with("Plan for p (dry run, nothing written):"), "{}", dry.stdout());
    assert!(dry.stdout().contains("+    mem_limit: 3g"), "{}", dry.stdout());
}

#[test]
fn conflicting_edits_in_every_managed_file_write_nothing() {
    let base = Berth::new().run();
    let p = base.dir.path().join("p");
    // An older berth said "Made by berth" where this one says "Generated by berth".
    let mut old = Templates::builtin();
    for id in TemplateId::ALL {
        old = old.replacing(*id, Templates::embedded(*id).replace("Generated by berth", "Made by berth"));
    }
    let (spec, environment) = resolved("postgres-etl", "p");
    let inputs = Inputs {
        dir: &p,
        spec: &spec,
        environment: &environment,
        templates: &old,
        mode: Mode::Merge { conflicts: false },
    };
    lifecycle::sync(&inputs).unwrap().apply().unwrap();
    git(&p, &["init", "-q"]);
    commit(&p, "older berth");
    let mut edited = Vec::new();
    for file in list_files(&p) {
        let text = std::fs::read_to_string(p.join(&file)).unwrap_or_default();
        if text.contains("Made by berth") {
            std::fs::write(p.join(&file), text.replacen("Made by berth", "Made by us", 1)).unwrap();
            edited.push(file);
        }
    }
    assert!(edited.len() >= 7, "{edited:?}");
    commit(&p, "our headers");
    let before = snapshot(&p);
    let upgrade = base.then(&["upgrade", "p"]).expect_code(1);
    assert_eq!(snapshot(&p), before, "nothing written");
    for file in &edited {
        assert!(upgrade.stdout().contains(&format!("conflict  {file}")), "{file}\n{}", upgrade.stdout());
    }
    let marked = upgrade.then(&["upgrade", "p", "--conflicts"]).expect_code(1);
    for file in &edited {
        let text = marked.read(&format!("p/{file}"));
        assert!(text.contains("<<<<<<< yours") && text.contains(">>>>>>> berth, now"), "{file}:\n{text}");
    }
    let check = marked.then(&["check", "p"]).expect_code(1);
    assert!(check.stdout().contains("no longer parses") || check.stdout().contains("Dockerfile"), "{}", check.stdout());
}

#[test]
fn a_fresh_clone_without_secrets_or_starter_code_is_current_and_shows_nothing() {
    let run = project();
    for path in ["p/requirements.txt", "p/src/pipeline.py", "p/secrets/db_password"] {
        std::fs::remove_file(run.dir.path().join(path)).unwrap();
    }
    let check = run.then(&["check", "p"]).expect_code(0);
    assert_eq!(check.stdout(), "", "starter code and secrets are not checked");
    assert!(check.stderr().contains("p is current"), "{}", check.stderr());
}
