//! Published ports, short (`[IP:][HOST:]CONTAINER[/PROTO]`) and long syntax.
//!
//! The short syntax is split the way Docker's own parser splits it: the last field is the
//! container port, the one before it the host port, and everything before that, colons included,
//! is the address (so an unbracketed IPv6 address keeps its colons). `${...}` is one field even
//! when its default has a colon.

use std::net::IpAddr;

use super::interpolate::{expand, interpolate};
use crate::yaml::tree::{Node, Value};

/// Where a published port listens on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostIp {
    /// Every interface: no address, an empty one, `*`, or an unspecified address in any spelling
    /// (`0.0.0.0`, `::`, `[::]`, `::ffff:0.0.0.0`).
    All,
    /// One address (or a host name).
    Address(String),
    /// Known only at run time, or a value Compose refuses: nothing to judge.
    Unknown,
}

/// One entry of `ports:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port<'a> {
    pub host_ip: HostIp,
    /// The host port or range; `None` when Docker picks one.
    pub published: Option<String>,
    pub node: &'a Node,
}

/// Every entry of a `ports:` sequence that is a port Docker would publish.
pub fn ports(node: Option<&Node>) -> Vec<Port<'_>> {
    node.map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|item| match &item.value {
            Value::Scalar { text, .. } => {
                let (host_ip, published) = short(text)?;
                Some(Port { host_ip, published, node: item })
            }
            Value::Map(_) => {
                let host_ip = match item.entry("host_ip") {
                    None => HostIp::All,
                    // Compose refuses an empty `host_ip` (also `${ADDR:-}`): nothing is published.
                    Some((_, v)) if interpolate(v.as_str().unwrap_or("")).text.trim().is_empty() => HostIp::Unknown,
                    Some((_, v)) => address(v.as_str().unwrap_or("")).unwrap_or(HostIp::Unknown),
                };
                let published =
                    item.get("published").and_then(Node::as_str).map(|p| interpolate(p).text).filter(|p| !p.is_empty());
                Some(Port { host_ip, published, node: item })
            }
            Value::Seq(_) => None,
        })
        .collect()
}

/// The address and host port of a short-syntax entry, or `None` for text that is not a port.
/// Interpolation comes first (a default may hold colons: `${PORT-:2283:2283}`); a variable
/// without a default becomes `?`, a field only the run time knows.
fn short(text: &str) -> Option<(HostIp, Option<String>)> {
    let text = expand(text.trim(), "?").text;
    let fields: Vec<&str> = text.split(':').collect();
    let port = |field: &str| {
        let port = field.split('/').next().unwrap_or("");
        port.contains('?') || (!port.is_empty() && port.chars().all(|c| c.is_ascii_digit() || c == '-'))
    };
    let (container, host) = match fields.as_slice() {
        [container] => (*container, None),
        [.., host, container] => (*container, Some(*host)),
        [] => return None,
    };
    if !port(container) || host.is_some_and(|h| !h.is_empty() && !port(h)) {
        return None;
    }
    let published = host.filter(|h| !h.is_empty() && !h.contains('?')).map(str::to_string);
    let ip = match fields.len() {
        0..=2 => HostIp::All,
        n => {
            let ip = fields[..n - 2].join(":");
            if ip.contains('?') {
                HostIp::Unknown
            } else {
                address(&ip).unwrap_or(HostIp::Unknown)
            }
        }
    };
    Some((ip, published))
}

/// An address as written, after interpolation; `None` when only the run time knows it.
fn address(raw: &str) -> Option<HostIp> {
    let value = interpolate(raw);
    if value.unresolved && value.text.trim().is_empty() {
        return None;
    }
    let text = value.text.trim();
    if text.is_empty() || text == "*" {
        return Some(HostIp::All);
    }
    let bare = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    let unspecified = match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_unspecified(),
        Ok(IpAddr::V6(v6)) => v6.is_unspecified() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_unspecified()),
        Err(_) => false,
    };
    Some(if unspecified { HostIp::All } else { HostIp::Address(text.to_string()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree::parse;

    fn judged(entry: &str) -> Vec<(HostIp, Option<String>)> {
        let root = parse(&format!("ports:\n  - {entry}\n")).unwrap();
        ports(root.get("ports")).into_iter().map(|p| (p.host_ip, p.published)).collect()
    }

    #[test]
    fn short_syntax_addresses() {
        let all = |p: &str| (HostIp::All, Some(p.to_string()));
        assert_eq!(judged("8080:80"), [all("8080")]);
        assert_eq!(judged("\"0.0.0.0:8080:80\""), [all("8080")]);
        assert_eq!(judged("\"[::]:8080:80/udp\""), [all("8080")]);
        assert_eq!(judged("\"*::83\""), [(HostIp::All, None)]);
        assert_eq!(judged("\":::8080:80\""), [all("8080")]);
        assert_eq!(judged("\"::ffff:0.0.0.0:80:80\""), [all("80")]);
        assert_eq!(judged("3000"), [(HostIp::All, None)]);
        assert_eq!(judged("\"${PORT:-8080}:80\""), [all("8080")]);
        assert_eq!(judged("\"127.0.0.1:5432:5432\""), [(HostIp::Address("127.0.0.1".into()), Some("5432".into()))]);
        assert_eq!(judged("\"::1:8080:80\""), [(HostIp::Address("::1".into()), Some("8080".into()))]);
        assert_eq!(judged("\"${BIND}:443:443\""), [(HostIp::Unknown, Some("443".into()))]);
        assert_eq!(judged("\"${BIND:-}:443:443\""), [all("443")]);
        assert_eq!(judged("\"${EXPOSE_PORT-:2283:2283}\""), [all("2283")]);
        assert_eq!(judged("\"${HTTP_PORT}:80\""), [(HostIp::All, None)]);
        assert!(judged("\"a:b\"").is_empty());
        assert!(judged("\"0.0.0.0:web:80\"").is_empty());
    }

    #[test]
    fn long_syntax_addresses() {
        assert_eq!(judged("{target: 80, published: 8080}"), [(HostIp::All, Some("8080".into()))]);
        assert_eq!(judged("{target: 80, host_ip: 0.0.0.0}"), [(HostIp::All, None)]);
        assert_eq!(judged("{target: 80, published: 8080, host_ip: }"), [(HostIp::Unknown, Some("8080".into()))]);
        assert_eq!(judged("{target: 80, published: 8080, host_ip: \"\"}"), [(HostIp::Unknown, Some("8080".into()))]);
        assert_eq!(
            judged("{target: 80, published: 8080, host_ip: \"${A:-}\"}"),
            [(HostIp::Unknown, Some("8080".into()))]
        );
    }
}
