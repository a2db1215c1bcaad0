//! Which files to audit: named files as given, directories searched for Dockerfiles, compose
//! files, GitHub workflows and Squid configurations. `.git` and paths ignored by `.gitignore`/`.ignore` are skipped.

use std::path::{Path, PathBuf};

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

/// The kind of a file named on the command line: by name, else by its content.
pub fn kind_of_named(path: &Path, text: &str) -> Option<FileKind> {
    if let Some(kind) = kind_of(path) {
        return Some(kind);
    }
    let lower = path.to_string_lossy().to_ascii_lowercase();
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        let has_top = |key: &str| text.lines().any(|l| l.starts_with(key));
        if has_top("jobs:") {
            return Some(FileKind::Workflow);
        }
        if has_top("services:") {
            return Some(FileKind::Compose);
        }
        return None;
    }
    let directive = |name: &str| text.lines().any(|l| l.split_whitespace().next() == Some(name));
    if directive("http_access") || directive("http_port") {
        return Some(FileKind::Squid);
    }
    text.lines()
        .any(|l| l.trim_start().get(..5).is_some_and(|w| w.eq_ignore_ascii_case("FROM ")))
        .then_some(FileKind::Dockerfile)
}

/// Directories searched, named files kept; sorted, without duplicates.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Option<FileKind>)>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walker = ignore::WalkBuilder::new(path)
                .hidden(false)
                .git_ignore(true)
                .git_exclude(true)
                .require_git(false)
                .parents(true)
                .filter_entry(|e| e.file_name() != ".git")
                .build();
            for entry in walker {
                let entry = entry.map_err(|e| e.to_string())?;
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    if let Some(kind) = kind_of(entry.path()) {
                        out.push((entry.into_path(), Some(kind)));
                    }
                }
            }
        } else if path.is_file() {
            out.push((path.clone(), None));
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        let k = |p: &str| kind_of(Path::new(p));
        assert_eq!(k("Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("a/Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(k("api.Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("templates/Dockerfile.tera"), None);
        assert_eq!(k("docker-compose.prod.yml"), Some(FileKind::Compose));
        assert_eq!(k("compose.yaml"), Some(FileKind::Compose));
        assert_eq!(k("repo/.github/workflows/ci.yml"), Some(FileKind::Workflow));
        assert_eq!(k("config.yml"), None);
        assert_eq!(k(".dockerignore"), None);
        assert_eq!(k("proxy/squid.conf"), Some(FileKind::Squid));
        assert_eq!(k("squid-egress.conf"), Some(FileKind::Squid));
        assert_eq!(k("edge.squid.conf"), Some(FileKind::Squid));
        assert_eq!(k("templates/squid.conf.tera"), None);
        assert_eq!(k("nginx.conf"), None);
        assert_eq!(kind_of_named(Path::new("proxy.cfg"), "http_port 3128\n"), Some(FileKind::Squid));
    }

    #[test]
    fn walks_directories_skipping_ignored_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (path, text) in [
            ("Dockerfile", "FROM a\n"),
            ("svc/compose.yml", "services: {}\n"),
            (".github/workflows/ci.yml", "jobs: {}\n"),
            ("vendor/Dockerfile", "FROM b\n"),
            (".gitignore", "vendor/\n"),
            (".git/Dockerfile", "FROM c\n"),
        ] {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        }
        let found: Vec<String> = discover(&[root.to_path_buf()])
            .unwrap()
            .into_iter()
            .map(|(p, _)| p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(found, [".github/workflows/ci.yml", "Dockerfile", "svc/compose.yml"]);
    }
}
