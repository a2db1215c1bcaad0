//! `berth verify --image REF`: an image built elsewhere is checked instead of a build, with a
//! stand-in docker client that logs every call (the engine runs are in tests/engine/e2e.sh).

use std::path::PathBuf;
use std::process::Output;

use crate::{Berth, Run};

/// Logs each call to docker.log; `image inspect` finds the image unless NO_IMAGE is set, and
/// `compose` copies the override files it is given into the log.
const FAKE_DOCKER: &str = r#"#!/usr/bin/env bash
here=$(dirname "$0")
echo "$*" >>"$here/docker.log"
case "$1 $2" in
  "version --format") echo 20.10.24 ;;
  "compose version") echo "Docker Compose version v2.40.3" ;;
  "context inspect") echo "${FAKE_ENDPOINT:-unix:///var/run/docker.sock}" ;;
  "image inspect")
    if [[ -n ${NO_IMAGE:-} ]]; then
      echo "Error: No such image: ${*: -1}" >&2
      exit 1
    fi
    echo "sha256:$(printf 'a%.0s' {1..64}) 123000000 2026-11-30T10:00:00Z"
    ;;
  "compose -p")
    for arg in "$@"; do
      [[ $arg == *app-image.yml ]] && cat "$arg" >>"$here/docker.log"
    done
    ;;
esac
exit 0
"#;

fn project() -> Run {
    Berth::new().args(&["new", "p", "--preset", "minimal", "-y"]).run().expect_code(0)
}

fn fake_docker(run: &Run) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let docker = run.dir.path().join("fake/docker");
    std::fs::create_dir_all(docker.parent().unwrap()).unwrap();
    std::fs::write(&docker, FAKE_DOCKER).unwrap();
    std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
    docker
}

fn verify(run: &Run, args: &[&str], env: &[(&str, &str)]) -> Output {
    let docker = fake_docker(run);
    assert_cmd::Command::cargo_bin("berth")
        .unwrap()
        .current_dir(run.dir.path())
        .envs(env.iter().copied())
        .args(["verify", "p", "--docker"])
        .arg(&docker)
        .args(args)
        .output()
        .unwrap()
}

fn log(run: &Run) -> String {
    std::fs::read_to_string(run.dir.path().join("fake/docker.log")).unwrap_or_default()
}

#[test]
fn a_given_image_is_checked_and_run_as_the_app_without_a_build() {
    let run = project();
    let output = verify(&run, &["--image", "registry.example.com/data/etl:sha-1"], &[]);
    let out = String::from_utf8_lossy(&output.stdout);
    let log = log(&run);
    assert!(!log.lines().any(|l| l.starts_with("build")), "nothing is built, not even the BuildKit probe:\n{log}");
    assert!(
        out.contains("skip  build              not built here: --image registry.example.com/data/etl:sha-1 is sha256:aaaaaaaaaaaa (123 MB"),
        "{out}"
    );
    assert!(log.contains("image inspect -f {{.Config.User}} registry.example.com/data/etl:sha-1"), "{log}");
    let up = log.lines().find(|l| l.starts_with("compose -p") && l.contains(" up -d --no-build")).expect(&log);
    assert!(up.contains("-f ") && up.contains("app-image.yml"), "{up}");
    assert!(
        log.contains("services:\n  app:\n    image: \"registry.example.com/data/etl:sha-1\"\n    pull_policy: never\n"),
        "the stack runs the given image and never pulls it:\n{log}"
    );
    assert!(!log.contains("rmi -f registry.example.com"), "a given image is never removed:\n{log}");
}

#[test]
fn a_built_image_is_named_to_compose_the_same_way() {
    let run = project();
    verify(&run, &[], &[]);
    let log = log(&run);
    let built = log.lines().find(|l| l.starts_with("build --label")).expect(&log);
    let image = built.split(" -t ").nth(1).and_then(|rest| rest.split(' ').next()).unwrap();
    assert!(log.contains(&format!("    image: \"{image}\"\n    pull_policy: never\n")), "{log}");
}

#[test]
fn an_image_the_engine_lacks_is_an_error_not_a_failed_check() {
    let run = project();
    let output = verify(&run, &["--image", "etl:1"], &[("NO_IMAGE", "1")]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: --image \"etl:1\": the engine has no such image") && err.contains("docker load"),
        "{err}"
    );
    assert!(err.contains("verify never pulls"), "{err}");
    assert!(!log(&run).contains("compose -p"), "no stack is started");
}

#[test]
fn a_bad_reference_is_refused_before_the_engine_is_asked() {
    let run = project();
    for bad in ["--privileged", "etl:1\nprivileged: true", "Etl", "etl@sha256:abc", "\u{1b}[31metl", ""] {
        let output = verify(&run, &[&format!("--image={bad}")], &[]);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {err}");
        assert!(err.starts_with("error: --image \"") && err.contains("use an image reference"), "{bad:?}: {err}");
        assert!(!err.contains('\u{1b}') && err.lines().count() == 1, "escaped, one line: {err:?}");
        assert!(output.stdout.is_empty(), "{bad:?}: nothing printed before the error");
        assert_eq!(log(&run), "", "{bad:?}: docker is not run");
    }
}
