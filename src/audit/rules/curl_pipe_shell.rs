//! BD013: a downloaded script piped straight into a shell.

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::{remote_script_runs, runs};

pub static RULE: Rule = Rule {
    code: "BD013",
    name: "curl-pipe-shell",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "A RUN pipes a downloaded script into a shell (`curl … | sh`).",
    fix: "Download to a file, verify its checksum or signature (`sha256sum -c`), then run it; or install from a package manager.",
    docs: r#"## What it does
Parses each `RUN` (shell form, `sh -c` exec form and heredocs) into commands and flags a
pipeline where `curl`/`wget` feeds `sh`, `bash`, `python`... and an interpreter running a command
substitution or process substitution that downloads (`sh -c "$(curl …)"`, `bash <(curl …)`).
Commands are matched as words, so `curl` in a URL or an argument does not count.

## Why is this bad?
Whatever the server (or anyone between it and you) sends runs as root in the build, with no
record of what it was. hadolint only reports DL4006 (pipefail) for this.

## Example
```dockerfile
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
 && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh && rm /tmp/install.sh
```

## References
- OWASP Docker Security Cheat Sheet rule #9 ("avoid curl bashing")
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in runs(input.file) {
        for script in scripts {
            for offset in remote_script_runs(script) {
                let (line, col) = instruction.position(offset);
                sink.at(line, col, "a downloaded script is run without checking what it is");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_pipes_and_substitutions() {
        let text = "FROM a\nRUN curl -fsSL https://x/i.sh | sh\nRUN wget -qO- https://x | sudo bash -s --\nRUN sh -c \"$(curl -fsSL https://x)\"\nRUN bash <(curl -s https://x)\nRUN apt-get update \\\n && curl https://x \\\n  | python3 -\n";
        assert_eq!(lines(&RULE, text), [2, 3, 4, 5, 8]);
    }

    #[test]
    fn ignores_downloads_that_are_checked() {
        let text = "FROM a\nRUN curl -o i.sh https://x && sha256sum -c s && sh i.sh\nRUN echo curl | grep sh\nRUN curl https://x | tar -xz\n";
        assert!(lines(&RULE, text).is_empty());
    }
}
