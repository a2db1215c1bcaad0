//! The egress checks: through the proxy the app reaches the listed hosts and nothing else.
//!
//! The "outside" is verify's own: listeners on networks it creates, answering to the names the
//! allowlist lists (network aliases the proxy resolves through the engine's DNS). The allowed
//! listener lives on a network with a benchmarking-range subnet (198.18.0.0/15: not private, not
//! routed on the internet), the others on a private and a link-local subnet. No request leaves
//! the networks verify and the stack created; no real host is ever contacted.

use std::time::{Duration, Instant};

use serde::Deserialize;

use super::stack::{Stack, CONNECT_CODE};
use super::{CheckId, Recorder, VerifyError};
use crate::render::context::VENV;
use crate::render::proxy::{FORWARD_PORT, HEALTH_PORT, PROXY_SERVICE};
use crate::spec::egress::Destination;
use crate::spec::ProjectSpec;

pub const IDS: &[CheckId] =
    &[CheckId::EgressAllowed, CheckId::EgressDenied, CheckId::EgressDirectBlocked, CheckId::EgressPrivateBlocked];

/// At most this many listed destinations are tried, so a long allowlist stays quick.
const MAX_TESTED: usize = 12;
/// The label of the names verify makes up under a listed domain.
const LABEL: &str = "berth-verify";
/// A name no allowlist can hold (`.invalid` is not a public top-level domain).
const UNLISTED: &str = "berth-verify-unlisted.invalid";

/// Serves a banner naming the port on every port in argv, to every connection.
const LISTENER_CODE: &str = "import socket, sys, threading\n\
def serve(port):\n    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', port)); s.listen(16)\n    while True:\n        c, _ = s.accept()\n        try:\n            c.sendall(b'berth-verify-listener %d\\n' % port)\n        except OSError:\n            pass\n        c.close()\n\
for p in sys.argv[1:]:\n    threading.Thread(target=serve, args=(int(p),), daemon=True).start()\n\
threading.Event().wait()";

/// Connects to HOST PORT and prints the first line the peer sends, or `blocked ERROR`.
const READ_CODE: &str = "import socket, sys\ntry:\n    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 4); s.settimeout(4)\n    print('reached', s.recv(200).decode('latin-1').strip())\nexcept OSError as e:\n    print('blocked', type(e).__name__)";

/// Sends each request in argv[3] (JSON) to the proxy at argv[1]:argv[2]; prints the status
/// line and, for a tunnel, the first line from the other end, as JSON.
const PROXY_CODE: &str = r#"
import json, socket, sys
out = []
for method, target in json.loads(sys.argv[3]):
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
        s.settimeout(8)
        host = target.split('/')[2] if '://' in target else target
        s.sendall(f'{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n'.encode())
        data = b''
        while b'\r\n\r\n' not in data and len(data) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, rest = data.partition(b'\r\n\r\n')
        status = head.split(b'\r\n')[0].decode('latin-1')
        if method == 'CONNECT' and ' 200 ' in status + ' ':
            while b'\n' not in rest and len(rest) < 4096:
                chunk = s.recv(4096)
                if not chunk:
                    break
                rest += chunk
        out.append({'status': status, 'body': rest[:200].decode('latin-1')})
    except OSError as e:
        out.append({'status': '', 'body': type(e).__name__ + ': ' + str(e)})
print(json.dumps(out))
"#;

#[derive(Debug, Deserialize)]
struct Answer {
    status: String,
    body: String,
}

/// What the proxy is asked, by whom it is answered, and what the answer must be.
#[derive(Debug, Clone)]
struct Request {
    method: &'static str,
    target: String,
    /// Why it is asked, for the report.
    why: String,
}

impl Request {
    fn connect(host: &str, port: u16, why: impl Into<String>) -> Self {
        let target = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
        Request { method: "CONNECT", target, why: why.into() }
    }
}

/// The names and ports the checks use, from the allowlist.
#[derive(Debug)]
struct Plan {
    /// Listed destinations tried through the proxy: (name, port).
    allowed: Vec<(String, u16)>,
    /// Listed destinations not tried (beyond [`MAX_TESTED`]).
    untried: Vec<String>,
    /// A name the allowlist allows that verify resolves to a private address.
    private_name: (String, u16),
    /// The private name is also in `allowed`: the proxy's DNS cache is cleared between the two.
    private_reused: bool,
    denied: Vec<Request>,
}

fn plan(allow: &[Destination]) -> Option<Plan> {
    let mut allowed: Vec<(String, u16)> = Vec::new();
    for d in allow {
        let entry = (d.example_host(LABEL), d.port);
        if !allowed.contains(&entry) {
            allowed.push(entry);
        }
    }
    let untried: Vec<String> = allow.iter().skip(MAX_TESTED).map(ToString::to_string).collect();
    allowed.truncate(MAX_TESTED);
    let first = allow.first()?;
    let (private_name, private_reused) = match allow.iter().find(|d| d.domain) {
        Some(domain) => ((domain.example_host(&format!("{LABEL}-private")), domain.port), false),
        None => ((first.host.clone(), first.port), true),
    };
    let unlisted_port = (8443..9000).find(|p| !allow.iter().any(|d| d.port == *p)).unwrap_or(8999);
    let (host, _) = &allowed[0];
    let denied = vec![
        Request::connect(UNLISTED, 443, "a name not listed"),
        Request::connect(host, unlisted_port, "a listed name on a port not listed"),
        Request { method: "GET", target: format!("http://{host}/"), why: "plain HTTP to a listed name".into() },
    ];
    Some(Plan { allowed, untried, private_name, private_reused, denied })
}

/// A name for this run's networks and containers.
fn name(stack: &Stack, what: &str) -> String {
    format!("{}-egress-{what}", stack.project)
}

/// A /24 of `prefix` (two octets) this engine has no network on yet: tried in turn from a
/// per-run start, since two runs may pick at the same time.
fn create_network(stack: &Stack, label: &str, network: &str, prefix: &str, avoid: &[u8]) -> Result<String, String> {
    let seed = std::process::id() as usize + stack.project.len() * 31;
    let mut last = String::new();
    for attempt in 0..16 {
        let third = ((seed + attempt * 37) % 250 + 1) as u8;
        if avoid.contains(&third) {
            continue;
        }
        let subnet = format!("{prefix}.{third}.0/24");
        match stack.docker.ok(&["network", "create", "--label", label, "--subnet", &subnet, network]) {
            Ok(_) => return Ok(subnet),
            Err(e) => last = e.message,
        }
    }
    Err(format!("could not create a network in {prefix}.0.0/16: {last}"))
}

/// The listeners and networks standing in for the outside.
struct Outside {
    outside_net: String,
    private_net: String,
    outside: String,
    inside: String,
    outside_ip: String,
    private_ip: String,
    link_local_ip: String,
}

fn ip_on(stack: &Stack, container: &str, network: &str) -> Result<String, String> {
    let format = format!("{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}");
    stack.docker.ok(&["inspect", "-f", &format, container]).map_err(|e| e.message)
}

/// Connects `container` to `network` under `aliases`.
fn connect(stack: &Stack, network: &str, container: &str, aliases: &[String]) -> Result<(), String> {
    let mut args = vec!["network", "connect"];
    for alias in aliases {
        args.extend(["--alias", alias.as_str()]);
    }
    args.extend([network, container]);
    stack.docker.ok(&args).map(drop).map_err(|e| e.message)
}

fn listener(
    stack: &Stack,
    image: &str,
    label: &str,
    name: &str,
    network: &str,
    aliases: &[String],
    ports: &[u16],
) -> Result<(), String> {
    let python = format!("{VENV}/bin/python");
    let mut args: Vec<String> =
        ["run", "-d", "--label", label, "--name", name, "--network", network].iter().map(|s| s.to_string()).collect();
    for alias in aliases {
        args.extend(["--network-alias".into(), alias.clone()]);
    }
    // Port 443 without root or capabilities: the sysctl applies to the container's own namespace.
    for extra in ["--sysctl", "net.ipv4.ip_unprivileged_port_start=0", "--read-only", "--cap-drop", "ALL"] {
        args.push(extra.into());
    }
    args.extend(["--security-opt".into(), "no-new-privileges=true".into(), "--entrypoint".into(), python]);
    args.extend([image.to_string(), "-c".into(), LISTENER_CODE.into()]);
    args.extend(ports.iter().map(u16::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    stack.docker.ok(&args).map(drop).map_err(|e| e.message)
}

/// The first line a container on `network` reads from HOST:PORT.
fn read_from(stack: &Stack, image: &str, label: &str, network: &str, host: &str, port: u16) -> Result<String, String> {
    let python = format!("{VENV}/bin/python");
    let port = port.to_string();
    let args = [
        "run",
        "--rm",
        "--label",
        label,
        "--network",
        network,
        "--entrypoint",
        &python,
        image,
        "-c",
        READ_CODE,
        host,
        &port,
    ];
    stack.docker.ok(&args).map_err(|e| e.message)
}

/// Starts the stand-in outside, connects the proxy to it, and proves each listener answers on
/// its own network, so a refusal later is the proxy's.
fn start_outside(stack: &Stack, image: &str, label: &str, proxy: &str, plan: &Plan) -> Result<Outside, String> {
    let outside_net = name(stack, "outside");
    let private_net = name(stack, "private");
    let link_local_net = name(stack, "link-local");
    create_network(stack, label, &outside_net, "198.18", &[])?;
    stack.docker.ok(&["network", "create", "--label", label, &private_net]).map_err(|e| e.message)?;
    // Not 169.254.169.x (cloud metadata) nor the reserved first and last /24.
    create_network(stack, label, &link_local_net, "169.254", &[169])?;
    let mut ports: Vec<u16> = plan.allowed.iter().map(|(_, p)| *p).collect();
    ports.extend(plan.denied.iter().filter_map(|r| r.target.rsplit(':').next()?.parse::<u16>().ok()));
    ports.extend([80, 443, plan.private_name.1]);
    ports.sort_unstable();
    ports.dedup();
    let mut public: Vec<String> = plan.allowed.iter().map(|(n, _)| n.clone()).collect();
    if plan.private_reused {
        public.retain(|n| *n != plan.private_name.0);
    }
    public.push(UNLISTED.into());
    let outside = name(stack, "listener");
    let inside = name(stack, "inside");
    listener(stack, image, label, &outside, &outside_net, &public, &ports)?;
    listener(stack, image, label, &inside, &private_net, std::slice::from_ref(&plan.private_name.0), &ports)?;
    connect(stack, &link_local_net, &inside, &[])?;
    for network in [&outside_net, &private_net, &link_local_net] {
        connect(stack, network, proxy, &[])?;
    }
    let outside_ip = ip_on(stack, &outside, &outside_net)?;
    let private_ip = ip_on(stack, &inside, &private_net)?;
    let link_local_ip = ip_on(stack, &inside, &link_local_net)?;
    for (network, ip) in [(&outside_net, &outside_ip), (&private_net, &private_ip), (&link_local_net, &link_local_ip)] {
        let answer = read_from(stack, image, label, network, ip, 443)?;
        if !answer.starts_with("reached berth-verify-listener") {
            return Err(format!(
                "verify's listener at {ip}:443 does not answer on its own network ({answer}); cannot judge egress"
            ));
        }
    }
    Ok(Outside { outside_net, private_net, outside, inside, outside_ip, private_ip, link_local_ip })
}

/// Asks the proxy, from the app container, as the app would.
fn ask_proxy(stack: &Stack, app: &str, requests: &[Request]) -> Result<Vec<Answer>, String> {
    let list: Vec<(&str, &str)> = requests.iter().map(|r| (r.method, r.target.as_str())).collect();
    let json = serde_json::to_string(&list).map_err(|e| e.to_string())?;
    let port = FORWARD_PORT.to_string();
    let out = stack.python(app, PROXY_CODE, &[PROXY_SERVICE, &port, &json])?;
    let answers: Vec<Answer> =
        serde_json::from_str(out.trim()).map_err(|e| format!("unexpected probe output {out:?}: {e}"))?;
    if answers.len() != requests.len() {
        return Err(format!("{} answers to {} requests", answers.len(), requests.len()));
    }
    Ok(answers)
}

/// Every request must be refused by the proxy itself (403).
fn all_refused(requests: &[Request], answers: &[Answer]) -> Result<String, String> {
    let mut shown = Vec::new();
    for (r, a) in requests.iter().zip(answers) {
        if !a.status.starts_with("HTTP/1.1 403") {
            let got = if a.status.is_empty() { a.body.clone() } else { format!("{} {}", a.status, a.body.trim()) };
            return Err(format!("{} {} ({}): expected the proxy's 403, got {:?}", r.method, r.target, r.why, got));
        }
        shown.push(format!("{} {} ({})", r.method, r.target, r.why));
    }
    Ok(shown.join(", "))
}

fn check_allowed(stack: &Stack, app: &str, plan: &Plan, outside: &Outside) -> Result<String, String> {
    let requests: Vec<Request> = plan.allowed.iter().map(|(n, p)| Request::connect(n, *p, "listed")).collect();
    let answers = ask_proxy(stack, app, &requests)?;
    for (r, a) in requests.iter().zip(&answers) {
        let port = r.target.rsplit(':').next().unwrap_or_default();
        if !a.status.contains(" 200 ") || a.body.trim() != format!("berth-verify-listener {port}") {
            return Err(format!(
                "CONNECT {} through the proxy: {:?} {:?} (expected 200 and the listener's banner)",
                r.target,
                a.status,
                a.body.trim()
            ));
        }
    }
    let tried: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    let mut detail = format!(
        "through the proxy, CONNECT {} reach verify's stand-in listener at {} (names resolved by the engine's DNS; no real host is contacted)",
        tried.join(", "),
        outside.outside_ip
    );
    if !plan.untried.is_empty() {
        detail.push_str(&format!("; not tried (first {MAX_TESTED} only): {}", plan.untried.join(", ")));
    }
    Ok(detail)
}

fn check_denied(stack: &Stack, app: &str, plan: &Plan) -> Result<String, String> {
    let answers = ask_proxy(stack, app, &plan.denied)?;
    let refused = all_refused(&plan.denied, &answers)?;
    Ok(format!(
        "the proxy answers 403 to {refused}; each name leads to verify's listener, so the refusal is the proxy's"
    ))
}

fn check_direct(stack: &Stack, app: &str, plan: &Plan, outside: &Outside) -> Result<String, String> {
    let port = plan.allowed.first().map_or(443, |(_, p)| *p).to_string();
    let out = stack.python(app, READ_CODE, &[&outside.outside_ip, &port])?;
    if out.starts_with("reached") {
        return Err(format!("the app reached {}:{port} directly, without the proxy", outside.outside_ip));
    }
    Ok(format!(
        "from the app, a direct connection to the listener at {}:{port} fails ({}), while the proxy reaches it",
        outside.outside_ip,
        out.trim().trim_start_matches("blocked ")
    ))
}

fn check_private(stack: &Stack, app: &str, plan: &Plan, outside: &Outside) -> Result<String, String> {
    let (name, port) = &plan.private_name;
    let requests = vec![
        Request::connect(name, *port, format!("a listed name that resolves to {} (private)", outside.private_ip)),
        Request::connect(&outside.private_ip, 443, "private"),
        Request::connect(&outside.link_local_ip, 443, "link-local"),
        Request::connect("127.0.0.1", HEALTH_PORT, "loopback: the proxy's own port"),
        Request::connect("::1", 443, "IPv6 loopback"),
    ];
    let answers = ask_proxy(stack, app, &requests)?;
    let refused = all_refused(&requests, &answers)?;
    Ok(format!(
        "the proxy answers 403 to {refused}; verify's listeners answer at {} and {} on their own networks",
        outside.private_ip, outside.link_local_ip
    ))
}

/// Moves the private name from the private listener to the outside one and restarts the proxy,
/// so its DNS cache does not keep the private address for the allowed check.
fn reuse_private_name(stack: &Stack, app: &str, proxy: &str, plan: &Plan, outside: &Outside) -> Result<(), String> {
    let docker = stack.docker;
    let run = |args: &[&str]| docker.ok(args).map(drop).map_err(|e| e.message);
    run(&["network", "disconnect", &outside.private_net, &outside.inside])?;
    connect(stack, &outside.private_net, &outside.inside, &[])?;
    run(&["network", "disconnect", &outside.outside_net, &outside.outside])?;
    let mut public: Vec<String> = plan.allowed.iter().map(|(n, _)| n.clone()).collect();
    public.push(UNLISTED.into());
    connect(stack, &outside.outside_net, &outside.outside, &public)?;
    run(&["restart", "-t", "5", proxy])?;
    let started = Instant::now();
    let port = FORWARD_PORT.to_string();
    while started.elapsed() < Duration::from_secs(30) {
        if stack.python(app, CONNECT_CODE, &[PROXY_SERVICE, &port]).is_ok_and(|o| o.starts_with("reached")) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err("the proxy did not answer again within 30 s of its restart".into())
}

/// Runs the four checks; skipped with the reason when the app has no allowlisting proxy.
pub fn checks(
    stack: &Stack,
    spec: &ProjectSpec,
    image: &str,
    label: &str,
    app: &str,
    proxy: Option<&str>,
    rec: &mut Recorder,
) -> Result<(), VerifyError> {
    let skip = |rec: &mut Recorder, why: &str| {
        for id in IDS {
            rec.skip(*id, why);
        }
    };
    if !spec.proxy_forwards() {
        skip(rec, &format!("egress is {}: there is no allowlisting proxy to test", spec.egress));
        return Ok(());
    }
    let (Some(proxy), Some(plan)) = (proxy, plan(&spec.egress_allow)) else {
        for id in IDS {
            rec.fail(*id, "no proxy container");
        }
        return Ok(());
    };
    let outside = match start_outside(stack, image, label, proxy, &plan) {
        Ok(outside) => outside,
        Err(e) => {
            for id in IDS {
                rec.fail(*id, e.clone());
            }
            return Ok(());
        }
    };
    rec.interrupted()?;
    // The private name is looked up first: when it is a listed host, the proxy's DNS cache is
    // cleared before that host is tried as allowed.
    let private = check_private(stack, app, &plan, &outside);
    rec.interrupted()?;
    let moved = if plan.private_reused { reuse_private_name(stack, app, proxy, &plan, &outside) } else { Ok(()) };
    rec.interrupted()?;
    match moved {
        Ok(()) => {
            rec.outcome(CheckId::EgressAllowed, check_allowed(stack, app, &plan, &outside));
            rec.outcome(CheckId::EgressDenied, check_denied(stack, app, &plan));
        }
        Err(e) => {
            rec.fail(CheckId::EgressAllowed, e.clone());
            rec.fail(CheckId::EgressDenied, e);
        }
    }
    rec.outcome(CheckId::EgressDirectBlocked, check_direct(stack, app, &plan, &outside));
    rec.outcome(CheckId::EgressPrivateBlocked, private);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(items: &[&str]) -> Vec<Destination> {
        items.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn a_domain_gives_a_fresh_private_name() {
        let p = plan(&allow(&["api.example.com", ".s3.amazonaws.com", "feed.example.org:8443"])).unwrap();
        assert_eq!(
            p.allowed,
            [
                ("api.example.com".to_string(), 443),
                ("berth-verify.s3.amazonaws.com".into(), 443),
                ("feed.example.org".into(), 8443)
            ]
        );
        assert_eq!(p.private_name, ("berth-verify-private.s3.amazonaws.com".into(), 443));
        assert!(!p.private_reused && p.untried.is_empty());
        let targets: Vec<&str> = p.denied.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(targets, ["berth-verify-unlisted.invalid:443", "api.example.com:8444", "http://api.example.com/"]);
    }

    #[test]
    fn hosts_only_reuse_a_listed_host_and_long_lists_are_capped() {
        let p = plan(&allow(&["api.example.com"])).unwrap();
        assert_eq!((p.private_name.0.as_str(), p.private_reused), ("api.example.com", true));
        let many: Vec<String> = (0..20).map(|i| format!("h{i}.example.com")).collect();
        let p = plan(&allow(&many.iter().map(String::as_str).collect::<Vec<_>>())).unwrap();
        assert_eq!((p.allowed.len(), p.untried.len()), (MAX_TESTED, 8));
        assert!(plan(&[]).is_none());
    }

    #[test]
    fn ipv6_targets_are_bracketed() {
        assert_eq!(Request::connect("::1", 443, "x").target, "[::1]:443");
    }
}
