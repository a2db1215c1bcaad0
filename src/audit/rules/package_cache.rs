//! BD027: yum/dnf/zypper caches kept.

use super::support::{has_cache_mount, pm_subcommand, runs};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD027",
    name: "package-cache-kept",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "A RUN installs with yum, dnf, microdnf, zypper or yarn without cleaning the cache.",
    fix: "End the same RUN with `&& yum clean all` (`dnf clean all`, `zypper clean`), or use a cache mount.",
    docs: r#"## What it does
Flags `yum`/`dnf`/`microdnf`/`tdnf install` or `zypper install` without `clean all` (or `zypper clean`, or removing `/var/cache/yum|dnf`) in the same RUN, and `yarn install`/`yarn add` without `yarn cache clean` (or a cache mount).

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
hadolint DL3032, DL3036, DL3040 and DL3060 are `warning`s; berth rates them low: kept caches cost size, not security.

## References
- hadolint DL3032, DL3040, DL3036; KICS 00481784, 295acb63, 38300d1a
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in runs(input.file) {
        let commands: Vec<_> = scripts.iter().flat_map(|s| s.commands()).collect();
        let cleaned = commands.iter().any(|c| {
            (matches!(c.name(), "yum" | "dnf" | "microdnf" | "tdnf" | "zypper")
                && matches!(pm_subcommand(c), Some("clean" | "cc")))
                || (c.name() == "rm"
                    && c.args().iter().any(|w| {
                        w.text.starts_with("/var/cache/yum")
                            || w.text.starts_with("/var/cache/dnf")
                            || w.text.starts_with("/var/cache/zypp")
                    }))
        }) || has_cache_mount(instruction, &["/var/cache/yum", "/var/cache/dnf", "/var/cache/zypp"]);
        let yarn_cleaned =
            commands.iter().any(|c| {
                c.name() == "yarn"
                    && c.args().first().is_some_and(|w| w.text == "cache")
                    && c.args().get(1).is_some_and(|w| w.text == "clean")
            }) || has_cache_mount(instruction, &["/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn"]);
        for command in &commands {
            let yarn_install = command.name() == "yarn"
                && matches!(command.args().first().map(|w| w.text.as_str()), Some("install" | "add") | None)
                && !command.args().iter().any(|w| w.text == "--no-cache" || w.text.starts_with("--cache-folder"));
            if yarn_install && !yarn_cleaned {
                let (line, col) = instruction.position(command.start());
                sink.at(line, col, "`yarn install` leaves its cache in the layer: add `yarn cache clean`");
            }
            let install = matches!(command.name(), "yum" | "dnf" | "microdnf" | "tdnf" | "zypper")
                && matches!(pm_subcommand(command), Some("install" | "in" | "groupinstall"));
            if install && !cleaned {
                let (line, col) = instruction.position(command.start());
                sink.at(line, col, format!("`{} install` leaves its cache in the layer", command.name()));
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
}
