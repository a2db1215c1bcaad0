//! BW012: checking out pull request code in a privileged trigger.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW012",
    name: "pull-request-target-checkout",
    kind: FileKind::Workflow,
    severity: Severity::High,
    summary: "A `pull_request_target` (or `workflow_run`) workflow checks out the pull request's code.",
    fix: "Use `pull_request` for anything that runs PR code; keep `pull_request_target` for labelling and commenting, without checking out the head.",
    docs: r#"## What it does
Flags `actions/checkout` steps with a `ref:` taken from the pull request head (`github.event.pull_request.head.*`, `github.head_ref`, `refs/pull/...`) in workflows triggered by `pull_request_target` or `workflow_run`.

## Why is this bad?
Those triggers run with the base repository's secrets and a write token; checking out and building the PR's code runs an outsider's code with them. This is how Trivy's publishing token was stolen in February 2026.

## Example
```yaml
on: pull_request_target
jobs:
  test:
    steps:
      - uses: actions/checkout@<sha>
        with:
          ref: ${{ github.event.pull_request.head.sha }}
```

## Use instead
```yaml
on: pull_request
jobs:
  test:
    steps:
      - uses: actions/checkout@<sha>
```

## References
- GitHub Security Lab: "Preventing pwn requests"; aquasecurity/setup-trivy #29 (hackerbot-claw)
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    if !workflow.runs_on_event("pull_request_target") && !workflow.runs_on_event("workflow_run") {
        return;
    }
    for step in workflow.steps() {
        let uses = step.uses().and_then(|u| u.as_str()).unwrap_or("");
        if !uses.starts_with("actions/checkout") {
            continue;
        }
        if let Some(reference) = step.with("ref") {
            let r = reference.as_str().unwrap_or("").replace(' ', "").to_ascii_lowercase();
            if r.contains("pull_request.head")
                || r.contains("github.head_ref")
                || r.contains("refs/pull/")
                || r.contains("workflow_run.head")
            {
                sink.scoped(
                    reference.line,
                    reference.col,
                    step.job,
                    "the pull request's code is checked out in a workflow that holds secrets",
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
    fn flags_head_checkouts_in_privileged_triggers() {
        let text = "on: pull_request_target\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@x\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n";
        assert_eq!(lines(&RULE, text), [7]);
        assert!(lines(&RULE, &text.replace("pull_request_target", "pull_request")).is_empty());
    }
}
