//! `berth audit` inputs: what directory search finds and what it lists as skipped, standard
//! input, and hostile files (FIFOs, devices, huge files, deep YAML) that must give a clear
//! per-file error, never a hang, a crash or silence.

use std::path::Path;
use std::process::Command;

use crate::Berth;

const DOCKERFILE: &str =
    "FROM python:3.13-slim-trixie\nUSER 10001:10001\nHEALTHCHECK NONE\nCMD [\"python\", \"app.py\"]\n";
const COMPOSE: &str = "services:\n  app:\n    image: example/app:1.0\n    privileged: true\n";

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn paths(v: &serde_json::Value, key: &str) -> Vec<String> {
    let mut out: Vec<String> =
        v[key].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    out.sort();
    out.dedup();
    out
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git").arg("-C").arg(dir).args(args).status().expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

// ---------------------------------------------------------------------------------------------
// Directory search: nothing skipped silently

#[test]
fn committed_files_are_audited_whatever_ignore_files_say() {
    let berth = Berth::new()
        .file("Dockerfile.deb", "FROM python:3.13-slim\n")
        .file(".gitignore", "**/*.deb\nbuild/\n")
        .file(".ignore", "deploy/\n")
        .file("deploy/compose.yml", COMPOSE)
        .file("build/Dockerfile", DOCKERFILE);
    git(berth.path(), &["init", "-q"]);
    git(berth.path(), &["add", "-f", "Dockerfile.deb", ".gitignore", "deploy/compose.yml"]);
    let run = berth.args(&["audit", "--format", "json"]).run().expect_code(1);
    let v = json(&run.stdout());
    assert_eq!(paths(&v, "findings"), ["Dockerfile.deb", "deploy/compose.yml"]);
    assert_eq!(v["summary"]["files"], 2);
    assert_eq!(
        v["skipped"],
        serde_json::json!([{"path": "build/Dockerfile", "reason": "ignored by .gitignore:2 (`build/`) and not tracked by git"}])
    );
    assert!(run.stderr().contains("note: skipped build/Dockerfile: ignored by .gitignore:2"), "{}", run.stderr());
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_tree_are_followed_and_the_rest_is_listed() {
    use std::os::unix::fs::symlink;
    let berth = Berth::new()
        .file("docker/prod.txt", "FROM python:3.13-slim\n")
        .file("ci/release.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n");
    let root = berth.path().to_path_buf();
    symlink("docker/prod.txt", root.join("Dockerfile")).unwrap();
    std::fs::create_dir(root.join(".github")).unwrap();
    symlink("../ci", root.join(".github/workflows")).unwrap();
    symlink("..", root.join("docker/up")).unwrap();
    symlink("/etc/hostname", root.join("Containerfile")).unwrap();
    let run = berth.args(&["audit", "--format", "json"]).run().expect_code(1);
    let v = json(&run.stdout());
    assert_eq!(v["summary"]["files"], 2, "{v}");
    assert_eq!(paths(&v, "findings"), [".github/workflows/release.yml", "Dockerfile"]);
    assert_eq!(paths(&v, "skipped"), ["Containerfile"]);
    assert!(v["skipped"][0]["reason"].as_str().unwrap().contains("outside the searched directory"), "{v}");
}

#[test]
fn a_directory_with_only_skipped_files_says_so() {
    let berth = Berth::new().file(".gitignore", "*.yml\n").file("compose.yml", COMPOSE);
    git(berth.path(), &["init", "-q"]);
    let run = berth.args(&["audit"]).run().expect_code(0);
    assert!(run
        .stdout()
        .contains("0 file(s) audited: 0 finding(s), 0 at or above high, 0 suppressed, 0 error(s), 1 skipped"));
    assert!(run.stderr().contains("note: skipped compose.yml: ignored by .gitignore:1 (`*.yml`)"), "{}", run.stderr());
}

#[test]
fn templates_are_audited_when_they_parse_and_listed_when_they_do_not() {
    let run = Berth::new()
        .file("{{cookiecutter.slug}}/Dockerfile", "FROM python:3.13\nRUN curl -fsSL https://x | sh\n")
        .file(
            "{{cookiecutter.slug}}/compose.yml",
            "services:\n  app:\n    image: x\n{% if db %}\n  db: {}\n{% endif %}\n",
        )
        .args(&["audit", "--format", "json"])
        .run()
        .expect_code(1);
    let v = json(&run.stdout());
    assert_eq!(paths(&v, "findings"), ["{{cookiecutter.slug}}/Dockerfile"]);
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(paths(&v, "skipped"), ["{{cookiecutter.slug}}/compose.yml"]);
    let reason = v["skipped"][0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("a template (in `{{cookiecutter.slug}}`) that does not parse as it is: invalid YAML"),
        "{reason}"
    );
}

#[test]
fn a_file_that_fails_to_parse_at_a_template_tag_is_listed_as_a_template() {
    let run = Berth::new()
        .file("Dockerfile.oracle", "{{\n  def pkg: \"x\";\n-}}\nFROM debian:13\n")
        .file("Dockerfile", "FROM debian:13\nBOGUS x\n")
        .args(&["audit", "--format", "json", "--fail-on", "critical"])
        .run()
        .expect_code(2);
    let v = json(&run.stdout());
    assert_eq!(paths(&v, "skipped"), ["Dockerfile.oracle"]);
    let reason = v["skipped"][0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("a template (line 1 is a template tag) that does not parse as it is: "), "{reason}");
    assert_eq!(paths(&v, "errors"), ["Dockerfile"], "a broken Dockerfile stays an error");
}

// ---------------------------------------------------------------------------------------------
// Standard input

#[test]
fn stdin_is_audited_under_the_name_given() {
    let run = Berth::new().args(&["audit", "-"]).stdin("FROM python:3.13\nRUN curl -fsSL https://x | sh\n").run();
    let run = run.expect_code(1);
    assert!(run.stdout().contains("<stdin>:2:"), "{}", run.stdout());
    let run = Berth::new()
        .args(&["audit", "--format", "json", "--stdin-filename", "deploy/compose.prod.yml", "-"])
        .stdin(COMPOSE)
        .run()
        .expect_code(1);
    let v = json(&run.stdout());
    assert_eq!(paths(&v, "findings"), ["deploy/compose.prod.yml"]);
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["code"] == "BC001"), "{v}");
}

#[test]
fn stdin_of_no_known_kind_or_a_stray_name_is_an_error() {
    let run = Berth::new().args(&["audit", "-"]).stdin("hello: world\n").run().expect_code(2);
    assert!(run.stderr().contains("error: <stdin>: cannot tell whether this is a Dockerfile"), "{}", run.stderr());
    assert!(run.stderr().contains("--stdin-filename"), "{}", run.stderr());
    let run = Berth::new().args(&["audit", "--stdin-filename", "Dockerfile", "."]).run().expect_code(2);
    assert!(run.stderr().contains("add `-` to the paths"), "{}", run.stderr());
}

// ---------------------------------------------------------------------------------------------
// Hostile files: a clear error naming the file, never a hang or an unbounded read

#[cfg(unix)]
#[test]
fn fifos_devices_and_huge_files_are_errors_naming_the_file() {
    let berth = Berth::new().file("ok/Dockerfile", DOCKERFILE);
    let root = berth.path().to_path_buf();
    mkfifo(&root.join("Dockerfile"));
    std::fs::create_dir(root.join("svc")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", root.join("svc/compose.yml")).unwrap();
    let huge = std::fs::File::create(root.join("docker-compose.yml")).unwrap();
    huge.set_len(100 * 1024 * 1024).unwrap();
    let run = berth.args(&["audit"]).run().expect_code(2);
    let err = run.stderr();
    assert!(err.contains("error: Dockerfile: is not a regular file (a FIFO, socket or device)"), "{err}");
    assert!(err.contains("error: docker-compose.yml: is larger than 67108864 bytes"), "{err}");
    assert!(err.contains("note: skipped svc/compose.yml: is a symlink to a file outside the searched"), "{err}");
    assert!(run.stdout().contains("3 file(s) audited"), "{}", run.stdout());
    // Named on the command line, a FIFO is not "no such file", and a link to a device is read
    // only to be refused.
    let run = run.then(&["audit", "Dockerfile", "svc/compose.yml"]).expect_code(2);
    assert!(run.stderr().contains("error: Dockerfile: is not a regular file"), "{}", run.stderr());
    assert!(run.stderr().contains("error: svc/compose.yml: is not a regular file"), "{}", run.stderr());
}

#[cfg(unix)]
#[test]
fn an_unreadable_configuration_is_an_error_naming_it() {
    let berth = Berth::new().file("Dockerfile", DOCKERFILE);
    mkfifo(&berth.path().join(".berth-audit.yml"));
    let run = berth.args(&["audit"]).run().expect_code(2);
    assert!(run.stderr().contains("error: .berth-audit.yml: cannot read: is not a regular file"), "{}", run.stderr());
    let run = run.then(&["audit", "--config", "/dev/zero"]).expect_code(2);
    assert!(run.stderr().contains("error: /dev/zero: cannot read: is not a regular file"), "{}", run.stderr());
}

#[cfg(unix)]
#[test]
fn a_fifo_dockerignore_is_an_error_of_the_dockerfile() {
    let berth = Berth::new().file("Dockerfile", "FROM python:3.13-slim\nUSER 10001\nCOPY . /app\n");
    mkfifo(&berth.path().join(".dockerignore"));
    let run = berth.args(&["audit"]).run().expect_code(2);
    assert!(
        run.stderr()
            .contains("error: Dockerfile: its build context's ignore file \".dockerignore\" is not a regular file"),
        "{}",
        run.stderr()
    );
}

#[test]
fn deep_yaml_is_a_nesting_error_at_its_line() {
    let deep = format!("services:\n  app:\n    image: x\n    environment:\n      {}x\n", "- ".repeat(6000));
    let run = Berth::new().file("compose.yml", &deep).args(&["audit"]).run().expect_code(2);
    assert!(run.stderr().contains("error: compose.yml:5:"), "{}", run.stderr());
    assert!(run.stderr().contains("nesting too deep"), "{}", run.stderr());
    let deep = format!("on: push\njobs: {}{}\n", "{a: ".repeat(6000), "}".repeat(6000));
    let run = Berth::new().file(".github/workflows/ci.yml", &deep).args(&["audit"]).run().expect_code(2);
    assert!(run.stderr().contains("error: .github/workflows/ci.yml:2:") && run.stderr().contains("nesting too deep"));
}

#[test]
fn a_run_script_past_the_shell_parsers_bounds_is_an_error_at_its_line() {
    let deep = format!("{}x{}", "$(".repeat(40), ")".repeat(40));
    let workflow = format!(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ok\n      - run: echo {deep}\n"
    );
    let run = Berth::new().file(".github/workflows/ci.yml", &workflow).args(&["audit"]).run().expect_code(2);
    assert!(
        run.stderr().contains(
            "error: .github/workflows/ci.yml:7:14: this `run:` script brings the file to command substitutions nested \
             more than 32 deep"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn compose_files_are_read_as_compose_reads_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml");
    let run = Berth::new().args(&["audit", "--format", "json", dir.to_str().unwrap()]).run();
    let v = json(&run.stdout());
    assert_eq!(v["errors"], serde_json::json!([]), "{}", run.stderr());
    let worker = v["findings"].as_array().unwrap().iter().find(|f| f["code"] == "BC001").expect("second document");
    assert_eq!((worker["line"].as_u64(), worker["scope"].as_str()), (Some(9), Some("worker")));
}

#[cfg(unix)]
#[test]
fn hostile_file_names_are_escaped_in_text_and_encoded_in_sarif() {
    let name = "x\u{1b}[31m\nerror: forged #1?.Dockerfile";
    let run = Berth::new().file(name, "FROM python:3.13\n").args(&["audit"]).run().expect_code(1);
    assert!(!run.stdout().contains('\u{1b}') && !run.stdout().contains("\nerror: forged"), "{}", run.stdout());
    assert!(run.stdout().contains("x\\u{1b}[31m\\nerror: forged #1?.Dockerfile:1:1: BD001"), "{}", run.stdout());
    let run = run.then(&["audit", "--format", "sarif"]).expect_code(1);
    let v = json(&run.stdout());
    let uri = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "x%1B%5B31m%0Aerror%3A%20forged%20%231%3F.Dockerfile");
}
