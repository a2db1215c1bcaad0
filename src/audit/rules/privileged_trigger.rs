//! BW016: outsider-started privileged triggers with secrets, a write token or a checkout.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::{secrets_read, write_scopes, Workflow};
use crate::report::Severity;
use crate::shown;

pub static RULE: Rule = Rule {
    code: "BW016",
    name: "privileged-trigger",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "A workflow anyone can start (`pull_request_target`, `issue_comment`, `workflow_run`) holds secrets, a write token or checked-out code.",
    fix: "Do the work in a `pull_request` workflow (read-only token, no secrets); keep the privileged one to labelling or commenting with `permissions:` limited to that, no secrets and no checkout.",
    docs: r#"## What it does
Flags the `pull_request_target`, `issue_comment` and `workflow_run` triggers of a workflow that also has something worth taking:
- secrets other than the job token (`secrets.NAME` anywhere, or `secrets: inherit`);
- a token that can write (`write` or `write-all` in `permissions:`), or no `permissions:` for some job, which then gets the repository's default (write on older repositories and organisations);
- a checkout (`actions/checkout`), so code and build tools run next to the token.

## Why is this bad?
Anyone on GitHub starts these runs: a pull request from a fork (`pull_request_target`, and `workflow_run` after the fork's `pull_request` run), or a comment on any issue (`issue_comment`). Unlike `pull_request`, they run the base repository's workflow with its secrets and a token that can write, so one injection (BW003), one checkout of the pull request (BW012), one poisoned artifact or cache turns an outsider's pull request into a push to the repository or a stolen publishing token. Most compromises of CI in 2024–2026 (Ultralytics, hackerbot-claw against Trivy) went through these triggers.

## Example
```yaml
on: pull_request_target
jobs:
  preview:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@<sha>
      - run: ./deploy-preview.sh
        env:
          TOKEN: ${{ secrets.DEPLOY_TOKEN }}
```

## Use instead
```yaml
on: pull_request
permissions:
  contents: read
jobs:
  preview:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@<sha>
        with:
          persist-credentials: false
      - run: ./build-preview.sh
```
and deploy from `push` to a protected branch.

## Compared with other linters
zizmor's `dangerous-triggers` reports every use of these triggers, at high severity. berth reports a trigger only when the workflow holds secrets, a token that can write (even only `pull-requests: write`) or a checkout: a workflow with a read-only token, no secrets and no checkout has nothing to take. berth rates the trigger itself medium and the ways in high: script injection (BW003) and checking out the pull request (BW012).

## References
- GitHub Security Lab: "Keeping your GitHub Actions and workflows secure Part 1: Preventing pwn requests"
- GitHub docs: events that trigger workflows (`pull_request_target`, `workflow_run`, `issue_comment`)
- zizmor `dangerous-triggers`
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    let events = workflow.privileged_events();
    if events.is_empty() {
        return;
    }
    let mut held = Vec::new();
    let secrets = workflow.jobs().iter().flat_map(|j| secrets_read(j.node)).collect::<std::collections::BTreeSet<_>>();
    if !secrets.is_empty() {
        held.push(format!("secrets {}", secrets.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")));
    }
    if workflow.jobs().iter().any(|j| j.node.get("secrets").and_then(|s| s.as_str()) == Some("inherit")) {
        held.push("every secret (`secrets: inherit`)".to_string());
    }
    let top = workflow.root.get("permissions");
    let mut scopes: Vec<&str> = top.map(write_scopes).unwrap_or_default();
    for job in workflow.jobs() {
        scopes.extend(job.node.get("permissions").map(write_scopes).unwrap_or_default());
    }
    scopes.sort();
    scopes.dedup();
    if !scopes.is_empty() {
        held.push(format!(
            "a token that can write ({})",
            shown::escape(&shown::clip(&scopes.join(", "), shown::MAX_SHOWN))
        ));
    } else if top.is_none() && workflow.jobs().iter().any(|j| j.node.get("permissions").is_none()) {
        held.push("the default token (no `permissions:`)".to_string());
    }
    if workflow.steps().iter().any(|s| s.action().as_deref() == Some("actions/checkout")) {
        held.push("a checkout".to_string());
    }
    if held.is_empty() {
        return;
    }
    let Some(triggers) = workflow.triggers() else { return };
    for event in events {
        let (line, col) = match triggers.entry(event) {
            Some((key, _)) => (key.line, key.col),
            None => triggers
                .items()
                .iter()
                .find(|n| n.as_str() == Some(event))
                .map_or((triggers.line, triggers.col), |n| (n.line, n.col)),
        };
        sink.at(line, col, format!("`{event}` runs for anyone with {}", held.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::{findings, lines};

    #[test]
    fn flags_privileged_triggers_that_hold_something() {
        let text = "on:\n  pull_request_target:\n  push:\npermissions: {}\njobs:\n  a:\n    permissions:\n      pull-requests: write\n    steps:\n      - run: x\n        env:\n          T: ${{ secrets.NPM_TOKEN }}\n";
        let found = findings(&RULE, text);
        assert_eq!(found.iter().map(|f| f.line).collect::<Vec<_>>(), [2]);
        assert!(
            found[0].message.contains("`NPM_TOKEN`") && found[0].message.contains("pull-requests"),
            "{}",
            found[0].message
        );
        assert_eq!(lines(&RULE, "on: [issue_comment, workflow_run]\njobs:\n  a:\n    steps: []\n"), [1, 1]);
    }

    #[test]
    fn read_only_labelling_passes() {
        let text = "on: pull_request_target\npermissions:\n  contents: read\njobs:\n  a:\n    steps:\n      - uses: actions/labeler@x\n        with:\n          repo-token: ${{ secrets.GITHUB_TOKEN }}\n";
        assert!(lines(&RULE, text).is_empty());
        assert!(lines(&RULE, &text.replace("pull_request_target", "pull_request").replace("read", "write")).is_empty());
    }
}
