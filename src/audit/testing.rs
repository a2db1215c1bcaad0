//! Helpers for rule unit tests: run one rule over a snippet.

use super::compose::ComposeFile;
use super::context::BuildContext;
use super::dockerfile::Dockerfile;
use super::rule::{Check, DockerfileInput, Finding, Rule, Settings, Sink};
use super::workflow::Workflow;
use crate::yaml::tree as yaml;

/// The rule's findings on `text` (parsed as the rule's kind of file).
pub fn findings_with(rule: &Rule, text: &str, context: Option<&BuildContext>, settings: &Settings) -> Vec<Finding> {
    let mut sink = Sink::default();
    match &rule.check {
        Check::Dockerfile(f) => {
            let file =
                Dockerfile::parse(text).unwrap_or_else(|e| panic!("test Dockerfile does not parse: {e:?}\n{text}"));
            f(&DockerfileInput { file: &file, context, settings }, &mut sink);
        }
        Check::Compose(f) => f(&ComposeFile::new(yaml::parse(text).expect("test YAML parses")), &mut sink),
        Check::Workflow(f) => f(&Workflow::with_source(yaml::parse(text).expect("test YAML parses"), text), &mut sink),
        Check::Engine => {}
    }
    sink.findings
}

pub fn findings(rule: &Rule, text: &str) -> Vec<Finding> {
    findings_with(rule, text, None, &Settings::default())
}

/// The lines the rule fires on.
pub fn lines(rule: &Rule, text: &str) -> Vec<u32> {
    let mut lines: Vec<u32> = findings(rule, text).iter().map(|f| f.line).collect();
    lines.sort();
    lines
}
