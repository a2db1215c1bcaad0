//! YAML with positions: compose files, workflows and berth's own files.
//!
//! `serde_yaml_ng` (used through `crate::yaml` for berth's own files) keeps no positions, and
//! every finding needs a line. This module builds a small tree from `yaml-rust2`'s marked events,
//! resolving anchors, aliases and `<<` merge keys, so rules see what Compose sees. It is the only
//! user of `yaml-rust2`.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Most nodes aliases may add by expansion ("billion laughs" protection); nodes written out in
/// the text are bounded by its size.
const MAX_EXPANDED: usize = 1_000_000;
/// Deepest nesting accepted.
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `plain` is false for quoted and block scalars: `"true"` is a string, `true` a boolean.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub value: Value,
    /// 1-based.
    pub line: u32,
    /// 1-based.
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value node of `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A YAML null: `~`, `null` or nothing.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if text.is_empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    }

    /// `true`/`false`, also when quoted (Compose accepts both).
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Some(true),
            "false" | "no" | "off" => Some(false),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Mapping entries with string keys.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node, &Node)> {
        self.as_map().unwrap_or(&[]).iter().filter_map(|(k, v)| k.as_str().map(|key| (key, k, v)))
    }

    /// A sequence's items, or nothing.
    pub fn items(&self) -> &[Node] {
        self.as_seq().unwrap_or(&[])
    }
}

/// Parses the first document of `text`. An empty file is an empty mapping.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| YamlError {
        line: e.marker().line() as u32,
        col: e.marker().col() as u32 + 1,
        message: e.info().to_string(),
    })?;
    if let Some(error) = builder.error {
        return Err(error);
    }
    Ok(builder.root.unwrap_or(Node { value: Value::Map(Vec::new()), line: 1, col: 1 }))
}

enum Frame {
    Seq(Node, usize),
    Map(Node, usize, Option<Node>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    expanded: usize,
    error: Option<YamlError>,
    done: bool,
}

fn position(mark: Marker) -> (u32, u32) {
    (mark.line() as u32, mark.col() as u32 + 1)
}

fn count(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(k, v)| count(k) + count(v)).sum::<usize>(),
    }
}

impl Builder {
    fn fail(&mut self, mark: Marker, message: &str) {
        if self.error.is_none() {
            let (line, col) = position(mark);
            self.error = Some(YamlError { line, col, message: message.to_string() });
        }
    }

    fn push_value(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
                self.done = true;
            }
            Some(Frame::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push((key, node));
                    }
                }
            },
        }
    }
}

/// Applies `<<` merge keys: entries of the merged mappings that the mapping does not set itself.
fn merge_keys(map: &mut Node) {
    let Value::Map(entries) = &mut map.value else { return };
    if !entries.iter().any(|(k, _)| matches!(&k.value, Value::Scalar { text, plain: true } if text == "<<")) {
        return;
    }
    let mut own = Vec::new();
    let mut merged = Vec::new();
    for (k, v) in std::mem::take(entries) {
        if matches!(&k.value, Value::Scalar { text, plain: true } if text == "<<") {
            match v.value {
                Value::Map(inner) => merged.extend(inner),
                Value::Seq(items) => {
                    for item in items {
                        if let Value::Map(inner) = item.value {
                            merged.extend(inner);
                        }
                    }
                }
                Value::Scalar { .. } => {}
            }
        } else {
            own.push((k, v));
        }
    }
    for (k, v) in merged {
        let present = own.iter().any(|(o, _): &(Node, Node)| o.value == k.value);
        if !present {
            own.push((k, v));
        }
    }
    *entries = own;
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() || self.done {
            return;
        }
        let (line, col) = position(mark);
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let plain = style == TScalarStyle::Plain;
                self.push_value(Node { value: Value::Scalar { text, plain }, line, col }, anchor);
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(mut node) => {
                    self.expanded += count(&node);
                    if self.expanded > MAX_EXPANDED {
                        return self.fail(mark, "too many nodes after expanding aliases");
                    }
                    // An alias is reported where it is used.
                    node.line = line;
                    node.col = col;
                    self.push_value(node, 0);
                }
                None => self.fail(mark, "alias to an unknown anchor"),
            },
            Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return self.fail(mark, "nesting is too deep");
                }
                self.stack.push(Frame::Seq(Node { value: Value::Seq(Vec::new()), line, col }, anchor));
            }
            Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return self.fail(mark, "nesting is too deep");
                }
                self.stack.push(Frame::Map(Node { value: Value::Map(Vec::new()), line, col }, anchor, None));
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(node, anchor)) = self.stack.pop() {
                    self.push_value(node, anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(mut node, anchor, _)) = self.stack.pop() {
                    merge_keys(&mut node);
                    self.push_value(node, anchor);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_and_columns() {
        let doc = parse("a: 1\nb:\n  c: [x, y]\n  d: \"true\"\n").unwrap();
        let c = doc.get("b").unwrap().get("c").unwrap();
        assert_eq!((c.line, c.col), (3, 6));
        assert_eq!(c.items()[1].as_str(), Some("y"));
        assert_eq!(doc.get("b").unwrap().get("d").unwrap().value, Value::Scalar { text: "true".into(), plain: false });
    }

    #[test]
    fn resolves_anchors_and_merge_keys() {
        let text =
            "x-base: &base\n  privileged: true\n  user: root\nservices:\n  a:\n    <<: *base\n    user: \"1000\"\n";
        let doc = parse(text).unwrap();
        let a = doc.get("services").unwrap().get("a").unwrap();
        assert_eq!(a.get("user").unwrap().as_str(), Some("1000"));
        let privileged = a.get("privileged").unwrap();
        assert_eq!(privileged.as_bool(), Some(true));
        assert_eq!(privileged.line, 2, "merged values keep the anchor's position");
        assert!(a.get("<<").is_none());
    }

    #[test]
    fn merges_a_list_of_mappings() {
        let doc = parse("a: &a {p: 1}\nb: &b {q: 2}\nc:\n  <<: [*a, *b]\n").unwrap();
        let c = doc.get("c").unwrap();
        assert!(c.get("p").is_some() && c.get("q").is_some());
    }

    #[test]
    fn errors_carry_a_position() {
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.line >= 1, "{err:?}");
        assert!(parse("a: *nothing\n").is_err());
    }

    #[test]
    fn refuses_alias_bombs() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("too many"), "{err:?}");
    }

    #[test]
    fn empty_is_an_empty_mapping() {
        assert_eq!(parse("").unwrap().as_map().map(|m| m.len()), Some(0));
        assert_eq!(parse("# only a comment\n").unwrap().as_map().map(|m| m.len()), Some(0));
    }
}
