//! BW005: secrets sent with curl or wget in run scripts.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW005",
    name: "curl-with-secrets",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "A `run:` script passes a `secrets.*` expression to curl or wget.",
    fix: "Use a maintained action for the upload, or pass the secret through `env:` and check the URL is the one you expect.",
    docs: r#"## What it does
Parses `run:` scripts into commands and flags a `curl`/`wget` command whose words contain `${{ secrets.… }}` (the expression is pasted into the command line).

## Why is this bad?
A secret on a curl command line goes wherever the URL says (a typo or a changed variable sends it elsewhere), and it can show in process listings and debug logs. checkov CKV_GHA_3 matches `curl` and `secret` anywhere on a line; this rule matches the command.

## Example
```yaml
steps:
  - run: |
      curl -H "Authorization: token ${{ secrets.API_TOKEN }}" https://api.example.com
```

## Use instead
```yaml
steps:
  - env:
      API_TOKEN: ${{ secrets.API_TOKEN }}
    run: |
      curl --fail -H "Authorization: token $API_TOKEN" https://api.example.com
```

## References
- checkov CKV_GHA_3
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    for step in workflow.steps() {
        let Some(run) = step.run() else { continue };
        let script = run.parse();
        for command in script.commands() {
            if matches!(command.name(), "curl" | "wget")
                && command.words.iter().any(|w| w.text.replace(' ', "").contains("${{secrets."))
            {
                sink.scoped(
                    run.line_of(command.start()),
                    1,
                    step.job,
                    format!("`{}` is given a secret on its command line", command.name()),
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
    fn flags_secret_on_curl() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - run: |\n          echo ${{ secrets.X }} > /dev/null\n          curl -H \"token: ${{ secrets.X }}\" https://x\n";
        assert_eq!(lines(&RULE, text), [7]);
    }
}
