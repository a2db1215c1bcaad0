//! BW007: write-all token permissions.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW007",
    name: "write-all-permissions",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "The workflow or a job grants `permissions: write-all`.",
    fix: "Set `permissions: {}` at the top and grant each job only what it needs (`contents: read`, `packages: write`...).",
    docs: r#"## What it does
Flags `permissions: write-all` at the workflow or job level.

## Why is this bad?
Every step, including third-party actions, gets a token that can push code, create releases and change settings.

## Example
```yaml
permissions: write-all
```

## Use instead
```yaml
permissions: {}
jobs:
  build:
    permissions:
      contents: read
```

## References
- checkov CKV2_GHA_1; GitHub docs: GITHUB_TOKEN permissions
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    let mut nodes = vec![("workflow", workflow.root.get("permissions"))];
    let jobs = workflow.jobs();
    nodes.extend(jobs.iter().map(|j| (j.name, j.node.get("permissions"))));
    for (scope, node) in nodes {
        if let Some(node) = node.filter(|n| n.as_str() == Some("write-all")) {
            sink.scoped(node.line, node.col, scope, "the token can write everything");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_write_all() {
        assert_eq!(lines(&RULE, "on: push\npermissions: write-all\njobs:\n  a:\n    permissions: read-all\n"), [2]);
    }
}
