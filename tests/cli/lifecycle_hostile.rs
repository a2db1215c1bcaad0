//! `berth upgrade` and `berth check` given broken or hostile projects: each is a clear message
//! naming the file, exit 2, nothing written, and no hang.

use std::path::Path;
use std::process::Command;

use crate::{list_files, Berth, Run};

fn project() -> Run {
    Berth::new().args(&["new", "p", "-y", "--preset", "postgres-etl"]).run().expect_code(0)
}

/// Every file with its bytes; a FIFO or a link is listed, never read.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    list_files(dir)
        .into_iter()
        .filter(|p| !p.starts_with(".git/"))
        .map(|p| {
            let path = dir.join(&p);
            let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            (p, if regular { std::fs::read(path).unwrap() } else { Vec::new() })
        })
        .collect()
}

/// Runs upgrade and check; both must exit 2 with `message` and leave the project as it was.
fn refused(run: Run, message: &str) -> Run {
    let p = run.dir.path().join("p");
    let before = snapshot(&p);
    let upgrade = run.then(&["upgrade", "p"]);
    assert_eq!(upgrade.code(), 2, "upgrade: {}\n{}", upgrade.stdout(), upgrade.stderr());
    assert!(upgrade.stderr().contains(message), "upgrade: wanted {message:?} in\n{}", upgrade.stderr());
    assert!(!upgrade.stderr().contains('\u{1b}'), "{}", upgrade.stderr());
    let check = upgrade.then(&["check", "p"]);
    assert_eq!(check.code(), 2, "check: {}\n{}", check.stdout(), check.stderr());
    assert!(check.stderr().contains(message), "check: wanted {message:?} in\n{}", check.stderr());
    assert_eq!(snapshot(&check.dir.path().join("p")), before, "nothing written");
    check
}

fn write(run: &Run, path: &str, bytes: &[u8]) {
    std::fs::write(run.dir.path().join(path), bytes).unwrap();
}

#[test]
fn a_garbage_lock_is_named_with_its_position() {
    let run = project();
    write(&run, "p/berth.lock", b"lock: \"1\"\nanswers: [\nfiles: {{{\n");
    refused(run, "p/berth.lock:");
    let run = project();
    write(&run, "p/berth.lock", b"\x1b[31mnot yaml at all\x07: : :\n");
    refused(run, "berth.lock");
}

#[test]
fn a_huge_lock_is_refused_without_reading_it_all() {
    let run = project();
    write(&run, "p/berth.lock", &vec![b'#'; 3 * 1024 * 1024]);
    refused(run, "is larger than");
}

#[cfg(unix)]
#[test]
fn a_lock_that_is_a_fifo_or_a_link_out_of_the_tree_is_refused() {
    let run = project();
    let lock = run.dir.path().join("p/berth.lock");
    std::fs::remove_file(&lock).unwrap();
    let c_path = std::ffi::CString::new(lock.to_string_lossy().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let run = refused(run, "not a regular file");
    std::fs::remove_file(&lock).unwrap();
    std::fs::write(run.dir.path().join("outside.lock"), "lock: \"1\"\n").unwrap();
    std::os::unix::fs::symlink("../outside.lock", &lock).unwrap();
    refused(run, "symbolic link (to ../outside.lock)");
}

#[test]
fn lock_entries_outside_the_project_or_for_secrets_are_refused() {
    for (path, message) in [
        ("../../etc/passwd", "is not a plain path inside the project"),
        ("/etc/passwd", "is not a plain path inside the project"),
        ("secrets/db_password", "is not a file berth manages"),
        ("src/pipeline.py", "is not a file berth manages"),
    ] {
        let run = project();
        let lock = run.read("p/berth.lock").replacen("path: \"Dockerfile\"", &format!("path: \"{path}\""), 1);
        write(&run, "p/berth.lock", lock.as_bytes());
        refused(run, message);
    }
}

#[test]
fn a_lock_from_a_newer_berth_is_refused() {
    let run = project();
    let lock = run.read("p/berth.lock").replace("lock: \"1\"", "lock: \"2\"");
    write(&run, "p/berth.lock", lock.as_bytes());
    refused(run, "lock format \"2\" is not one this berth");
}

#[test]
fn a_managed_file_that_is_not_text_is_named() {
    let run = project();
    write(&run, "p/docker-compose.prod.yml", b"services:\n  app: \xff\xfe\n");
    refused(run, "p/docker-compose.prod.yml: it is not UTF-8 text");
}

#[test]
fn an_unclosed_marked_block_is_named_by_line() {
    let run = project();
    let dockerfile = run.read("p/Dockerfile").replace("# berth:end runtime-setup\n", "");
    write(&run, "p/Dockerfile", dockerfile.as_bytes());
    refused(run, "p/Dockerfile:");
}

#[test]
fn no_project_is_a_usage_error() {
    let run = Berth::new().args(&["upgrade", "nowhere"]).run().expect_code(2);
    assert!(
        run.stderr().contains("nowhere has no berth.yml") && run.stderr().contains("berth new nowhere"),
        "{}",
        run.stderr()
    );
    run.then(&["check"]).expect_code(2);
}

#[cfg(unix)]
#[test]
fn a_corrupt_git_repository_is_an_error_when_a_base_is_needed() {
    let run = project();
    let p = run.dir.path().join("p");
    needing_a_base_from_git(&run);
    let objects = p.join(".git/objects");
    for dir in std::fs::read_dir(&objects).unwrap().flatten() {
        if dir.file_name().len() == 2 {
            for object in std::fs::read_dir(dir.path()).unwrap().flatten() {
                let mut perms = std::fs::metadata(object.path()).unwrap().permissions();
                #[allow(clippy::permissions_set_readonly_false)]
                perms.set_readonly(false);
                std::fs::set_permissions(object.path(), perms).unwrap();
                std::fs::write(object.path(), b"garbage").unwrap();
            }
        }
    }
    refused(run, "git cannot read blob");
}

/// A project in git whose Dockerfile is edited and whose base only git has: the lock's answers
/// no longer render what it records.
#[cfg(unix)]
fn needing_a_base_from_git(run: &Run) {
    let p = run.dir.path().join("p");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .arg("-C")
            .arg(&p)
            .args(["-c", "user.name=t", "-c", "user.email=t@e"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "init"]);
    let text = run.read("p/Dockerfile").replacen("WORKDIR /app\n", "WORKDIR /app\nLABEL team=\"data\"\n", 1);
    write(run, "p/Dockerfile", text.as_bytes());
    let answers = run.read("p/berth.yml").replace("python: \"3.13\"", "python: \"3.12\"");
    write(run, "p/berth.yml", answers.as_bytes());
    let lock = run.read("p/berth.lock").replace("python: \"3.13\"", "python: \"3.14\"");
    write(run, "p/berth.lock", lock.as_bytes());
}

#[cfg(unix)]
#[test]
fn a_repository_that_names_programs_gets_none_run() {
    use std::os::unix::fs::PermissionsExt;
    let run = project();
    needing_a_base_from_git(&run);
    let marker = run.dir.path().join("ran");
    let program = run.dir.path().join("program.sh");
    std::fs::write(&program, format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\ncat\n", marker.display())).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let program = program.display().to_string();
    let mut config = String::from("[core]\n");
    for key in ["fsmonitor", "pager", "editor", "sshCommand", "askPass", "hooksPath", "alternateRefsCommand"] {
        config.push_str(&format!("\t{key} = {program}\n"));
    }
    config.push_str(&format!("[diff]\n\texternal = {program}\n[pager]\n\tcat-file = {program}\n"));
    config.push_str(&format!("[filter \"x\"]\n\tclean = {program}\n\tsmudge = {program}\n\tprocess = {program}\n"));
    config.push_str(&format!("[diff \"x\"]\n\ttextconv = {program}\n[credential]\n\thelper = {program}\n"));
    let git_config = run.dir.path().join("p/.git/config");
    let existing = std::fs::read_to_string(&git_config).unwrap();
    std::fs::write(&git_config, format!("{existing}{config}")).unwrap();
    write(&run, "p/.gitattributes", b"* filter=x diff=x\n");
    for hook in ["post-checkout", "pre-commit", "post-index-change", "reference-transaction"] {
        let path = run.dir.path().join("p/.git/hooks").join(hook);
        std::fs::copy(&program, &path).unwrap();
    }
    let check = run.then(&["check", "p"]);
    assert_eq!(check.code(), 1, "{}\n{}", check.stdout(), check.stderr());
    assert!(
        check.stdout().contains("Dockerfile: merge needed") || check.stdout().contains("Dockerfile:"),
        "{}",
        check.stdout()
    );
    let upgrade = check.then(&["upgrade", "p"]).expect_code(0);
    assert!(
        upgrade.read("p/Dockerfile").contains("LABEL team=\"data\"")
            && upgrade.read("p/Dockerfile").contains("python:3.12")
    );
    assert!(!marker.exists(), "git ran a program the repository names: {}", std::fs::read_to_string(&marker).unwrap());
}

#[cfg(unix)]
#[test]
fn a_project_behind_a_link_is_named_by_check_without_talk_of_writing() {
    let run = project();
    std::os::unix::fs::symlink("p", run.dir.path().join("link")).unwrap();
    let check = run.then(&["check", "link"]).expect_code(2);
    assert!(check.stderr().starts_with("error: cannot check link: it is a symbolic link"), "{}", check.stderr());
    assert!(!check.stderr().contains("written"), "{}", check.stderr());
}
