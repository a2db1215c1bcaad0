//! What a rule is: metadata, documentation and a check over one parsed file.

use super::compose::ComposeFile;
use super::context::BuildContext;
use super::dockerfile::Dockerfile;
use super::workflow::Workflow;
use crate::report::Severity;

/// The kinds of file the audit reads; each has its own code prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Dockerfile,
    Compose,
    Workflow,
    /// Rules about the audit itself (suppression comments), in every kind of file.
    Any,
}

impl FileKind {
    pub fn prefix(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "BD",
            FileKind::Compose => "BC",
            FileKind::Workflow => "BW",
            FileKind::Any => "BA",
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "dockerfile",
            FileKind::Compose => "compose",
            FileKind::Workflow => "github-actions",
            FileKind::Any => "berth",
        }
    }
}

/// What a Dockerfile rule sees: the file, and its build context when it is on disk.
pub struct DockerfileInput<'a> {
    pub file: &'a Dockerfile,
    pub context: Option<&'a BuildContext>,
    pub settings: &'a Settings,
}

/// Rule options from the configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Registries images may come from (`BD027`); empty means the rule has nothing to check.
    pub trusted_registries: Vec<String>,
}

pub enum Check {
    Dockerfile(fn(&DockerfileInput, &mut Sink)),
    Compose(fn(&ComposeFile, &mut Sink)),
    Workflow(fn(&Workflow, &mut Sink)),
    /// Findings made by the audit itself (suppression comments), not by a check.
    Engine,
}

/// One rule. Each lives in its own file under `rules/` and is listed once in the registry.
pub struct Rule {
    /// Stable: `BD` Dockerfile, `BC` compose, `BW` workflow, `BA` the audit itself.
    pub code: &'static str,
    /// kebab-case.
    pub name: &'static str,
    pub kind: FileKind,
    pub severity: Severity,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// One line: what to do.
    pub fix: &'static str,
    /// Markdown: What it does / Why is this bad? / Example / Use instead / References.
    pub docs: &'static str,
    /// Off unless the configuration's `enable:` lists it.
    pub opt_in: bool,
    pub check: Check,
}

/// A finding before it is tied to a rule and a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub scope: Option<String>,
    /// A severity other than the rule's, for a case its docs describe; `None` for the rule's.
    pub severity: Option<Severity>,
}

/// Where checks put their findings.
#[derive(Debug, Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn at(&mut self, line: u32, column: u32, message: impl Into<String>) {
        self.findings.push(Finding { line, column, message: message.into(), scope: None, severity: None });
    }

    pub fn scoped(&mut self, line: u32, column: u32, scope: &str, message: impl Into<String>) {
        self.findings.push(Finding {
            line,
            column,
            message: message.into(),
            scope: Some(scope.to_string()),
            severity: None,
        });
    }
}
