//! BD026: apk add keeping its cache.

use super::support::{has_cache_mount, pm_subcommand, runs};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD026",
    name: "apk-cache-kept",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "`apk add` without `--no-cache` keeps the index and cache in the layer.",
    fix: "Use `apk add --no-cache ...`.",
    docs: r#"## What it does
Flags `apk add` without `--no-cache`, unless the same RUN removes `/var/cache/apk` or mounts it as a cache.

## Why is this bad?
The APK index and cached packages stay in the layer for nothing.

## Example
```dockerfile
RUN apk update && apk add curl
```

## Use instead
```dockerfile
RUN apk add --no-cache curl
```

## References
- hadolint DL3019; dockle DKL-DI-0004; KICS ae9c56a6
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in runs(input.file) {
        let commands: Vec<_> = scripts.iter().flat_map(|s| s.commands()).collect();
        let cleaned =
            commands.iter().any(|c| c.name() == "rm" && c.args().iter().any(|w| w.text.starts_with("/var/cache/apk")))
                || has_cache_mount(instruction, &["/var/cache/apk", "/etc/apk/cache"]);
        for command in &commands {
            if command.name() == "apk"
                && pm_subcommand(command) == Some("add")
                && !command.has_flag(None, &["no-cache"])
                && !cleaned
            {
                let (line, col) = instruction.position(command.start());
                sink.at(line, col, "`apk add` without --no-cache");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_apk_add_with_cache() {
        let text =
            "FROM a\nRUN apk add curl\nRUN apk add --no-cache curl\nRUN apk add curl && rm -rf /var/cache/apk/*\n";
        assert_eq!(lines(&RULE, text), [2]);
    }
}
