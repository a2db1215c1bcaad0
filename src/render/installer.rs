//! How generated CI installs berth: with the Action's own installer, fetched from berth's
//! repository at the tag of this release and run only when it is byte for byte the copy built
//! into this binary. The installer then checks the release archive against the release's
//! checksum file and its provenance, as it does for the Action.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Where the Action keeps its scripts, in berth's repository and in the Action's checkout.
pub const ACTION_DIR: &str = ".github/action";

/// The installer's files, in the order they are fetched: install.sh sources lib.sh beside it.
const FILES: [(&str, &[u8]); 2] = [
    ("install.sh", include_bytes!("../../.github/action/install.sh")),
    ("lib.sh", include_bytes!("../../.github/action/lib.sh")),
];

/// The release the generated files install: the one that generated them.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the job keeps the installer: the runner's temporary directory on GitHub, the usual
/// one elsewhere (as install.sh picks its own).
const INSTALLER_DIR: &str = "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/berth-installer";

/// `owner/name` of berth's repository on GitHub.
pub fn repository() -> &'static str {
    env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/")
}

/// One installer file: where the job fetches it and the SHA-256 it must have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallerFile {
    pub name: &'static str,
    pub url: String,
    pub sha256: String,
}

pub fn files() -> Vec<InstallerFile> {
    FILES
        .iter()
        .map(|(name, bytes)| InstallerFile {
            name,
            url: format!("https://raw.githubusercontent.com/{}/v{VERSION}/{ACTION_DIR}/{name}", repository()),
            sha256: Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect(),
        })
        .collect()
}

/// Shell lines (one command each, for a GitHub `run:` block or GitLab `script:` items) that
/// fetch the installer, refuse it unless every file has its SHA-256, and run it.
pub fn commands() -> Vec<String> {
    let files = files();
    let mut lines = vec![format!("installer=\"{INSTALLER_DIR}\"")];
    for file in &files {
        lines.push(format!(
            "curl --proto '=https' --tlsv1.2 -fsSL --retry 3 --create-dirs -o \"$installer/{}\" {}",
            file.name, file.url
        ));
    }
    let sums: Vec<String> = files.iter().map(|f| format!("{} \"$installer/{}\"", f.sha256, f.name)).collect();
    lines.push(format!("printf '%s  %s\\n' {} | sha256sum -c", sums.join(" ")));
    lines.push(format!("bash \"$installer/{}\"", FILES[0].0));
    lines
}

/// Shell lines that write a random throw-away value into each secret file the stack mounts, so
/// `berth verify` can start it in CI (the real files are never committed). 0444 as `berth new`
/// writes them: the containers' users read them through the bind mount.
pub fn secret_commands(names: &[&str]) -> Vec<String> {
    let mut lines = Vec::new();
    if names.is_empty() {
        return lines;
    }
    lines.push(format!("mkdir -p {}", super::SECRETS_DIR));
    for name in names {
        let path = format!("{}/{name}", super::SECRETS_DIR);
        lines.push(format!("head -c 32 /dev/urandom | base64 | tr -d '+/=\\n' > {path}"));
        lines.push(format!("chmod 0444 {path}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_are_the_actions_own_and_their_hashes_are_of_what_is_built_in() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (file, (name, bytes)) in files().iter().zip(FILES) {
            let on_disk = std::fs::read(repo.join(ACTION_DIR).join(name)).unwrap();
            assert_eq!(on_disk, bytes, "{name}");
            assert_eq!(file.sha256.len(), 64);
            assert!(file.url.ends_with(&format!("/v{VERSION}/.github/action/{name}")), "{}", file.url);
        }
        let action = std::fs::read_to_string(repo.join("action.yml")).unwrap();
        assert!(action.contains(&format!("$GITHUB_ACTION_PATH/{ACTION_DIR}/{}", FILES[0].0)), "the Action runs it");
        let install = std::fs::read_to_string(repo.join(ACTION_DIR).join(FILES[0].0)).unwrap();
        assert!(install.contains(&format!(". \"$here/{}\"", FILES[1].0)), "install.sh sources lib.sh beside it");
        let lib = std::fs::read_to_string(repo.join(ACTION_DIR).join(FILES[1].0)).unwrap();
        assert!(
            lib.contains(&format!("BERTH_RELEASES=https://github.com/{}/releases/download", repository())),
            "the installer downloads from the repository the job fetches it from"
        );
    }

    #[test]
    fn the_commands_fetch_check_then_run() {
        let lines = commands();
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(lines[1].contains("https://raw.githubusercontent.com/berth-dev/berth/v"), "{lines:?}");
        assert!(lines[3].ends_with("| sha256sum -c") && lines[3].matches("\"$installer/").count() == 2, "{lines:?}");
        assert_eq!(lines[4], "bash \"$installer/install.sh\"");
    }

    #[test]
    fn throw_away_secrets_are_random_and_readable() {
        assert!(secret_commands(&[]).is_empty());
        let lines = secret_commands(&["db_password", "db_root_password"]);
        assert_eq!(lines[0], "mkdir -p secrets");
        assert!(lines[1].starts_with("head -c 32 /dev/urandom") && lines[1].ends_with("> secrets/db_password"));
        assert_eq!(lines[4], "chmod 0444 secrets/db_root_password");
    }
}
