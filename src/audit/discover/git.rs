//! Asking git which files it tracks and which it ignores, without running anything the audited
//! repository configures, and without waiting for good on a git that blocks.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Candidate;

/// The git work tree a searched directory is in.
pub(super) struct Git {
    dir: PathBuf,
    /// Paths git tracks, relative to `dir`.
    tracked: HashSet<PathBuf>,
    timeout: Duration,
}

/// Git did not answer in time: what berth could not learn, and what it does instead. Listed
/// with the skipped files, so an audit that went on without git's answer says so.
pub(super) struct TimedOut {
    pub what: &'static str,
    pub then: &'static str,
}

impl Git {
    /// `None` outside a work tree, or when git cannot be run.
    pub(super) fn open(dir: &Path, timeout: Duration) -> Result<Option<Git>, TimedOut> {
        let output = match run(git(dir).args(["ls-files", "-z", "--cached"]), Vec::new(), timeout) {
            Ran::Output(output) => output,
            Ran::CannotStart => return Ok(None),
            Ran::TimedOut => {
                return Err(TimedOut {
                    what: "the files git tracks",
                    then: "every file found is audited, as outside a git work tree",
                })
            }
        };
        if !output.status.success() {
            return Ok(None);
        }
        let tracked = output.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()).map(path_from_bytes).collect();
        Ok(Some(Git { dir: dir.to_path_buf(), tracked, timeout }))
    }

    /// The untracked candidates git ignores, by real path, each with the reason. When git fails,
    /// none is: they are audited.
    pub(super) fn ignored(&self, candidates: &[Candidate]) -> Result<HashMap<PathBuf, String>, TimedOut> {
        let mut input = Vec::new();
        for candidate in candidates {
            if !self.tracked.contains(&candidate.real) && !self.tracked.contains(&candidate.logical) {
                input.extend_from_slice(candidate.real.as_os_str().as_encoded_bytes());
                input.push(0);
            }
        }
        if input.is_empty() {
            return Ok(HashMap::new());
        }
        let output = match run(git(&self.dir).args(["check-ignore", "-z", "-v", "--stdin"]), input, self.timeout) {
            Ran::Output(output) => output,
            Ran::CannotStart => return Ok(HashMap::new()),
            // It blocks for good on an ignore file that is a FIFO.
            Ran::TimedOut => {
                return Err(TimedOut {
                    what: "the files git ignores",
                    then: "untracked files are audited whether git ignores them or not",
                })
            }
        };
        // `-z -v`: source, line number, pattern, path; each NUL-terminated.
        let fields: Vec<&[u8]> = output.stdout.split(|b| *b == 0).collect();
        let mut ignored = HashMap::new();
        for record in fields.chunks_exact(4) {
            let [source, line, pattern, path] = record else { continue };
            if source.is_empty() || pattern.first() == Some(&b'!') {
                continue;
            }
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            let reason =
                format!("ignored by {}:{} (`{}`) and not tracked by git", text(source), text(line), text(pattern));
            ignored.insert(path_from_bytes(path), reason);
        }
        Ok(ignored)
    }
}

/// How long git may take to answer: far more than listing a large repository takes, and git
/// blocks for good on an ignore file that is a FIFO.
pub(super) const GIT_TIMEOUT: Duration = Duration::from_secs(10);

/// How a command ran.
enum Ran {
    Output(std::process::Output),
    CannotStart,
    /// It did not finish in time, and was killed.
    TimedOut,
}

/// Runs a command with `input` on its stdin, and returns what it wrote, unless it cannot start
/// or does not finish within `timeout` (then it is killed).
fn run(command: &mut Command, input: Vec<u8>, timeout: Duration) -> Ran {
    let Ok(mut child) = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn() else {
        return Ran::CannotStart;
    };
    // Written and read by threads of their own: git may answer before it has read everything.
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(&input);
        }
    });
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut stdout) = stdout {
            let _ = stdout.read_to_end(&mut out);
        }
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < timeout => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let stdout = reader.join().unwrap_or_default();
    let _ = writer.join();
    match status {
        Some(status) => Ran::Output(std::process::Output { status, stdout, stderr: Vec::new() }),
        None => Ran::TimedOut,
    }
}

fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    // Paths as they are (no octal quoting of non-ASCII names), relative to `dir`. The audited
    // repository may be hostile (a pull request's checkout): its configuration must not name a
    // program git runs, and `git ls-files` runs `core.fsmonitor`.
    command.arg("-C").arg(dir).args(["-c", "core.quotePath=false", "-c", "core.fsmonitor=false"]);
    command
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    normalize(Path::new(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    normalize(Path::new(&*String::from_utf8_lossy(bytes)))
}

/// Git's `/`-separated relative paths as this platform's paths.
fn normalize(path: &Path) -> PathBuf {
    path.components().filter(|c| matches!(c, Component::Normal(_))).collect()
}
