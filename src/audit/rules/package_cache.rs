//! BD027: yum/dnf/zypper caches kept.

use super::support::{has_cache_mount, pm_subcommand, shipped_runs};
use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell::Command;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD027",
    name: "package-cache-kept",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "A RUN installs with yum, dnf, microdnf, zypper or yarn without cleaning the cache.",
    fix: "End the same RUN with `&& yum clean all` (`dnf clean all`, `zypper clean`, `yarn cache clean`), or use a cache mount.",
    docs: r#"## What it does
Flags a RUN where `yum`, `dnf` (also dnf5), `microdnf` or `tdnf` installs, reinstalls or
upgrades packages (`install`/`in`, `reinstall`/`rei`, `upgrade`/`up`/`update`,
`upgrade-minimal`/`up-min`, `module install`, `groupinstall`), `zypper` installs or updates, or
`yarn install`/`yarn add`/`yarn` runs, and nothing cleans the cache **after** it in the same RUN:
`<tool> clean all` (yum and dnf are one tool on current distributions), `zypper clean`/`cc`,
`yarn cache clean`, or removing the cache directory (`/var/cache/yum`, `/var/cache/dnf`,
`/var/cache/libdnf5`, `/var/cache/tdnf`, `/var/cache/zypp`). A `--mount=type=cache` or tmpfs
on that directory (for yarn: `~/.cache/yarn`, `/usr/local/share/.cache/yarn`) also counts.
Only what reaches the shipped image is judged: the final stage, the stages it is built `FROM`,
and `ONBUILD` instructions.

## Why is this bad?
Package caches and metadata stay in the layer: larger images for nothing.

## Example
```dockerfile
RUN dnf install -y gcc
```

## Use instead
```dockerfile
RUN dnf install -y gcc && dnf clean all
```

## Compared with other linters
hadolint DL3032, DL3036, DL3040 and DL3060 are `warning`s; berth rates them low: kept caches
cost size, not security. hadolint judges builder stages too (except for yarn); berth only what
ships.

## References
- hadolint DL3032, DL3040, DL3036, DL3060; KICS 00481784, 295acb63, 38300d1a
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

const RPM_TOOLS: &[&str] = &["yum", "dnf", "dnf5", "microdnf", "tdnf"];
const RPM_CACHES: &[&str] =
    &["/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/tdnf", "/var/cache/zypp"];
const YARN_CACHES: &[&str] = &["/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn"];
/// Subcommands that download packages into the cache.
const RPM_DOWNLOADS: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "reinstall",
    "rei",
    "upgrade",
    "up",
    "update",
    "upgrade-minimal",
    "up-min",
    "update-minimal",
    "distro-sync",
    "downgrade",
    "localinstall",
];
const ZYPPER_DOWNLOADS: &[&str] = &["install", "in", "update", "up", "dist-upgrade", "dup", "patch"];

/// The tool family whose cache a command fills (`yum` and `dnf` are one), if it does.
fn fills_cache(command: &Command) -> Option<&'static str> {
    let name = command.name();
    let sub = pm_subcommand(command).unwrap_or("");
    if RPM_TOOLS.contains(&name) && (RPM_DOWNLOADS.contains(&sub) || sub == "module") {
        if sub == "module" && !command.args().iter().any(|w| w.text == "install") {
            return None;
        }
        return Some(family(name));
    }
    if name == "zypper" && ZYPPER_DOWNLOADS.contains(&sub) {
        return Some("zypper");
    }
    // `yarn install`, `yarn add`, and a bare `yarn` (with install flags only, not `--version`).
    let args = command.args();
    let first = args.iter().find(|w| !w.text.starts_with('-')).map(|w| w.text.as_str());
    let bare = first.is_none() && !args.iter().any(|w| matches!(w.text.as_str(), "--version" | "-v" | "--help" | "-h"));
    let yarn_install = name == "yarn"
        && (matches!(first, Some("install" | "add")) || bare)
        && !args.iter().any(|w| w.text.starts_with("--cache-folder"));
    yarn_install.then_some("yarn")
}

fn family(name: &str) -> &'static str {
    match name {
        "yum" | "dnf" | "dnf5" => "dnf",
        "microdnf" => "microdnf",
        "tdnf" => "tdnf",
        _ => "other",
    }
}

/// The tool family a command cleans the cache of.
fn cleans(command: &Command) -> Option<&'static str> {
    let name = command.name();
    let args = command.args();
    if name == "rm" && args.iter().any(|w| RPM_CACHES.iter().any(|c| w.text.starts_with(c))) {
        return Some("any");
    }
    if name == "rm" && args.iter().any(|w| YARN_CACHES.iter().any(|c| w.text.starts_with(c))) {
        return Some("yarn");
    }
    let sub = pm_subcommand(command);
    if RPM_TOOLS.contains(&name) && sub == Some("clean") {
        return Some(family(name));
    }
    if name == "zypper" && matches!(sub, Some("clean" | "cc")) {
        return Some("zypper");
    }
    let yarn_clean = name == "yarn"
        && args.first().is_some_and(|w| w.text == "cache")
        && args.get(1).is_some_and(|w| w.text == "clean");
    yarn_clean.then_some("yarn")
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in shipped_runs(input.file) {
        let commands: Vec<&Command> = scripts.iter().flat_map(|s| s.commands()).collect();
        // The last clean of each tool family: an install before it is cleaned.
        let mut last_clean: Vec<(&str, usize)> = Vec::new();
        for (at, command) in commands.iter().enumerate() {
            if let Some(family) = cleans(command) {
                last_clean.retain(|(f, _)| *f != family);
                last_clean.push((family, at));
            }
        }
        let cleaned_after = |tool: &str, at: usize| {
            last_clean.iter().any(|(f, i)| *i >= at && (*f == tool || (*f == "any" && tool != "yarn")))
        };
        for (at, command) in commands.iter().enumerate() {
            let Some(tool) = fills_cache(command) else { continue };
            let cleaned = cleaned_after(tool, at);
            let mounted = if tool == "yarn" {
                has_cache_mount(instruction, YARN_CACHES)
            } else {
                has_cache_mount(instruction, RPM_CACHES)
            };
            if !cleaned && !mounted {
                let (line, col) = instruction.position(command.start());
                let clean = match tool {
                    "yarn" => "yarn cache clean".to_string(),
                    "zypper" => "zypper clean".to_string(),
                    _ => format!("{} clean all", command.name()),
                };
                sink.at(
                    line,
                    col,
                    format!("{} leaves its cache in the layer: add `{clean}` after it", quote(command.name())),
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
    fn flags_installs_without_clean() {
        let text = "FROM a\nRUN dnf install -y gcc\nRUN yum install -y gcc && yum clean all\nRUN zypper install -y x && zypper clean\n";
        assert_eq!(lines(&RULE, text), [2]);
    }

    #[test]
    fn the_clean_must_come_after_and_match_the_tool() {
        assert_eq!(lines(&RULE, "FROM a\nRUN yum clean all && yum install -y x\n"), [2]);
        assert_eq!(lines(&RULE, "FROM a\nRUN dnf install -y x && microdnf clean all\n"), [2]);
        assert!(lines(&RULE, "FROM a\nRUN dnf install -y x && yum clean all\n").is_empty());
        assert!(lines(&RULE, "FROM a\nRUN microdnf install -y x && rm -rf /var/cache/yum/*\n").is_empty());
        assert_eq!(
            lines(&RULE, "FROM a\nRUN dnf -y upgrade\nRUN dnf -y rei x\nRUN dnf -y module install nodejs:20\n"),
            [2, 3, 4]
        );
        assert!(lines(&RULE, "FROM a\nRUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y x\n").is_empty());
        assert_eq!(
            lines(&RULE, "FROM a\nRUN yarn cache clean && yarn install\nRUN yarn install && yarn cache clean\n"),
            [2]
        );
        assert!(lines(&RULE, "FROM a AS b\nRUN dnf install -y gcc\nFROM c\nCOPY --from=b /x /x\n").is_empty());
        assert!(lines(&RULE, "FROM a\nRUN notdnf install x\n").is_empty());
        assert!(lines(&RULE, "FROM a\nRUN yarn --version && yarn build\n").is_empty());
        assert_eq!(lines(&RULE, "FROM a\nRUN yarn --frozen-lockfile\n"), [2]);
    }
}
