//! BC004: the host network namespace.

use crate::audit::compose::{text, ComposeFile};
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC004",
    name: "host-network",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "A service uses `network_mode: host`.",
    fix: "Use a user-defined network and publish only the ports needed, on 127.0.0.1.",
    docs: r#"## What it does
Flags `network_mode: host`.

## Why is this bad?
The container shares the host's network stack: it can bind any host port, reach services on localhost, and sniff or spoof traffic with NET_RAW.

## Example
```yaml
services:
  app:
    image: app:1.0
    network_mode: host
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    ports:
      - "127.0.0.1:8000:8000"
```

## References
- CIS Docker Benchmark 5.10; OWASP Docker Security Cheat Sheet rule #5
- compose-lint CL-0008; KICS 071a71ff
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if let Some(node) = svc.get("network_mode").filter(|n| text(n).is_some_and(|t| t.text == "host")) {
            svc.report(sink, node, "the service shares the host's network namespace");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_host_network() {
        assert_eq!(lines(&RULE, "services:\n  a:\n    network_mode: host\n  b:\n    network_mode: bridge\n"), [3]);
    }
}
