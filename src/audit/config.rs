//! `.berth-audit.yml`: rules turned off or on, and ignores by path and service, each with a reason.
//!
//! ```yaml
//! fail_on: medium                 # optional; --fail-on wins
//! enable: [BD006, BC006]          # opt-in rules (digest pinning, OS package pinning)
//! trusted_registries: [ghcr.io/acme, docker.io]
//! disable:
//!   - rule: BD003
//!     reason: "our images resolve user names from /etc/passwd"
//! ignore:
//!   - path: "legacy/**"           # glob on the reported path
//!     rules: [BD001, BD009]       # optional: every rule when absent
//!     reason: "being replaced in Q3"
//!   - service: watchtower         # a compose service (in any file unless `path` is given)
//!     rules: [BC002]
//!     reason: "reads the socket through docker-socket-proxy"
//! ```
//! Unknown keys and unknown rule codes are errors, and every entry needs a non-empty reason.

use std::path::Path;

use globset::{Glob, GlobMatcher};

use super::registry;
use crate::report::{Severity, Suppression};
use crate::shown;
use crate::yaml::tree::{self, Node};

pub const FILE_NAME: &str = ".berth-audit.yml";

/// The largest configuration file read.
const MAX_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read { path: String, source: crate::read::ReadError },
    #[error("{path}:{message}")]
    Invalid { path: String, message: String },
}

/// A problem at a position of the file: `line:col: message` once the path is put in front. A
/// mapping is placed at its first key, where a reader sees it start.
fn at(node: &Node, message: impl std::fmt::Display) -> String {
    let node = node.as_map().and_then(|entries| entries.first()).map_or(node, |(key, _)| key);
    format!("{}:{}: {message}", node.line, node.col)
}

/// The entries of a mapping whose keys must all be among `known`.
fn mapping<'a>(node: &'a Node, what: &str, known: &[&str]) -> Result<Vec<(&'a str, &'a Node)>, String> {
    let Some(entries) = node.as_map() else {
        return Err(at(node, format!("{what} must be a mapping")));
    };
    let mut out: Vec<(&str, &Node)> = Vec::new();
    for (key, value) in entries {
        let Some(name) = key.as_str() else { return Err(at(key, "keys must be plain text")) };
        if !known.contains(&name) {
            return Err(at(
                key,
                format!(
                    "unknown field `{}` in {what}; expected one of {}",
                    shown::escape(&shown::clip(name, 80)),
                    known.join(", ")
                ),
            ));
        }
        if out.iter().any(|(seen, _)| *seen == name) {
            return Err(at(key, format!("duplicate field `{name}` in {what}")));
        }
        out.push((name, value));
    }
    Ok(out)
}

fn scalar(node: &Node, what: &str) -> Result<String, String> {
    match node.as_str() {
        Some(s) if !node.is_null() => Ok(s.to_string()),
        _ => Err(at(node, format!("{what} must be text"))),
    }
}

fn scalars<'a>(node: &'a Node, what: &str) -> Result<Vec<(String, &'a Node)>, String> {
    if node.is_null() {
        return Ok(Vec::new());
    }
    let Some(items) = node.as_seq() else { return Err(at(node, format!("{what} must be a list"))) };
    items.iter().map(|item| scalar(item, &format!("each item of {what}")).map(|t| (t, item))).collect()
}

fn list<'a>(node: &'a Node, what: &str) -> Result<&'a [Node], String> {
    if node.is_null() {
        return Ok(&[]);
    }
    node.as_seq().ok_or_else(|| at(node, format!("{what} must be a list")))
}

#[derive(Debug)]
pub struct Ignore {
    path: Option<GlobMatcher>,
    service: Option<String>,
    rules: Vec<String>,
    reason: String,
}

/// The checked configuration.
#[derive(Debug, Default)]
pub struct Config {
    pub fail_on: Option<Severity>,
    pub enabled: Vec<String>,
    pub trusted_registries: Vec<String>,
    pub disabled: Vec<(String, String)>,
    pub ignores: Vec<Ignore>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = shown::escape(&path.display().to_string()).into_owned();
        let text = crate::read::text_limited(path, MAX_BYTES)
            .map_err(|source| ConfigError::Read { path: shown.clone(), source })?;
        Config::parse(&text).map_err(|message| ConfigError::Invalid { path: shown, message })
    }

    /// Parses the configuration; an error reads `line:col: message`.
    pub fn parse(text: &str) -> Result<Config, String> {
        let root = tree::parse(text).map_err(|e| format!("{}:{}: invalid YAML: {}", e.line, e.col, e.message))?;
        if root.is_null() {
            return Ok(Config::default());
        }
        let known = |node: &Node, code: &str| -> Result<String, String> {
            let upper = code.trim().to_ascii_uppercase();
            if registry::find(&upper).is_some() {
                Ok(upper)
            } else {
                Err(at(node, format!("unknown rule `{}` (see `berth rules`)", shown::escape(&shown::clip(code, 40)))))
            }
        };
        let reason = |node: Option<&Node>, parent: &Node, what: &str| -> Result<String, String> {
            let r = match node {
                Some(n) => scalar(n, "reason")?,
                None => String::new(),
            };
            let r = r.trim();
            if r.is_empty() {
                Err(at(node.unwrap_or(parent), format!("{what} needs a non-empty `reason`")))
            } else {
                Ok(r.to_string())
            }
        };
        let mut config = Config::default();
        let fields =
            mapping(&root, "the configuration", &["fail_on", "enable", "trusted_registries", "disable", "ignore"])?;
        for (name, value) in fields {
            match name {
                "fail_on" if value.is_null() => {}
                "fail_on" => config.fail_on = Some(scalar(value, "fail_on")?.parse().map_err(|e| at(value, e))?),
                "enable" => {
                    for (code, node) in scalars(value, "enable")? {
                        config.enabled.push(known(node, &code)?);
                    }
                }
                "trusted_registries" => {
                    config.trusted_registries =
                        scalars(value, "trusted_registries")?.into_iter().map(|(t, _)| t).collect();
                }
                "disable" => {
                    for entry in list(value, "disable")? {
                        let fields = mapping(entry, "a `disable` entry", &["rule", "reason"])?;
                        let get = |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
                        let Some(rule) = get("rule") else { return Err(at(entry, "a `disable` entry needs a `rule`")) };
                        let code = known(rule, &scalar(rule, "rule")?)?;
                        let why = reason(get("reason"), entry, &format!("disable {code}"))?;
                        config.disabled.push((code, why));
                    }
                }
                _ => {
                    for entry in list(value, "ignore")? {
                        let fields = mapping(entry, "an `ignore` entry", &["path", "service", "rules", "reason"])?;
                        let get =
                            |k: &str| fields.iter().find(|(n, _)| *n == k).map(|(_, v)| *v).filter(|v| !v.is_null());
                        let path = get("path").map(|p| scalar(p, "path")).transpose()?;
                        let service = get("service").map(|s| scalar(s, "service")).transpose()?;
                        if path.is_none() && service.is_none() {
                            return Err(at(entry, "an `ignore` entry needs a `path` or a `service`"));
                        }
                        let path = match (&path, get("path")) {
                            (Some(p), Some(node)) => Some(
                                Glob::new(p)
                                    .map_err(|e| {
                                        at(node, format!("ignore path `{}`: {e}", shown::escape(&shown::clip(p, 80))))
                                    })?
                                    .compile_matcher(),
                            ),
                            _ => None,
                        };
                        let mut rules = Vec::new();
                        if let Some(node) = get("rules") {
                            for (code, item) in scalars(node, "rules")? {
                                rules.push(known(item, &code)?);
                            }
                        }
                        let reason = reason(get("reason"), entry, "an `ignore` entry")?;
                        config.ignores.push(Ignore { path, service, rules, reason });
                    }
                }
            }
        }
        Ok(config)
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.iter().any(|c| c == code)
    }

    /// The configuration's suppression of a finding, if any.
    pub fn suppression(&self, code: &str, path: &str, scope: Option<&str>) -> Option<Suppression> {
        if let Some((_, reason)) = self.disabled.iter().find(|(c, _)| c == code) {
            return Some(Suppression { kind: "config", reason: reason.clone() });
        }
        self.ignores
            .iter()
            .find(|i| {
                (i.rules.is_empty() || i.rules.iter().any(|r| r == code))
                    && i.path.as_ref().is_none_or(|g| g.is_match(path))
                    && i.service.as_deref().is_none_or(|s| scope == Some(s))
            })
            .map(|i| Suppression { kind: "config", reason: i.reason.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_applies() {
        let c = Config::parse(
            "fail_on: medium\nenable: [bd006]\ndisable:\n  - rule: BD003\n    reason: names resolve\nignore:\n  - path: 'legacy/**'\n    reason: old\n  - service: db\n    rules: [BD030]\n    reason: dev only\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(Severity::Medium));
        assert!(c.is_enabled("BD006"));
        assert_eq!(c.suppression("BD003", "x/Dockerfile", None).unwrap().reason, "names resolve");
        assert!(c.suppression("BD001", "legacy/a/Dockerfile", None).is_some());
        assert!(c.suppression("BD001", "new/Dockerfile", None).is_none());
        assert!(c.suppression("BD030", "compose.yml", Some("db")).is_some());
        assert!(c.suppression("BD030", "compose.yml", Some("app")).is_none());
    }

    #[test]
    fn rejects_typos_unknown_rules_and_missing_reasons() {
        assert_eq!(
            Config::parse("enable: []\ndisabel: []\n").unwrap_err(),
            "2:1: unknown field `disabel` in the configuration; expected one of fail_on, enable, trusted_registries, disable, ignore"
        );
        assert!(Config::parse("enable: [XX999]\n").unwrap_err().contains("unknown rule"));
        assert!(Config::parse("disable:\n  - rule: BD001\n    reason: ''\n").unwrap_err().contains("reason"));
        assert!(Config::parse("ignore:\n  - rules: [BD001]\n    reason: x\n").unwrap_err().contains("path"));
        assert!(Config::parse("fail_on: severe\n").unwrap_err().starts_with("1:10: "));
    }

    #[test]
    fn errors_carry_positions() {
        assert!(Config::parse("enable: [BD001, XX999]\n").unwrap_err().starts_with("1:17: unknown rule `XX999`"));
        assert!(Config::parse("disable:\n  - rule: BD001\n    reason: ''\n").unwrap_err().starts_with("3:13: "));
        assert!(Config::parse("ignore:\n  - rules: [BD001]\n    reason: x\n").unwrap_err().starts_with("2:5: "));
        assert!(Config::parse("ignore: [\n").unwrap_err().contains("invalid YAML"));
        assert!(Config::parse("enable: BD001\n").unwrap_err().starts_with("1:9: enable must be a list"));
        assert!(Config::parse("fail_on: high\nfail_on: low\n").unwrap_err().starts_with("2:1: duplicate field"));
        assert!(Config::parse("").unwrap().fail_on.is_none());
        assert!(Config::parse("# nothing\n").unwrap().enabled.is_empty());
    }

    #[test]
    fn unreadable_files_are_errors() {
        let err = Config::load(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(err.starts_with("/dev/zero: cannot read: is not a regular file"), "{err}");
    }
}
