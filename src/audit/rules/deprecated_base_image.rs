//! BD007: a base image that no longer receives updates.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::from_images;

pub static RULE: Rule = Rule {
    code: "BD007",
    name: "deprecated-base-image",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "A FROM image is no longer built or its Python is past end of life.",
    fix: "Move to a maintained image: `gcr.io/distroless/python3-debian13`, or `python:3.11`+ (`-slim-trixie`).",
    docs: r#"## What it does
Flags base images that stopped receiving security updates:
- `gcr.io/distroless/*-debian11` and `gcr.io/distroless/python3-debian12` (no longer built since
  May 2026; the Debian 12 static/base/cc images reached end of life in September 2026);
- official `python` images of Python 2 and 3.0 to 3.10 (3.10 reached end of life in October 2026).

## Why is this bad?
An image that is no longer rebuilt keeps every vulnerability found after its last build, and
scanners can only report them, never fix them.

## Example
```dockerfile
FROM gcr.io/distroless/python3-debian12
```

## Use instead
```dockerfile
FROM gcr.io/distroless/python3-debian13:nonroot
```

## References
- CIS Docker Benchmark 4.4 (rebuild images for patches); OWASP Docker Security Cheat Sheet rule #0
- GoogleContainerTools/distroless PR #2084 and SUPPORT_POLICY.md; PEP 619
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// Why an image is deprecated, if it is.
pub fn deprecated(repository: &str, tag: Option<&str>) -> Option<String> {
    if let Some(name) = repository.strip_prefix("distroless/") {
        if name.ends_with("-debian11") || name.ends_with("-debian10") || name == "python3-debian12" || name == "python3"
        {
            return Some(format!("distroless {} is no longer built", quote(name)));
        }
    }
    if repository == "python" {
        let version = tag?.split('-').next()?;
        let mut parts = version.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: Option<u32> = parts.next().and_then(|m| m.parse().ok());
        if major == 2 || (major == 3 && minor.is_some_and(|m| m <= 10)) {
            return Some(format!("Python {version} is past end of life"));
        }
    }
    None
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (from, image, text) in from_images(input.file) {
        if let Some(why) = deprecated(image.repository(), image.tag.as_deref()) {
            sink.at(from.line, from.col, format!("{}: {why}", quote(&text)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_unmaintained_bases() {
        let text = "FROM gcr.io/distroless/python3-debian12\nFROM python:3.9-slim\nFROM python:2.7\nFROM python:3.13-slim\nFROM gcr.io/distroless/python3-debian13:nonroot\nFROM python:3\n";
        assert_eq!(lines(&RULE, text), [1, 2, 3]);
    }
}
