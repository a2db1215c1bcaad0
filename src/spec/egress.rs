//! The egress answers: what the app may reach outside the host, and the grammar of one
//! allowlisted destination (`api.example.com`, `.s3.amazonaws.com`, `feed.example.com:8443`).
//!
//! A destination is a public host name, or a domain with all its subdomains, and a port. Every
//! item of `egress_allow` passes [`destination`] whatever its source, so nothing but a checked
//! name and port reaches the proxy's configuration.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use super::model::{Egress, ProjectSpec};

/// The port a destination gets when none is written: HTTPS.
pub const DEFAULT_PORT: u16 = 443;

/// Longest host name DNS allows, in characters.
const MAX_HOST: usize = 253;
/// Longest DNS label.
const MAX_LABEL: usize = 63;

/// Address ranges the proxy never connects to, whatever a name resolves to: loopback,
/// link-local (cloud metadata at 169.254.169.254), private and other non-public ranges.
/// The benchmarking (198.18.0.0/15) and documentation ranges are not listed: they are not
/// routed on the internet either, and `berth verify` puts its stand-in outside there.
pub const BLOCKED_RANGES: &[(&str, &str)] = &[
    ("0.0.0.0/8", "\"this\" network"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared address space (carrier-grade NAT; 100.100.100.200 is a cloud metadata address)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (169.254.169.254 is the cloud metadata service)"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.168.0.0/16", "private"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved and broadcast"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::ffff:0:0/96", "IPv4-mapped (would reach the IPv4 ranges above)"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("fc00::/7", "unique local (fd00:ec2::254 is a cloud metadata address)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
];

/// One allowlisted destination, normalised: lowercase, `*.` written as `.`, no default port.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Destination {
    /// The host name, without a leading dot.
    pub host: String,
    /// The host and every name under it (`.example.com`), not the host alone.
    pub domain: bool,
    pub port: u16,
}

impl Destination {
    /// The name as Squid's `dstdomain` writes it: `.example.com` for a domain.
    pub fn pattern(&self) -> String {
        if self.domain {
            format!(".{}", self.host)
        } else {
            self.host.clone()
        }
    }

    /// Whether this destination already allows everything `other` does.
    pub fn covers(&self, other: &Destination) -> bool {
        self.port == other.port
            && self != other
            && self.domain
            && (other.host == self.host || other.host.ends_with(&format!(".{}", self.host)))
    }

    /// A concrete host name this destination allows, `label` prefixed for a domain.
    pub fn example_host(&self, label: &str) -> String {
        if self.domain {
            format!("{label}.{}", self.host)
        } else {
            self.host.clone()
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern())?;
        if self.port != DEFAULT_PORT {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

impl FromStr for Destination {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let normal = destination(raw)?;
        let (name, port) = match normal.rsplit_once(':') {
            Some((name, port)) => (name, port.parse::<u16>().map_err(|e| e.to_string())?),
            None => (normal.as_str(), DEFAULT_PORT),
        };
        let (host, domain) = match name.strip_prefix('.') {
            Some(host) => (host, true),
            None => (name, false),
        };
        Ok(Destination { host: host.to_string(), domain, port })
    }
}

const EXAMPLE: &str = "e.g. api.example.com, .s3.amazonaws.com for a domain and its subdomains, feed.example.com:8443";

/// Checks one `egress_allow` item and returns it normalised (`*.x.com` -> `.x.com`, lowercase,
/// `:443` left out).
pub fn destination(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(format!("write a host name, {EXAMPLE}"));
    }
    if let Some(c) = v.chars().find(|c| c.is_whitespace() || c.is_control()) {
        let what = if c.is_whitespace() { "a space" } else { "a control character" };
        return Err(format!("one destination has no spaces or control characters (found {what}); separate several with commas, {EXAMPLE}"));
    }
    if v == "*" || v.eq_ignore_ascii_case("all") || v == "." || v.starts_with("*:") || v.starts_with(".:") {
        return Err("that would allow every destination; list the hosts the pipeline calls (egress: open gives the app an unfiltered route out instead)".into());
    }
    if v.contains("://") {
        return Err(format!(
            "write the host alone, without a scheme: the proxy allows HTTPS (CONNECT) to a host and port, {EXAMPLE}"
        ));
    }
    if v.contains('@') {
        return Err(
            "a destination has no user name or password; credentials belong in secrets/, not in the allowlist".into()
        );
    }
    if v.contains(['/', '?', '#']) {
        return Err(
            "write a host, not a URL: the proxy allows a host and port, it cannot see paths inside HTTPS".into()
        );
    }
    if !v.is_ascii() {
        return Err("use plain ASCII host names: internationalised names (and their xn-- punycode form) are refused, because they can look like another host".into());
    }
    if v.starts_with('[') || v.matches(':').count() > 1 {
        return Err(ip_literal());
    }
    let (name, port) = match v.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (v, None),
    };
    let port = match port {
        None => DEFAULT_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n >= 1 && p.chars().all(|c| c.is_ascii_digit()) => n,
            _ => {
                return Err(format!(
                "use a port from 1 to 65535 after the colon, e.g. feed.example.com:8443 (without one, {DEFAULT_PORT})"
            ))
            }
        },
    };
    let (host, domain) = if let Some(rest) = name.strip_prefix("*.") {
        (rest, true)
    } else if let Some(rest) = name.strip_prefix('.') {
        (rest, true)
    } else {
        (name, false)
    };
    if host.contains('*') {
        return Err(
            "only a leading `*.` (or `.`) may stand for subdomains, as in *.example.com; no other wildcards".into()
        );
    }
    if host.ends_with('.') {
        return Err(format!("remove the trailing dot: {}", host.trim_end_matches('.')));
    }
    let host = host.to_ascii_lowercase();
    check_host(&host, domain)?;
    let mut normal = if domain { format!(".{host}") } else { host };
    if port != DEFAULT_PORT {
        normal.push_str(&format!(":{port}"));
    }
    Ok(normal)
}

fn ip_literal() -> String {
    "use a host name, not an IP address: the proxy allows names, and refuses addresses so that no allowlist entry can reach loopback, link-local (cloud metadata) or private ranges".into()
}

fn check_host(host: &str, domain: bool) -> Result<(), String> {
    let labels: Vec<&str> = host.split('.').collect();
    for label in &labels {
        let ok = !label.is_empty()
            && label.len() <= MAX_LABEL
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return Err(format!(
                "each dot-separated part of a host name is 1 to {MAX_LABEL} letters, digits or inner '-', {EXAMPLE}"
            ));
        }
    }
    if host.len() > MAX_HOST {
        return Err(format!("a host name has at most {MAX_HOST} characters"));
    }
    let last = labels.last().copied().unwrap_or_default();
    if last.chars().all(|c| c.is_ascii_digit()) || last.starts_with("0x") {
        return Err(ip_literal());
    }
    if labels.iter().any(|l| l.starts_with("xn--")) {
        return Err("use plain ASCII host names: internationalised names (and their xn-- punycode form) are refused, because they can look like another host".into());
    }
    if labels.len() < 2 {
        return Err(format!(
            "a single-label name (localhost, a compose service) is not an outside host; use its full name, {EXAMPLE}"
        ));
    }
    let suffix = psl::suffix(host.as_bytes());
    if !suffix.is_some_and(|s| s.is_known()) || last == "arpa" {
        return Err(format!(
            "`.{last}` is not a public top-level domain: names under it (localhost, .local, .internal, .arpa) resolve to local or private addresses, which the proxy refuses"
        ));
    }
    if suffix.is_some_and(|s| s.as_bytes() == host.as_bytes() && s.typ() == Some(psl::Type::Icann)) {
        let what = if domain { "every site under it" } else { "no single host" };
        return Err(format!(
            "{host} is a public suffix, which would allow {what}; list the organisation's own name, e.g. .example.{last}"
        ));
    }
    Ok(())
}

/// Entries another entry already allows (`api.example.com` under `.example.com`), and
/// entries given twice: the proxy's configuration must not list them. Linear in the entries
/// and their labels, however long the list.
pub fn redundant(allow: &[Destination]) -> Vec<(&Destination, &Destination)> {
    let domains: HashMap<(&str, u16), &Destination> =
        allow.iter().filter(|d| d.domain).map(|d| ((d.host.as_str(), d.port), d)).collect();
    let mut seen = HashSet::with_capacity(allow.len());
    let mut out = Vec::new();
    for d in allow {
        if !seen.insert(d) {
            out.push((d, d));
            continue;
        }
        // The host itself (for an exact entry) and every parent domain.
        let mut rest = Some(d.host.as_str());
        while let Some(name) = rest {
            if let Some(by) = domains.get(&(name, d.port)).filter(|by| by.covers(d)) {
                out.push((d, *by));
                break;
            }
            rest = name.split_once('.').map(|(_, parent)| parent);
        }
    }
    out
}

/// What deserves attention in the egress answers: an unfiltered route out, and allowlist
/// entries that another entry already covers.
pub fn warnings(spec: &ProjectSpec) -> Vec<String> {
    let mut out = Vec::new();
    if spec.egress == Egress::Open {
        let holding = if spec.has_db() { " while it holds the database password" } else { "" };
        out.push(format!(
            "egress: open gives the app an unfiltered route out{holding}: a compromised dependency can send data anywhere; prefer egress: proxy with egress_allow listing the hosts it calls (SECURITY.md states the trade-off)"
        ));
    }
    if spec.proxy_forwards() {
        for (entry, by) in redundant(&spec.egress_allow) {
            let why = if entry == by { "is listed twice".to_string() } else { format!("is already allowed by {by}") };
            out.push(format!("egress_allow: {entry} {why}; the proxy lists it once"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_domains_and_ports_are_normalised() {
        assert_eq!(destination("api.example.com").unwrap(), "api.example.com");
        assert_eq!(destination(" API.Example.COM ").unwrap(), "api.example.com");
        assert_eq!(destination("*.s3.amazonaws.com").unwrap(), ".s3.amazonaws.com");
        assert_eq!(destination(".s3.amazonaws.com").unwrap(), ".s3.amazonaws.com");
        assert_eq!(destination("feed.example.com:8443").unwrap(), "feed.example.com:8443");
        assert_eq!(destination("api.example.com:443").unwrap(), "api.example.com");
        assert_eq!(destination("x.github.io").unwrap(), "x.github.io");
        let d: Destination = "*.S3.amazonaws.com:9000".parse().unwrap();
        assert_eq!(d, Destination { host: "s3.amazonaws.com".into(), domain: true, port: 9000 });
        assert_eq!(d.to_string(), ".s3.amazonaws.com:9000");
        assert_eq!(d.example_host("berth"), "berth.s3.amazonaws.com");
    }

    #[test]
    fn hostile_values_are_refused_with_a_reason() {
        let cases: &[(&str, &str)] = &[
            ("", "host name"),
            ("api.example.com\nhttp_access allow all", "control character"),
            ("api.example.com other.example.com", "space"),
            ("all", "every destination"),
            ("*", "every destination"),
            ("*:443", "every destination"),
            ("0.0.0.0", "not an IP address"),
            ("169.254.169.254", "not an IP address"),
            ("10.0.0.1:443", "not an IP address"),
            ("[::1]:443", "not an IP address"),
            ("::1", "not an IP address"),
            ("0x7f.example.0x1", "not an IP address"),
            ("localhost", "single-label"),
            ("db", "single-label"),
            ("x.localhost", "not a public top-level domain"),
            ("metadata.google.internal", "not a public top-level domain"),
            ("printer.local", "not a public top-level domain"),
            ("1.0.0.127.in-addr.arpa", "not a public top-level domain"),
            ("http://x", "without a scheme"),
            ("https://api.example.com/v1", "without a scheme"),
            ("user:pw@api.example.com", "no user name"),
            ("api.example.com/v1", "not a URL"),
            (&format!("{}.example.com", "a".repeat(300)), "1 to 63"),
            (&format!("{}com", "a.".repeat(150)), "at most 253"),
            ("bücher.example", "ASCII"),
            ("xn--bcher-kva.example", "ASCII"),
            ("api.example.com.", "trailing dot"),
            ("*.*.x.com", "only a leading"),
            ("a.*.example.com", "only a leading"),
            ("*example.com", "only a leading"),
            ("api.example.com:0", "port from 1 to 65535"),
            ("api.example.com:99999", "port from 1 to 65535"),
            ("api.example.com:+443", "port from 1 to 65535"),
            ("api.example.com:", "port from 1 to 65535"),
            (".com", "single-label"),
            (".co.uk", "public suffix"),
            ("co.uk", "public suffix"),
            ("a..example.com", "1 to 63"),
            ("-a.example.com", "inner '-'"),
            ("a_b.example.com", "letters, digits"),
            ("$(id).example.com", "letters, digits"),
        ];
        for (raw, want) in cases {
            let message = destination(raw).expect_err(raw);
            assert!(message.contains(want), "{raw:?}: {message}");
            assert!(crate::spec::payloads::is_safe_to_show(&message), "{raw:?}: {message}");
        }
        for raw in crate::spec::payloads::payloads() {
            if let Err(message) = destination(&raw) {
                assert!(crate::spec::payloads::is_safe_to_show(&message), "{raw:?}: {message}");
            }
        }
    }

    #[test]
    fn covered_and_repeated_entries_are_found() {
        let allow: Vec<Destination> = ["api.example.com", ".example.com", "b.example.com:8443", "x.org", "x.org"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let found: Vec<(String, String)> =
            redundant(&allow).iter().map(|(d, by)| (d.to_string(), by.to_string())).collect();
        assert_eq!(
            found,
            [("api.example.com".to_string(), ".example.com".to_string()), ("x.org".into(), "x.org".into())]
        );
    }

    #[test]
    fn long_lists_are_judged_entry_by_entry() {
        // 100,000 entries: comparing every pair would take minutes, a lookup per label does not.
        let allow: Vec<Destination> = (0..100_000)
            .map(|i| format!("h{i}.example.com").parse().unwrap())
            .chain([".example.com".parse().unwrap()])
            .collect();
        assert_eq!(redundant(&allow).len(), 100_000);
    }

    #[test]
    fn blocked_ranges_are_cidrs() {
        for (cidr, _) in BLOCKED_RANGES {
            let (addr, bits) = cidr.split_once('/').unwrap();
            let ip: std::net::IpAddr = addr.parse().unwrap_or_else(|e| panic!("{cidr}: {e}"));
            let max = if ip.is_ipv4() { 32 } else { 128 };
            assert!(bits.parse::<u8>().unwrap() <= max, "{cidr}");
        }
    }
}
