use crate::{Berth, Run};

#[test]
fn without_berth_yml_it_says_to_generate_first() {
    let run = Berth::new().file("p/Dockerfile", "FROM scratch\n").args(&["verify", "p"]).run().expect_code(2);
    assert!(run.stderr().contains("no berth.yml") && run.stderr().contains("berth new"), "{}", run.stderr());
}

#[test]
fn without_an_engine_it_exits_2_with_a_clear_message() {
    let run = Berth::new().args(&["new", "p", "--preset", "minimal", "-y"]).run().expect_code(0);
    let run = run.then(&["verify", "p", "--docker", "/nonexistent/docker"]).expect_code(2);
    let err = run.stderr();
    assert!(err.contains("cannot reach a Docker engine") && err.contains("DOCKER_HOST"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
}

#[test]
fn invalid_berth_yml_is_reported() {
    let run = Berth::new().file("p/berth.yml", "python: '2.7'\n").args(&["verify", "p"]).run().expect_code(2);
    assert!(run.stderr().contains("python"), "{}", run.stderr());
}

/// A stand-in `docker` that logs every call to docker.log: an engine that answers, a build that
/// runs until it is signalled (or fails like a client without buildx when NO_BUILDX is set).
const FAKE_DOCKER: &str = r#"#!/usr/bin/env bash
here=$(dirname "$0")
echo "$*" >>"$here/docker.log"
case "$1 $2" in
  "version --format") echo 20.10.24 ;;
  "ps -aq")
    if [[ -n ${SLOW_CLEANUP:-} ]]; then
      touch "$here/cleaning"
      sleep 2
      echo "cleanup ps done" >>"$here/docker.log"
    fi
    ;;
  "compose version") echo "Docker Compose version v2.40.3" ;;
  build*)
    if [[ -n ${NO_BUILDX:-} ]]; then
      echo "ERROR: BuildKit is enabled but the buildx component is missing or broken." >&2
      exit 1
    fi
    if [[ $2 == -q ]]; then echo sha256:0; exit 0; fi
    trap 'echo "build got SIGTERM" >>"$here/docker.log"; exit 143' TERM
    touch "$here/building"
    sleep 60 &
    wait
    ;;
esac
"#;

fn fake_docker(run: &Run) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let docker = run.dir.path().join("fake/docker");
    std::fs::create_dir_all(docker.parent().unwrap()).unwrap();
    std::fs::write(&docker, FAKE_DOCKER).unwrap();
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
    docker
}

/// A newer client without the buildx plugin cannot build the project: verify cannot run (2),
/// it is not a failed check (1).
#[cfg(unix)]
#[test]
fn a_client_without_buildkit_is_reported_before_the_checks() {
    let run = Berth::new().args(&["new", "p", "--preset", "minimal", "-y"]).run().expect_code(0);
    let docker = fake_docker(&run);
    let output = assert_cmd::Command::cargo_bin("berth")
        .unwrap()
        .current_dir(run.dir.path())
        .env("NO_BUILDX", "1")
        .args(["verify", "p", "--docker"])
        .arg(&docker)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot build with BuildKit") && err.contains("buildx plugin"), "{err}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("fail "), "no check is reported as failed");
}

/// SIGINT, SIGTERM (`timeout`, `kill`) and SIGHUP (a closed terminal) during the build all stop
/// the build at once and remove what verify created, like Ctrl-C.
#[cfg(unix)]
#[test]
fn stop_signals_stop_the_build_and_clean_up() {
    for signal in ["INT", "TERM", "HUP"] {
        let run = Berth::new().args(&["new", "p", "--preset", "minimal", "-y"]).run().expect_code(0);
        let docker = fake_docker(&run);
        let berth = std::process::Command::new(assert_cmd::cargo::cargo_bin("berth"))
            .current_dir(run.dir.path())
            .args(["verify", "p", "--docker"])
            .arg(&docker)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let building = run.dir.path().join("fake/building");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !building.exists() {
            assert!(std::time::Instant::now() < deadline, "{signal}: the build never started");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let sent = std::process::Command::new("kill").arg(format!("-{signal}")).arg(berth.id().to_string()).status();
        assert!(sent.unwrap().success());
        let output = berth.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{signal}: {err}");
        assert!(err.contains("interrupted; everything verify created was removed"), "{signal}: {err}");
        let out = String::from_utf8_lossy(&output.stdout);
        assert!(!out.contains("fail "), "{signal}: a cut-short build is not a failed check: {out}");
        let log = run.read("fake/docker.log");
        assert!(log.contains("build got SIGTERM"), "{signal}: the build was stopped, not waited for:\n{log}");
        let build = log.lines().find(|l| l.starts_with("build --label"));
        let image = build.and_then(|l| l.split(" -t ").nth(1)).and_then(|rest| rest.split(' ').next());
        let image = image.unwrap_or_else(|| panic!("{signal}: no image tagged:\n{log}"));
        assert!(log.contains(&format!("rmi -f {image}")), "{signal}: the image is removed:\n{log}");
        assert!(log.contains("ps -aq --filter label=berth.verify="), "{signal}: containers are looked for:\n{log}");
    }
}

/// Ctrl-C at a terminal reaches the whole foreground process group. A second one during the
/// cleanup must not kill the cleanup's own docker commands.
#[cfg(unix)]
#[test]
fn a_second_ctrl_c_does_not_cut_the_cleanup_short() {
    use std::os::unix::process::CommandExt;
    let run = Berth::new().args(&["new", "p", "--preset", "minimal", "-y"]).run().expect_code(0);
    let docker = fake_docker(&run);
    let berth = std::process::Command::new(assert_cmd::cargo::cargo_bin("berth"))
        .current_dir(run.dir.path())
        .env("SLOW_CLEANUP", "1")
        .args(["verify", "p", "--docker"])
        .arg(&docker)
        .process_group(0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let ctrl_c = || {
        let group = format!("-{}", berth.id());
        assert!(std::process::Command::new("kill").args(["-INT", "--", &group]).status().unwrap().success());
    };
    let wait_for = |marker: &str| {
        let path = run.dir.path().join("fake").join(marker);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !path.exists() {
            assert!(std::time::Instant::now() < deadline, "{marker} never appeared");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    wait_for("building");
    ctrl_c();
    wait_for("cleaning");
    ctrl_c();
    let output = berth.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    let log = run.read("fake/docker.log");
    assert!(log.contains("cleanup ps done"), "the cleanup command ran to its end:\n{log}");
    assert!(log.lines().any(|l| l.starts_with("rmi -f ") && l.ends_with("-app")), "{log}");
}

#[test]
fn a_zero_timeout_is_a_usage_error() {
    let run = Berth::new().args(&["verify", ".", "--timeout", "0"]).run().expect_code(2);
    assert!(run.stderr().contains("--timeout") && run.stderr().contains("0"), "{}", run.stderr());
}
