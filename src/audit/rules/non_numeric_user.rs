//! BD003: USER names a user instead of a uid.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::{final_user, user_part};

pub static RULE: Rule = Rule {
    code: "BD003",
    name: "non-numeric-user",
    kind: FileKind::Dockerfile,
    severity: Severity::Info,
    summary: "The final USER is a name, not a numeric uid.",
    fix: "Use the numeric uid and gid (`USER 10001:10001`).",
    docs: r#"## What it does
Flags a final `USER` whose user part is not a number (variables are skipped).

## Why is this bad?
Kubernetes' `runAsNonRoot` and other admission checks can only verify a numeric uid; a name must
be resolved through the image's `/etc/passwd`, which the host cannot see. Numeric ids also make
file ownership on volumes predictable.

## Example
```dockerfile
USER appuser
```

## Use instead
```dockerfile
USER 10001:10001
```

## Compared with other linters
hadolint DL3066 (info) flags every non-numeric USER, also a `USER root` that a later numeric USER replaces; berth judges the USER the container runs with (the final stage's last one), and leaves root to BD001/BD002. Both report it at the lowest level.

## References
- hadolint DL3066
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    if let Some(user) = final_user(input.file) {
        let value = user.args().trim();
        let name = user_part(value);
        if !name.is_empty() && !name.starts_with('$') && !name.chars().all(|c| c.is_ascii_digit()) && name != "root" {
            sink.at(
                user.line,
                user.col,
                format!("USER {} is a name; the uid cannot be checked without the image's /etc/passwd", quote(value)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_names() {
        assert_eq!(lines(&RULE, "FROM a\nUSER appuser\n"), [2]);
        assert!(lines(&RULE, "FROM a\nUSER 10001:10001\n").is_empty());
        assert!(lines(&RULE, "FROM a\nUSER $UID\n").is_empty());
    }
}
