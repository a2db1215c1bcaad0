//! BW020: write permissions granted to every job at the workflow level.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;
use crate::shown;

pub static RULE: Rule = Rule {
    code: "BW020",
    name: "workflow-write-permissions",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "The top-level `permissions:` grants write access that several jobs inherit.",
    fix: "Set `permissions: {}` (or read scopes) at the top and grant each write scope to the one job that needs it.",
    docs: r#"## What it does
Flags each `write` scope in the workflow-level `permissions:` when two or more jobs have no `permissions:` of their own and so inherit it. (`write-all` is BW007.)

## Why is this bad?
Usually one job needs to write (publish a release, comment on a pull request) while the others build and test with third-party actions and the project's code. Granted at the top, the write token reaches every job: a compromised test dependency can push to the repository or publish a package.

## Example
```yaml
permissions:
  contents: write
jobs:
  test: {runs-on: ubuntu-24.04, steps: [{run: make test}]}
  release: {runs-on: ubuntu-24.04, steps: [{run: make release}]}
```

## Use instead
```yaml
permissions: {}
jobs:
  test:
    permissions: {contents: read}
  release:
    permissions: {contents: write}
```

## Compared with other linters
Same as zizmor's `excessive-permissions` for workflow-level write scopes (zizmor rates most scopes high; berth rates them medium like BW007's `write-all`: breadth, not a way in). zizmor's medium finding for a workflow with no `permissions:` at all is BW008. A workflow where at most one job inherits the top-level permissions is not reported (zizmor reports any workflow with more than one job): there the top level is in effect that job's own `permissions:`.

## References
- GitHub docs: "Modifying the permissions for the GITHUB_TOKEN"; OpenSSF Scorecard Token-Permissions
- zizmor `excessive-permissions`
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    let Some(permissions) = workflow.root.get("permissions") else { return };
    let inheriting: Vec<&str> =
        workflow.jobs().iter().filter(|j| j.node.get("permissions").is_none()).map(|j| j.name).collect();
    if inheriting.len() < 2 {
        return;
    }
    for (scope, key, value) in permissions.entries() {
        if value.as_str() == Some("write") {
            sink.at(
                key.line,
                key.col,
                format!(
                    "`{}: write` goes to all {} jobs without `permissions:` of their own: {}",
                    shown::escape(&shown::clip(scope, shown::MAX_SHOWN)),
                    inheriting.len(),
                    shown::escape(&shown::clip(&inheriting.join(", "), shown::MAX_SHOWN))
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_inherited_write_scopes() {
        let text =
            "on: push\npermissions:\n  contents: write\n  issues: read\njobs:\n  a: {steps: []}\n  b: {steps: []}\n";
        assert_eq!(lines(&RULE, text), [3]);
        assert!(lines(&RULE, &text.replace("  b: {steps: []}\n", "")).is_empty());
        assert!(lines(&RULE, &text.replace("b: {steps: []}", "b: {permissions: {}}")).is_empty());
    }
}
