//! Holding back SIGINT, SIGTERM and SIGHUP while a plan is applied.
//!
//! Killed between two renames, a run would leave half a project and its temporary files. While
//! a [`Deferred`] lives, these signals are blocked on the calling thread (berth new runs on one
//! thread) and stay pending: the apply asks [`Deferred::take`] before every change and, when one
//! arrived, undoes what it did and reports the interruption. A signal that arrives after the
//! last change is delivered when the `Deferred` is dropped, once the project is complete.

/// The signals that ask a process to stop, with their names for messages.
#[cfg(unix)]
const STOP_SIGNALS: &[(libc::c_int, &str)] =
    &[(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")];

#[cfg(unix)]
pub struct Deferred {
    blocked: libc::sigset_t,
    previous: libc::sigset_t,
}

#[cfg(unix)]
impl Deferred {
    pub fn new() -> Self {
        // SAFETY: sigset_t is plain data, initialised by sigemptyset before any other use, and
        // pthread_sigmask only reads `blocked` and writes `previous`.
        unsafe {
            let mut blocked: libc::sigset_t = std::mem::zeroed();
            let mut previous: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut blocked);
            for (signal, _) in STOP_SIGNALS {
                libc::sigaddset(&mut blocked, *signal);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &blocked, &mut previous);
            Deferred { blocked, previous }
        }
    }

    /// The first stop signal that arrived since, if any. Every pending stop signal is consumed,
    /// so none ends the process once the mask is restored.
    pub fn take(&self) -> Option<&'static str> {
        let mut first = None;
        // SAFETY: as in `new`; sigwait returns at once because the signal is pending.
        unsafe {
            let mut pending: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut pending);
            if libc::sigpending(&mut pending) != 0 {
                return None;
            }
            for (signal, name) in STOP_SIGNALS {
                if libc::sigismember(&pending, *signal) == 1 && libc::sigismember(&self.blocked, *signal) == 1 {
                    let mut one: libc::sigset_t = std::mem::zeroed();
                    libc::sigemptyset(&mut one);
                    libc::sigaddset(&mut one, *signal);
                    let mut received: libc::c_int = 0;
                    libc::sigwait(&one, &mut received);
                    first.get_or_insert(*name);
                }
            }
        }
        first
    }
}

#[cfg(unix)]
impl Drop for Deferred {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved in `new`.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.previous, std::ptr::null_mut());
        }
    }
}

/// Elsewhere a console interrupt cannot be held back this way; the apply still undoes its
/// changes on any error.
#[cfg(not(unix))]
pub struct Deferred;

#[cfg(not(unix))]
impl Deferred {
    pub fn new() -> Self {
        Deferred
    }

    pub fn take(&self) -> Option<&'static str> {
        None
    }
}
