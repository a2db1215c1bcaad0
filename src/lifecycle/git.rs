//! Reading a blob from the git object store of the repository a project lives in, with the
//! `git` command (it knows packs, alternates, worktrees and `safe.directory`).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long git may take to give one blob: far more than any real repository needs, and git
/// blocks for good on a repository file that is a FIFO (`.git/config`, `.git/HEAD`).
const GIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why git could not give a blob, when that is an answer rather than a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Absent {
    NoGit,
    NotARepository,
    /// The repository has no such object: the text was never committed, or has been pruned.
    NoObject,
}

impl Absent {
    pub fn explain(&self, id: &str) -> String {
        match self {
            Absent::NoGit => "git is not installed, so berth cannot look in the project's history".into(),
            Absent::NotARepository => {
                "the project is not in a git repository, so there is no history to look in".into()
            }
            Absent::NoObject => {
                format!("git has no object {id}: what berth rendered last time was never committed as it was")
            }
        }
    }
}

/// git ran and failed for another reason: a corrupt repository, one git refuses to trust.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("git cannot read blob {id} in {dir}: {message}")]
pub struct GitError {
    pub id: String,
    pub dir: String,
    pub message: String,
}

/// The blob `id` from the object store of the repository around `dir`, if it is at most
/// `limit` bytes.
pub fn blob(dir: &Path, id: &str, limit: u64) -> Result<Result<Vec<u8>, Absent>, GitError> {
    blob_within(dir, id, limit, GIT_TIMEOUT)
}

/// [`blob`], with git killed when it has not answered within `timeout`.
fn blob_within(dir: &Path, id: &str, limit: u64, timeout: Duration) -> Result<Result<Vec<u8>, Absent>, GitError> {
    let failed = |message: String| GitError { id: id.to_string(), dir: crate::shown::path(dir), message };
    let spawned = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["cat-file", "--batch"])
        .env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Err(Absent::NoGit)),
        Err(e) => return Err(failed(format!("cannot run git: {e}"))),
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A git that exits at once (no repository) closes the pipe: its status says why.
        let _ = stdin.write_all(format!("{id}\n").as_bytes());
    }
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let stderr_pipe = child.stderr.take();
    // Reads block until git answers or exits: a watchdog kills a git that does neither in time
    // (the child is reaped only after the watchdog is done, so its pid cannot be reused).
    let child = Arc::new(Mutex::new(child));
    let (done, finished) = mpsc::channel::<()>();
    let watchdog = {
        let child = Arc::clone(&child);
        std::thread::spawn(move || {
            let expired = matches!(finished.recv_timeout(timeout), Err(RecvTimeoutError::Timeout));
            if expired {
                if let Ok(mut child) = child.lock() {
                    let _ = child.kill();
                }
            }
            expired
        })
    };
    let stop = |child: &Arc<Mutex<std::process::Child>>| {
        if let Ok(mut child) = child.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
    };
    let mut header = String::new();
    let _ = (&mut stdout).take(256).read_line(&mut header);
    let fields: Vec<&str> = header.split_whitespace().collect();
    let found = match fields.as_slice() {
        [name, "blob", size] if *name == id => size.parse::<u64>().ok(),
        _ => None,
    };
    let outcome = match found {
        Some(size) if size > limit => {
            let _ = done.send(());
            let _ = watchdog.join();
            stop(&child);
            return Err(failed(format!("it is {size} bytes, larger than any file berth writes")));
        }
        Some(size) => {
            let mut content = Vec::with_capacity(size as usize);
            match (&mut stdout).take(size).read_to_end(&mut content) {
                Ok(n) if n as u64 == size => Some(content),
                _ => None,
            }
        }
        None => None,
    };
    // The newline after the content, so git does not write into a closed pipe.
    let _ = std::io::copy(&mut (&mut stdout).take(16), &mut std::io::sink());
    drop(stdout);
    let mut stderr = String::new();
    if let Some(err) = stderr_pipe {
        let _ = err.take(64 * 1024).read_to_string(&mut stderr);
    }
    let _ = done.send(());
    let expired = watchdog.join().unwrap_or(false);
    let status = child.lock().map_err(|_| failed("git did not finish".into()))?.wait();
    let status = status.map_err(|e| failed(format!("git did not finish: {e}")))?;
    if expired {
        return Err(failed(format!(
            "git did not answer within {} s (is a file under .git a FIFO, or the repository on a mount that does not answer?)",
            timeout.as_secs()
        )));
    }
    if let Some(content) = outcome.filter(|_| status.success()) {
        return Ok(Ok(content));
    }
    // git says "missing" for an object it cannot unpack too, with an error on stderr.
    if status.success() && fields.get(1).is_some_and(|f| *f == "missing") && stderr.trim().is_empty() {
        return Ok(Err(Absent::NoObject));
    }
    if stderr.contains("not a git repository") {
        return Ok(Err(Absent::NotARepository));
    }
    let message = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).take(3).collect::<Vec<_>>().join("; ");
    let message = if message.is_empty() {
        format!("git answered {} and {status}", crate::shown::value(header.trim()))
    } else {
        crate::shown::escape(&crate::shown::clip(&message, 400)).into_owned()
    };
    Err(failed(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git").arg("-C").arg(dir).args(args).output().expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    #[test]
    fn blobs_are_read_from_the_object_store() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(blob(dir.path(), &"0".repeat(40), 1000).unwrap(), Err(Absent::NotARepository));
        git(dir.path(), &["init", "-q"]);
        std::fs::write(dir.path().join("f"), "hello\n").unwrap();
        let id = git(dir.path(), &["hash-object", "-w", "f"]);
        assert_eq!(id, super::super::lock::blob_id(b"hello\n"));
        assert_eq!(blob(dir.path(), &id, 1000).unwrap(), Ok(b"hello\n".to_vec()));
        assert_eq!(blob(dir.path(), &"1".repeat(40), 1000).unwrap(), Err(Absent::NoObject));
        assert!(blob(dir.path(), &id, 3).unwrap_err().message.contains("larger"));
        // A corrupt object is an error, not an absence.
        let object = dir.path().join(".git/objects").join(&id[..2]).join(&id[2..]);
        let mut perms = std::fs::metadata(&object).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&object, perms).unwrap();
        std::fs::write(&object, b"garbage").unwrap();
        let e = blob(dir.path(), &id, 1000).unwrap_err();
        assert!(!e.message.is_empty(), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_git_that_blocks_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"]);
        let config = dir.path().join(".git/config");
        std::fs::remove_file(&config).unwrap();
        assert!(Command::new("mkfifo").arg(&config).status().unwrap().success());
        let started = std::time::Instant::now();
        let e = blob_within(dir.path(), &"1".repeat(40), 1000, Duration::from_millis(300)).unwrap_err();
        assert!(e.message.contains("did not answer within"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    }
}
