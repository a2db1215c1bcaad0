//! The compose model the rules read: services, ports, mounts and networks from the positioned
//! YAML tree (anchors and merge keys already resolved), with `${VAR:-default}` interpolation.

use crate::yaml::tree::{Node, Value};

pub struct ComposeFile {
    pub root: Node,
}

/// A service: its name, the key node (where service-level findings point) and its mapping.
pub struct Service<'a> {
    pub name: &'a str,
    pub key: &'a Node,
    pub node: &'a Node,
}

/// A value after Compose interpolation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    pub text: String,
    /// A `${VAR}` without a default: the real value is only known at run time.
    pub unresolved: bool,
}

/// Applies Compose interpolation without reading the environment: `${VAR:-d}` and `${VAR-d}`
/// become `d`, `$$` becomes `$`, and a variable without a default marks the value unresolved.
pub fn interpolate(text: &str) -> Interpolated {
    let mut out = String::new();
    let mut unresolved = false;
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(inner) = rest.strip_prefix('{') {
            let Some(end) = inner.find('}') else {
                unresolved = true;
                rest = "";
                break;
            };
            let expr = &inner[..end];
            rest = &inner[end + 1..];
            let default = expr.find(":-").map(|p| &expr[p + 2..]).or_else(|| expr.find('-').map(|p| &expr[p + 1..]));
            match default {
                Some(d) => out.push_str(&interpolate(d).text),
                None => unresolved = true,
            }
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if end == 0 {
                out.push('$');
            } else {
                unresolved = true;
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    Interpolated { text: out, unresolved }
}

/// A published port, short or long syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port<'a> {
    pub host_ip: Option<String>,
    /// The host port or range; `None` when Docker picks one.
    pub published: Option<String>,
    pub node: &'a Node,
}

/// A mount from `volumes:` (short or long syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount<'a> {
    /// `bind`, `volume`, `tmpfs`...
    pub kind: String,
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub propagation: Option<String>,
    pub node: &'a Node,
}

impl ComposeFile {
    pub fn new(root: Node) -> ComposeFile {
        ComposeFile { root }
    }

    pub fn services(&self) -> Vec<Service<'_>> {
        let Some(services) = self.root.get("services") else { return Vec::new() };
        services
            .entries()
            .filter(|(_, _, node)| node.as_map().is_some())
            .map(|(name, key, node)| Service { name, key, node })
            .collect()
    }

    /// A top-level network's definition.
    pub fn network(&self, name: &str) -> Option<&Node> {
        self.root.get("networks")?.get(name)
    }
}

/// A scalar's text after interpolation (numbers and booleans as written).
pub fn text(node: &Node) -> Option<Interpolated> {
    node.as_str().map(interpolate)
}

impl<'a> Service<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    /// The interpolated image, when the service names one.
    pub fn image(&self) -> Option<(Interpolated, &'a Node)> {
        let node = self.get("image")?;
        Some((text(node)?, node))
    }

    /// Whether the value at a `deploy.resources.limits.X` path or a top-level key is set.
    pub fn limit(&self, top_level: &[&str], deploy: &str) -> Option<&'a Node> {
        top_level
            .iter()
            .find_map(|k| self.get(k))
            .or_else(|| self.get("deploy")?.get("resources")?.get("limits")?.get(deploy))
            .filter(|n| !n.is_null())
    }

    pub fn ports(&self) -> Vec<Port<'a>> {
        let mut out = Vec::new();
        for item in self.get("ports").map(Node::items).unwrap_or(&[]) {
            match &item.value {
                Value::Scalar { text, .. } => {
                    let spec = interpolate(text).text;
                    let spec = spec.split('/').next().unwrap_or("").to_string();
                    let (host_ip, rest) = if let Some(after) = spec.strip_prefix('[') {
                        match after.split_once("]:") {
                            Some((ip, rest)) => (Some(ip.to_string()), rest.to_string()),
                            None => (None, spec.clone()),
                        }
                    } else {
                        let parts: Vec<&str> = spec.split(':').collect();
                        match parts.len() {
                            3 => (Some(parts[0].to_string()), format!("{}:{}", parts[1], parts[2])),
                            _ => (None, spec.clone()),
                        }
                    };
                    let published = rest.split_once(':').map(|(h, _)| h.to_string()).filter(|h| !h.is_empty());
                    out.push(Port { host_ip: host_ip.filter(|ip| !ip.is_empty()), published, node: item });
                }
                Value::Map(_) => {
                    let host_ip = item.get("host_ip").and_then(text).map(|i| i.text).filter(|ip| !ip.is_empty());
                    let published = item.get("published").and_then(text).map(|i| i.text).filter(|p| !p.is_empty());
                    out.push(Port { host_ip, published, node: item });
                }
                Value::Seq(_) => {}
            }
        }
        out
    }

    pub fn mounts(&self) -> Vec<Mount<'a>> {
        let mut out = Vec::new();
        for item in self.get("volumes").map(Node::items).unwrap_or(&[]) {
            match &item.value {
                Value::Scalar { text, .. } => {
                    let spec = interpolate(text).text;
                    let parts: Vec<&str> = spec.split(':').collect();
                    let (source, target, mode) = match parts.as_slice() {
                        [target] => (None, target.to_string(), ""),
                        [source, target] => (Some(source.to_string()), target.to_string(), ""),
                        [source, target, mode, ..] => (Some(source.to_string()), target.to_string(), *mode),
                        [] => continue,
                    };
                    let is_path = source.as_deref().is_some_and(|s| s.starts_with(['/', '.', '~', '$']));
                    let modes: Vec<&str> = mode.split(',').collect();
                    out.push(Mount {
                        kind: if source.is_none() {
                            "volume"
                        } else if is_path {
                            "bind"
                        } else {
                            "volume"
                        }
                        .to_string(),
                        source,
                        target,
                        read_only: modes.contains(&"ro"),
                        propagation: modes
                            .iter()
                            .find(|m| matches!(**m, "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate"))
                            .map(|m| m.to_string()),
                        node: item,
                    });
                }
                Value::Map(_) => {
                    let get = |k: &str| item.get(k).and_then(text).map(|i| i.text);
                    out.push(Mount {
                        kind: get("type").unwrap_or_else(|| "volume".into()),
                        source: get("source"),
                        target: get("target").unwrap_or_default(),
                        read_only: item.get("read_only").and_then(Node::as_bool).unwrap_or(false),
                        propagation: item.get("bind").and_then(|b| b.get("propagation")).and_then(text).map(|i| i.text),
                        node: item,
                    });
                }
                Value::Seq(_) => {}
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

/// Key/value pairs of an `environment`-style node (mapping, or a list of `KEY=value`).
pub fn env_pairs(node: Option<&Node>) -> Vec<(String, Option<String>, &Node)> {
    let Some(node) = node else { return Vec::new() };
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| {
                Some((k.as_str()?.to_string(), if v.is_null() { None } else { v.as_str().map(str::to_string) }, v))
            })
            .map(|(k, v, n)| (k, v, if n.is_null() { node } else { n }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree as yaml;

    fn compose(text: &str) -> ComposeFile {
        ComposeFile::new(yaml::parse(text).unwrap())
    }

    #[test]
    fn interpolates_like_compose() {
        assert_eq!(interpolate("${IMG:-postgres:latest}").text, "postgres:latest");
        assert_eq!(interpolate("${IMG-x}").text, "x");
        assert!(interpolate("${IMG}").unresolved);
        assert!(interpolate("pre$VAR").unresolved);
        assert_eq!(interpolate("pa$$word"), Interpolated { text: "pa$word".into(), unresolved: false });
    }

    #[test]
    fn reads_ports_in_both_syntaxes() {
        let c = compose("services:\n  a:\n    ports:\n      - 8080:80\n      - \"127.0.0.1:5432:5432\"\n      - \"[::1]:9:9/udp\"\n      - 3000\n      - target: 80\n        published: \"8081\"\n        host_ip: 127.0.0.1\n");
        let services = c.services();
        let ports = services[0].ports();
        let shown: Vec<_> = ports.iter().map(|p| (p.host_ip.clone(), p.published.clone(), p.node.line)).collect();
        assert_eq!(
            shown,
            [
                (None, Some("8080".into()), 4),
                (Some("127.0.0.1".into()), Some("5432".into()), 5),
                (Some("::1".into()), Some("9".into()), 6),
                (None, None, 7),
                (Some("127.0.0.1".into()), Some("8081".into()), 8)
            ]
        );
    }

    #[test]
    fn reads_mounts_in_both_syntaxes() {
        let c = compose("services:\n  a:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - data:/data\n      - type: bind\n        source: /etc\n        target: /host-etc\n        bind:\n          propagation: rshared\n");
        let services = c.services();
        let mounts = services[0].mounts();
        assert_eq!((mounts[0].kind.as_str(), mounts[0].read_only), ("bind", true));
        assert_eq!(mounts[1].kind, "volume");
        assert_eq!((mounts[2].source.as_deref(), mounts[2].propagation.as_deref()), (Some("/etc"), Some("rshared")));
    }

    #[test]
    fn reads_secrets_in_both_syntaxes() {
        let c = compose("services:\n  a:\n    secrets:\n      - db_password\n      - source: api_token\n        target: token\n        mode: 0400\n");
        let services = c.services();
        let names: Vec<_> = services[0].secrets().into_iter().map(|(n, node)| (n, node.line)).collect();
        assert_eq!(names, [("db_password".to_string(), 4), ("api_token".to_string(), 5)]);
    }

    #[test]
    fn reads_environment_in_both_forms() {
        let c = compose(
            "services:\n  a:\n    environment:\n      - A=1\n      - B\n  b:\n    environment:\n      C: x\n      D:\n",
        );
        let services = c.services();
        assert_eq!(
            services[0].environment().iter().map(|(k, v, _)| (k.clone(), v.clone())).collect::<Vec<_>>(),
            [("A".into(), Some("1".into())), ("B".into(), None)]
        );
        assert_eq!(services[1].environment()[1].1, None);
    }
}
