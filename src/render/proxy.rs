//! The stack's networks and its proxy service, decided once from the egress answers.
//!
//! The app sits on the internal network only unless `egress: open`. What it may reach outside
//! goes through the proxy (forward role: HTTPS by CONNECT to the allowlist); an api is published
//! through the same proxy (ingress role: Squid as a reverse proxy in front of the app). The two
//! roles listen on separate ports and every access rule is keyed on the port a request came in
//! on, so the published port cannot be used to reach outside, nor the forward port to reach in.

use serde::Serialize;

use super::catalog;
use crate::spec::egress::{self, Destination, DEFAULT_PORT};
use crate::spec::{Egress, Limits, ProjectSpec};

/// The proxy's service name, which is also its host name on the compose networks.
pub const PROXY_SERVICE: &str = "proxy";
/// The forward proxy's port, on the internal network.
pub const FORWARD_PORT: u16 = 3128;
/// Squid's own health port, bound to the container's loopback only.
pub const HEALTH_PORT: u16 = 3129;
/// Debian's `proxy` user and group (fixed by base-passwd), which Squid runs as.
pub const PROXY_UID: u32 = 13;
/// The variables that point the app's HTTP clients (requests, httpx, urllib, botocore, pip) at
/// the proxy, upper- and lower-case as the clients read either, and the names they bypass it for.
pub const PROXY_ENV: &[&str] = &["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];

/// The network with no route out, where the app and the database live.
pub const INTERNAL_NETWORK: &str = "backend";
/// The network with a route out: the proxy's (or, with `egress: open`, the app's).
pub const EDGE_NETWORK: &str = "edge";

/// A compose network and why it is there.
#[derive(Debug, Clone, Serialize)]
pub struct Network {
    pub name: &'static str,
    pub internal: bool,
    pub comment: &'static str,
}

/// Which service is on which network, and who publishes the api's port.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkPlan {
    pub app: Vec<&'static str>,
    pub networks: Vec<Network>,
    /// The app publishes its port itself (an api with `egress: open`); otherwise the proxy does.
    pub app_publishes: bool,
}

/// One Squid port rule: the destinations allowed on one port.
#[derive(Debug, Clone, Serialize)]
pub struct PortGroup {
    pub port: u16,
    /// `dstdomain` patterns: `api.example.com`, `.example.com`.
    pub patterns: Vec<String>,
}

/// An address range the proxy refuses, with what it is.
#[derive(Debug, Clone, Serialize)]
pub struct Blocked {
    pub cidr: &'static str,
    pub what: &'static str,
}

/// The proxy service and the Squid configuration it is built with.
#[derive(Debug, Clone, Serialize)]
pub struct ProxyContext {
    pub service: &'static str,
    pub image: String,
    pub packages: Vec<&'static str>,
    pub uid: u32,
    /// The forward proxy's port (egress: proxy).
    pub forward_port: Option<u16>,
    /// The api's port, published on 127.0.0.1 and passed to the app (ingress).
    pub ingress_port: Option<u16>,
    pub health_port: u16,
    /// Allowed destinations by port, without entries another one covers.
    pub groups: Vec<PortGroup>,
    /// Every allowed pattern, whatever its port: names outside it are refused before any DNS lookup.
    pub patterns: Vec<String>,
    pub blocked: Vec<Blocked>,
    pub limits: Limits,
    /// Environment the app gets so HTTP clients use the proxy (name, value).
    pub app_env: Vec<(String, String)>,
    /// An allowed URL for the starter's example request.
    pub example_url: Option<String>,
}

/// The proxy's resource limits: Squid without a cache needs a few tens of MB.
pub fn limits() -> Limits {
    Limits { cpus: "0.5".into(), memory: "256m".into(), pids: 64 }
}

pub fn network_plan(spec: &ProjectSpec) -> NetworkPlan {
    let open = spec.egress == Egress::Open;
    let mut networks = vec![Network {
        name: INTERNAL_NETWORK,
        internal: true,
        comment: "internal: no route to or from outside the host's containers.",
    }];
    let edge = if open {
        Some("A route out for the app (egress: open): unfiltered, see SECURITY.md.")
    } else if spec.proxy_forwards() && spec.proxy_ingress() {
        Some("The proxy's side with a route out: it carries the published port and reaches the allowed hosts.")
    } else if spec.proxy_forwards() {
        Some("The proxy's side with a route out: only the proxy is on it, to reach the allowed hosts.")
    } else if spec.proxy_ingress() {
        Some("Carries the published port: only the proxy is on it; its configuration has no forward port.")
    } else {
        None
    };
    if let Some(comment) = edge {
        networks.push(Network { name: EDGE_NETWORK, internal: false, comment });
    }
    let app = if open { vec![INTERNAL_NETWORK, EDGE_NETWORK] } else { vec![INTERNAL_NETWORK] };
    NetworkPlan { app, networks, app_publishes: spec.is_api() && !spec.proxy_ingress() }
}

/// The allowlist without entries another entry covers, grouped by port (lowest first).
fn groups(allow: &[Destination]) -> Vec<PortGroup> {
    let redundant: Vec<&Destination> = egress::redundant(allow).into_iter().map(|(d, _)| d).collect();
    let mut kept: Vec<&Destination> =
        allow.iter().filter(|d| !redundant.iter().any(|r| std::ptr::eq(*r, *d))).collect();
    kept.sort_by_key(|d| (d.port, d.pattern()));
    let mut out: Vec<PortGroup> = Vec::new();
    for d in kept {
        match out.last_mut() {
            Some(group) if group.port == d.port => group.patterns.push(d.pattern()),
            _ => out.push(PortGroup { port: d.port, patterns: vec![d.pattern()] }),
        }
    }
    out
}

/// The proxy, when the answers call for one.
pub fn proxy_context(spec: &ProjectSpec) -> Option<ProxyContext> {
    if !spec.has_proxy() {
        return None;
    }
    let forward = spec.proxy_forwards();
    let groups = if forward { groups(&spec.egress_allow) } else { Vec::new() };
    let mut patterns: Vec<String> = groups.iter().flat_map(|g| g.patterns.iter().cloned()).collect();
    patterns.sort();
    patterns.dedup();
    let mut app_env = Vec::new();
    if forward {
        let url = format!("http://{PROXY_SERVICE}:{FORWARD_PORT}");
        let mut no_proxy = vec!["localhost", "127.0.0.1", "::1"];
        if spec.has_db() {
            no_proxy.push("db");
        }
        for name in PROXY_ENV {
            let value = if name.eq_ignore_ascii_case("no_proxy") { no_proxy.join(",") } else { url.clone() };
            app_env.push((name.to_string(), value));
        }
    }
    let example_url = spec.egress_allow.first().filter(|_| forward).map(|d| match d.port {
        DEFAULT_PORT => format!("https://{}/", d.host),
        port => format!("https://{}:{port}/", d.host),
    });
    Some(ProxyContext {
        service: PROXY_SERVICE,
        image: catalog::proxy_image(spec),
        packages: catalog::PROXY_PACKAGES.to_vec(),
        uid: PROXY_UID,
        forward_port: forward.then_some(FORWARD_PORT),
        ingress_port: spec.proxy_ingress().then_some(spec.port),
        health_port: HEALTH_PORT,
        groups,
        patterns,
        blocked: egress::BLOCKED_RANGES.iter().map(|(cidr, what)| Blocked { cidr, what }).collect(),
        limits: limits(),
        app_env,
        example_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{defaults, resolve, Environment, Key, Layer, RawValue, Source};

    fn spec(pairs: &[(Key, &str)]) -> ProjectSpec {
        let mut layer = Layer::new(Source::Flags);
        for (key, value) in pairs {
            layer.put(*key, RawValue::One(value.to_string()));
        }
        let env = Environment { dir_name: Some("etl".into()), dependency_text: None };
        resolve(&[defaults(), layer], &env).unwrap().spec
    }

    #[test]
    fn the_app_is_on_the_internal_network_unless_egress_is_open() {
        for (workload, egress, app, edge, proxy, publishes) in [
            ("batch", "none", vec!["backend"], false, false, false),
            ("batch", "proxy", vec!["backend"], true, true, false),
            ("batch", "open", vec!["backend", "edge"], true, false, false),
            ("api", "none", vec!["backend"], true, true, false),
            ("api", "proxy", vec!["backend"], true, true, false),
            ("api", "open", vec!["backend", "edge"], true, false, true),
        ] {
            let s = spec(&[(Key::Workload, workload), (Key::Egress, egress), (Key::EgressAllow, "api.example.com")]);
            let plan = network_plan(&s);
            let case = format!("{workload}/{egress}");
            assert_eq!(plan.app, app, "{case}");
            assert_eq!(plan.networks.iter().any(|n| n.name == EDGE_NETWORK), edge, "{case}");
            assert!(plan.networks.iter().all(|n| n.internal == (n.name == INTERNAL_NETWORK)), "{case}");
            assert_eq!(s.has_proxy(), proxy, "{case}");
            assert_eq!(plan.app_publishes, publishes, "{case}");
        }
    }

    #[test]
    fn the_allowlist_is_grouped_by_port_without_covered_entries() {
        let s = spec(&[
            (Key::Egress, "proxy"),
            (
                Key::EgressAllow,
                "api.example.com, .example.com, feed.example.org:8443, b.example.org:8443, .example.com",
            ),
        ]);
        let proxy = proxy_context(&s).unwrap();
        let shown: Vec<(u16, Vec<String>)> = proxy.groups.iter().map(|g| (g.port, g.patterns.clone())).collect();
        assert_eq!(
            shown,
            [
                (443, vec![".example.com".to_string()]),
                (8443, vec!["b.example.org".to_string(), "feed.example.org".to_string()])
            ]
        );
        assert_eq!(proxy.patterns, [".example.com", "b.example.org", "feed.example.org"]);
        assert_eq!(proxy.example_url.as_deref(), Some("https://api.example.com/"));
        assert!(proxy.app_env.contains(&("HTTPS_PROXY".into(), "http://proxy:3128".into())));
        assert!(proxy.app_env.contains(&("no_proxy".into(), "localhost,127.0.0.1,::1".into())));
    }

    #[test]
    fn an_ingress_only_proxy_has_no_forward_port() {
        let s = spec(&[(Key::Workload, "api"), (Key::Database, "postgres")]);
        let proxy = proxy_context(&s).unwrap();
        assert_eq!((proxy.forward_port, proxy.ingress_port), (None, Some(8000)));
        assert!(proxy.groups.is_empty() && proxy.app_env.is_empty() && proxy.example_url.is_none());
        assert!(proxy_context(&spec(&[])).is_none());
    }
}
