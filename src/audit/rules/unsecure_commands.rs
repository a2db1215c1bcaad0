//! BW004: ACTIONS_ALLOW_UNSECURE_COMMANDS turned on.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW004",
    name: "unsecure-commands-allowed",
    kind: FileKind::Workflow,
    severity: Severity::High,
    summary: "`ACTIONS_ALLOW_UNSECURE_COMMANDS` is enabled.",
    fix: "Remove it; write to `$GITHUB_ENV` and `$GITHUB_PATH` instead of `::set-env`/`::add-path`.",
    docs: r#"## What it does
Flags `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` in workflow, job or step `env:`.

## Why is this bad?
It re-enables the deprecated `::set-env` and `::add-path` log commands, with which anything that prints to the log (including untrusted input) can set environment variables such as `LD_PRELOAD` for later steps.

## Example
```yaml
env:
  ACTIONS_ALLOW_UNSECURE_COMMANDS: true
```

## Use instead
```yaml
steps:
  - run: echo "X=1" >> "$GITHUB_ENV"
```

## References
- checkov CKV_GHA_1; GitHub changelog 2020-10-01 (set-env and add-path deprecated)
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    let mut envs = vec![("workflow", workflow.root.get("env"))];
    let jobs = workflow.jobs();
    envs.extend(jobs.iter().map(|j| (j.name, j.node.get("env"))));
    let steps = workflow.steps();
    envs.extend(steps.iter().map(|s| (s.job, s.node.get("env"))));
    for (scope, env) in envs {
        if let Some(node) =
            env.and_then(|e| e.get("ACTIONS_ALLOW_UNSECURE_COMMANDS")).filter(|n| n.as_bool() == Some(true))
        {
            sink.scoped(
                node.line,
                node.col,
                scope,
                "ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables ::set-env and ::add-path",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_the_variable() {
        assert_eq!(lines(&RULE, "on: push\nenv:\n  ACTIONS_ALLOW_UNSECURE_COMMANDS: true\njobs:\n  a:\n    steps:\n      - env:\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: 'false'\n        run: x\n"), [3]);
    }
}
