//! BD030: no HEALTHCHECK in the final stage.

use super::support::final_lineage;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD030",
    name: "missing-healthcheck",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "The final stage has no HEALTHCHECK.",
    fix: "Add an exec-form probe of the real service (`HEALTHCHECK CMD [\"/venv/bin/python\", \"-c\", \"...\"]`), or `HEALTHCHECK NONE` with a comment saying why.",
    docs: r#"## What it does
Flags a final stage with no `HEALTHCHECK`, counting one inherited from a stage it builds on. `HEALTHCHECK NONE` is an explicit, accepted opt-out. A final stage `FROM scratch` with no `ENTRYPOINT` or `CMD` only carries files (an export stage) and is not judged.

## Why is this bad?
Without a health check, a hung process looks healthy: restart policies, `depends_on: service_healthy` and orchestrators cannot react. Low severity: anchors disagree (hadolint DL3057 is off by default), and a compose `healthcheck:` can supply it instead.

## Example
```dockerfile
FROM python:3.13-slim
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.13-slim
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
CMD ["python", "app.py"]
```

## Compared with other linters
hadolint DL3057 is off by default; it also warns on a final stage `FROM scratch` with no
ENTRYPOINT or CMD, which berth treats as an export stage.

## References
- CIS Docker Benchmark 4.6; hadolint DL3057; checkov CKV_DOCKER_2; dockle CIS-DI-0006; KICS b03a748a
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    let Some(stage) = file.final_stage() else { return };
    if super::missing_user::export_only(file) {
        return;
    }
    if final_lineage(file).iter().flat_map(|(_, body)| body.iter()).any(|i| i.keyword == "HEALTHCHECK") {
        return;
    }
    let from = &file.instructions[stage.from];
    sink.at(from.line, from.col, "the final stage has no HEALTHCHECK (write `HEALTHCHECK NONE` to opt out on purpose)");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_final_stage_without_healthcheck() {
        assert_eq!(lines(&RULE, "FROM a AS b\nHEALTHCHECK CMD [\"x\"]\nFROM c\n"), [3]);
        assert!(lines(&RULE, "FROM a\nHEALTHCHECK NONE\n").is_empty());
        assert!(lines(&RULE, "FROM a AS b\nHEALTHCHECK CMD [\"x\"]\nFROM b\n").is_empty());
        assert!(lines(&RULE, "FROM a AS b\nFROM scratch\nCOPY --from=b /out /\n").is_empty(), "an export stage");
    }
}
