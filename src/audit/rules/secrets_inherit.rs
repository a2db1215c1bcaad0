//! BW017: every secret passed to a reusable workflow.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;
use crate::shown;

pub static RULE: Rule = Rule {
    code: "BW017",
    name: "secrets-inherit",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "A job calls a reusable workflow with `secrets: inherit`, handing it every secret of the repository.",
    fix: "List the secrets the called workflow needs (`secrets: {NPM_TOKEN: ${{ secrets.NPM_TOKEN }}}`).",
    docs: r#"## What it does
Flags `secrets: inherit` on jobs that call a reusable workflow (`jobs.<id>.uses`).

## Why is this bad?
The called workflow receives every repository, environment and organisation secret the caller can read, not the two it uses. Any step in it, and any action it uses, can read them all; for a workflow in another repository (`org/repo/.github/workflows/x.yml@ref`) that repository's maintainers decide what runs with them. Listing the secrets keeps the blast radius of one compromised step to what that workflow needs, and documents it.

## Example
```yaml
jobs:
  publish:
    uses: ./.github/workflows/publish.yml
    secrets: inherit
```

## Use instead
```yaml
jobs:
  publish:
    uses: ./.github/workflows/publish.yml
    secrets:
      PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}
```

## Compared with other linters
Same as zizmor's `secrets-inherit`, and at the same (medium) severity, also for reusable workflows of the same repository.

## References
- GitHub docs: "Reusing workflows", passing secrets to nested workflows
- zizmor `secrets-inherit`
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    for job in workflow.jobs() {
        let Some((key, value)) = job.node.entry("secrets") else { continue };
        if value.as_str() != Some("inherit") {
            continue;
        }
        let called = job.node.get("uses").and_then(|u| u.as_str()).unwrap_or("the called workflow");
        sink.scoped(
            key.line,
            key.col,
            job.name,
            format!("every secret of the repository is passed to {}", shown::value(called)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_inherited_secrets() {
        let text = "on: push\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n    secrets: inherit\n  b:\n    uses: ./.github/workflows/x.yml\n    secrets:\n      T: ${{ secrets.T }}\n";
        assert_eq!(lines(&RULE, text), [5]);
    }
}
