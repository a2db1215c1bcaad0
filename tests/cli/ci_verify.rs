//! The verify job `ci_verify` adds to the generated GitHub workflow and GitLab pipeline: how it
//! is laid out, and its install commands run as the runner runs them, against a release packed
//! by the release scripts (tests/cli/action.rs) and the installer served from a directory.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::action::{fake_cosign, fake_gh, repo, runs_version, tool_dir, Release, VERSION};
use crate::{yaml, Berth, Run};

fn generate(args: &[&str]) -> Run {
    let mut all = vec!["new", "p", "-y"];
    all.extend_from_slice(args);
    Berth::new().args(&all).run().expect_code(0)
}

fn github(args: &[&str]) -> (Value, String) {
    let text = generate(args).read("p/.github/workflows/container.yml");
    (yaml(&text), text)
}

fn gitlab(args: &[&str]) -> Value {
    let mut all = vec!["--ci", "gitlab", "--updates", "renovate"];
    all.extend_from_slice(args);
    yaml(&generate(&all).read("p/.gitlab-ci.yml"))
}

fn step<'a>(job: &'a Value, name: &str) -> &'a Value {
    job["steps"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap_or_else(|| panic!("no step {name}"))
}

fn lines(text: &Value) -> Vec<String> {
    text.as_str().unwrap().lines().map(String::from).collect()
}

#[test]
fn off_by_default_and_then_no_job() {
    let (workflow, _) = github(&["--preset", "postgres-etl"]);
    assert!(workflow["jobs"].get("verify").is_none());
    assert_eq!(workflow["jobs"]["image"]["needs"], "lint");
    assert!(gitlab(&["--preset", "postgres-etl"]).get("verify").is_none());
}

#[test]
fn github_verifies_before_the_image_job_publishes() {
    let (workflow, text) = github(&["--preset", "postgres-etl", "--ci-verify", "true"]);
    let jobs = &workflow["jobs"];
    assert_eq!(jobs["image"]["needs"], json!(["lint", "verify"]), "nothing is pushed or signed unless verify passed");
    let job = &jobs["verify"];
    assert_eq!(job["permissions"], json!({"contents": "read"}), "least privilege");
    assert!(job.get("needs").is_none(), "runs beside lint");
    let steps = job["steps"].as_array().unwrap();
    let checkout = &steps[0];
    assert!(checkout["uses"].as_str().unwrap().starts_with("actions/checkout@"));
    assert_eq!(checkout["with"]["persist-credentials"], false);
    for uses in steps.iter().filter_map(|s| s["uses"].as_str()) {
        assert_eq!(uses.split('@').nth(1).map(str::len), Some(40), "pinned by SHA: {uses}");
        assert!(!uses.contains("cache"), "no cache in a job the publishing job depends on: {uses}");
    }

    let install = step(job, &format!("Install berth {VERSION}"));
    assert_eq!(install["env"]["BERTH_VERSION"], VERSION, "this berth's own release");
    assert_eq!(install["env"]["BERTH_VERIFY_ATTESTATION"], "true");
    assert_eq!(install["env"]["GH_TOKEN"], "${{ github.token }}");
    let run = lines(&install["run"]);
    assert_eq!(run, berth::render::installer::commands(), "the commands berth declares, one a line");
    assert!(!install["run"].as_str().unwrap().contains("${{"), "no expression in the script");

    let secrets = lines(&step(job, "Throw-away secrets")["run"]);
    assert_eq!(secrets.iter().filter(|l| l.ends_with("> secrets/db_password")).count(), 1, "{secrets:?}");
    let build = step(job, "Build the image")["run"].as_str().unwrap();
    assert_eq!(build, "docker build -t \"berth-verify:$GITHUB_SHA\" .");
    assert_eq!(step(job, "berth verify")["run"], "berth verify --image \"berth-verify:$GITHUB_SHA\"");
    let names: Vec<&str> = steps.iter().filter_map(|s| s["name"].as_str()).collect();
    let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
    assert!(at("Throw-away secrets") < at("Build the image"), "secrets exist when the context is sent: {names:?}");
    assert!(text.contains(&format!("  # berth {VERSION} proves the controls on this commit's image")), "{text}");
}

#[test]
fn every_secret_the_stack_mounts_gets_a_throw_away_value() {
    for (preset, secrets) in [("mariadb-etl", vec!["db_password", "db_root_password"]), ("minimal", vec![])] {
        let run = generate(&["--preset", preset, "--ci-verify", "true"]);
        let compose = yaml(&run.read("p/docker-compose.prod.yml"));
        let mounted: Vec<String> = compose
            .get("secrets")
            .and_then(Value::as_object)
            .map(|s| s.values().map(|v| v["file"].as_str().unwrap().trim_start_matches("./").to_string()).collect())
            .unwrap_or_default();
        let expected: Vec<String> = secrets.iter().map(|s| format!("secrets/{s}")).collect();
        assert_eq!(mounted, expected, "{preset}");
        let workflow = yaml(&run.read("p/.github/workflows/container.yml"));
        let job = &workflow["jobs"]["verify"];
        let written = job["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "Throw-away secrets")
            .map(|s| lines(&s["run"]))
            .unwrap_or_default();
        for file in &mounted {
            assert!(written.iter().any(|l| l.ends_with(&format!("> {file}"))), "{preset}: {file} in {written:?}");
            assert!(written.contains(&format!("chmod 0444 {file}")), "{preset}: readable by the containers");
        }
        assert_eq!(written.is_empty(), mounted.is_empty(), "{preset}: no step without secrets");
    }
}

#[test]
fn github_with_a_private_index_builds_with_the_credentials_as_a_secret() {
    let (workflow, _) =
        github(&["--preset", "minimal", "--ci-verify", "true", "--private-index", "https://pypi.example.com/simple"]);
    let job = &workflow["jobs"]["verify"];
    let netrc = step(job, "Package index credentials");
    assert_eq!(netrc["env"]["PACKAGE_INDEX_NETRC"], "${{ secrets.PACKAGE_INDEX_NETRC }}");
    assert_eq!(lines(&netrc["run"]), ["umask 077", "printf '%s\\n' \"$PACKAGE_INDEX_NETRC\" > secrets/netrc"]);
    assert_eq!(
        step(job, "Build the image")["run"],
        "docker build --secret id=netrc,src=secrets/netrc -t \"berth-verify:$GITHUB_SHA\" ."
    );
}

#[test]
fn gitlab_verifies_the_saved_image_in_the_scan_stage_before_publish() {
    let pipeline =
        gitlab(&["--preset", "postgres-etl", "--ci-verify", "true", "--private-index", "https://x.example/simple"]);
    let job = &pipeline["verify"];
    let stages: Vec<&str> = pipeline["stages"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let stage = |name: &str| stages.iter().position(|s| *s == name).unwrap();
    assert_eq!(job["stage"], "scan");
    assert!(stage("build") < stage("scan") && stage("scan") < stage("publish"), "{stages:?}");
    assert_eq!(job["image"], pipeline["build"]["image"], "the build job's docker client");
    assert_eq!(job["services"], pipeline["build"]["services"], "docker-in-docker, as the build job");
    assert_eq!(job["variables"]["BERTH_VERSION"], VERSION);
    assert_eq!(job["variables"]["BERTH_VERIFY_SIGNATURE"], "true");
    assert_eq!(job["variables"]["BERTH_BIN_DIR"], "/usr/local/bin");
    let script: Vec<&str> = job["script"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(script[0], "apk add --no-cache bash curl cosign");
    let install = berth::render::installer::commands();
    assert_eq!(script[1..=install.len()], install.iter().map(String::as_str).collect::<Vec<_>>()[..]);
    let artifact = pipeline["build"]["artifacts"]["paths"][0].as_str().unwrap();
    assert_eq!(script[install.len() + 1], format!("docker load -i {artifact}"));
    assert!(script.contains(&"install -m 0600 \"$PACKAGE_INDEX_NETRC\" secrets/netrc"), "{script:?}");
    let built = pipeline["build"]["script"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .find(|l| l.starts_with("docker build"));
    assert!(built.unwrap().contains("-t \"$IMAGE:$CI_COMMIT_SHA\""), "{built:?}");
    assert_eq!(
        *script.last().unwrap(),
        "berth verify --image \"$IMAGE:$CI_COMMIT_SHA\"",
        "the image the build job saved"
    );
}

#[test]
fn ci_verify_needs_a_ci() {
    let run = Berth::new().args(&["new", "p", "-y", "--ci", "none", "--ci-verify", "true"]).run().expect_code(2);
    assert!(
        run.stderr().contains("ci_verify = \"true\" adds a job to the CI pipeline, but ci = \"none\""),
        "{}",
        run.stderr()
    );
    assert!(!run.exists("p"), "nothing written");
    let run = Berth::new().args(&["new", "p", "-y", "--set", "ci_verify=maybe"]).run().expect_code(2);
    assert!(run.stderr().contains("ci_verify = \"maybe\": use true or false"), "{}", run.stderr());
}

#[test]
fn every_channel_sets_it() {
    let on = |run: &Run| run.read("p/berth.yml").contains("ci_verify: \"true\"");
    assert!(on(&generate(&["--ci-verify", "yes"])), "flag");
    assert!(on(&generate(&["--set", "ci_verify=on"])), "--set");
    let run = Berth::new()
        .file("a.yml", "ci_verify: true\n")
        .args(&["new", "p", "-y", "--answers", "a.yml"])
        .run()
        .expect_code(0);
    assert!(on(&run), "answers file");
    let run = Berth::new()
        .file("org.yaml", "description: org\nextends: minimal\nci_verify: true\n")
        .args(&["new", "p", "-y", "--preset", "./org.yaml"])
        .run()
        .expect_code(0);
    assert!(on(&run), "preset");
    // berth.yml keeps it: regenerating gives the same workflow.
    let again = Berth::reuse(run).args(&["new", "p", "-y"]).run().expect_code(0);
    assert!(again.stdout().contains("unchanged .github/workflows/container.yml"), "{}", again.stdout());
    let run = Berth::new()
        .file("a.yml", "ci_verify: 3\n")
        .args(&["new", "p", "-y", "--answers", "a.yml"])
        .run()
        .expect_code(2);
    assert!(run.stderr().contains("a.yml:1:12: ci_verify = \"3\": use true or false"), "{}", run.stderr());
}

/// The installer as the job serves it: a copy of berth's repository files under `ROOT/.github/action/`.
fn served_installer() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join(berth::render::installer::ACTION_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    for file in berth::render::installer::files() {
        std::fs::copy(repo().join(berth::render::installer::ACTION_DIR).join(file.name), dir.join(file.name)).unwrap();
    }
    root
}

/// The job's install commands with the installer fetched from `served` instead of GitHub.
fn served(commands: &[String], served: &Path) -> String {
    let remote = format!("https://raw.githubusercontent.com/{}/v{VERSION}", berth::render::installer::repository());
    let local = format!("file://{}", served.display());
    let text = commands.join("\n").replace(&remote, &local).replace("--proto '=https'", "--proto '=file'");
    assert!(!text.contains("https://"), "every download is served locally:\n{text}");
    text
}

fn run_shell(shell: &str, script: &str, tools: &Path, env: &[(&str, String)]) -> std::process::Output {
    Command::new(tools.join(shell))
        .arg("-ec")
        .arg(script)
        .env_clear()
        .env("PATH", tools)
        .envs(env.iter().map(|(k, v)| (k.to_string(), v.clone())))
        .output()
        .unwrap()
}

#[test]
fn the_github_install_step_installs_this_release_after_checking_the_installer() {
    let (workflow, _) = github(&["--preset", "minimal", "--ci-verify", "true"]);
    let install = step(&workflow["jobs"]["verify"], &format!("Install berth {VERSION}"));
    let release = Release::new();
    fake_gh(&release, 0);
    let installer = served_installer();
    let script = served(&lines(&install["run"]), installer.path());
    let runner = tempfile::tempdir().unwrap();
    let github_path = runner.path().join("github_path");
    let mut env: Vec<(&str, String)> = vec![
        ("RUNNER_OS", "Linux".into()),
        ("RUNNER_ARCH", "X64".into()),
        ("RUNNER_TEMP", runner.path().display().to_string()),
        ("GITHUB_PATH", github_path.display().to_string()),
        ("BERTH_RELEASES_URL", release.file_url()),
    ];
    for (key, value) in install["env"].as_object().unwrap() {
        env.push((key.as_str(), value.as_str().unwrap().to_string()));
    }
    let out = run_shell("bash", &format!("set -o pipefail\n{script}"), release.tools.path(), &env);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("install.sh: OK"), "the hashes were checked");
    let bin = std::fs::read_to_string(&github_path).unwrap();
    assert_eq!(runs_version(&Path::new(bin.trim_end()).join("berth")), format!("berth {VERSION}"));
    let gh = std::fs::read_to_string(release.root.path().join("gh.args")).unwrap();
    assert!(gh.starts_with("attestation\nverify\n"), "provenance checked: {gh}");

    // An installer changed on the way (a moved tag, a compromised file) is never run.
    std::fs::write(installer.path().join(berth::render::installer::ACTION_DIR).join("lib.sh"), "echo pwned >&2\n")
        .unwrap();
    std::fs::remove_file(&github_path).unwrap();
    let out = run_shell("bash", &format!("set -o pipefail\n{script}"), release.tools.path(), &env);
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success() && all.contains("lib.sh: FAILED"), "{all}");
    assert!(!all.contains("pwned") && !github_path.exists(), "nothing ran, nothing installed: {all}");
}

#[test]
fn the_gitlab_install_lines_install_into_the_bin_dir_with_the_signature_checked() {
    let pipeline = gitlab(&["--preset", "minimal", "--ci-verify", "true"]);
    let job = &pipeline["verify"];
    let script: Vec<String> =
        job["script"].as_array().unwrap().iter().filter_map(|l| l.as_str().map(String::from)).collect();
    let commands = &script[1..=berth::render::installer::commands().len()];
    let release = Release::new();
    std::fs::write(release.root.path().join(format!("v{VERSION}/sha256.sum.sigstore.json")), "{}").unwrap();
    let cosign = fake_cosign(&release, 0);
    let installer = served_installer();
    let bin = tempfile::tempdir().unwrap();
    // Outside GitHub: no RUNNER_* variables, a POSIX sh running the lines as GitLab does.
    let mut env: Vec<(&str, String)> =
        vec![("BERTH_RELEASES_URL", release.file_url()), ("TMPDIR", bin.path().display().to_string())];
    for (key, value) in job["variables"].as_object().unwrap() {
        env.push((key.as_str(), value.as_str().unwrap().to_string()));
    }
    env.retain(|(k, _)| *k != "BERTH_BIN_DIR");
    env.push(("BERTH_BIN_DIR", bin.path().join("usr/local/bin").display().to_string()));
    let tools = tool_dir();
    for tool in ["bash", "cosign"] {
        let from = if tool == "cosign" {
            release.tools.path().join(tool)
        } else {
            release.tools.path().join(tool).canonicalize().unwrap()
        };
        let _ = std::os::unix::fs::symlink(from, tools.path().join(tool));
    }
    let out = run_shell("sh", &served(commands, installer.path()), tools.path(), &env);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    assert_eq!(runs_version(&bin.path().join("usr/local/bin/berth")), format!("berth {VERSION}"));
    assert!(std::fs::read_to_string(cosign).unwrap().starts_with("verify-blob\n"), "the signature was checked");
}

fn render(flags: &[(&str, &str)]) -> std::collections::BTreeMap<std::path::PathBuf, berth::render::RenderedFile> {
    use berth::spec::{self, Layer, RawValue, Source};
    let mut layer = Layer::new(Source::Flags);
    for (key, value) in flags {
        layer.set(key, RawValue::One(value.to_string())).unwrap();
    }
    let env = spec::Environment { dir_name: Some("m".into()), dependency_text: None };
    let resolved = spec::resolve(&[spec::defaults(), layer], &env).unwrap_or_else(|p| panic!("{flags:?}: {p:?}"));
    berth::render::render(&resolved.spec).unwrap()
}

/// ci_verify changes the CI file (and berth.yml and SECURITY.md, which no linter reads) only, for
/// every combination of the answers the job depends on; the workflows with the job pass berth's own audit at every severity.
#[test]
fn the_job_touches_only_the_ci_file_and_audits_clean_across_the_matrix() {
    let root = tempfile::tempdir().unwrap();
    let mut workflows = 0;
    for base in ["slim", "distroless", "alpine"] {
        for db in ["postgres", "mariadb", "none"] {
            for workload in ["batch", "api"] {
                for ci in ["github", "gitlab"] {
                    for index in [None, Some("https://pypi.example.com/simple")] {
                        let updates = if ci == "github" { "dependabot" } else { "renovate" };
                        let mut flags = vec![
                            ("base", base),
                            ("database", db),
                            ("workload", workload),
                            ("ci", ci),
                            ("updates", updates),
                        ];
                        if let Some(index) = index {
                            flags.extend([("private_index", index), ("image", "registry.example.com/data/m")]);
                        }
                        let off = render(&flags);
                        flags.push(("ci_verify", "true"));
                        let on = render(&flags);
                        assert_eq!(off.keys().collect::<Vec<_>>(), on.keys().collect::<Vec<_>>(), "{flags:?}");
                        let ci_file = if ci == "github" { ".github/workflows/container.yml" } else { ".gitlab-ci.yml" };
                        for (path, file) in &on {
                            let same = off[path] == *file;
                            let expected = ![ci_file, "berth.yml", "SECURITY.md"].contains(&path.to_str().unwrap());
                            assert_eq!(same, expected, "{flags:?}: {}", path.display());
                        }
                        if ci == "github" {
                            let dir = root.path().join(format!("m{workflows}/.github/workflows"));
                            std::fs::create_dir_all(&dir).unwrap();
                            std::fs::write(dir.join("container.yml"), &on[Path::new(ci_file)].content).unwrap();
                            workflows += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(workflows, 36);
    let report = berth::audit::run(&berth::audit::Options {
        paths: vec![root.path().to_path_buf()],
        fail_on: Some(berth::report::Severity::Info),
        ..berth::audit::Options::default()
    })
    .unwrap();
    assert_eq!(report.files.len(), workflows);
    let shown: Vec<String> =
        report.diagnostics.iter().take(20).map(|d| format!("{}:{} {} {}", d.path, d.line, d.code, d.message)).collect();
    assert!(report.diagnostics.is_empty() && report.errors.is_empty(), "{}\n{:?}", shown.join("\n"), report.errors);
}
