//! BD025: pip installs that keep their download cache in the layer.

use super::support::{has_cache_mount, has_cache_mount_where, pip_args, pip_subcommand};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell::Command;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD025",
    name: "pip-cache-kept",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "`pip install` keeps its cache in the layer.",
    fix: "Add `--no-cache-dir`, set `PIP_NO_CACHE_DIR=1`, or mount a cache: `RUN --mount=type=cache,target=/root/.cache/pip`.",
    docs: r#"## What it does
Flags `pip install` (also `pip3`, `python -m pip`, and `ONBUILD RUN pip install`) that writes
its download cache into the layer. The cache is off when any of these holds:
- `--no-cache-dir` (or an abbreviation pip accepts, such as `--no-cache`);
- `PIP_NO_CACHE_DIR` is set to a non-empty value: by `ENV` or `ARG` in the stage or in a stage
  it is built `FROM`, by `export PIP_NO_CACHE_DIR=...` earlier in the RUN, or as a prefix
  (`PIP_NO_CACHE_DIR=1 pip install ...`, `env PIP_NO_CACHE_DIR=1 pip ...`);
- the cache directory (`~/.cache/pip`, `~/.cache`, or the `--cache-dir`) is a
  `--mount=type=cache` or tmpfs.

**Any value pip accepts turns the cache off, `0` and `false` included.** pip reads
`PIP_NO_CACHE_DIR` in `_handle_no_cache_dir` (src/pip/_internal/cli/cmdoptions.py): the value
must be a boolean word (`1/0`, `true/false`, `yes/no`, `on/off`, `y/n`, `t/f`, any case; anything
else is an error and the install fails) and then, "for backwards compatibility reasons", the
cache is disabled "not just on values that parse to True, but also on values that parse to
False". An empty value is dropped with the other empty settings
(`ConfigOptionParser._get_ordered_configuration_items`) and leaves the cache on.

Only what reaches the shipped image is judged: the final stage, the stages it is built `FROM`,
and `ONBUILD` instructions (a builder's cache does not ship).

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
hadolint DL3042 is a `warning`; berth rates it low: a kept cache costs image size, not security.
hadolint treats `PIP_NO_CACHE_DIR=0`, `false`, `off` or `no` as keeping the cache; pip disables
the cache for those values too (see above), so berth does not report them. hadolint judges
builder stages too; berth only what ships.

## References
- hadolint DL3042; KICS f2f903fb
- pip: `src/pip/_internal/cli/cmdoptions.py` (`_handle_no_cache_dir`), `src/pip/_internal/cli/parser.py`
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

const VARIABLE: &str = "PIP_NO_CACHE_DIR";

/// Whether a value of `PIP_NO_CACHE_DIR` turns pip's cache off: any non-empty value does (see
/// the docs above; an invalid word makes pip fail instead, which keeps no cache either).
fn turns_cache_off(value: &str) -> bool {
    !value.trim().is_empty()
}

/// `--no-cache-dir` or an abbreviation of it (optparse accepts unique prefixes; no other pip
/// option starts with `--no-cache`).
fn no_cache_flag(arg: &str) -> bool {
    arg.len() >= "--no-cache".len() && "--no-cache-dir".starts_with(arg)
}

/// `NAME=value` words that set the variable for a command: its prefix assignments and those of
/// an `env` wrapper.
fn sets_variable(command: &Command) -> bool {
    let prefix = command.words.iter().take_while(|w| w.text.contains('=') || w.base() == "env");
    command
        .assignments
        .iter()
        .chain(prefix)
        .any(|w| w.text.split_once('=').is_some_and(|(name, value)| name == VARIABLE && turns_cache_off(value)))
}

fn exports_variable(command: &Command) -> bool {
    matches!(command.name(), "export" | "declare" | "typeset")
        && command
            .args()
            .iter()
            .any(|w| w.text.split_once('=').is_some_and(|(name, value)| name == VARIABLE && turns_cache_off(value)))
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    // Whether the variable is set at the end of each stage, inherited by stages built on it.
    let mut set_at_end: Vec<bool> = Vec::with_capacity(file.stages.len());
    for stage in &file.stages {
        let mut env_off = stage.base_stage.and_then(|b| set_at_end.get(b).copied()).unwrap_or(false);
        for outer in file.stage_instructions(stage) {
            let instruction = outer.onbuild.as_deref().unwrap_or(outer);
            if matches!(instruction.keyword.as_str(), "ENV" | "ARG") && outer.onbuild.is_none() {
                for kv in instruction.key_values() {
                    if kv.key == VARIABLE {
                        if let Some(value) = kv.value.as_deref() {
                            env_off = turns_cache_off(value);
                        }
                    }
                }
            }
            if instruction.keyword != "RUN" || env_off || !(stage.ships || outer.onbuild.is_some()) {
                continue;
            }
            let mounted = has_cache_mount_where(instruction, |t| t.ends_with("/.cache/pip") || t.ends_with("/.cache"));
            if mounted {
                continue;
            }
            for script in instruction.scripts() {
                let mut exported = false;
                for command in script.commands() {
                    exported |= exports_variable(command);
                    let Some(args) = pip_args(command) else { continue };
                    if pip_subcommand(&args).map(|(_, s)| s) != Some("install") {
                        continue;
                    }
                    let cache_dir_mounted =
                        args.windows(2).any(|w| w[0] == "--cache-dir" && has_cache_mount(instruction, &[w[1]]))
                            || args.iter().any(|a| {
                                a.strip_prefix("--cache-dir=").is_some_and(|d| has_cache_mount(instruction, &[d]))
                            });
                    let off = exported || sets_variable(command) || args.iter().any(|a| no_cache_flag(a));
                    if !(off || cache_dir_mounted) {
                        let (line, col) = instruction.position(command.start());
                        sink.at(line, col, "`pip install` keeps its download cache in the layer");
                    }
                }
            }
        }
        set_at_end.push(env_off);
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

    #[test]
    fn every_value_pip_accepts_turns_the_cache_off() {
        for value in ["1", "true", "on", "yes", "0", "false", "off", "no", "$X"] {
            assert!(lines(&RULE, &format!("FROM a\nENV PIP_NO_CACHE_DIR={value}\nRUN pip install x\n")).is_empty());
            assert!(lines(&RULE, &format!("FROM a\nRUN PIP_NO_CACHE_DIR={value} pip install x\n")).is_empty());
            assert!(lines(&RULE, &format!("FROM a\nRUN export PIP_NO_CACHE_DIR={value} && pip install x\n")).is_empty());
        }
        assert_eq!(lines(&RULE, "FROM a\nENV PIP_NO_CACHE_DIR=\"\"\nRUN pip install x\n"), [3], "empty is ignored");
        assert_eq!(
            lines(&RULE, "FROM a\nRUN PIP_NO_CACHE_DIR=1; pip install x\n"),
            [2],
            "a shell variable that is not exported does not reach pip"
        );
        assert!(lines(&RULE, "FROM a\nRUN env PIP_NO_CACHE_DIR=1 pip install x\n").is_empty());
        assert!(lines(&RULE, "FROM a\nRUN pip install --no-cache x\n").is_empty(), "an abbreviation pip accepts");
    }

    #[test]
    fn inherited_settings_and_shipped_stages() {
        let inherited = "FROM debian:13 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install six\n";
        assert!(lines(&RULE, inherited).is_empty());
        let other = "FROM debian:13 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM debian:13\nRUN pip install six\n";
        assert_eq!(lines(&RULE, other), [4]);
        let builder = "FROM python:3 AS build\nRUN pip install -r r.txt\nFROM python:3-slim\nCOPY --from=build /x /x\n";
        assert!(lines(&RULE, builder).is_empty(), "the builder's cache does not ship");
        assert_eq!(lines(&RULE, "FROM a AS lib\nONBUILD RUN pip install x\nFROM b\n"), [2]);
        assert!(
            lines(&RULE, "FROM a\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache pip install x\n").is_empty()
        );
    }
}
