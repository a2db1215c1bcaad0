//! BD001: the final stage never sets USER, so the container runs as the base image's user (root
//! for almost every official image).

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::root_until_entrypoint::privilege_drop;
use super::support::{final_lineage, final_user};

pub static RULE: Rule = Rule {
    code: "BD001",
    name: "missing-user",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "The final stage has no USER instruction, so the container runs as root (implicitly).",
    fix: "Create a user and add `USER <uid>:<gid>` (numeric, non-root) to the final stage.",
    docs: r#"## What it does
Checks that the final stage (or a stage it builds on) sets `USER`. Only the final stage is
judged: builder stages may run as root, they are not what runs.

## Why is this bad?
Without `USER`, a container runs as the image's default user, which is root for nearly every
official image. A vulnerability in the application then gives root inside the container and a
shorter path to the host. hadolint (DL3002) and checkov (CKV_DOCKER_8) only catch an explicit
`USER root`; this rule catches the implicit case (hadolint #328, #650).

A final stage `FROM scratch` with no `ENTRYPOINT` or `CMD` only carries files (an export stage
for `docker build --output`) and is not judged; one that runs a program (`ENTRYPOINT
["/app"]`) runs it as uid 0 unless it sets `USER`, and is flagged. An image whose entrypoint
visibly drops to another user (`gosu`, `su-exec`, `setpriv`...) is reported by BD043 instead,
at a lower severity.

Base images documented to run as a non-root user are accepted: tags with `nonroot` (distroless),
Chainguard images (`cgr.dev/chainguard/*`, except `-dev` tags), `bitnami/*`, `*-unprivileged`,
the Jupyter Docker Stacks (`jupyter/*`, `quay.io/jupyter/*`: user `jovyan`), Elastic's
`docker.elastic.co/{elasticsearch,logstash,kibana,beats,elastic-agent}/*` (uid 1000), Apache
Airflow (`apache/airflow`: user `airflow`), Grafana (`grafana/grafana*`: uid 472), Ray
(`rayproject/ray*`: user `ray`), Gitpod workspaces (`gitpod/workspace-*`: user `gitpod`) and
Windows Nano Server images (`ContainerUser`). Any other such base needs an inline waiver with the reason
(`# berth: ignore=BD001 the base image runs as uid 65532`).

## Example
```dockerfile
FROM python:3.13-slim
COPY app.py .
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.13-slim
RUN useradd --system --uid 10001 app
COPY app.py .
USER 10001:10001
CMD ["python", "app.py"]
```

## References
- CIS Docker Benchmark 4.1; OWASP Docker Security Cheat Sheet rule #2
- KICS fd54f200 Missing User Instruction; dockle CIS-DI-0001; checkov CKV_DOCKER_3
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// Base images documented to run as a non-root user by default.
fn runs_as_non_root(image: &str) -> bool {
    let image = crate::audit::dockerfile::ImageRef::parse(image);
    let tag = image.tag.as_deref().unwrap_or("");
    let repository = image.repository();
    tag.split(['-', '_', '.']).any(|part| part == "nonroot" || part == "rootless")
        || image.name.starts_with("cgr.dev/chainguard/") && !tag.contains("dev")
        || repository.starts_with("bitnami/")
        || repository.ends_with("-unprivileged")
        || repository.starts_with("jupyter/")
        || repository == "apache/airflow"
        || ["grafana/grafana", "rayproject/ray", "gitpod/workspace-"].iter().any(|r| repository.starts_with(r))
        || ["elasticsearch/", "logstash/", "kibana/", "beats/", "elastic-agent/"]
            .iter()
            .any(|r| repository.starts_with(r) && image.name.starts_with("docker.elastic.co/"))
        || (image.is_windows() && (repository.contains("nanoserver") || tag.contains("nanoserver")))
}

/// A final stage that only carries files (`FROM scratch`, no ENTRYPOINT or CMD): an export
/// stage for `docker build --output`, which never runs.
pub fn export_only(file: &crate::audit::dockerfile::Dockerfile) -> bool {
    let lineage = final_lineage(file);
    lineage.first().is_some_and(|(s, _)| s.image.as_deref().is_some_and(|i| i.eq_ignore_ascii_case("scratch")))
        && !lineage.iter().flat_map(|(_, body)| body.iter()).any(|i| matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT"))
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    let Some(stage) = file.final_stage() else { return };
    if final_user(file).is_some() || export_only(file) {
        return;
    }
    let lineage = final_lineage(file);
    let nonroot_base = lineage.first().and_then(|(s, _)| s.image.as_deref()).is_some_and(runs_as_non_root);
    if nonroot_base || privilege_drop(input).is_some() {
        return;
    }
    let from = &file.instructions[stage.from];
    sink.at(from.line, from.col, "the final stage never sets USER, so the container runs as the base image's user (root unless the image says otherwise)");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_a_final_stage_without_user() {
        assert_eq!(lines(&RULE, "FROM python:3.13-slim\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n"), [1]);
        assert_eq!(
            lines(&RULE, "FROM a AS build\nUSER 1000\nFROM b\nCMD [\"x\"]\n"),
            [3],
            "a builder's USER does not count"
        );
    }

    #[test]
    fn accepts_user_inherited_or_nonroot_bases() {
        assert!(lines(&RULE, "FROM a\nUSER 10001:10001\n").is_empty());
        assert!(lines(&RULE, "FROM a AS base\nUSER 1000\nFROM base\nCMD [\"x\"]\n").is_empty());
        assert!(lines(&RULE, "FROM gcr.io/distroless/python3-debian13:nonroot\nCMD [\"x\"]\n").is_empty());
        assert!(lines(&RULE, "FROM scratch\nCOPY app /app\n").is_empty(), "an export stage never runs");
        assert_eq!(lines(&RULE, "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n"), [1], "uid 0 without USER");
        assert!(lines(&RULE, "FROM debian:13\nENTRYPOINT [\"gosu\", \"app\", \"x\"]\n").is_empty(), "BD043's case");
        for base in [
            "cgr.dev/chainguard/python:latest",
            "bitnami/postgresql:17",
            "nginxinc/nginx-unprivileged:1.27",
            "quay.io/jupyter/scipy-notebook:2025-01-01",
            "docker.elastic.co/logstash/logstash:9.5.1",
            "mcr.microsoft.com/windows/nanoserver:ltsc2022",
            "apache/airflow:3.0.4",
            "docker.elastic.co/beats/filebeat:9.1.0",
            "docker.elastic.co/elastic-agent/elastic-agent:9.1.0",
            "grafana/grafana:11.2.0",
            "grafana/grafana-oss:11.2.0",
            "rayproject/ray:2.46.0-py311",
            "gitpod/workspace-base:2024-09-11",
        ] {
            assert!(lines(&RULE, &format!("FROM {base}\nCMD [\"x\"]\n")).is_empty(), "{base}");
        }
        assert_eq!(lines(&RULE, "FROM cgr.dev/chainguard/python:latest-dev\n"), [1]);
    }
}
