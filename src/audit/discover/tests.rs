//! Directory search: what is found, what git hides, what links lead to, what is listed.

use std::process::{Command, Stdio};

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
    assert_eq!(k("action.yml"), Some(FileKind::Workflow), "an action's metadata");
    assert_eq!(k(".github/actions/setup/action.yaml"), Some(FileKind::Workflow));
    assert_eq!(k("upload/Action.yml"), Some(FileKind::Workflow));
    assert_eq!(k("actions.yml"), None);
    assert_eq!(k("proxy/squid.conf"), Some(FileKind::Squid));
    assert_eq!(k("squid-egress.conf"), Some(FileKind::Squid));
    assert_eq!(k("edge.squid.conf"), Some(FileKind::Squid));
    assert_eq!(k("templates/squid.conf.tera"), None);
    assert_eq!(k("nginx.conf"), None);
    assert_eq!(kind_of_named(Path::new("proxy.cfg"), "http_port 3128\n"), Some(FileKind::Squid));
}

#[test]
fn kinds_of_named_files_and_stdin_by_content() {
    let k = |p: &str, text: &str| kind_of_named(Path::new(p), text);
    assert_eq!(k("x.yaml", "include:\n  - base.yml\n"), Some(FileKind::Compose));
    assert_eq!(k("x.yml", "on: push\njobs: {}\n"), Some(FileKind::Workflow));
    assert_eq!(k("x.yml", "apiVersion: v1\n"), None);
    assert_eq!(k("x.yml", "name: a\nruns:\n  using: composite\n"), Some(FileKind::Workflow), "an action");
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
    assert_eq!(audited(dir.path()), [".github/workflows/ci.yml", "Dockerfile", "svc/compose.yml", "vendor/Dockerfile"]);
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

#[cfg(unix)]
#[test]
fn files_a_compose_file_includes_or_extends_from_are_audited_once() {
    let outside = tree(&[("shared.yml", "services: {}\n")]);
    let dir = tree(&[
        ("app/compose.yaml", "include: [../net/networks.yaml]\nservices:\n  web:\n    extends: {file: ./common.yml, service: base}\n  job:\n    extends:\n      file: ${COMMON:-common.yml}\n      service: base\n"),
        ("app/common.yml", "include:\n  - path: [../lib/more.yml, https://example.com/remote.yml]\nservices:\n  base:\n    image: x:1\n"),
        ("net/networks.yaml", "networks: {back: {internal: true}}\n"),
        ("lib/more.yml", "include: [../app/common.yml]\n"),
        ("notes.yml", "services: {}\n"),
    ]);
    std::os::unix::fs::symlink(outside.path().join("shared.yml"), dir.path().join("app/shared.yml")).unwrap();
    std::fs::write(dir.path().join("app/compose.override.yaml"), "include: [shared.yml, missing.yml]\n").unwrap();
    let found = discover(&[dir.path().to_path_buf()]);
    let targets: Vec<(String, Option<FileKind>)> = found
        .targets
        .iter()
        .map(|t| (t.path.strip_prefix(dir.path()).unwrap().display().to_string(), t.kind))
        .collect();
    let compose = Some(FileKind::Compose);
    assert_eq!(
        targets,
        [
            ("app/common.yml".to_string(), compose),
            ("app/compose.override.yaml".to_string(), compose),
            ("app/compose.yaml".to_string(), compose),
            ("lib/more.yml".to_string(), compose),
            ("net/networks.yaml".to_string(), compose),
        ]
    );
    let skipped: Vec<String> =
        found.skipped.iter().map(|s| s.path.strip_prefix(dir.path()).unwrap().display().to_string()).collect();
    assert_eq!(skipped, ["app/shared.yml"]);
    assert!(found.skipped[0].reason.contains("is named by") && found.skipped[0].reason.contains("outside"));
}

#[test]
fn searching_a_workflows_directory_itself_finds_its_workflows() {
    let dir = tree(&[(".github/workflows/ci.yml", "on: push\njobs: {}\n"), ("other/ci.yml", "on: push\n")]);
    let found = discover(&[dir.path().join(".github/workflows"), dir.path().join("other")]);
    let kinds: Vec<Option<FileKind>> = found.targets.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, [Some(FileKind::Workflow)]);
    assert!(found.targets[0].path.ends_with(".github/workflows/ci.yml"));
}

#[test]
fn yaml_holding_only_compose_keys_and_services_is_a_compose_file() {
    let stack = "version: '2.1'\n\nservices:\n  zoo1:\n    image: zookeeper:3.9\nvolumes:\n  data: {}\n";
    let helm = "replicaCount: 1\nservices:\n  web:\n    port: 80\n";
    let dir = tree(&[
        ("zk-single-kafka-single.yml", stack),
        ("ext/filebeat-compose.yml", "x-common: &c\n  restart: always\nservices:\n  filebeat:\n    <<: *c\n"),
        ("chart/values.yaml", helm),
        ("notes.yml", "services: {}\n"),
        ("ci.yml", "stages: [test]\nservices:\n  - docker:dind\n"),
    ]);
    let found = discover(&[dir.path().to_path_buf()]);
    let mut targets: Vec<String> =
        found.targets.iter().map(|t| t.path.strip_prefix(dir.path()).unwrap().display().to_string()).collect();
    targets.sort();
    assert_eq!(targets, ["ext/filebeat-compose.yml", "zk-single-kafka-single.yml"]);
    assert!(found.targets.iter().all(|t| t.kind == Some(FileKind::Compose)));
}
