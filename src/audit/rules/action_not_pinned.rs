//! BW001: actions referenced by a tag or branch.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW001",
    name: "action-not-pinned",
    kind: FileKind::Workflow,
    severity: Severity::High,
    summary: "A step uses an action by tag or branch instead of a full commit SHA.",
    fix: "Pin the full 40-character commit SHA with the version in a comment (`uses: actions/checkout@<sha> # v7.0.1`) and let Dependabot or Renovate update it.",
    docs: r#"## What it does
Flags `uses:` of a repository action (`owner/repo[/path]@ref`) or reusable workflow whose ref is not a 40-hex commit SHA, and `docker://` actions without `@sha256:`. Local actions (`./...`) pass.

## Why is this bad?
Tags and branches can be moved. In March 2026, 75 of 76 `aquasecurity/trivy-action` tags were force-pushed to a credential stealer; in March 2025 every `tj-actions/changed-files` tag was. Every workflow that used a tag ran the attacker's code with its secrets. None of checkov's GitHub Actions checks covers this.

## Example
```yaml
steps:
  - uses: actions/checkout@v7
```

## Use instead
```yaml
steps:
  - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
```

## References
- GitHub docs: security hardening for GitHub Actions (pin actions to a full-length commit SHA)
- aquasecurity/trivy-action #541 (CVE-2026-33634); CVE-2025-30066 (tj-actions/changed-files)
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

pub fn is_sha(reference: &str) -> bool {
    reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit())
}

fn check(workflow: &Workflow, sink: &mut Sink) {
    let job_uses = workflow.jobs().into_iter().filter_map(|j| j.node.get("uses").map(|n| (j.name, n)));
    let step_uses = workflow.steps().into_iter().filter_map(|s| s.uses().map(|n| (s.job, n)));
    for (job, node) in job_uses.chain(step_uses) {
        let Some(uses) = node.as_str() else { continue };
        if uses.starts_with("./") {
            continue;
        }
        if let Some(image) = uses.strip_prefix("docker://") {
            if !image.contains("@sha256:") {
                sink.scoped(node.line, node.col, job, format!("`{uses}` is not pinned by digest"));
            }
            continue;
        }
        match uses.rsplit_once('@') {
            Some((_, reference)) if is_sha(reference) => {}
            _ => sink.scoped(node.line, node.col, job, format!("`{uses}` is not pinned to a commit SHA")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_tags_and_branches() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v7\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - uses: ./local\n      - uses: docker://alpine:3\n  b:\n    uses: org/repo/.github/workflows/x.yml@main\n";
        assert_eq!(lines(&RULE, text), [5, 8, 10]);
    }
}
