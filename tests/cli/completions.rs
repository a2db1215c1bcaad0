//! `berth completions SHELL` and `berth man`, checked by the programs that read them.

use std::process::Command;

use crate::Berth;

/// What bash's completion offers after sourcing berth's script, for the words typed so far.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let program = format!(
        "source /dev/stdin\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT={point}\n\
         _berth berth '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        words = words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
        cword = words.len() - 1,
        point = line.len(),
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let output =
        Command::new("bash").args(["-c", &format!("{program}\n"), "complete"]).stdin_text(script).expect("bash runs");
    output.lines().map(String::from).collect()
}

/// `Command` with text on stdin, returning stdout (fails the test on a non-zero exit).
trait StdinText {
    fn stdin_text(&mut self, text: &str) -> Option<String>;
}

impl StdinText for Command {
    fn stdin_text(&mut self, text: &str) -> Option<String> {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().ok()?;
        child.stdin.take()?.write_all(text.as_bytes()).ok()?;
        let output = child.wait_with_output().ok()?;
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        Some(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

#[test]
fn bash_completes_commands_options_and_values() {
    let script = Berth::new().args(&["completions", "bash"]).run().expect_code(0).stdout();
    assert_eq!(bash_completes(&script, &["berth", "au"]), ["audit"]);
    assert!(bash_completes(&script, &["berth", "audit", "--fa"]).contains(&"--fail-on".to_string()));
    let severities = bash_completes(&script, &["berth", "audit", "--fail-on", ""]);
    assert_eq!(severities, ["critical", "high", "medium", "low", "info"]);
    let shells = bash_completes(&script, &["berth", "completions", ""]);
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        assert!(shells.contains(&shell.to_string()), "{shell} missing from {shells:?}");
    }
}

#[test]
fn every_shell_is_accepted_and_an_unknown_one_lists_them() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = Berth::new().args(&["completions", shell]).run().expect_code(0);
        assert!(run.stdout().contains("berth"), "{shell}");
        assert!(run.stderr().is_empty(), "{shell}: {}", run.stderr());
    }
    let run = Berth::new().args(&["completions", "tcsh"]).run().expect_code(2);
    assert!(run.stderr().contains("tcsh") && run.stderr().contains("powershell"), "{}", run.stderr());
    Berth::new().args(&["completions"]).run().expect_code(2);
}

#[test]
fn man_page_formats_without_warnings() {
    let page = Berth::new().args(&["man"]).run().expect_code(0).stdout();
    // groff comes with man-db; -ww turns on every warning, -z discards the output.
    let output = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin_text(&page)
        .expect("groff runs (install groff-base)");
    assert_eq!(output, "");
    let warnings = Command::new("sh")
        .args(["-c", "groff -man -Tutf8 -ww -z 2>&1 >/dev/null"])
        .stdin_text(&page)
        .expect("groff runs");
    assert_eq!(warnings, "", "groff warnings");
    // -P-cbou: plain text, no overstrike for bold and underline.
    let text = Command::new("groff").args(["-man", "-Tutf8", "-P-cbou"]).stdin_text(&page).expect("groff runs");
    for section in ["BERTH NEW", "BERTH AUDIT", "BERTH VERIFY", "BERTH COMPLETIONS", "EXIT STATUS"] {
        assert!(text.contains(section), "{section} missing");
    }
}
