//! BC011: capabilities that control the host.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC011",
    name: "host-control-capability",
    kind: FileKind::Compose,
    severity: Severity::Critical,
    summary: "A service adds a capability that controls the host (SYS_ADMIN, SYS_MODULE, SYS_PTRACE, ALL...).",
    fix: "Remove it; find the narrow capability or host-side setup the service actually needs.",
    docs: r#"## What it does
Flags `cap_add` of `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF`, `SYS_BOOT`, `MAC_ADMIN`, `MAC_OVERRIDE`.

## Why is this bad?
Each of these is a documented container escape: mount filesystems, load kernel modules, debug host processes, read any file.

## Example
```yaml
services:
  app:
    image: app:1.0
    cap_add: [SYS_ADMIN]
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    cap_drop: [ALL]
```

## References
- CIS Docker Benchmark 5.4; OWASP Docker Security Cheat Sheet rule #3
- compose-lint CL-0024
"#,
    opt_in: false,
    check: Check::Compose(check),
};

/// Capabilities that give code execution on the host or full control of the kernel.
pub const HOST_CONTROL: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "DAC_READ_SEARCH",
    "BPF",
    "SYS_BOOT",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
];
/// Capabilities that reach the host's network, time, resources or logs.
pub const HOST_REACHING: &[&str] = &[
    "NET_ADMIN",
    "SYS_TIME",
    "SYS_RESOURCE",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "LINUX_IMMUTABLE",
    "PERFMON",
    "IPC_LOCK",
    "IPC_OWNER",
    "LEASE",
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_TTY_CONFIG",
    "CHECKPOINT_RESTORE",
];

pub fn normalise(cap: &str) -> String {
    cap.trim().to_ascii_uppercase().trim_start_matches("CAP_").to_string()
}

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for (cap, node) in svc.strings("cap_add") {
            let cap = normalise(&cap);
            if HOST_CONTROL.contains(&cap.as_str()) {
                sink.scoped(node.line, node.col, svc.name, format!("`cap_add: {cap}` gives control over the host"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_host_control_caps() {
        assert_eq!(
            lines(
                &RULE,
                "services:\n  a:\n    cap_add:\n      - CAP_SYS_ADMIN\n      - NET_BIND_SERVICE\n      - all\n"
            ),
            [4, 6]
        );
    }
}
