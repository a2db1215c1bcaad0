//! `berth audit`, `berth rules`, `berth explain`: exit codes, formats, suppressions, the rule
//! fixtures, the lesson's bad snippets, and berth's own output audited clean.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use berth::audit::registry::RULES;
use berth::audit::{self, Options};
use berth::report::Severity;

use crate::Berth;

const BAD_DOCKERFILE: &str =
    "FROM python:3.13-slim\nRUN curl -fsSL https://example.com/install.sh | sh\nCMD [\"python\", \"app.py\"]\n";
const CLEAN_DOCKERFILE: &str =
    "FROM python:3.13-slim-trixie\nUSER 10001:10001\nHEALTHCHECK NONE\nCMD [\"python\", \"app.py\"]\n";

// ---------------------------------------------------------------------------------------------
// Exit codes and formats

#[test]
fn clean_files_exit_zero() {
    let run = Berth::new().file("Dockerfile", CLEAN_DOCKERFILE).args(&["audit"]).run().expect_code(0);
    assert!(run.stdout().contains("1 file(s) audited: 0 finding(s)"), "{}", run.stdout());
}

#[test]
fn findings_at_the_threshold_exit_one_with_location_and_fix() {
    let run = Berth::new().file("svc/Dockerfile", BAD_DOCKERFILE).args(&["audit", "svc"]).run().expect_code(1);
    let out = run.stdout();
    assert!(out.contains("svc/Dockerfile:2:"), "{out}");
    assert!(out.contains("BD013 [high]"), "{out}");
    assert!(out.contains("  fix: Download to a file"), "{out}");
    assert!(out.contains("svc/Dockerfile:1:1: BD001 [high]"), "{out}");
}

#[test]
fn fail_on_moves_the_threshold() {
    let low_only = "FROM python:3.13-slim-trixie\nUSER 10001\nCMD [\"python\", \"app.py\"]\n";
    Berth::new().file("Dockerfile", low_only).args(&["audit"]).run().expect_code(0);
    Berth::new().file("Dockerfile", low_only).args(&["audit", "--fail-on", "low"]).run().expect_code(1);
    Berth::new().file("Dockerfile", BAD_DOCKERFILE).args(&["audit", "--fail-on", "critical"]).run().expect_code(0);
    let run = Berth::new().file("Dockerfile", low_only).args(&["audit", "--fail-on", "severe"]).run().expect_code(2);
    assert!(run.stderr().contains("severe"), "{}", run.stderr());
}

#[test]
fn parse_errors_exit_two_with_file_and_line_on_stderr() {
    let run = Berth::new()
        .file("Dockerfile", "FROM a\nUSER 1\nFRMO b\n")
        .file("compose.yml", "services:\n  a: [1, 2\n")
        .args(&["audit"])
        .run()
        .expect_code(2);
    let err = run.stderr();
    assert!(err.contains("error: Dockerfile:3:1: unknown instruction `FRMO`"), "{err}");
    assert!(err.contains("error: compose.yml:"), "{err}");
    assert!(!run.stdout().contains("error:"), "findings only on stdout: {}", run.stdout());
    let run =
        Berth::new().file("Dockerfile", CLEAN_DOCKERFILE).args(&["audit", "missing-dir", "."]).run().expect_code(2);
    assert!(run.stderr().contains("error: missing-dir: no such file or directory"), "{}", run.stderr());
    assert!(run.stdout().contains("2 file(s) audited"), "the other paths are still audited: {}", run.stdout());
}

#[test]
fn json_output_is_the_documented_envelope() {
    let run = Berth::new().file("Dockerfile", BAD_DOCKERFILE).args(&["audit", "--format", "json"]).run().expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "berth");
    assert_eq!(v["fail_on"], "high");
    let findings = v["findings"].as_array().unwrap();
    let curl = findings.iter().find(|f| f["code"] == "BD013").expect("BD013");
    assert_eq!(
        (curl["path"].as_str(), curl["line"].as_u64(), curl["severity"].as_str()),
        (Some("Dockerfile"), Some(2), Some("high"))
    );
    assert!(curl["fix"].as_str().unwrap().contains("checksum"));
    assert_eq!(v["summary"]["findings"].as_u64().unwrap() as usize, findings.len());
}

#[test]
fn every_command_documents_its_exit_status() {
    use clap::CommandFactory;
    let cli = berth::cli::Cli::command();
    let commands: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    assert!(commands.len() >= 6, "{commands:?}");
    for command in commands {
        let run = Berth::new().args(&[command, "--help"]).run().expect_code(0);
        assert!(run.stdout().contains("Exit status: 0"), "berth {command} --help:\n{}", run.stdout());
    }
}

/// Schema errors of a SARIF log, against the official SARIF 2.1.0 schema.
fn sarif_schema_errors(log: &serde_json::Value) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    validator.iter_errors(log).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn sarif_over_every_fixture_validates_against_the_schema() {
    let run = Berth::new()
        .file("odd [dir] #1/Dockerfile", "FROM python:3.13\n")
        .file("bad/compose.yml", "services: [\n")
        .args(&["audit", "--format", "sarif", fixtures().to_str().unwrap(), "."])
        .run()
        .expect_code(2);
    let log: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let errors = sarif_schema_errors(&log);
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 100, "{}", results.len());
    for result in results {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        let parsed = fluent_uri::UriRef::parse(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert!(parsed.query().is_none() && parsed.fragment().is_none(), "{uri}");
    }
    assert!(results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "odd%20%5Bdir%5D%20%231/Dockerfile"
    ));
}

#[test]
fn sarif_output_is_accepted_by_code_scanning() {
    let run =
        Berth::new().file("Dockerfile", BAD_DOCKERFILE).args(&["audit", "--format", "sarif"]).run().expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    assert!(rules.iter().all(|r| r["help"]["text"].as_str().is_some_and(|t| t.contains("## What it does"))));
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "Dockerfile");
    }
}

// ---------------------------------------------------------------------------------------------
// Suppressions

#[test]
fn inline_suppression_needs_a_reason_and_is_still_shown() {
    let text = "# berth: ignore=BD001 runs as the user the platform injects\nFROM python:3.13-slim-trixie\n# berth: ignore=BD013\nRUN curl -fsSL https://x | sh\nHEALTHCHECK NONE\n";
    let run = Berth::new().file("Dockerfile", text).args(&["audit"]).run().expect_code(1);
    let out = run.stdout();
    assert!(out.contains("BD001 [high, suppressed by inline: runs as the user the platform injects]"), "{out}");
    assert!(
        out.contains("Dockerfile:4:") && out.contains("BD013 [high] "),
        "the pragma without a reason suppresses nothing: {out}"
    );
    assert!(out.contains("Dockerfile:3:3: BA001 [medium]"), "{out}");
}

#[test]
fn config_file_disables_and_ignores_with_reasons() {
    let compose = "services:\n  lab:\n    image: lab:1.0\n    privileged: true\n";
    let config = "disable:\n  - rule: BC021\n    reason: no log driver policy yet\nignore:\n  - service: lab\n    rules: [BC001]\n    reason: hardware lab, isolated host\n";
    let run = Berth::new()
        .file("compose.yml", compose)
        .file(".berth-audit.yml", config)
        .args(&["audit", "--format", "json"])
        .run()
        .expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let privileged = v["findings"].as_array().unwrap().iter().find(|f| f["code"] == "BC001").expect("still reported");
    assert_eq!(privileged["suppressed"]["kind"], "config");
    assert_eq!(privileged["suppressed"]["reason"], "hardware lab, isolated host");
    assert_eq!(privileged["scope"], "lab");
    let bad = Berth::new()
        .file("compose.yml", compose)
        .file(".berth-audit.yml", "disable:\n  - rule: BC999\n    reason: x\n")
        .args(&["audit"])
        .run()
        .expect_code(2);
    assert!(bad.stderr().contains("unknown rule `BC999`"), "{}", bad.stderr());
    Berth::new()
        .file("compose.yml", compose)
        .file("c.yml", "ignore:\n  - path: '*.yml'\n    reason: ''\n")
        .args(&["audit", "--config", "c.yml"])
        .run()
        .expect_code(2);
}

// ---------------------------------------------------------------------------------------------
// rules and explain

#[test]
fn rules_lists_every_rule_and_explain_prints_docs() {
    let run = Berth::new().args(&["rules"]).run().expect_code(0);
    let out = run.stdout();
    assert_eq!(out.lines().count(), RULES.len());
    for rule in RULES {
        assert!(out.contains(rule.code) && out.contains(rule.name), "{}", rule.code);
    }
    // Aligned columns: every summary starts at the same character.
    let starts: BTreeSet<usize> = RULES
        .iter()
        .zip(out.lines())
        .map(|(rule, line)| line.find(rule.summary).unwrap_or_else(|| panic!("{line}")))
        .collect();
    assert_eq!(starts.len(), 1, "{out}");
    let run = Berth::new().args(&["rules", "--format", "json"]).run().expect_code(0);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(rules.len(), RULES.len());
    let bd006 = rules.iter().find(|r| r["code"] == "BD006").unwrap();
    assert_eq!((bd006["kind"].as_str(), bd006["opt_in"].as_bool()), (Some("dockerfile"), Some(true)));
    assert!(rules.iter().all(|r| r["docs"].as_str().is_some_and(|d| d.contains("## What it does"))));
    let run = Berth::new().args(&["explain", "bd001"]).run().expect_code(0);
    assert!(run.stdout().starts_with("# BD001 missing-user\n"), "{}", run.stdout());
    assert!(run.stdout().contains("## Why is this bad?"));
    let run = Berth::new().args(&["explain", "XX1\u{1b}[2J"]).run().expect_code(2);
    assert!(run.stderr().contains("error: unknown rule \"XX1\\u{1b}[2J\"; `berth rules`"), "{}", run.stderr());
}

// ---------------------------------------------------------------------------------------------
// Fixtures: one folder per rule with failing and passing files

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit")
}

/// The `# expect: CODE@LINE ...` header of a fixture.
fn expected(text: &str) -> BTreeSet<(String, u32)> {
    let header = text.lines().next().and_then(|l| l.strip_prefix("# expect:")).unwrap_or("");
    header
        .split_whitespace()
        .map(|item| {
            let (code, line) = item.split_once('@').unwrap_or_else(|| panic!("bad expectation `{item}`"));
            (code.to_string(), line.parse().unwrap())
        })
        .collect()
}

fn audit_fixture(path: &Path) -> Vec<(String, u32)> {
    let report = audit::run(&Options { paths: vec![path.to_path_buf()], ..Options::default() }).unwrap();
    assert!(report.errors.is_empty(), "{}: {:?}", path.display(), report.errors);
    report.diagnostics.iter().map(|d| (d.code.to_string(), d.line)).collect()
}

fn kind_file(dir: &Path, stem: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().contains(stem))
}

#[test]
fn every_rule_has_a_fixture_folder_that_fails_and_passes() {
    let mut missing = Vec::new();
    for rule in RULES {
        let dir = fixtures().join(rule.code);
        let (Some(fail), Some(pass)) = (
            dir.is_dir().then(|| kind_file(&dir, "fail")).flatten(),
            dir.is_dir().then(|| kind_file(&dir, "pass")).flatten(),
        ) else {
            missing.push(rule.code);
            continue;
        };
        let text = std::fs::read_to_string(&fail).unwrap();
        let want: BTreeSet<(String, u32)> = expected(&text).into_iter().filter(|(c, _)| c == rule.code).collect();
        assert!(!want.is_empty(), "{}: the failing fixture expects nothing of its rule", fail.display());
        let options = |p: &Path| Options {
            paths: vec![p.to_path_buf()],
            config: dir.join("berth-audit.yml").exists().then(|| dir.join("berth-audit.yml")),
            ..Options::default()
        };
        let report = audit::run(&options(&fail)).unwrap();
        assert!(report.errors.is_empty(), "{}: {:?}", fail.display(), report.errors);
        let got: BTreeSet<(String, u32)> =
            report.diagnostics.iter().filter(|d| d.code == rule.code).map(|d| (d.code.to_string(), d.line)).collect();
        assert_eq!(got, want, "{}", fail.display());
        let report = audit::run(&options(&pass)).unwrap();
        assert!(report.errors.is_empty(), "{}: {:?}", pass.display(), report.errors);
        let fired: Vec<_> =
            report.diagnostics.iter().filter(|d| d.code == rule.code).map(|d| (d.line, d.message.clone())).collect();
        assert!(fired.is_empty(), "{}: {fired:?}", pass.display());
    }
    assert!(missing.is_empty(), "rules without a fixture folder: {missing:?}");
}

#[test]
fn the_lessons_bad_snippets_are_detected_at_their_lines() {
    let dir = fixtures().join("lesson");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let want = expected(&text);
        if want.is_empty() {
            continue;
        }
        let got: BTreeSet<(String, u32)> = audit_fixture(&path).into_iter().collect();
        let missing: Vec<_> = want.difference(&got).collect();
        assert!(missing.is_empty(), "{}: not detected {missing:?}; got {got:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 5, "lesson fixtures found: {checked}");
}

// ---------------------------------------------------------------------------------------------
// berth's own output passes its own audit

fn render_into(dir: &Path, flags: &[(&str, &str)]) {
    use berth::spec::{self, Layer, RawValue, Source};
    let mut layer = Layer::new(Source::Flags);
    for (key, value) in flags {
        let raw = if *key == "build_packages" {
            RawValue::List(value.split(',').map(str::to_string).collect())
        } else {
            RawValue::One(value.to_string())
        };
        layer.set(key, raw).unwrap();
    }
    let env = spec::Environment { dir_name: Some("m".into()), dependency_text: None };
    let resolved = spec::resolve(&[spec::defaults(), layer], &env).unwrap_or_else(|p| panic!("{flags:?}: {p:?}"));
    for (path, file) in berth::render::render(&resolved.spec).unwrap() {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, file.content).unwrap();
    }
}

#[test]
fn the_whole_option_matrix_audits_clean_at_every_severity() {
    let root = tempfile::tempdir().unwrap();
    let digest = format!("sha256:{}", "a".repeat(64));
    let mut count = 0;
    for pinned in [false, true] {
        for base in ["slim", "distroless", "alpine"] {
            for db in ["postgres", "mariadb", "none"] {
                for workload in ["batch", "api"] {
                    for packaging in ["requirements", "uv", "poetry"] {
                        for ci in ["github", "gitlab", "none"] {
                            let name = format!("m{count}");
                            let mut flags = vec![
                                ("base", base),
                                ("database", db),
                                ("workload", workload),
                                ("packaging", packaging),
                                ("ci", ci),
                                ("name", name.as_str()),
                            ];
                            let build = match (base, db) {
                                ("slim", "postgres") => Some("gcc,libpq-dev"),
                                ("slim", "mariadb") => Some("gcc,pkg-config,default-libmysqlclient-dev"),
                                ("alpine", "postgres") => Some("gcc,musl-dev,postgresql-dev"),
                                ("alpine", "mariadb") => Some("gcc,musl-dev,pkgconf,mariadb-dev"),
                                _ => None,
                            };
                            if let Some(packages) = build {
                                flags.push(("build_packages", packages));
                            }
                            let image = format!("registry.example.com/data/{name}");
                            if pinned {
                                flags.extend([
                                    ("builder_digest", digest.as_str()),
                                    ("runtime_digest", digest.as_str()),
                                    ("private_index", "https://pypi.example.com/simple"),
                                    ("image", image.as_str()),
                                    ("scan_severity", "critical"),
                                ]);
                                if db != "none" {
                                    flags.push(("db_digest", digest.as_str()));
                                }
                                if workload == "api" {
                                    flags.push(("proxy_digest", digest.as_str()));
                                }
                            }
                            let sub = if pinned { "pinned" } else { "plain" };
                            render_into(&root.path().join(sub).join(&name), &flags);
                            count += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(count, 324);
    // The egress answers, with every base, database, workload and pinning (requirements, GitHub).
    let mut open_with_db = 0;
    for pinned in [false, true] {
        for base in ["slim", "distroless", "alpine"] {
            for db in ["postgres", "mariadb", "none"] {
                for workload in ["batch", "api"] {
                    for egress in ["proxy", "open"] {
                        let name = format!("e{count}");
                        let mut flags = vec![
                            ("base", base),
                            ("database", db),
                            ("workload", workload),
                            ("egress", egress),
                            ("name", name.as_str()),
                        ];
                        if egress == "proxy" {
                            flags.push(("egress_allow", "api.example.com,.s3.amazonaws.com,feed.example.org:8443"));
                        }
                        if pinned {
                            flags.extend([("builder_digest", digest.as_str()), ("runtime_digest", digest.as_str())]);
                            if db != "none" {
                                flags.push(("db_digest", digest.as_str()));
                            }
                            if egress == "proxy" {
                                flags.push(("proxy_digest", digest.as_str()));
                            }
                        }
                        open_with_db += usize::from(egress == "open" && db != "none");
                        let sub = if pinned { "pinned" } else { "plain" };
                        render_into(&root.path().join(sub).join(&name), &flags);
                        count += 1;
                    }
                }
            }
        }
    }
    assert_eq!((count, open_with_db), (396, 24));
    // Every default rule over everything.
    let report = audit::run(&Options {
        paths: vec![root.path().to_path_buf()],
        fail_on: Some(Severity::Info),
        ..Options::default()
    })
    .unwrap();
    // Dockerfile + compose for each; a workflow for each `github` project (54 of each 324, all
    // 72 egress ones); proxy/Dockerfile and proxy/squid.conf for each api with egress none (162)
    // and each project with egress proxy (36).
    let expected_files = 396 * 2 + (54 * 2 + 72) + (162 + 36) * 2;
    assert_eq!(
        report.files.len(),
        expected_files,
        "every generated Dockerfile, compose file, workflow and squid.conf is audited"
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // The one finding berth's output has on purpose: egress: open next to database credentials
    // (BC037), once per such project; SECURITY.md states the trade-off.
    let unexpected: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.code != "BC037")
        .take(20)
        .map(|d| format!("{}:{} {} {}", d.path, d.line, d.code, d.message))
        .collect();
    assert!(unexpected.is_empty(), "berth's own output has unexpected finding(s):\n{}", unexpected.join("\n"));
    let mut reported: Vec<&str> = report.diagnostics.iter().map(|d| d.path.as_str()).collect();
    reported.dedup();
    assert_eq!((report.diagnostics.len(), reported.len()), (open_with_db, open_with_db), "{reported:?}");
    // The pinned variants also pass the opt-in digest rules.
    let config = root.path().join("digests.yml");
    std::fs::write(&config, "enable: [BD006, BC006]\n").unwrap();
    let report = audit::run(&Options {
        paths: vec![root.path().join("pinned")],
        fail_on: Some(Severity::Info),
        config: Some(config),
        ..Options::default()
    })
    .unwrap();
    let shown: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.code != "BC037")
        .take(20)
        .map(|d| format!("{}:{} {} {}", d.path, d.line, d.code, d.message))
        .collect();
    assert!(shown.is_empty(), "pinned output with digest rules on:\n{}", shown.join("\n"));
}

#[test]
fn directories_are_searched_for_all_three_kinds() {
    let workflow = "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v7\n        with:\n          persist-credentials: false\n";
    let compose = "services:\n  db:\n    image: postgres\n";
    let run = Berth::new()
        .file(".github/workflows/ci.yml", workflow)
        .file("deploy/docker-compose.prod.yml", compose)
        .file("api/api.Dockerfile", BAD_DOCKERFILE)
        .file("templates/Dockerfile.tera", "{% if x %}FROM a{% endif %}\n")
        .file("notes.yml", "services: {}\n")
        .args(&["audit", "--format", "json"])
        .run()
        .expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let paths: BTreeSet<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        BTreeSet::from([".github/workflows/ci.yml", "api/api.Dockerfile", "deploy/docker-compose.prod.yml"])
    );
    assert_eq!(v["summary"]["files"], 3, "templates and other YAML are not audited");
    let codes: BTreeSet<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains("BW001") && codes.contains("BC007") && codes.contains("BD013"), "{codes:?}");
}

#[test]
fn files_a_found_compose_file_extends_or_includes_are_audited_once() {
    let compose = "include: [net.yml]\nservices:\n  web:\n    extends: {file: common.yml, service: base}\n  job:\n    extends: {file: common.yml, service: base}\n";
    let run = Berth::new()
        .file("deploy/compose.yaml", compose)
        .file("deploy/common.yml", "services:\n  base:\n    image: postgres\n")
        .file("deploy/net.yml", "networks:\n  back: {}\n")
        .file("deploy/unrelated.yml", "replicaCount: 1\nservices:\n  db:\n    image: postgres\n")
        .args(&["audit", "--format", "json", "--fail-on", "info"])
        .run()
        .expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    assert_eq!(v["summary"]["files"], 3, "{}", run.stdout());
    let paths: BTreeSet<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.contains("deploy/common.yml") && !paths.contains("deploy/unrelated.yml"), "{paths:?}");
}

#[test]
fn composite_actions_get_the_step_rules_and_are_found_where_actions_live() {
    let dir = fixtures().join("action");
    let fail = dir.join("fail/action.yml");
    let got: BTreeSet<(String, u32)> = audit_fixture(&fail).into_iter().collect();
    assert_eq!(got, expected(&std::fs::read_to_string(&fail).unwrap()));
    assert_eq!(audit_fixture(&dir.join("pass/action.yml")), [], "no BW008: the calling workflow grants the token");
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    assert_eq!(audit_fixture(&own), [], "berth's own action");
    let action = std::fs::read_to_string(&fail).unwrap();
    let run = Berth::new()
        .file("action.yml", &action)
        .file(".github/actions/setup/action.yaml", &action)
        .file("upload/action.yml", &action)
        .args(&["audit", "--format", "json"])
        .run()
        .expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let paths: BTreeSet<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, BTreeSet::from([".github/actions/setup/action.yaml", "action.yml", "upload/action.yml"]));
}

#[test]
fn a_named_file_that_is_none_of_the_three_kinds_is_an_error() {
    let run = Berth::new().file("README.md", "# hello\n").args(&["audit", "README.md"]).run().expect_code(2);
    assert!(
        run.stderr().contains(
            "error: README.md: not a Dockerfile, compose file, GitHub workflow or action, or Squid configuration"
        ),
        "{}",
        run.stderr()
    );
}
