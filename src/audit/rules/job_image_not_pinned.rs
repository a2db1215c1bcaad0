//! BW018: job containers and service containers without a tag, or on `latest`.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::expr::expansions;
use crate::audit::workflow::{Job, Workflow};
use crate::report::Severity;
use crate::shown;
use crate::yaml::tree::Node;

pub static RULE: Rule = Rule {
    code: "BW018",
    name: "job-image-not-pinned",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "A job's `container:` or `services:` image has no tag or uses `latest`.",
    fix: "Use a version tag, or better a digest (`postgres:17@sha256:…`), and let Dependabot or Renovate update it.",
    docs: r#"## What it does
Flags `jobs.<id>.container` and `jobs.<id>.services.<name>` images with neither a tag nor a digest, or with the `latest` tag. Images taken from the strategy matrix (`image: ${{ matrix.image }}`) are checked for every value the matrix lists.

## Why is this bad?
The job runs inside that image, with its token and secrets: whoever can push a new `latest` (or take over the name) decides what runs next time, and a build cannot be reproduced. A tag at least fixes the version, and a digest the exact bytes.

## Example
```yaml
jobs:
  test:
    container: python
    services:
      db:
        image: postgres:latest
```

## Use instead
```yaml
jobs:
  test:
    container: python:3.13-slim@sha256:<digest>
    services:
      db:
        image: postgres:17@sha256:<digest>
```

## Compared with other linters
Same findings as zizmor's `unpinned-images` at high confidence, at berth's severity for untagged and `latest` images elsewhere (BD004, BD005, BC007: medium), where zizmor says high. Images from inputs or other jobs' outputs cannot be seen in the file and are not reported (zizmor reports them at low confidence). A tag without a digest is not reported, as for compose files, where digest pinning is the opt-in BC006.

## References
- GitHub docs: "Running jobs in a container", "About service containers"
- zizmor `unpinned-images`; CIS Docker Benchmark 4.x (pinned base images)
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

/// What is wrong with an image reference, if anything.
fn problem(image: &str) -> Option<&'static str> {
    let image = image.trim();
    let image = image.strip_prefix("docker://").unwrap_or(image);
    if image.is_empty() || image.contains("@sha256:") {
        return None;
    }
    let name = image.rsplit('/').next().unwrap_or(image);
    match name.split_once(':') {
        None => Some("has no tag, so it means `latest`"),
        Some((_, "latest")) => Some("uses the `latest` tag"),
        Some(_) => None,
    }
}

/// The images a `container:` or service value can be: its text, or, for a plain
/// `${{ matrix.KEY }}`, each value the matrix lists. `None` when the file does not say (inputs,
/// outputs, conditions).
fn candidates(job: &Job<'_>, text: &str) -> Option<Vec<String>> {
    let found = expansions(text);
    let Some(first) = found.first() else { return Some(vec![text.to_string()]) };
    let plain = first.body.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let path: Vec<&str> = first.body.split('.').collect();
    let ["matrix", rest @ ..] = path.as_slice() else { return None };
    if found.len() > 1 || !plain {
        return None;
    }
    let end = first.offset + text[first.offset..].find("}}").map_or(text.len() - first.offset, |e| e + 2);
    Some(
        job.matrix_values(rest)
            .into_iter()
            .map(|value| format!("{}{}{}", &text[..first.offset], value, &text[end..]))
            .collect(),
    )
}

fn image_node(node: &Node) -> Option<&Node> {
    if node.as_str().is_some() {
        Some(node)
    } else {
        node.get("image")
    }
}

fn check(workflow: &Workflow, sink: &mut Sink) {
    for job in workflow.jobs() {
        let container = job.node.get("container").and_then(image_node).map(|n| ("the job container", n));
        let services = job
            .node
            .get("services")
            .into_iter()
            .flat_map(|s| s.entries())
            .filter_map(|(name, _, value)| image_node(value).map(|n| (name, n)));
        for (what, node) in container.into_iter().chain(services) {
            let Some(text) = node.as_str() else { continue };
            for image in candidates(&job, text).unwrap_or_default() {
                if let Some(problem) = problem(&image) {
                    let what = if what == "the job container" { what.to_string() } else { format!("service `{what}`") };
                    sink.scoped(
                        node.line,
                        node.col,
                        job.name,
                        format!("the image of {what}, {}, {problem}", shown::value(&image)),
                    );
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_untagged_and_latest_images() {
        let text = "on: push\njobs:\n  a:\n    container: python\n    services:\n      db:\n        image: postgres:latest\n      cache:\n        image: redis:7@sha256:abc\n  b:\n    container:\n      image: ghcr.io/acme/ci:1.2\n";
        assert_eq!(lines(&RULE, text), [4, 7]);
    }

    #[test]
    fn resolves_the_matrix() {
        let text = "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        config:\n          - image: x/cpu:1\n          - image: x/gpu\n    container: ${{ matrix.config.image }}\n  b:\n    strategy:\n      matrix:\n        image: ['a:1', 'b:2']\n        py: ['3.6']\n    container: ${{ matrix.image }}\n    services:\n      db:\n        image: ${{ matrix.py == '3.6' && format('python:{0}', matrix.py) || '' }}\n  c:\n    container: ${{ inputs.image }}\n";
        assert_eq!(lines(&RULE, text), [9]);
    }

    #[test]
    fn registry_ports_are_not_tags() {
        assert_eq!(problem("localhost:5000/app"), Some("has no tag, so it means `latest`"));
        assert_eq!(problem("localhost:5000/app:1"), None);
    }
}
