//! BC017: no memory or CPU limit.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC017",
    name: "no-resource-limits",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A service has no memory or no CPU limit.",
    fix: "Set `mem_limit` and `cpus` (or `deploy.resources.limits.memory` and `.cpus`).",
    docs: r#"## What it does
Flags a service without a memory limit (`mem_limit`, `deploy.resources.limits.memory`) or without a CPU limit (`cpus`, `cpu_quota`, `deploy.resources.limits.cpus`). Compose v2 applies `deploy.resources.limits` without swarm.

## Why is this bad?
One runaway or attacked container can take the host's memory or CPU from every other service (a denial of service), and the kernel OOM killer picks victims at random.

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
    mem_limit: 2g
    cpus: 1.0
```

## References
- CIS Docker Benchmark 5.11, 5.12; OWASP Docker Security Cheat Sheet rule #7
- compose-lint CL-0026; KICS bb9ac4f7, 6b610c50
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let memory = svc.limit(&["mem_limit"], "memory").is_some();
        let cpu = svc.limit(&["cpus", "cpu_quota"], "cpus").is_some();
        let missing: Vec<&str> =
            [(!memory).then_some("memory"), (!cpu).then_some("CPU")].into_iter().flatten().collect();
        if !missing.is_empty() {
            sink.scoped(svc.key.line, svc.key.col, svc.name, format!("no {} limit", missing.join(" or ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_missing_limits() {
        let text = "services:\n  a:\n    mem_limit: 1g\n  b:\n    deploy:\n      resources:\n        limits: {memory: 1g, cpus: '1'}\n  c:\n    image: x:1\n";
        assert_eq!(lines(&RULE, text), [2, 8]);
    }
}
