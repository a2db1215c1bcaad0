//! BW008: no top-level permissions.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW008",
    name: "missing-permissions",
    kind: FileKind::Workflow,
    severity: Severity::Low,
    summary: "The workflow has no top-level `permissions:`, so jobs without their own get the repository's default token rights.",
    fix: "Add `permissions: {}` (or `contents: read`) at the top and grant more per job.",
    docs: r#"## What it does
Flags a workflow without a top-level `permissions:` key when at least one job has no `permissions:` either. A composite action is not flagged: it runs with the token of the workflow that uses it.

## Why is this bad?
The default token may have write access to the repository (older repositories and organisations default to it): any compromised step can push code.

## Example
```yaml
on: push
jobs:
  test:
    runs-on: ubuntu-24.04
```

## Use instead
```yaml
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-24.04
```

## References
- GitHub docs: "Modifying the permissions for the GITHUB_TOKEN"; OpenSSF Scorecard Token-Permissions
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    // An action runs with the token of the workflow that uses it, whose `permissions:` decide.
    if workflow.is_action() || workflow.root.get("permissions").is_some() {
        return;
    }
    if let Some(job) = workflow.jobs().into_iter().find(|j| j.node.get("permissions").is_none()) {
        sink.scoped(
            job.key.line,
            job.key.col,
            job.name,
            "no `permissions:` here or at the top: the job gets the default token rights",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_missing_permissions() {
        assert_eq!(lines(&RULE, "on: push\njobs:\n  a:\n    runs-on: x\n"), [3]);
        assert!(lines(&RULE, "on: push\njobs:\n  a:\n    permissions: {}\n").is_empty());
    }
}
