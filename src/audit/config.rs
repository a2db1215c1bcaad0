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
use serde::Deserialize;

use super::registry;
use crate::report::{Severity, Suppression};

pub const FILE_NAME: &str = ".berth-audit.yml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    fail_on: Option<String>,
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    trusted_registries: Vec<String>,
    #[serde(default)]
    disable: Vec<RawDisable>,
    #[serde(default)]
    ignore: Vec<RawIgnore>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisable {
    rule: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
    reason: String,
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
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: shown.clone(), source })?;
        Config::parse(&text).map_err(|message| ConfigError::Invalid { path: shown, message })
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            crate::yaml::from_str(text).map_err(|e| format!("{} ({})", e, crate::yaml::location(&e)))?
        };
        let known = |code: &str| -> Result<String, String> {
            let upper = code.trim().to_ascii_uppercase();
            if registry::find(&upper).is_some() {
                Ok(upper)
            } else {
                Err(format!("unknown rule `{code}` (see `berth rules`)"))
            }
        };
        let reason = |reason: &str, what: &str| -> Result<String, String> {
            let r = reason.trim();
            if r.is_empty() {
                Err(format!("{what} needs a non-empty `reason`"))
            } else {
                Ok(r.to_string())
            }
        };
        let mut config = Config {
            fail_on: raw.fail_on.as_deref().map(str::parse).transpose()?,
            trusted_registries: raw.trusted_registries,
            ..Config::default()
        };
        for code in &raw.enable {
            config.enabled.push(known(code)?);
        }
        for d in &raw.disable {
            let code = known(&d.rule)?;
            config.disabled.push((code.clone(), reason(&d.reason, &format!("disable {code}"))?));
        }
        for i in raw.ignore {
            if i.path.is_none() && i.service.is_none() {
                return Err("an `ignore` entry needs a `path` or a `service`".into());
            }
            let path = match &i.path {
                Some(p) => Some(Glob::new(p).map_err(|e| format!("ignore path `{p}`: {e}"))?.compile_matcher()),
                None => None,
            };
            let rules = i.rules.iter().map(|c| known(c)).collect::<Result<Vec<_>, _>>()?;
            let reason = reason(&i.reason, "an `ignore` entry")?;
            config.ignores.push(Ignore { path, service: i.service, rules, reason });
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
        assert!(Config::parse("disabel: []\n").unwrap_err().contains("unknown field"));
        assert!(Config::parse("enable: [XX999]\n").unwrap_err().contains("unknown rule"));
        assert!(Config::parse("disable:\n  - rule: BD001\n    reason: ''\n").unwrap_err().contains("reason"));
        assert!(Config::parse("ignore:\n  - rules: [BD001]\n    reason: x\n").unwrap_err().contains("path"));
        assert!(Config::parse("fail_on: severe\n").is_err());
    }
}
