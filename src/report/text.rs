//! Human-readable output: one finding per block, then a summary line.

use std::io::{self, Write};

use super::{Renderer, Report, Severity};

pub struct Text;

impl Renderer for Text {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for d in &report.diagnostics {
            let scope = d.scope.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            match &d.suppressed {
                None => writeln!(
                    out,
                    "{}:{}:{}: {} [{}] {}{}",
                    d.path, d.line, d.column, d.code, d.severity, d.message, scope
                )?,
                Some(s) => writeln!(
                    out,
                    "{}:{}:{}: {} [{}, suppressed by {}: {}] {}{}",
                    d.path, d.line, d.column, d.code, d.severity, s.kind, s.reason, d.message, scope
                )?,
            }
            if d.suppressed.is_none() {
                writeln!(out, "  fix: {}", d.fix)?;
            }
        }
        for e in &report.errors {
            writeln!(out, "error: {e}")?;
        }
        let threshold = report.fail_on.unwrap_or(Severity::High);
        writeln!(
            out,
            "{} file(s) audited: {} finding(s), {} at or above {}, {} suppressed, {} error(s)",
            report.files.len(),
            report.count(false),
            report.failing(),
            threshold,
            report.count(true),
            report.errors.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Diagnostic, FileError, Suppression};

    #[test]
    fn shows_location_code_severity_message_and_fix() {
        let d = Diagnostic {
            code: "BD002",
            name: "root-user",
            severity: Severity::High,
            path: "app/Dockerfile".into(),
            line: 7,
            column: 1,
            message: "the final stage runs as root".into(),
            fix: "Set a numeric non-root USER.",
            scope: None,
            suppressed: None,
        };
        let suppressed = Diagnostic {
            line: 9,
            suppressed: Some(Suppression { kind: "inline", reason: "test image".into() }),
            ..d.clone()
        };
        let report = Report {
            rules: Vec::new(),
            files: vec!["app/Dockerfile".into()],
            diagnostics: vec![d, suppressed],
            errors: vec![FileError { path: "x.yml".into(), line: 2, column: 3, message: "bad".into() }],
            fail_on: None,
        };
        let mut out = Vec::new();
        Text.render(&report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                "app/Dockerfile:7:1: BD002 [high] the final stage runs as root\n  fix: Set a numeric non-root USER.\n"
            ),
            "{text}"
        );
        assert!(text.contains("app/Dockerfile:9:1: BD002 [high, suppressed by inline: test image]"), "{text}");
        assert!(text.contains("error: x.yml:2:3: bad"), "{text}");
        assert!(
            text.ends_with("1 file(s) audited: 1 finding(s), 1 at or above high, 1 suppressed, 1 error(s)\n"),
            "{text}"
        );
    }
}
