//! BD021: apt lists left in the layer.

use super::support::{apt_subcommand, has_cache_mount};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell::Command;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD021",
    name: "apt-lists-not-removed",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "A RUN runs `apt-get update` but leaves /var/lib/apt/lists (or downloaded packages) in the layer.",
    fix: "End the same RUN with `&& rm -rf /var/lib/apt/lists/*` (or use a cache mount for /var/lib/apt).",
    docs: r#"## What it does
Flags a RUN that runs `apt-get update` (also `apt` or `aptitude`) without removing
`/var/lib/apt/lists` after it in the same RUN (`rm -rf /var/lib/apt/lists/*`, `apt-get
dist-clean`), unless the lists are on a `--mount=type=cache` or tmpfs. When the stage removed
`/etc/apt/apt.conf.d/docker-clean` (usually to make a cache mount of `/var/cache/apt` useful),
it also flags an install that leaves the downloaded `.deb` files in `/var/cache/apt` (no `apt-get
clean`, no mount there).

Only what reaches the shipped image is judged: the final stage, the stages it is built `FROM`,
and `ONBUILD` instructions. A builder stage whose files are copied with `COPY --from` leaves its
lists behind. An `apt-get install` in a later RUN is not flagged again: the lists it uses are
in the layer of the RUN that downloaded them, which is the one flagged.

## Why is this bad?
The package lists (tens of MB) stay in the layer; they also date the image and tempt later
`apt-get install` without `update`.

## Example
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends libpq5
```

## Use instead
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
```

## Compared with other linters
hadolint DL3009 (`info`) fires on the RUN with the install; berth fires on the RUN with
`apt-get update`, which is the layer that holds the lists (an install in a later RUN adds none).
Both skip stages nothing ships.

## References
- hadolint DL3009; dockle DKL-DI-0005; KICS df746b39 (KICS #3717 also demanded `apt-get clean`, which Debian images already do)
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

const LISTS: &[&str] = &["/var/lib/apt/lists", "/var/lib/apt"];
const ARCHIVES: &[&str] = &["/var/cache/apt/archives", "/var/cache/apt"];

fn is_apt(command: &Command, subcommands: &[&str]) -> bool {
    apt_subcommand(command).is_some_and(|s| subcommands.contains(&s))
}

fn removes(command: &Command, paths: &[&str]) -> bool {
    matches!(command.name(), "rm" | "find")
        && command.args().iter().any(|w| paths.iter().any(|p| w.text.trim_end_matches(['*', '/']).starts_with(p)))
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    // Whether docker-clean (which deletes downloaded packages after each install) was removed,
    // per stage, inherited by stages built on it.
    let mut no_docker_clean = vec![false; file.stages.len()];
    for (index, outer) in file.instructions.iter().enumerate() {
        let Some(stage) = file.stage_of(index) else { continue };
        if stage.from == index {
            no_docker_clean[stage.index] = stage.base_stage.is_some_and(|b| no_docker_clean[b]);
            continue;
        }
        let instruction = outer.onbuild.as_deref().unwrap_or(outer);
        if instruction.keyword != "RUN" {
            continue;
        }
        let commands: Vec<&Command> = instruction.scripts().iter().flat_map(|s| s.commands()).collect();
        if commands.iter().any(|c| removes(c, &["/etc/apt/apt.conf.d/docker-clean"])) {
            no_docker_clean[stage.index] = true;
        }
        if !(stage.ships || outer.onbuild.is_some()) {
            continue;
        }
        let last = |f: &dyn Fn(&Command) -> bool| commands.iter().rposition(|c| f(c));
        if let Some(update) = last(&|c| is_apt(c, &["update"])) {
            let cleaned = commands[update..].iter().any(|c| removes(c, LISTS) || is_apt(c, &["dist-clean"]));
            if !cleaned && !has_cache_mount(instruction, LISTS) {
                let (line, col) = instruction.position(commands[update].start());
                sink.at(line, col, "apt lists are left in the layer: add `rm -rf /var/lib/apt/lists/*` to this RUN");
            }
        }
        if no_docker_clean[stage.index] {
            if let Some(install) = last(&|c| is_apt(c, &["install", "upgrade", "dist-upgrade", "full-upgrade"])) {
                let cleaned = commands[install..]
                    .iter()
                    .any(|c| removes(c, ARCHIVES) || is_apt(c, &["clean", "autoclean", "dist-clean"]));
                if !cleaned && !has_cache_mount(instruction, ARCHIVES) {
                    let (line, col) = instruction.position(commands[install].start());
                    sink.at(
                        line,
                        col,
                        "docker-clean was removed, so the downloaded packages stay in /var/cache/apt: \
                         add `apt-get clean` or a cache mount for /var/cache/apt",
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
    fn flags_updates_without_cleanup() {
        let text = "FROM a\nRUN apt-get update && apt-get install -y x\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y x\nRUN apt-get update && apt-get install -y x && apt-get dist-clean\n";
        assert_eq!(lines(&RULE, text), [2]);
    }

    #[test]
    fn only_the_run_that_downloads_the_lists_and_only_when_they_ship() {
        assert_eq!(lines(&RULE, "FROM a\nRUN apt-get update\nRUN apt-get install -y x\n"), [2]);
        assert_eq!(
            lines(&RULE, "FROM a\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y x\n"),
            [2],
            "cleaning before the update does not count"
        );
        let builder =
            "FROM a AS build\nRUN apt-get update && apt-get install -y gcc\nFROM b\nCOPY --from=build /x /x\n";
        assert!(lines(&RULE, builder).is_empty(), "the builder's lists do not ship");
        let base = "FROM a AS base\nRUN apt-get update && apt-get install -y gcc\nFROM base\n";
        assert_eq!(lines(&RULE, base), [2], "a stage the final one is built on ships");
        assert_eq!(lines(&RULE, "FROM a AS lib\nONBUILD RUN apt-get update\nFROM b\n"), [2], "ONBUILD runs downstream");
    }

    #[test]
    fn downloaded_packages_when_docker_clean_is_gone() {
        let text = "FROM a\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y x\nRUN --mount=type=cache,target=/var/lib/apt --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y x\n";
        assert_eq!(lines(&RULE, text), [3]);
    }
}
