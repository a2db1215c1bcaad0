//! BC002: the container runtime socket mounted.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC002",
    name: "docker-socket-mounted",
    kind: FileKind::Compose,
    severity: Severity::Critical,
    summary: "A service mounts the Docker (or containerd, CRI-O, Podman) socket, or the directory holding it.",
    fix:
        "Remove the mount; if a tool needs the API, put docker-socket-proxy in front with only the endpoints it needs.",
    docs: r#"## What it does
Flags bind mounts of `docker.sock`, `containerd.sock`, `crio.sock`, `podman.sock`, and of `/`, `/run`, `/var/run` that contain them, whatever the mode: `:ro` does not make the API read-only.

## Why is this bad?
The socket is the Docker API: whoever can write to it starts a privileged container with the host's root filesystem mounted.

## Example
```yaml
services:
  watchtower:
    image: containrrr/watchtower:1.7.1
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
```

## Use instead
```yaml
services:
  watchtower:
    image: containrrr/watchtower:1.7.1
    environment:
      DOCKER_HOST: tcp://docker-proxy:2375
```

## References
- CIS Docker Benchmark 5.32; OWASP Docker Security Cheat Sheet rule #1
- compose-lint CL-0001; KICS d6355c88
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for mount in svc.mounts() {
            let Some(source) = mount.source.as_deref().filter(|_| mount.kind == "bind") else { continue };
            let path = source.trim_end_matches('/');
            let socket = ["docker.sock", "containerd.sock", "crio.sock", "podman.sock", "dockershim.sock"]
                .iter()
                .any(|s| path.ends_with(s));
            if socket || matches!(path, "" | "/run" | "/var/run" | "/run/containerd" | "/var/run/docker") {
                sink.scoped(
                    mount.node.line,
                    mount.node.col,
                    svc.name,
                    format!("`{source}` gives the container the container runtime's API"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_sockets_in_any_syntax_and_mode() {
        let text = "services:\n  a:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - type: bind\n        source: /run/containerd/containerd.sock\n        target: /c.sock\n      - data:/data\n      - /:/host\n";
        assert_eq!(lines(&RULE, text), [4, 5, 9]);
    }
}
