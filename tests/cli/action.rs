//! The GitHub Action's scripts (.github/action/), run as a runner runs them, against a release
//! built by the release workflow's own scripts (.github/release/) and served from a temporary
//! directory (file://) or a loopback HTTP server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tempfile::TempDir;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
const LINUX_X64: &str = "x86_64-unknown-linux-musl";
const WINDOWS_X64: &str = "x86_64-pc-windows-msvc";
const WINDOWS_PATH: &str = "WIN:";

/// The tools the scripts may call; each test gets a PATH holding only these (plus a fake `gh`
/// when it asks for one), so a script that needs something else fails here first.
const TOOLS: &[&str] = &[
    "bash",
    "sh",
    "env",
    "curl",
    "awk",
    "cut",
    "mktemp",
    "tar",
    "gzip",
    "rm",
    "cat",
    "tail",
    "chmod",
    "dirname",
    "basename",
    "unzip",
    "zip",
    "sha256sum",
    "sort",
    "mv",
    "cp",
    "mkdir",
    "sed",
    "uname",
];

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn berth_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_berth"))
}

/// A directory of symlinks to TOOLS, for PATH.
pub fn tool_dir() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("PATH").unwrap();
    for tool in TOOLS {
        let found = std::env::split_paths(&path)
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("the action's scripts need `{tool}` on PATH"));
        std::os::unix::fs::symlink(found, dir.path().join(tool)).unwrap();
    }
    dir
}

/// Runs a script of the repository with exactly `env` (and PATH = `path`).
fn script(path: &str, args: &[&str], env: &[(&str, String)], bin_path: &Path) -> std::process::Output {
    Command::new(bin_path.join("bash"))
        .arg(repo().join(path))
        .args(args)
        .env_clear()
        .env("PATH", bin_path)
        .envs(env.iter().map(|(k, v)| (k.to_string(), v.clone())))
        .output()
        .expect("bash runs")
}

/// A release directory laid out as on GitHub: ROOT/vVERSION/{archives, sha256.sum}.
pub struct Release {
    pub root: TempDir,
    pub tools: TempDir,
}

/// Both kinds of archive, packed once per test run (packing a debug binary takes seconds).
fn pristine_release() -> &'static Path {
    static RELEASE: OnceLock<TempDir> = OnceLock::new();
    RELEASE
        .get_or_init(|| {
            let root = tempfile::tempdir().unwrap();
            let tools = tool_dir();
            let assets = root.path().join(format!("v{VERSION}"));
            std::fs::create_dir_all(&assets).unwrap();
            let build = tempfile::tempdir().unwrap();
            for target in [LINUX_X64, WINDOWS_X64] {
                // The binary this test runs stands in for each target's build, without its debug
                // information (it would make packing take seconds).
                let exe = if target.contains("-windows-") { "berth.exe" } else { "berth" };
                let stripped = Command::new("strip").arg("-o").arg(build.path().join(exe)).arg(berth_bin()).status();
                if !stripped.is_ok_and(|s| s.success()) {
                    std::fs::copy(berth_bin(), build.path().join(exe)).unwrap();
                }
                let out = script(
                    ".github/release/package.sh",
                    &[target, build.path().to_str().unwrap(), assets.to_str().unwrap()],
                    &[],
                    tools.path(),
                );
                assert!(out.status.success(), "package.sh {target}: {}", String::from_utf8_lossy(&out.stderr));
            }
            let out = script(".github/release/checksums.sh", &[assets.to_str().unwrap()], &[], tools.path());
            assert!(out.status.success(), "checksums.sh: {}", String::from_utf8_lossy(&out.stderr));
            root
        })
        .path()
}

impl Release {
    /// A copy of the pristine release that a test may change.
    pub fn new() -> Release {
        let root = tempfile::tempdir().unwrap();
        let status = Command::new("cp").arg("-R").arg(pristine_release().join(".")).arg(root.path()).status().unwrap();
        assert!(status.success());
        Release { root, tools: tool_dir() }
    }

    /// Git Bash's `cygpath`, faked: a "Windows path" here is the POSIX one behind WINDOWS_PATH.
    fn with_cygpath(self) -> Release {
        let cygpath = self.tools.path().join("cygpath");
        let script = format!(
            "#!/bin/sh\ncase $1 in\n  -u) printf '%s\\n' \"${{2#{WINDOWS_PATH}}}\" ;;\n  -w) printf '{WINDOWS_PATH}%s\\n' \"$2\" ;;\nesac\n"
        );
        std::fs::write(&cygpath, script).unwrap();
        std::fs::set_permissions(&cygpath, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        self
    }

    fn asset(&self, name: &str) -> PathBuf {
        self.root.path().join(format!("v{VERSION}")).join(name)
    }

    pub fn file_url(&self) -> String {
        format!("file://{}", self.root.path().display())
    }

    /// Serves the release on 127.0.0.1 for the rest of the test process.
    fn http_url(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let root = self.root.path().to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/');
                let file = root.join(path);
                let mut stream = &stream;
                let _ = match std::fs::read(&file).ok().filter(|_| !path.contains("..")) {
                    Some(body) => {
                        let head =
                            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                        stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body))
                    }
                    None => {
                        stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    }
                };
            }
        });
        format!("http://127.0.0.1:{port}")
    }

    fn install(&self, url: &str, settings: &[(&str, &str)]) -> Installed {
        self.install_unset(url, settings, &[])
    }

    /// Installs with `unset` missing from the environment, as outside GitHub's runners.
    fn install_unset(&self, url: &str, settings: &[(&str, &str)], unset: &[&str]) -> Installed {
        let runner = tempfile::tempdir().unwrap();
        let github_path = runner.path().join("github_path");
        let github_output = runner.path().join("github_output");
        // With a (fake) cygpath the runner speaks Windows paths, as on a Windows runner.
        let windows = if self.tools.path().join("cygpath").exists() { WINDOWS_PATH } else { "" };
        let mut env: Vec<(&str, String)> = vec![
            ("BERTH_VERSION", VERSION.to_string()),
            ("BERTH_VERIFY_ATTESTATION", "false".into()),
            ("BERTH_RELEASES_URL", url.to_string()),
            ("RUNNER_OS", "Linux".into()),
            ("RUNNER_ARCH", "X64".into()),
            ("RUNNER_TEMP", format!("{windows}{}", runner.path().display())),
            ("GITHUB_PATH", github_path.display().to_string()),
            ("GITHUB_OUTPUT", github_output.display().to_string()),
        ];
        for (key, value) in settings {
            env.retain(|(k, _)| k != key);
            env.push((key, value.to_string()));
        }
        env.retain(|(k, _)| !unset.contains(k));
        let output = script(".github/action/install.sh", &[], &env, self.tools.path());
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        Installed {
            code: output.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            github_path: read(&github_path),
            github_output: read(&github_output),
            runner,
        }
    }
}

struct Installed {
    code: i32,
    stderr: String,
    github_path: String,
    github_output: String,
    runner: TempDir,
}

impl Installed {
    /// Asserts a failure whose error annotation contains every one of `parts`, and that
    /// nothing was put on PATH.
    fn fails_with(&self, parts: &[&str]) {
        assert_eq!(self.code, 1, "{}", self.stderr);
        let last = self.stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with("::error title=berth install::"), "{}", self.stderr);
        for part in parts {
            assert!(self.stderr.contains(part), "`{part}` not in: {}", self.stderr);
        }
        assert_eq!(self.github_path, "", "nothing goes on PATH after a failure");
    }

    /// The directory put on PATH, after asserting success.
    fn bin_dir(&self) -> PathBuf {
        assert_eq!(self.code, 0, "{}", self.stderr);
        let dir = PathBuf::from(self.github_path.trim_end());
        assert!(self.github_output.starts_with("path="), "{}", self.github_output);
        dir
    }
}

pub fn runs_version(bin: &Path) -> String {
    let out = Command::new(bin).arg("--version").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn installs_from_a_loopback_server_and_from_a_directory() {
    let release = Release::new();
    for url in [release.http_url(), release.file_url()] {
        let installed = release.install(&url, &[]);
        let dir = installed.bin_dir();
        assert_eq!(runs_version(&dir.join("berth")), format!("berth {VERSION}"), "{url}");
        assert!(dir.ends_with(format!("berth-{LINUX_X64}")));
    }
    // A leading v, as in a tag, is accepted.
    release.install(&release.file_url(), &[("BERTH_VERSION", &format!("v{VERSION}"))]).bin_dir();
}

#[test]
fn archives_hold_binary_licence_docs_completions_and_man_page() {
    let release = Release::new();
    let out =
        Command::new("tar").arg("-tzf").arg(release.asset(&format!("berth-{LINUX_X64}.tar.gz"))).output().unwrap();
    let mut listed: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
    listed.retain(|l| !l.ends_with('/'));
    listed.sort();
    let dir = format!("berth-{LINUX_X64}");
    let mut expected: Vec<String> = [
        "berth",
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "man/berth.1",
        "completions/berth.bash",
        "completions/_berth",
        "completions/berth.fish",
        "completions/_berth.ps1",
        "completions/berth.elv",
    ]
    .iter()
    .map(|f| format!("{dir}/{f}"))
    .collect();
    expected.sort();
    assert_eq!(listed, expected);
    // One completion file per shell berth can complete.
    let shells = <clap_complete::Shell as clap::ValueEnum>::value_variants().len();
    assert_eq!(listed.iter().filter(|f| f.contains("/completions/")).count(), shells);
    let sums = std::fs::read_to_string(release.asset("sha256.sum")).unwrap();
    let names: Vec<&str> = sums.lines().map(|l| l.split_whitespace().nth(1).unwrap()).collect();
    assert_eq!(names, [format!("berth-{WINDOWS_X64}.zip"), format!("berth-{LINUX_X64}.tar.gz")], "sorted");
}

#[test]
fn installs_the_windows_zip_and_hands_windows_paths_back() {
    let release = Release::new().with_cygpath();
    let installed = release.install(&release.file_url(), &[("RUNNER_OS", "Windows")]);
    let dir = installed.bin_dir();
    let posix = dir.to_str().unwrap().strip_prefix(WINDOWS_PATH).expect("GITHUB_PATH gets a Windows path");
    assert_eq!(runs_version(&Path::new(posix).join("berth.exe")), format!("berth {VERSION}"));
    assert_eq!(installed.github_output.trim_end(), format!("path={WINDOWS_PATH}{posix}/berth.exe"));
}

#[test]
fn a_wrong_checksum_installs_nothing() {
    let release = Release::new();
    let sums = release.asset("sha256.sum");
    let text = std::fs::read_to_string(&sums).unwrap();
    let forged: String = text
        .lines()
        .map(|l| if l.ends_with(".tar.gz") { format!("{}{}\n", "0".repeat(64), &l[64..]) } else { format!("{l}\n") })
        .collect();
    std::fs::write(&sums, forged).unwrap();
    release.install(&release.http_url(), &[]).fails_with(&[
        "checksum mismatch",
        &format!("berth-{LINUX_X64}.tar.gz"),
        &"0".repeat(64),
        "not installed",
    ]);
}

#[test]
fn a_missing_asset_or_checksum_is_named() {
    let release = Release::new();
    std::fs::remove_file(release.asset(&format!("berth-{LINUX_X64}.tar.gz"))).unwrap();
    let url = release.http_url();
    release.install(&url, &[]).fails_with(&[
        &format!("release v{VERSION} has no asset berth-{LINUX_X64}.tar.gz"),
        &format!("{url}/v{VERSION}/berth-{LINUX_X64}.tar.gz"),
        "404",
    ]);
    release
        .install(&url, &[("BERTH_VERSION", "9.9.9")])
        .fails_with(&["release v9.9.9 has no checksum file sha256.sum"]);
    // An archive the checksum file does not list.
    let listed = release.asset("sha256.sum");
    std::fs::write(&listed, "").unwrap();
    release
        .install(&url, &[("RUNNER_OS", "Windows")])
        .fails_with(&[&format!("sha256.sum of v{VERSION} lists no SHA-256 for berth-{WINDOWS_X64}.zip")]);
}

#[test]
fn runners_without_a_build_are_refused_by_name() {
    let release = Release::new();
    for (os, arch) in [("Windows", "ARM64"), ("Linux", "X86"), ("FreeBSD", "X64"), ("", "")] {
        release
            .install(&release.file_url(), &[("RUNNER_OS", os), ("RUNNER_ARCH", arch)])
            .fails_with(&[&format!("no release build for a {os} {arch} runner"), "Linux X64, Linux ARM64"]);
    }
}

#[test]
fn bad_versions_and_download_urls_are_refused() {
    let release = Release::new();
    for version in ["latest", "", "1.2", "1.2.3; rm -rf /", "1.2.3\n::warning::forged"] {
        let installed = release.install(&release.file_url(), &[("BERTH_VERSION", version)]);
        installed.fails_with(&["version must be a release number such as 0.1.0"]);
        assert_eq!(installed.stderr.lines().count(), 1, "one annotation, no forged command: {}", installed.stderr);
    }
    for url in ["http://example.com/releases", "ftp://127.0.0.1/x", "http://127.0.0.1.example.com/x"] {
        release.install(url, &[]).fails_with(&["must be an https:// URL", url]);
    }
    release.install(&release.file_url(), &[("BERTH_VERIFY_ATTESTATION", "yes")]).fails_with(&["true or false"]);
}

#[test]
fn an_archive_of_another_version_is_refused() {
    let release = Release::new();
    let other = release.root.path().join("v0.0.1");
    std::fs::rename(release.root.path().join(format!("v{VERSION}")), &other).unwrap();
    release
        .install(&release.file_url(), &[("BERTH_VERSION", "0.0.1")])
        .fails_with(&[&format!("asked for berth 0.0.1, the archive holds 'berth {VERSION}'")]);
}

/// A `gh` that records its arguments and exits with `code`.
pub fn fake_gh(release: &Release, code: i32) -> PathBuf {
    let log = release.root.path().join("gh.args");
    let gh = release.tools.path().join("gh");
    std::fs::write(
        &gh,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\necho 'gh says no' >&2\nexit {code}\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&gh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    log
}

#[test]
fn attestation_is_checked_with_gh_against_the_release_workflow() {
    let release = Release::new();
    let verify = [("BERTH_VERIFY_ATTESTATION", "true")];
    release
        .install(&release.file_url(), &verify)
        .fails_with(&["needs the GitHub CLI (gh)", "verify-attestation: false"]);

    let log = fake_gh(&release, 1);
    let refused = release.install(&release.file_url(), &verify);
    refused.fails_with(&["no valid build provenance attestation", "berth-dev/berth"]);
    assert!(refused.stderr.contains("gh says no"), "gh's reason is shown: {}", refused.stderr);

    fake_gh(&release, 0);
    release.install(&release.file_url(), &verify).bin_dir();
    let args = std::fs::read_to_string(log).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(&args[..2], ["attestation", "verify"]);
    assert!(args[2].ends_with(&format!("berth-{LINUX_X64}.tar.gz")), "{args:?}");
    assert_eq!(
        &args[3..],
        ["--repo", "berth-dev/berth", "--signer-workflow", "berth-dev/berth/.github/workflows/release.yml"]
    );
}

#[test]
fn outside_github_the_runner_is_read_from_uname() {
    let release = Release::new();
    let installed = release.install_unset(&release.file_url(), &[], &["RUNNER_OS", "RUNNER_ARCH"]);
    if std::env::consts::OS == "linux" && std::env::consts::ARCH == "x86_64" {
        let dir = installed.bin_dir();
        assert!(dir.ends_with(format!("berth-{LINUX_X64}")), "{dir:?}");
    } else {
        // The test release holds the Linux x86_64 and Windows builds only.
        assert_ne!(installed.code, 0);
    }
}

#[test]
fn a_bin_dir_gets_the_binary_and_the_download_goes() {
    let release = Release::new();
    let target = tempfile::tempdir().unwrap();
    let bin = target.path().join("local bin");
    let installed = release.install(&release.file_url(), &[("BERTH_BIN_DIR", bin.to_str().unwrap())]);
    assert_eq!(installed.bin_dir(), bin);
    assert_eq!(installed.github_output.trim_end(), format!("path={}", bin.join("berth").display()));
    assert_eq!(runs_version(&bin.join("berth")), format!("berth {VERSION}"));
    assert_eq!(list(&bin), ["berth"], "only the binary, no partial copy");
    assert!(list(installed.runner.path()).iter().all(|f| !f.starts_with("berth-install.")), "the download is removed");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(bin.join("berth")).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o755);
    // A second install replaces the binary in place.
    release.install(&release.file_url(), &[("BERTH_BIN_DIR", bin.to_str().unwrap())]).bin_dir();
    assert_eq!(list(&bin), ["berth"]);

    let file = target.path().join("a file");
    std::fs::write(&file, "").unwrap();
    let refused = release.install(&release.file_url(), &[("BERTH_BIN_DIR", file.to_str().unwrap())]);
    refused.fails_with(&["cannot install into BERTH_BIN_DIR", "a file"]);
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A `cosign` that records its arguments and exits with `code`.
pub fn fake_cosign(release: &Release, code: i32) -> PathBuf {
    let log = release.root.path().join("cosign.args");
    let cosign = release.tools.path().join("cosign");
    std::fs::write(
        &cosign,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\necho 'cosign says no' >&2\nexit {code}\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&cosign, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    log
}

#[test]
fn the_checksum_file_signature_is_checked_with_cosign_against_the_tag() {
    let release = Release::new();
    let verify = [("BERTH_VERIFY_SIGNATURE", "true")];
    release.install(&release.file_url(), &verify).fails_with(&["needs cosign", "BERTH_VERIFY_SIGNATURE=false"]);
    let log = fake_cosign(&release, 0);
    release
        .install(&release.file_url(), &verify)
        .fails_with(&[&format!("release v{VERSION} has no signature bundle sha256.sum.sigstore.json")]);
    std::fs::write(release.asset("sha256.sum.sigstore.json"), "{}").unwrap();

    fake_cosign(&release, 1);
    let refused = release.install(&release.file_url(), &verify);
    refused.fails_with(&["sha256.sum of v", "no valid signature from berth-dev/berth's release workflow"]);
    assert!(refused.stderr.contains("cosign says no"), "cosign's reason is shown: {}", refused.stderr);

    fake_cosign(&release, 0);
    release.install(&release.file_url(), &verify).bin_dir();
    let args = std::fs::read_to_string(log).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args[0], "verify-blob");
    assert!(args[1].ends_with("/sha256.sum") && args[3].ends_with("/sha256.sum.sigstore.json"), "{args:?}");
    assert_eq!(
        [args[2], args[4], args[5], args[6], args[7], args[8]],
        [
            "--bundle",
            "--new-bundle-format",
            "--certificate-identity",
            &format!("https://github.com/berth-dev/berth/.github/workflows/release.yml@refs/tags/v{VERSION}"),
            "--certificate-oidc-issuer",
            "https://token.actions.githubusercontent.com",
        ]
    );
    release.install(&release.file_url(), &[("BERTH_VERIFY_SIGNATURE", "1")]).fails_with(&["true or false"]);
}

/// Runs audit.sh in `dir` with berth on PATH.
fn audit(dir: &Path, settings: &[(&str, &str)]) -> (i32, String, String, String) {
    let tools = tool_dir();
    std::os::unix::fs::symlink(berth_bin(), tools.path().join("berth")).unwrap();
    let runner = tempfile::tempdir().unwrap();
    let output_file = runner.path().join("github_output");
    let mut env: Vec<(&str, String)> = vec![
        ("RUNNER_TEMP", runner.path().display().to_string()),
        ("GITHUB_OUTPUT", output_file.display().to_string()),
    ];
    env.extend(settings.iter().map(|(k, v)| (*k, v.to_string())));
    let out = Command::new(tools.path().join("bash"))
        .arg(repo().join(".github/action/audit.sh"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", tools.path())
        .envs(env.iter().map(|(k, v)| (k.to_string(), v.clone())))
        .output()
        .unwrap();
    let outputs = std::fs::read_to_string(&output_file).unwrap_or_default();
    let sarif = outputs
        .lines()
        .find_map(|l| l.strip_prefix("sarif-file="))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .unwrap_or_default();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        sarif,
    )
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("invalid JSON: {e}\n{text}"))
}

fn project() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("svc a")).unwrap();
    std::fs::write(
        dir.path().join("svc a/Dockerfile"),
        "FROM python:3.13-slim\nRUN curl -fsSL https://x.invalid | sh\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM python:3.13-slim\nUSER 10001\n").unwrap();
    dir
}

#[test]
fn audit_exit_status_follows_fail_on_and_paths() {
    let dir = project();
    let (code, out, _, sarif) = audit(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("svc a/Dockerfile:2") && out.contains("BD013"), "{out}");
    assert_eq!(sarif, "", "no SARIF unless asked");
    // Paths one per line, spaces kept, blank lines and CRLF ignored.
    let (code, out, err, _) = audit(dir.path(), &[("BERTH_PATHS", "Dockerfile\r\n\n")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 file(s) audited"), "{out}");
    let (code, out, _, _) = audit(dir.path(), &[("BERTH_PATHS", "svc a\n"), ("BERTH_FAIL_ON", "critical")]);
    assert_eq!(code, 0, "BD013 is high, below critical: {out}");
    let (code, out, _, _) = audit(dir.path(), &[("BERTH_FORMAT", "json")]);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["summary"]["files"], 2);
}

#[test]
fn audit_writes_sarif_for_the_upload_even_when_findings_fail_the_step() {
    let dir = project();
    let (code, _, _, sarif) = audit(dir.path(), &[("BERTH_UPLOAD_SARIF", "true")]);
    assert_eq!(code, 1);
    let sarif = json(&sarif);
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "BD013"), "{results:?}");
}

#[test]
fn audit_errors_are_berths_own() {
    let dir = project();
    let (code, _, err, _) = audit(dir.path(), &[("BERTH_FAIL_ON", "severe")]);
    assert_eq!(code, 2);
    assert!(err.contains("severe") && err.contains("critical"), "berth names the valid values: {err}");
    let (code, _, err, sarif) = audit(dir.path(), &[("BERTH_PATHS", "missing.yml"), ("BERTH_UPLOAD_SARIF", "true")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing.yml"), "{err}");
    assert_eq!(sarif, "", "no SARIF to upload when berth could not audit");
    let (code, _, err, _) = audit(dir.path(), &[("BERTH_UPLOAD_SARIF", "1")]);
    assert_eq!(code, 1);
    assert!(err.starts_with("::error title=berth audit::upload-sarif must be true or false"), "{err}");
}
