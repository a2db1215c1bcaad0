//! BC017: no memory or CPU limit.

use crate::audit::compose::units::{self, Limit};
use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;
use crate::yaml::tree::Node;

pub static RULE: Rule = Rule {
    code: "BC017",
    name: "no-resource-limits",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A service has no memory or no CPU limit.",
    fix: "Set `mem_limit` and `cpus` (or `deploy.resources.limits.memory` and `.cpus`).",
    docs: r#"## What it does
Flags a service without a memory limit (`mem_limit`, `deploy.resources.limits.memory`) or without a CPU limit (`cpus`, `cpu_quota`, `deploy.resources.limits.cpus`). Compose v2 applies `deploy.resources.limits` without swarm.

A limit of zero is no limit: Docker reads `0`, `"0"`, `0m`, a negative value and `${MEM:-0}` (the default a file ships with) as unlimited, and Compose truncates a memory size to whole bytes, so `0.5` is no limit either. A value Docker does not accept (`lots`, `1x`) limits nothing. A value set only at run time (`${MEM}`) counts as a limit. A fragment (neither `image` nor `build`) is not judged on its own.

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

## Compared with other linters
compose-lint CL-0026 also judges a service with neither `image` nor `build`. berth treats it as a fragment, completed by the file it is merged with (its base, or the file that extends it), and does not judge what it lacks on its own.

## References
- CIS Docker Benchmark 5.11, 5.12; OWASP Docker Security Cheat Sheet rule #7
- compose-lint CL-0026; KICS bb9ac4f7, 6b610c50
"#,
    opt_in: false,
    check: Check::Compose(check),
};

/// Whether one of the values bounds the resource; otherwise why not.
pub fn bounded(values: &[&Node], judge: fn(&Node) -> Limit, name: &str) -> Result<(), String> {
    let mut why = None;
    for value in values {
        match judge(value) {
            Limit::Bounded => return Ok(()),
            Limit::Unbounded(reason) => why = why.or(Some(reason)),
        }
    }
    Err(why.map_or_else(|| format!("no {name} limit"), |reason| format!("no {name} limit: the value {reason}")))
}

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let memory = bounded(&svc.limit(&["mem_limit"], "memory"), units::memory, "memory");
        let cpu = bounded(&svc.limit(&["cpus", "cpu_quota"], "cpus"), units::cpus, "CPU");
        let missing: Vec<String> = [memory.err(), cpu.err()].into_iter().flatten().collect();
        if !missing.is_empty() {
            svc.report_missing(sink, None, missing.join("; "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_missing_limits() {
        let text = "services:\n  a:\n    image: x:1\n    mem_limit: 1g\n  b:\n    image: x:1\n    deploy:\n      resources:\n        limits: {memory: 1g, cpus: '1'}\n  c:\n    image: x:1\n  d:\n    environment: {A: b}\n";
        assert_eq!(lines(&RULE, text), [2, 10]);
    }

    #[test]
    fn zero_limits_are_no_limits() {
        let text = "services:\n  a:\n    image: x:1\n    mem_limit: 0\n    cpus: 2\n  b:\n    image: x:1\n    mem_limit: ${MEM:-0}\n    cpus: 0\n  c:\n    image: x:1\n    mem_limit: ${MEM}\n    deploy: {resources: {limits: {cpus: '0.5'}}}\n";
        assert_eq!(lines(&RULE, text), [2, 6]);
        let findings = crate::audit::testing::findings(&RULE, text);
        assert!(findings[0].message.contains("\"0\" is no limit"), "{}", findings[0].message);
    }
}
