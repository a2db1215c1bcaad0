//! A thin wrapper over the docker CLI: every engine interaction goes through here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The docker client berth drives (the engine is whatever `DOCKER_HOST` or the default socket names).
#[derive(Debug, Clone)]
pub struct Docker {
    bin: PathBuf,
}

/// A docker command that ran and failed, with what it said.
#[derive(Debug, Clone)]
pub struct CommandFailed {
    pub command: String,
    pub message: String,
}

impl std::fmt::Display for CommandFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` failed: {}", self.command, self.message)
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

impl Docker {
    pub fn new(bin: impl Into<PathBuf>) -> Self {
        Docker { bin: bin.into() }
    }

    pub fn bin(&self) -> &Path {
        &self.bin
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).env("DOCKER_BUILDKIT", "1").stdin(Stdio::null());
        cmd
    }

    /// Runs a docker command and returns its raw output; `Err` only when it could not start.
    pub fn output(&self, args: &[&str]) -> std::io::Result<Output> {
        self.command(args).output()
    }

    /// Runs a docker command; its trimmed stdout on success, the tail of stderr on failure.
    pub fn ok(&self, args: &[&str]) -> Result<String, CommandFailed> {
        let shown = format!("docker {}", args.join(" "));
        match self.output(args) {
            Ok(out) if out.status.success() => Ok(String::from_utf8_lossy(&out.stdout).trim().to_string()),
            Ok(out) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let stdout = String::from_utf8_lossy(&out.stdout);
                let text = if stderr.trim().is_empty() { stdout } else { stderr };
                Err(CommandFailed { command: shown, message: last_lines(&text, 15) })
            }
            Err(e) => Err(CommandFailed { command: shown, message: e.to_string() }),
        }
    }

    /// Whether a command exits 0 (output discarded).
    pub fn succeeds(&self, args: &[&str]) -> bool {
        self.output(args).is_ok_and(|o| o.status.success())
    }

    /// Streams `docker save IMAGE` into `consume`.
    pub fn save<T>(
        &self,
        image: &str,
        consume: impl FnOnce(&mut dyn std::io::Read) -> std::io::Result<T>,
    ) -> Result<T, CommandFailed> {
        let shown = format!("docker save {image}");
        let fail = |message: String| CommandFailed { command: shown.clone(), message };
        let mut child = self
            .command(&["save", image])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| fail(e.to_string()))?;
        let mut stdout = child.stdout.take().expect("piped");
        let result = consume(&mut stdout);
        drop(stdout);
        let out = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
        if !out.status.success() {
            return Err(fail(last_lines(&String::from_utf8_lossy(&out.stderr), 5)));
        }
        result.map_err(|e| fail(format!("reading the archive: {e}")))
    }
}
