//! BC016: host ports below 1024.

use crate::audit::compose::{is_reverse_proxy, ComposeFile};
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
Flags `ports:` entries whose published host port (or the start of a range) is below 1024. Ports 80 and 443 of a service that is plainly the reverse proxy (a proxy image such as traefik, nginx, caddy or haproxy, or a built service named `proxy`, and no database credentials in its environment) are reported at info severity: serving them is that service's job.

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
        let proxy = is_reverse_proxy(&svc);
        for port in svc.ports() {
            let Some(published) = port.published.as_deref() else { continue };
            if published.split('-').next().and_then(|p| p.trim().parse::<u32>().ok()).is_none_or(|p| p >= 1024) {
                continue;
            }
            if proxy && matches!(published, "80" | "443") {
                svc.report_as(
                    sink,
                    port.node,
                    Severity::Info,
                    format!("host port {published} is a privileged port, which a reverse proxy is there to serve"),
                );
            } else {
                svc.report(
                    sink,
                    port.node,
                    format!("host port {} is a privileged port", crate::shown::value(published)),
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
