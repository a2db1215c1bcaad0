//! BC014: seccomp, AppArmor or SELinux turned off.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC014",
    name: "security-profile-disabled",
    kind: FileKind::Compose,
    severity: Severity::High,
    summary: "A service turns off seccomp, AppArmor or SELinux labelling.",
    fix: "Remove the option; if a syscall is missing, ship a custom seccomp profile that allows just that.",
    docs: r#"## What it does
Flags `security_opt` entries `seccomp:unconfined`, `seccomp=unconfined`, `apparmor:unconfined`, `apparmor=unconfined`, `label:disable`, `label=disable`.

## Why is this bad?
These profiles block the syscalls and file accesses most container escapes rely on; turning them off removes a whole layer of defence.

## Example
```yaml
services:
  app:
    image: app:1.0
    security_opt:
      - seccomp:unconfined
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    security_opt:
      - no-new-privileges=true
```

## References
- CIS Docker Benchmark 5.2, 5.3, 5.22; OWASP Docker Security Cheat Sheet rule #6
- compose-lint CL-0009; KICS 404fde2c
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for (opt, node) in svc.strings("security_opt") {
            let o = opt.to_ascii_lowercase().replace('=', ":").replace(' ', "");
            if matches!(
                o.as_str(),
                "seccomp:unconfined" | "apparmor:unconfined" | "label:disable" | "systempaths:unconfined"
            ) {
                svc.report(sink, node, format!("{} turns a kernel security profile off", crate::shown::value(&opt)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_disabled_profiles() {
        assert_eq!(lines(&RULE, "services:\n  a:\n    security_opt:\n      - seccomp=unconfined\n      - no-new-privileges=true\n      - label:disable\n"), [4, 6]);
    }
}
