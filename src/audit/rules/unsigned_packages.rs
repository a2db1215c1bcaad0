//! BD015: package signature checks turned off.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::for_each_command;

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

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
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
}
