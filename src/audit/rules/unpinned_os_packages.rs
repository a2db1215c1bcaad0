//! BD029: OS packages installed without versions (opt-in).

use super::packages::{install, Manager};
use super::support::for_each_command;
use crate::audit::dockerfile::quote;
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
**Opt-in** (`enable: [BD029]`). Flags package arguments without a version: `apt-get install`
without `=version`; `apk add` without `=version`, `~version` or `=~version`; `yum`, `dnf`,
`microdnf` and `tdnf install` without `-version` (`name-1.2`, `name-1:1.2`), and their `module
install` without `:stream`; `zypper install` without `=version`, `>=version` or `-version`.
Local `.deb`/`.rpm`/`.apk` files, paths, variables and package groups (`dnf group install`) are
skipped.

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

/// An rpm package spec with a version: `name-1.2`, `name-1:1.2` (a `-` then a digit).
fn rpm_versioned(package: &str) -> bool {
    package.char_indices().any(|(i, c)| c == '-' && package[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
}

/// A local file, a path, or a name with a variable (which may carry the version).
fn is_local(package: &str) -> bool {
    package.starts_with(['/', '.', '~'])
        || package.contains('$')
        || [".deb", ".rpm", ".apk"].iter().any(|e| package.ends_with(e))
}

fn pinned(manager: Manager, package: &str, module: bool) -> bool {
    match manager {
        Manager::Apt => package.contains('='),
        Manager::Apk => package.contains(['=', '~', '<', '>']),
        Manager::Rpm if module => package.contains(':'),
        Manager::Rpm => rpm_versioned(package),
        Manager::Zypper => package.contains(['=', '<', '>']) || rpm_versioned(package),
    }
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
        let Some(install) = install(command) else { return };
        let module = command.args().iter().any(|w| w.text == "module");
        let group = command.args().iter().any(|w| matches!(w.text.as_str(), "group" | "groupinstall"));
        if group {
            return;
        }
        let unpinned: Vec<String> = install
            .packages
            .iter()
            .map(|w| w.text.as_str())
            .filter(|p| !is_local(p) && !pinned(install.manager, p, module))
            .map(quote)
            .collect();
        if !unpinned.is_empty() {
            sink.at(line, col, format!("{} installs {} without a version", quote(command.name()), unpinned.join(", ")));
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

    #[test]
    fn every_manager_and_its_version_syntax() {
        let pinned = "FROM a\nRUN apk add --no-cache git~2.52.0 b~=2 c=~2 ./x.apk y-1.1.apk\nRUN yum install -y rpm-sign-4.16.1.3 gcc-c++-1.1.1 openssl-1:1.1.1k\nRUN dnf module install -y tomcat:9\nRUN zypper install -y 'tomcat>=9.0' tomcat=9.0.39 x-9.0.39-1.rpm\nRUN dnf -y group install \"Development Tools\"\nRUN microdnf install -y MariaDB-server-${MARIADB_VERSION} postgresql-$PG_MAJOR\n";
        assert!(lines(&RULE, pinned).is_empty());
        let unpinned = "FROM a\nRUN dnf install -y rpm-sign python3 python3-devel\nRUN microdnf module install -y tomcat\nRUN zypper in -y tomcat\nRUN apk add flex\n";
        assert_eq!(lines(&RULE, unpinned), [2, 3, 4, 5]);
    }
}
