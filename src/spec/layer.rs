//! Raw answers from one source, before validation.

use std::collections::BTreeMap;
use std::fmt;

use super::fields::{self, Arity};
use crate::yaml::{self, Value};

/// A raw answer: one value, or a list for list fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    One(String),
    List(Vec<String>),
}

impl RawValue {
    /// The items of a list field; a single value is split on commas.
    pub fn items(&self) -> Vec<String> {
        match self {
            RawValue::One(s) => s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
            RawValue::List(items) => items.clone(),
        }
    }
}

impl fmt::Display for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawValue::One(s) => write!(f, "{s:?}"),
            RawValue::List(items) => write!(f, "{items:?}"),
        }
    }
}

/// Where a layer's answers came from; named in every error about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Defaults,
    Preset(String),
    AnswersFile(String),
    Flags,
    Wizard,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Defaults => write!(f, "built-in defaults"),
            Source::Preset(name) => write!(f, "preset {name}"),
            Source::AnswersFile(path) => write!(f, "{path}"),
            Source::Flags => write!(f, "command line"),
            Source::Wizard => write!(f, "wizard"),
        }
    }
}

/// One problem with the answers, reported together with all others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub source: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

/// The answers one source gives, keyed by field.
#[derive(Debug, Clone)]
pub struct Layer {
    pub source: Source,
    pub values: BTreeMap<&'static str, RawValue>,
}

impl Layer {
    pub fn new(source: Source) -> Self {
        Layer { source, values: BTreeMap::new() }
    }

    /// Sets a field by key; unknown keys are a problem listing the valid ones.
    pub fn set(&mut self, key: &str, value: RawValue) -> Result<(), String> {
        let key = key.trim();
        match fields::field(key) {
            Some(field) => {
                self.values.insert(field.key, value);
                Ok(())
            }
            None => Err(unknown_key(key)),
        }
    }

    /// Parses `KEY=VALUE` as given to `--set`.
    pub fn set_assignment(&mut self, assignment: &str) -> Result<(), String> {
        let Some((key, value)) = assignment.split_once('=') else {
            return Err(format!("--set {assignment:?}: expected KEY=VALUE, e.g. --set python=3.13"));
        };
        self.set(key, RawValue::One(value.to_string())).map_err(|e| format!("--set {key}: {e}"))
    }

    /// Reads the answer keys of a YAML mapping; `extra_keys` (like a preset's `description`)
    /// are accepted but not stored. Collects every problem instead of stopping at the first.
    pub fn from_mapping(source: Source, map: &yaml::Mapping, extra_keys: &[&str]) -> (Layer, Vec<Problem>) {
        let mut layer = Layer::new(source.clone());
        let mut problems = Vec::new();
        let mut problem = |message: String| problems.push(Problem { source: source.to_string(), message });
        for (key, value) in map {
            let Some(key) = key.as_str() else {
                problem(format!("keys must be strings, found {}", describe(key)));
                continue;
            };
            if extra_keys.contains(&key) {
                continue;
            }
            let Some(field) = fields::field(key) else {
                let mut valid = fields::keys();
                valid.extend_from_slice(extra_keys);
                problem(format!("unknown key `{key}`; valid keys: {}", valid.join(", ")));
                continue;
            };
            match raw_value(value, field.arity) {
                Ok(Some(raw)) => {
                    layer.values.insert(field.key, raw);
                }
                Ok(None) => {}
                Err(e) => problem(format!("{key}: {e}")),
            }
        }
        (layer, problems)
    }
}

pub fn unknown_key(key: &str) -> String {
    format!("unknown key `{key}`; valid keys: {}", fields::keys().join(", "))
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Converts a YAML value to a raw answer; `null` means "not set".
fn raw_value(value: &Value, arity: Arity) -> Result<Option<RawValue>, String> {
    match (value, arity) {
        (Value::Null, _) => Ok(None),
        (Value::Sequence(items), Arity::List) => items
            .iter()
            .map(|item| {
                scalar(item).ok_or_else(|| format!("list items must be plain values, found {}", describe(item)))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|items| Some(RawValue::List(items))),
        (Value::Sequence(_), Arity::One) => Err("expected one value, found a list".into()),
        (other, _) => scalar(other)
            .map(|s| Some(RawValue::One(s)))
            .ok_or_else(|| format!("expected a plain value, found {}", describe(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(text: &str) -> yaml::Mapping {
        yaml::from_str(text).unwrap()
    }

    #[test]
    fn collects_every_problem() {
        let map = mapping("pyhton: '3.13'\nbase: [slim]\nbuild_packages: [{a: b}]\nname: etl\n");
        let (layer, problems) = Layer::from_mapping(Source::AnswersFile("berth.yml".into()), &map, &[]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].message.contains("unknown key `pyhton`"));
        assert!(problems[0].message.contains("python"));
        assert_eq!(layer.values.get("name"), Some(&RawValue::One("etl".into())));
    }

    #[test]
    fn numbers_become_strings() {
        let map = mapping("port: 8080\npython: 3.13\n");
        let (layer, problems) = Layer::from_mapping(Source::Flags, &map, &[]);
        assert!(problems.is_empty());
        assert_eq!(layer.values["port"], RawValue::One("8080".into()));
        assert_eq!(layer.values["python"], RawValue::One("3.13".into()));
    }

    #[test]
    fn set_assignment_errors() {
        let mut layer = Layer::new(Source::Flags);
        assert!(layer.set_assignment("python").unwrap_err().contains("KEY=VALUE"));
        assert!(layer.set_assignment("colour=blue").unwrap_err().contains("valid keys"));
        layer.set_assignment("build_packages=gcc, libpq-dev").unwrap();
        assert_eq!(layer.values["build_packages"].items(), vec!["gcc", "libpq-dev"]);
    }
}
