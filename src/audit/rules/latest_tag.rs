//! BD005: FROM an image tagged `latest`.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::from_images;

pub static RULE: Rule = Rule {
    code: "BD005",
    name: "latest-tag",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "A FROM image uses the `latest` tag.",
    fix: "Name a release tag (`python:3.13-slim-trixie`), and pin its digest for repeatable builds.",
    docs: r#"## What it does
Flags `FROM image:latest` (after `ARG` substitution) unless a digest is also given, as
hadolint DL3007 does.

## Why is this bad?
`latest` moves: builds stop being repeatable, major upgrades arrive unannounced, and
distroless `:latest` runs as root where `:nonroot` would not.

## Example
```dockerfile
FROM python:latest
```

## Use instead
```dockerfile
FROM python:3.13-slim-trixie
```

## References
- CIS Docker Benchmark 5.28; OWASP Docker Security Cheat Sheet rule #13
- hadolint DL3007; checkov CKV_DOCKER_7; dockle DKL-DI-0006; KICS f45ea400
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (from, image, text) in from_images(input.file) {
        if image.tag.as_deref() == Some("latest") && image.digest.is_none() {
            sink.at(from.line, from.col, format!("{} uses the moving `latest` tag", quote(&text)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_latest_without_digest() {
        assert_eq!(lines(&RULE, "FROM python:latest\nFROM python:latest@sha256:aa\nFROM python:3\n"), [1]);
        assert_eq!(lines(&RULE, "ARG TAG=latest\nFROM python:${TAG}\n"), [2]);
    }
}
