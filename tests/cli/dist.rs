//! What is shipped agrees with itself: Cargo.toml declares the repository, version and
//! rust-version once, and every file that must spell them (README, action.yml, the pre-commit
//! hooks, the release workflow, the Dockerfile) says the same; the release workflow pins its
//! actions as the generated CI does and builds exactly the targets the Action installs.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use berth::render::catalog;

use crate::action::repo;

const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `owner/name` of the canonical repository.
fn slug() -> &'static str {
    REPOSITORY.strip_prefix("https://github.com/").expect("repository is a GitHub URL")
}

/// Every `owner/name` following `marker` in `text` whose name is berth's.
fn berth_repos_after<'t>(text: &'t str, marker: &str) -> Vec<&'t str> {
    let name = slug().split('/').nth(1).unwrap();
    text.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "-_./".contains(c))).unwrap_or(rest.len());
            let mut parts = rest[..end].splitn(3, '/');
            let (owner, repo) = (parts.next()?, parts.next()?);
            (repo.trim_end_matches(".git") == name).then(|| &rest[..owner.len() + 1 + repo.len()])
        })
        .collect()
}

const SPELLS_THE_REPOSITORY: &[&str] =
    &["README.md", "action.yml", ".pre-commit-hooks.yaml", "CHANGELOG.md", "Dockerfile", ".github/action/lib.sh"];

#[test]
fn every_file_names_the_repository_cargo_toml_declares() {
    assert!(!slug().contains("OWNER"));
    for path in SPELLS_THE_REPOSITORY.iter().chain(&[".github/RELEASING.md"]) {
        let text = read(path);
        assert!(
            text.contains(REPOSITORY) || text.contains(&format!("uses: {}@", slug())),
            "{path} never names {REPOSITORY}"
        );
        assert!(!text.contains("OWNER/berth"), "{path} still has a placeholder");
        for marker in ["github.com/", "ghcr.io/", "uses: ", "--repo ", "--signer-workflow "] {
            for found in berth_repos_after(&text, marker) {
                assert_eq!(found, slug(), "{path}: `{marker}{found}`");
            }
        }
    }
}

#[test]
fn install_commands_name_the_crate_and_the_image() {
    let readme = read("README.md");
    assert!(readme.contains(&format!("cargo install --locked {}\n", env!("CARGO_PKG_NAME"))));
    assert!(readme.contains(&format!("ghcr.io/{}:VERSION", slug())));
    assert!(readme.contains(&format!("Rust toolchain ({} or later)", env!("CARGO_PKG_RUST_VERSION"))));
    assert!(readme.contains(&format!("With Rust {} or later", env!("CARGO_PKG_RUST_VERSION"))));
}

#[test]
fn docs_and_the_action_name_the_current_release() {
    let action = crate::yaml(&read("action.yml"));
    assert_eq!(action["inputs"]["version"]["default"].as_str(), Some(VERSION), "action.yml installs this release");
    for path in ["README.md", "action.yml", ".pre-commit-hooks.yaml"] {
        let text = read(path);
        for marker in ["rev: v", "# v", "tag v", "VERSION="] {
            for (at, _) in text.match_indices(marker) {
                let line = text[..at].rsplit('\n').next().unwrap_or("");
                let release_pin = marker != "# v" || line.contains(&format!("{}@", slug()));
                let rest = &text[at + marker.len()..];
                let version: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
                if release_pin && !version.is_empty() {
                    assert_eq!(version, VERSION, "{path}: `{marker}{version}`");
                }
            }
        }
    }
}

#[test]
fn changelog_keeps_a_changelog() {
    let changelog = read("CHANGELOG.md");
    assert!(changelog.contains("[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)"));
    assert!(changelog.contains("\n## [Unreleased]\n"));
    // Each release heading is `## [X.Y.Z] - YYYY-MM-DD` and has a link at the bottom.
    for line in changelog.lines().filter(|l| l.starts_with("## [") && !l.contains("Unreleased")) {
        let (version, date) = line[4..].split_once("] - ").unwrap_or_else(|| panic!("bad heading: {line}"));
        assert_eq!(date.len(), 10, "{line}");
        assert!(changelog.contains(&format!("\n[{version}]: {REPOSITORY}/")), "no link for {version}");
    }
}

#[test]
fn release_notes_come_from_the_changelog_section() {
    let dir = tempfile::tempdir().unwrap();
    let changelog = dir.path().join("CHANGELOG.md");
    std::fs::write(
        &changelog,
        "# Changelog\n\n## [Unreleased]\n\n- later\n\n## [1.2.0] - 2026-12-01\n\n### Fixed\n\n- a bug\n\n\
         ## [1.1.0] - 2026-11-01\n\n- first\n\n[Unreleased]: x\n[1.2.0]: y\n",
    )
    .unwrap();
    let notes = |version: &str| {
        Command::new("bash").arg(repo().join(".github/release/notes.sh")).arg(version).arg(&changelog).output().unwrap()
    };
    let out = notes("v1.2.0");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "### Fixed\n\n- a bug\n");
    assert_eq!(String::from_utf8_lossy(&notes("1.1.0").stdout), "- first\n");
    let missing = notes("1.3.0");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("CHANGELOG.md has no notes for 1.3.0: add a '## [1.3.0]"));
    assert_eq!(notes("1.2").status.code(), Some(1), "a prefix of a version is not that version");
}

/// `uses:` values with their trailing comments, from a workflow or action file.
fn uses(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix("uses: "))
        .map(|rest| {
            let (value, comment) = rest.split_once(" # ").unwrap_or((rest, ""));
            (value.trim().to_string(), comment.trim().to_string())
        })
        .collect()
}

#[test]
fn actions_are_pinned_as_the_generated_ci_pins_them() {
    let catalog = catalog::actions();
    for path in [".github/workflows/release.yml", "action.yml"] {
        let pins = uses(&read(path));
        assert!(!pins.is_empty(), "{path}");
        for (value, comment) in pins {
            let (action, sha) = value.split_once('@').unwrap_or_else(|| panic!("{path}: {value} has no ref"));
            assert!(sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()), "{path}: {value} is not pinned");
            assert!(comment.starts_with('v'), "{path}: {value} needs a `# vX.Y.Z` comment");
            if let Some(known) = catalog.values().find(|a| a.uses.split('@').next() == Some(action)) {
                assert_eq!((value.as_str(), comment.as_str()), (known.uses.as_str(), known.version), "{path}");
            }
        }
    }
    let release = read(".github/workflows/release.yml");
    assert!(release.contains(&format!("version: {}\n", catalog::TRIVY_VERSION)), "trivy as in the generated CI");
    assert!(
        release.contains(&format!("cosign-release: {}\n", catalog::COSIGN_VERSION)),
        "cosign as in the generated CI"
    );
}

#[test]
fn release_builds_what_the_action_installs_with_the_dockerfiles_toolchain() {
    let workflow = crate::yaml(&read(".github/workflows/release.yml"));
    let built: BTreeSet<String> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap().to_string())
        .collect();
    let mapping = Command::new("bash")
        .arg("-c")
        .arg(
            ". \"$1\"; for os in Linux macOS Windows FreeBSD; do for arch in X64 ARM64 X86 ARM; do \
             berth_target $os $arch || true; done; done",
        )
        .arg("lib")
        .arg(repo().join(".github/action/lib.sh"))
        .output()
        .unwrap();
    let installed: BTreeSet<String> = String::from_utf8_lossy(&mapping.stdout).lines().map(String::from).collect();
    assert_eq!(built, installed, "release.yml builds exactly the targets .github/action/lib.sh installs");

    let toolchain = workflow["env"]["RUST_TOOLCHAIN"].as_str().unwrap().to_string();
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.contains(&format!(" rust:{toolchain}-slim-")), "Dockerfile builds with Rust {toolchain}");
    let msrv: Vec<u32> = env!("CARGO_PKG_RUST_VERSION").split('.').map(|p| p.parse().unwrap()).collect();
    let pinned: Vec<u32> = toolchain.split('.').map(|p| p.parse().unwrap()).collect();
    assert!(pinned >= msrv, "the release toolchain {toolchain} is older than rust-version");
}

#[test]
fn pre_commit_hooks_are_valid_and_match_what_berth_audits() {
    let hooks = crate::yaml(&read(".pre-commit-hooks.yaml"));
    let hooks = hooks.as_array().expect("a list of hooks");
    assert!(!hooks.is_empty());
    for hook in hooks {
        for key in ["id", "name", "entry", "language"] {
            assert!(hook[key].as_str().is_some_and(|v| !v.is_empty()), "hook needs `{key}`: {hook:?}");
        }
        let entry = hook["entry"].as_str().unwrap();
        let command = entry.split_whitespace().collect::<Vec<_>>();
        assert_eq!(command[0], "berth", "{entry}");
        let help = Command::new(env!("CARGO_BIN_EXE_berth")).args(&command[1..]).arg("--help").output().unwrap();
        assert!(help.status.success(), "`{entry}` is not a berth command");
    }
    // pre-commit matches `files`/`exclude` with Python's re.search on the repository path.
    let audit = hooks.iter().find(|h| h["id"] == "berth-audit").expect("berth-audit hook");
    let script = "import re, sys\nfiles, exclude = re.compile(sys.argv[1]), re.compile(sys.argv[2])\n\
                  for path in sys.argv[3:]:\n    print(path, bool(files.search(path) and not exclude.search(path)))\n";
    let paths = [
        ("Dockerfile", true),
        ("svc/Dockerfile.prod", true),
        ("api.Dockerfile", true),
        ("Containerfile", true),
        ("docker-compose.prod.yml", true),
        ("deploy/compose.yaml", true),
        (".github/workflows/ci.yml", true),
        ("templates/Dockerfile.tera", false),
        ("templates/docker-compose.prod.yml.j2", false),
        ("src/app.py", false),
        ("action.yml", true),
        (".github/actions/setup/action.yaml", true),
        ("proxy/squid.conf", true),
        ("edge.squid.conf", true),
        ("templates/proxy/squid.conf.tera", false),
        ("nginx.conf", false),
        ("api.Containerfile", true),
    ];
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(audit["files"].as_str().unwrap())
        .arg(audit["exclude"].as_str().unwrap())
        .args(paths.iter().map(|(p, _)| p))
        .output()
        .expect("python3 runs");
    let expected: String = paths.iter().map(|(p, m)| format!("{p} {}\n", if *m { "True" } else { "False" })).collect();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(Path::new(&repo().join(".pre-commit-hooks.yaml")).exists());
}
