use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::*;

fn files(pairs: &[(&str, FileKind, &str)]) -> BTreeMap<PathBuf, RenderedFile> {
    pairs.iter().map(|(p, k, c)| (PathBuf::from(p), RenderedFile { kind: *k, content: c.to_string() })).collect()
}

/// Every entry under `root`: kind, mode and content (a link's target), to compare a directory
/// before and after a run.
fn snapshot(root: &Path) -> BTreeMap<String, (char, u32, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (char, u32, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let mode = layout::mode_of(&meta).unwrap_or(0);
            let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if meta.file_type().is_symlink() {
                out.insert(name, ('l', 0, fs::read_link(&path).unwrap().into_os_string().into_encoded_bytes()));
            } else if meta.is_dir() {
                out.insert(name, ('d', mode, Vec::new()));
                walk(root, &path, out);
            } else {
                out.insert(name, ('f', mode, fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn plans_create_unchanged_overwrite_keep() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("same"), "x").unwrap();
    fs::write(dir.path().join("differs"), "old").unwrap();
    fs::write(dir.path().join("mine.py"), "user code").unwrap();
    let plan = plan(
        dir.path(),
        &files(&[
            ("new", FileKind::Managed, "n"),
            ("same", FileKind::Managed, "x"),
            ("differs", FileKind::Managed, "new"),
            ("mine.py", FileKind::Starter, "starter"),
        ]),
    )
    .unwrap();
    let actions: Vec<_> = plan.files.iter().map(|f| (f.path.to_str().unwrap(), f.action)).collect();
    assert_eq!(
        actions,
        vec![
            ("differs", Action::Overwrite),
            ("mine.py", Action::Keep),
            ("new", Action::Create),
            ("same", Action::Unchanged)
        ]
    );
    assert!(matches!(plan.apply(false), Err(WriteError::Conflicts(c)) if c == vec![PathBuf::from("differs")]));
    assert!(!dir.path().join("new").exists(), "a refused plan writes nothing");
    plan.apply(true).unwrap();
    assert_eq!(fs::read_to_string(dir.path().join("differs")).unwrap(), "new");
    assert_eq!(fs::read_to_string(dir.path().join("mine.py")).unwrap(), "user code");
}

#[test]
fn refuses_paths_outside() {
    let dir = tempfile::tempdir().unwrap();
    assert!(plan(dir.path(), &files(&[("../x", FileKind::Managed, "")])).is_err());
    assert!(plan(dir.path(), &files(&[("/etc/x", FileKind::Managed, "")])).is_err());
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("src")).unwrap();
        let err = plan(dir.path(), &files(&[("src/pipeline.py", FileKind::Starter, "")])).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
}

/// A path through another planned file, and paths equal but for case, are refused before any
/// write: the reported case wrote half a project and then failed on `docker-compose.prod.yml/`.
#[test]
fn planned_paths_are_checked_against_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("p");
    for (pairs, needle) in [
        (
            vec![
                ("Dockerfile", FileKind::Managed, "x"),
                ("docker-compose.prod.yml", FileKind::Managed, "x"),
                ("docker-compose.prod.yml/x.py", FileKind::Starter, "x"),
            ],
            "docker-compose.prod.yml is also a file berth writes",
        ),
        (vec![("secrets/.gitignore", FileKind::Managed, "*"), ("Secrets/x.py", FileKind::Starter, "")], "letter case"),
        (vec![("Dockerfile", FileKind::Managed, "x"), ("dockerfile/x.py", FileKind::Starter, "")], "letter case"),
    ] {
        let err = plan(&target, &files(&pairs)).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
        assert!(!target.exists(), "nothing written");
    }
}

#[cfg(unix)]
#[test]
fn links_and_files_in_the_way_are_refused() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A link that stays inside the directory still moves the password into src/.
    fs::create_dir(root.join("src")).unwrap();
    symlink("src", root.join("secrets")).unwrap();
    let err = plan(root, &files(&[("secrets/db_password", FileKind::Secret, "")])).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("secrets: it is a symbolic link (to src)") && text.contains("replace the link"), "{text}");
    fs::remove_file(root.join("secrets")).unwrap();
    // A file where a directory goes.
    fs::write(root.join("secrets"), "").unwrap();
    let err = plan(root, &files(&[("secrets/db_password", FileKind::Secret, "")])).unwrap_err();
    assert!(err.to_string().contains("it is a file, and secrets/db_password needs it to be a directory"), "{err}");
    fs::remove_file(root.join("secrets")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(root.join("secrets")).status().unwrap().success());
    let err = plan(root, &files(&[("secrets/db_password", FileKind::Secret, "")])).unwrap_err();
    assert!(err.to_string().contains("it is a FIFO, and secrets/db_password needs it"), "{err}");
    fs::remove_file(root.join("secrets")).unwrap();
    fs::write(root.join("secrets"), "").unwrap();
    // A link, dangling or not, in place of a managed file.
    symlink("elsewhere", root.join("Dockerfile")).unwrap();
    let err = plan(root, &files(&[("Dockerfile", FileKind::Managed, "x")])).unwrap_err();
    assert!(err.to_string().contains("never writes through a link"), "{err}");
    // A starter that is a link is the user's: kept, never followed.
    symlink("/nonexistent", root.join("mine.py")).unwrap();
    let kept = plan(root, &files(&[("mine.py", FileKind::Starter, "x")])).unwrap();
    assert_eq!(kept.files[0].action, Action::Keep);
    // A FIFO where a managed file goes is refused without blocking on it.
    let fifo = root.join("berth.yml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let err = plan(root, &files(&[("berth.yml", FileKind::Managed, "x")])).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    assert_eq!(fs::read_dir(root.join("src")).unwrap().count(), 0, "nothing written through the link");
}

#[cfg(unix)]
#[test]
fn the_target_directory_is_real_or_refused() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let one = files(&[("a/b", FileKind::Managed, "x")]);
    fs::create_dir(dir.path().join("real")).unwrap();
    symlink("real", dir.path().join("link")).unwrap();
    let err = plan(&dir.path().join("link"), &one).unwrap_err();
    assert!(err.to_string().contains("it is a symbolic link (to real)"), "{err}");
    let err = plan(&dir.path().join("link/"), &one).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "a trailing slash does not hide the link: {err}");
    symlink("missing", dir.path().join("dangling")).unwrap();
    assert!(plan(&dir.path().join("dangling/sub"), &one).unwrap_err().to_string().contains("does not exist"));
    fs::write(dir.path().join("file"), "").unwrap();
    let err = plan(&dir.path().join("file/sub/deeper"), &one).unwrap_err();
    assert!(err.to_string().contains("exists and is not a directory"), "{err}");
    // Links above the target are the machine's own (/var on macOS): followed, and pinned.
    let plan = plan(&dir.path().join("link/new/sub"), &one).unwrap();
    plan.apply(false).unwrap();
    assert_eq!(fs::read_to_string(dir.path().join("real/new/sub/a/b")).unwrap(), "x");
}

/// A plan like a re-run with --force: files to replace (one with its own mode), to create in
/// a new directory, a secret in a loose existing secrets/ directory, and files to keep.
fn busy_project(root: &Path) -> BTreeMap<PathBuf, RenderedFile> {
    fs::create_dir_all(root.join("secrets")).unwrap();
    fs::write(root.join("Dockerfile"), "FROM old\n").unwrap();
    fs::write(root.join("secrets/.gitignore"), "old\n").unwrap();
    fs::write(root.join("mine.py"), "mine\n").unwrap();
    fs::write(root.join("berth.yml"), "same\n").unwrap();
    #[cfg(unix)]
    {
        chmod(&root.join("secrets"), 0o755);
        chmod(&root.join("Dockerfile"), 0o640);
    }
    files(&[
        ("Dockerfile", FileKind::Managed, "FROM new\n"),
        ("docker-compose.prod.yml", FileKind::Managed, "services: {}\n"),
        (".github/workflows/container.yml", FileKind::Managed, "on: push\n"),
        ("secrets/.gitignore", FileKind::Managed, "*\n"),
        ("secrets/db_password", FileKind::Secret, ""),
        ("mine.py", FileKind::Starter, "starter\n"),
        ("berth.yml", FileKind::Managed, "same\n"),
    ])
}

/// The changes a run of `busy_project` makes, as the hook sees them.
fn steps_of_a_full_run() -> Vec<&'static str> {
    let dir = tempfile::tempdir().unwrap();
    let rendered = busy_project(dir.path());
    let mut seen = Vec::new();
    apply::apply(&plan(dir.path(), &rendered).unwrap(), true, &mut |what| {
        seen.push(what);
        Ok(())
    })
    .unwrap();
    seen
}

#[cfg(unix)]
#[test]
fn a_full_run_replaces_creates_restricts_and_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let rendered = busy_project(dir.path());
    let plan = plan(dir.path(), &rendered).unwrap();
    assert_eq!(plan.restrict, vec![Restrict { path: "secrets".into(), mode: 0o755 }]);
    assert!(plan.summary().contains("restrict  secrets/ (mode 755 -> 700"), "{}", plan.summary());
    plan.apply(true).unwrap();
    let after = snapshot(dir.path());
    assert_eq!(after["Dockerfile"], ('f', 0o640, b"FROM new\n".to_vec()), "a replaced file keeps its mode");
    assert_eq!(after["secrets"].1, 0o700);
    assert_eq!(after["secrets/db_password"].1, 0o444);
    assert_eq!(after["mine.py"].2, b"mine\n");
    let names: Vec<&String> = after.keys().collect();
    assert!(!names.iter().any(|n| n.contains(".berth-")), "no temporary file left: {names:?}");
    // Secrets are private before one is written, and every file is staged before any is renamed.
    let steps = steps_of_a_full_run();
    let last_write = steps.iter().rposition(|s| *s == "write").unwrap();
    let first_rename = steps.iter().position(|s| matches!(*s, "create" | "replace")).unwrap();
    assert_eq!(steps[0], "restrict", "{steps:?}");
    assert!(last_write < first_rename, "{steps:?}");
    assert_eq!(steps.iter().filter(|s| **s == "replace").count(), 2, "{steps:?}");
}

/// Whichever change fails (a full disk, an immutable file, a vanished directory), the directory
/// is left exactly as it was: content, modes, no temporary file.
#[test]
fn a_failure_at_any_step_leaves_the_directory_as_it_was() {
    let steps = steps_of_a_full_run();
    for (failing, what) in steps.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let rendered = busy_project(dir.path());
        let before = snapshot(dir.path());
        let plan = plan(dir.path(), &rendered).unwrap();
        let mut step = 0;
        let err = apply::apply(&plan, true, &mut |_| {
            step += 1;
            if step == failing + 1 {
                Err(std::io::Error::other("no space left on device (injected)"))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(matches!(err, WriteError::Io { .. }), "step {failing} ({what}): {err}");
        assert!(err.to_string().contains("nothing was written"), "{err}");
        assert_eq!(snapshot(dir.path()), before, "failing step {failing} ({what}) left changes");
    }
}

/// SIGINT, SIGTERM or SIGHUP before any change of the apply: the change is not made, every
/// earlier one is undone, no temporary file (one may hold a password) is left, and the
/// signal does not end the process before it reports.
#[cfg(unix)]
#[test]
fn a_signal_at_any_step_leaves_the_directory_as_it_was() {
    let steps = steps_of_a_full_run();
    for (signal, name) in [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")] {
        for (at, what) in steps.iter().enumerate() {
            let dir = tempfile::tempdir().unwrap();
            let rendered = busy_project(dir.path());
            let before = snapshot(dir.path());
            let plan = plan(dir.path(), &rendered).unwrap();
            let mut step = 0;
            let err = apply::apply(&plan, true, &mut |_| {
                if step == at {
                    // To this thread only: another test thread must not receive it.
                    // SAFETY: raise has no memory effects.
                    assert_eq!(unsafe { libc::raise(signal) }, 0);
                }
                step += 1;
                Ok(())
            })
            .unwrap_err();
            assert!(matches!(err, WriteError::Interrupted(n) if n == name), "{name} before {what}: {err}");
            assert_eq!(snapshot(dir.path()), before, "{name} before step {at} ({what}) left changes");
        }
    }
}

#[test]
fn apply_refuses_when_the_disk_changed_since_the_plan() {
    type Meddle = fn(&Path);
    let meddling: [(&str, Meddle); 4] = [
        ("Dockerfile", |root| fs::write(root.join("Dockerfile"), "FROM edited\n").unwrap()),
        ("docker-compose.prod.yml", |root| fs::write(root.join("docker-compose.prod.yml"), "mine\n").unwrap()),
        ("mine.py", |root| fs::remove_file(root.join("mine.py")).unwrap()),
        ("berth.yml", |root| fs::write(root.join("berth.yml"), "edited\n").unwrap()),
    ];
    for (path, meddle) in meddling {
        let dir = tempfile::tempdir().unwrap();
        let rendered = busy_project(dir.path());
        let plan = plan(dir.path(), &rendered).unwrap();
        meddle(dir.path());
        let before = snapshot(dir.path());
        let err = plan.apply(true).unwrap_err();
        assert!(matches!(&err, WriteError::Changed(paths) if paths == &[PathBuf::from(path)]), "{path}: {err}");
        assert!(err.is_refusal() && err.to_string().contains("changed on disk since the plan"), "{err}");
        assert_eq!(snapshot(dir.path()), before, "{path}");
    }
    #[cfg(unix)]
    {
        let dir = tempfile::tempdir().unwrap();
        let rendered = busy_project(dir.path());
        let plan = plan(dir.path(), &rendered).unwrap();
        fs::rename(dir.path().join("secrets"), dir.path().join("src")).unwrap();
        std::os::unix::fs::symlink("src", dir.path().join("secrets")).unwrap();
        let err = plan.apply(true).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "a link put in the way meanwhile: {err}");
        assert_eq!(fs::read_dir(dir.path().join("src")).unwrap().count(), 1, "only the old .gitignore");
        // A secrets/ directory made meanwhile, open to everyone.
        let dir = tempfile::tempdir().unwrap();
        let planned = super::plan(dir.path(), &files(&[("secrets/db_password", FileKind::Secret, "")])).unwrap();
        fs::create_dir(dir.path().join("secrets")).unwrap();
        chmod(&dir.path().join("secrets"), 0o777);
        let err = planned.apply(false).unwrap_err();
        assert!(matches!(&err, WriteError::Changed(paths) if paths == &[PathBuf::from("secrets")]), "{err}");
        assert_eq!(fs::read_dir(dir.path().join("secrets")).unwrap().count(), 0);
    }
}

#[cfg(unix)]
#[test]
fn read_only_files_are_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let rendered = busy_project(dir.path());
    chmod(&dir.path().join("Dockerfile"), 0o444);
    let before = snapshot(dir.path());
    let plan = plan(dir.path(), &rendered).unwrap();
    let err = plan.apply(true).unwrap_err();
    assert!(err.to_string().contains("Dockerfile: it is read-only (mode 444)"), "{err}");
    assert!(err.to_string().contains("chmod u+w"), "{err}");
    assert_eq!(snapshot(dir.path()), before);
}

#[cfg(unix)]
#[test]
fn another_run_on_the_same_directory_waits_its_turn() {
    use std::os::unix::io::AsRawFd;
    let dir = tempfile::tempdir().unwrap();
    let rendered = busy_project(dir.path());
    let plan = plan(dir.path(), &rendered).unwrap();
    let held = fs::File::open(dir.path()).unwrap();
    // SAFETY: flock on a descriptor the test owns.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    let err = plan.apply(true).unwrap_err();
    assert!(matches!(err, WriteError::Busy(_)), "{err}");
    drop(held);
    plan.apply(true).unwrap();
}

#[cfg(unix)]
#[test]
fn secrets_are_random_readable_and_private() {
    let dir = tempfile::tempdir().unwrap();
    plan(dir.path(), &files(&[("secrets/db_password", FileKind::Secret, "")])).unwrap().apply(false).unwrap();
    let path = dir.path().join("secrets/db_password");
    let first = fs::read_to_string(&path).unwrap();
    assert_eq!(first.trim().len(), 32);
    assert!(first.trim().chars().all(|c| c.is_ascii_alphanumeric()));
    let after = snapshot(dir.path());
    assert_eq!(after["secrets/db_password"].1, 0o444);
    assert_eq!(after["secrets"].1, 0o700);
    let again = plan(dir.path(), &files(&[("secrets/db_password", FileKind::Secret, "")])).unwrap();
    assert_eq!(again.files[0].action, Action::Keep);
    assert_ne!(apply::random_password().unwrap(), apply::random_password().unwrap());
}

/// Without a database there is no secret file, but secrets/ is where the index credentials go.
#[cfg(unix)]
#[test]
fn the_secrets_directory_is_private_without_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    plan(dir.path(), &files(&[("secrets/.gitignore", FileKind::Managed, "*\n")])).unwrap().apply(false).unwrap();
    assert_eq!(snapshot(dir.path())["secrets"].1, 0o700);
}

#[test]
fn temporary_files_of_killed_runs_are_removed_where_berth_writes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let rendered = busy_project(root);
    fs::create_dir(root.join("other")).unwrap();
    for leftover in [
        ".Dockerfile.berth-4242.tmp",
        "secrets/.db_password.berth-4242.tmp",
        "secrets/.gitignore.berth-Ab3xY9qZ.tmp",
        "other/.x.berth-1.tmp",
        ".notes.tmp",
    ] {
        fs::write(root.join(leftover), "hunter2").unwrap();
    }
    let plan = plan(root, &rendered).unwrap();
    let stale: Vec<&str> = plan.stale.iter().map(|p| p.to_str().unwrap()).collect();
    assert_eq!(
        stale,
        [".Dockerfile.berth-4242.tmp", "secrets/.db_password.berth-4242.tmp", "secrets/.gitignore.berth-Ab3xY9qZ.tmp"]
    );
    assert!(plan.summary().contains("remove    .Dockerfile.berth-4242.tmp (left by an interrupted run)"));
    plan.apply(true).unwrap();
    for gone in stale {
        assert!(!root.join(gone).exists(), "{gone}");
    }
    assert!(root.join("other/.x.berth-1.tmp").exists(), "only directories berth writes");
    assert!(root.join(".notes.tmp").exists(), "only berth's own pattern");
}
