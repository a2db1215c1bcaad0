//! BC011: capabilities that control the host.

use crate::audit::compose::capabilities::{self, Reach};
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
Flags `cap_add` of `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF`, `SYS_BOOT`, `MAC_ADMIN`, `MAC_OVERRIDE` (any case, with or without `CAP_`). `CAP_ALL` is not among them: Docker refuses it and the container does not start, which BC035 reports.

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

## Compared with other linters
compose-lint splits these between CL-0024 (critical) and CL-0011 and CL-0027 (high and medium: `BPF`, `SYS_BOOT`, `SYS_PTRACE`, `DAC_READ_SEARCH`). berth rates all of them critical: each is a documented way out of the container, not a lesser one.

## References
- CIS Docker Benchmark 5.4; OWASP Docker Security Cheat Sheet rule #3
- compose-lint CL-0024
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for (cap, node) in svc.strings("cap_add") {
            if let Ok((name, Reach::HostControl)) = capabilities::judge(&cap) {
                svc.report(sink, node, format!("`cap_add: {name}` gives control over the host"));
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
                "services:\n  a:\n    cap_add:\n      - CAP_SYS_ADMIN\n      - NET_BIND_SERVICE\n      - all\n      - CAP_ALL\n"
            ),
            [4, 6]
        );
    }
}
