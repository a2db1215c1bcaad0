//! BD026: apk add keeping its cache.

use super::support::{has_cache_mount, pm_subcommand, shipped_runs};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD026",
    name: "apk-cache-kept",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "`apk add` without `--no-cache` (or `apk update`) keeps the index and cache in the layer.",
    fix: "Use `apk add --no-cache ...` (it needs no `apk update`).",
    docs: r#"## What it does
Flags `apk add` without `--no-cache` (or `--no-network`, which downloads nothing), and `apk
update`, unless the same RUN removes `/var/cache/apk` after them or mounts it (or
`/etc/apk/cache`) as a cache or tmpfs. Only what reaches the shipped image is judged: the final
stage, the stages it is built `FROM`, and `ONBUILD` instructions.

## Why is this bad?
The APK index (a few MB) and cached packages stay in the layer for nothing.

## Example
```dockerfile
RUN apk update && apk add curl
```

## Use instead
```dockerfile
RUN apk add --no-cache curl
```

## Compared with other linters
hadolint DL3019 (`info`) judges every stage and does not look at `apk update`; berth judges
what ships, and reports the index that `apk update` leaves in `/var/cache/apk`.

## References
- hadolint DL3019; dockle DKL-DI-0004; KICS ae9c56a6
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

const CACHE: &[&str] = &["/var/cache/apk", "/etc/apk/cache"];

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in shipped_runs(input.file) {
        if has_cache_mount(instruction, CACHE) {
            continue;
        }
        let commands: Vec<_> = scripts.iter().flat_map(|s| s.commands()).collect();
        // The last command that empties the cache: anything before it is cleaned.
        let last_clean = commands.iter().rposition(|c| {
            (c.name() == "rm" && c.args().iter().any(|w| CACHE.iter().any(|p| w.text.starts_with(p))))
                || (c.name() == "apk"
                    && pm_subcommand(c) == Some("cache")
                    && c.args().iter().any(|w| w.text == "clean"))
        });
        for (at, command) in commands.iter().enumerate() {
            if command.name() != "apk" {
                continue;
            }
            let sub = pm_subcommand(command);
            let keeps = match sub {
                Some("add") => !command.has_flag(None, &["no-cache", "no-network"]),
                Some("update") => !command.has_flag(None, &["no-cache"]),
                _ => false,
            };
            let cleaned = last_clean.is_some_and(|clean| clean >= at);
            if keeps && !cleaned {
                let (line, col) = instruction.position(command.start());
                let what = if sub == Some("update") {
                    "`apk update` leaves the index"
                } else {
                    "`apk add` without --no-cache leaves the index"
                };
                sink.at(line, col, format!("{what} in /var/cache/apk"));
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

    #[test]
    fn order_network_mounts_and_stages() {
        assert_eq!(lines(&RULE, "FROM a\nRUN rm -rf /var/cache/apk/* && apk add curl\n"), [2], "cleanup before");
        assert_eq!(lines(&RULE, "FROM a\nRUN apk update && apk add --no-cache curl\n"), [2], "the index of update");
        assert!(lines(&RULE, "FROM a\nRUN apk add --no-network --virtual .rundeps $runDeps\n").is_empty());
        assert!(lines(&RULE, "FROM a\nRUN --mount=type=cache,target=/var/cache/apk apk add -U curl\n").is_empty());
        assert_eq!(lines(&RULE, "FROM a\nRUN --mount=type=cache,target=/var/cache/foo apk add -U curl\n"), [2]);
        assert!(lines(&RULE, "FROM a AS b\nRUN apk add gcc\nFROM c\nCOPY --from=b /x /x\n").is_empty());
    }
}
