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
    summary: "A service image has no tag or uses `latest`.",
    fix: "Name a release tag (`postgres:18.6-trixie`), and pin its digest.",
    docs: r#"## What it does
Flags `image:` values with neither tag nor digest, or tagged `latest` without a digest, after `${VAR:-default}` interpolation (values with an unresolved variable are skipped).

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

## References
- CIS Docker Benchmark 5.28; OWASP Docker Security Cheat Sheet rule #13
- compose-lint CL-0004; KICS 9efb0b2d, f45ea400
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if let Some((image, node)) = svc.image() {
            if image.unresolved {
                continue;
            }
            let parsed = ImageRef::parse(&image.text);
            if parsed.digest.is_none() && matches!(parsed.tag.as_deref(), None | Some("latest")) {
                sink.scoped(node.line, node.col, svc.name, format!("`{}` is not pinned to a release tag", image.text));
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
        let text = "services:\n  a:\n    image: postgres\n  b:\n    image: ${IMG:-redis:latest}\n  c:\n    image: postgres:18\n  d:\n    image: ${IMG}\n";
        assert_eq!(lines(&RULE, text), [3, 5]);
    }
}
