//! SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
//!
//! Every rule is listed with its help text; results point at `path:line:column` relative to the
//! repository root (`%SRCROOT%`). Suppressed findings keep their result with a `suppressions`
//! entry, so code scanning shows them as dismissed with the reason. Files that could not be
//! parsed become error `toolExecutionNotifications` and mark the run as not successful; files
//! found and not audited become note notifications with the reason.

use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
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

/// What stays as it is in a path's URI: RFC 3986's unreserved characters and the `/` between
/// segments. Everything else is percent-encoded (as UTF-8 bytes), so `#` and `?` stay part of the
/// path, a `\\` in a Unix file name stays a character, and controls, spaces, brackets, quotes
/// and non-ASCII letters are valid URI characters.
const PATH_KEEPS: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// Relative paths resolve against the checkout (`%SRCROOT%`); absolute ones become `file://` URIs.
fn artifact(path: &str) -> ArtifactLocation {
    let encoded = utf8_percent_encode(path, PATH_KEEPS).to_string();
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
        let errors = report.errors.iter().map(|e| Notification {
            level: "error",
            message: Text { text: format!("{}: {}", e.path, e.message) },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&e.path),
                    region: (e.line > 0).then(|| Region { start_line: e.line, start_column: e.column.max(1) }),
                },
            }],
        });
        let skipped = report.skipped.iter().map(|s| Notification {
            level: "note",
            message: Text { text: format!("{}: skipped: {}", s.path, s.reason) },
            locations: vec![Location {
                physical_location: PhysicalLocation { artifact_location: artifact(&s.path), region: None },
            }],
        });
        let notifications = errors.chain(skipped).collect();
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
    use crate::report::{Diagnostic, FileError, Skipped, Suppression};

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
        let hostile =
            Diagnostic { path: "a #1/x?y [z] {w} <v> \"u\" `t` \\ é\n\u{1b}%/Dockerfile".into(), ..d.clone() };
        let report = Report {
            rules: RULES.to_vec(),
            files: vec!["svc/Dockerfile".into()],
            diagnostics: vec![d, s, hostile],
            errors: vec![
                FileError { path: "c.yml".into(), line: 1, column: 1, message: "bad".into() },
                FileError { path: "/abs/fifo".into(), line: 0, column: 0, message: "not a regular file".into() },
            ],
            skipped: vec![Skipped { path: "vendor/Dockerfile".into(), reason: "ignored by .gitignore:1".into() }],
            fail_on: None,
        };
        let mut out = Vec::new();
        Sarif.render(&report, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    /// Errors of a SARIF log against the official SARIF 2.1.0 schema.
    pub fn schema_errors(log: &serde_json::Value) -> Vec<String> {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
        let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let validator =
            jsonschema::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles");
        validator.iter_errors(log).map(|e| format!("{}: {e}", e.instance_path())).collect()
    }

    /// Artifact URIs of a SARIF log that are not RFC 3986 URI references made of a path alone (an
    /// absolute `file:` URI or a relative path), with what is wrong.
    pub fn uri_errors(log: &serde_json::Value) -> Vec<String> {
        fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    if let Some(uri) = map.get("artifactLocation").and_then(|a| a["uri"].as_str()) {
                        match fluent_uri::UriRef::parse(uri) {
                            Err(e) => out.push(format!("{uri}: {e}")),
                            Ok(r) if r.query().is_some() || r.fragment().is_some() => {
                                out.push(format!("{uri}: has a query or fragment"))
                            }
                            Ok(r) if r.has_scheme() && r.scheme().map(|s| s.as_str()) != Some("file") => {
                                out.push(format!("{uri}: has a scheme"))
                            }
                            Ok(_) => {}
                        }
                    }
                    map.values().for_each(|v| walk(v, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(log, &mut out);
        out
    }

    #[test]
    fn log_validates_against_the_sarif_schema() {
        assert_eq!(uri_errors(&sample()), Vec::<String>::new());
        assert_eq!(uri_errors(&serde_json::json!({"artifactLocation": {"uri": "a b#c"}})).len(), 1);
        let errors = schema_errors(&sample());
        assert!(errors.is_empty(), "{errors:#?}");
        // The validator does reject what the schema forbids.
        let mut broken = sample();
        broken["runs"][0]["results"][0]["level"] = "fatal".into();
        broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
        assert_eq!(schema_errors(&broken).len(), 2, "{:?}", schema_errors(&broken));
    }

    #[test]
    fn uris_are_percent_encoded_paths() {
        let uri = |p: &str| serde_json::to_value(artifact(p)).unwrap()["uri"].as_str().unwrap().to_string();
        assert_eq!(uri("svc/Dockerfile"), "svc/Dockerfile");
        assert_eq!(uri("/abs/my file"), "file:///abs/my%20file");
        assert_eq!(uri("a#1/b?c/50%"), "a%231/b%3Fc/50%25");
        assert_eq!(uri("[]{}<>\"`\\|^"), "%5B%5D%7B%7D%3C%3E%22%60%5C%7C%5E");
        assert_eq!(uri("é\n\u{1b}"), "%C3%A9%0A%1B");
        assert_eq!(uri("c:d/Dockerfile"), "c%3Ad/Dockerfile", "a colon in the first segment is not a scheme");
        assert_eq!(uri("-_.~/x"), "-_.~/x");
        for path in ["a #1/x?y [z]/\\ é\n%", "/abs/ü?#", "c:d"] {
            let encoded = uri(path);
            let decoded =
                percent_encoding::percent_decode_str(encoded.trim_start_matches("file://")).decode_utf8().unwrap();
            assert_eq!(decoded, path, "{encoded}");
        }
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
        assert_eq!(
            run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%20%231/x%3Fy%20%5Bz%5D%20%7Bw%7D%20%3Cv%3E%20%22u%22%20%60t%60%20%5C%20%C3%A9%0A%1B%25/Dockerfile"
        );
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        let notifications = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
        let levels: Vec<&str> = notifications.iter().map(|n| n["level"].as_str().unwrap()).collect();
        assert_eq!(levels, ["error", "error", "note"]);
        let fifo = &notifications[1]["locations"][0]["physicalLocation"];
        assert_eq!(fifo["artifactLocation"]["uri"], "file:///abs/fifo");
        assert!(fifo.get("region").is_none(), "no line, no region");
        assert_eq!(notifications[2]["message"]["text"], "vendor/Dockerfile: skipped: ignored by .gitignore:1");
    }
}
