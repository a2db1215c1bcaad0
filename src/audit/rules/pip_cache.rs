//! BD025: pip installs that keep their download cache in the layer.

use super::support::{has_cache_mount, pip_args, pip_subcommand};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD025",
    name: "pip-cache-kept",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "`pip install` keeps its cache in the layer.",
    fix: "Add `--no-cache-dir`, set `PIP_NO_CACHE_DIR=1`, or mount a cache: `RUN --mount=type=cache,target=/root/.cache/pip`.",
    docs: r#"## What it does
Flags `pip install` (also `pip3`, `python -m pip`) without `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set in the stage or `/root/.cache/pip` (or the RUN's `--cache-dir`) is a cache mount.

## Why is this bad?
The wheel cache duplicates every installed package in the layer: larger images, slower pulls, nothing gained.

## Example
```dockerfile
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```

## Compared with other linters
hadolint DL3042 is a `warning`; berth rates it low: a kept cache costs image size, not security. berth also accepts a BuildKit cache mount, which hadolint does not know.

## References
- hadolint DL3042; KICS f2f903fb
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    for stage in &file.stages {
        let mut no_cache_env = false;
        for instruction in file.stage_instructions(stage) {
            if instruction.keyword == "ENV" || instruction.keyword == "ARG" {
                no_cache_env |= instruction.key_values().iter().any(|kv| {
                    kv.key == "PIP_NO_CACHE_DIR"
                        && kv.value.as_deref().is_some_and(|v| !matches!(v, "0" | "false" | ""))
                });
            }
            if instruction.keyword != "RUN" || no_cache_env {
                continue;
            }
            let cached = has_cache_mount(instruction, &["/root/.cache/pip", "/root/.cache"]);
            for script in instruction.scripts() {
                for command in script.commands() {
                    let Some(args) = pip_args(command) else { continue };
                    if pip_subcommand(&args).map(|(_, s)| s) != Some("install") {
                        continue;
                    }
                    let no_cache = args.iter().any(|a| *a == "--no-cache-dir" || a.starts_with("--no-cache-dir="));
                    let env_off = command.assignments.iter().any(|a| a.text.starts_with("PIP_NO_CACHE_DIR="));
                    let cache_dir_mounted =
                        args.windows(2).any(|w| w[0] == "--cache-dir" && has_cache_mount(instruction, &[w[1]]));
                    if !(no_cache || env_off || cached || cache_dir_mounted) {
                        let (line, col) = instruction.position(command.start());
                        sink.at(line, col, "`pip install` keeps its download cache in the layer");
                    }
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
    fn flags_cached_installs() {
        let text = "FROM a\nRUN pip install -r r.txt\nRUN pip install --no-cache-dir -r r.txt\nRUN --mount=type=cache,target=/root/.cache/pip python -m pip --python /v/bin/python install -r r.txt\nRUN python3 -m pip install x==1\nRUN pip freeze\n";
        assert_eq!(lines(&RULE, text), [2, 5]);
        assert!(lines(&RULE, "FROM a\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n").is_empty());
    }
}
