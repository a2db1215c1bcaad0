//! BD044: sudo or doas in the image, or sudo rights granted.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell::Command;
use crate::report::Severity;

use super::packages::{install, package_name};
use super::support::copy_paths;

pub static RULE: Rule = Rule {
    code: "BD044",
    name: "sudo-installed",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "The image installs sudo or doas, or grants sudo rights (sudoers files, the sudo or wheel group).",
    fix: "Leave sudo out of the image: do root steps at build time before `USER`, and use `docker exec -u 0` to debug.",
    docs: r#"## What it does
In the shipped image (the final stage, the stages it is built `FROM`, `ONBUILD` instructions),
flags:
- installing `sudo`, `sudo-rs`, `doas` or `opendoas` with apt-get, apk, yum/dnf or zypper;
- writing the sudo or doas configuration: a redirection or `tee` into `/etc/sudoers`,
  `/etc/sudoers.d/*` or `/etc/doas.conf`, `sed -i` on them, or a `COPY`/`ADD` to them;
- adding a user to the `sudo`, `wheel` or `admin` group (`usermod -aG sudo`, `adduser app sudo`,
  `gpasswd -a app wheel`, `useradd -G wheel`).

## Why is this bad?
`USER app` is only a boundary if `app` cannot become root again. With sudo in the image (and
often `NOPASSWD: ALL` for convenience), any code running as that user, an exploited application
included, is root in one command. Images run unattended: nobody needs to type a password.

## Example
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends sudo \
 && echo 'app ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/app && rm -rf /var/lib/apt/lists/*
USER app
```

## Use instead
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
USER app
```

## Compared with other linters
hadolint DL3004 and BD016 flag `sudo` used as a command in a RUN; neither hadolint nor checkov
notices sudo installed for the running user. Installing a package named `sudo` in a builder
stage is not flagged: it does not ship.

## References
- CIS Docker Benchmark 4.1 (run as a non-root user); OWASP Docker Security Cheat Sheet rule #2
- dockle DKL-DI-0001 (sudo in the image's history)
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

const TOOLS: &[&str] = &["sudo", "sudo-rs", "doas", "opendoas"];
const CONFIG: &[&str] = &["/etc/sudoers", "/etc/doas.conf", "/etc/doas.d"];
const GROUPS: &[&str] = &["sudo", "wheel", "admin"];

fn is_config(path: &str) -> bool {
    CONFIG.iter().any(|c| path == *c || path.strip_prefix(c).is_some_and(|rest| rest.starts_with(['/', '.'])))
}

/// What a command does to grant root through sudo or doas.
fn grants(command: &Command) -> Option<String> {
    if let Some(install) = install(command) {
        let tools: Vec<String> =
            install.packages.iter().map(|p| package_name(&p.text)).filter(|p| TOOLS.contains(p)).map(quote).collect();
        if !tools.is_empty() {
            return Some(format!("installs {}", tools.join(", ")));
        }
    }
    let writes = command.redirects.iter().filter(|r| r.op.starts_with('>')).map(|r| r.target.text.as_str());
    let args: Vec<&str> = command.args().iter().map(|w| w.text.as_str()).collect();
    let edited: Vec<&str> = match command.name() {
        "tee" | "cp" | "install" | "mv" | "ln" => args.iter().copied().filter(|a| !a.starts_with('-')).collect(),
        "sed" if args.iter().any(|a| a.starts_with("-i") || *a == "--in-place") => args.clone(),
        _ => Vec::new(),
    };
    if let Some(path) = writes.chain(edited).find(|p| is_config(p)) {
        return Some(format!("writes {}", quote(path)));
    }
    let group = match command.name() {
        "usermod" | "useradd" => args
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(**a, "-G" | "-aG" | "-Ga" | "--groups") || a.starts_with("--groups="))
            .filter_map(|(i, a)| a.strip_prefix("--groups=").or_else(|| args.get(i + 1).copied()))
            .flat_map(|list| list.split(','))
            .find(|g| GROUPS.contains(g)),
        "gpasswd" => args.contains(&"-a").then(|| args.iter().copied().find(|g| GROUPS.contains(g))).flatten(),
        // `adduser app sudo`, `addgroup app wheel` (user, then group).
        "adduser" | "addgroup" => {
            let operands: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
            (operands.len() == 2).then(|| operands[1]).filter(|g| GROUPS.contains(g))
        }
        _ => None,
    };
    group.map(|g| format!("adds a user to the {} group", quote(g)))
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.shipped() {
        if matches!(instruction.keyword.as_str(), "COPY" | "ADD") {
            if let Some((sources, destination)) = copy_paths(instruction) {
                let target = destination.trim_end_matches('/');
                let into_config = is_config(target)
                    || sources
                        .iter()
                        .any(|(s, _)| is_config(&format!("{target}/{}", s.rsplit('/').next().unwrap_or(s))));
                if into_config {
                    sink.at(
                        instruction.line,
                        instruction.col,
                        format!("{} writes sudo or doas rules to {}", instruction.keyword, quote(&destination)),
                    );
                }
            }
            continue;
        }
        for script in instruction.scripts() {
            for command in script.commands() {
                if let Some(what) = grants(command) {
                    let (line, col) = instruction.position(command.start());
                    sink.at(
                        line,
                        col,
                        format!("{} {what}: a way back to root for the user the image runs as", quote(command.name())),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_sudo_and_sudo_rights() {
        let text = "FROM debian:13\nRUN apt-get update && apt-get install -y --no-install-recommends sudo curl\nRUN echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers\nRUN echo 'x' | tee /etc/sudoers.d/app\nCOPY app.sudoers /etc/sudoers.d/app\nRUN usermod -aG sudo app\nRUN apk add --no-cache doas\nRUN adduser app wheel\nRUN sed -i 's/^# %wheel/%wheel/' /etc/sudoers\n";
        assert_eq!(lines(&RULE, text), [2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn leaves_lookalikes_and_builders_alone() {
        let text = "FROM debian:13 AS build\nRUN apt-get install -y sudo\nFROM debian:13\nRUN apt-get install -y sudoku\nRUN cat /etc/sudoers\nRUN useradd -G users app\nRUN adduser --system app\n";
        assert!(lines(&RULE, text).is_empty());
    }
}
