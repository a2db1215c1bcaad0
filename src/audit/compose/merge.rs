//! Compose's merge of one service definition onto another, for `extends:` and for override
//! files (compose-spec `13-merge.md`): mappings merge key by key, the later scalar wins,
//! `command`/`entrypoint`/`healthcheck.test` are replaced, keyed sequences (`environment`,
//! `volumes` by target, `secrets`...) merge by key, and other sequences are joined without
//! duplicates.

use crate::yaml::tree::{Node, Value};

/// A copy of a node from another file. Its positions are 0, which no node of the audited file
/// has: findings about it belong to the file it came from, and are left to that file's audit.
pub fn foreign(node: &Node) -> Node {
    let value = match &node.value {
        Value::Scalar { text, plain } => Value::Scalar { text: text.clone(), plain: *plain },
        Value::Seq(items) => Value::Seq(items.iter().map(foreign).collect()),
        Value::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (foreign(k), foreign(v))).collect()),
    };
    Node { value, line: 0, col: 0 }
}

/// Whether a node was written in the audited file (not copied from another one).
pub fn is_local(node: &Node) -> bool {
    node.line > 0
}

/// `over` merged onto `base`, two service mappings.
pub fn merge_service(base: &Node, over: &Node) -> Node {
    merge(base, over, "")
}

/// How a sequence under a service key is merged.
fn sequence_key(path: &str) -> SeqMerge {
    match path {
        "command" | "entrypoint" | "healthcheck.test" => SeqMerge::Replace,
        "environment" | "labels" | "extra_hosts" | "sysctls" | "build.args" | "annotations" => SeqMerge::ByName,
        "volumes" | "devices" | "tmpfs" => SeqMerge::ByTarget,
        "secrets" | "configs" => SeqMerge::BySource,
        _ => SeqMerge::Union,
    }
}

enum SeqMerge {
    Replace,
    /// `KEY=value` items (or mappings) by `KEY`.
    ByName,
    /// Mounts by where they appear in the container.
    ByTarget,
    BySource,
    Union,
}

fn merge(base: &Node, over: &Node, path: &str) -> Node {
    match (&base.value, &over.value) {
        (Value::Map(b), Value::Map(o)) => {
            let mut entries: Vec<(Node, Node)> = Vec::with_capacity(b.len() + o.len());
            for (k, v) in b {
                let replaced = o.iter().find(|(ok, _)| ok.as_str().is_some() && ok.as_str() == k.as_str());
                match replaced {
                    Some((ok, ov)) => {
                        let child = k.as_str().map_or(String::new(), |key| join(path, key));
                        entries.push((ok.clone(), merge(v, ov, &child)));
                    }
                    None => entries.push((k.clone(), v.clone())),
                }
            }
            for (k, v) in o {
                if !b.iter().any(|(bk, _)| bk.as_str().is_some() && bk.as_str() == k.as_str()) {
                    entries.push((k.clone(), v.clone()));
                }
            }
            Node { value: Value::Map(entries), line: over.line, col: over.col }
        }
        (Value::Seq(_) | Value::Map(_), Value::Seq(_) | Value::Map(_)) => merge_sequence(base, over, path),
        _ => over.clone(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn merge_sequence(base: &Node, over: &Node, path: &str) -> Node {
    let key: fn(&Node) -> Option<String> = match sequence_key(path) {
        SeqMerge::Replace => return over.clone(),
        SeqMerge::ByName => return merge_named(base, over),
        SeqMerge::ByTarget => mount_target,
        SeqMerge::BySource => secret_source,
        SeqMerge::Union => |n| Some(format!("{:?}", strip_positions(n))),
    };
    let (Some(b), Some(o)) = (base.as_seq(), over.as_seq()) else { return over.clone() };
    let mut items: Vec<Node> = Vec::with_capacity(b.len() + o.len());
    for item in b {
        let k = key(item);
        if k.is_none() || !o.iter().any(|x| key(x) == k) {
            items.push(item.clone());
        }
    }
    items.extend(o.iter().cloned());
    Node { value: Value::Seq(items), line: over.line, col: over.col }
}

fn strip_positions(node: &Node) -> Node {
    foreign(node)
}

/// The container path of a `volumes`, `devices` or `tmpfs` entry.
fn mount_target(node: &Node) -> Option<String> {
    if let Some(text) = node.as_str() {
        let parts: Vec<&str> = text.split(':').collect();
        return Some(match parts.as_slice() {
            [one] => one.to_string(),
            [_, target, ..] => target.to_string(),
            [] => String::new(),
        });
    }
    node.get("target").and_then(Node::as_str).map(str::to_string)
}

fn secret_source(node: &Node) -> Option<String> {
    node.as_str().or_else(|| node.get("source").and_then(Node::as_str)).map(str::to_string)
}

/// `environment`-style values, mapping or `KEY=value` list, merged by key into a mapping.
fn merge_named(base: &Node, over: &Node) -> Node {
    let mut entries: Vec<(Node, Node)> = Vec::new();
    for node in [base, over] {
        for (key, value) in named_entries(node) {
            match entries.iter_mut().find(|(k, _)| k.as_str() == key.as_str()) {
                Some(slot) => *slot = (key, value),
                None => entries.push((key, value)),
            }
        }
    }
    Node { value: Value::Map(entries), line: over.line, col: over.col }
}

fn named_entries(node: &Node) -> Vec<(Node, Node)> {
    match &node.value {
        Value::Map(entries) => entries.clone(),
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| {
                let text = item.as_str()?;
                let scalar = |t: &str, plain: bool| Node {
                    value: Value::Scalar { text: t.to_string(), plain },
                    line: item.line,
                    col: item.col,
                };
                Some(match text.split_once('=') {
                    Some((k, v)) => (scalar(k, false), scalar(v, false)),
                    None => (scalar(text, false), scalar("", true)),
                })
            })
            .collect(),
        Value::Scalar { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree::parse;

    fn merged(base: &str, over: &str) -> Node {
        merge_service(&foreign(&parse(base).unwrap()), &parse(over).unwrap())
    }

    #[test]
    fn later_values_win_and_mappings_merge() {
        let m = merged(
            "image: a:1\nread_only: true\nlogging: {driver: local}\n",
            "image: b:2\nlogging: {options: {max-size: 1m}}\n",
        );
        assert_eq!(m.get("image").and_then(Node::as_str), Some("b:2"));
        assert_eq!(m.get("read_only").map(|n| (n.as_bool(), is_local(n))), Some((Some(true), false)));
        assert_eq!(m.get("logging").and_then(|l| l.get("driver")).and_then(Node::as_str), Some("local"));
        assert!(m.get("logging").and_then(|l| l.get("options")).is_some_and(is_local));
    }

    #[test]
    fn sequences_merge_the_way_compose_does() {
        let m = merged(
            "command: [a, b]\ncap_drop: [ALL]\nvolumes: [/x:/data, /y:/other]\nenvironment: [A=1, B=2]\n",
            "command: [c]\ncap_drop: [ALL, NET_RAW]\nvolumes: [/z:/data]\nenvironment: {B: 3}\n",
        );
        let texts = |key: &str| -> Vec<String> {
            m.get(key).unwrap().items().iter().filter_map(|n| n.as_str().map(str::to_string)).collect()
        };
        assert_eq!(texts("command"), ["c"]);
        assert_eq!(texts("cap_drop"), ["ALL", "NET_RAW"]);
        assert_eq!(texts("volumes"), ["/y:/other", "/z:/data"]);
        let env: Vec<(String, String)> = m
            .get("environment")
            .unwrap()
            .entries()
            .map(|(k, _, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
            .collect();
        assert_eq!(env, [("A".to_string(), "1".to_string()), ("B".to_string(), "3".to_string())]);
    }
}
