//! BD004: FROM an image with neither tag nor digest.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::from_images;

pub static RULE: Rule = Rule {
    code: "BD004",
    name: "untagged-image",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "A FROM image has no tag and no digest, so it silently means `latest`.",
    fix: "Name a release tag (`python:3.13-slim-trixie`), and pin its digest for repeatable builds.",
    docs: r#"## What it does
Flags `FROM` images without `:tag` or `@digest`, after substituting `ARG` defaults (so
`ARG PY=3.13` + `FROM python:${PY}-slim` is judged as `python:3.13-slim`). `scratch`, earlier
stages and variables without a default are skipped.

## Why is this bad?
An untagged image is `latest`: every build may get a different base, with different packages
and a different user, and a compromised or broken push reaches you at the next build.

## Example
```dockerfile
FROM python
```

## Use instead
```dockerfile
FROM python:3.13-slim-trixie
```

## References
- CIS Docker Benchmark 5.28; OWASP Docker Security Cheat Sheet rule #13
- hadolint DL3006; checkov CKV_DOCKER_7; KICS 9efb0b2d
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (from, image, text) in from_images(input.file) {
        if image.tag.is_none() && image.digest.is_none() {
            sink.at(
                from.line,
                from.col,
                format!("{} has no tag: it is whatever `latest` is at build time", quote(&text)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_untagged_images_only() {
        assert_eq!(lines(&RULE, "FROM python\nFROM python:3.13\nFROM python@sha256:aa\nFROM scratch\n"), [1]);
        assert_eq!(lines(&RULE, "ARG IMG=python\nFROM $IMG\n"), [2], "ARG defaults are resolved");
        assert!(lines(&RULE, "ARG PY=3.13\nFROM python:${PY}-slim AS b\nFROM b\nFROM $UNKNOWN\n").is_empty());
        assert!(lines(&RULE, "FROM --platform=$BUILDPLATFORM localhost:5000/app:1\n").is_empty());
    }
}
