//! BW010: images built without a vulnerability scan.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW010",
    name: "image-not-scanned",
    kind: FileKind::Workflow,
    severity: Severity::Info,
    summary: "The workflow builds a container image but no step scans it.",
    fix: "Add a scanner step (Trivy, Grype, Docker Scout, Snyk) that fails on critical findings, pinned by SHA.",
    docs: r#"## What it does
Flags a workflow that builds an image (`docker/build-push-action`, `docker build`, `buildah bud`) with no step using or running trivy, grype, docker scout, snyk, anchore/scan-action or clair.

## Why is this bad?
Known-vulnerable packages ship unnoticed; CIS 4.4 asks for images to be scanned and rebuilt.

## Example
```yaml
steps:
  - uses: docker/build-push-action@<sha>
```

## Use instead
```yaml
steps:
  - uses: docker/build-push-action@<sha>
  - uses: aquasecurity/trivy-action@<sha> # v0.36.0
```

## References
- CIS Docker Benchmark 4.4; OWASP Docker Security Cheat Sheet rule #9
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

/// A step's job, line and column.
pub type StepAt<'a> = (&'a str, u32, u32);

/// The first step that builds a container image, and the first that pushes one.
pub fn builds_and_pushes(workflow: &Workflow) -> (Option<StepAt<'_>>, Option<StepAt<'_>>) {
    let mut build = None;
    let mut push = None;
    for step in workflow.steps() {
        let uses = step.uses().and_then(|u| u.as_str()).unwrap_or("");
        let at = (step.job, step.node.line, step.node.col);
        if uses.starts_with("docker/build-push-action") {
            build.get_or_insert(at);
            if step.with("push").and_then(|p| p.as_bool()) == Some(true) {
                push.get_or_insert(at);
            }
        }
        if let Some(run) = step.run() {
            for command in run.parse().commands() {
                let sub = command.args().first().map(|w| w.text.as_str());
                if matches!(command.name(), "docker" | "podman" | "buildah") {
                    if matches!(sub, Some("build") | Some("buildx") | Some("bud")) {
                        build.get_or_insert(at);
                    }
                    if sub == Some("push") || (sub == Some("buildx") && command.has_flag(None, &["push"])) {
                        push.get_or_insert(at);
                    }
                }
            }
        }
    }
    (build, push)
}

fn check(workflow: &Workflow, sink: &mut Sink) {
    let (Some((job, line, col)), _) = builds_and_pushes(workflow) else { return };
    let scanned = workflow.steps().iter().any(|step| {
        let uses = step.uses().and_then(|u| u.as_str()).unwrap_or("").to_ascii_lowercase();
        let runs = step
            .run()
            .map(|r| {
                r.parse().commands().iter().any(|c| {
                    matches!(c.name(), "trivy" | "grype" | "snyk" | "clair" | "docker-scout")
                        || (c.name() == "docker" && c.args().first().is_some_and(|w| w.text == "scout"))
                })
            })
            .unwrap_or(false);
        ["trivy", "grype", "anchore/scan-action", "snyk", "docker/scout-action", "clair"]
            .iter()
            .any(|s| uses.contains(s))
            || runs
    });
    if !scanned {
        sink.scoped(line, col, job, "an image is built but never scanned for vulnerabilities");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_unscanned_builds() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - run: docker build -t x .\n";
        assert_eq!(lines(&RULE, text), [5]);
        assert!(lines(&RULE, "on: push\njobs:\n  a:\n    steps:\n      - run: docker build -t x . && trivy image x\n")
            .is_empty());
    }
}
