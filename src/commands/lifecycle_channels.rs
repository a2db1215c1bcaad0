//! Generated hostile projects for `berth check` and `berth upgrade`: a generated project whose
//! `berth.yml`, `berth.lock` and managed files are mutated (hostile payloads in every value,
//! lines deleted, doubled, re-indented or cut, other line endings and encodings). Every run ends
//! with exit 0, 1 or 2 and never a panic; what it prints cannot rewrite a terminal; an upgrade
//! that fails leaves every file as it was and no temporary file; one that succeeds leaves a
//! project a second upgrade has nothing to do for.

use std::collections::{BTreeMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::spec::payloads::{is_safe_to_show, panic_message, payloads};
use crate::yaml::quote;
use crate::Outcome;

/// Runs berth in-process: the outcome, stdout and stderr, or the panic message.
fn berth(args: &[&str]) -> Result<(Outcome, String, String), String> {
    let cli = Cli::try_parse_from(std::iter::once("berth").chain(args.iter().copied())).expect("valid arguments");
    let mut out = Vec::new();
    let mut err = Vec::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| match cli.command {
        Command::Check(args) => super::check::run(&args, &mut out, &mut err),
        Command::Upgrade(args) => super::upgrade::run(&args, &mut out, &mut err),
        Command::New(args) => super::new::run(args, &mut out, &mut err),
        _ => unreachable!("only project commands are run here"),
    }))
    .map_err(panic_message)?;
    Ok((outcome, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned()))
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Puts `dir` back to `files` exactly.
fn restore(dir: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) {
    for path in snapshot(dir).keys().filter(|p| !files.contains_key(*p)) {
        std::fs::remove_file(dir.join(path)).unwrap();
    }
    for (path, bytes) in files {
        let target = dir.join(path);
        if std::fs::read(&target).ok().as_ref() != Some(bytes) {
            let mut perms = std::fs::metadata(&target).map(|m| m.permissions()).ok();
            if let Some(p) = perms.as_mut() {
                #[allow(clippy::permissions_set_readonly_false)]
                p.set_readonly(false);
                std::fs::set_permissions(&target, p.clone()).unwrap();
            }
            std::fs::write(&target, bytes).unwrap();
        }
    }
}

/// `key: value` with the value replaced: quoted, and raw as a careless hand would write it.
fn with_value(line: &str, payload: &str) -> Vec<String> {
    let Some((key, _)) = line.split_once(": ") else { return Vec::new() };
    vec![format!("{key}: {}", quote(payload)), format!("{key}: {payload}")]
}

/// Whole-text mutations: line endings, encodings, cuts.
fn reshaped(text: &str) -> Vec<(String, Vec<u8>)> {
    let half = text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i);
    vec![
        ("CRLF".into(), text.replace('\n', "\r\n").into_bytes()),
        ("byte order mark".into(), format!("\u{feff}{text}").into_bytes()),
        ("cut in half".into(), text.as_bytes()[..half].to_vec()),
        ("invalid UTF-8".into(), [text.as_bytes(), b"\xff\xfe\n"].concat()),
        ("NUL bytes".into(), text.replacen('\n', "\n\0\n", 3).into_bytes()),
        ("CR only".into(), text.replace('\n', "\r").into_bytes()),
        ("mixed endings".into(), text.replacen('\n', "\r\n", 5).into_bytes()),
    ]
}

/// Line mutations, each at its own line: deleted, doubled, re-indented, a payload inserted.
fn relined(text: &str, payload: &str) -> Vec<(String, Vec<u8>)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = |k: usize| (k + 1) * lines.len() / 5;
    let with = |f: &dyn Fn(&mut Vec<String>)| {
        let mut v: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        f(&mut v);
        v.concat().into_bytes()
    };
    let (a, b, c, d) = (at(0), at(1), at(2), at(3));
    vec![
        (format!("line {} deleted", a + 1), with(&|v| drop(v.remove(a)))),
        (format!("line {} doubled", b + 1), with(&|v| v.insert(b, v[b].clone()))),
        (format!("line {} indented", c + 1), with(&|v| v[c] = format!("   {}", v[c]))),
        (format!("payload before line {}", d + 1), with(&|v| v.insert(d, format!("{payload}\n")))),
    ]
}

/// What a mutated file means to berth when it renders the project: the answers a `berth.yml`
/// resolves to, the answers and entries a `berth.lock` holds (answers that do not resolve are
/// all alike); else its bytes (a refused file is refused before anything is rendered: cheap).
fn equivalence(dir: &Path, file: &str, bytes: &[u8]) -> String {
    let resolves = |layer: crate::spec::Layer| {
        crate::spec::resolve(&[crate::spec::defaults(), layer], &crate::spec::Environment::default())
            .map(|r| format!("{:?}", r.spec))
            .unwrap_or_default()
    };
    match file {
        "berth.yml" => {
            let gathered = crate::spec::gather(&crate::spec::Sources { dir: dir.to_path_buf(), ..Default::default() });
            match gathered.resolve() {
                Ok(resolved) => format!("answers {:?}", resolved.spec),
                Err(_) => format!("{file} {bytes:?}"),
            }
        }
        "berth.lock" => {
            let managed: Vec<&str> = crate::render::managed_paths().iter().map(|m| m.path).collect();
            match std::str::from_utf8(bytes).map(|text| crate::lifecycle::Lock::parse(text, "berth.lock", &managed)) {
                Ok(Ok(lock)) => format!("lock {} {:?}", resolves(lock.answers), lock.files),
                _ => format!("{file} {bytes:?}"),
            }
        }
        _ => format!("{file} {bytes:?}"),
    }
}

/// Payloads tried on each line of `berth.yml` and `berth.lock`.
const PER_LINE: usize = 2;

#[test]
fn hostile_projects_never_crash_check_or_upgrade() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("p");
    let dir_arg = dir.display().to_string();
    let (made, _, err) = berth(&["new", &dir_arg, "-y", "--preset", "postgres-etl"]).unwrap();
    assert_eq!(made, Outcome::Success, "{err}");
    let pristine = snapshot(&dir);
    let text = |path: &str| String::from_utf8(pristine[Path::new(path)].clone()).unwrap();

    // (what was changed, file, new bytes)
    let mut cases: Vec<(String, &str, Vec<u8>)> = Vec::new();
    let hostile = payloads();
    for file in ["berth.yml", "berth.lock"] {
        let original = text(file);
        // Each line gets a few payloads, in turn, so every payload reaches each file.
        for (i, line) in original.lines().enumerate() {
            for payload in (0..PER_LINE).map(|k| &hostile[(i * PER_LINE + k) % hostile.len()]) {
                for changed in with_value(line, payload) {
                    let mut lines: Vec<&str> = original.lines().collect();
                    lines[i] = &changed;
                    let shown = crate::shown::value(payload);
                    cases.push((
                        format!("{file} line {} = {shown}", i + 1),
                        file,
                        format!("{}\n", lines.join("\n")).into(),
                    ));
                }
            }
        }
    }
    let managed =
        ["berth.yml", "berth.lock", "Dockerfile", "docker-compose.prod.yml", ".github/workflows/container.yml"];
    let few = [
        "\u{1b}[31mred\u{1b}[0m",
        "line\nerror: forged",
        "  - x",
        "- - - x",
        "# berth:begin runtime-setup",
        "{{x",
        "]]",
    ];
    for file in managed {
        let original = text(file);
        for (what, bytes) in reshaped(&original) {
            cases.push((format!("{file}: {what}"), file, bytes));
        }
        for (what, bytes) in relined(&original, few[cases.len() % few.len()]) {
            cases.push((format!("{file}: {what}"), file, bytes));
        }
    }

    let mut seen = HashSet::new();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (what, file, bytes) in &cases {
        restore(&dir, &pristine);
        std::fs::write(dir.join(file), bytes).unwrap();
        // A value that gives the same answers or the same lock as one tried before tests nothing
        // new (a run takes a tenth of a second in a debug build): each is run once.
        if !seen.insert(equivalence(&dir, file, bytes)) {
            continue;
        }
        let mutated = snapshot(&dir);
        let mut fail = |why: String| failures.push(format!("{what}: {why}"));
        for args in [vec!["check", &dir_arg, "--format", "json"], vec!["upgrade", &dir_arg]] {
            runs += 1;
            let (outcome, out, err) = match berth(&args) {
                Ok(result) => result,
                Err(panic) => {
                    fail(format!("berth {args:?} panicked: {panic}"));
                    continue;
                }
            };
            if !is_safe_to_show(&err) || err.len() > 200_000 {
                fail(format!(
                    "berth {args:?}: unsafe or unbounded stderr: {}",
                    crate::shown::clip(&crate::shown::value(&err), 300)
                ));
            }
            // JSON keeps exact strings (escaped as JSON escapes them); text is shown safely.
            let safe = match args.get(2) {
                Some(_) => serde_json::from_str::<serde_json::Value>(&out).is_ok() || out.is_empty(),
                None => is_safe_to_show(&out.replace('\t', " ")),
            };
            if !safe {
                fail(format!("berth {args:?}: unsafe stdout: {}", crate::shown::clip(&crate::shown::value(&out), 300)));
            }
            let after = snapshot(&dir);
            if after.keys().any(|p| p.to_string_lossy().contains(".berth-")) {
                fail(format!("berth {args:?} left temporary files"));
            }
            if args[0] == "check" {
                if after != mutated {
                    fail("berth check changed the project".into());
                }
                continue;
            }
            match outcome {
                Outcome::Error if after != mutated => fail(format!("berth upgrade failed and changed files: {err}")),
                Outcome::Success if !out.contains("up to date: nothing to write") => match berth(&args) {
                    Ok((Outcome::Success, again, _)) if again.contains("up to date: nothing to write") => {}
                    Ok((outcome, again, again_err)) => fail(format!(
                        "a second upgrade is not a no-op: {outcome:?}\n{}\n{}",
                        crate::shown::clip(&again, 2000),
                        crate::shown::clip(&again_err, 2000)
                    )),
                    Err(panic) => fail(format!("a second upgrade panicked: {panic}")),
                },
                _ => {}
            }
        }
    }
    assert!(runs > 100, "{runs} runs");
    assert!(failures.is_empty(), "{} of {runs} runs failed:\n{}", failures.len(), failures.join("\n"));
}
