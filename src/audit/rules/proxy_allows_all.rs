//! BP001: a Squid configuration that lets requests through to any destination.

use std::collections::{HashMap, HashSet};

use crate::audit::rule::{Check, FileKind, Finding, Rule, Sink};
use crate::audit::squid::{AclPart, Directive, SquidConf};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BP001",
    name: "proxy-allows-all-destinations",
    kind: FileKind::Squid,
    severity: Severity::High,
    summary: "The Squid configuration lets requests through to any destination.",
    fix: "Allow only listed destinations (`acl allowed dstdomain -n api.example.com` and `http_access allow CONNECT allowed`), and end with `http_access deny all`.",
    docs: r#"## What it does
Reads Squid configurations (`squid.conf`, `squid*.conf`, `*.squid.conf`) and flags:
- an `http_access allow` line none of whose ACLs limits the destination: no `dstdomain`, `dstdom_regex`, `dst`, `url_regex` or `ssl::server_name` ACL among them, or only ones that match everything (`all`, `0.0.0.0/0`, `.*`, a whole public suffix such as `.com`). `http_access allow all`, `allow localnet`, `allow localhost` (Debian's default) and `allow CONNECT` are the common cases. A line whose requests `never_direct` sends only to `cache_peer ... originserver` peers (a reverse proxy in front of its applications) is not flagged; a parent that is itself a proxy does not count;
- a last `http_access` line that is a `deny` with conditions: Squid applies the opposite of the last line to every request no line matched, so `http_access deny !Safe_ports` at the end allows everything else.

An `allow` that admits every client (`all`, or no ACL that limits the client) is an open proxy, reported at high severity. One limited to some clients (a `src`, `srcdomain`, `arp`, `proxy_auth` or `external` ACL, or Squid's own `localhost`: Debian's default, or a company proxy for its signed-in users) is reported at medium: such a proxy is often a general-purpose one on purpose, but as the way out of an internal network it still lets those clients reach anything.

## Why is this bad?
An allowlisting proxy is what lets a service on an internal network reach the few hosts it needs and nothing else. One `allow` without a destination ACL turns it into an open proxy for every client it lets in: a compromised dependency can send data anywhere, and reach the cloud metadata service (169.254.169.254) or internal hosts through it.

## Example
```
http_port 3128
acl localnet src 10.0.0.0/8
http_access allow localnet
http_access deny all
```

## Use instead
```
http_port 3128
acl allowed dstdomain -n api.example.com .s3.amazonaws.com
acl blocked dst 10.0.0.0/8 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.168.0.0/16
http_access deny !allowed
http_access deny blocked
http_access allow CONNECT allowed
http_access deny all
```
`-n` keeps Squid from looking up an IP address's name to match it against the list.

## References
- OWASP Docker Security Cheat Sheet rule #5; OWASP SSRF Prevention Cheat Sheet (allowlists, metadata addresses)
- Squid documentation: `http_access` ("the default is the opposite of the last line"), `acl`, `never_direct`
- `berth new --egress proxy --egress-allow HOST` writes such a configuration
"#,
    opt_in: false,
    check: Check::Squid(check),
};

/// ACL types that say where a request goes.
const DESTINATION_TYPES: &[&str] =
    &["dstdomain", "dstdom_regex", "dst", "dst_as", "url_regex", "ssl::server_name", "ssl::server_name_regex"];

/// A destination no allowlist names, in the shapes regex ACLs are matched against.
const PROBES: &[&str] =
    &["berth-audit-probe.invalid", "berth-audit-probe.invalid:443", "http://berth-audit-probe.invalid/"];

/// Whether one ACL value lets any destination through.
fn matches_everything(part: &AclPart, value: &str) -> bool {
    if value.starts_with('"') {
        // Values read from a file: what they hold cannot be judged here.
        return false;
    }
    match part.kind.as_str() {
        "dst" | "dst_as" => value == "all" || value.ends_with("/0") || value == "0.0.0.0-255.255.255.255",
        "dstdomain" | "ssl::server_name" => {
            let domain = value.trim_start_matches('.');
            value == "." || value == "all" || (value.starts_with('.') && is_public_suffix(domain))
        }
        _ => {
            let insensitive = part.flags.iter().any(|f| f == "-i");
            regex::RegexBuilder::new(value)
                .case_insensitive(insensitive)
                .size_limit(1 << 20)
                .build()
                .is_ok_and(|re| PROBES.iter().any(|p| re.is_match(p)))
        }
    }
}

fn is_public_suffix(domain: &str) -> bool {
    psl::suffix(domain.as_bytes())
        .is_some_and(|s| s.as_bytes() == domain.as_bytes() && s.typ() == Some(psl::Type::Icann))
}

/// ACL types that say which clients may use the proxy.
const CLIENT_TYPES: &[&str] =
    &["src", "srcdomain", "srcdom_regex", "arp", "eui64", "proxy_auth", "proxy_auth_regex", "ext_user", "external"];

/// Whether an ACL (all its lines) admits only some clients.
fn limits_client(parts: &[AclPart]) -> bool {
    !parts.is_empty()
        && parts.iter().all(|p| CLIENT_TYPES.contains(&p.kind.as_str()))
        && parts
            .iter()
            .all(|p| !p.values.iter().any(|v| v == "all" || v.ends_with("/0") || v == "0.0.0.0-255.255.255.255"))
}

/// Whether an ACL (all its lines) limits where a request goes.
fn limits_destination(parts: &[AclPart]) -> bool {
    !parts.is_empty()
        && parts.iter().all(|p| DESTINATION_TYPES.contains(&p.kind.as_str()))
        && parts.iter().all(|p| !p.values.iter().any(|v| matches_everything(p, v)))
}

/// Most `never_direct allow` lines with several ACLs that are compared with each `http_access`
/// line: a configuration has a handful; beyond this many the rest are not counted as pins (the
/// rule then reports more, never less), so no file makes the comparison quadratic.
const MAX_PIN_SETS: usize = 256;

/// Which requests `never_direct` sends only to cache peers that are all origin servers (a
/// reverse proxy's applications; a parent that is itself a forward proxy goes anywhere). Lines
/// after a `never_direct deny` are not counted (the deny may exempt what they match).
#[derive(Default)]
struct Pins<'a> {
    /// `never_direct allow all`: every request.
    everything: bool,
    /// Lines with one ACL.
    single: HashSet<&'a str>,
    /// Lines with several ACLs, all of which a request must match.
    sets: Vec<Vec<&'a str>>,
}

impl<'a> Pins<'a> {
    fn of(conf: &'a SquidConf) -> Self {
        let mut pins = Pins::default();
        let mut peers = conf.named("cache_peer").peekable();
        if peers.peek().is_none() || !peers.all(|p| p.args.iter().any(|a| a == "originserver")) {
            return pins;
        }
        for d in conf.named("never_direct") {
            let Some((action, names)) = d.args.split_first() else { break };
            if action != "allow" {
                break;
            }
            if names.iter().any(|n| n.starts_with('!')) {
                continue;
            }
            let set: Vec<&str> = names.iter().map(String::as_str).filter(|n| *n != "all").collect();
            match set.as_slice() {
                [] => pins.everything = true,
                [one] => {
                    pins.single.insert(one);
                }
                _ if pins.sets.len() < MAX_PIN_SETS => pins.sets.push(set),
                _ => {}
            }
        }
        pins
    }

    /// Whether every request an `http_access` line with these (positive) ACLs matches is pinned.
    fn cover(&self, positive: &[&str]) -> bool {
        self.everything
            || positive.iter().any(|a| self.single.contains(a))
            || self.sets.iter().any(|set| set.iter().all(|a| positive.contains(a)))
    }
}

/// What the rule knows about a configuration, worked out once however many lines it has.
struct Judged<'a> {
    /// Each ACL by name: whether it limits where a request goes.
    limits: HashMap<&'a str, bool>,
    /// Each ACL by name: whether it admits only some clients.
    clients: HashMap<&'a str, bool>,
    includes_others: bool,
    pins: Pins<'a>,
}

fn check_allow(d: &Directive, judged: &Judged, sink: &mut Sink) {
    let names = &d.args[1..];
    let unknown = names.iter().any(|n| !judged.limits.contains_key(n.trim_start_matches('!')));
    if unknown && judged.includes_others {
        // Defined in an included file this rule does not read.
        return;
    }
    let positive: Vec<&str> = names.iter().filter(|n| !n.starts_with('!')).map(String::as_str).collect();
    if positive.iter().any(|n| judged.limits.get(n).copied().unwrap_or(false)) || judged.pins.cover(&positive) {
        return;
    }
    let shown = if names.is_empty() { "allow".to_string() } else { format!("allow {}", names.join(" ")) };
    let shown = crate::shown::escape(&crate::shown::clip(&shown, 120)).to_string();
    let some_clients = positive.iter().any(|n| judged.clients.get(n).copied().unwrap_or(false));
    let (severity, what) = if some_clients {
        (Severity::Medium, "lets the clients it admits reach any destination")
    } else {
        (RULE.severity, "is an open proxy: it lets every client reach any destination")
    };
    sink.findings.push(Finding {
        line: d.line,
        column: d.col,
        message: format!(
            "`http_access {shown}` {what}; none of its ACLs limits where requests go (dstdomain, dst, url_regex...)"
        ),
        scope: None,
        severity: (severity != RULE.severity).then_some(severity),
    });
}

fn check(conf: &SquidConf, sink: &mut Sink) {
    let acls = conf.acls();
    let judged = Judged {
        limits: acls.iter().map(|(name, parts)| (name.as_str(), limits_destination(parts))).collect(),
        clients: acls.iter().map(|(name, parts)| (name.as_str(), limits_client(parts))).collect(),
        includes_others: conf.includes_others(),
        pins: Pins::of(conf),
    };
    let access: Vec<&Directive> = conf.named("http_access").collect();
    for d in &access {
        if d.args.first().is_some_and(|a| a == "allow") {
            check_allow(d, &judged, sink);
        }
    }
    if let Some(last) = access.last() {
        let conditional_deny = last.args.first().is_some_and(|a| a == "deny")
            && last.args.len() > 1
            && !last.args[1..].iter().any(|a| a == "all");
        if conditional_deny {
            sink.at(
                last.line,
                last.col,
                "the last `http_access` line is a `deny` with conditions, so Squid allows every request it does not match; end with `http_access deny all`",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn open_allows_and_a_conditional_last_deny_are_flagged() {
        assert_eq!(lines(&RULE, "http_port 3128\nhttp_access allow all\n"), [2]);
        let localnet = "acl localnet src 10.0.0.0/8\nhttp_access allow localnet\nhttp_access deny all\n";
        assert_eq!(lines(&RULE, localnet), [2]);
        assert_eq!(lines(&RULE, "acl SSL port 443\nhttp_access allow CONNECT SSL\nhttp_access deny all\n"), [2]);
        let last_deny = "acl allowed dstdomain .example.com\nhttp_access allow allowed\nhttp_access deny !Safe\n";
        assert_eq!(lines(&RULE, &last_deny.replace("!Safe", "!allowed")), [3]);
        for everything in [
            "dst 0.0.0.0/0",
            "dst all",
            "dstdomain .",
            "dstdomain .com",
            "dstdomain .co.uk",
            "dstdom_regex -i .*",
            "url_regex ^https?://",
        ] {
            let text = format!("acl out {everything}\nhttp_access allow out\nhttp_access deny all\n");
            assert_eq!(lines(&RULE, &text), [2], "{everything}");
        }
    }

    #[test]
    fn an_allow_for_some_clients_is_medium_and_an_open_proxy_high() {
        let severities = |text: &str| -> Vec<Option<Severity>> {
            crate::audit::testing::findings(&RULE, text).into_iter().map(|f| f.severity).collect()
        };
        let debian = "acl localnet src 10.0.0.0/8\nhttp_access allow localnet\nhttp_access allow localhost\nhttp_access allow all\nhttp_access deny all\n";
        assert_eq!(severities(debian), [Some(Severity::Medium), Some(Severity::Medium), None]);
        let auth = "acl users proxy_auth REQUIRED\nhttp_access allow users\nhttp_access deny all\n";
        assert_eq!(severities(auth), [Some(Severity::Medium)]);
        let anyone = "acl anyone src 0.0.0.0/0\nhttp_access allow anyone\nacl tls port 443\nhttp_access allow CONNECT tls\nhttp_access deny all\n";
        assert_eq!(severities(anyone), [None, None], "no client limit: an open proxy");
        let message = &crate::audit::testing::findings(&RULE, "http_access allow all\n")[0].message;
        assert!(message.contains("is an open proxy: it lets every client reach any destination"), "{message}");
    }

    #[test]
    fn allowlists_reverse_proxies_and_manager_access_pass() {
        let allowlist = "acl allowed dstdomain -n api.example.com .s3.amazonaws.com\nacl blocked dst 10.0.0.0/8\nhttp_access deny !allowed\nhttp_access deny blocked\nhttp_access allow CONNECT allowed\nhttp_access deny all\n";
        assert!(lines(&RULE, allowlist).is_empty());
        let regex = "acl api dstdom_regex -i ^api\\.example\\.com$\nhttp_access allow api\nhttp_access deny all\n";
        assert!(lines(&RULE, regex).is_empty());
        let from_file =
            "acl allowed dstdomain \"/etc/squid/allowed.txt\"\nhttp_access allow allowed\nhttp_access deny all\n";
        assert!(lines(&RULE, from_file).is_empty());
        let reverse = "http_port 8000 accel defaultsite=app name=ingress\nacl ingress myportname ingress\ncache_peer app parent 8000 0 originserver name=app\nnever_direct allow ingress\nhttp_access allow localhost manager\nhttp_access allow ingress\nhttp_access deny all\n";
        assert!(lines(&RULE, reverse).is_empty());
        // A parent that is a forward proxy itself goes anywhere.
        let parent = "http_port 3128\ncache_peer 127.0.0.1 parent 8118 0 no-query default\nnever_direct allow all\nhttp_access allow all\n";
        assert_eq!(lines(&RULE, parent), [4]);
        // A never_direct deny first may exempt the requests: not counted as pinned.
        let exempt =
            reverse.replace("never_direct allow ingress", "never_direct deny ingress\nnever_direct allow ingress");
        assert_eq!(lines(&RULE, &exempt), [7]);
        // ACLs from an included file cannot be judged; no rule line means Squid denies all.
        assert!(lines(&RULE, "include /etc/squid/conf.d/*.conf\nhttp_access allow office_sites\n").is_empty());
        assert!(lines(&RULE, "http_port 3128\n").is_empty());
    }
}
