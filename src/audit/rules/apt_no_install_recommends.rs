//! BD020: apt-get install pulling in recommended packages.

use super::support::{apt_subcommand, for_each_shipped_command};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD020",
    name: "apt-no-install-recommends",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "`apt-get install` without `--no-install-recommends` installs packages nobody asked for.",
    fix: "Add `--no-install-recommends`.",
    docs: r#"## What it does
Flags `apt-get install` (and `apt install`) without `--no-install-recommends` or `-o APT::Install-Recommends=false`. Only what reaches the shipped image is judged: the final stage, the stages it is built `FROM`, and `ONBUILD` instructions (a builder's extra packages do not ship).

## Why is this bad?
Recommended packages add size and attack surface (often dozens of packages and their CVEs) without being needed to run.

## Example
```dockerfile
RUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
```

## Compared with other linters
hadolint DL3015 (`info`) also judges builder stages; berth only what ships.

## References
- CIS Docker Benchmark 4.3; hadolint DL3015; KICS 7384dfb2
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_shipped_command(input.file, |_, command, (line, col)| {
        if apt_subcommand(command) == Some("install") {
            let words: Vec<String> =
                command.args().iter().map(|w| w.text.to_ascii_lowercase().replace(' ', "")).collect();
            let off = command.has_flag(None, &["no-install-recommends"])
                || words
                    .iter()
                    .any(|w| w.contains("apt::install-recommends=false") || w.contains("apt::install-recommends=0"));
            if !off {
                sink.at(line, col, "`apt-get install` without --no-install-recommends");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_installs_with_recommends() {
        let text = "FROM a\nRUN apt-get install -y x\nRUN apt-get install -y --no-install-recommends x\nRUN apt-get -o APT::Install-Recommends=false install x\nRUN apt-get update\n";
        assert_eq!(lines(&RULE, text), [2]);
        assert!(lines(&RULE, "FROM a AS b\nRUN apt-get install -y gcc\nFROM c\n").is_empty(), "builders do not ship");
    }
}
