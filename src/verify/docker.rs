//! A thin wrapper over the docker CLI: every engine interaction goes through here.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The docker client berth drives (the engine is whatever `DOCKER_HOST` or the default socket names).
#[derive(Debug, Clone)]
pub struct Docker {
    bin: PathBuf,
    /// When set, a running command is stopped as soon as this flag is (see [`Docker::stopped_by`]).
    stop: Option<&'static AtomicBool>,
}

/// How often a running command looks at the stop flag.
const POLL: Duration = Duration::from_millis(50);
/// How long a stopped command gets to end after SIGTERM before it is killed.
const GRACE: Duration = Duration::from_secs(10);

/// Reads a child's pipe to the end on a thread of its own, so neither pipe can fill and stall it.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut out);
        }
        out
    })
}

enum Stop {
    Terminate,
    Kill,
}

/// Signals a running (not yet reaped, so its id is still its own) command's process group: the
/// docker client and the plugin it started (compose).
#[cfg(unix)]
fn signal_group(child: &Child, stop: Stop) {
    let signal = match stop {
        Stop::Terminate => libc::SIGTERM,
        Stop::Kill => libc::SIGKILL,
    };
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill has no memory effects; the group is the child's own (process_group(0)).
        unsafe {
            libc::kill(-group, signal);
        }
    }
}

#[cfg(not(unix))]
fn signal_group(_child: &Child, _stop: Stop) {}

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
        Docker { bin: bin.into(), stop: None }
    }

    /// The same client, whose commands end (SIGTERM, then SIGKILL after a grace period) once
    /// `stop` is set: an interrupted run does not wait for a build to finish before cleaning up.
    pub fn stopped_by(&self, stop: &'static AtomicBool) -> Self {
        Docker { bin: self.bin.clone(), stop: Some(stop) }
    }

    pub fn bin(&self) -> &Path {
        &self.bin
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args).env("DOCKER_BUILDKIT", "1").stdin(Stdio::null());
        // In a process group of its own, a command does not get the terminal's Ctrl-C: berth
        // decides what ends (the checks) and what runs to the end (the cleanup).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        cmd
    }

    /// Runs a docker command and returns its raw output; `Err` only when it could not start.
    pub fn output(&self, args: &[&str]) -> std::io::Result<Output> {
        let mut cmd = self.command(args);
        let Some(stop) = self.stop else { return cmd.output() };
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let mut stopping: Option<Instant> = None;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if stop.load(Ordering::SeqCst) {
                match stopping {
                    None => {
                        signal_group(&child, Stop::Terminate);
                        stopping = Some(Instant::now());
                    }
                    Some(since) if since.elapsed() > GRACE => signal_group(&child, Stop::Kill),
                    Some(_) => {}
                }
            }
            std::thread::sleep(POLL);
        };
        Ok(Output { status, stdout: stdout.join().unwrap_or_default(), stderr: stderr.join().unwrap_or_default() })
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
