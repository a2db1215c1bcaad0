//! BC032: the obsolete top-level version key.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC032",
    name: "obsolete-version-key",
    kind: FileKind::Compose,
    severity: Severity::Info,
    summary: "The compose file has a top-level `version:`, which Compose ignores.",
    fix: "Delete the `version:` line.",
    docs: r#"## What it does
Flags a top-level `version:` key.

## Why is this bad?
Compose v2 ignores it and warns; readers take it as a statement about features that it no longer makes.

## Example
```yaml
version: "3.8"
services: {}
```

## Use instead
```yaml
services: {}
```

## References
- compose-spec 04-version-and-name.md
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    if let Some((key, _)) = file.root.entry("version") {
        sink.at(key.line, key.col, "`version:` is obsolete and ignored by Compose");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_version() {
        assert_eq!(lines(&RULE, "version: '3'\nservices: {}\n"), [1]);
    }
}
