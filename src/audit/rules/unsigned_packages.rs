//! BD015: package signature checks turned off.

use crate::audit::dockerfile::{quote, Instruction};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::{for_each_command, mounts};

pub static RULE: Rule = Rule {
    code: "BD015",
    name: "package-signature-check-disabled",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "A package manager is told to install packages without checking their signatures.",
    fix: "Remove the option and import the repository's signing key instead.",
    docs: r#"## What it does
Flags `apk add --allow-untrusted`, `apt-get --allow-unauthenticated`,
`--allow-insecure-repositories`, `--force-yes`, `-o APT::Get::AllowUnauthenticated=true`,
`yum`/`dnf`/`tdnf`/`zypper --nogpgcheck` (also `--no-gpg-checks`, `gpgcheck=0`) and
`rpm --nosignature`, `--nodigest`, `--noverify`, `--nofiledigest`.

Packages this build made itself are not flagged: when every package the command installs is a
file under a `RUN --mount=...,from=<stage>` target (`apk add --allow-untrusted
/tmp/packages/*.apk` with the packages built in a builder stage), there is no publisher's
signature to check.

## Why is this bad?
Signatures are what ties a package to its publisher. Without them a mirror, proxy or attacker can
serve any package under the expected name.

## Example
```dockerfile
RUN apt-get install -y --allow-unauthenticated mytool
```

## Use instead
```dockerfile
COPY vendor.gpg /etc/apt/keyrings/vendor.gpg
RUN apt-get update && apt-get install -y --no-install-recommends mytool && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.11; checkov CKV2_DOCKER_7, _8, _9, _10, _11
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// Whether every package operand of the command is a file under a `--mount=...,from=` target of
/// its RUN: packages built by another stage (or carried by another image), not downloaded.
fn only_mounted_packages(instruction: &Instruction, words: &[String], subcommand: bool) -> bool {
    let targets: Vec<String> = mounts(instruction)
        .into_iter()
        .filter(|m| m.iter().any(|(k, _)| k == "from") && m.iter().all(|(k, v)| k != "type" || v == "bind"))
        .filter_map(|m| m.into_iter().find(|(k, _)| k == "target" || k == "dst" || k == "destination").map(|(_, v)| v))
        .map(|t| format!("{}/", t.trim_end_matches('/')))
        .collect();
    let operands: Vec<&String> = words.iter().filter(|w| !w.starts_with('-')).skip(usize::from(subcommand)).collect();
    !operands.is_empty() && operands.iter().all(|w| targets.iter().any(|t| w.starts_with(t.as_str())))
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |instruction, command, (line, col)| {
        let name = command.name();
        let words: Vec<String> = command.args().iter().map(|w| w.text.to_ascii_lowercase()).collect();
        let has = |opt: &str| words.iter().any(|w| w == opt || w.starts_with(&format!("{opt}=")));
        let found = match name {
            "apk" if has("--allow-untrusted") => Some("--allow-untrusted"),
            "apt-get" | "apt" | "aptitude" if has("--allow-unauthenticated") => Some("--allow-unauthenticated"),
            "apt-get" | "apt" | "aptitude" if has("--allow-insecure-repositories") => {
                Some("--allow-insecure-repositories")
            }
            "apt-get" | "apt" | "aptitude" if has("--force-yes") => Some("--force-yes"),
            "apt-get" | "apt" | "aptitude"
                if words.iter().any(|w| {
                    w.replace(' ', "").contains("allowunauthenticated=true")
                        || w.replace(' ', "").contains("allowunauthenticated=1")
                }) =>
            {
                Some("AllowUnauthenticated")
            }
            "yum" | "dnf" | "microdnf" | "tdnf" | "zypper" if has("--nogpgcheck") || has("--no-gpg-checks") => {
                Some("--nogpgcheck")
            }
            "yum" | "dnf" | "microdnf" | "tdnf"
                if words.iter().any(|w| w.replace(' ', "").contains("gpgcheck=0") || w.contains("gpgcheck=false")) =>
            {
                Some("gpgcheck=0")
            }
            "rpm" => ["--nosignature", "--nodigest", "--noverify", "--nofiledigest"].into_iter().find(|o| has(o)),
            _ => None,
        };
        if found.is_some() && only_mounted_packages(instruction, &words, name != "rpm") {
            return;
        }
        if let Some(option) = found {
            sink.at(
                line,
                col,
                format!("{} installs packages without checking signatures", quote(&format!("{name} {option}"))),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_signature_bypasses() {
        let text = "FROM a\nRUN apk add --allow-untrusted x\nRUN apt-get install -y --allow-unauthenticated x\nRUN dnf install -y --nogpgcheck x\nRUN rpm -i --nosignature x.rpm\nRUN apt-get -o APT::Get::AllowUnauthenticated=true install x\n";
        assert_eq!(lines(&RULE, text), [2, 3, 4, 5, 6]);
        assert!(lines(&RULE, "FROM a\nRUN apk add --no-cache x\nRUN echo --nogpgcheck\n").is_empty());
    }

    #[test]
    fn accepts_packages_built_by_another_stage() {
        let mounted = "FROM a\nRUN --mount=type=bind,target=/tmp/pkgs/,source=/out,from=builder apk add --allow-untrusted /tmp/pkgs/x-1.0.apk\n";
        assert!(lines(&RULE, mounted).is_empty());
        let also_remote = mounted.replace("x-1.0.apk", "x-1.0.apk evil");
        assert_eq!(lines(&RULE, &also_remote), [2], "a package from a repository is still unchecked");
        assert_eq!(lines(&RULE, &mounted.replace(",from=builder", "")), [2], "a mount of the build context");
        assert_eq!(lines(&RULE, "FROM a\nRUN apk add --allow-untrusted /tmp/pkgs/x.apk\n"), [2]);
    }
}
