//! Which files to audit: named files as given, directories searched for Dockerfiles, compose
//! files, GitHub workflows and actions, and Squid configurations.
//!
//! In a git work tree, git decides: every tracked file is audited, whatever ignore files say, and
//! an untracked file is skipped only when git ignores it. Outside git every file found is
//! audited. `.ignore` files and other tools' conventions hide nothing. Symlinks are followed
//! while they stay inside the searched directory (each directory is read once, so a loop ends);
//! anything found but not audited is listed with the reason, never dropped silently.

mod git;

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use self::git::{Git, TimedOut, GIT_TIMEOUT};
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

/// Whether line `line` (1-based) of a file is a template tag (`{{`, `{%` at its start): a file
/// that fails to parse there is a template (docker-library's `Dockerfile.oracle`, rendered
/// with jq), not a broken Dockerfile.
pub fn template_line(text: &str, line: u32) -> bool {
    let at = usize::try_from(line).unwrap_or(0).saturating_sub(1);
    text.lines().nth(at).is_some_and(|l| TEMPLATE_MARKERS.iter().any(|m| l.trim_start().starts_with(m)))
}

/// The top-level keys of a compose file (besides `x-*` extensions).
const COMPOSE_KEYS: &[&str] = &["version", "name", "services", "networks", "volumes", "configs", "secrets", "include"];

/// Whether a YAML file whose name does not say it is a compose file (`full-stack.yml`,
/// `filebeat-compose.yml`, an override such as `etherpad.yml`) is one by its content: a top-level
/// `services:` and no top-level key Compose does not know, so that a Helm `values.yaml` with a
/// `services:` section is not taken for one.
pub fn compose_by_content(text: &str) -> bool {
    let keys: Vec<&str> = text
        .lines()
        .map(|l| l.strip_prefix('\u{feff}').unwrap_or(l).trim_end())
        .filter(|l| !l.is_empty() && !l.starts_with([' ', '\t', '#', '-', '.', '%']))
        .map(|l| l.split(':').next().unwrap_or("").trim().trim_matches(['"', '\'']))
        .collect();
    // `services:` opens a block of services (`services: {}` holds none to audit).
    let services = text.lines().any(|l| l.trim_end() == "services:" || l.starts_with("services: #"));
    services && keys.iter().all(|k| COMPOSE_KEYS.contains(k) || k.starts_with("x-"))
}

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
        // An action's metadata is `action.yml` wherever it is (`owner/repo/path@ref` names the
        // directory); a composite one is audited as a workflow's steps.
        if (parent.as_deref() == Some("workflows") && grandparent.as_deref() == Some(".github"))
            || lower == "action.yml"
            || lower == "action.yaml"
        {
            return Some(FileKind::Workflow);
        }
        if lower.starts_with("compose") || lower.starts_with("docker-compose") {
            return Some(FileKind::Compose);
        }
        return None;
    }
    if ext == "conf" && (lower.starts_with("squid") || lower.ends_with(".squid.conf")) {
        return Some(FileKind::Squid);
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
        // A workflow, or an action's metadata.
        if has_top("jobs:") || has_top("runs:") {
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
    let directive = |name: &str| text.lines().any(|l| l.split_whitespace().next() == Some(name));
    if directive("http_access") || directive("http_port") {
        return Some(FileKind::Squid);
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
/// relative to that directory, the same file's real path, relative too, and its kind.
struct Candidate {
    logical: PathBuf,
    real: PathBuf,
    kind: Option<FileKind>,
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
    follow_references(dir, &root, &mut candidates, &mut found.skipped);
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
            let kind = candidate.kind;
            let template = candidate.logical.components().find_map(|c| template_dir(c.as_os_str()));
            found.targets.push(Target { path, kind, template });
        }
    }
}

/// Adds the files that found compose files `include:` or `extends:` from, as compose files
/// whatever their names (a `common.yml`), once each, and follows them in turn. Only files under
/// the searched directory are added; one outside it is listed. A reference that cannot be read
/// is left to the audit of the file that makes it (BC034).
fn follow_references(dir: &Path, root: &Path, candidates: &mut Vec<Candidate>, skipped: &mut Vec<Skip>) {
    let mut known: HashSet<PathBuf> = candidates.iter().map(|c| c.real.clone()).collect();
    let mut pending: Vec<usize> =
        (0..candidates.len()).filter(|&i| candidates[i].kind == Some(FileKind::Compose)).collect();
    while let Some(index) = pending.pop() {
        let logical = candidates[index].logical.clone();
        let path = dir.join(&logical);
        let Ok(text) = crate::read::text(&path) else { continue };
        if !(text.contains("include") || text.contains("extends")) {
            continue;
        }
        let Ok(documents) = crate::yaml::tree::parse_all(&text, crate::yaml::tree::Duplicates::Keep) else { continue };
        let from = logical.parent().unwrap_or(Path::new(""));
        for reference in documents.iter().flat_map(super::compose::referenced_files) {
            let named = super::compose::clean(&from.join(&reference));
            let Ok(real) = std::fs::canonicalize(dir.join(&named)) else { continue };
            if !real.is_file() {
                continue;
            }
            let Ok(relative) = real.strip_prefix(root) else {
                let reason = format!(
                    "is named by {} (`include` or `extends`) but is outside the searched directory; name it to audit it",
                    super::display(&path)
                );
                skipped.push(Skip { path: dir.join(&named), reason });
                continue;
            };
            if known.insert(relative.to_path_buf()) {
                let real = relative.to_path_buf();
                candidates.push(Candidate { logical: named, real, kind: Some(FileKind::Compose) });
                pending.push(candidates.len() - 1);
            }
        }
    }
    candidates.sort_by(|a, b| a.logical.cmp(&b.logical));
}

fn is_yaml(name: &OsStr) -> bool {
    let name = name.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".yml") || name.ends_with(".yaml")
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
            // Seen from the searched directory's own path, so that searching `.github/workflows`
            // itself finds workflows.
            let kind = kind_of(&root.join(&logical));
            let Ok(file_type) = entry.file_type() else { continue };
            let (real, is_dir) = if file_type.is_symlink() {
                // Followed when its target is under the searched directory.
                let named = kind.is_some();
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
                if seen.insert((real.clone(), holds_workflows(&root.join(&logical)))) {
                    pending.push((logical, real));
                }
            } else if kind.is_some() {
                let real = real.strip_prefix(root).map_or_else(|_| logical.clone(), Path::to_path_buf);
                out.push(Candidate { logical, real, kind });
            } else if is_yaml(&name) && crate::read::text(&real).is_ok_and(|text| compose_by_content(&text)) {
                let real = real.strip_prefix(root).map_or_else(|_| logical.clone(), Path::to_path_buf);
                out.push(Candidate { logical, real, kind: Some(FileKind::Compose) });
            }
        }
    }
}

#[cfg(test)]
mod tests;
