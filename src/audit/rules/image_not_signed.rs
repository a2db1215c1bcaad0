//! BW011: images pushed without signature or attestation.

use super::image_not_scanned::builds_and_pushes;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW011",
    name: "image-not-signed",
    kind: FileKind::Workflow,
    severity: Severity::Info,
    summary: "The workflow pushes an image without signing it or attaching provenance.",
    fix: "Sign by digest with cosign keyless (`cosign sign --yes \"$IMAGE@$DIGEST\"`), or attest provenance (`provenance: mode=max` in build-push-action, `actions/attest-build-provenance`).",
    docs: r#"## What it does
Flags a workflow that pushes an image (`docker/build-push-action` with `push: true`, `docker push`) when no step runs `cosign sign`/`cosign attest`, uses `sigstore/cosign-installer` with a signing step, `actions/attest-build-provenance`, or sets `provenance`/`sbom` on build-push-action.

## Why is this bad?
Without a signature or provenance, consumers cannot tell your image from one pushed with a stolen registry token. Docker Content Trust is being retired (Notary v1 shuts down 2026-12-08), so cosign or attestations are the replacement.

## Example
```yaml
steps:
  - uses: docker/build-push-action@<sha>
    with:
      push: true
```

## Use instead
```yaml
steps:
  - uses: docker/build-push-action@<sha>
    with:
      push: true
      provenance: mode=max
      sbom: true
```

## References
- CIS Docker Benchmark 4.5, 4.12; OWASP Docker Security Cheat Sheet rule #13
- checkov CKV_GHA_5, CKV_GHA_6
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    let (_, Some((job, line, col))) = builds_and_pushes(workflow) else { return };
    let signed = workflow.steps().iter().any(|step| {
        let uses = step.uses().and_then(|u| u.as_str()).unwrap_or("");
        let attests = uses.starts_with("docker/build-push-action")
            && (step.with("provenance").is_some_and(|p| p.as_str() != Some("false"))
                || step.with("sbom").and_then(|s| s.as_bool()) == Some(true));
        let runs = step
            .run()
            .map(|r| {
                r.parse().commands().iter().any(|c| {
                    c.name() == "cosign"
                        && c.args().first().is_some_and(|w| matches!(w.text.as_str(), "sign" | "attest"))
                })
            })
            .unwrap_or(false);
        attests || runs || uses.starts_with("actions/attest-build-provenance") || uses.starts_with("actions/attest")
    });
    if !signed {
        sink.scoped(line, col, job, "an image is pushed without a signature or provenance attestation");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_unsigned_pushes() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - uses: docker/build-push-action@x\n        with:\n          push: true\n";
        assert_eq!(lines(&RULE, text), [5]);
        let signed = format!("{text}      - run: cosign sign --yes x@y\n");
        assert!(lines(&RULE, &signed).is_empty());
    }
}
