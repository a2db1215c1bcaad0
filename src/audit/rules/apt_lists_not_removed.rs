//! BD021: apt lists left in the layer.

use super::support::{apt_subcommand, has_cache_mount, runs};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD021",
    name: "apt-lists-not-removed",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "A RUN installs with apt-get but leaves /var/lib/apt/lists in the layer.",
    fix: "End the same RUN with `&& rm -rf /var/lib/apt/lists/*` (or use a cache mount for /var/lib/apt).",
    docs: r#"## What it does
Flags a RUN that runs `apt-get update` or `apt-get install` without removing `/var/lib/apt/lists` in the same RUN (`rm -rf /var/lib/apt/lists/*`, `apt-get dist-clean`), unless the lists are on a `--mount=type=cache` or tmpfs.

## Why is this bad?
The package lists (tens of MB) stay in the layer; they also date the image and tempt later `apt-get install` without `update`.

## Example
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends libpq5
```

## Use instead
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
```

## References
- hadolint DL3009; dockle DKL-DI-0005; KICS df746b39 (KICS #3717 also demanded `apt-get clean`, which Debian images already do)
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in runs(input.file) {
        let commands: Vec<_> = scripts.iter().flat_map(|s| s.commands()).collect();
        let Some(install) = commands.iter().find(|c| matches!(apt_subcommand(c), Some("install" | "update"))) else {
            continue;
        };
        let cleaned = commands.iter().any(|c| {
            (c.name() == "rm" && c.args().iter().any(|w| w.text.starts_with("/var/lib/apt/lists")))
                || apt_subcommand(c) == Some("dist-clean")
        });
        if !cleaned && !has_cache_mount(instruction, &["/var/lib/apt/lists", "/var/lib/apt"]) {
            let (line, col) = instruction.position(install.start());
            sink.at(line, col, "apt lists are left in the layer: add `rm -rf /var/lib/apt/lists/*` to this RUN");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_installs_without_cleanup() {
        let text = "FROM a\nRUN apt-get update && apt-get install -y x\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\nRUN --mount=type=cache,target=/var/lib/apt apt-get install -y x\nRUN apt-get install -y x && apt-get dist-clean\n";
        assert_eq!(lines(&RULE, text), [2]);
    }
}
