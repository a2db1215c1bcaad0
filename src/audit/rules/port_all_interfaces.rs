//! BC015: ports published on every interface.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC015",
    name: "port-all-interfaces",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A port is published on all host interfaces.",
    fix: "Bind to loopback (`\"127.0.0.1:8000:8000\"`) and put a reverse proxy in front for other machines.",
    docs: r#"## What it does
Flags `ports:` entries without a host IP, or with `0.0.0.0`/`::`, in short and long syntax (a bare container port also publishes on all interfaces).

## Why is this bad?
Docker writes its own iptables rules: a published port is reachable from the network even when a host firewall such as UFW says otherwise.

## Example
```yaml
services:
  api:
    ports:
      - "8080:8080"
```

## Use instead
```yaml
services:
  api:
    ports:
      - "127.0.0.1:8080:8080"
```

## References
- CIS Docker Benchmark 5.14; OWASP Docker Security Cheat Sheet rule #5a
- compose-lint CL-0005; KICS 451d79dc
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for port in svc.ports() {
            if matches!(port.host_ip.as_deref(), None | Some("0.0.0.0") | Some("::")) {
                sink.scoped(port.node.line, port.node.col, svc.name, "the port is published on every host interface");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_ports_without_loopback() {
        assert_eq!(lines(&RULE, "services:\n  a:\n    ports:\n      - 8080:80\n      - 127.0.0.1:81:81\n      - 3000\n      - target: 80\n        host_ip: 0.0.0.0\n"), [4, 6, 7]);
    }
}
