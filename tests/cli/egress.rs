//! `egress`: what the app may reach outside the host, through every channel of `berth new`, and
//! what the generated stack looks like for each value.

use crate::{yaml, Berth};

/// Values someone could try as a destination, each with a piece of the reason it is refused.
const HOSTILE: &[(&str, &str)] = &[
    ("api.example.com\nhttp_access allow all", "control character"),
    ("api.example.com evil.example.com", "space"),
    ("all", "every destination"),
    ("*", "every destination"),
    ("0.0.0.0", "not an IP address"),
    ("169.254.169.254", "not an IP address"),
    ("localhost", "single-label"),
    ("http://x", "without a scheme"),
    ("bücher.example", "ASCII"),
    ("xn--bcher-kva.example", "ASCII"),
    ("api.example.com.", "trailing dot"),
    ("*.*.x.com", "only a leading"),
    ("api.example.com:0", "port from 1 to 65535"),
    ("api.example.com:99999", "port from 1 to 65535"),
    (".co.uk", "public suffix"),
    ("metadata.google.internal", "not a public top-level domain"),
];

fn label_300() -> String {
    format!("{}.example.com", "a".repeat(300))
}

#[test]
fn hostile_destinations_are_refused_through_every_channel() {
    let long = label_300();
    let mut cases: Vec<(&str, &str)> = HOSTILE.to_vec();
    cases.push((&long, "1 to 63"));
    for (value, reason) in cases {
        let quoted = serde_json::to_string(value).unwrap();
        let channels: Vec<(&str, Berth)> = vec![
            ("flag", Berth::new().args(&["new", "p", "-y", "--egress", "proxy", &format!("--egress-allow={value}")])),
            (
                "--set",
                Berth::new().args(&["new", "p", "-y", "--egress", "proxy", "--set", &format!("egress_allow={value}")]),
            ),
            (
                "berth.yml",
                Berth::new()
                    .file("p/berth.yml", &format!("egress: proxy\negress_allow:\n  - {quoted}\n"))
                    .args(&["new", "p", "-y"]),
            ),
            (
                "preset",
                Berth::new()
                    .file("org.yaml", &format!("description: org\negress: proxy\negress_allow: [{quoted}]\n"))
                    .args(&["new", "p", "-y", "--preset", "./org.yaml"]),
            ),
        ];
        for (channel, berth) in channels {
            let run = berth.run().expect_code(2);
            let err = run.stderr();
            assert!(err.contains("egress_allow") && err.contains(reason), "{channel} {value:?}: {err}");
            assert!(!err.contains('\u{1b}') && err.lines().all(|l| !l.starts_with("http_access")), "{channel}: {err}");
            assert!(!run.exists("p/docker-compose.prod.yml"), "{channel} {value:?}: nothing written");
        }
    }
    // A position in the file is named.
    let run = Berth::new()
        .file("p/berth.yml", "egress: proxy\negress_allow:\n  - \"169.254.169.254\"\n")
        .args(&["new", "p", "-y"])
        .run()
        .expect_code(2);
    assert!(
        run.stderr().contains("p/berth.yml:3:3: egress_allow = \"169.254.169.254\": use a host name"),
        "{}",
        run.stderr()
    );
}

#[test]
fn proxy_without_destinations_says_what_to_add() {
    let run = Berth::new().args(&["new", "p", "-y", "--egress", "proxy"]).run().expect_code(2);
    assert!(
        run.stderr().contains("needs the hosts the app may reach: add --egress-allow api.example.com"),
        "{}",
        run.stderr()
    );
    let run = Berth::new().args(&["new", "p", "-y", "--egress-allow", "api.example.com"]).run().expect_code(0);
    assert!(
        run.stderr().contains("egress_allow is only used with egress: proxy; it is ignored for egress none"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_proxied_stack_keeps_the_app_on_the_internal_network() {
    let run = Berth::new()
        .args(&[
            "new",
            "p",
            "-y",
            "--preset",
            "postgres-etl",
            "--egress",
            "proxy",
            "--egress-allow",
            "api.example.com,*.S3.amazonaws.com,api.example.com",
        ])
        .run()
        .expect_code(0);
    assert!(!run.stderr().contains("warning"), "a repeated entry is kept once: {}", run.stderr());
    let compose = yaml(&run.read("p/docker-compose.prod.yml"));
    let app = &compose["services"]["app"];
    assert_eq!(app["networks"], yaml("[backend]"));
    assert_eq!(app["environment"]["HTTPS_PROXY"], yaml("http://proxy:3128"));
    assert_eq!(app["environment"]["no_proxy"], yaml("'localhost,127.0.0.1,::1,db'"));
    let proxy = &compose["services"]["proxy"];
    assert_eq!(proxy["networks"], yaml("[backend, edge]"));
    assert_eq!((proxy["read_only"].clone(), proxy["user"].clone()), (yaml("true"), yaml("'13:13'")));
    assert_eq!(proxy["cap_drop"], yaml("[ALL]"));
    assert_eq!(proxy["ports"], serde_json::Value::Null, "a batch job publishes nothing");
    assert_eq!(compose["networks"]["edge"], yaml("{}"));
    let squid = run.read("p/proxy/squid.conf");
    assert!(squid.contains("acl allowed_443 dstdomain -n .s3.amazonaws.com api.example.com\n"), "{squid}");
    assert!(
        squid.contains("http_access allow forward CONNECT port_443 allowed_443\nhttp_access deny all\n"),
        "{squid}"
    );
    assert!(squid.contains("acl blocked_range dst 169.254.0.0/16 "), "{squid}");
    assert!(!squid.contains("accel"), "no ingress for a batch job");
    let answers = run.read("p/berth.yml");
    assert!(answers.contains("egress_allow:\n  - \"api.example.com\"\n  - \".s3.amazonaws.com\"\n"), "{answers}");
    assert!(run.read("p/src/pipeline.py").contains("#     with urlopen(\"https://api.example.com/\", timeout=30)"));
    // berth's own audit finds nothing, the proxy's configuration included.
    let run = Berth::reuse(run).args(&["audit", "p", "--fail-on", "info"]).run().expect_code(0);
    assert!(run.stdout().contains("5 file(s) audited: 0 finding(s)"), "{}", run.stdout());
    // Regenerating from berth.yml changes nothing.
    let run = Berth::reuse(run).args(&["new", "p", "-y"]).run().expect_code(0);
    assert!(!run.stderr().contains("warning"), "{}", run.stderr());
    assert!(!run.stdout().contains("overwrite"), "{}", run.stdout());
}

#[test]
fn open_egress_is_warned_stated_and_reported() {
    let run =
        Berth::new().args(&["new", "p", "-y", "--preset", "postgres-etl", "--egress", "open"]).run().expect_code(0);
    assert!(
        run.stderr().contains(
            "warning: egress: open gives the app an unfiltered route out while it holds the database password"
        ),
        "{}",
        run.stderr()
    );
    let compose = yaml(&run.read("p/docker-compose.prod.yml"));
    assert_eq!(compose["services"]["app"]["networks"], yaml("[backend, edge]"));
    assert_eq!(compose["services"]["proxy"], serde_json::Value::Null);
    assert!(run.read("p/SECURITY.md").contains("**Unfiltered egress (`egress: open`).**"));
    assert!(!run.exists("p/proxy/squid.conf"));
    let run = Berth::reuse(run).args(&["audit", "p", "--format", "json"]).run().expect_code(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let codes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["BC037"], "medium: reported, below the default --fail-on high");
}

#[test]
fn next_steps_say_how_to_let_the_pipeline_out() {
    let run = Berth::new().args(&["new", "p", "-y", "--preset", "mariadb-etl"]).run().expect_code(0);
    let stdout = run.stdout();
    let hint = stdout.lines().find_map(|l| l.trim().strip_prefix("berth new . ")).expect("the command to run in p");
    assert!(hint.contains("--egress proxy --egress-allow"), "{stdout}");
    // The command keeps the project's edits: it is the way out, not a reset.
    let dockerfile = format!("{}# ours\n", run.read("p/Dockerfile"));
    std::fs::write(run.dir.path().join("p/Dockerfile"), &dockerfile).unwrap();
    let mut args = vec!["new", "p"];
    args.extend(hint.split_whitespace());
    let run = run.then(&args).expect_code(0);
    assert_eq!(run.read("p/Dockerfile"), dockerfile);
    assert!(run.exists("p/proxy/squid.conf"));
    let run = Berth::new()
        .args(&["new", "p", "-y", "--egress", "proxy", "--egress-allow", "api.example.com"])
        .run()
        .expect_code(0);
    assert!(!run.stdout().contains("--egress proxy"), "{}", run.stdout());
}
