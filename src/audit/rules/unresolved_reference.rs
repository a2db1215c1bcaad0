//! BC034: `extends:` or `include:` that cannot be followed.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Finding, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC034",
    name: "unresolved-reference",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "An `extends:` or `include:` names a file or service that cannot be read, so part of the deployment was not checked.",
    fix: "Point the reference at a file and service that exist (paths are relative to the file that names them), or audit the project with `docker compose config` output.",
    docs: r#"## What it does
berth follows `extends:` (in the same file and in other files) and `include:` to judge each service as Compose deploys it. This rule reports a reference it could not follow: a file that does not exist or cannot be read or parsed, a service the file does not define, an `extends:` chain that comes back to itself or is nested more than 16 deep, or that would build more than a million values. A chain is reported where it breaks, once, not at every service that extends it. A remote `include:` (a git or OCI reference), which Compose fetches and berth does not, is reported at info severity.

Files pulled in are read like the audited ones (regular files only), at most 32 of them and 8 MiB together per audited file.

## Why is this bad?
Compose refuses to start a project whose references do not resolve, and what berth could not read it could not check: the service is judged as written, without what it inherits.

## Example
```yaml
services:
  web:
    extends:
      file: common.yml
      service: webapp
```

## Use instead
```yaml
services:
  web:
    extends:
      file: ./compose/common.yml
      service: webapp
```

## Compared with other linters
compose-lint reports the same gaps as errors (exit 2 unless `--allow-partial-coverage`). berth reports them as findings, so the rest of the file is still checked.

## References
- compose-spec 05-services.md (extends), 14-include.md
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for unresolved in file.unresolved() {
        sink.findings.push(Finding {
            line: unresolved.line,
            column: unresolved.col,
            message: format!("{}; what it would bring in is not checked", unresolved.message),
            scope: unresolved.service.clone(),
            severity: unresolved.remote.then_some(Severity::Info),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_unfollowed_references_in_the_file() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    extends: b\n  b:\n    extends: a\n  c:\n    extends: nope\n  d:\n    extends: {service: c}\n"),
            [5, 7],
            "a broken chain is reported where it breaks, once"
        );
    }
}
