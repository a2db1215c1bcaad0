//! Linux capabilities as Docker accepts them in `cap_add` and `cap_drop`, and what each gives.

/// What a capability gives a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// In Docker's default set: adding it back after `cap_drop: [ALL]` is hardening.
    Default,
    /// Code execution on the host or control of its kernel (BC011).
    HostControl,
    /// The host's network, clock, resources, logs or audit (BC010).
    HostWide,
    /// Neither.
    Contained,
}

/// Every capability Docker knows (moby `caps.GetAllCapabilities`), without `CAP_`.
const CAPABILITIES: &[(&str, Reach)] = &[
    ("AUDIT_WRITE", Reach::Default),
    ("CHOWN", Reach::Default),
    ("DAC_OVERRIDE", Reach::Default),
    ("FOWNER", Reach::Default),
    ("FSETID", Reach::Default),
    ("KILL", Reach::Default),
    ("MKNOD", Reach::Default),
    ("NET_BIND_SERVICE", Reach::Default),
    ("NET_RAW", Reach::Default),
    ("SETFCAP", Reach::Default),
    ("SETGID", Reach::Default),
    ("SETPCAP", Reach::Default),
    ("SETUID", Reach::Default),
    ("SYS_CHROOT", Reach::Default),
    ("SYS_ADMIN", Reach::HostControl),
    ("SYS_MODULE", Reach::HostControl),
    ("SYS_PTRACE", Reach::HostControl),
    ("SYS_RAWIO", Reach::HostControl),
    ("DAC_READ_SEARCH", Reach::HostControl),
    ("BPF", Reach::HostControl),
    ("SYS_BOOT", Reach::HostControl),
    ("MAC_ADMIN", Reach::HostControl),
    ("MAC_OVERRIDE", Reach::HostControl),
    ("NET_ADMIN", Reach::HostWide),
    ("SYS_TIME", Reach::HostWide),
    ("SYS_RESOURCE", Reach::HostWide),
    ("SYSLOG", Reach::HostWide),
    ("WAKE_ALARM", Reach::HostWide),
    ("BLOCK_SUSPEND", Reach::HostWide),
    ("LINUX_IMMUTABLE", Reach::HostWide),
    ("PERFMON", Reach::HostWide),
    ("IPC_LOCK", Reach::HostWide),
    ("IPC_OWNER", Reach::HostWide),
    ("LEASE", Reach::HostWide),
    ("AUDIT_CONTROL", Reach::HostWide),
    ("AUDIT_READ", Reach::HostWide),
    ("SYS_NICE", Reach::HostWide),
    ("SYS_PACCT", Reach::HostWide),
    ("SYS_TTY_CONFIG", Reach::HostWide),
    ("CHECKPOINT_RESTORE", Reach::HostWide),
    ("NET_BROADCAST", Reach::Contained),
];

/// A capability as written, judged: `Ok((name, reach))` with the name Docker uses (no `CAP_`),
/// or `Err` for a name Docker refuses. `ALL` (any case) is every capability; `CAP_ALL` is not a
/// capability (Docker special-cases `ALL` before it adds the prefix) and the container does not
/// start.
pub fn judge(written: &str) -> Result<(String, Reach), String> {
    let upper = written.trim().to_ascii_uppercase();
    if upper == "ALL" {
        return Ok((upper, Reach::HostControl));
    }
    let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
    CAPABILITIES.iter().find(|(c, _)| *c == name).map(|(c, reach)| (c.to_string(), *reach)).ok_or(upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_like_docker() {
        assert_eq!(judge("all"), Ok(("ALL".into(), Reach::HostControl)));
        assert_eq!(judge("  cap_sys_admin "), Ok(("SYS_ADMIN".into(), Reach::HostControl)));
        assert_eq!(judge("NET_BIND_SERVICE"), Ok(("NET_BIND_SERVICE".into(), Reach::Default)));
        assert_eq!(judge("CAP_ALL"), Err("CAP_ALL".into()));
        assert_eq!(judge("NET_ADMINN"), Err("NET_ADMINN".into()));
        assert_eq!(CAPABILITIES.len(), 41);
    }
}
