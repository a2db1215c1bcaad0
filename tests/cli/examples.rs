//! examples/<preset>/ holds each preset's output; regenerate with scripts/update-examples.sh.

use std::path::Path;

use crate::{list_files, Berth};

fn is_secret(path: &str) -> bool {
    path.starts_with("secrets/") && path != "secrets/.gitignore"
}

#[test]
fn examples_match_what_berth_generates() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut presets: Vec<String> = std::fs::read_dir(&examples)
        .expect("examples/ exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| examples.join(n).is_dir())
        .collect();
    presets.sort();
    let run = Berth::new().args(&["presets"]).run().expect_code(0);
    let builtin: Vec<String> = run.stdout().lines().map(|l| l.split_whitespace().next().unwrap().to_string()).collect();
    assert_eq!(presets, builtin, "one example per preset");

    let mut stale = Vec::new();
    for preset in &presets {
        let run = Berth::new().args(&["new", preset, "--preset", preset, "-y"]).run().expect_code(0);
        let fresh: Vec<String> = run.files(preset).into_iter().filter(|p| !is_secret(p)).collect();
        let golden: Vec<String> = list_files(&examples.join(preset)).into_iter().filter(|p| !is_secret(p)).collect();
        if fresh != golden {
            stale.push(format!("{preset}: files differ: generated {fresh:?}, examples {golden:?}"));
            continue;
        }
        for file in fresh {
            let expected = std::fs::read_to_string(examples.join(preset).join(&file)).unwrap();
            let actual = run.read(&format!("{preset}/{file}"));
            if expected != actual {
                let diff = similar::TextDiff::from_lines(&expected, &actual)
                    .unified_diff()
                    .header("examples", "generated")
                    .to_string();
                stale.push(format!("{preset}/{file}:\n{diff}"));
            }
        }
    }
    assert!(stale.is_empty(), "examples are stale; run scripts/update-examples.sh\n{}", stale.join("\n"));
}
