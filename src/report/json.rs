//! Machine-readable output. The envelope is versioned: fields are only ever added.
//!
//! ```json
//! { "version": 1, "tool": {"name": "berth", "version": "0.1.0"}, "fail_on": "high",
//!   "summary": {"files": 3, "findings": 2, "failing": 1, "suppressed": 1, "errors": 0},
//!   "findings": [{"code": "BD001", "name": "missing-user", "severity": "high", "path": "Dockerfile",
//!                 "line": 1, "column": 1, "message": "...", "fix": "...",
//!                 "scope": "app", "suppressed": {"kind": "inline", "reason": "..."}}],
//!   "errors": [{"path": "compose.yml", "line": 3, "column": 5, "message": "..."}] }
//! ```
//! `scope` and `suppressed` are left out when empty.

use std::io::{self, Write};

use serde::Serialize;

use super::{Diagnostic, FileError, Renderer, Report, Severity};

pub const JSON_VERSION: u32 = 1;

pub struct Json;

#[derive(Serialize)]
struct Envelope<'a> {
    version: u32,
    tool: Tool,
    fail_on: Severity,
    summary: Summary,
    findings: &'a [Diagnostic],
    errors: &'a [FileError],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    failing: usize,
    suppressed: usize,
    errors: usize,
}

impl Renderer for Json {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let envelope = Envelope {
            version: JSON_VERSION,
            tool: Tool { name: "berth", version: env!("CARGO_PKG_VERSION") },
            fail_on: report.fail_on.unwrap_or(Severity::High),
            summary: Summary {
                files: report.files.len(),
                findings: report.count(false),
                failing: report.failing(),
                suppressed: report.count(true),
                errors: report.errors.len(),
            },
            findings: &report.diagnostics,
            errors: &report.errors,
        };
        serde_json::to_writer_pretty(&mut *out, &envelope)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_has_the_documented_keys() {
        let report = Report {
            rules: Vec::new(),
            files: vec!["Dockerfile".into()],
            diagnostics: vec![Diagnostic {
                code: "BD001",
                name: "missing-user",
                severity: Severity::High,
                path: "Dockerfile".into(),
                line: 1,
                column: 1,
                message: "m".into(),
                fix: "f",
                scope: None,
                suppressed: None,
            }],
            errors: vec![],
            fail_on: Some(Severity::Medium),
        };
        let mut out = Vec::new();
        Json.render(&report, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["fail_on"], "medium");
        assert_eq!(v["summary"]["failing"], 1);
        assert_eq!(v["findings"][0]["code"], "BD001");
        assert_eq!(v["findings"][0]["severity"], "high");
        assert!(v["findings"][0].get("suppressed").is_none());
        assert_eq!(v["errors"], serde_json::json!([]));
    }
}
