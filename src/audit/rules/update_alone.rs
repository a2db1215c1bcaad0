//! BD022: package index update without an install in the same RUN.

use super::support::{apt_subcommand, pm_subcommand, runs};
use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD022",
    name: "update-alone",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "A RUN updates the package index without installing in the same RUN.",
    fix: "Update and install in one RUN: `apt-get update && apt-get install -y ... && rm -rf /var/lib/apt/lists/*`.",
    docs: r#"## What it does
Flags a RUN that runs `apt-get update`, `apk update`, `yum`/`dnf makecache` with no install in the same RUN. Commands are words: `update-ca-trust` or `update-alternatives` are not updates (KICS #1915 flagged them).

## Why is this bad?
The layer with the updated index is cached; a later change to the install line reuses the stale index and installs old (or missing) versions.

## Example
```dockerfile
RUN apt-get update
RUN apt-get install -y --no-install-recommends libpq5
```

## Use instead
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.7; checkov CKV_DOCKER_5; dockle CIS-DI-0007; KICS 9bae49be
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in runs(input.file) {
        let commands: Vec<_> = scripts.iter().flat_map(|s| s.commands()).collect();
        fn sub(c: &crate::audit::shell::Command) -> &str {
            apt_subcommand(c).or_else(|| pm_subcommand(c)).unwrap_or("")
        }
        let update = commands.iter().find(|c| {
            matches!(sub(c), "update" | "makecache" | "refresh")
                && (c.name() != "yum" && c.name() != "dnf" || sub(c) == "makecache")
        });
        let installs = commands
            .iter()
            .any(|c| matches!(sub(c), "install" | "add" | "upgrade" | "dist-upgrade" | "full-upgrade" | "in"));
        if let (Some(update), false) = (update, installs) {
            let (line, col) = instruction.position(update.start());
            sink.at(
                line,
                col,
                format!(
                    "{} alone: the next RUN may install from a stale cached index",
                    quote(&format!("{} update", update.name()))
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_updates_without_install() {
        let text = "FROM a\nRUN apt-get update\nRUN apt-get update && apt-get install -y x\nRUN update-ca-trust\nRUN apk update\nRUN apk update && apk add x\n";
        assert_eq!(lines(&RULE, text), [2, 5]);
    }
}
