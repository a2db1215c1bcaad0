//! Reading a process's effective capabilities from `/proc/<pid>/status`.

/// The `CapEff` mask of a `/proc/<pid>/status` text, or `None` when the line is missing or malformed.
pub fn effective_capabilities(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
    let hex = line["CapEff:".len()..].trim();
    if hex.is_empty() || hex.len() > 16 {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

/// Capability names for the set bits of a mask (numbers from linux/capability.h).
pub fn capability_names(mask: u64) -> Vec<String> {
    const NAMES: &[&str] = &[
        "CHOWN",
        "DAC_OVERRIDE",
        "DAC_READ_SEARCH",
        "FOWNER",
        "FSETID",
        "KILL",
        "SETGID",
        "SETUID",
        "SETPCAP",
        "LINUX_IMMUTABLE",
        "NET_BIND_SERVICE",
        "NET_BROADCAST",
        "NET_ADMIN",
        "NET_RAW",
        "IPC_LOCK",
        "IPC_OWNER",
        "SYS_MODULE",
        "SYS_RAWIO",
        "SYS_CHROOT",
        "SYS_PTRACE",
        "SYS_PACCT",
        "SYS_ADMIN",
        "SYS_BOOT",
        "SYS_NICE",
        "SYS_RESOURCE",
        "SYS_TIME",
        "SYS_TTY_CONFIG",
        "MKNOD",
        "LEASE",
        "AUDIT_WRITE",
        "AUDIT_CONTROL",
        "SETFCAP",
        "MAC_OVERRIDE",
        "MAC_ADMIN",
        "SYSLOG",
        "WAKE_ALARM",
        "BLOCK_SUSPEND",
        "AUDIT_READ",
        "PERFMON",
        "BPF",
        "CHECKPOINT_RESTORE",
    ];
    (0..64)
        .filter(|bit| mask & (1u64 << bit) != 0)
        .map(|bit| NAMES.get(bit as usize).map_or_else(|| format!("CAP_{bit}"), |n| n.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Name:\tpython\nUmask:\t0022\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n";

    #[test]
    fn parses_empty_set() {
        assert_eq!(effective_capabilities(STATUS), Some(0));
    }

    #[test]
    fn parses_docker_default_set() {
        let status = STATUS.replace("CapEff:\t0000000000000000", "CapEff:\t00000000a80425fb");
        let mask = effective_capabilities(&status).unwrap();
        assert_eq!(mask, 0xa80425fb);
        let names = capability_names(mask);
        assert_eq!(names.len(), 14, "{names:?}");
        assert!(names.contains(&"NET_RAW".to_string()) && names.contains(&"CHOWN".to_string()));
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(effective_capabilities("CapPrm:\t0\n"), None);
        assert_eq!(effective_capabilities("CapEff:\tzz\n"), None);
        assert_eq!(effective_capabilities("CapEff:\t\n"), None);
    }
}
