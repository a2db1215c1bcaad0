//! Answers from files: what berth reads, where it blames a problem, and what it refuses to read.

use std::process::Command;

use crate::Berth;

fn mkfifo(path: &std::path::Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn an_unknown_key_is_reported_at_its_line_with_the_closest_key() {
    let run = Berth::new()
        .file("p/berth.yml", "name: etl\nbase: slim\npyhton: '3.13'\n")
        .args(&["new", "p", "-y"])
        .run()
        .expect_code(2);
    assert!(run.stderr().contains("p/berth.yml:3:1: unknown key `pyhton`; did you mean `python`?"), "{}", run.stderr());
}

#[test]
fn duplicate_keys_and_wrong_types_name_their_line_and_column() {
    let run = Berth::new()
        .file("a.yml", "python: '3.12'\npython: '3.13'\nbuild_packages: {gcc: yes}\napp_memory: é\n")
        .args(&["new", "p", "-y", "--answers", "a.yml"])
        .run()
        .expect_code(2);
    let err = run.stderr();
    assert!(err.contains("a.yml:2:1: duplicate key `python` (first on line 1)"), "{err}");
    assert!(err.contains("a.yml:3:17: build_packages: expected a plain value, found a mapping"), "{err}");
    assert!(err.contains("a.yml:4:13: app_memory = \"é\": use a whole number"), "{err}");
}

#[test]
fn files_that_are_not_regular_files_are_refused_by_name() {
    let berth = Berth::new().file("big.yml", &format!("# {}\n", "x".repeat(2 * 1024 * 1024)));
    let dir = berth.path().to_path_buf();
    mkfifo(&dir.join("fifo.yml"));
    std::fs::create_dir(dir.join("folder.yml")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--answers", "fifo.yml"], "fifo.yml: cannot read the answers file: is not a regular file"),
        (&["--answers", "/dev/zero"], "/dev/zero: cannot read the answers file: is not a regular file"),
        (&["--answers", "folder.yml"], "folder.yml: cannot read the answers file: is a directory"),
        (&["--answers", "big.yml"], "big.yml: cannot read the answers file: is larger than"),
        (&["--preset", "/dev/zero"], "/dev/zero: cannot read the preset file: is not a regular file"),
        (&["--preset", "./fifo.yml"], "fifo.yml: cannot read the preset file: is not a regular file"),
    ];
    let mut berth = Some(berth);
    for (args, expected) in cases {
        let b = berth.take().unwrap_or_else(|| panic!("one run per directory"));
        let mut all = vec!["new", "p", "-y"];
        all.extend_from_slice(args);
        let run = b.args(&all).run().expect_code(2);
        assert!(run.stderr().contains(expected), "{args:?}: {}", run.stderr());
        assert!(!run.exists("p"), "nothing written");
        berth = Some(Berth::reuse(run));
    }
}

#[test]
fn extends_is_blamed_on_the_file_and_line_that_names_it() {
    let run = Berth::new()
        .file("org.yaml", "description: ours\nextends: /dev/zero\n")
        .args(&["new", "p", "-y", "--preset", "./org.yaml"])
        .run()
        .expect_code(2);
    assert!(run.stderr().contains("./org.yaml:2:10: /dev/zero: cannot read the preset file"), "{}", run.stderr());
    let run = Berth::new()
        .file("a.yaml", "extends: b.yaml\n")
        .file("b.yaml", "scan_severity: low\nextends: a.yaml\n")
        .args(&["new", "p", "-y", "--preset", "./a.yaml"])
        .run()
        .expect_code(2);
    let err = run.stderr();
    assert!(err.contains("b.yaml:2:10: `extends` loops back: ./a.yaml -> ./b.yaml -> ./a.yaml"), "{err}");
    assert_eq!(err.matches("loops back").count(), 1, "{err}");
}

#[test]
fn dependency_files_that_are_not_files_are_refused_by_name() {
    let berth = Berth::new();
    std::fs::create_dir(berth.path().join("p")).unwrap();
    mkfifo(&berth.path().join("p/pyproject.toml"));
    std::os::unix::fs::symlink("/dev/zero", berth.path().join("p/requirements.txt")).unwrap();
    let run = berth.args(&["new", "p", "-y", "--base", "alpine"]).run().expect_code(2);
    let err = run.stderr();
    assert!(err.contains("p/requirements.txt: cannot read the dependency file: is not a regular file"), "{err}");
    assert!(err.contains("p/pyproject.toml: cannot read the dependency file: is not a regular file"), "{err}");
}

#[test]
fn regenerating_a_project_warns_about_nothing_berth_wrote() {
    for preset in ["minimal", "distroless-batch", "api-service", "postgres-etl"] {
        let run = Berth::new().args(&["new", "p", "--preset", preset, "-y"]).run().expect_code(0);
        let again = run.then(&["new", "p", "-y"]).expect_code(0);
        assert!(!again.stderr().contains("warning"), "{preset}: {}", again.stderr());
    }
}

#[test]
fn an_entrypoint_through_a_managed_file_is_refused_and_nothing_is_written() {
    for entrypoint in
        ["docker-compose.prod.yml/x.py", "Dockerfile/x.py", "berth.yml/x.py", "secrets/x.py", "Dockerfile.main"]
    {
        let run = Berth::new().args(&["new", "p", "-y", "--entrypoint", entrypoint]).run().expect_code(2);
        assert!(run.stderr().contains("clashes with a file berth manages"), "{entrypoint}: {}", run.stderr());
        assert!(!run.exists("p"), "{entrypoint}: nothing written");
    }
}

#[test]
fn hostile_keys_and_values_are_shown_escaped() {
    let run = Berth::new()
        .file("a.yml", "\"\\e[31mred\\nerror: forged\": 1\nname: \"\\e]0;x\\a\"\n")
        .args(&["new", "p", "-y", "--answers", "a.yml", "--set", "\u{202e}x=1"])
        .run()
        .expect_code(2);
    let err = run.stderr();
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}') && !err.contains('\u{202e}'), "{err:?}");
    assert!(!err.lines().any(|l| l.starts_with("error: forged")), "{err}");
    assert!(err.contains("\\u{1b}[31mred\\nerror: forged"), "{err}");
}

#[test]
fn verify_refuses_a_berth_yml_that_is_not_a_file() {
    let berth = Berth::new();
    std::fs::create_dir(berth.path().join("p")).unwrap();
    mkfifo(&berth.path().join("p/berth.yml"));
    let run = berth.args(&["verify", "p", "--docker", "/nonexistent/docker"]).run().expect_code(2);
    assert!(
        run.stderr().contains("berth.yml: cannot read the answers file: is not a regular file"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_multi_byte_memory_limit_is_refused_not_a_panic() {
    for flag in ["--app-memory=é", "--db-memory=5é", "--app-memory=\u{301}"] {
        let run = Berth::new().args(&["new", "p", "-y", "--database", "postgres", flag]).run().expect_code(2);
        assert!(run.stderr().contains("use a whole number with a unit k, m or g"), "{flag}: {}", run.stderr());
    }
}
