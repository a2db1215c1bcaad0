//! BC006: images without a digest (opt-in).

use super::compose_image_tag::moving;
use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC006",
    name: "compose-image-not-pinned-by-digest",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A service image is not pinned by digest.",
    fix: "Append the digest (`postgres:18.6-trixie@sha256:...`) and let Dependabot or Renovate update it.",
    docs: r#"## What it does
**Opt-in** (`enable: [BC006]`). Flags `image:` without `@sha256:` (after `${VAR:-default}` interpolation) whose tag names a release; an image without a tag or with a moving one is BC007's, whose fix adds the digest too. A service with `build:` is skipped: its `image:` names the image that is built.

## Why is this bad?
A tag is mutable: the same file can start a different image tomorrow. It is opt-in for the reason BD006 is: a digest can only come from a registry, which berth does not ask at generation time (compose-lint CL-0019 flags it by default).

## Example
```yaml
services:
  db:
    image: postgres:18-trixie
```

## Use instead
```yaml
services:
  db:
    image: postgres:18-trixie@sha256:0123...
```

## References
- CIS Docker Benchmark 5.28; OWASP Docker Security Cheat Sheet rule #13
- compose-lint CL-0019
"#,
    opt_in: true,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        if let Some((image, node)) = svc.image() {
            // A moving tag is BC007's: one finding per image, and its fix adds the digest too.
            let built = svc.get("build").is_some();
            if !built && !image.unresolved && !image.text.contains('@') && moving(&image.text).is_none() {
                svc.report(sink, node, format!("{} is not pinned by digest", crate::shown::value(&image.text)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_images_without_digest() {
        assert_eq!(
            lines(
                &RULE,
                "services:\n  a:\n    image: postgres:18\n  b:\n    image: postgres:18@sha256:aa\n  c:\n    build: .\n  d:\n    image: postgres\n"
            ),
            [3]
        );
    }
}
