//! BD029: OS packages installed without versions (opt-in).

use super::support::{apt_subcommand, for_each_command, package_args, pm_subcommand};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD029",
    name: "unpinned-os-packages",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "apt-get, apk, yum or dnf install packages without versions.",
    fix: "Pin versions (`apt-get install libpq5=17.6-0+deb13u1`), or pin the base image by digest so the package set is fixed.",
    docs: r#"## What it does
**Opt-in** (`enable: [BD029]`). Flags package arguments of `apt-get install` without `=version`, `apk add` without `=version`, and `yum`/`dnf install` without `-version`. Local `.deb`/`.rpm` files and variables are skipped.

## Why is this bad?
Unpinned OS packages change with the archive. It is opt-in because pinning Debian/Alpine versions breaks builds as soon as the archive drops the old version (hadolint DL3008 is among its most disputed rules: #928, #345, #177), and it stops security fixes; pinning the base image by digest (BD006) fixes the package set without those costs.

## Example
```dockerfile
RUN apt-get install -y --no-install-recommends libpq5
```

## Use instead
```dockerfile
RUN apt-get install -y --no-install-recommends libpq5=17.6-0+deb13u1
```

## Compared with other linters
hadolint DL3008, DL3018, DL3033, DL3037 and DL3041 are on by default as `warning`s. berth makes the rule opt-in and low for the reasons above; digest-pinning the base image (BD006) is the control berth recommends.

## References
- CIS Docker Benchmark 5.28; hadolint DL3008, DL3018, DL3033, DL3037, DL3041; KICS 965a08d7, d3499f6d
"#,
    opt_in: true,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
        let name = command.name();
        let packages = if apt_subcommand(command) == Some("install") {
            package_args(command, "install", &["-o", "-t", "-c"])
        } else if name == "apk" && pm_subcommand(command) == Some("add") {
            package_args(command, "add", &["-t", "--virtual", "-X", "--repository"])
        } else if matches!(name, "yum" | "dnf" | "microdnf" | "tdnf") && pm_subcommand(command) == Some("install") {
            package_args(command, "install", &["--setopt"])
        } else {
            return;
        };
        let unpinned: Vec<&str> = packages
            .iter()
            .map(|w| w.text.as_str())
            .filter(|p| {
                !p.contains('$')
                    && !p.ends_with(".deb")
                    && !p.ends_with(".rpm")
                    && !p.starts_with('/')
                    && !p.starts_with('.')
            })
            .filter(|p| {
                if matches!(name, "yum" | "dnf" | "microdnf" | "tdnf") {
                    !p.chars().any(|c| c.is_ascii_digit())
                } else {
                    !p.contains('=')
                }
            })
            .collect();
        if !unpinned.is_empty() {
            sink.at(line, col, format!("`{name}` installs {} without a version", unpinned.join(", ")));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_unpinned_os_packages() {
        let text = "FROM a\nRUN apt-get install -y --no-install-recommends gcc libpq5=17\nRUN apk add --no-cache curl=8.1\nRUN apt-get install -y ./x.deb\n";
        assert_eq!(lines(&RULE, text), [2]);
    }
}
