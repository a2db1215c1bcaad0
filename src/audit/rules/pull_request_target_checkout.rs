//! BW012: checking out pull request code in a privileged trigger.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW012",
    name: "pull-request-target-checkout",
    kind: FileKind::Workflow,
    severity: Severity::High,
    summary: "A `pull_request_target`, `issue_comment` or `workflow_run` workflow checks out the pull request's code.",
    fix: "Use `pull_request` for anything that runs PR code; keep `pull_request_target` for labelling and commenting, without checking out the head.",
    docs: r#"## What it does
Flags, in workflows triggered by `pull_request_target`, `issue_comment` or `workflow_run`, `actions/checkout` steps whose `ref:` or `repository:` names the pull request's head (`github.event.pull_request.head.*`, `github.head_ref`, `refs/pull/...`, `github.event.workflow_run.head_*`), and `run:` scripts that fetch it (`gh pr checkout`, `git fetch origin refs/pull/N/head`, `git checkout` of a head ref or SHA).

## Why is this bad?
Those triggers run with the base repository's secrets and a write token; checking out and building the PR's code runs an outsider's code with them. This is how Trivy's publishing token was stolen in February 2026. A comment-triggered run gated on the commenter's role still checks out whatever the pull request holds when the job starts, which its author can change after the maintainer's comment.

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

## Compared with other linters
zizmor's `dangerous-triggers` reports every use of these triggers; berth reports the checkout itself here (high) and the trigger with what it puts within reach in BW016.

## References
- GitHub Security Lab: "Preventing pwn requests"; aquasecurity/setup-trivy #29 (hackerbot-claw)
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

/// Expression fragments (lower-case, without spaces) that name the pull request's code.
const HEAD_REFERENCES: &[&str] =
    &["pull_request.head", "github.head_ref", "refs/pull/", "workflow_run.head", "workflow_run.pull_requests"];

/// Shell commands that fetch or check out a pull request's code (lower-case).
const HEAD_COMMANDS: &[&str] = &["gh pr checkout", "refs/pull/"];
/// A pull request's ref without `refs/` (`git fetch origin pull/$PR/head`), which counts only when
/// `/head` or `/merge` follows on its line: `.../pull/${PR_NUMBER}` alone is a link in a message.
const PULL_REFS: &[&str] = &["pull/${{", "pull/$"];

/// Where a `pull/<number>/head` (or `/merge`) ref starts in a script, if one does.
fn pull_ref(lower: &str) -> Option<usize> {
    PULL_REFS
        .iter()
        .flat_map(|p| lower.match_indices(p).map(|(at, _)| at))
        .filter(|&at| {
            let rest = lower[at..].lines().next().unwrap_or("");
            rest.contains("/head") || rest.contains("/merge")
        })
        .min()
}

fn names_head(text: &str) -> bool {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    HEAD_REFERENCES.iter().any(|r| text.contains(r))
}

fn check(workflow: &Workflow, sink: &mut Sink) {
    let events = workflow.privileged_events();
    let Some(event) = events.first() else { return };
    for step in workflow.steps() {
        if step.action().as_deref() == Some("actions/checkout") {
            let head = ["ref", "repository"]
                .into_iter()
                .filter_map(|key| step.with(key))
                .find(|n| n.as_str().is_some_and(names_head));
            if let Some(node) = head {
                sink.scoped(
                    node.line,
                    node.col,
                    step.job,
                    format!("the pull request's code is checked out in a `{event}` workflow, which holds the base repository's secrets and token"),
                );
            }
        }
        if let Some(run) = step.run() {
            let lower = run.text.to_ascii_lowercase();
            let fetches = HEAD_COMMANDS.iter().filter_map(|c| lower.find(c)).chain(pull_ref(&lower)).min();
            let named = ["git checkout", "git fetch", "git switch", "git clone", "git pull"]
                .iter()
                .filter_map(|c| lower.find(c))
                .filter(|&at| names_head(lower[at..].lines().next().unwrap_or("")))
                .min();
            if let Some(at) = fetches.into_iter().chain(named).min() {
                sink.scoped(
                    run.line_of(at),
                    1,
                    step.job,
                    format!("the script fetches the pull request's code in a `{event}` workflow, which holds the base repository's secrets and token"),
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

    #[test]
    fn flags_comment_triggered_fetches() {
        let text = "on: issue_comment\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@x\n        with:\n          ref: refs/pull/${{ github.event.issue.number }}/head\n      - run: |\n          echo hi\n          gh pr checkout ${{ github.event.issue.number }}\n      - run: git checkout ${{ github.event.workflow_run.head_sha }}\n      - run: git fetch origin main\n";
        assert_eq!(lines(&RULE, text), [7, 10, 11]);
    }

    #[test]
    fn a_link_to_the_pull_request_is_not_a_fetch() {
        let text = "on: issue_comment\njobs:\n  a:\n    steps:\n      - run: |\n          gh pr comment \"$N\" --body \"see ${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/pull/${N}.\"\n      - run: git fetch origin pull/${N}/head:pr\n      - run: git fetch origin pull/${{ github.event.issue.number }}/merge\n";
        assert_eq!(lines(&RULE, text), [7, 8]);
    }
}
