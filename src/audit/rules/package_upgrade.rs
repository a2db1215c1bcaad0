//! BD023: distribution upgrades inside the image build.

use super::support::{apt_subcommand, for_each_command, pm_subcommand};
use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD023",
    name: "package-upgrade",
    kind: FileKind::Dockerfile,
    severity: Severity::Info,
    summary: "A RUN upgrades all packages (`apt-get upgrade`, `dist-upgrade`, `apk upgrade`...).",
    fix: "Rebuild on a newer base image (digest bumps by Dependabot/Renovate) instead of upgrading in the Dockerfile.",
    docs: r#"## What it does
Flags `apt-get upgrade`/`dist-upgrade`/`full-upgrade`, `apk upgrade`, `yum`/`dnf upgrade` or `update` and `zypper dist-upgrade`/`update`.

## Why is this bad?
Upgrades make the build depend on the day it runs, hide which base is in use and can break what the base image tested. CIS 4.4 recommends rebuilding from patched bases; the advice is mixed (KICS rates upgrades high), so this is informational.

## Example
```dockerfile
RUN apt-get update && apt-get -y dist-upgrade
```

## Use instead
```dockerfile
FROM python:3.13-slim-trixie@sha256:<updated by Renovate>
```

## References
- CIS Docker Benchmark 4.4; hadolint DL3035; dockle DKL-DI-0003; KICS 682fe378
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
        let upgrade = match command.name() {
            "apt-get" | "apt" | "aptitude" => {
                matches!(apt_subcommand(command), Some("upgrade" | "dist-upgrade" | "full-upgrade"))
            }
            "apk" => pm_subcommand(command) == Some("upgrade"),
            "yum" | "dnf" | "microdnf" | "tdnf" => {
                matches!(pm_subcommand(command), Some("upgrade" | "update" | "distro-sync"))
                    && command.args().iter().filter(|w| !w.text.starts_with('-')).count() == 1
            }
            "zypper" => matches!(pm_subcommand(command), Some("dist-upgrade" | "dup" | "update" | "up")),
            _ => false,
        };
        if upgrade {
            sink.at(line, col, format!("{} upgrades every package during the build", quote(command.name())));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_full_upgrades() {
        let text = "FROM a\nRUN apt-get -y dist-upgrade\nRUN apk upgrade\nRUN yum update -y\nRUN yum update -y openssl\nRUN apt-get update\n";
        assert_eq!(lines(&RULE, text), [2, 3, 4]);
    }
}
