//! The wizard as a person meets it: the real binary on a pseudo-terminal, driven by keys.

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{spawn_with_options, Options, PtySession};
use tempfile::TempDir;

use crate::{list_files, Berth};

const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

/// `berth` running on a pseudo-terminal in a temporary directory.
struct Wizard {
    session: PtySession,
    dir: TempDir,
}

impl Wizard {
    fn start(args: &[&str]) -> Self {
        Wizard::start_in(tempfile::tempdir().expect("temp dir"), args)
    }

    fn start_in(dir: TempDir, args: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_berth"));
        command.args(args).current_dir(dir.path()).env("TERM", "xterm-256color").env("NO_COLOR", "1");
        let options = Options::new().timeout_ms(Some(20_000)).strip_ansi_escape_codes(true);
        let session = spawn_with_options(command, options).expect("berth starts on a pty");
        Wizard { session, dir }
    }

    /// Waits for `text` and returns what was shown before it.
    fn expect(&mut self, text: &str) -> String {
        self.session.exp_string(text).unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"))
    }

    fn keys(&mut self, keys: &str) {
        self.session.send(keys).expect("send keys");
        self.session.flush().expect("flush keys");
    }

    /// Waits for the question `prompt` and answers it with `keys`.
    fn answer(&mut self, prompt: &str, keys: &str) -> &mut Self {
        self.expect(prompt);
        self.keys(keys);
        self
    }

    /// Waits for the end and returns the exit code and the rest of the output.
    fn finish(mut self) -> (i32, String, TempDir) {
        let rest = self.session.exp_eof().expect("berth ends");
        match self.session.process().wait().expect("exit status") {
            WaitStatus::Exited(_, code) => (code, rest, self.dir),
            other => panic!("berth did not exit normally: {other:?}\n{rest}"),
        }
    }
}

/// Every file under `dir` but the random secrets, with its content.
fn contents(dir: &Path) -> Vec<(String, String)> {
    list_files(dir)
        .into_iter()
        .filter(|p| !p.starts_with("secrets/") || p == "secrets/.gitignore")
        .map(|p| {
            let text = std::fs::read_to_string(dir.join(&p)).unwrap();
            (p, text)
        })
        .collect()
}

/// The questions the recommended preset leaves open, in order.
const RECOMMENDED_QUESTIONS: &[&str] = &[
    "Start from a preset",
    "Project name",
    "Python version",
    "Dependency manager",
    "Entrypoint",
    "Change limits?",
    "CI pipeline",
    "Image repository",
    "Vulnerability scan",
    "Image signing",
    "Dependency update bot",
    "Private package index",
    "More options?",
];

#[test]
fn enter_through_every_question_writes_what_y_writes() {
    let mut wizard = Wizard::start(&["new", "proj"]);
    for question in RECOMMENDED_QUESTIONS {
        wizard.answer(question, ENTER);
    }
    let summary = wizard.expect("Write these files?");
    assert!(summary.contains("database          postgres") && summary.contains("create    Dockerfile"), "{summary}");
    wizard.keys(ENTER);
    let (code, rest, dir) = wizard.finish();
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("Wrote 14 file(s)"), "{rest}");

    let y = Berth::new().args(&["new", "proj", "--preset", "postgres-etl", "-y"]).run().expect_code(0);
    assert_eq!(contents(&dir.path().join("proj")), contents(&y.dir.path().join("proj")));
}

#[test]
fn distroless_without_a_database() {
    let mut wizard = Wizard::start(&["new", "job"]);
    wizard
        .answer("Start from a preset", &format!("{DOWN}{ENTER}"))
        .answer("Project name", ENTER)
        .answer("Runtime base image", &format!("{DOWN}{ENTER}"));
    let shown = wizard.expect("Dependency manager");
    assert!(!shown.contains("Python version"), "distroless ships only 3.13: no question\n{shown}");
    wizard.keys(ENTER);
    wizard.answer("Database", ENTER).answer("Workload", ENTER).answer("Entrypoint", ENTER);
    let shown = wizard.expect("Change limits?");
    assert!(!shown.contains("Build packages"), "distroless installs no runtime libraries\n{shown}");
    wizard.keys(ENTER);
    for question in [
        "CI pipeline",
        "Image repository",
        "Vulnerability scan",
        "Image signing",
        "Dependency update bot",
        "Private package index",
        "More options?",
        "Write these files?",
    ] {
        wizard.answer(question, ENTER);
    }
    let (code, rest, dir) = wizard.finish();
    assert_eq!(code, 0, "{rest}");
    let dockerfile = std::fs::read_to_string(dir.path().join("job/Dockerfile")).unwrap();
    assert!(dockerfile.contains("FROM gcr.io/distroless/python3-debian13:nonroot AS runtime"), "{dockerfile}");
    let compose = std::fs::read_to_string(dir.path().join("job/docker-compose.prod.yml")).unwrap();
    assert!(!compose.contains("\n  db:"), "{compose}");
    let answers = std::fs::read_to_string(dir.path().join("job/berth.yml")).unwrap();
    assert!(answers.contains("base: \"distroless\"") && answers.contains("database: \"none\""), "{answers}");
}

#[test]
fn an_invalid_name_is_asked_again_with_the_reason() {
    let mut wizard = Wizard::start(&["new", "proj"]);
    wizard.answer("Start from a preset", ENTER).answer("Project name", "My Project\r");
    wizard.expect("lowercase letters, digits");
    wizard.answer("Project name", "sales-etl\r");
    wizard.answer("Python version", CTRL_C);
    let (code, rest, dir) = wizard.finish();
    assert_eq!(code, 1, "{rest}");
    assert!(rest.contains("cancelled; nothing was written"), "{rest}");
    assert!(list_files(dir.path()).is_empty(), "nothing written");
}

#[test]
fn ctrl_c_at_the_summary_writes_nothing() {
    let mut wizard = Wizard::start(&["new", "proj"]);
    for question in RECOMMENDED_QUESTIONS {
        wizard.answer(question, ENTER);
    }
    wizard.answer("Write these files?", CTRL_C);
    let (code, rest, dir) = wizard.finish();
    assert_eq!(code, 1, "{rest}");
    assert!(rest.contains("cancelled; nothing was written"), "{rest}");
    assert!(list_files(dir.path()).is_empty(), "nothing written");
}

#[test]
fn esc_or_no_writes_nothing() {
    let wizard = {
        let mut w = Wizard::start(&["new", "proj"]);
        w.answer("Start from a preset", ESC);
        w
    };
    let (code, rest, dir) = wizard.finish();
    assert_eq!(code, 1, "{rest}");
    assert!(rest.contains("cancelled"), "{rest}");
    assert!(list_files(dir.path()).is_empty());

    let mut wizard = Wizard::start(&["new", "proj", "--preset", "minimal", "--name", "p", "--ci", "none"]);
    for question in [
        "Python version",
        "Dependency manager",
        "Entrypoint",
        "Build packages",
        "Other build packages",
        "Change limits?",
        "Dependency update bot",
        "Private package index",
        "More options?",
    ] {
        wizard.answer(question, ENTER);
    }
    wizard.answer("Write these files?", "n");
    let (code, rest, dir) = wizard.finish();
    assert_eq!(code, 1, "{rest}");
    assert!(rest.contains("Nothing written."), "{rest}");
    assert!(list_files(dir.path()).is_empty());
}

#[test]
fn a_rerun_starts_from_berth_yml_and_flags_skip_their_questions() {
    let first =
        Berth::new().args(&["new", "svc", "--preset", "api-service", "-y", "--port", "9000"]).run().expect_code(0);
    let mut wizard = Wizard::start_in(first.dir, &["new", "svc", "--ci", "gitlab"]);
    let shown = wizard.expect("Project name");
    assert!(shown.contains("defaults from svc/berth.yml") && !shown.contains("Start from a preset"), "{shown}");
    wizard.keys(ENTER);
    wizard.answer("Runtime base image", ENTER).answer("Python version", ENTER).answer("Dependency manager", ENTER);
    wizard
        .answer("Database", ENTER)
        .answer("Workload", ENTER)
        .answer("Container port", ENTER)
        .answer("Health check path", ENTER);
    wizard.answer("Entrypoint", ENTER).answer("Build packages", ENTER).answer("Other build packages", ENTER);
    wizard.answer("Change limits?", ENTER);
    let shown = wizard.expect("Image repository");
    assert!(!shown.contains("CI pipeline"), "--ci settles the CI question\n{shown}");
    wizard.keys(ENTER);
    wizard.answer("Vulnerability scan", ENTER).answer("Image signing", ENTER).answer("Dependency update bot", ENTER);
    let shown = wizard.expect("Private package index");
    assert!(
        shown.contains("renovate") && !shown.contains("dependabot"),
        "Dependabot is not offered on GitLab\n{shown}"
    );
    wizard.keys(ENTER);
    wizard.answer("More options?", ENTER);
    let summary = wizard.expect("Write these files?");
    assert!(summary.contains("port              9000") && summary.contains("ci                gitlab"), "{summary}");
    assert!(summary.contains("update    berth.yml (answers changed)"), "{summary}");
    assert!(summary.contains("remove    .github/workflows/container.yml"), "{summary}");
    wizard.keys(ENTER);
    let (code, rest, dir) = wizard.finish();
    assert_eq!(code, 0, "{rest}");
    assert!(rest.contains("create    .gitlab-ci.yml"), "{rest}");
    assert!(!dir.path().join("svc/.github/workflows/container.yml").exists(), "the GitHub workflow is gone");
}

#[test]
fn without_a_terminal_it_asks_nothing_and_exits_2() {
    let run = Berth::new().args(&["new", "p"]).run().expect_code(2);
    assert!(run.stderr().contains("--non-interactive") && run.stderr().contains("--answers"), "{}", run.stderr());
    assert!(run.stderr().contains("stdin is not a terminal"), "{}", run.stderr());
    assert!(run.stdout().is_empty() && !run.exists("p"));
}
