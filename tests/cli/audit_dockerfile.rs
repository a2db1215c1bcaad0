//! Every Dockerfile fixture of every BD rule, not only one per folder: `fail*` files report
//! exactly the lines their `# expect:` header lists for the folder's rule, `pass*` files none.
//! Files that are not Dockerfiles (entrypoint scripts read as the build context) are skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use berth::audit::{self, Options};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audit")
}

fn expected(text: &str, code: &str) -> BTreeSet<u32> {
    let header = text.lines().next().and_then(|l| l.strip_prefix("# expect:")).unwrap_or("");
    header
        .split_whitespace()
        .filter_map(|item| item.split_once('@'))
        .filter(|(c, _)| *c == code)
        .map(|(_, line)| line.parse().expect("a line number"))
        .collect()
}

#[test]
fn every_dockerfile_fixture_reports_exactly_its_expectations() {
    let mut checked = 0;
    let mut folders: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("BD"))
        .collect();
    folders.sort();
    for dir in folders {
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        let config = dir.join("berth-audit.yml");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().ends_with("Dockerfile"))
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&file).unwrap();
            let want = expected(&text, &code);
            assert_eq!(
                name.starts_with("fail"),
                !want.is_empty(),
                "{code}/{name}: fail files expect, pass files do not"
            );
            let options = Options {
                paths: vec![file.clone()],
                config: config.exists().then(|| config.clone()),
                ..Options::default()
            };
            let report = audit::run(&options).unwrap();
            assert!(report.errors.is_empty(), "{code}/{name}: {:?}", report.errors);
            let got: BTreeSet<u32> = report.diagnostics.iter().filter(|d| d.code == code).map(|d| d.line).collect();
            let messages: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.code == code)
                .map(|d| format!("{}: {}", d.line, d.message))
                .collect();
            assert_eq!(got, want, "{code}/{name}: {messages:#?}");
            checked += 1;
        }
    }
    assert!(checked >= 100, "fixtures checked: {checked}");
}
