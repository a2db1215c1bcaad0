//! Compose's merge of one definition onto another, as compose-go's `override` package does it:
//! for `extends:`, for override files, and for the documents of one file.
//!
//! Mappings merge key by key and a later scalar wins, but a later null keeps the earlier value.
//! `command`, `entrypoint` and `healthcheck.test` are replaced; `environment`, `labels` and the
//! like merge by name; `volumes`, `devices`, `ports`, `secrets`, `cap_add`... are joined and then
//! kept unique by what identifies an entry (a mount's target, a port as written), a later entry
//! taking an earlier one's place; `networks` and `depends_on` merge as mappings whichever form
//! they are written in; `logging` merges only when both sides name the same driver (or one names
//! none), else the later one replaces it; `build: DIR` is `build: {context: DIR}`.
//!
//! Compose's `!override` tag replaces instead of merging, and `!reset` drops the value and what
//! it would have merged with. A `!reset` value stays in a merge's result as a marker, so that
//! what is merged later in the same order Compose merges it (a service's `extends:`, resolved
//! before the file's documents are merged) is dropped too; [`without_resets`] removes the
//! markers from what the rules read.

use crate::yaml::tree::{Node, Tag, Value};

/// A copy of a node from another file. Its positions are 0, which no node of the audited file
/// has: findings about it belong to the file it came from, and are left to that file's audit.
pub fn foreign(node: &Node) -> Node {
    let value = match &node.value {
        Value::Scalar { text, plain } => Value::Scalar { text: text.clone(), plain: *plain },
        Value::Seq(items) => Value::Seq(items.iter().map(foreign).collect()),
        Value::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (foreign(k), foreign(v))).collect()),
    };
    Node { value, line: 0, col: 0, tag: node.tag }
}

/// Whether a node was written in the audited file (not copied from another one).
pub fn is_local(node: &Node) -> bool {
    node.line > 0
}

/// `over` merged onto `base`, two service mappings.
pub fn merge_service(base: &Node, over: &Node) -> Node {
    merge(base, over, &Path::Service(String::new()))
}

/// The documents of one file as one, each merged onto those before it as Compose merges them
/// (`services` service by service, the other top-level definitions key by key). An empty list
/// is an empty mapping.
pub fn merge_documents(documents: Vec<Node>) -> Node {
    let empty = Node { value: Value::Map(Vec::new()), line: 1, col: 1, tag: Tag::None };
    documents.into_iter().reduce(|base, over| merge(&base, &over, &Path::Top)).unwrap_or(empty)
}

/// The node without what `!reset` drops: entries and items tagged with it, at any depth.
pub fn without_resets(node: &Node) -> Node {
    let value = match &node.value {
        Value::Scalar { .. } => node.value.clone(),
        Value::Seq(items) => Value::Seq(items.iter().filter(|i| i.tag != Tag::Reset).map(without_resets).collect()),
        Value::Map(entries) => Value::Map(
            entries.iter().filter(|(_, v)| v.tag != Tag::Reset).map(|(k, v)| (k.clone(), without_resets(v))).collect(),
        ),
    };
    with_value(node, value)
}

/// A node with the position and tag of `node` and another value.
fn with_value(node: &Node, value: Value) -> Node {
    Node { value, line: node.line, col: node.col, tag: node.tag }
}

/// Where a merge is in a compose document, which decides how its values merge.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Path {
    /// The top level of a document.
    Top,
    /// A top-level key's value (`services`, `networks`...).
    Section(String),
    /// Inside one service, at this dotted path (empty: the service itself).
    Service(String),
    /// Anywhere else.
    Other,
}

impl Path {
    fn child(&self, key: &str) -> Path {
        match self {
            Path::Top => Path::Section(key.to_string()),
            Path::Section(section) if section == "services" => Path::Service(String::new()),
            Path::Service(at) if at.is_empty() => Path::Service(key.to_string()),
            Path::Service(at) => Path::Service(format!("{at}.{key}")),
            Path::Section(_) | Path::Other => Path::Other,
        }
    }
}

/// How values at a path merge.
#[derive(Clone, Copy)]
enum Rule {
    /// The later value replaces the earlier one.
    Replace,
    /// `KEY=value` items or a mapping, merged by key (into a mapping).
    ByName,
    /// Joined, then unique by this key of an entry (a single value is a list of one).
    Unique(fn(&Node) -> Option<String>),
    /// A list of names or a mapping, merged as a mapping.
    AsMapping,
    /// The same driver (or one unnamed): merged; else replaced.
    Logging,
    /// `build: DIR` is `build: {context: DIR}`.
    Build,
    /// Joined; identical entries once.
    Join,
    /// Mappings merged key by key, sequences joined.
    Generic,
}

/// compose-go's `mergeSpecials` and `unique` tables, for the paths inside a service.
fn service_rule(path: &str) -> Rule {
    match path {
        "command" | "entrypoint" | "healthcheck.test" => Rule::Replace,
        // compose-go merges a ulimit with itself: the later one wins.
        p if p.starts_with("ulimits.") && !p["ulimits.".len()..].contains('.') => Rule::Replace,
        "environment"
        | "labels"
        | "annotations"
        | "sysctls"
        | "build.args"
        | "build.labels"
        | "deploy.labels"
        | "build.additional_contexts" => Rule::ByName,
        "volumes" => Rule::Unique(mount_target),
        "devices" => Rule::Unique(device_target),
        "secrets" => Rule::Unique(|n| mount_key(n, "/run/secrets")),
        "configs" => Rule::Unique(|n| mount_key(n, "")),
        "ports" => Rule::Unique(port_key),
        "tmpfs" | "cap_add" | "cap_drop" | "dns" | "dns_opt" | "dns_search" | "links" | "profiles" | "expose"
        | "build.tags" | "build.platforms" => Rule::Unique(name_key),
        "env_file" => Rule::Unique(|n| n.as_str().or_else(|| n.get("path")?.as_str()).map(str::to_string)),
        "networks" | "depends_on" | "models" => Rule::AsMapping,
        "logging" => Rule::Logging,
        "build" => Rule::Build,
        "extra_hosts" | "build.extra_hosts" => Rule::Join,
        _ => Rule::Generic,
    }
}

fn merge(base: &Node, over: &Node, path: &Path) -> Node {
    // A later null keeps the earlier value (compose-go's `MergeYaml` with a nil override).
    if over.is_null() {
        return base.clone();
    }
    let rule = match path {
        Path::Service(at) => service_rule(at),
        Path::Top | Path::Section(_) | Path::Other => Rule::Generic,
    };
    match rule {
        Rule::Replace => over.clone(),
        Rule::ByName => merge_named(base, over),
        Rule::Unique(key) => unique(joined(&as_sequence(base), &as_sequence(over)), key, over),
        Rule::AsMapping => merge_mappings(&as_mapping(base), &as_mapping(over), path),
        Rule::Logging => {
            let driver = |n: &Node| n.get("driver").and_then(Node::as_str).map(str::to_string);
            match (driver(base), driver(over)) {
                (Some(b), Some(o)) if b != o => over.clone(),
                _ => merge_mappings(base, over, path),
            }
        }
        Rule::Build => merge_mappings(&as_build(base), &as_build(over), path),
        Rule::Join => {
            let mut kept: Vec<Node> = Vec::new();
            for item in joined(base, over) {
                if !kept.iter().any(|k| same(k, &item)) {
                    kept.push(item);
                }
            }
            with_value(over, Value::Seq(kept))
        }
        Rule::Generic => match (&base.value, &over.value) {
            (Value::Map(_), Value::Map(_)) => merge_mappings(base, over, path),
            (Value::Seq(_), Value::Seq(_)) => with_value(over, Value::Seq(joined(base, over))),
            _ => over.clone(),
        },
    }
}

/// Two mappings merged key by key at `path`. A value tagged `!reset` or `!override` in `over`
/// takes the place of the base's, which is not merged with it; a `!reset` marker in `base` is
/// no value to merge with.
fn merge_mappings(base: &Node, over: &Node, path: &Path) -> Node {
    let (Some(b), Some(o)) = (base.as_map(), over.as_map()) else { return over.clone() };
    let same_key = |x: &Node, y: &Node| x.as_str().is_some() && x.as_str() == y.as_str();
    let mut entries: Vec<(Node, Node)> = Vec::with_capacity(b.len() + o.len());
    for (k, v) in b {
        entries.push(match o.iter().find(|(ok, _)| same_key(ok, k)) {
            Some((ok, ov)) if ov.tag != Tag::None || v.tag == Tag::Reset => (ok.clone(), ov.clone()),
            Some((ok, ov)) => (ok.clone(), merge(v, ov, &path.child(k.as_str().unwrap_or("")))),
            None => (k.clone(), v.clone()),
        });
    }
    for (k, v) in o {
        if !b.iter().any(|(bk, _)| same_key(bk, k)) {
            entries.push((k.clone(), v.clone()));
        }
    }
    with_value(over, Value::Map(entries))
}

/// The items of two sequences, base first, without those tagged `!reset`.
fn joined(base: &Node, over: &Node) -> Vec<Node> {
    base.items().iter().chain(over.items()).filter(|i| i.tag != Tag::Reset).cloned().collect()
}

/// Items kept unique by `key`: a later item takes the place of an earlier one with its key.
fn unique(items: Vec<Node>, key: fn(&Node) -> Option<String>, over: &Node) -> Node {
    let mut kept: Vec<Node> = Vec::with_capacity(items.len());
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in items {
        match key(&item) {
            Some(k) => match at.get(&k) {
                Some(&i) => kept[i] = item,
                None => {
                    at.insert(k, kept.len());
                    kept.push(item);
                }
            },
            None => kept.push(item),
        }
    }
    with_value(over, Value::Seq(kept))
}

/// Whether two nodes hold the same value, wherever they are.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Scalar { text: x, .. }, Value::Scalar { text: y, .. }) => x == y,
        (Value::Seq(x), Value::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((pk, pv), (qk, qv))| same(pk, qk) && same(pv, qv))
        }
        _ => false,
    }
}

/// An entry's text up to its `=` (`KEY=value`), or all of it.
fn name_key(node: &Node) -> Option<String> {
    let text = node.as_str()?;
    Some(text.split_once('=').map_or(text, |(k, _)| k).to_string())
}

/// The container path of a `volumes` entry (`SOURCE:TARGET[:MODE]`, or `TARGET` alone).
fn mount_target(node: &Node) -> Option<String> {
    match node.as_str() {
        Some(text) => {
            let parts: Vec<&str> = text.split(':').collect();
            Some(match parts.as_slice() {
                [one] => one.to_string(),
                [_, target, ..] => target.to_string(),
                [] => String::new(),
            })
        }
        None => node.get("target").and_then(Node::as_str).map(str::to_string),
    }
}

/// The container path of a `devices` entry (`HOST[:CONTAINER[:PERMISSIONS]]`).
fn device_target(node: &Node) -> Option<String> {
    mount_target(node)
}

/// Where a secret or config is mounted: its `target`, else `DIR/SOURCE`.
fn mount_key(node: &Node, dir: &str) -> Option<String> {
    if let Some(source) = node.as_str() {
        return Some(format!("{dir}/{source}"));
    }
    match node.get("target").and_then(Node::as_str) {
        Some(target) => Some(target.to_string()),
        None => Some(format!("{dir}/{}", node.get("source").and_then(Node::as_str).unwrap_or(""))),
    }
}

/// A port as written, or `HOST_IP:PUBLISHED:TARGET/PROTOCOL` for the long syntax.
fn port_key(node: &Node) -> Option<String> {
    if let Some(text) = node.as_str() {
        return Some(text.to_string());
    }
    let field = |key: &str, default: &str| node.get(key).and_then(Node::as_str).unwrap_or(default).to_string();
    Some(format!(
        "{}:{}:{}/{}",
        field("host_ip", "0.0.0.0"),
        field("published", ""),
        field("target", ""),
        field("protocol", "tcp")
    ))
}

/// A single value as a list of one; a list as it is.
fn as_sequence(node: &Node) -> Node {
    match &node.value {
        Value::Seq(_) => node.clone(),
        _ => with_value(node, Value::Seq(vec![node.clone()])),
    }
}

/// A list of names (`[a, b]`) as a mapping of each to null; a mapping as it is.
fn as_mapping(node: &Node) -> Node {
    match &node.value {
        Value::Seq(items) => {
            let null = |item: &Node| with_value(item, Value::Scalar { text: String::new(), plain: true });
            let entries = items.iter().filter(|i| i.tag != Tag::Reset).map(|i| (i.clone(), null(i))).collect();
            with_value(node, Value::Map(entries))
        }
        _ => node.clone(),
    }
}

/// `build: DIR` as `build: {context: DIR}`.
fn as_build(node: &Node) -> Node {
    match &node.value {
        Value::Scalar { .. } => {
            let key = with_value(node, Value::Scalar { text: "context".into(), plain: true });
            with_value(node, Value::Map(vec![(key, node.clone())]))
        }
        _ => node.clone(),
    }
}

/// `environment`-style values, mapping or `KEY=value` list, merged by key into a mapping.
fn merge_named(base: &Node, over: &Node) -> Node {
    let mut entries: Vec<(Node, Node)> = Vec::new();
    for node in [base, over] {
        for (key, value) in named_entries(node) {
            let at = entries.iter().position(|(k, _)| k.as_str() == key.as_str());
            match (at, value.tag) {
                (Some(i), Tag::Reset) => {
                    entries.remove(i);
                }
                (None, Tag::Reset) => {}
                (Some(i), _) => entries[i] = (key, value),
                (None, _) => entries.push((key, value)),
            }
        }
    }
    with_value(over, Value::Map(entries))
}

fn named_entries(node: &Node) -> Vec<(Node, Node)> {
    match &node.value {
        Value::Map(entries) => entries.clone(),
        Value::Seq(items) => items
            .iter()
            .filter(|item| item.tag != Tag::Reset)
            .filter_map(|item| {
                let text = item.as_str()?;
                let scalar = |t: &str, plain: bool| Node {
                    value: Value::Scalar { text: t.to_string(), plain },
                    line: item.line,
                    col: item.col,
                    tag: Tag::None,
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
    use crate::yaml::tree::{parse, parse_all, Duplicates};

    fn merged(base: &str, over: &str) -> Node {
        without_resets(&merge_service(&foreign(&parse(base).unwrap()), &parse(over).unwrap()))
    }

    fn texts(node: &Node, key: &str) -> Vec<String> {
        node.get(key).map(Node::items).unwrap_or(&[]).iter().filter_map(|n| n.as_str().map(str::to_string)).collect()
    }

    fn keys(node: Option<&Node>) -> Vec<String> {
        node.map(|n| n.entries().map(|(k, _, _)| k.to_string()).collect()).unwrap_or_default()
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
            "command: [a, b]\ncap_drop: [ALL]\nvolumes: [/x:/data, /y:/other]\nenvironment: [A=1, B=2]\nports: ['80:80', '443:443']\nsecurity_opt: [a]\n",
            "command: [c]\ncap_drop: [ALL, NET_RAW]\nvolumes: [/z:/data]\nenvironment: {B: 3}\nports: ['443:443', '8080:80']\nsecurity_opt: [a]\n",
        );
        assert_eq!(texts(&m, "command"), ["c"]);
        assert_eq!(texts(&m, "cap_drop"), ["ALL", "NET_RAW"]);
        assert_eq!(texts(&m, "volumes"), ["/z:/data", "/y:/other"], "a later mount takes the earlier one's place");
        assert_eq!(texts(&m, "ports"), ["80:80", "443:443", "8080:80"]);
        assert_eq!(texts(&m, "security_opt"), ["a", "a"], "other lists are joined");
        let env: Vec<(String, String)> = m
            .get("environment")
            .unwrap()
            .entries()
            .map(|(k, _, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
            .collect();
        assert_eq!(env, [("A".to_string(), "1".to_string()), ("B".to_string(), "3".to_string())]);
    }

    #[test]
    fn special_keys_merge_as_compose_merges_them() {
        let m = merged(
            "cap_drop: [ALL]\nbuild: .\nnetworks: [front]\nlogging: {driver: json-file, options: {max-size: 10m}}\ntmpfs: /run\n",
            "cap_drop:\nbuild: {dockerfile: Dockerfile.prod}\nnetworks: {back: {}}\nlogging: {driver: syslog}\ntmpfs: [/tmp]\n",
        );
        assert_eq!(texts(&m, "cap_drop"), ["ALL"], "a null keeps the earlier value");
        assert_eq!(keys(m.get("build")), ["context", "dockerfile"]);
        assert_eq!(keys(m.get("networks")), ["front", "back"]);
        assert_eq!(keys(m.get("logging")), ["driver"], "another driver replaces the logging");
        assert_eq!(texts(&m, "tmpfs"), ["/run", "/tmp"]);
    }

    #[test]
    fn reset_drops_and_override_replaces() {
        let m = merged(
            "ports: ['80:80']\nenvironment: {A: '1'}\ncap_drop: [ALL]\ndeploy: {resources: {limits: {memory: 1g}}}\n",
            "ports: !reset []\nenvironment: !override {B: '2'}\ncap_drop: !reset null\ndeploy: {resources: {limits: !reset {}}}\n",
        );
        assert_eq!(keys(Some(&m)), ["environment", "deploy"]);
        assert_eq!(keys(m.get("environment")), ["B"]);
        assert_eq!(keys(m.get("deploy").and_then(|d| d.get("resources"))), Vec::<String>::new());
        // The marker stays until the rules read the result, so a later merge drops what it
        // would have brought back.
        let kept = merge_service(&parse("ports: !reset []\n").unwrap(), &parse("image: x\n").unwrap());
        assert_eq!(kept.get("ports").map(|p| p.tag), Some(Tag::Reset));
        let extended = without_resets(&merge_service(&parse("ports: ['80:80']\n").unwrap(), &kept));
        assert_eq!(keys(Some(&extended)), ["image"], "{extended:?}");
    }

    #[test]
    fn documents_merge_as_compose_merges_them() {
        let text = "services:\n  a:\n    image: x\n    ports: ['80:80']\n    volumes: [/x:/data]\n---\nservices:\n  a:\n    ports: ['81:81']\n    volumes: [/y:/data]\n  b:\n    image: y\nnetworks: {back: {internal: true}}\n";
        let merged = merge_documents(parse_all(text, Duplicates::Refuse).unwrap());
        let services = merged.get("services").unwrap();
        let a = services.get("a").unwrap();
        assert_eq!(a.get("image").and_then(Node::as_str), Some("x"));
        assert_eq!(texts(a, "ports"), ["80:80", "81:81"]);
        assert_eq!(texts(a, "volumes"), ["/y:/data"]);
        assert_eq!(services.get("b").unwrap().line, 12);
        assert!(merged.get("networks").is_some());
        assert_eq!(merge_documents(Vec::new()).as_map().map(<[_]>::len), Some(0));
    }
}
