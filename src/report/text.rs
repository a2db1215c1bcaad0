//! Human-readable output: one finding per block, then a summary line, on stdout; errors and
//! notes about skipped files, on stderr ([`messages`]).
//!
//! Paths, messages and reasons can carry text from the audited files (a file name, a quoted
//! value): control characters are escaped and very long messages clipped, so what reaches the
//! terminal is what berth means. JSON and SARIF keep the exact strings; their escaping is safe.

use std::io::{self, Write};

use super::{Renderer, Report, Severity};
use crate::shown;

/// Longest message shown, in characters.
const MAX_MESSAGE: usize = 500;
/// Skipped files noted one by one; the rest are counted.
const MAX_NOTES: usize = 20;

pub struct Text;

/// Text from outside berth, made safe for a terminal line.
fn safe(s: &str) -> String {
    shown::escape(&shown::clip(s, MAX_MESSAGE)).into_owned()
}

impl Renderer for Text {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for d in &report.diagnostics {
            let scope = d.scope.as_deref().map(|s| format!(" ({})", safe(s))).unwrap_or_default();
            let (path, message) = (safe(&d.path), safe(&d.message));
            match &d.suppressed {
                None => writeln!(
                    out,
                    "{path}:{}:{}: {} [{}] {message}{scope}\n  fix: {}",
                    d.line, d.column, d.code, d.severity, d.fix
                )?,
                Some(s) => writeln!(
                    out,
                    "{path}:{}:{}: {} [{}, suppressed by {}: {}] {message}{scope}",
                    d.line,
                    d.column,
                    d.code,
                    d.severity,
                    s.kind,
                    safe(&s.reason)
                )?,
            }
        }
        let threshold = report.fail_on.unwrap_or(Severity::High);
        let skipped =
            if report.skipped.is_empty() { String::new() } else { format!(", {} skipped", report.skipped.len()) };
        writeln!(
            out,
            "{} file(s) audited: {} finding(s), {} at or above {}, {} suppressed, {} error(s){skipped}",
            report.files.len(),
            report.count(false),
            report.failing(),
            threshold,
            report.count(true),
            report.errors.len()
        )
    }
}

/// Errors and skipped files, one line each, for stderr (in every format).
pub fn messages(report: &Report, err: &mut dyn Write) -> io::Result<()> {
    for e in &report.errors {
        let at = if e.line == 0 { String::new() } else { format!(":{}:{}", e.line, e.column) };
        writeln!(err, "error: {}{at}: {}", safe(&e.path), safe(&e.message))?;
    }
    for s in report.skipped.iter().take(MAX_NOTES) {
        writeln!(err, "note: skipped {}: {}", safe(&s.path), safe(&s.reason))?;
    }
    if report.skipped.len() > MAX_NOTES {
        writeln!(
            err,
            "note: {} more skipped; `--format json` lists every skipped file",
            report.skipped.len() - MAX_NOTES
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Diagnostic, FileError, Skipped, Suppression};

    fn finding() -> Diagnostic {
        Diagnostic {
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
        }
    }

    fn render(report: &Report) -> (String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        Text.render(report, &mut out).unwrap();
        messages(report, &mut err).unwrap();
        (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn shows_location_code_severity_message_and_fix() {
        let d = finding();
        let suppressed = Diagnostic {
            line: 9,
            suppressed: Some(Suppression { kind: "inline", reason: "test image".into() }),
            ..d.clone()
        };
        let report = Report {
            files: vec!["app/Dockerfile".into()],
            diagnostics: vec![d, suppressed],
            errors: vec![FileError { path: "x.yml".into(), line: 2, column: 3, message: "bad".into() }],
            skipped: vec![Skipped { path: "vendor/Dockerfile".into(), reason: "ignored".into() }],
            ..Report::default()
        };
        let (text, errors) = render(&report);
        assert!(
            text.contains(
                "app/Dockerfile:7:1: BD002 [high] the final stage runs as root\n  fix: Set a numeric non-root USER.\n"
            ),
            "{text}"
        );
        assert!(text.contains("app/Dockerfile:9:1: BD002 [high, suppressed by inline: test image]"), "{text}");
        assert!(!text.contains("error:"), "errors go to stderr: {text}");
        assert_eq!(errors, "error: x.yml:2:3: bad\nnote: skipped vendor/Dockerfile: ignored\n");
        assert!(
            text.ends_with(
                "1 file(s) audited: 1 finding(s), 1 at or above high, 1 suppressed, 1 error(s), 1 skipped\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn outside_text_cannot_forge_lines_or_escape_sequences() {
        let d = Diagnostic {
            path: "evil\u{1b}[2J\nerror: forged.yml".into(),
            message: format!("value {}", "x".repeat(10_000)),
            ..finding()
        };
        let report = Report {
            diagnostics: vec![d],
            errors: vec![FileError { path: "a\rb".into(), line: 0, column: 0, message: "bad \u{7} bell".into() }],
            ..Report::default()
        };
        let (text, errors) = render(&report);
        assert!(!text.contains('\u{1b}') && !errors.contains('\u{7}') && !errors.contains('\r'), "{text}{errors}");
        assert!(text.starts_with("evil\\u{1b}[2J\\nerror: forged.yml:7:1: BD002"), "{text}");
        assert!(text.lines().next().unwrap().chars().count() < 700, "long messages are clipped");
        assert_eq!(errors, "error: a\\rb: bad \\u{7} bell\n");
    }

    #[test]
    fn many_skipped_files_are_counted_after_the_first() {
        let skipped = (0..25).map(|i| Skipped { path: format!("d{i}/Dockerfile"), reason: "r".into() }).collect();
        let (_, errors) = render(&Report { skipped, ..Report::default() });
        assert_eq!(errors.lines().count(), MAX_NOTES + 1);
        assert!(errors.ends_with("note: 5 more skipped; `--format json` lists every skipped file\n"), "{errors}");
    }
}
