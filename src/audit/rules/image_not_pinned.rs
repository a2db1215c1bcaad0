//! BD006 (opt-in): FROM without a digest.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::from_images;

pub static RULE: Rule = Rule {
    code: "BD006",
    name: "image-not-pinned-by-digest",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "A FROM image is not pinned by digest.",
    fix: "Append the digest: `FROM python:3.13-slim-trixie@sha256:<digest>`, and let Dependabot or Renovate update it.",
    docs: r#"## What it does
Flags `FROM` images without `@sha256:`. **Opt-in**: enable it with `enable: [BD006]` in
`.berth-audit.yml`.

## Why is this bad?
A tag is mutable: the same `FROM` can build on a different image tomorrow, or on a malicious
one if the publisher's account is compromised. Only a digest names exact bytes.

It is opt-in because a digest can only be known by asking a registry, which a generator (and
berth) does not do at generation time; berth writes digests when given (`--builder-digest`,
`--runtime-digest`) and leaves tags to the update bots otherwise. CIS 5.28 treats pinning as a
manual recommendation, and no Dockerfile linter among hadolint, checkov or KICS checks it.

## Example
```dockerfile
FROM python:3.13-slim-trixie
```

## Use instead
```dockerfile
FROM python:3.13-slim-trixie@sha256:0123...
```

## References
- CIS Docker Benchmark 5.28; OWASP Docker Security Cheat Sheet rule #13
- compose-lint CL-0019 (the compose equivalent)
"#,
    opt_in: true,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (from, image, text) in from_images(input.file) {
        if image.digest.is_none() {
            sink.at(from.line, from.col, format!("{} is not pinned by digest", quote(&text)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_tags_without_digest() {
        assert_eq!(lines(&RULE, "FROM python:3.13\nFROM python:3.13@sha256:aa AS b\nFROM b\n"), [1]);
    }
}
