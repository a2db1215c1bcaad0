//! BC022: services on the default network.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC022",
    name: "default-network",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary:
        "A service joins no declared network, so it shares the project's default network with every other service.",
    fix: "Declare networks and attach each service to the ones it needs (`internal: true` for back ends).",
    docs: r#"## What it does
Flags a service with no `networks:` and no `network_mode`. A fragment (neither `image` nor `build`, completed by the file it is merged with) is not judged on its own.

## Why is this bad?
Every service on the default network can reach every other one; segmenting limits what a compromised service can talk to.

## Example
```yaml
services:
  etl:
    build: .
```

## Use instead
```yaml
services:
  etl:
    build: .
    networks: [backend]
networks:
  backend:
    internal: true
```

## References
- CIS Docker Benchmark 5.30 (manual), 2.2; OWASP Docker Security Cheat Sheet rule #5; KICS ce14a68b
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if svc.get("networks").is_none() && svc.get("network_mode").is_none() {
            svc.report_missing(sink, None, "the service is on the default network with every other service");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_services_without_networks() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    image: x:1\n    networks: [b]\n  c:\n    image: x:1\n  d:\n    image: x:1\n    network_mode: none\n  e:\n    ports: ['80:80']\n"),
            [5]
        );
    }
}
