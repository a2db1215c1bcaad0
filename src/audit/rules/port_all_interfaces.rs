//! BC015: ports published on every interface.

use crate::audit::compose::{is_reverse_proxy, ComposeFile, HostIp};
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
Flags `ports:` entries published on every host interface, in short and long syntax: no host IP, an empty one, `*`, or the unspecified address in any spelling (`0.0.0.0`, `::`, `[::]`, `::ffff:0.0.0.0`). A bare container port (`- 3000`) also publishes on every interface. An address Compose refuses (an empty long-syntax `host_ip`) publishes nothing and is not reported, nor is one set only at run time.

Ports 80 and 443 of a service that is plainly the reverse proxy (a proxy image such as traefik, nginx, caddy or haproxy, or a built service named `proxy`, and no database credentials in its environment) are its reason to exist: they are reported at info severity, with that explanation.

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
        let proxy = is_reverse_proxy(&svc);
        for port in svc.ports() {
            if port.host_ip != HostIp::All {
                continue;
            }
            match port.published.as_deref().filter(|p| proxy && matches!(*p, "80" | "443")) {
                Some(p) => svc.report_as(
                    sink,
                    port.node,
                    Severity::Info,
                    format!("host port {p} is published on every interface, which is the point of a reverse proxy"),
                ),
                None => svc.report(sink, port.node, "the port is published on every host interface"),
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

    #[test]
    fn a_reverse_proxy_on_80_and_443_is_info() {
        let text = "services:\n  proxy:\n    image: traefik:v3.4\n    ports: ['80:80', '443:443', '8080:8080']\n  web:\n    image: nginx:1.29\n    ports: ['80:80']\n    environment: {POSTGRES_PASSWORD: x}\n";
        let severities: Vec<_> = crate::audit::testing::findings(&RULE, text).into_iter().map(|f| f.severity).collect();
        assert_eq!(severities, [Some(Severity::Info), Some(Severity::Info), None, None]);
    }
}
