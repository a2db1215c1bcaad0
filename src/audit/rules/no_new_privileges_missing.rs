//! BC012: no-new-privileges not set.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC012",
    name: "no-new-privileges-missing",
    kind: FileKind::Compose,
    severity: Severity::Medium,
    summary: "A service does not set `no-new-privileges`.",
    fix: "Add `security_opt: [\"no-new-privileges=true\"]`.",
    docs: r#"## What it does
Flags a service whose `security_opt` lacks `no-new-privileges`, `no-new-privileges=true` or `no-new-privileges:true` (or sets it false). A fragment (neither `image` nor `build`) is not judged on its own.

## Why is this bad?
Without it, setuid binaries and file capabilities in the image can raise a process's privileges (for example back to root).

## Example
```yaml
services:
  app:
    image: app:1.0
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    security_opt:
      - no-new-privileges=true
```

## Compared with other linters
compose-lint CL-0003 also judges a service with neither `image` nor `build`. berth treats such a service as a fragment, completed by the file it is merged with (its base, or the file that extends it), and does not judge what it lacks on its own; the same holds for every rule about a missing key (BC009, BC013, BC017 to BC019, BC021, BC022, BC031).

## References
- CIS Docker Benchmark 5.26; OWASP Docker Security Cheat Sheet rule #4
- compose-lint CL-0003; KICS 27fcc7d6
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let set = svc.strings("security_opt").iter().any(|(o, _)| {
            let o = o.to_ascii_lowercase().replace(' ', "");
            o == "no-new-privileges" || o == "no-new-privileges=true" || o == "no-new-privileges:true"
        });
        if !set {
            svc.report_missing(sink, None, "`no-new-privileges` is not set: setuid binaries can raise privileges");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_missing_nnp() {
        assert_eq!(lines(&RULE, "services:\n  a:\n    image: x:1\n    security_opt: [\"no-new-privileges:false\"]\n  b:\n    image: x:1\n    security_opt: [no-new-privileges]\n  c:\n    ports: ['80:80']\n"), [2]);
    }
}
