//! Diagnostics as data, and one renderer per output format.
//!
//! The audit produces a [`Report`]; `text`, `json` and `sarif` each turn it into bytes behind the
//! [`Renderer`] trait. Nothing here decides what is a finding: that is the rules' job.

pub mod json;
pub mod sarif;
pub mod text;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// SARIF has three levels: critical and high are errors, medium a warning, the rest notes.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so `{:<8}` aligns columns.
        f.pad(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown severity `{s}`: expected one of critical, high, medium, low, info"))
    }
}

/// Why a finding does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inline` (a `# berth: ignore=` comment) or `config` (`.berth-audit.yml`).
    pub kind: &'static str,
    pub reason: String,
}

/// One finding of one rule at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The file as given or found, with `/` separators.
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// 1-based.
    pub column: u32,
    pub message: String,
    pub fix: &'static str,
    /// The compose service or the workflow job the finding belongs to, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// A file that could not be read or parsed: the audit of that file is incomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    pub path: String,
    /// 1-based; 0 when the error has no position (an unreadable file).
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
        }
    }
}

/// A file found and not audited, and why: an audit never leaves a file out silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// What a renderer needs to know about a rule: SARIF lists every rule the run checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub fix: &'static str,
    /// Markdown.
    pub docs: &'static str,
    /// The kind of file the rule reads (`dockerfile`, `compose`, `github-actions`, `berth`).
    pub tag: &'static str,
}

/// Everything one audit run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The rules the run knew, in registry order.
    pub rules: Vec<RuleInfo>,
    pub files: Vec<String>,
    /// Sorted by path, line, column, code.
    pub diagnostics: Vec<Diagnostic>,
    pub errors: Vec<FileError>,
    /// Files found and not audited, sorted by path.
    pub skipped: Vec<Skipped>,
    /// Findings at or above this severity fail the run.
    pub fail_on: Option<Severity>,
}

impl Report {
    /// Unsuppressed findings at or above the threshold.
    pub fn failing(&self) -> usize {
        let threshold = self.fail_on.unwrap_or(Severity::High);
        self.diagnostics.iter().filter(|d| d.suppressed.is_none() && d.severity >= threshold).count()
    }

    pub fn count(&self, suppressed: bool) -> usize {
        self.diagnostics.iter().filter(|d| d.suppressed.is_some() == suppressed).count()
    }
}

/// One output format.
pub trait Renderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The output formats, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

impl Format {
    pub fn renderer(self) -> Box<dyn Renderer> {
        match self {
            Format::Text => Box::new(text::Text),
            Format::Json => Box::new(json::Json),
            Format::Sarif => Box::new(sarif::Sarif),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Info < Severity::Low && Severity::High < Severity::Critical);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().unwrap_err().contains("critical, high"));
    }

    #[test]
    fn failing_counts_unsuppressed_findings_at_the_threshold() {
        let d = |severity, suppressed: bool| Diagnostic {
            code: "BD001",
            name: "x",
            severity,
            path: "Dockerfile".into(),
            line: 1,
            column: 1,
            message: String::new(),
            fix: "",
            scope: None,
            suppressed: suppressed.then(|| Suppression { kind: "inline", reason: "r".into() }),
        };
        let report = Report {
            diagnostics: vec![d(Severity::High, false), d(Severity::Critical, true), d(Severity::Medium, false)],
            fail_on: Some(Severity::High),
            ..Report::default()
        };
        assert_eq!(report.failing(), 1);
        assert_eq!(Report { fail_on: Some(Severity::Info), ..report.clone() }.failing(), 2);
    }
}
