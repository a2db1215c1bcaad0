//! BD041: an image from a registry outside the configured allow-list.

use crate::audit::dockerfile::{quote, Dockerfile, ImageRef};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::from_images;

pub static RULE: Rule = Rule {
    code: "BD041",
    name: "untrusted-registry",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "An image comes from a registry that is not in `trusted_registries`.",
    fix: "Use an image from an allowed registry, or add the registry to `trusted_registries` in .berth-audit.yml.",
    docs: r#"## What it does
When `.berth-audit.yml` lists `trusted_registries`, flags images from any other registry in
`FROM`, `COPY --from=<image>` and `RUN --mount=...,from=<image>` (bind and cache mounts can read
another image). A `--from` that names an earlier stage (or its index) is not an image. An image
without a registry host is `docker.io`. Entries may be a host (`ghcr.io`), a host and path
prefix (`ghcr.io/acme`), start with `*.` (`*.gcr.io`), or be `*` (any registry). Without
`trusted_registries` the rule checks nothing.

## Why is this bad?
Base images run with your code and your secrets. An allow-list keeps them to registries whose
publishers and access controls you have reviewed.

## Example
```dockerfile
FROM quay.io/someone/python:3.13
```

## Use instead
```dockerfile
FROM ghcr.io/acme/python:3.13-slim
```

## References
- CIS Docker Benchmark 4.2; OWASP Docker Security Cheat Sheet rule #13
- hadolint DL3026
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn registry_and_path(image: &ImageRef) -> String {
    let first = image.name.split('/').next().unwrap_or("");
    if image.name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost") {
        image.name.clone()
    } else {
        format!("docker.io/{}", image.name)
    }
}

pub fn trusted(image: &ImageRef, allowed: &[String]) -> bool {
    let full = registry_and_path(image);
    let host = full.split('/').next().unwrap_or("");
    allowed.iter().any(|a| match a.strip_prefix("*.") {
        _ if a == "*" => true,
        Some(suffix) => host.ends_with(&format!(".{suffix}")),
        None => full == *a || full.starts_with(&format!("{}/", a.trim_end_matches('/'))),
    })
}

/// A `--from` value that names an image rather than a stage (by name or index).
fn names_image(file: &Dockerfile, source: &str) -> bool {
    !source.is_empty()
        && !file.is_stage_name(source)
        && !source.chars().all(|c| c.is_ascii_digit())
        && !source.contains('$')
        && !source.eq_ignore_ascii_case("scratch")
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let allowed = &input.settings.trusted_registries;
    if allowed.is_empty() {
        return;
    }
    let file = input.file;
    for (from, image, text) in from_images(file) {
        if !trusted(&image, allowed) {
            sink.at(from.line, from.col, format!("{} is not from a trusted registry", quote(&text)));
        }
    }
    for (instruction, _) in file.all() {
        let mut sources: Vec<(&str, &str)> = Vec::new();
        if let Some(source) =
            instruction.flag("from").filter(|_| matches!(instruction.keyword.as_str(), "COPY" | "ADD"))
        {
            sources.push((source, "--from"));
        }
        if instruction.keyword == "RUN" {
            for mount in instruction.flag_values("mount") {
                if let Some(source) = mount.split(',').find_map(|kv| kv.strip_prefix("from=")) {
                    sources.push((source, "--mount from"));
                }
            }
        }
        for (source, how) in sources {
            if names_image(file, source) && !trusted(&ImageRef::parse(source), allowed) {
                sink.at(
                    instruction.line,
                    instruction.col,
                    format!("{} {how}={} is not from a trusted registry", instruction.keyword, quote(source)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rule::Settings;
    use crate::audit::testing::findings_with;

    #[test]
    fn checks_only_with_an_allow_list() {
        let text = "FROM python:3.13\nFROM ghcr.io/acme/base:1 AS b\nFROM quay.io/x/y:1\nCOPY --from=ghcr.io/astral-sh/uv:0.9 /uv /bin/\n";
        let settings = Settings { trusted_registries: vec!["docker.io".into(), "ghcr.io/acme".into()] };
        let lines: Vec<u32> = findings_with(&RULE, text, None, &settings).iter().map(|f| f.line).collect();
        assert_eq!(lines, [3, 4]);
        assert!(findings_with(&RULE, text, None, &Settings::default()).is_empty());
    }

    #[test]
    fn mounts_and_copies_from_images() {
        let text = "FROM trusted.com/base:1 AS b\nCOPY --from=untrusted.com/repo/image:tag /foo /bar\nCOPY --from=b /x /y\nCOPY --from=0 /x /y\nRUN --mount=type=bind,from=untrusted.com/repo/image:tag,target=/foo foobar\nRUN --mount=type=cache,from=trusted.com/repo/image:tag,target=/foo foobar\nCOPY --from=nginx /x /y\nRUN --mount=type=bind,from=b,target=/x x\n";
        let settings = Settings { trusted_registries: vec!["trusted.com".into()] };
        let lines: Vec<u32> = findings_with(&RULE, text, None, &settings).iter().map(|f| f.line).collect();
        assert_eq!(lines, [2, 5, 7]);
        let any = Settings { trusted_registries: vec!["*".into()] };
        assert!(findings_with(&RULE, text, None, &any).is_empty());
    }
}
