//! BD040: the final stage runs on a full-size language image.

use crate::audit::dockerfile::quote;
use crate::audit::dockerfile::ImageRef;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD040",
    name: "non-minimal-base-image",
    kind: FileKind::Dockerfile,
    severity: Severity::Info,
    summary: "The final stage uses a full-size language image instead of a slim, alpine or distroless one.",
    fix: "Build in a full image if needed, and run on `-slim`, `-alpine` or distroless.",
    docs: r#"## What it does
Flags a final stage based on the full official `python`, `node`, `ruby`, `php`, `golang`,
`openjdk` or `perl` image (a tag without `slim`, `alpine`, `distroless`...).

## Why is this bad?
The full images carry compilers, headers and hundreds of packages the application does not
use: `python:3.11` is about 1 GB with 500+ packages and many more known CVEs than
`python:3.11-slim` (about 150 MB).

## Example
```dockerfile
FROM python:3.13
```

## Use instead
```dockerfile
FROM python:3.13-slim-trixie
```

## References
- CIS Docker Benchmark 4.3 (no unnecessary packages)
- the Docker security lesson's checklist: "Using slim/alpine base image"
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

const LANGUAGE_IMAGES: &[&str] = &["python", "node", "ruby", "php", "golang", "openjdk", "perl", "rust"];

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    let Some(stage) = file.final_stage() else { return };
    if stage.base_stage.is_some() {
        return;
    }
    let Some(image) = stage.image.as_deref() else { return };
    let image_ref = ImageRef::parse(image);
    if !LANGUAGE_IMAGES.contains(&image_ref.repository()) {
        return;
    }
    let tag = image_ref.tag.as_deref().unwrap_or("latest");
    if !["slim", "alpine", "distroless", "minimal", "chiseled"].iter().any(|m| tag.contains(m)) {
        let from = &file.instructions[stage.from];
        sink.at(from.line, from.col, format!("the final stage runs on the full {} image", quote(image)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_full_language_images_in_the_final_stage() {
        assert_eq!(lines(&RULE, "FROM python:3.13\n"), [1]);
        assert!(lines(&RULE, "FROM python:3.13 AS build\nFROM python:3.13-slim\n").is_empty());
        assert!(lines(&RULE, "FROM debian:trixie\n").is_empty());
    }
}
