//! BW013: checkout leaving the token on disk.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW013",
    name: "checkout-persists-credentials",
    kind: FileKind::Workflow,
    severity: Severity::Low,
    summary: "`actions/checkout` leaves the job token in `.git/config` (`persist-credentials` is not false).",
    fix: "Set `with: {persist-credentials: false}` unless a later step pushes with git.",
    docs: r#"## What it does
Flags `actions/checkout` steps without `persist-credentials: false`.

## Why is this bad?
The token stays in the workspace for every later step, including third-party actions and build scripts, and can end up in artifacts or in the image build context.

## Example
```yaml
steps:
  - uses: actions/checkout@<sha>
```

## Use instead
```yaml
steps:
  - uses: actions/checkout@<sha>
    with:
      persist-credentials: false
```

## References
- actions/checkout README (persist-credentials); zizmor "artipacked"
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    for step in workflow.steps() {
        let Some(uses) = step.uses() else { continue };
        if uses.as_str().is_some_and(|u| u.starts_with("actions/checkout@"))
            && step.with("persist-credentials").and_then(|p| p.as_bool()) != Some(false)
        {
            sink.scoped(uses.line, uses.col, step.job, "the job token is left in .git/config for later steps");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_persisted_credentials() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@x\n      - uses: actions/checkout@x\n        with:\n          persist-credentials: false\n";
        assert_eq!(lines(&RULE, text), [5]);
    }
}
