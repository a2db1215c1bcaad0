use crate::Berth;

#[test]
fn presets_lists_name_then_description() {
    let run = Berth::new().args(&["presets"]).run().expect_code(0);
    let lines: Vec<String> = run.stdout().lines().map(String::from).collect();
    let names: Vec<&str> = lines.iter().map(|l| l.split_whitespace().next().unwrap()).collect();
    for expected in ["api-service", "distroless-batch", "mariadb-etl", "minimal", "postgres-etl"] {
        assert!(names.contains(&expected), "{expected} missing from {lines:?}");
    }
    for line in &lines {
        let description = line.split_once("  ").map(|(_, d)| d.trim()).unwrap_or("");
        assert!(description.len() > 20, "no description on {line:?}");
    }
}

#[test]
fn organisation_preset_extends_a_builtin() {
    let run = Berth::new()
        .file(
            "org/preset.yaml",
            "description: Our ETL\nextends: postgres-etl\napp_memory: 4g\nscan_severity: critical\n",
        )
        .args(&["new", "proj", "--preset", "org/preset.yaml", "-y"])
        .run()
        .expect_code(0);
    let compose = run.read("proj/docker-compose.prod.yml");
    assert!(compose.contains("mem_limit: 4g"), "{compose}");
    assert!(compose.contains("postgres:18-trixie"));
    assert!(run.read("proj/.github/workflows/container.yml").contains("severity: \"CRITICAL\"\n"));
}

#[test]
fn unknown_preset_names_the_builtins() {
    let run = Berth::new().args(&["new", "x", "--preset", "postgres", "-y"]).run().expect_code(2);
    assert!(run.stderr().contains("postgres-etl"), "{}", run.stderr());
    assert!(!run.exists("x"));
}

#[test]
fn preset_file_with_unknown_key_names_the_line_and_the_closest_key() {
    let run = Berth::new()
        .file("p.yaml", "extends: minimal\ndatabse: postgres\n")
        .args(&["new", "x", "--preset", "./p.yaml", "-y"])
        .run()
        .expect_code(2);
    let err = run.stderr();
    assert!(err.contains("./p.yaml:2:1: unknown key `databse`; did you mean `database`?"), "{err}");
    let run = Berth::new()
        .file("p.yaml", "extends: minimal\ncolour: blue\n")
        .args(&["new", "x", "--preset", "./p.yaml", "-y"])
        .run()
        .expect_code(2);
    let err = run.stderr();
    assert!(err.contains("unknown key `colour`; valid keys: name,") && err.contains("extends"), "{err}");
}
