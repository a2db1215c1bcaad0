//! Every command's output written where it cannot go: a full device is an error (exit 2, with
//! the reason on stderr), a pipe the reader closed is the reader's choice (exit 0, silent).

use std::process::{Command, Stdio};

use crate::Berth;

/// Commands whose product is what they print, run in a directory holding project `p`.
const PRINTING: &[&[&str]] = &[
    &["rules"],
    &["rules", "--format", "json"],
    &["explain", "BD001"],
    &["presets"],
    &["completions", "bash"],
    &["man"],
    &["audit", "p", "--format", "sarif"],
    &["audit", "p", "--format", "json"],
    &["check", "p", "--format", "json"],
    &["new", "q", "-y", "--dry-run"],
    &["upgrade", "p", "--dry-run"],
    &["--help"],
    &["--version"],
    &["check", "--help"],
];

fn berth(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("berth"));
    cmd.current_dir(dir).args(args).stdin(Stdio::null()).stderr(Stdio::piped());
    cmd
}

#[cfg(target_os = "linux")]
#[test]
fn output_to_a_full_device_is_an_error() {
    let project = Berth::new().args(&["new", "p", "-y", "--preset", "minimal"]).run().expect_code(0);
    for args in PRINTING {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = berth(project.dir.path(), args).stdout(full).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "berth {args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write the") && stderr.contains("No space left"),
            "berth {args:?}: {stderr}"
        );
    }
}

#[test]
fn output_to_a_closed_pipe_is_not_an_error() {
    let project = Berth::new().args(&["new", "p", "-y", "--preset", "minimal"]).run().expect_code(0);
    for args in PRINTING {
        let mut child = berth(project.dir.path(), args).stdout(Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "berth {args:?}: {stderr}");
        assert!(!stderr.contains("error"), "berth {args:?}: {stderr}");
    }
}
