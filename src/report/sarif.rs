//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
//!
//! Every rule is listed with its help text; results point at `path:line:column` relative to the
//! repository root (`%SRCROOT%`). Suppressed findings keep their result with a `suppressions`
//! entry, so code scanning shows them as dismissed with the reason. Files that could not be
//! parsed become `toolExecutionNotifications` and mark the run as not successful.

use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, Report, RuleInfo, Severity};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub struct Sarif;

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    /// GitHub code scanning reads this to show critical/high/medium/low.
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

/// Relative paths resolve against the checkout (`%SRCROOT%`); absolute ones become `file://` URIs.
fn artifact(path: &str) -> ArtifactLocation {
    let encoded = path.replace('%', "%25").replace(' ', "%20");
    if path.starts_with('/') {
        ArtifactLocation { uri: format!("file://{encoded}"), uri_base_id: None }
    } else {
        ArtifactLocation { uri: encoded, uri_base_id: Some("%SRCROOT%") }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn descriptors(rules: &[RuleInfo]) -> Vec<RuleDescriptor> {
    rules
        .iter()
        .map(|rule| RuleDescriptor {
            id: rule.code,
            name: rule.name,
            short_description: Text { text: rule.summary.to_string() },
            full_description: Text { text: format!("{} Fix: {}", rule.summary, rule.fix) },
            help: Help { text: rule.docs.to_string(), markdown: rule.docs.to_string() },
            default_configuration: Configuration { level: rule.severity.sarif_level() },
            properties: RuleProperties {
                tags: vec!["security", rule.tag],
                security_severity: security_severity(rule.severity),
            },
        })
        .collect()
}

impl Renderer for Sarif {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let results = report
            .diagnostics
            .iter()
            .map(|d| SarifResult {
                rule_id: d.code,
                rule_index: report.rules.iter().position(|r| r.code == d.code).unwrap_or(0),
                level: d.severity.sarif_level(),
                message: Text { text: format!("{} Fix: {}", d.message, d.fix) },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(&d.path),
                        region: Some(Region { start_line: d.line.max(1), start_column: d.column.max(1) }),
                    },
                }],
                suppressions: d
                    .suppressed
                    .iter()
                    .map(|s| SarifSuppression {
                        kind: if s.kind == "inline" { "inSource" } else { "external" },
                        justification: s.reason.clone(),
                    })
                    .collect(),
            })
            .collect();
        let notifications = report
            .errors
            .iter()
            .map(|e| Notification {
                level: "error",
                message: Text { text: format!("{}: {}", e.path, e.message) },
                locations: Vec::new(),
            })
            .collect();
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "berth",
                        version: env!("CARGO_PKG_VERSION"),
                        rules: descriptors(&report.rules),
                    },
                },
                results,
                invocations: vec![Invocation {
                    execution_successful: report.errors.is_empty(),
                    tool_execution_notifications: notifications,
                }],
                column_kind: "unicodeCodePoints",
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Diagnostic, FileError, Suppression};

    const RULES: [RuleInfo; 2] = [
        RuleInfo {
            code: "BD001",
            name: "missing-user",
            severity: Severity::High,
            summary: "s",
            fix: "f",
            docs: "## What it does",
            tag: "dockerfile",
        },
        RuleInfo {
            code: "BC001",
            name: "privileged",
            severity: Severity::Critical,
            summary: "s",
            fix: "f",
            docs: "## What it does",
            tag: "compose",
        },
    ];

    fn sample() -> serde_json::Value {
        let d = Diagnostic {
            code: RULES[0].code,
            name: RULES[0].name,
            severity: Severity::High,
            path: "svc/Dockerfile".into(),
            line: 4,
            column: 1,
            message: "m".into(),
            fix: "f",
            scope: None,
            suppressed: None,
        };
        let s = Diagnostic { suppressed: Some(Suppression { kind: "config", reason: "why".into() }), ..d.clone() };
        let report = Report {
            rules: RULES.to_vec(),
            files: vec!["svc/Dockerfile".into()],
            diagnostics: vec![d, s],
            errors: vec![FileError { path: "c.yml".into(), line: 1, column: 1, message: "bad".into() }],
            fail_on: None,
        };
        let mut out = Vec::new();
        Sarif.render(&report, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn log_has_the_required_sarif_structure() {
        let v = sample();
        assert_eq!(v["$schema"], SCHEMA);
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "berth");
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        for rule in rules {
            assert!(rule["id"].is_string() && rule["shortDescription"]["text"].is_string());
            assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
            assert!(["error", "warning", "note"].contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
            assert!(rule["properties"]["security-severity"].as_str().unwrap().parse::<f32>().is_ok());
        }
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], RULES[0].code);
        assert_eq!(result["ruleIndex"], 0);
        assert_eq!(result["level"], "error");
        assert!(result["message"]["text"].is_string());
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "svc/Dockerfile");
        assert_eq!(location["region"]["startLine"], 4);
        assert!(result.get("suppressions").is_none());
        assert_eq!(run["results"][1]["suppressions"][0]["kind"], "external");
        assert_eq!(run["results"][1]["suppressions"][0]["justification"], "why");
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert_eq!(serde_json::to_value(artifact("/abs/my file")).unwrap()["uri"], "file:///abs/my%20file");
        assert_eq!(run["invocations"][0]["toolExecutionNotifications"][0]["level"], "error");
    }
}
