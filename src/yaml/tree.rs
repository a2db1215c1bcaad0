//! YAML with positions: compose files, workflows and berth's own files.
//!
//! Events come from libyaml (`events`), the parser Compose's go-yaml and compose-lint's PyYAML
//! follow, so berth accepts what they accept. This module builds a small tree from them,
//! resolving anchors, aliases and `<<` merge keys so rules see what Compose sees, and refusing
//! what would hurt: nesting deeper than [`MAX_DEPTH`] (checked as each collection opens, so
//! nothing recurses past it) and more than [`MAX_NODES`] nodes counting alias expansions
//! ("billion laughs"). Duplicate keys are kept for readers that report them their own way, or
//! refused as Compose and GitHub refuse them ([`Duplicates`]).

use std::collections::{HashMap, HashSet};

use super::events::{Event, Events, Mark};
use crate::shown;

/// Most nodes a stream may hold, counting each node an alias copies: far above any real compose
/// file or workflow, and it bounds the memory an alias bomb or a huge file can take.
pub const MAX_NODES: usize = 2_000_000;
/// Deepest nesting of mappings and sequences accepted, also after aliases are expanded.
pub const MAX_DEPTH: usize = 256;

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
    pub tag: Tag,
}

/// The tags berth acts on. Others are read as if absent, except that a scalar tagged `!!str` is
/// not plain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tag {
    #[default]
    None,
    /// Compose's `!reset` (2.24+): the value is dropped, and so is what a file merged under it
    /// gave the same key.
    Reset,
    /// Compose's `!override`: the value replaces what a file merged under it gave the same key,
    /// instead of being merged with it.
    Override,
}

impl Tag {
    fn of(tag: Option<&str>) -> Tag {
        match tag {
            Some("!reset") => Tag::Reset,
            Some("!override") => Tag::Override,
            _ => Tag::None,
        }
    }
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

/// What to do with a key a mapping already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// Keep both entries, in order ([`Node::get`] finds the first).
    Keep,
    /// An error at the second, naming the first's line, as Compose (go-yaml) and GitHub refuse
    /// such a file; keys are compared by their text, `a` and `"a"` alike.
    Refuse,
}

/// Parses the first document of `text`, keeping duplicate keys. An empty file is an empty
/// mapping.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut documents = build(text, 1, Duplicates::Keep)?;
    Ok(documents.pop().unwrap_or_else(empty))
}

/// Parses every document of `text` (Compose reads them all and merges them), in order. An empty
/// stream is one empty mapping.
pub fn parse_all(text: &str, duplicates: Duplicates) -> Result<Vec<Node>, YamlError> {
    let documents = build(text, usize::MAX, duplicates)?;
    Ok(if documents.is_empty() { vec![empty()] } else { documents })
}

fn empty() -> Node {
    Node { value: Value::Map(Vec::new()), line: 1, col: 1, tag: Tag::None }
}

/// A node being built, with what the limits need to know about it.
struct Built {
    node: Node,
    /// Nodes in it, itself included.
    size: usize,
    /// Levels of collections in it: 0 for a scalar.
    depth: usize,
}

enum Frame {
    Seq {
        built: Built,
        anchor: Option<String>,
    },
    /// `keys` indexes the scalar keys once the mapping is large; small ones are searched.
    Map {
        built: Built,
        anchor: Option<String>,
        key: Option<Node>,
        keys: Option<KeyIndex>,
    },
}

impl Frame {
    fn built(&mut self) -> &mut Built {
        match self {
            Frame::Seq { built, .. } | Frame::Map { built, .. } => built,
        }
    }
}

struct Builder {
    duplicates: Duplicates,
    stack: Vec<Frame>,
    /// Anchored nodes, with their size and depth.
    anchors: HashMap<String, (Node, usize, usize)>,
    documents: Vec<Node>,
    nodes: usize,
}

fn error(mark: Mark, message: String) -> YamlError {
    YamlError { line: mark.line, col: mark.col, message }
}

/// Builds up to `limit` documents.
fn build(text: &str, limit: usize, duplicates: Duplicates) -> Result<Vec<Node>, YamlError> {
    let mut builder =
        Builder { duplicates, stack: Vec::new(), anchors: HashMap::new(), documents: Vec::new(), nodes: 0 };
    for event in Events::new(text)? {
        let (event, mark) = event?;
        match event {
            Event::DocumentStart => {}
            Event::DocumentEnd => {
                if builder.documents.len() >= limit {
                    break;
                }
            }
            Event::Scalar { text, plain, anchor, tag } => {
                // `!!str true` is a string, as a quoted `"true"` is.
                let plain = plain && tag.as_deref() != Some("tag:yaml.org,2002:str");
                let (line, col) = (mark.line, mark.col);
                let node = Node { value: Value::Scalar { text, plain }, line, col, tag: Tag::of(tag.as_deref()) };
                builder.count(1, mark)?;
                builder.push(Built { node, size: 1, depth: 0 }, anchor, mark)?;
            }
            Event::Alias(name) => {
                let Some(&(_, size, depth)) = builder.anchors.get(&name) else {
                    return Err(error(mark, format!("alias *{} refers to no anchor", shown::value(&name))));
                };
                // Counted before it is copied.
                builder.count(size, mark)?;
                // An alias is reported where it is used.
                let node = Node { line: mark.line, col: mark.col, ..builder.anchors[&name].0.clone() };
                builder.push(Built { node, size, depth }, None, mark)?;
            }
            Event::SequenceStart { anchor, tag } => {
                builder.open(mark)?;
                let tag = Tag::of(tag.as_deref());
                let node = Node { value: Value::Seq(Vec::new()), line: mark.line, col: mark.col, tag };
                builder.stack.push(Frame::Seq { built: Built { node, size: 1, depth: 1 }, anchor });
            }
            Event::MappingStart { anchor, tag } => {
                builder.open(mark)?;
                let tag = Tag::of(tag.as_deref());
                let node = Node { value: Value::Map(Vec::new()), line: mark.line, col: mark.col, tag };
                let built = Built { node, size: 1, depth: 1 };
                builder.stack.push(Frame::Map { built, anchor, key: None, keys: None });
            }
            Event::SequenceEnd | Event::MappingEnd => match builder.stack.pop() {
                Some(Frame::Seq { built, anchor }) => builder.push(built, anchor, mark)?,
                Some(Frame::Map { mut built, anchor, .. }) => {
                    merge_keys(&mut built.node);
                    builder.push(built, anchor, mark)?;
                }
                None => {}
            },
        }
    }
    Ok(builder.documents)
}

impl Builder {
    /// A collection opens: one more level, one more node.
    fn open(&mut self, mark: Mark) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error(
                mark,
                format!("nesting too deep: more than {MAX_DEPTH} levels of mappings and sequences"),
            ));
        }
        self.count(1, mark)
    }

    fn count(&mut self, nodes: usize, mark: Mark) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err(error(mark, format!("too many nodes: more than {MAX_NODES}, counting what aliases repeat")));
        }
        Ok(())
    }

    /// A complete node goes into its parent (or becomes a document).
    fn push(&mut self, built: Built, anchor: Option<String>, mark: Mark) -> Result<(), YamlError> {
        if let Some(name) = anchor {
            // The copy kept for aliases counts like the copies they make.
            self.count(built.size, mark)?;
            self.anchors.insert(name, (built.node.clone(), built.size, built.depth));
        }
        if self.stack.len() + built.depth > MAX_DEPTH {
            return Err(error(
                mark,
                format!("nesting too deep: more than {MAX_DEPTH} levels of mappings and sequences"),
            ));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.documents.push(built.node);
            return Ok(());
        };
        let parent = frame.built();
        parent.size += built.size;
        parent.depth = parent.depth.max(built.depth + 1);
        match frame {
            Frame::Seq { built: parent, .. } => {
                if let Value::Seq(items) = &mut parent.node.value {
                    items.push(built.node);
                }
            }
            Frame::Map { built: parent, key, keys, .. } => match key.take() {
                None => {
                    let refuse = self.duplicates == Duplicates::Refuse;
                    if let (true, Value::Scalar { text, .. }, Value::Map(entries)) =
                        (refuse, &built.node.value, &parent.node.value)
                    {
                        if let Some(first) = first_line_of(keys, entries, text) {
                            return Err(error(
                                Mark { line: built.node.line, col: built.node.col },
                                format!("duplicate key {} (first at line {first})", shown::value(text)),
                            ));
                        }
                    }
                    *key = Some(built.node);
                }
                Some(k) => {
                    if let Value::Map(entries) = &mut parent.node.value {
                        entries.push((k, built.node));
                    }
                }
            },
        }
        Ok(())
    }
}

/// Mappings up to this many entries are searched for a duplicate key; larger ones indexed.
const SEARCHED: usize = 16;

/// The scalar keys of a large mapping being built, with their lines.
#[derive(Default)]
struct KeyIndex {
    lines: HashMap<String, u32>,
    /// Entries indexed so far.
    indexed: usize,
}

/// The line where `key` is already set in a mapping being built, if it is; compared as Compose
/// compares keys, by their text.
fn first_line_of(index: &mut Option<KeyIndex>, entries: &[(Node, Node)], key: &str) -> Option<u32> {
    if entries.len() < SEARCHED {
        return entries.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, _)| k.line);
    }
    let index = index.get_or_insert_with(KeyIndex::default);
    for (k, _) in &entries[index.indexed..] {
        if let Some(text) = k.as_str() {
            index.lines.entry(text.to_string()).or_insert(k.line);
        }
    }
    index.indexed = entries.len();
    index.lines.get(key).copied()
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
    // Keys the mapping sets itself win, then the first merged mapping that sets a key. Keys are
    // compared as Compose does, by their text (`a` and `"a"` are the same key).
    let mut present: HashSet<String> = own.iter().filter_map(|(k, _)| k.as_str().map(str::to_string)).collect();
    for (k, v) in merged {
        if k.as_str().is_none_or(|key| present.insert(key.to_string())) {
            own.push((k, v));
        }
    }
    *entries = own;
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

    fn nesting_error(text: &str) -> YamlError {
        let err = parse(text).unwrap_err();
        assert!(err.message.contains("nesting too deep"), "{err:?}");
        err
    }

    #[test]
    fn deep_nesting_is_an_error_at_its_line_without_recursing() {
        let deep = 6000;
        let prefix = "services:\n  a:\n    environment:\n      ";
        let err = nesting_error(&format!("{prefix}{}x\n", "- ".repeat(deep)));
        assert_eq!(err.line, 4);
        nesting_error(&format!("{prefix}{}{}\n", "[".repeat(deep), "]".repeat(deep)));
        nesting_error(&format!("{prefix}{}\n", "[".repeat(deep)));
        nesting_error(&format!("{prefix}{}b{}\n", "{a: ".repeat(deep), "}".repeat(deep)));
        let mut blocks = String::from("a:\n");
        for level in 1..300 {
            blocks.push_str(&format!("{}k:\n", "  ".repeat(level)));
        }
        let err = nesting_error(&blocks);
        assert_eq!(err.line, MAX_DEPTH as u32 + 1, "the first mapping past the limit");
        // At the limit itself, the tree is built.
        let at_limit = format!("{}x{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&at_limit).is_ok());
    }

    #[test]
    fn aliases_cannot_nest_past_the_limit() {
        let half = MAX_DEPTH / 2 + 1;
        let text =
            format!("a: &a {}x{}\nb: {}*a{}\n", "[".repeat(half), "]".repeat(half), "[".repeat(half), "]".repeat(half));
        let err = nesting_error(&text);
        assert_eq!(err.line, 2);
    }

    #[test]
    fn duplicate_keys_are_errors_naming_both_lines() {
        let strict = |text: &str| parse_all(text, Duplicates::Refuse).map(|mut d| d.remove(0));
        let kept = parse("a: 1\na: 2\n").unwrap();
        assert_eq!((kept.as_map().unwrap().len(), kept.get("a").unwrap().as_str()), (2, Some("1")));
        let parse = strict;
        let err = parse("services:\n  a:\n    image: x\n    image: y\n").unwrap_err();
        assert_eq!((err.line, err.col), (4, 5));
        assert_eq!(err.message, "duplicate key \"image\" (first at line 3)");
        assert!(parse("a: {b: 1, \"b\": 2}\n").is_err(), "quoted or not, the same key");
        assert!(parse("x: &x {k: 1}\na:\n  <<: *x\n  k: 2\n").is_ok(), "a merged key is not a duplicate");
        let large: String = (0..40).map(|i| format!("k{i}: v\n")).collect();
        assert!(parse(&large).is_ok());
        let err = parse(&format!("{large}k3: again\n")).unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (41, "duplicate key \"k3\" (first at line 4)"));
    }

    #[test]
    fn merged_keys_are_compared_by_text() {
        let doc = parse("x: &x {\"user\": root, extra: 1}\na:\n  <<: *x\n  user: app\n").unwrap();
        let a = doc.get("a").unwrap();
        assert_eq!(a.as_map().unwrap().len(), 2);
        assert_eq!(a.get("user").unwrap().as_str(), Some("app"));
    }

    #[test]
    fn composes_reset_and_override_tags_are_kept() {
        let doc =
            parse("a: !reset []\nb: !override {x: 1}\nc: !reset null\nd: !custom [1]\ne: &e !override [1]\nf: *e\n")
                .unwrap();
        let tags: Vec<Tag> = doc.entries().map(|(_, _, v)| v.tag).collect();
        assert_eq!(tags, [Tag::Reset, Tag::Override, Tag::Reset, Tag::None, Tag::Override, Tag::Override]);
        assert!(doc.get("c").unwrap().is_null());
    }

    #[test]
    fn explicit_string_tags_are_not_plain() {
        let doc = parse("a: !!str true\nb: !custom true\n").unwrap();
        assert_eq!(doc.get("a").unwrap().value, Value::Scalar { text: "true".into(), plain: false });
        assert_eq!(doc.get("b").unwrap().value, Value::Scalar { text: "true".into(), plain: true });
    }

    #[test]
    fn every_document_is_read_by_parse_all() {
        let docs = parse_all("a: 1\n---\nb: 2\n...\n---\nc: [3\n", Duplicates::Keep).unwrap_err();
        assert_eq!(docs.line, 7, "an error in a later document is found: {docs:?}");
        let docs = parse_all("a: 1\n---\nb: 2\n", Duplicates::Keep).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].get("b").unwrap().line, 3);
        assert_eq!(
            parse("a: 1\n---\nb: [\n").unwrap().get("a").unwrap().as_str(),
            Some("1"),
            "parse reads one document"
        );
        assert_eq!(parse_all("", Duplicates::Keep).unwrap().len(), 1);
    }

    /// One fixture per kind of YAML that Compose (go-yaml) accepts and a stricter parser refused.
    #[test]
    fn accepts_what_compose_accepts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let docs = parse_all(&text, Duplicates::Refuse).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            let services = docs.iter().filter_map(|d| d.get("services")).flat_map(|s| s.entries()).count();
            assert!(services >= 1, "{}: no service read", path.display());
            seen += 1;
        }
        assert!(seen >= 8, "fixtures: {seen}");
        let doc = parse(&std::fs::read_to_string(dir.join("compose.flow-closed-at-key-indent.yml")).unwrap()).unwrap();
        let test = doc.get("services").unwrap().get("app").unwrap().get("healthcheck").unwrap().get("test").unwrap();
        assert_eq!(test.items().len(), 2);
        assert_eq!((test.items()[1].line, test.items()[1].col), (9, 11));
    }
}
