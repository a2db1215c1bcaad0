//! Which files to audit: named files as given, directories searched for Dockerfiles, compose
//! files and GitHub workflows.
//!
//! In a git work tree, git decides: every tracked file is audited, whatever ignore files say, and
//! an untracked file is skipped only when git ignores it. Outside git every file found is
//! audited. `.ignore` files and other tools' conventions hide nothing. Symlinks are followed
//! while they stay inside the searched directory (each directory is read once, so a loop ends);
//! anything found but not audited is listed with the reason, never dropped silently.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::rule::FileKind;

/// Template and backup extensions: `Dockerfile.tera` is a template, not a Dockerfile.
const NOT_A_DOCKERFILE: &[&str] = &[
    "tera",
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "tpl",
    "template",
    "md",
    "txt",
    "orig",
    "bak",
    "swp",
    "dockerignore",
    "rej",
    "patch",
    "sh",
    "py",
];

/// A directory whose name is a template expression (`{{cookiecutter.project_slug}}`) holds
/// templates: files there are audited, and one that does not parse as it is is listed as a
/// skipped template rather than reported as an error.
const TEMPLATE_MARKERS: &[&str] = &["{{", "{%"];

/// The kind of a file from its path alone, as directory search sees it.
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_string_lossy();
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let yaml = ext == "yml" || ext == "yaml";
    if yaml {
        let parent = path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        let grandparent =
            path.parent().and_then(Path::parent).and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        if parent.as_deref() == Some("workflows") && grandparent.as_deref() == Some(".github") {
            return Some(FileKind::Workflow);
        }
        if lower.starts_with("compose") || lower.starts_with("docker-compose") {
            return Some(FileKind::Compose);
        }
        return None;
    }
    let dockerish = lower.starts_with("dockerfile")
        || lower.starts_with("containerfile")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile");
    if dockerish && !(lower.contains('.') && NOT_A_DOCKERFILE.contains(&ext)) {
        return Some(FileKind::Dockerfile);
    }
    None
}

/// The kind of a file named on the command line (or `--stdin-filename`): by name, else by its
/// content.
pub fn kind_of_named(path: &Path, text: &str) -> Option<FileKind> {
    if let Some(kind) = kind_of(path) {
        return Some(kind);
    }
    let lower = path.to_string_lossy().to_ascii_lowercase();
    let has_top = |key: &str| text.lines().any(|l| l.starts_with(key));
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml || lower.is_empty() {
        if has_top("jobs:") {
            return Some(FileKind::Workflow);
        }
        // A compose file may hold only `include:`.
        if has_top("services:") || has_top("include:") {
            return Some(FileKind::Compose);
        }
        if yaml {
            return None;
        }
    }
    text.lines()
        .any(|l| l.trim_start().get(..5).is_some_and(|w| w.eq_ignore_ascii_case("FROM ")))
        .then_some(FileKind::Dockerfile)
}

/// A file to audit. `kind` is `None` for a file named on the command line: its name or, failing
/// that, its content decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    pub kind: Option<FileKind>,
    /// The template directory (`{{cookiecutter.project_slug}}`) the file was found in.
    pub template: Option<String>,
}

/// A path found and not audited, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub path: PathBuf,
    pub reason: String,
}

/// A path given on the command line that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub path: PathBuf,
    pub reason: &'static str,
}

#[derive(Debug, Default)]
pub struct Found {
    /// Sorted by path, without duplicates.
    pub targets: Vec<Target>,
    pub skipped: Vec<Skip>,
    pub missing: Vec<Missing>,
}

/// Named files kept, directories searched.
pub fn discover(paths: &[PathBuf]) -> Found {
    discover_within(paths, GIT_TIMEOUT)
}

/// [`discover`], giving git `timeout` to answer.
fn discover_within(paths: &[PathBuf], timeout: Duration) -> Found {
    let mut found = Found::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => search(path, timeout, &mut found),
            // Anything else (a FIFO, a device) is read, and reading says what is wrong with it.
            Ok(_) => found.targets.push(Target { path: path.clone(), kind: None, template: None }),
            Err(_) if std::fs::symlink_metadata(path).is_ok() => {
                found.missing.push(Missing { path: path.clone(), reason: "is a symlink to nothing" })
            }
            Err(_) => found.missing.push(Missing { path: path.clone(), reason: "no such file or directory" }),
        }
    }
    found.targets.sort_by(|a, b| a.path.cmp(&b.path));
    found.targets.dedup_by(|a, b| a.path == b.path);
    found.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    found.skipped.dedup_by(|a, b| a.path == b.path);
    found
}

/// A file found under a searched directory: the path it was found at (through any symlinks),
/// relative to that directory, and the same file's real path, relative too.
struct Candidate {
    logical: PathBuf,
    real: PathBuf,
}

fn search(dir: &Path, timeout: Duration, found: &mut Found) {
    let Ok(root) = std::fs::canonicalize(dir) else {
        found.missing.push(Missing { path: dir.to_path_buf(), reason: "cannot be resolved" });
        return;
    };
    let mut candidates = Vec::new();
    walk(dir, &root, &mut candidates, &mut found.skipped);
    // One audit per file, however many links lead to it: under its own name when that name
    // says what it is, else under the first link's name that does.
    let mut by_real: HashMap<PathBuf, Candidate> = HashMap::new();
    for candidate in candidates {
        let keep = match by_real.get(&candidate.real) {
            None => true,
            Some(kept) => kept.logical != kept.real && candidate.logical == candidate.real,
        };
        if keep {
            by_real.insert(candidate.real.clone(), candidate);
        }
    }
    let mut candidates: Vec<Candidate> = by_real.into_values().collect();
    candidates.sort_by(|a, b| a.logical.cmp(&b.logical));
    let ignored =
        match Git::open(dir, timeout).and_then(|git| git.map_or(Ok(HashMap::new()), |g| g.ignored(&candidates))) {
            Ok(ignored) => ignored,
            Err(TimedOut { what, then }) => {
                let reason = format!("{what}: git did not answer within {} s, so {then}", timeout.as_secs_f32());
                found.skipped.push(Skip { path: dir.to_path_buf(), reason });
                HashMap::new()
            }
        };
    for candidate in candidates {
        let path = dir.join(&candidate.logical);
        if let Some(reason) = ignored.get(&candidate.real) {
            found.skipped.push(Skip { path, reason: reason.clone() });
        } else {
            let kind = kind_of(&candidate.logical);
            let template = candidate.logical.components().find_map(|c| template_dir(c.as_os_str()));
            found.targets.push(Target { path, kind, template });
        }
    }
}

fn template_dir(name: &OsStr) -> Option<String> {
    let name = name.to_string_lossy();
    TEMPLATE_MARKERS.iter().any(|m| name.contains(m)).then(|| name.into_owned())
}

/// Whether files directly in a directory found at this path are workflows: the one place where
/// the path a file is found at, not only its name, says what it is.
fn holds_workflows(logical_dir: &Path) -> bool {
    logical_dir.ends_with(".github/workflows")
}

/// Every file under `dir` whose path names a kind berth audits, following symlinks that stay
/// under `root` (the directory's real path). A real directory is read once (twice when a link
/// also makes it a `.github/workflows`), so link loops and link mazes end.
fn walk(dir: &Path, root: &Path, out: &mut Vec<Candidate>, skipped: &mut Vec<Skip>) {
    let mut seen: HashSet<(PathBuf, bool)> = HashSet::from([(root.to_path_buf(), false)]);
    // Each directory to read: the path it was found at (relative to `dir`) and its real path.
    // Only symlinks need resolving: below a real directory, a name's real path is the
    // directory's real path and the name.
    let mut pending: Vec<(PathBuf, PathBuf)> = vec![(PathBuf::new(), root.to_path_buf())];
    while let Some((logical_dir, real_dir)) = pending.pop() {
        let entries = match std::fs::read_dir(&real_dir) {
            Ok(entries) => entries,
            Err(e) => {
                skipped.push(Skip { path: dir.join(&logical_dir), reason: format!("directory cannot be read: {e}") });
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name == ".git" {
                continue;
            }
            let logical = logical_dir.join(&name);
            let Ok(file_type) = entry.file_type() else { continue };
            let (real, is_dir) = if file_type.is_symlink() {
                // Followed when its target is under the searched directory.
                let named = kind_of(&logical).is_some();
                let path = dir.join(&logical);
                let Ok(real) = std::fs::canonicalize(entry.path()) else {
                    if named {
                        skipped.push(Skip { path, reason: "is a symlink to nothing".into() });
                    }
                    continue;
                };
                let is_dir = real.is_dir();
                if !real.starts_with(root) {
                    if named || is_dir {
                        let what = if is_dir { "a directory" } else { "a file" };
                        let reason = format!(
                            "is a symlink to {what} outside the searched directory ({}); name it to audit it",
                            real.display()
                        );
                        skipped.push(Skip { path, reason });
                    }
                    continue;
                }
                (real, is_dir)
            } else {
                (real_dir.join(&name), file_type.is_dir())
            };
            if is_dir {
                if seen.insert((real.clone(), holds_workflows(&logical))) {
                    pending.push((logical, real));
                }
            } else if kind_of(&logical).is_some() {
                let real = real.strip_prefix(root).map_or_else(|_| logical.clone(), Path::to_path_buf);
                out.push(Candidate { logical, real });
            }
        }
    }
}

/// The git work tree a searched directory is in.
struct Git {
    dir: PathBuf,
    /// Paths git tracks, relative to `dir`.
    tracked: HashSet<PathBuf>,
    timeout: Duration,
}

/// Git did not answer in time: what berth could not learn, and what it does instead. Listed
/// with the skipped files, so an audit that went on without git's answer says so.
struct TimedOut {
    what: &'static str,
    then: &'static str,
}

impl Git {
    /// `None` outside a work tree, or when git cannot be run.
    fn open(dir: &Path, timeout: Duration) -> Result<Option<Git>, TimedOut> {
        let output = match run(git(dir).args(["ls-files", "-z", "--cached"]), Vec::new(), timeout) {
            Ran::Output(output) => output,
            Ran::CannotStart => return Ok(None),
            Ran::TimedOut => {
                return Err(TimedOut {
                    what: "the files git tracks",
                    then: "every file found is audited, as outside a git work tree",
                })
            }
        };
        if !output.status.success() {
            return Ok(None);
        }
        let tracked = output.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()).map(path_from_bytes).collect();
        Ok(Some(Git { dir: dir.to_path_buf(), tracked, timeout }))
    }

    /// The untracked candidates git ignores, by real path, each with the reason. When git fails,
    /// none is: they are audited.
    fn ignored(&self, candidates: &[Candidate]) -> Result<HashMap<PathBuf, String>, TimedOut> {
        let mut input = Vec::new();
        for candidate in candidates {
            if !self.tracked.contains(&candidate.real) && !self.tracked.contains(&candidate.logical) {
                input.extend_from_slice(candidate.real.as_os_str().as_encoded_bytes());
                input.push(0);
            }
        }
        if input.is_empty() {
            return Ok(HashMap::new());
        }
        let output = match run(git(&self.dir).args(["check-ignore", "-z", "-v", "--stdin"]), input, self.timeout) {
            Ran::Output(output) => output,
            Ran::CannotStart => return Ok(HashMap::new()),
            // It blocks for good on an ignore file that is a FIFO.
            Ran::TimedOut => {
                return Err(TimedOut {
                    what: "the files git ignores",
                    then: "untracked files are audited whether git ignores them or not",
                })
            }
        };
        // `-z -v`: source, line number, pattern, path; each NUL-terminated.
        let fields: Vec<&[u8]> = output.stdout.split(|b| *b == 0).collect();
        let mut ignored = HashMap::new();
        for record in fields.chunks_exact(4) {
            let [source, line, pattern, path] = record else { continue };
            if source.is_empty() || pattern.first() == Some(&b'!') {
                continue;
            }
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            let reason =
                format!("ignored by {}:{} (`{}`) and not tracked by git", text(source), text(line), text(pattern));
            ignored.insert(path_from_bytes(path), reason);
        }
        Ok(ignored)
    }
}

/// How long git may take to answer: far more than listing a large repository takes, and git
/// blocks for good on an ignore file that is a FIFO.
const GIT_TIMEOUT: Duration = Duration::from_secs(10);

/// How a command ran.
enum Ran {
    Output(std::process::Output),
    CannotStart,
    /// It did not finish in time, and was killed.
    TimedOut,
}

/// Runs a command with `input` on its stdin, and returns what it wrote, unless it cannot start
/// or does not finish within `timeout` (then it is killed).
fn run(command: &mut Command, input: Vec<u8>, timeout: Duration) -> Ran {
    let Ok(mut child) = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn() else {
        return Ran::CannotStart;
    };
    // Written and read by threads of their own: git may answer before it has read everything.
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(&input);
        }
    });
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut stdout) = stdout {
            let _ = stdout.read_to_end(&mut out);
        }
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < timeout => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let stdout = reader.join().unwrap_or_default();
    let _ = writer.join();
    match status {
        Some(status) => Ran::Output(std::process::Output { status, stdout, stderr: Vec::new() }),
        None => Ran::TimedOut,
    }
}

fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    // Paths as they are (no octal quoting of non-ASCII names), relative to `dir`. The audited
    // repository may be hostile (a pull request's checkout): its configuration must not name a
    // program git runs, and `git ls-files` runs `core.fsmonitor`.
    command.arg("-C").arg(dir).args(["-c", "core.quotePath=false", "-c", "core.fsmonitor=false"]);
    command
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    normalize(Path::new(OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    normalize(Path::new(&*String::from_utf8_lossy(bytes)))
}

/// Git's `/`-separated relative paths as this platform's paths.
fn normalize(path: &Path) -> PathBuf {
    path.components().filter(|c| matches!(c, Component::Normal(_))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        let k = |p: &str| kind_of(Path::new(p));
        assert_eq!(k("Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("a/Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(k("Dockerfile.deb"), Some(FileKind::Dockerfile));
        assert_eq!(k("api.Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("templates/Dockerfile.tera"), None);
        assert_eq!(k("docker-compose.prod.yml"), Some(FileKind::Compose));
        assert_eq!(k("compose.yaml"), Some(FileKind::Compose));
        assert_eq!(k("repo/.github/workflows/ci.yml"), Some(FileKind::Workflow));
        assert_eq!(k("config.yml"), None);
        assert_eq!(k(".dockerignore"), None);
    }

    #[test]
    fn kinds_of_named_files_and_stdin_by_content() {
        let k = |p: &str, text: &str| kind_of_named(Path::new(p), text);
        assert_eq!(k("x.yaml", "include:\n  - base.yml\n"), Some(FileKind::Compose));
        assert_eq!(k("x.yml", "on: push\njobs: {}\n"), Some(FileKind::Workflow));
        assert_eq!(k("x.yml", "apiVersion: v1\n"), None);
        assert_eq!(k("", "services: {}\n"), Some(FileKind::Compose), "standard input without a name");
        assert_eq!(k("", "# syntax\nFROM alpine\n"), Some(FileKind::Dockerfile));
        assert_eq!(k("", "hello\n"), None);
    }

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn relative(root: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Vec<String> {
        paths.into_iter().map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect()
    }

    fn audited(root: &Path) -> Vec<String> {
        relative(root, discover(&[root.to_path_buf()]).targets.into_iter().map(|t| t.path))
    }

    #[test]
    fn outside_git_every_file_found_is_audited() {
        let dir = tree(&[
            ("Dockerfile", "FROM a\n"),
            ("svc/compose.yml", "services: {}\n"),
            (".github/workflows/ci.yml", "jobs: {}\n"),
            ("vendor/Dockerfile", "FROM b\n"),
            (".gitignore", "vendor/\n"),
            (".ignore", "svc/\n"),
            (".git/Dockerfile", "FROM c\n"),
            ("notes.yml", "services: {}\n"),
        ]);
        assert_eq!(
            audited(dir.path()),
            [".github/workflows/ci.yml", "Dockerfile", "svc/compose.yml", "vendor/Dockerfile"]
        );
    }

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git").arg("-C").arg(dir).args(args).stdout(Stdio::null()).status();
        assert!(status.expect("git runs").success(), "git {args:?}");
    }

    #[test]
    fn in_git_tracked_files_are_audited_whatever_ignores_them() {
        let dir = tree(&[
            ("Dockerfile.deb", "FROM a\n"),
            (".gitignore", "**/*.deb\nbuild/\n"),
            ("build/Dockerfile", "FROM b\n"),
            ("new/compose.yml", "services: {}\n"),
        ]);
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-f", "Dockerfile.deb", ".gitignore"]);
        let found = discover(&[dir.path().to_path_buf()]);
        let targets = relative(dir.path(), found.targets.into_iter().map(|t| t.path));
        assert_eq!(targets, ["Dockerfile.deb", "new/compose.yml"]);
        assert_eq!(found.skipped.len(), 1);
        assert!(found.skipped[0].path.ends_with("build/Dockerfile"));
        assert_eq!(found.skipped[0].reason, "ignored by .gitignore:2 (`build/`) and not tracked by git");
        // The repository's configuration runs nothing.
        let marker = dir.path().join("ran");
        let hook = format!("touch {}", marker.display());
        git(dir.path(), &["config", "core.fsmonitor", &hook]);
        discover(&[dir.path().to_path_buf()]);
        assert!(!marker.exists(), "core.fsmonitor ran");
        // A subdirectory of a work tree is searched the same way.
        let found = discover(&[dir.path().join("build")]);
        assert!(found.targets.is_empty() && found.skipped.len() == 1, "{found:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_inside_the_tree_only_and_loops_end() {
        use std::os::unix::fs::symlink;
        let outside = tree(&[("Dockerfile", "FROM x\n"), ("flows/ci.yml", "jobs: {}\n")]);
        let dir =
            tree(&[("docker/base.txt", "FROM a\n"), ("ci/release.yml", "jobs: {}\n"), ("app/Dockerfile", "FROM b\n")]);
        let root = dir.path();
        symlink("docker/base.txt", root.join("Dockerfile")).unwrap();
        symlink("app/Dockerfile", root.join("Dockerfile.app")).unwrap();
        std::fs::create_dir(root.join(".github")).unwrap();
        symlink("../ci", root.join(".github/workflows")).unwrap();
        symlink("..", root.join("app/loop")).unwrap();
        symlink("self", root.join("self")).unwrap();
        symlink(outside.path().join("Dockerfile"), root.join("Dockerfile.shared")).unwrap();
        symlink(outside.path().join("flows"), root.join("flows")).unwrap();
        symlink("missing", root.join("Containerfile")).unwrap();
        let found = discover(&[root.to_path_buf()]);
        let targets: Vec<(String, Option<FileKind>)> =
            found.targets.iter().map(|t| (t.path.strip_prefix(root).unwrap().display().to_string(), t.kind)).collect();
        assert_eq!(
            targets,
            [
                (".github/workflows/release.yml".to_string(), Some(FileKind::Workflow)),
                ("Dockerfile".to_string(), Some(FileKind::Dockerfile)),
                ("app/Dockerfile".to_string(), Some(FileKind::Dockerfile)),
            ],
            "a link whose target has no kind of its own is audited under the link's name; a link to a file \
             found anyway is not audited twice"
        );
        let skipped: Vec<(String, &str)> = found
            .skipped
            .iter()
            .map(|s| (s.path.strip_prefix(root).unwrap().display().to_string(), s.reason.split(" (").next().unwrap()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("Containerfile".to_string(), "is a symlink to nothing"),
                ("Dockerfile.shared".to_string(), "is a symlink to a file outside the searched directory"),
                ("flows".to_string(), "is a symlink to a directory outside the searched directory"),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_found_to_be_reported_and_templates_are_marked() {
        let dir = tree(&[("{{cookiecutter.slug}}/compose.yml", "services: {{x}}\n")]);
        let fifo = dir.path().join("Dockerfile");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let found = discover(&[dir.path().to_path_buf()]);
        let templates: Vec<Option<String>> = found.targets.iter().map(|t| t.template.clone()).collect();
        assert_eq!(
            relative(dir.path(), found.targets.into_iter().map(|t| t.path)),
            ["Dockerfile", "{{cookiecutter.slug}}/compose.yml"]
        );
        assert_eq!(templates, [None, Some("{{cookiecutter.slug}}".to_string())]);
    }

    #[cfg(unix)]
    #[test]
    fn when_git_does_not_answer_the_files_are_audited_and_that_is_listed() {
        let dir = tree(&[("svc/compose.yml", "services: {}\n"), ("Dockerfile", "FROM a\n")]);
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "Dockerfile"]);
        // git blocks for good reading an ignore file that is a FIFO.
        assert!(Command::new("mkfifo").arg(dir.path().join("svc/.gitignore")).status().unwrap().success());
        let found = discover_within(&[dir.path().to_path_buf()], Duration::from_millis(300));
        assert_eq!(audited_of(dir.path(), &found), ["Dockerfile", "svc/compose.yml"]);
        let notes: Vec<(&Path, &str)> = found.skipped.iter().map(|s| (s.path.as_path(), s.reason.as_str())).collect();
        assert_eq!(
            notes,
            [(
                dir.path(),
                "the files git ignores: git did not answer within 0.3 s, so untracked files are audited whether git \
                 ignores them or not"
            )]
        );
    }

    fn audited_of(root: &Path, found: &Found) -> Vec<String> {
        relative(root, found.targets.iter().map(|t| t.path.clone()))
    }

    #[test]
    fn missing_paths_are_reported_not_fatal() {
        let dir = tree(&[("Dockerfile", "FROM a\n")]);
        let found = discover(&[dir.path().join("nope"), dir.path().join("Dockerfile")]);
        assert_eq!(found.targets.len(), 1);
        assert_eq!(found.missing[0].reason, "no such file or directory");
    }
}
