//! BD031: pipes without pipefail.

use super::support::runs;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell::{Command, Script};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD031",
    name: "missing-pipefail",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "A RUN has a pipe but the shell does not fail on a failed pipe stage.",
    fix: "Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start the RUN with `set -o pipefail &&`.",
    docs: r#"## What it does
Flags a shell-form RUN with a `|` pipeline when the shell does not run with `pipefail`: neither
the stage's `SHELL` (or the `SHELL` of a stage it is built `FROM`) sets it (`-o pipefail`, also in
a cluster such as `-eo pipefail` or `-exo pipefail`), nor a `set -o pipefail` (`set -eo pipefail`,
`set -euxo pipefail`) earlier in the same script.

Not pipes, and not flagged: the `|` between the alternatives of a `case` pattern
(`amd64 | arm64)`), a `|` inside a here-document, and pipes inside `$( )`, whose failure shows
up where the value is used. A pipe whose stages before the last cannot fail (`echo`, `printf`,
`true`, `yes`: `echo "$SHA256  file" | sha256sum -c -`) loses nothing either. A RUN under a
PowerShell or `cmd` SHELL (or in a stage of a Windows image, where `cmd` is the default) is not a
POSIX shell script and is not checked.

## Why is this bad?
`/bin/sh -c` returns the status of the last command only: `curl https://x | tar -x` succeeds when the download fails, and the image is built broken.

## Example
```dockerfile
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt
```

## Use instead
```dockerfile
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/x.tar.gz | tar -xz -C /opt
```

## Compared with other linters
hadolint DL4006 is a `warning`; berth rates it low: a silently failed pipe gives a broken build,
which tests catch, rather than an exposure. hadolint also warns when `SHELL ["/bin/sh", "-o",
"pipefail", "-c"]` is used, because some `sh` (old dash) lacks pipefail; there the build then
fails loudly on the unknown option instead of ignoring a failure, so berth accepts it. hadolint
warns on pipes whose first stages are `echo` or `printf`, which cannot fail; berth does not.

## References
- hadolint DL4006; KICS efbf148a
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// Commands that cannot fail in a way a pipe would hide.
const CANNOT_FAIL: &[&str] = &["echo", "printf", "true", "yes", ":"];

/// `set -o pipefail` (`Some(true)`), `set +o pipefail` (`Some(false)`), or neither.
fn sets_pipefail(command: &Command) -> Option<bool> {
    if command.name() != "set" {
        return None;
    }
    let args = command.args();
    let mut state = None;
    for (i, w) in args.iter().enumerate() {
        if args.get(i + 1).is_some_and(|n| n.text == "pipefail") {
            let cluster = |sign: char| {
                w.text.strip_prefix(sign).is_some_and(|r| r.contains('o') && r.chars().all(|c| c.is_ascii_alphabetic()))
            };
            if cluster('-') {
                state = Some(true);
            } else if cluster('+') {
                state = Some(false);
            }
        }
    }
    state
}

/// The first pipe in a script whose failure is lost, if any.
fn unprotected_pipe(script: &Script) -> Option<&Command> {
    let mut pipefail = false;
    for pipeline in &script.pipelines {
        for command in &pipeline.commands {
            if let Some(state) = sets_pipefail(command) {
                pipefail = state;
            }
        }
        let Some((_, before)) = pipeline.commands.split_last() else { continue };
        if pipefail || before.is_empty() || before.iter().all(|c| CANNOT_FAIL.contains(&c.name())) {
            continue;
        }
        return pipeline.commands.get(1);
    }
    None
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, scripts) in runs(input.file) {
        if instruction.json.is_some() || instruction.shell.pipefail {
            continue;
        }
        for script in scripts {
            if let Some(command) = unprotected_pipe(script) {
                let (line, col) = instruction.position(command.start());
                sink.at(line, col, "a failure before this pipe is ignored: set -o pipefail");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_pipes_without_pipefail() {
        assert_eq!(lines(&RULE, "FROM a\nRUN curl x | tar -x\nRUN set -o pipefail && curl x | tar -x\n"), [2]);
        assert!(lines(&RULE, "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl x | tar -x\n")
            .is_empty());
    }

    #[test]
    fn knows_what_is_not_a_lost_failure() {
        let fine = [
            "FROM a\nSHELL [\"/bin/bash\", \"-exo\", \"pipefail\", \"-c\"]\nRUN curl x | tar -x\n",
            "FROM a AS b\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nFROM b\nRUN curl x | tar -x\n",
            "FROM a\nRUN set -euxo pipefail; curl x | tar -x\n",
            "FROM a\nRUN case \"$arch\" in amd64 | arm64) echo ok ;; *) exit 1 ;; esac\n",
            "FROM a\nRUN echo \"$SHA  f\" | sha256sum -c -\n",
            "FROM a\nRUN x=\"$(dpkg --print-architecture | cut -d- -f1)\"\n",
            "FROM a\nSHELL [\"pwsh\", \"-Command\"]\nRUN Get-ChildItem | Remove-Item\n",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir | findstr x\n",
            "FROM a\nRUN <<EOF\nset -eo pipefail\ncurl x | tar -x\nEOF\n",
            "FROM a\nRUN cat > /x <<'EOF'\na | b\nEOF\n",
        ];
        for text in fine {
            assert!(lines(&RULE, text).is_empty(), "{text}");
        }
        let lost = [
            "FROM a\nRUN curl x | tar -x; set -o pipefail\n",
            "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM a\nRUN curl x | tar -x\n",
            "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nSHELL [\"/bin/sh\", \"-c\"]\nRUN curl x | tar -x\n",
            "FROM a\nRUN set -o pipefail; set +o pipefail; curl x | tar -x\n",
        ];
        for text in lost {
            assert!(!lines(&RULE, text).is_empty(), "{text}");
        }
    }
}
