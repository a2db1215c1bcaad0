//! BA001: a `# berth: ignore=` comment that suppresses nothing.

use crate::audit::rule::{Check, FileKind, Rule};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BA001",
    name: "invalid-suppression",
    kind: FileKind::Any,
    severity: Severity::Medium,
    summary: "A `# berth: ignore=` comment has no reason or names an unknown rule, so it suppresses nothing.",
    fix: "Write `# berth: ignore=CODE[,CODE] <why this is acceptable here>` with codes from `berth rules`.",
    docs: r#"## What it does
Reports inline suppressions that do not work: no rule code, an unknown code, or no reason.

## Why is this bad?
A suppression is a decision someone will have to review later; without a reason nobody can tell
whether it still holds. A misspelt code silently suppresses nothing.

## Example
```dockerfile
# berth: ignore=BD001
FROM gcr.io/distroless/python3-debian13
```

## Use instead
```dockerfile
# berth: ignore=BD001 the final image runs as uid 65532 via the compose `user:` key
FROM gcr.io/distroless/python3-debian13
```

## References
- hadolint `# hadolint ignore=` pragmas; compose-lint's audited suppressions (docs/configuration.md)
"#,
    opt_in: false,
    check: Check::Engine,
};
