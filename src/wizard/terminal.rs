//! The [`Prompter`] a person sees: dialoguer prompts on stderr, so stdout stays clean for
//! scripts.
//!
//! Ctrl-C: dialoguer reads keys with the terminal in raw mode, where Ctrl-C is an ordinary key
//! that console turns into a SIGINT to this process. Left to the default handler that would kill
//! berth with the cursor hidden and no word said. Instead SIGINT only raises a flag, the
//! interrupted read comes back as an error, and the prompt ends as cancelled: the terminal is
//! restored, a short message is printed by the caller and nothing is written.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Select};

use super::prompter::{Prompter, Validator, WizardError};

/// Whether there is a person to ask: keys come from stdin and prompts go to stderr.
pub fn is_interactive() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

pub struct TerminalPrompter {
    term: Term,
    theme: ColorfulTheme,
    interrupted: Arc<AtomicBool>,
}

impl TerminalPrompter {
    /// Takes over SIGINT for the rest of the run: after the confirmation, a Ctrl-C must not stop
    /// the writing half-way either (the writes are staged and renamed, and quick).
    pub fn new() -> io::Result<Self> {
        let interrupted = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&interrupted);
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).map_err(io::Error::other)?;
        Ok(TerminalPrompter { term: Term::stderr(), theme: ColorfulTheme::default(), interrupted })
    }

    /// A Ctrl-C between two prompts, while the terminal was not in raw mode, cancels too.
    fn check(&self) -> Result<(), WizardError> {
        if self.interrupted.swap(false, Ordering::SeqCst) {
            return Err(self.cancelled());
        }
        Ok(())
    }

    fn cancelled(&self) -> WizardError {
        let _ = self.term.show_cursor();
        let _ = self.term.write_line("");
        WizardError::Cancelled
    }

    /// Items cut to the terminal's width: a wrapped line would break the redrawing of the list.
    fn fit(&self, items: &[String]) -> Vec<String> {
        let width = usize::from(self.term.size().1).saturating_sub(4).max(20);
        items
            .iter()
            .map(|item| match item.char_indices().nth(width) {
                Some((at, _)) => format!("{}…", &item[..at]),
                None => item.clone(),
            })
            .collect()
    }

    /// The line left behind once a list is answered: the values, without their hints.
    fn report(&self, prompt: &str, values: &[&str]) -> Result<(), WizardError> {
        let mut line = String::new();
        let formatted = match values {
            [one] => self.theme.format_select_prompt_selection(&mut line, prompt, one),
            many => self.theme.format_multi_select_prompt_selection(&mut line, prompt, many),
        };
        formatted.map_err(io::Error::other)?;
        self.term.write_line(&line)?;
        Ok(())
    }

    /// `None` is Esc (or `q` in a list); an interrupted read is Ctrl-C.
    fn finish<T>(&self, result: dialoguer::Result<Option<T>>) -> Result<T, WizardError> {
        self.interrupted.store(false, Ordering::SeqCst);
        match result {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(self.cancelled()),
            Err(dialoguer::Error::IO(e)) if e.kind() == io::ErrorKind::Interrupted => Err(self.cancelled()),
            Err(dialoguer::Error::IO(e)) => {
                let _ = self.term.show_cursor();
                Err(WizardError::Terminal(e))
            }
        }
    }
}

/// Breaks a message into lines of at most `width` columns, indented under the first. dialoguer
/// counts the lines it wrote to clear them again, so a line the terminal wraps would stay behind.
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, format!("  {word}")));
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.push(line);
    lines.join("\n")
}

/// The value part of a list item (`value  hint`).
fn value_of(item: &str) -> &str {
    item.split("  ").next().unwrap_or(item)
}

impl Prompter for TerminalPrompter {
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize, WizardError> {
        self.check()?;
        let shown = self.fit(items);
        let result = Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(&shown)
            .default(default)
            .report(false)
            .interact_on_opt(&self.term);
        let picked = self.finish(result)?;
        self.report(prompt, &[value_of(&items[picked])])?;
        Ok(picked)
    }

    fn multi_select(&mut self, prompt: &str, items: &[String], checked: &[bool]) -> Result<Vec<usize>, WizardError> {
        self.check()?;
        let shown = self.fit(items);
        let result = MultiSelect::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(&shown)
            .defaults(checked)
            .report(false)
            .interact_on_opt(&self.term);
        let picked = self.finish(result)?;
        let values: Vec<&str> = picked.iter().map(|&i| value_of(&items[i])).collect();
        self.report(prompt, &values)?;
        Ok(picked)
    }

    fn input(&mut self, prompt: &str, default: Option<&str>, validate: Validator<'_>) -> Result<String, WizardError> {
        self.check()?;
        let width = usize::from(self.term.size().1).saturating_sub(3).max(20);
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(|raw: &String| validate(raw).map(drop).map_err(|reason| wrap(&reason, width)));
        if let Some(default) = default {
            input = input.default(default.to_string());
        }
        let result = input.interact_text_on(&self.term).map(Some);
        let raw = self.finish(result)?;
        // Validated already: this only normalises it the way flags and files are.
        validate(&raw).map_err(|reason| WizardError::Terminal(io::Error::other(reason)))
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, WizardError> {
        self.check()?;
        let result = Confirm::with_theme(&self.theme).with_prompt(prompt).default(default).interact_on_opt(&self.term);
        self.finish(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_reasons_are_wrapped_under_their_first_line() {
        assert_eq!(wrap("use a port from 1024 to 65535", 12), "use a port\n  from 1024\n  to 65535");
        assert_eq!(wrap("short", 80), "short");
    }

    #[test]
    fn list_values_drop_their_hints() {
        assert_eq!(value_of("slim          Debian with glibc"), "slim");
        assert_eq!(value_of("start from scratch  built-in defaults"), "start from scratch");
        assert_eq!(value_of("3.12"), "3.12");
    }
}
