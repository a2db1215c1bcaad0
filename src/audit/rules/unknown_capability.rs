//! BC035: capability names Docker refuses.

use crate::audit::compose::capabilities;
use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC035",
    name: "unknown-capability",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "`cap_add` or `cap_drop` names a capability Docker does not know, so the container does not start.",
    fix: "Use the capability's name (`SYS_ADMIN` or `CAP_SYS_ADMIN`), or `ALL` without the `CAP_` prefix.",
    docs: r#"## What it does
Flags `cap_add` and `cap_drop` entries that are not a Linux capability Docker knows, in any case, with or without `CAP_`. `CAP_ALL` is one of them: Docker recognises `ALL` before it adds the `CAP_` prefix, so `CAP_ALL` is refused with `unknown capability: "CAP_ALL"`.

## Why is this bad?
Docker refuses to create the container, so the service does not run. In `cap_drop`, a misspelt capability is also one that was meant to be dropped.

## Example
```yaml
services:
  app:
    image: app:1.0
    cap_add: [CAP_ALL]
    cap_drop: [NET_RAWW]
```

## Use instead
```yaml
services:
  app:
    image: app:1.0
    cap_drop: [NET_RAW]
```

## Compared with other linters
compose-lint does not report `cap_add: [CAP_ALL]` (its CL-0024 skips it as refused). berth reports it here, at low severity, rather than as a critical host-control capability (BC011): the container it describes does not start.

## References
- moby `oci/caps` (`NormalizeLegacyCapabilities`)
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        for key in ["cap_add", "cap_drop"] {
            for (cap, node) in svc.strings(key) {
                if let Err(name) = capabilities::judge(&cap) {
                    let message = format!(
                        "{} is not a capability Docker accepts: the container does not start",
                        crate::shown::value(&name)
                    );
                    svc.report(sink, node, message);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_names_docker_refuses() {
        assert_eq!(
            lines(&RULE, "services:\n  a:\n    cap_add: [CAP_ALL, all, CAP_NET_ADMIN]\n    cap_drop:\n      - ALL\n      - NET_RAWW\n"),
            [3, 6]
        );
    }
}
