//! `berth completions SHELL` and `berth man`: shell completion scripts and the manual page,
//! generated from the command-line definition the parser uses, so they cannot drift from it.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;

use crate::cli::Cli;
use crate::Outcome;

/// `berth completions SHELL`.
pub fn completions(shell: Shell, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    emit(&completion_script(shell), "completion script", out, err)
}

/// `berth man`.
pub fn man(out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    match man_page() {
        Ok(page) => emit(&page, "manual page", out, err),
        Err(e) => {
            let _ = writeln!(err, "error: cannot render the manual page: {e}");
            Outcome::Error
        }
    }
}

/// The completion script for `shell`. Rendered into memory first: clap_complete panics when its
/// writer fails, and a closed pipe must not turn into a crash.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, name, &mut script);
    script
}

/// berth(1): the top-level page, a section per command with its synopsis, options and notes,
/// then exit status and where to find more.
pub fn man_page() -> io::Result<Vec<u8>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let top = Man::new(cmd.clone()).title(cmd.get_name().to_uppercase()).manual("berth manual");
    let mut page = Vec::new();
    top.render_title(&mut page)?;
    top.render_name_section(&mut page)?;
    top.render_synopsis_section(&mut page)?;
    top.render_description_section(&mut page)?;
    top.render_options_section(&mut page)?;

    let commands: Vec<&clap::Command> = cmd.get_subcommands().filter(|c| !c.is_hide_set()).collect();
    let mut list = Roff::new();
    list.control("SH", ["COMMANDS"]);
    for sub in &commands {
        list.control("TP", []);
        list.text([bold(bin_name(sub))]);
        list.text([roman(sub.get_about().map(|a| a.to_string()).unwrap_or_default())]);
    }
    list.to_writer(&mut page)?;
    for sub in &commands {
        command_section(sub, &mut page)?;
    }

    let mut tail = Roff::new();
    tail.control("SH", ["EXIT STATUS"]);
    tail.text([roman(
        "0 success; 1 the command ran and refused or found problems (existing files differ, audit findings, a \
         failed check); 2 bad usage, invalid input, or the command could not run. Each command's notes above \
         give its exact meaning.",
    )]);
    tail.control("SH", ["SEE ALSO"]);
    tail.text([roman(format!("berth help COMMAND; {}", env!("CARGO_PKG_REPOSITORY")))]);
    tail.to_writer(&mut page)?;
    top.render_version_section(&mut page)?;
    Ok(once_preamble(&page))
}

/// Every rendered piece starts with the same string definitions; the page needs them once.
fn once_preamble(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut lines: Vec<&str> = text.lines().collect();
    let preamble: Vec<&str> = lines.iter().take_while(|l| !l.starts_with(".TH")).copied().collect();
    let mut out: Vec<&str> = lines.drain(..preamble.len()).collect();
    let mut rest = lines.as_slice();
    while !rest.is_empty() {
        if !preamble.is_empty() && rest.starts_with(&preamble) {
            rest = &rest[preamble.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect()
}

/// `berth new` and so on, as set after `Command::build`.
fn bin_name(cmd: &clap::Command) -> String {
    cmd.get_bin_name().unwrap_or_else(|| cmd.get_name()).to_owned()
}

/// One command as a top-level section: its description, then Synopsis, one subsection per option
/// heading, and its notes (examples, exit status) with their line breaks kept.
fn command_section(sub: &clap::Command, page: &mut Vec<u8>) -> io::Result<()> {
    let man = Man::new(sub.clone());
    let mut head = Roff::new();
    head.control("SH", [bin_name(sub).to_uppercase().as_str()]);
    head.to_writer(page)?;
    let mut description = Vec::new();
    man.render_description_section(&mut description)?;
    page.extend(without_heading(&description));

    let mut synopsis = Vec::new();
    man.render_synopsis_section(&mut synopsis)?;
    page.extend(as_subsections(&synopsis, sub));
    if sub.get_arguments().any(|a| !a.is_hide_set()) {
        let mut options = Vec::new();
        man.render_options_section(&mut options)?;
        page.extend(as_subsections(&options, sub));
    }
    if let Some(notes) = sub.get_after_long_help().or_else(|| sub.get_after_help()) {
        let mut roff = Roff::new();
        roff.control("SS", ["Notes"]);
        roff.control("nf", []);
        for line in notes.to_string().lines() {
            roff.text([roman(line)]);
        }
        roff.control("fi", []);
        roff.to_writer(page)?;
    }
    Ok(())
}

/// A rendered section without its `.SH` line.
fn without_heading(section: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(section);
    text.lines().filter(|l| !l.starts_with(".SH ")).flat_map(|l| format!("{l}\n").into_bytes()).collect()
}

/// Rendered sections turned into subsections of a command's section. clap_mangen shouts
/// headings (`.SH OPTIONS`); a subsection takes the heading as written in the command line
/// definition (`Answers (each also settable with --set KEY=VALUE ...)`).
fn as_subsections(sections: &[u8], cmd: &clap::Command) -> Vec<u8> {
    let headings: Vec<&str> = cmd.get_arguments().filter_map(|a| a.get_help_heading()).collect();
    let text = String::from_utf8_lossy(sections);
    let mut out = Vec::new();
    for line in text.lines() {
        match line.strip_prefix(".SH ") {
            Some(shouted) => {
                let shouted = shouted.trim_matches('"');
                let title = headings
                    .iter()
                    .find(|h| h.to_uppercase() == shouted)
                    .map(|h| h.to_string())
                    .unwrap_or_else(|| title_case(shouted));
                let mut roff = Roff::new();
                // Control lines are not escaped for us: an option name's `-` must be a minus.
                roff.control("SS", [title.replace('-', "\\-").as_str()]);
                let _ = roff.to_writer(&mut out);
            }
            None => {
                out.extend(line.as_bytes());
                out.push(b'\n');
            }
        }
    }
    out
}

/// `SYNOPSIS` -> `Synopsis`.
fn title_case(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Writes a rendered document. A closed pipe (`berth man | head`) is the reader's choice, not an
/// error; any other failure is.
fn emit(bytes: &[u8], what: &str, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Outcome::Success,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the {what}: {e}");
            Outcome::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        String::from_utf8(man_page().unwrap()).unwrap()
    }

    #[test]
    fn every_shell_gets_a_script_naming_every_command() {
        let commands: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_owned()).collect();
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
            let script = String::from_utf8(completion_script(shell)).unwrap();
            for command in &commands {
                assert!(script.contains(command.as_str()), "{shell}: `{command}` missing");
            }
            assert!(script.contains("fail-on"), "{shell}: audit's --fail-on missing");
        }
    }

    #[test]
    fn man_page_documents_every_command_and_option() {
        let page = page();
        assert!(page.contains("\n.TH BERTH 1 "), "{}", &page[..120]);
        assert_eq!(page.matches(".ds Aq \\(aq").count(), 1, "one preamble");
        let mut cmd = Cli::command().disable_help_subcommand(true);
        cmd.build();
        for sub in cmd.get_subcommands() {
            let heading = format!(".SH \"{}\"", bin_name(sub).to_uppercase());
            let plain = format!(".SH {}", bin_name(sub).to_uppercase());
            assert!(page.contains(&heading) || page.contains(&plain), "no section for {}", bin_name(sub));
            for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                if let Some(long) = arg.get_long() {
                    // roff escapes the minus signs of option names.
                    assert!(page.contains(&format!("\\-\\-{}", long.replace('-', "\\-"))), "--{long} missing");
                }
            }
        }
        assert!(page.contains(&env!("CARGO_PKG_REPOSITORY").replace('-', "\\-")));
    }

    #[test]
    fn man_page_subsections_keep_headings_as_written() {
        let page = page();
        assert!(page.contains(".SS Synopsis"));
        assert!(page.contains(".SS Options"));
        assert!(page.contains(".SS \"Answers (each also settable with \\-\\-set KEY=VALUE or in berth.yml)\""));
        assert!(!page.contains(".SH OPTIONS\n.TP\n\\fB\\-\\-format"), "command options must not be top-level");
        // Notes keep their line breaks: examples stay one per line.
        let notes = page.split(".SS Notes\n.nf\n").nth(1).expect("notes of the first command");
        assert!(notes.contains("\n.fi\n"));
    }

    #[test]
    fn a_failing_writer_is_an_error_but_a_closed_pipe_is_not() {
        struct Failing(io::ErrorKind);
        impl Write for Failing {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(self.0.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut err = Vec::new();
        assert_eq!(completions(Shell::Bash, &mut Failing(io::ErrorKind::BrokenPipe), &mut err), Outcome::Success);
        assert!(err.is_empty());
        assert_eq!(man(&mut Failing(io::ErrorKind::PermissionDenied), &mut err), Outcome::Error);
        assert!(String::from_utf8(err).unwrap().starts_with("error: cannot write the manual page:"));
    }
}
