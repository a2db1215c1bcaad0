//! BW019: GitHub App tokens with every permission of the installation.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW019",
    name: "github-app-token-scope",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "`actions/create-github-app-token` is not given `permission-*` inputs, so the token gets every permission of the app's installation.",
    fix: "Add the `permission-<scope>: read|write` inputs the next steps need (and `repositories:` when `owner:` is set).",
    docs: r#"## What it does
Flags `actions/create-github-app-token` steps without any `permission-*` input. The message also says when `owner:` is set without `repositories:`, which extends the token to every repository of the installation.

## Why is this bad?
An app installation often holds broad rights (contents and workflows write, administration) because one of its uses needs them. Without `permission-*` inputs the token minted for this job carries all of them, for as long as it lives (an hour), to every step after it: a compromised action or an injection gets much more than the job needed, often more than `GITHUB_TOKEN` could ever have.

## Example
```yaml
steps:
  - uses: actions/create-github-app-token@<sha>
    with:
      app-id: ${{ vars.APP_ID }}
      private-key: ${{ secrets.APP_KEY }}
```

## Use instead
```yaml
steps:
  - uses: actions/create-github-app-token@<sha>
    with:
      app-id: ${{ vars.APP_ID }}
      private-key: ${{ secrets.APP_KEY }}
      permission-contents: write
      permission-pull-requests: write
```

## Compared with other linters
Same as zizmor's `github-app`; zizmor rates it high, berth medium, like the other rules about a token's breadth (BW007, BW020): breadth makes a compromise worse but is not itself a way in.

## References
- actions/create-github-app-token README: "permission-*" inputs
- zizmor `github-app`
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    for step in workflow.steps() {
        if step.action().as_deref() != Some("actions/create-github-app-token") {
            continue;
        }
        let Some(node) = step.uses() else { continue };
        let with = step.node.get("with");
        let inputs: Vec<&str> = with.map(|w| w.entries().map(|(k, _, _)| k).collect()).unwrap_or_default();
        if inputs.iter().any(|k| k.to_ascii_lowercase().starts_with("permission-")) {
            continue;
        }
        let every_repository = inputs.contains(&"owner") && !inputs.contains(&"repositories");
        sink.scoped(
            node.line,
            node.col,
            step.job,
            format!(
                "the token gets every permission of the app's installation{}",
                if every_repository { ", on every repository of the owner" } else { "" }
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::{findings, lines};

    #[test]
    fn flags_tokens_without_permissions() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/create-github-app-token@x\n        with:\n          owner: acme\n      - uses: actions/create-github-app-token@x\n        with:\n          permission-contents: read\n";
        assert_eq!(lines(&RULE, text), [5]);
        assert!(findings(&RULE, text)[0].message.contains("every repository"));
    }
}
