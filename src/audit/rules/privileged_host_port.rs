//! BC016: host ports below 1024.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC016",
    name: "privileged-host-port",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service publishes a host port below 1024.",
    fix: "Publish a port above 1023 and let a reverse proxy own 80/443.",
    docs: r#"## What it does
Flags `ports:` entries whose published host port (or the start of a range) is below 1024.

## Why is this bad?
Ports below 1024 are the well-known service ports; publishing there from an application container competes with host services and usually means the app is exposed directly instead of through a proxy.

## Example
```yaml
services:
  api:
    ports:
      - "127.0.0.1:80:8000"
```

## Use instead
```yaml
services:
  api:
    ports:
      - "127.0.0.1:8000:8000"
```

## References
- CIS Docker Benchmark 5.8; KICS bc2908f3
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for port in svc.ports() {
            let Some(published) = port.published.as_deref() else { continue };
            if published.split('-').next().and_then(|p| p.parse::<u32>().ok()).is_some_and(|p| p < 1024) {
                sink.scoped(
                    port.node.line,
                    port.node.col,
                    svc.name,
                    format!("host port {published} is a privileged port"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_low_host_ports() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    ports:\n      - 127.0.0.1:80:8000\n      - 127.0.0.1:8080:80\n"),
            [4]
        );
    }
}
