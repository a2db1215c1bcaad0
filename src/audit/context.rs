//! A Dockerfile's build context on disk and its `.dockerignore`, so rules can tell which files a
//! `COPY` can actually reach.
//!
//! `.dockerignore` follows moby's patternmatcher: patterns are relative to the context root,
//! `*` and `?` do not cross `/`, `**` does, `!` re-includes, the last matching pattern wins, and a
//! pattern that matches a directory excludes everything below it.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

/// Most files listed in one context; larger contexts are listed up to this many.
const MAX_FILES: usize = 20_000;

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
}

impl BuildContext {
    /// The context of a Dockerfile: its directory, with `Dockerfile.dockerignore` or `.dockerignore`.
    pub fn for_dockerfile(dockerfile: &Path) -> BuildContext {
        let dir = dockerfile.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        let own = dockerfile.file_name().map(|n| dir.join(format!("{}.dockerignore", n.to_string_lossy())));
        let text = own
            .and_then(|p| std::fs::read_to_string(p).ok())
            .or_else(|| std::fs::read_to_string(dir.join(".dockerignore")).ok())
            .unwrap_or_default();
        let ignore = DockerIgnore::parse(&text);
        let mut secret_files = Vec::new();
        let mut seen = 0;
        list_secret_files(&dir, "", &ignore, &mut secret_files, &mut seen, 0);
        secret_files.sort();
        BuildContext { dir, ignore, secret_files }
    }

    /// The context of a Dockerfile in `dir` as it would be with `dockerignore` as its
    /// `.dockerignore`: for auditing files before they are written.
    pub fn with_dockerignore(dir: &Path, dockerignore: &str) -> BuildContext {
        let ignore = DockerIgnore::parse(dockerignore);
        let mut secret_files = Vec::new();
        let mut seen = 0;
        list_secret_files(dir, "", &ignore, &mut secret_files, &mut seen, 0);
        secret_files.sort();
        BuildContext { dir: dir.to_path_buf(), ignore, secret_files }
    }

    /// A context built from text, for tests and in-memory audits.
    pub fn in_memory(dockerignore: &str, files: &[&str]) -> BuildContext {
        let ignore = DockerIgnore::parse(dockerignore);
        let secret_files = files
            .iter()
            .filter(|f| super::secrets::is_secret_file(f) && !ignore.excludes(f))
            .map(|f| f.to_string())
            .collect();
        BuildContext { dir: PathBuf::from("."), ignore, secret_files }
    }
}

fn list_secret_files(
    dir: &Path,
    prefix: &str,
    ignore: &DockerIgnore,
    out: &mut Vec<String>,
    seen: &mut usize,
    depth: usize,
) {
    if depth > 12 || *seen > MAX_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        *seen += 1;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        if name == ".git" || ignore.excludes(&relative) {
            continue;
        }
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            list_secret_files(&entry.path(), &relative, ignore, out, seen, depth + 1);
        } else if super::secrets::is_secret_file(&relative) {
            out.push(relative);
        }
    }
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
        let context = BuildContext::for_dockerfile(&dir.path().join("Dockerfile"));
        assert_eq!(context.secret_files, ["id_rsa"]);
    }
}
