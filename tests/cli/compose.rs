//! `berth audit` on compose projects spread over several files: override files, fragments,
//! `extends:` and `include:`, and references that go nowhere or somewhere hostile.

use crate::Berth;

/// (path, line, code, severity) of every finding, from the JSON report.
fn findings(run: &crate::Run) -> Vec<(String, u64, String, String)> {
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout()).unwrap_or_else(|e| panic!("{e}\n{}", run.stdout()));
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn codes_in(all: &[(String, u64, String, String)], path: &str, code: &str) -> Vec<u64> {
    all.iter().filter(|(p, _, c, _)| p == path && c == code).map(|(_, l, _, _)| *l).collect()
}

const BASE: &str = "services:\n  db:\n    image: postgres:18.1\n  web:\n    image: web:1.0\n";

#[test]
fn an_override_file_is_merged_onto_its_base() {
    let run = Berth::new()
        .file("compose.yaml", BASE)
        .file(
            "compose.override.yaml",
            "services:\n  db:\n    ports: ['5432:5432']\n  web:\n    read_only: true\n    cap_drop: [ALL]\n",
        )
        .args(&["audit", "--format", "json", "--fail-on", "info", "."])
        .run()
        .expect_code(1);
    let all = findings(&run);
    // What the override adds is judged where it is written, with what the base says about the service.
    assert_eq!(codes_in(&all, "compose.override.yaml", "BC024"), [3], "{all:?}");
    // The override is no service on its own: nothing it lacks is reported there.
    for code in ["BC009", "BC012", "BC013", "BC017", "BC018", "BC021", "BC022"] {
        assert!(codes_in(&all, "compose.override.yaml", code).is_empty(), "{code}: {all:?}");
    }
    // The base is deployed with the override on top: `web` is read-only and drops capabilities.
    assert_eq!(codes_in(&all, "compose.yaml", "BC013"), [2], "{all:?}");
    assert_eq!(codes_in(&all, "compose.yaml", "BC009"), [2], "{all:?}");
}

#[test]
fn fragments_are_merged_onto_the_base_in_the_parent_directory() {
    let run = Berth::new()
        .file("compose.yaml", BASE)
        .file(
            "overrides/compose.gpu.yaml",
            "services:\n  web:\n    devices: [/dev/dri]\n  extra:\n    ports: ['80:80']\n",
        )
        .args(&["audit", "--format", "json", "--fail-on", "info", "overrides/compose.gpu.yaml"])
        .run()
        .expect_code(1);
    let all = findings(&run);
    assert_eq!(codes_in(&all, "overrides/compose.gpu.yaml", "BC036"), [3], "{all:?}");
    assert_eq!(codes_in(&all, "overrides/compose.gpu.yaml", "BC015"), [5], "{all:?}");
    assert!(codes_in(&all, "overrides/compose.gpu.yaml", "BC013").is_empty(), "{all:?}");
}

#[test]
fn extends_brings_the_base_service_and_its_findings_stay_in_its_file() {
    let run = Berth::new()
        .file("common.yml", "services:\n  webapp:\n    image: web:1.0\n    privileged: true\n    read_only: true\n")
        .file("app/compose.yaml", "services:\n  web:\n    extends:\n      file: ../common.yml\n      service: webapp\n    ports: ['127.0.0.1:8080:8080']\n")
        .args(&["audit", "--format", "json", "--fail-on", "info", "app/compose.yaml"])
        .run()
        .expect_code(1);
    let all = findings(&run);
    assert!(all.iter().all(|(p, ..)| p == "app/compose.yaml"), "{all:?}");
    assert!(codes_in(&all, "app/compose.yaml", "BC001").is_empty(), "reported in common.yml: {all:?}");
    assert!(codes_in(&all, "app/compose.yaml", "BC013").is_empty(), "inherited: {all:?}");
    assert_eq!(codes_in(&all, "app/compose.yaml", "BC009"), [2], "{all:?}");
}

#[test]
fn included_files_bring_their_networks() {
    let run = Berth::new()
        .file("net.yaml", "networks:\n  back:\n    internal: true\n")
        .file("compose.yaml", "include: [net.yaml]\nservices:\n  db:\n    image: postgres:18.1\n    networks: [back]\n")
        .args(&["audit", "--format", "json", "--fail-on", "info", "compose.yaml"])
        .run()
        .expect_code(1);
    let all = findings(&run);
    assert!(codes_in(&all, "compose.yaml", "BC023").is_empty(), "{all:?}");
    assert!(codes_in(&all, "compose.yaml", "BC034").is_empty(), "{all:?}");
}

#[test]
fn references_that_cannot_be_followed_are_findings_not_failures() {
    let run = Berth::new()
        .file(
            "compose.yaml",
            "include:\n  - missing.yaml\n  - oci://registry.example/app:1\nservices:\n  web:\n    extends: {file: nope.yml, service: x}\n    image: web:1.0\n",
        )
        .args(&["audit", "--format", "json", "--fail-on", "medium", "compose.yaml"])
        .run()
        .expect_code(1);
    let all = findings(&run);
    let unresolved: Vec<(u64, String)> =
        all.iter().filter(|(_, _, c, _)| c == "BC034").map(|(_, l, _, s)| (*l, s.clone())).collect();
    assert_eq!(unresolved, [(2, "medium".into()), (3, "info".into()), (6, "medium".into())], "{all:?}");
    assert!(codes_in(&all, "compose.yaml", "BC009").contains(&5), "the service is still judged: {all:?}");
}

#[cfg(unix)]
#[test]
fn hostile_references_end_in_a_finding() {
    let dir = Berth::new()
        .file("loop-a.yaml", "include: [loop-b.yaml]\n")
        .file("loop-b.yaml", "include: [loop-a.yaml]\n")
        .file(
            "compose.yaml",
            "include: [loop-a.yaml, compose.yaml]\nservices:\n  a:\n    image: a:1\n    extends: {file: zero.yml, service: x}\n  b:\n    image: b:1\n    extends: {file: fifo.yml, service: x}\n  c:\n    extends: d\n  d:\n    extends: c\n",
        );
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yml")).unwrap();
    let fifo = std::ffi::CString::new(dir.path().join("fifo.yml").to_str().unwrap()).unwrap();
    // SAFETY: a plain mkfifo(3) call on a path this test owns.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let run = dir.args(&["audit", "--format", "json", "--fail-on", "critical", "compose.yaml"]).run().expect_code(0);
    let all = findings(&run);
    assert_eq!(codes_in(&all, "compose.yaml", "BC034"), [1, 5, 8, 12], "{all:?}");
}

#[test]
fn a_reverse_proxy_publishing_80_and_443_is_info() {
    let run = Berth::new()
        .file(
            "compose.yaml",
            "services:\n  proxy:\n    image: traefik:v3.4\n    ports:\n      - 80:80\n      - 443:443\n  app:\n    image: app:1.0\n    ports: ['80:8000']\n",
        )
        .args(&["audit", "--format", "json", "--fail-on", "info", "compose.yaml"])
        .run()
        .expect_code(1);
    let severities: Vec<(u64, String, String)> = findings(&run)
        .into_iter()
        .filter(|(_, _, c, _)| c == "BC015" || c == "BC016")
        .map(|(_, l, c, s)| (l, c, s))
        .collect();
    assert_eq!(
        severities,
        [
            (5, "BC015".into(), "info".into()),
            (5, "BC016".into(), "info".into()),
            (6, "BC015".into(), "info".into()),
            (6, "BC016".into(), "info".into()),
            (9, "BC015".into(), "medium".into()),
            (9, "BC016".into(), "low".into())
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Class fixtures: minimal files for each class of judgement, with their verdicts in a header

/// `(code, line, severity)` items of a `# <key>: CODE@LINE[=severity] ...` header line.
fn header(text: &str, key: &str) -> Vec<(String, u64, Option<String>)> {
    let prefix = format!("# {key}:");
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(&prefix))
        .flat_map(|items| items.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .map(|item| {
            let (at, severity) = match item.split_once('=') {
                Some((at, s)) => (at.to_string(), Some(s.to_string())),
                None => (item.clone(), None),
            };
            let (code, line) = at.split_once('@').unwrap_or_else(|| panic!("bad header item `{item}`"));
            (code.to_string(), line.parse().unwrap(), severity)
        })
        .collect()
}

fn class_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            class_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn class_fixtures_are_judged_as_their_headers_say() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/classes");
    let mut files = Vec::new();
    class_files(&root, &mut files);
    files.sort();
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let (expect, absent, severity) = (header(&text, "expect"), header(&text, "absent"), header(&text, "severity"));
        if expect.is_empty() && absent.is_empty() {
            continue;
        }
        let options = berth::audit::Options { paths: vec![path.clone()], ..berth::audit::Options::default() };
        let report = berth::audit::run(&options).unwrap();
        assert!(report.errors.is_empty(), "{}: {:?}", path.display(), report.errors);
        let got: Vec<(String, u64, String)> = report
            .diagnostics
            .iter()
            .map(|d| (d.code.to_string(), u64::from(d.line), d.severity.to_string()))
            .collect();
        let fired = |code: &str, line: u64| got.iter().find(|(c, l, _)| c == code && *l == line);
        for (code, line, _) in &expect {
            assert!(fired(code, *line).is_some(), "{}: {code}@{line} not reported; got {got:?}", path.display());
        }
        for (code, line, _) in &absent {
            assert!(fired(code, *line).is_none(), "{}: {code}@{line} reported; got {got:?}", path.display());
        }
        for (code, line, level) in &severity {
            let found = fired(code, *line).map(|(_, _, s)| s.clone());
            assert_eq!(found.as_ref(), level.as_ref(), "{}: severity of {code}@{line}", path.display());
        }
        checked += 1;
    }
    assert!(checked >= 12, "class fixtures checked: {checked}");
}
