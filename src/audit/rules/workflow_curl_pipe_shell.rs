//! BW014: downloaded scripts piped into a shell in run steps.

use super::support::remote_script_runs;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW014",
    name: "workflow-curl-pipe-shell",
    kind: FileKind::Workflow,
    severity: Severity::High,
    summary: "A `run:` script pipes a downloaded script into a shell (`curl … | sh`).",
    fix: "Download, verify the checksum or signature, then run; or use a pinned action or package.",
    docs: r#"## What it does
Parses `run:` scripts and flags `curl`/`wget` piped into an interpreter, and interpreters running a downloading substitution (`bash <(curl …)`, `sh -c "$(curl …)"`).

## Why is this bad?
The runner executes whatever the server returns with the job's token and secrets in reach.

## Example
```yaml
steps:
  - run: curl -fsSL https://example.com/install.sh | bash
```

## Use instead
```yaml
steps:
  - run: |
      curl -fsSLo install.sh https://example.com/install.sh
      echo "<sha256>  install.sh" | sha256sum -c -
      bash install.sh
```

## References
- OWASP Docker Security Cheat Sheet rule #9
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    for step in workflow.steps() {
        let Some(run) = step.run() else { continue };
        for offset in remote_script_runs(&run.parse()) {
            sink.scoped(run.line_of(offset), 1, step.job, "a downloaded script is run without checking what it is");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_curl_pipe_shell() {
        assert_eq!(lines(&RULE, "on: push\njobs:\n  a:\n    steps:\n      - run: |\n          set -e\n          curl -fsSL https://x | bash\n"), [7]);
    }
}
