use crate::Berth;

#[test]
fn without_berth_yml_it_says_to_generate_first() {
    let run = Berth::new().file("p/Dockerfile", "FROM scratch\n").args(&["verify", "p"]).run().expect_code(2);
    assert!(run.stderr().contains("no berth.yml") && run.stderr().contains("berth new"), "{}", run.stderr());
}

#[test]
fn without_an_engine_it_exits_2_with_a_clear_message() {
    let run = Berth::new().args(&["new", "p", "--preset", "minimal", "-y"]).run().expect_code(0);
    let run = run.then(&["verify", "p", "--docker", "/nonexistent/docker"]).expect_code(2);
    let err = run.stderr();
    assert!(err.contains("cannot reach a Docker engine") && err.contains("DOCKER_HOST"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
}

#[test]
fn invalid_berth_yml_is_reported() {
    let run = Berth::new().file("p/berth.yml", "python: '2.7'\n").args(&["verify", "p"]).run().expect_code(2);
    assert!(run.stderr().contains("python"), "{}", run.stderr());
}
