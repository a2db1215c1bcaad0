//! A service as the rules see it: its effective definition (after `extends:`, its base and its
//! override file), typed views of the keys rules judge, and the two ways a rule reports.

use super::hostpath;
use super::interpolate::{expand, interpolate, split_fields, Interpolated};
use super::merge::is_local;
use super::ports::{self, Port};
use super::project::is_complete;
use super::ComposeFile;
use crate::audit::rule::{Finding, Sink};
use crate::report::Severity;
use crate::yaml::tree::{Node, Value};

/// A service: its name, the key node (where findings about what it lacks point) and its
/// effective mapping.
pub struct Service<'a> {
    pub name: &'a str,
    pub key: &'a Node,
    pub node: &'a Node,
    pub file: &'a ComposeFile,
    /// Merged onto a service of a base file, which owns it.
    pub(super) layer: bool,
}

/// Where a mount comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// An entry of `volumes:`.
    Volume,
    /// An entry of `volumes:` naming a top-level volume that binds this host path.
    NamedVolume(String),
    /// A `file:` secret or config, bind-mounted read-only.
    File(&'static str, String),
}

/// A mount of the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount<'a> {
    /// `bind`, `volume`, `tmpfs`...
    pub kind: String,
    /// The source as written, interpolated.
    pub source: Option<String>,
    /// For a bind, the host path Docker binds, normalised (see `hostpath`); `None` when it is
    /// relative to the project or only known at run time.
    pub host: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub propagation: Option<String>,
    pub node: &'a Node,
    pub via: Via,
}

const PROPAGATIONS: &[&str] = &["shared", "rshared", "slave", "rslave", "private", "rprivate"];

impl<'a> Service<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// Whether the service names neither an image nor a build: a fragment, completed by a file
    /// it is merged with. Rules about what a service lacks do not judge fragments.
    pub fn is_fragment(&self) -> bool {
        !is_complete(self.node)
    }

    /// Reports a value the service sets, at `node`. A value another file contributed (through
    /// `extends:`, a base or an override) is left to that file's audit.
    pub fn report(&self, sink: &mut Sink, node: &Node, message: impl Into<String>) {
        self.push(sink, node, None, message.into());
    }

    /// [`Service::report`] at a severity other than the rule's, for a case the rule's docs
    /// describe (a reverse proxy's ports, a writable host root).
    pub fn report_as(&self, sink: &mut Sink, node: &Node, severity: Severity, message: impl Into<String>) {
        self.push(sink, node, Some(severity), message.into());
    }

    /// Reports something the service lacks, at `anchor` when this file wrote it, else at the
    /// service's name. Only a service this file defines in full is judged: not a fragment, and
    /// not an override of a service its base file defines (that file reports it).
    pub fn report_missing(&self, sink: &mut Sink, anchor: Option<&Node>, message: impl Into<String>) {
        if self.layer || self.is_fragment() {
            return;
        }
        let node = anchor.filter(|n| is_local(n)).unwrap_or(self.key);
        self.push(sink, node, None, message.into());
    }

    fn push(&self, sink: &mut Sink, node: &Node, severity: Option<Severity>, message: String) {
        if is_local(node) {
            sink.findings.push(Finding {
                line: node.line,
                column: node.col,
                message,
                scope: Some(self.name.to_string()),
                severity,
            });
        }
    }

    /// The interpolated image, when the service names one.
    pub fn image(&self) -> Option<(Interpolated, &'a Node)> {
        let node = self.get("image")?;
        Some((text(node)?, node))
    }

    /// The value of a top-level key (`mem_limit`) or of `deploy.resources.limits.<deploy>`,
    /// whichever is set (the top-level key first).
    pub fn limit(&self, top_level: &[&str], deploy: &str) -> Vec<&'a Node> {
        top_level
            .iter()
            .filter_map(|k| self.get(k))
            .chain(self.get("deploy").and_then(|d| d.get("resources")?.get("limits")?.get(deploy)))
            .collect()
    }

    pub fn ports(&self) -> Vec<Port<'a>> {
        ports::ports(self.get("ports"))
    }

    /// Entries of `volumes:`, short and long syntax. A named volume whose top-level definition
    /// binds a host path (`driver_opts: {type: none, o: bind, device: /path}`) is that bind.
    pub fn mounts(&self) -> Vec<Mount<'a>> {
        let mut out = Vec::new();
        for item in self.get("volumes").map(Node::items).unwrap_or(&[]) {
            let mount = match &item.value {
                Value::Scalar { text, .. } => {
                    let fields = split_fields(text);
                    let field = |i: usize| fields.get(i).map(|f| interpolate(f).text);
                    let (source, target, mode) = match fields.len() {
                        0 => continue,
                        1 => (None, field(0).unwrap_or_default(), String::new()),
                        2 => (fields.first().copied(), field(1).unwrap_or_default(), String::new()),
                        _ => (fields.first().copied(), field(1).unwrap_or_default(), field(2).unwrap_or_default()),
                    };
                    let modes: Vec<&str> = mode.split(',').map(str::trim).collect();
                    let shape = source.map(|s| expand(s, "*").text);
                    let bind = shape.as_deref().is_some_and(|s| s.starts_with(['/', '.', '~', '*']));
                    Mount {
                        kind: if bind { "bind" } else { "volume" }.to_string(),
                        source: source.map(|s| interpolate(s).text),
                        host: source.filter(|_| bind).and_then(hostpath::source_path),
                        target,
                        read_only: modes.contains(&"ro"),
                        propagation: modes.iter().find(|m| PROPAGATIONS.contains(m)).map(|m| m.to_string()),
                        node: item,
                        via: Via::Volume,
                    }
                }
                Value::Map(_) => {
                    let get = |k: &str| item.get(k).and_then(text).map(|i| i.text);
                    let raw = item.get("source").and_then(Node::as_str);
                    // Compose refuses an entry without `type`; a path as its source says what
                    // was meant.
                    let path = raw.is_some_and(|s| expand(s, "*").text.starts_with(['/', '~']));
                    let kind = get("type").unwrap_or_else(|| if path { "bind" } else { "volume" }.into());
                    Mount {
                        host: raw.filter(|_| kind == "bind").and_then(hostpath::source_path),
                        kind,
                        source: get("source"),
                        target: get("target").unwrap_or_default(),
                        read_only: item.get("read_only").and_then(Node::as_bool).unwrap_or(false),
                        propagation: item.get("bind").and_then(|b| b.get("propagation")).and_then(text).map(|i| i.text),
                        node: item,
                        via: Via::Volume,
                    }
                }
                Value::Seq(_) => continue,
            };
            out.push(self.bind_backed(mount));
        }
        out
    }

    /// A named volume mount seen through its top-level definition, when that is a bind.
    fn bind_backed(&self, mount: Mount<'a>) -> Mount<'a> {
        let Some(name) = mount.source.as_deref().filter(|_| mount.kind == "volume") else { return mount };
        let Some(spec) = self.file.definition("volumes", name) else { return mount };
        if spec.get("external").and_then(Node::as_bool) == Some(true)
            || spec.get("driver").and_then(text).is_some_and(|d| d.text != "local")
        {
            return mount;
        }
        let Some(opts) = spec.get("driver_opts") else { return mount };
        let option = |k: &str| opts.get(k).and_then(text).map(|t| t.text.to_ascii_lowercase());
        let flags = option("o").unwrap_or_default();
        let flags: Vec<&str> = flags.split(',').map(str::trim).collect();
        let device = opts.get("device").and_then(Node::as_str);
        let bind = option("type").as_deref() == Some("none") || flags.iter().any(|f| matches!(*f, "bind" | "rbind"));
        match device.and_then(hostpath::source_path).filter(|_| bind) {
            Some(host) => Mount {
                kind: "bind".into(),
                host: Some(host),
                read_only: mount.read_only || flags.contains(&"ro"),
                via: Via::NamedVolume(name.to_string()),
                ..mount
            },
            None => mount,
        }
    }

    /// Every host path bound into the container: bind mounts, named volumes that are binds, and
    /// `file:` secrets and configs with an absolute path (bound read-only).
    pub fn host_mounts(&self) -> Vec<Mount<'a>> {
        let mut out: Vec<Mount<'a>> =
            self.mounts().into_iter().filter(|m| m.kind == "bind" && m.host.is_some()).collect();
        for (key, kind) in [("secrets", "secret"), ("configs", "config")] {
            for item in self.get(key).map(Node::items).unwrap_or(&[]) {
                let Some(name) = item.as_str().or_else(|| item.get("source").and_then(Node::as_str)) else { continue };
                let Some(spec) = self.file.definition(key, name) else { continue };
                if spec.get("external").and_then(Node::as_bool) == Some(true) {
                    continue;
                }
                let Some(host) = spec.get("file").and_then(Node::as_str).and_then(hostpath::source_path) else {
                    continue;
                };
                out.push(Mount {
                    kind: "bind".into(),
                    source: Some(host.clone()),
                    host: Some(host),
                    target: String::new(),
                    read_only: true,
                    propagation: None,
                    node: item,
                    via: Via::File(kind, name.to_string()),
                });
            }
        }
        out
    }

    /// String items of a list-valued key (`cap_drop`, `security_opt`...), interpolated.
    pub fn strings(&self, key: &str) -> Vec<(String, &'a Node)> {
        match self.get(key) {
            Some(node) if node.as_seq().is_some() => {
                node.items().iter().filter_map(|n| text(n).map(|t| (t.text, n))).collect()
            }
            Some(node) => text(node).map(|t| vec![(t.text, node)]).unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// The secrets the service uses: (name, node), from the short (`- name`) and long
    /// (`- source: name`) syntax.
    pub fn secrets(&self) -> Vec<(String, &'a Node)> {
        self.get("secrets")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|item| {
                item.as_str().or_else(|| item.get("source").and_then(Node::as_str)).map(|name| (name.to_string(), item))
            })
            .collect()
    }

    /// `environment:` as (key, value, node) in both the mapping and the `KEY=value` list forms.
    /// The value is `None` for a bare `KEY` (taken from the host environment).
    pub fn environment(&self) -> Vec<(String, Option<String>, &'a Node)> {
        env_pairs(self.get("environment"))
    }

    /// The networks the service joins (list or mapping form).
    pub fn networks(&self) -> Vec<String> {
        match self.get("networks") {
            Some(node) => match &node.value {
                Value::Seq(items) => items.iter().filter_map(|n| n.as_str().map(str::to_string)).collect(),
                Value::Map(_) => node.entries().map(|(k, _, _)| k.to_string()).collect(),
                Value::Scalar { .. } => Vec::new(),
            },
            None => Vec::new(),
        }
    }
}

/// A scalar's text after interpolation (numbers and booleans as written).
pub fn text(node: &Node) -> Option<Interpolated> {
    node.as_str().map(interpolate)
}

/// Key/value pairs of an `environment`-style node (mapping, or a list of `KEY=value`).
pub fn env_pairs(node: Option<&Node>) -> Vec<(String, Option<String>, &Node)> {
    let Some(node) = node else { return Vec::new() };
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| {
                let key = k.as_str()?.to_string();
                Some(if v.is_null() { (key, None, k) } else { (key, v.as_str().map(str::to_string), v) })
            })
            .collect(),
        Value::Seq(items) => items
            .iter()
            .filter_map(|item| {
                let text = item.as_str()?;
                Some(match text.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string()), item),
                    None => (text.to_string(), None, item),
                })
            })
            .collect(),
        Value::Scalar { .. } => Vec::new(),
    }
}
