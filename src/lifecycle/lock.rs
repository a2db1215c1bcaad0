//! `berth.lock`: what berth last rendered for each file it manages.
//!
//! The answers of the last run, and per file: its path, the berth version that rendered it and
//! the git blob id of the rendered text (SHA-1 of `blob LEN\0TEXT`, what `git hash-object`
//! prints). The blob id finds the merge base in git's object store without a copy in the tree;
//! the answers (kept whole, they are a few lines) let berth render the base again when git does
//! not have it, and tell an answer change from a template change.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::shown;
use crate::spec::{Layer, Problem, Source};
use crate::yaml::tree::{self, Node, Value};

/// The lock file, beside `berth.yml`.
pub const LOCK_FILE: &str = "berth.lock";
/// The format this berth reads and writes; a newer one is refused, not guessed at.
const FORMAT: &str = "1";
/// The largest lock file read: a few dozen short lines.
const MAX_BYTES: u64 = 1024 * 1024;

/// The git blob id of a text: SHA-1 of `blob LEN\0` followed by the bytes.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut sha = sha1_smol::Sha1::new();
    sha.update(format!("blob {}\0", bytes.len()).as_bytes());
    sha.update(bytes);
    sha.digest().to_string()
}

/// One file berth manages, as it last rendered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// The berth version that rendered it.
    pub berth: String,
    /// The git blob id of the rendered text.
    pub blob: String,
}

#[derive(Debug, Clone)]
pub struct Lock {
    /// The answers of the last run, as `berth.yml` holds them.
    pub answers: Layer,
    /// Their text as the lock holds it, whose blob id is the answers digest.
    pub answers_text: String,
    pub files: Vec<Entry>,
}

/// The digest of a set of answers: the blob id of their canonical YAML text.
pub fn answers_digest(answers_text: &str) -> String {
    blob_id(answers_text.as_bytes())
}

impl Lock {
    pub fn entry(&self, path: &Path) -> Option<&Entry> {
        self.files.iter().find(|e| e.path == path)
    }

    pub fn digest(&self) -> String {
        answers_digest(&self.answers_text)
    }

    /// The lock file's text.
    pub fn emit(answers_text: &str, files: &[Entry]) -> String {
        let mut out = String::from(
            "# Written by berth: the answers of the last run and, for each file berth manages, the\n\
             # berth version and the git blob id of what it rendered, so `berth upgrade` can merge\n\
             # your edits and `berth check` can tell answer changes from template changes. Commit it.\n",
        );
        let _ = writeln!(out, "lock: {}", crate::yaml::quote(FORMAT));
        out.push_str("answers:\n");
        for line in answers_text.lines() {
            let _ = writeln!(out, "  {line}");
        }
        out.push_str("files:\n");
        for entry in files {
            let _ = writeln!(out, "  - path: {}", crate::yaml::quote(&entry.path.to_string_lossy()));
            let _ = writeln!(out, "    berth: {}", crate::yaml::quote(&entry.berth));
            let _ = writeln!(out, "    blob: {}", crate::yaml::quote(&entry.blob));
        }
        out
    }

    /// Reads `text` as a lock file of `shown_path`; every problem names its line and column.
    pub fn parse(text: &str, shown_path: &str, managed: &[&str]) -> Result<Lock, Vec<Problem>> {
        let source = Source::AnswersFile(shown_path.to_string());
        let root = tree::parse(text)
            .map_err(|e| vec![Problem::new(source.at(e.line, e.col), format!("invalid YAML: {}", e.message))])?;
        let mut problems = Vec::new();
        let at = |node: &Node| source.at(node.line, node.col);
        let Some(entries) = root.as_map() else {
            return Err(vec![Problem::new(at(&root), "expected the mapping berth writes (lock, answers, files)")]);
        };
        let mut format = None;
        let mut answers = None;
        let mut files = Vec::new();
        for (key, value) in entries {
            match key.as_str() {
                Some("lock") => format = Some(value),
                Some("answers") => answers = Some(value),
                Some("files") => match value.as_seq() {
                    Some(items) => {
                        for item in items {
                            match entry(item, &source, managed) {
                                Ok(e) if files.iter().any(|f: &Entry| f.path == e.path) => problems.push(Problem::new(
                                    at(item),
                                    format!("{} is listed twice; keep one entry", shown::path(&e.path)),
                                )),
                                Ok(e) => files.push(e),
                                Err(p) => problems.push(p),
                            }
                        }
                    }
                    None if value.is_null() => {}
                    None => problems.push(Problem::new(at(value), "files: expected a list of entries")),
                },
                _ => problems.push(Problem::new(
                    at(key),
                    format!(
                        "unknown key {}; a lock has lock, answers and files",
                        shown::value(key.as_str().unwrap_or("(not text)"))
                    ),
                )),
            }
        }
        match format.and_then(Node::as_str) {
            Some(FORMAT) => {}
            Some(other) => {
                return Err(vec![Problem::new(
                    at(format.unwrap_or(&root)),
                    format!(
                        "lock format {} is not one this berth ({}) reads; use the berth that wrote it, or a newer one",
                        shown::value(other),
                        env!("CARGO_PKG_VERSION")
                    ),
                )])
            }
            None => problems.push(Problem::new(at(format.unwrap_or(&root)), format!("missing `lock: \"{FORMAT}\"`"))),
        }
        let (answers, answers_text) = match answers {
            Some(node) if node.as_map().is_some() => {
                let (layer, mut p) = Layer::from_node(source.clone(), node, &[]);
                problems.append(&mut p);
                let text = crate::yaml::emit(
                    &layer.values.iter().map(|(key, value)| (key.as_str(), value.to_scalars())).collect::<Vec<_>>(),
                );
                (layer, text)
            }
            other => {
                problems.push(Problem::new(at(other.unwrap_or(&root)), "answers: expected the mapping of answers"));
                (Layer::new(source.clone()), String::new())
            }
        };
        if problems.is_empty() {
            Ok(Lock { answers, answers_text, files })
        } else {
            Err(problems)
        }
    }
}

fn entry(item: &Node, source: &Source, managed: &[&str]) -> Result<Entry, Problem> {
    let at = |node: &Node| source.at(node.line, node.col);
    let Some(fields) = item.as_map() else {
        return Err(Problem::new(at(item), "expected an entry with path, berth and blob"));
    };
    let mut values: [Option<&Node>; 3] = [None; 3];
    const KEYS: [&str; 3] = ["path", "berth", "blob"];
    for (key, value) in fields {
        match KEYS.iter().position(|k| key.as_str() == Some(*k)) {
            Some(i) => values[i] = Some(value),
            None => {
                return Err(Problem::new(
                    at(key),
                    format!(
                        "unknown key {}; an entry has path, berth and blob",
                        shown::value(key.as_str().unwrap_or("(not text)"))
                    ),
                ))
            }
        }
    }
    let mut text = Vec::new();
    for (i, name) in KEYS.iter().enumerate() {
        match values[i].map(|node| (node, &node.value)) {
            Some((_, Value::Scalar { text: value, .. })) => text.push(value.clone()),
            Some((node, _)) => return Err(Problem::new(at(node), format!("{name}: expected a plain value"))),
            None => return Err(Problem::new(at(item), format!("the entry has no {name}"))),
        }
    }
    let node = |i: usize| values[i].unwrap_or(item);
    let path = PathBuf::from(&text[0]);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_))) && !text[0].is_empty();
    if !plain {
        return Err(Problem::new(
            at(node(0)),
            format!(
                "path {} is not a plain path inside the project; berth records only its own files",
                shown::value(&text[0])
            ),
        ));
    }
    if !managed.contains(&text[0].as_str()) {
        return Err(Problem::new(
            at(node(0)),
            format!(
                "{} is not a file berth manages (secrets and starter code never are); remove the entry",
                shown::value(&text[0])
            ),
        ));
    }
    let version_ok = !text[1].is_empty()
        && text[1].len() <= 40
        && text[1].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if !version_ok {
        return Err(Problem::new(at(node(1)), format!("berth: {} is not a version", shown::value(&text[1]))));
    }
    if !is_object_id(&text[2]) {
        return Err(Problem::new(
            at(node(2)),
            format!("blob: {} is not a 40-digit hexadecimal id", shown::value(&text[2])),
        ));
    }
    Ok(Entry { path, berth: text[1].clone(), blob: text[2].clone() })
}

/// 40 lowercase hexadecimal digits: a SHA-1 object id.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 40 && s.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// Reads the lock of a project: `None` when there is none. A lock that is a link, not a
/// regular file, too large or not UTF-8 is an error naming it.
pub fn read(dir: &Path, shown_dir: &Path, managed: &[&str]) -> Result<Option<Lock>, Vec<Problem>> {
    let path = dir.join(LOCK_FILE);
    let shown_path = shown_dir.join(LOCK_FILE).to_string_lossy().into_owned();
    let problem = |message: String| vec![Problem::new(shown::escape(&shown_path).into_owned(), message)];
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(problem(format!("cannot inspect it: {e}"))),
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = std::fs::read_link(&path).map(|t| shown::path(&t)).unwrap_or_default();
            return Err(problem(format!(
                "it is a symbolic link (to {target}); berth reads and writes its lock only as a regular file: replace the link with the file"
            )));
        }
        Ok(_) => {}
    }
    let text =
        crate::read::text_limited(&path, MAX_BYTES).map_err(|e| problem(format!("cannot read the lock: {e}")))?;
    Lock::parse(&text, &shown_path, managed).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANAGED: &[&str] = &["Dockerfile", "berth.yml", "docker-compose.prod.yml"];

    fn sample() -> String {
        let entry =
            |path: &str| Entry { path: PathBuf::from(path), berth: "0.1.0".into(), blob: blob_id(path.as_bytes()) };
        Lock::emit("name: \"etl\"\nbuild_packages:\n  - \"gcc\"\n", &[entry("Dockerfile"), entry("berth.yml")])
    }

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(blob_id(b"hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn emitted_locks_read_back() {
        let lock = Lock::parse(&sample(), "berth.lock", MANAGED).unwrap();
        assert_eq!(lock.files.len(), 2);
        assert_eq!(lock.files[0].path, Path::new("Dockerfile"));
        assert_eq!(lock.answers_text, "name: \"etl\"\nbuild_packages:\n  - \"gcc\"\n");
        assert_eq!(Lock::emit(&lock.answers_text, &lock.files), sample());
    }

    fn problems(text: &str) -> String {
        Lock::parse(text, "berth.lock", MANAGED)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn every_problem_names_its_position() {
        assert!(problems("lock: [").starts_with("berth.lock:"), "{}", problems("lock: ["));
        assert!(problems("- a\n").contains("berth.lock:1:1: expected the mapping"));
        assert!(problems("lock: \"9\"\nanswers: {}\nfiles: []\n").contains("lock format \"9\""));
        let outside = sample().replace("path: \"Dockerfile\"", "path: \"../../etc/passwd\"");
        assert!(problems(&outside).contains("is not a plain path inside the project"), "{}", problems(&outside));
        let secret = sample().replace("path: \"Dockerfile\"", "path: \"secrets/db_password\"");
        assert!(problems(&secret).contains("is not a file berth manages"), "{}", problems(&secret));
        let twice = sample().replace("path: \"berth.yml\"", "path: \"Dockerfile\"");
        assert!(problems(&twice).contains("listed twice"), "{}", problems(&twice));
        let bad_blob = sample().replacen("blob: \"", "blob: \"zz", 1);
        assert!(problems(&bad_blob).contains("not a 40-digit hexadecimal id"), "{}", problems(&bad_blob));
        let bad_answer = sample().replace("name: \"etl\"", "name: \"Etl Project\"");
        assert!(Lock::parse(&bad_answer, "berth.lock", MANAGED).is_ok(), "answers are validated when resolved");
        let unknown = format!("{}extra: 1\n", sample());
        assert!(problems(&unknown).contains("unknown key \"extra\""), "{}", problems(&unknown));
        let escape = sample().replace("path: \"Dockerfile\"", "path: \"\\e[31mx\"");
        assert!(!problems(&escape).contains('\u{1b}'), "{}", problems(&escape));
    }

    #[cfg(unix)]
    #[test]
    fn locks_that_are_not_regular_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path(), Path::new("p"), MANAGED).unwrap().is_none());
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join(LOCK_FILE)).unwrap();
        let e = read(dir.path(), Path::new("p"), MANAGED).unwrap_err();
        assert!(e[0].to_string().starts_with("p/berth.lock: it is a symbolic link"), "{e:?}");
        std::fs::remove_file(dir.path().join(LOCK_FILE)).unwrap();
        let fifo = std::ffi::CString::new(dir.path().join(LOCK_FILE).to_string_lossy().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let e = read(dir.path(), Path::new("p"), MANAGED).unwrap_err();
        assert!(e[0].to_string().contains("not a regular file"), "{e:?}");
        std::fs::remove_file(dir.path().join(LOCK_FILE)).unwrap();
        std::fs::write(dir.path().join(LOCK_FILE), vec![b'#'; 2 * 1024 * 1024]).unwrap();
        let e = read(dir.path(), Path::new("p"), MANAGED).unwrap_err();
        assert!(e[0].to_string().contains("larger than"), "{e:?}");
        std::fs::write(dir.path().join(LOCK_FILE), b"lock: \"1\"\n\xff\xfe").unwrap();
        let e = read(dir.path(), Path::new("p"), MANAGED).unwrap_err();
        assert!(e[0].to_string().contains("UTF-8"), "{e:?}");
    }
}
