//! BD018: an SSH server in the image.

use super::support::for_each_command;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD018",
    name: "ssh-server",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "The image exposes port 22 or installs or runs an SSH server.",
    fix: "Remove sshd; use `docker exec` (or `kubectl exec`) for access.",
    docs: r#"## What it does
Flags `EXPOSE 22`, installing `openssh-server`/`dropbear` with apt-get, apk, yum or dnf, and running `sshd`.

## Why is this bad?
An SSH daemon is another network service with credentials and keys to manage, and it bypasses the container runtime's access control and audit.

## Example
```dockerfile
RUN apt-get install -y openssh-server
EXPOSE 22
```

## Use instead
```dockerfile
# no SSH: docker exec -it <container> sh
```

## Compared with other linters
hadolint DL3001 (`info`) also flags commands that make no sense in a container (`top`, `ps`,
`vim`, `shutdown`, `service`, `mount`...); berth's rule is about an SSH server only: the others
are clutter, not an exposure.

## References
- CIS Docker Benchmark 5.7; checkov CKV_DOCKER_1; hadolint DL3001
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        if instruction.keyword == "EXPOSE"
            && instruction.args().split_whitespace().any(|p| p.split('/').next() == Some("22"))
        {
            sink.at(instruction.line, instruction.col, "EXPOSE 22 publishes SSH");
        }
    }
    for_each_command(input.file, |_, command, (line, col)| {
        let installs = matches!(command.name(), "apt-get" | "apt" | "apk" | "yum" | "dnf" | "microdnf" | "zypper")
            && command.args().iter().any(|w| {
                matches!(w.text.split(['=', '>', '<']).next(), Some("openssh-server" | "dropbear" | "openssh"))
            });
        if installs || command.name() == "sshd" {
            sink.at(line, col, "an SSH server is installed or started");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_ssh_servers() {
        assert_eq!(lines(&RULE, "FROM a\nEXPOSE 8080 22/tcp\nRUN apt-get install -y openssh-server\nRUN apt-get install -y openssh-client\nCMD [\"x\"]\n"), [2, 3]);
    }
}
