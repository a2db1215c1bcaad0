//! A Dockerfile's build context on disk and its `.dockerignore`, so rules can tell which files a
//! `COPY` can actually reach.
//!
//! `.dockerignore` follows moby's patternmatcher: patterns are relative to the context root,
//! `*` and `?` do not cross `/`, `**` does, `!` re-includes, the last matching pattern wins, and a
//! pattern that matches a directory excludes everything below it.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use crate::shown;

/// Most entries listed in one context; larger contexts are listed up to this many, and the
/// audit says so.
pub const MAX_ENTRIES: usize = 100_000;
/// Deepest directory listed in a context.
const MAX_DEPTH: usize = 64;

pub struct DockerIgnore {
    patterns: Vec<(GlobMatcher, bool)>,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (negate, pattern) = match line.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, line),
            };
            let pattern = pattern.trim_start_matches("./").trim_start_matches('/').trim_end_matches('/');
            if pattern.is_empty() {
                continue;
            }
            if let Ok(glob) = GlobBuilder::new(pattern).literal_separator(true).backslash_escape(true).build() {
                patterns.push((glob.compile_matcher(), negate));
            }
        }
        DockerIgnore { patterns }
    }

    /// Whether a context-relative path (`/`-separated) is left out of the context.
    pub fn excludes(&self, path: &str) -> bool {
        let mut excluded = false;
        for (glob, negate) in &self.patterns {
            // A pattern matches the path itself or any of its parent directories.
            let mut matched = glob.is_match(path);
            let mut parent = path;
            while !matched {
                match parent.rfind('/') {
                    Some(i) => {
                        parent = &parent[..i];
                        matched = glob.is_match(parent);
                    }
                    None => break,
                }
            }
            if matched {
                excluded = !negate;
            }
        }
        excluded
    }
}

pub struct BuildContext {
    pub dir: PathBuf,
    pub ignore: DockerIgnore,
    /// Context-relative paths of files whose names look like credentials, not excluded.
    pub secret_files: Vec<String>,
    /// False when the listing stopped at [`MAX_ENTRIES`] or [`MAX_DEPTH`].
    pub complete: bool,
    /// Text of files of an in-memory context (tests); on disk, files are read when asked for.
    texts: Vec<(String, String)>,
}

/// Largest file of the context berth reads (an entrypoint script).
const MAX_READ: u64 = 1024 * 1024;

impl BuildContext {
    /// The context of a Dockerfile: its directory, with `Dockerfile.dockerignore` or
    /// `.dockerignore`. An ignore file that cannot be read (a FIFO, a device, too large) is an
    /// error naming it.
    pub fn for_dockerfile(dockerfile: &Path) -> Result<BuildContext, String> {
        let dir = dockerfile.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        let own = dockerfile.file_name().map(|n| dir.join(format!("{}.dockerignore", n.to_string_lossy())));
        let candidates = own.into_iter().chain([dir.join(".dockerignore")]);
        let mut text = String::new();
        for path in candidates {
            match crate::read::text(&path) {
                Ok(found) => {
                    text = found;
                    break;
                }
                Err(crate::read::ReadError::NotFound) => continue,
                Err(e) => {
                    let shown = path.strip_prefix(".").unwrap_or(&path).to_string_lossy().into_owned();
                    return Err(format!("its build context's ignore file {} {e}", shown::value(&shown)));
                }
            }
        }
        let ignore = DockerIgnore::parse(&text);
        let (mut secret_files, complete) = list_secret_files(&dir, &ignore);
        secret_files.sort();
        Ok(BuildContext { dir, ignore, secret_files, complete, texts: Vec::new() })
    }

    /// The context of a Dockerfile in `dir` as it would be with `dockerignore` as its
    /// `.dockerignore`: for auditing files before they are written.
    pub fn with_dockerignore(dir: &Path, dockerignore: &str) -> BuildContext {
        let ignore = DockerIgnore::parse(dockerignore);
        let (mut secret_files, complete) = list_secret_files(dir, &ignore);
        secret_files.sort();
        BuildContext { dir: dir.to_path_buf(), ignore, secret_files, complete, texts: Vec::new() }
    }

    /// A context built from text, for tests and in-memory audits.
    pub fn in_memory(dockerignore: &str, files: &[&str]) -> BuildContext {
        let ignore = DockerIgnore::parse(dockerignore);
        let secret_files = files
            .iter()
            .filter(|f| super::secrets::is_secret_file(f) && !ignore.excludes(f))
            .map(|f| f.to_string())
            .collect();
        BuildContext { dir: PathBuf::from("."), ignore, secret_files, complete: true, texts: Vec::new() }
    }

    /// An in-memory context with the text of some of its files.
    pub fn in_memory_with_texts(dockerignore: &str, texts: &[(&str, &str)]) -> BuildContext {
        let names: Vec<&str> = texts.iter().map(|(name, _)| *name).collect();
        let mut context = BuildContext::in_memory(dockerignore, &names);
        context.texts = texts.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        context
    }

    /// The text of a file a COPY or ADD reads (a context-relative path, `./` and a leading `/`
    /// allowed), when it is a regular UTF-8 file of at most 1 MiB inside the context and
    /// `.dockerignore` does not exclude it. Nothing outside the context is read: no `..`, no
    /// symlink that leads out.
    pub fn read_text(&self, source: &str) -> Option<String> {
        let relative = source.trim_start_matches("./").trim_start_matches('/');
        if relative.is_empty()
            || relative.contains(['*', '?', '['])
            || relative.split('/').any(|part| part == ".." || part.is_empty())
            || self.ignore.excludes(relative)
        {
            return None;
        }
        if let Some((_, text)) = self.texts.iter().find(|(name, _)| name == relative) {
            return Some(text.clone());
        }
        let path = self.dir.join(relative);
        let root = self.dir.canonicalize().ok()?;
        if !path.canonicalize().ok()?.starts_with(&root) {
            return None;
        }
        crate::read::text_limited(&path, MAX_READ).ok()
    }
}

/// Context-relative paths of files that look like credentials and are not excluded, and whether
/// the listing is complete. Symlinks are not followed (the build sends them as links), nothing is
/// opened (a FIFO cannot block), and the listing is iterative and bounded.
fn list_secret_files(dir: &Path, ignore: &DockerIgnore) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut seen = 0;
    let mut pending = vec![(dir.to_path_buf(), String::new(), 0)];
    while let Some((path, prefix, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            seen += 1;
            if seen > MAX_ENTRIES {
                return (out, false);
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            if name == ".git" || ignore.excludes(&relative) {
                continue;
            }
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if depth + 1 > MAX_DEPTH {
                    return (out, false);
                }
                pending.push((entry.path(), relative, depth + 1));
            } else if super::secrets::is_secret_file(&relative) {
                out.push(relative);
            }
        }
    }
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_semantics() {
        let ignore = DockerIgnore::parse("# comment\nsecrets/\n*.pem\n**/.env\n!keep.pem\n/build\n");
        assert!(ignore.excludes("secrets/db_password"));
        assert!(ignore.excludes("a.pem"));
        assert!(!ignore.excludes("sub/a.pem"), "* does not cross /");
        assert!(ignore.excludes("deep/er/.env"));
        assert!(!ignore.excludes("keep.pem"));
        assert!(ignore.excludes("build/x"));
        assert!(!ignore.excludes("src/app.py"));
    }

    #[test]
    fn lists_reachable_secret_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("secrets")).unwrap();
        std::fs::write(dir.path().join("secrets/db_password"), "x").unwrap();
        std::fs::write(dir.path().join("id_rsa"), "x").unwrap();
        std::fs::write(dir.path().join("app.py"), "x").unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "secrets/\n").unwrap();
        let context = BuildContext::for_dockerfile(&dir.path().join("Dockerfile")).unwrap();
        assert_eq!(context.secret_files, ["id_rsa"]);
        assert!(context.complete);
    }

    #[cfg(unix)]
    #[test]
    fn listing_ends_on_link_loops_and_fifos_and_refuses_an_unreadable_ignore_file() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(".", dir.path().join("loop")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("id_rsa")).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(dir.path().join("server.key")).status().unwrap().success());
        let context = BuildContext::for_dockerfile(&dir.path().join("Dockerfile")).unwrap();
        assert_eq!(context.secret_files, ["id_rsa", "server.key"], "listed by name, never opened");
        std::os::unix::fs::symlink("/dev/zero", dir.path().join(".dockerignore")).unwrap();
        let err = BuildContext::for_dockerfile(&dir.path().join("Dockerfile")).err().unwrap();
        assert!(err.contains(".dockerignore\" is not a regular file"), "{err}");
    }

    #[test]
    fn reads_files_inside_the_context_only() {
        let dir = tempfile::tempdir().unwrap();
        let context_dir = dir.path().join("ctx");
        std::fs::create_dir_all(context_dir.join("bin")).unwrap();
        std::fs::write(context_dir.join("bin/entry.sh"), "exec gosu app \"$@\"\n").unwrap();
        std::fs::write(dir.path().join("outside.sh"), "secret\n").unwrap();
        std::fs::write(context_dir.join(".dockerignore"), "ignored.sh\n").unwrap();
        std::fs::write(context_dir.join("ignored.sh"), "x\n").unwrap();
        let context = BuildContext::for_dockerfile(&context_dir.join("Dockerfile")).unwrap();
        assert_eq!(context.read_text("./bin/entry.sh").as_deref(), Some("exec gosu app \"$@\"\n"));
        assert_eq!(context.read_text("/bin/entry.sh").as_deref(), Some("exec gosu app \"$@\"\n"));
        for refused in ["../outside.sh", "bin/../../outside.sh", "ignored.sh", "bin/*.sh", "missing.sh", "bin"] {
            assert_eq!(context.read_text(refused), None, "{refused}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("outside.sh"), context_dir.join("link.sh")).unwrap();
            assert_eq!(context.read_text("link.sh"), None, "a symlink out of the context");
        }
    }
}
