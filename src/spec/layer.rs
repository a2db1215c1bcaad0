//! Raw answers from one source, before validation.

use std::collections::BTreeMap;
use std::fmt;

use super::fields::{self, Arity, Key};
use crate::shown;
use crate::yaml::tree::{Node, Value};

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

impl RawValue {
    /// The value as berth's YAML emitter writes it.
    pub fn to_scalars(&self) -> crate::yaml::Scalars {
        match self {
            RawValue::One(s) => crate::yaml::Scalars::One(s.clone()),
            RawValue::List(items) => crate::yaml::Scalars::List(items.clone()),
        }
    }
}

impl fmt::Display for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawValue::One(s) => f.write_str(&shown::value(s)),
            RawValue::List(items) => {
                let shown: Vec<String> = items.iter().map(|i| shown::value(i)).collect();
                write!(f, "[{}]", shown.join(", "))
            }
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
            Source::Preset(name) => write!(f, "preset {}", shown::escape(&shown::clip(name, 200))),
            Source::AnswersFile(path) => write!(f, "{}", shown::escape(&shown::clip(path, 200))),
            Source::Flags => write!(f, "command line"),
            Source::Wizard => write!(f, "wizard"),
        }
    }
}

impl Source {
    /// The source at a position of its file: `berth.yml:3:1`, or the source alone when it is
    /// not a file.
    pub fn at(&self, line: u32, col: u32) -> String {
        match self {
            Source::Preset(path) | Source::AnswersFile(path) => {
                format!("{}:{line}:{col}", shown::escape(&shown::clip(path, 200)))
            }
            other => other.to_string(),
        }
    }
}

/// One problem with the answers, reported together with all others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `command line`, `berth.yml:3:1`, `preset org.yaml`.
    pub source: String,
    pub message: String,
}

impl Problem {
    pub fn new(source: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { source: source.into(), message: message.into() }
    }
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
    pub values: BTreeMap<Key, RawValue>,
    /// Line and column of each value, for answers read from a file.
    pub positions: BTreeMap<Key, (u32, u32)>,
}

impl Layer {
    pub fn new(source: Source) -> Self {
        Layer { source, values: BTreeMap::new(), positions: BTreeMap::new() }
    }

    /// Sets a field.
    pub fn put(&mut self, key: Key, value: RawValue) {
        self.values.insert(key, value);
    }

    /// Sets a field by the name a person typed; unknown names are a problem naming the closest
    /// valid key.
    pub fn set(&mut self, name: &str, value: RawValue) -> Result<Key, String> {
        match fields::field(name) {
            Some(field) => {
                self.values.insert(field.key, value);
                Ok(field.key)
            }
            None => Err(unknown_key(name, &[])),
        }
    }

    /// Parses `KEY=VALUE` as given to `--set`.
    pub fn set_assignment(&mut self, assignment: &str) -> Result<(), String> {
        let Some((key, value)) = assignment.split_once('=') else {
            return Err(format!("--set {}: expected KEY=VALUE, e.g. --set python=3.13", shown::value(assignment)));
        };
        self.set(key, RawValue::One(value.to_string()))
            .map(drop)
            .map_err(|e| format!("--set {}: {e}", shown::value(key)))
    }

    /// Where a value came from: its file position when known.
    pub fn origin(&self, key: Key) -> String {
        match self.positions.get(&key) {
            Some((line, col)) => self.source.at(*line, *col),
            None => self.source.to_string(),
        }
    }

    /// Reads the answer keys of a YAML mapping; `extra_keys` (like a preset's `description`)
    /// are accepted but not stored. Collects every problem instead of stopping at the first.
    pub fn from_node(source: Source, root: &Node, extra_keys: &[&'static str]) -> (Layer, Vec<Problem>) {
        let mut layer = Layer::new(source.clone());
        let mut problems = Vec::new();
        if root.is_null() {
            // A file of only `~` (or only comments) sets nothing.
            return (layer, problems);
        }
        let Some(entries) = root.as_map() else {
            let problem =
                Problem::new(source.at(root.line, root.col), "expected a mapping of key: value lines at the top level");
            return (layer, vec![problem]);
        };
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        for (key, value) in entries {
            let at = source.at(key.line, key.col);
            let Some(name) = key.as_str() else {
                problems.push(Problem::new(at, format!("keys must be plain text, found {}", describe(key))));
                continue;
            };
            if let Some(first) = seen.insert(name.to_string(), key.line) {
                problems.push(Problem::new(
                    at,
                    format!(
                        "duplicate key `{}` (first on line {first}); keep one",
                        shown::escape(&shown::clip(name, 80))
                    ),
                ));
                continue;
            }
            if extra_keys.contains(&name) {
                continue;
            }
            let Some(field) = fields::field(name) else {
                problems.push(Problem::new(at, unknown_key(name, extra_keys)));
                continue;
            };
            match raw_value(value, field.arity) {
                Ok(Some(raw)) => {
                    layer.values.insert(field.key, raw);
                    layer.positions.insert(field.key, (value.line, value.col));
                }
                Ok(None) => {}
                Err(e) => problems.push(Problem::new(source.at(value.line, value.col), format!("{name}: {e}"))),
            }
        }
        (layer, problems)
    }
}

/// "unknown key `pyhton`; did you mean `python`?", or the list of valid keys.
pub fn unknown_key(name: &str, extra_keys: &[&'static str]) -> String {
    let shown_name = shown::escape(&shown::clip(name.trim(), 80)).into_owned();
    match fields::closest(name, extra_keys) {
        Some(close) => format!("unknown key `{shown_name}`; did you mean `{close}`?"),
        None => {
            let mut valid = fields::keys();
            valid.extend_from_slice(extra_keys);
            format!("unknown key `{shown_name}`; valid keys: {}", valid.join(", "))
        }
    }
}

fn describe(node: &Node) -> &'static str {
    match &node.value {
        _ if node.is_null() => "nothing",
        Value::Scalar { .. } => "a plain value",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// Converts a YAML value to a raw answer; `null` means "not set".
fn raw_value(node: &Node, arity: Arity) -> Result<Option<RawValue>, String> {
    if node.is_null() {
        return Ok(None);
    }
    match (&node.value, arity) {
        (Value::Scalar { text, .. }, _) => Ok(Some(RawValue::One(text.clone()))),
        (Value::Seq(items), Arity::List) => items
            .iter()
            .map(|item| match &item.value {
                Value::Scalar { text, .. } if !item.is_null() => Ok(text.clone()),
                _ => Err(format!(
                    "list items must be plain values, found {} at line {}, column {}",
                    describe(item),
                    item.line,
                    item.col
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|items| Some(RawValue::List(items))),
        (Value::Seq(_), Arity::One) => Err("expected one value, found a list".into()),
        (Value::Map(_), _) => Err("expected a plain value, found a mapping".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree;

    fn read(text: &str) -> (Layer, Vec<Problem>) {
        Layer::from_node(Source::AnswersFile("berth.yml".into()), &tree::parse(text).unwrap(), &[])
    }

    #[test]
    fn collects_every_problem_with_its_position() {
        let (layer, problems) = read("name: etl\nbase: [slim]\npyhton: '3.13'\nbuild_packages: [{a: b}]\n");
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert_eq!(shown[0], "berth.yml:2:7: base: expected one value, found a list");
        assert_eq!(shown[1], "berth.yml:3:1: unknown key `pyhton`; did you mean `python`?");
        assert!(shown[2].starts_with("berth.yml:4:17: build_packages: list items must be plain values"), "{shown:?}");
        assert_eq!(layer.values.get(&Key::Name), Some(&RawValue::One("etl".into())));
        assert_eq!(layer.origin(Key::Name), "berth.yml:1:7");
    }

    #[test]
    fn duplicate_keys_are_reported_at_their_own_line() {
        let (_, problems) = read("python: '3.12'\npython: '3.13'\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].to_string(), "berth.yml:2:1: duplicate key `python` (first on line 1); keep one");
    }

    #[test]
    fn a_document_that_is_not_a_mapping() {
        let (layer, problems) = read("~\n");
        assert!(layer.values.is_empty() && problems.is_empty());
        let (_, problems) = read("- name\n- etl\n");
        assert_eq!(problems[0].to_string(), "berth.yml:1:1: expected a mapping of key: value lines at the top level");
    }

    #[test]
    fn numbers_and_nulls() {
        let (layer, problems) = read("port: 8080\npython: 3.13\nimage: ~\n");
        assert!(problems.is_empty());
        assert_eq!(layer.values[&Key::Port], RawValue::One("8080".into()));
        assert_eq!(layer.values[&Key::Python], RawValue::One("3.13".into()));
        assert!(!layer.values.contains_key(&Key::Image));
    }

    #[test]
    fn hostile_keys_are_shown_escaped() {
        let (_, problems) = read("\"a\\e[31mb\\nerror: x\": 1\n");
        let message = problems[0].to_string();
        assert!(!message.contains('\u{1b}') && !message.contains('\n'), "{message}");
        assert!(message.contains("\\u{1b}[31mb\\nerror: x"), "{message}");
    }

    #[test]
    fn set_assignment_errors() {
        let mut layer = Layer::new(Source::Flags);
        assert!(layer.set_assignment("python").unwrap_err().contains("KEY=VALUE"));
        assert!(layer.set_assignment("colour=blue").unwrap_err().contains("valid keys"));
        assert!(layer.set_assignment("pyton=3.12").unwrap_err().contains("did you mean `python`"));
        layer.set_assignment("build_packages=gcc, libpq-dev").unwrap();
        assert_eq!(layer.values[&Key::BuildPackages].items(), vec!["gcc", "libpq-dev"]);
    }
}
