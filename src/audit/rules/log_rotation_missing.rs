//! BC021: unbounded logs.

use crate::audit::compose::ComposeFile;
use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BC021",
    name: "log-rotation-missing",
    kind: FileKind::Compose,
    severity: Severity::Low,
    summary: "A service's logs are not rotated (`json-file` without `max-size`).",
    fix:
        "Set `logging: {driver: json-file, options: {max-size: \"10m\", max-file: \"3\"}}`, or use the `local` driver.",
    docs: r#"## What it does
Flags a service whose logging driver is `json-file` (the engine default, also when `logging:` is absent) without a `max-size` option. `local`, `journald`, `syslog`, `fluentd` and other drivers rotate or ship logs and pass. No other linter checks this. If the daemon's `log-opts` (daemon.json) already rotate every container's logs, which a compose file cannot show, disable the rule in `.berth-audit.yml` with that reason. A fragment (neither `image` nor `build`, completed by the file it is merged with) is not judged on its own.

## Why is this bad?
`json-file` keeps logs forever by default (`max-size: -1`): a chatty or attacked service fills the host's disk and takes every other service down with it.

## Example
```yaml
services:
  etl:
    build: .
```

## Use instead
```yaml
services:
  etl:
    build: .
    logging:
      driver: json-file
      options:
        max-size: "10m"
        max-file: "3"
```

## References
- CIS Docker Benchmark 2.13 (daemon logging); Docker docs: json-file driver defaults
- the Docker security lesson's checklist ("Log rotation configured")
"#,
    opt_in: false,
    check: Check::Compose(check),
};

fn check(file: &ComposeFile, sink: &mut Sink) {
    for svc in file.services() {
        let logging = svc.get("logging");
        let driver = logging.and_then(|l| l.get("driver")).and_then(|d| d.as_str()).unwrap_or("json-file");
        let rotated = logging
            .and_then(|l| l.get("options"))
            .and_then(|o| o.get("max-size"))
            .is_some_and(|m| !m.is_null() && m.as_str() != Some("-1"));
        if driver == "json-file" && !rotated {
            svc.report_missing(
                sink,
                svc.node.entry("logging").map(|(k, _)| k),
                "logs are not rotated: json-file keeps them forever without `max-size`",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_unrotated_json_file() {
        let text = "services:\n  a:\n    image: x:1\n  b:\n    image: x:1\n    logging:\n      options: {max-size: 10m}\n  c:\n    image: x:1\n    logging:\n      driver: local\n  d:\n    image: x:1\n    logging:\n      driver: json-file\n  e:\n    volumes: [data:/data]\n";
        assert_eq!(lines(&RULE, text), [2, 14]);
    }
}
