//! BW002: references to actions known to have been compromised.

use super::action_not_pinned::is_sha;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW002",
    name: "compromised-action",
    kind: FileKind::Workflow,
    severity: Severity::Critical,
    summary: "A step uses an action reference known to have been compromised.",
    fix: "Pin a SHA of a release published after the incident (trivy-action v0.35.0 or later) and rotate every secret the workflow could read.",
    docs: r#"## What it does
Flags `aquasecurity/trivy-action` and `aquasecurity/setup-trivy` referenced by a tag or branch (their tags were force-pushed to a credential stealer on 2026-03-19; old non-`v` tags were removed), and the known-bad `tj-actions/changed-files` commit `0e58ed8671d6b60d0890c21b07f8835ace038e67`.

## Why is this bad?
These references ran (or can run) code that dumped runner secrets into logs or sent them to an attacker.

## Example
```yaml
steps:
  - uses: aquasecurity/trivy-action@master
```

## Use instead
```yaml
steps:
  - uses: aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25 # v0.36.0
```

## References
- aquasecurity/trivy-action #541, GHSA-69fq-xp46-6x23 (CVE-2026-33634)
- CVE-2025-30066, CISA alert 2025-03-18 (tj-actions/changed-files)
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

const BAD_SHAS: &[&str] = &["0e58ed8671d6b60d0890c21b07f8835ace038e67"];

fn check(workflow: &Workflow, sink: &mut Sink) {
    for step in workflow.steps() {
        let Some(node) = step.uses() else { continue };
        let Some((action, reference)) = node.as_str().and_then(|u| u.rsplit_once('@')) else { continue };
        let action = action.to_ascii_lowercase();
        let trivy =
            matches!(action.as_str(), "aquasecurity/trivy-action" | "aquasecurity/setup-trivy") && !is_sha(reference);
        if trivy || BAD_SHAS.contains(&reference) {
            sink.scoped(
                node.line,
                node.col,
                step.job,
                format!("`{action}@{reference}` is a reference that was compromised or can be moved by an attacker"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_compromised_references() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - uses: aquasecurity/trivy-action@master\n      - uses: aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25\n      - uses: tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67\n";
        assert_eq!(lines(&RULE, text), [5, 7]);
    }
}
