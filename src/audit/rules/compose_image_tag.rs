//! BC007: images without a tag or tagged latest.

use crate::audit::compose::ComposeFile;
use crate::audit::dockerfile::ImageRef;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC007",
    name: "compose-image-tag",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A service image has no tag or a moving one (`latest`, `stable`, `alpine`...).",
    fix: "Name a release tag (`postgres:18.6-trixie`), and pin its digest.",
    docs: r#"## What it does
Flags `image:` values without a digest whose tag names no release: no tag at all (`latest`), a channel (`latest`, `stable`, `edge`, `nightly`, `dev`, `main`, `lts`, `release`, `mainline`...), or a tag without any version number (`redis:alpine`, `python:slim`). Judged after `${VAR:-default}` interpolation; values with an unresolved variable are skipped. A digest pins the image whatever the tag says. A service with `build:` is skipped: its `image:` names the image that is built.

## Why is this bad?
The image that runs changes under you: repeatability goes, and a bad or malicious push arrives at the next `docker compose pull`.

## Example
```yaml
services:
  db:
    image: postgres
```

## Use instead
```yaml
services:
  db:
    image: postgres:18.6-trixie
```

## Compared with other linters
compose-lint CL-0004 knows six moving tags (`latest`, `stable`, `edge`, `nightly`, `dev`, `test`). berth also reports the other channel names above and tags without a version number, which move just the same. compose-lint also judges the `image:` of a service with `build:`; berth does not, because there it names the image that is built, not one that is pulled.

## References
- CIS Docker Benchmark 5.28; OWASP Docker Security Cheat Sheet rule #13
- compose-lint CL-0004; KICS 9efb0b2d, f45ea400
"#,
    opt_in: false,
    check: Check::Compose(check),
};

/// Tags that name a channel, not a release: the image behind them changes.
const MOVING_TAGS: &[&str] = &[
    "latest", "stable", "edge", "nightly", "dev", "develop", "test", "testing", "unstable", "main", "master", "beta",
    "alpha", "canary", "next", "rolling", "current", "lts", "release", "mainline",
];

/// Why an image reference moves, or `None` when it names a release or a digest.
pub fn moving(image: &str) -> Option<String> {
    let parsed = ImageRef::parse(image);
    if parsed.digest.is_some() {
        return None;
    }
    match parsed.tag.as_deref() {
        None => Some("has no tag, so it means `latest`".to_string()),
        Some(tag) if MOVING_TAGS.contains(&tag.to_ascii_lowercase().as_str()) => {
            Some(format!("uses the moving tag {}", crate::shown::value(tag)))
        }
        Some(tag) if !tag.chars().any(|c| c.is_ascii_digit()) => Some(format!(
            "uses the tag {}, which names no version and moves with each release",
            crate::shown::value(tag)
        )),
        Some(_) => None,
    }
}

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if let Some((image, node)) = svc.image() {
            // With `build:`, `image:` is the name the built image is given, not one pulled.
            if image.unresolved || svc.get("build").is_some() {
                continue;
            }
            if let Some(why) = moving(&image.text) {
                svc.report(sink, node, format!("{} {why}", crate::shown::value(&image.text)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_untagged_and_latest() {
        let text = "services:\n  a:\n    image: postgres\n  b:\n    image: ${IMG:-redis:latest}\n  c:\n    image: postgres:18\n  d:\n    image: ${IMG}\n  e:\n    image: redis:stable\n  f:\n    image: redis:alpine\n  g:\n    image: redis:alpine@sha256:0123\n  h:\n    image: localhost:5000/app\n  i:\n    image: app\n    build: .\n";
        assert_eq!(lines(&RULE, text), [3, 5, 11, 13, 17]);
    }
}
