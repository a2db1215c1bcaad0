//! berth's integration tests: one binary, one module per command, a fluent builder per run.

mod action;
mod answers;
mod audit;
mod audit_dockerfile;
mod audit_inputs;
mod ci_verify;
mod completions;
mod compose;
mod dist;
mod egress;
mod examples;
mod lifecycle;
mod lifecycle_hostile;
mod new;
mod output;
mod presets;
mod verify;
mod verify_image;
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

    /// A new invocation in the directory of a finished run.
    pub fn reuse(run: Run) -> Self {
        Berth { dir: run.dir, args: Vec::new(), stdin: None }
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

/// Parses a generated YAML file into JSON values (YAML 1.2 core schema for plain scalars), so
/// tests index it as `doc["services"]["app"]`.
pub fn yaml(text: &str) -> serde_json::Value {
    let root = berth::yaml::tree::parse(text).unwrap_or_else(|e| panic!("invalid YAML: {e:?}\n{text}"));
    to_json(&root)
}

fn to_json(node: &berth::yaml::tree::Node) -> serde_json::Value {
    use berth::yaml::tree::Value;
    use serde_json::Value as J;
    match &node.value {
        Value::Scalar { text, plain: false } => J::String(text.clone()),
        Value::Scalar { .. } if node.is_null() => J::Null,
        Value::Scalar { text, .. } => match text.as_str() {
            "true" | "True" | "TRUE" => J::Bool(true),
            "false" | "False" | "FALSE" => J::Bool(false),
            _ => text
                .parse::<i64>()
                .map(J::from)
                .ok()
                .or_else(|| {
                    text.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .and_then(|f| serde_json::Number::from_f64(f).map(J::Number))
                })
                .unwrap_or_else(|| J::String(text.clone())),
        },
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => {
            J::Object(entries.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v))).collect())
        }
    }
}

/// The keys of the mapping at `path` in a YAML file, in file order.
pub fn yaml_keys(text: &str, path: &[&str]) -> Vec<String> {
    let root = berth::yaml::tree::parse(text).unwrap_or_else(|e| panic!("invalid YAML: {e:?}\n{text}"));
    let node = path.iter().fold(&root, |node, key| node.get(key).unwrap_or_else(|| panic!("no {key}")));
    node.entries().map(|(key, _, _)| key.to_string()).collect()
}
