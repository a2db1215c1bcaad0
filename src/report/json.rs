//! Machine-readable output. The envelope is versioned: fields are only ever added.
//!
//! ```json
//! { "version": 1, "tool": {"name": "berth", "version": "0.1.0"}, "fail_on": "high",
//!   "summary": {"files": 3, "findings": 2, "failing": 1, "suppressed": 1, "errors": 0, "skipped": 1},
//!   "findings": [{"code": "BD001", "name": "missing-user", "severity": "high", "path": "Dockerfile",
//!                 "line": 1, "column": 1, "message": "...", "fix": "...",
//!                 "scope": "app", "suppressed": {"kind": "inline", "reason": "..."}}],
//!   "errors": [{"path": "compose.yml", "line": 3, "column": 5, "message": "..."}],
//!   "skipped": [{"path": "vendor/Dockerfile", "reason": "ignored by .gitignore:3 (`vendor/`) and not tracked by git"}] }
//! ```
//! `scope` and `suppressed` are left out when empty.

use std::io::{self, Write};

use serde::Serialize;

use super::{Diagnostic, FileError, Renderer, Report, Severity, Skipped};

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
    skipped: &'a [Skipped],
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
    skipped: usize,
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
                skipped: report.skipped.len(),
            },
            findings: &report.diagnostics,
            errors: &report.errors,
            skipped: &report.skipped,
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
            skipped: vec![Skipped { path: "vendor/Dockerfile".into(), reason: "r".into() }],
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
        assert_eq!(v["summary"]["skipped"], 1);
        assert_eq!(v["skipped"], serde_json::json!([{"path": "vendor/Dockerfile", "reason": "r"}]));
    }
}
