//! berth's integration tests: one binary, one module per command, a fluent builder per run.

mod audit;
mod compose;
mod examples;
mod new;
mod presets;
mod verify;
mod wizard;

use std::path::{Path, PathBuf};
use std::process::Output;

use tempfile::TempDir;

/// A berth invocation in a fresh temporary directory.
pub struct Berth {
    dir: TempDir,
    args: Vec<String>,
    stdin: Option<String>,
}

impl Default for Berth {
    fn default() -> Self {
        Self::new()
    }
}

impl Berth {
    pub fn new() -> Self {
        Berth { dir: tempfile::tempdir().expect("temp dir"), args: Vec::new(), stdin: None }
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|s| s.to_string()));
        self
    }

    /// Writes a file into the working directory before running.
    pub fn file(self, path: &str, content: &str) -> Self {
        let target = self.dir.path().join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, content).unwrap();
        self
    }

    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_string());
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs berth and returns the outcome with the directory for inspection.
    pub fn run(self) -> Run {
        let mut cmd = assert_cmd::Command::cargo_bin("berth").expect("berth binary");
        cmd.current_dir(self.dir.path()).args(&self.args);
        cmd.write_stdin(self.stdin.clone().unwrap_or_default());
        let output = cmd.output().expect("berth runs");
        Run { dir: self.dir, output }
    }
}

pub struct Run {
    pub dir: TempDir,
    pub output: Output,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().expect("exit code")
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts the exit code, showing the output when it differs.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(self.code(), code, "stdout:\n{}\nstderr:\n{}", self.stdout(), self.stderr());
        self
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.dir.path().join(path).exists()
    }

    /// Every file under `sub`, relative to it, sorted.
    pub fn files(&self, sub: &str) -> Vec<String> {
        list_files(&self.dir.path().join(sub))
    }

    /// Runs berth again in the same directory.
    pub fn then(self, args: &[&str]) -> Run {
        Berth { dir: self.dir, args: args.iter().map(|s| s.to_string()).collect(), stdin: None }.run()
    }
}

pub fn list_files(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    if root.exists() {
        walk(root, root, &mut out);
    }
    out.sort();
    out
}

/// Parses a generated YAML file.
pub fn yaml(text: &str) -> serde_yaml_ng::Value {
    serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("invalid YAML: {e}\n{text}"))
}
