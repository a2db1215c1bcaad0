//! A prompter that answers from a script, for unit tests of the flow.
//!
//! Replies are matched to prompts by a piece of the prompt's text, in order; a prompt with no
//! matching reply left takes its default, as a person mashing Enter would. Every prompt and
//! every refusal is kept in a transcript for the assertions.

use std::collections::VecDeque;

use super::prompter::{Prompter, Validator, WizardError};

#[derive(Debug, Clone)]
pub enum Reply {
    /// Take the default.
    Enter,
    /// The list item with this value.
    Pick(&'static str),
    /// Exactly the list items with these values.
    Check(Vec<&'static str>),
    /// A typed line.
    Type(&'static str),
    Yes,
    No,
    /// Esc or Ctrl-C.
    Cancel,
}

#[derive(Debug, Default)]
pub struct Scripted {
    replies: VecDeque<(&'static str, Reply)>,
    /// `? prompt` for each question, `! reason` for each refused answer.
    pub transcript: Vec<String>,
    /// The items each select or multi-select offered, by prompt.
    pub offered: Vec<(String, Vec<String>)>,
}

impl Scripted {
    pub fn new() -> Self {
        Scripted::default()
    }

    /// Answers the next prompt containing `prompt` with `reply`.
    pub fn on(mut self, prompt: &'static str, reply: Reply) -> Self {
        self.replies.push_back((prompt, reply));
        self
    }

    fn next(&mut self, prompt: &str) -> Reply {
        self.transcript.push(format!("? {prompt}"));
        match self.replies.iter().position(|(p, _)| prompt.contains(p)) {
            Some(i) => self.replies.remove(i).expect("index from position").1,
            None => Reply::Enter,
        }
    }

    /// The values offered by the last list whose prompt contains `prompt`.
    pub fn offered(&self, prompt: &str) -> Vec<&str> {
        let (_, items) = self
            .offered
            .iter()
            .rev()
            .find(|(p, _)| p.contains(prompt))
            .unwrap_or_else(|| panic!("no list {prompt:?} was shown"));
        items.iter().map(|item| item.split("  ").next().unwrap_or(item)).collect()
    }

    /// Whether a prompt containing `prompt` was asked.
    pub fn asked(&self, prompt: &str) -> bool {
        self.transcript.iter().any(|line| line.starts_with("? ") && line.contains(prompt))
    }

    /// Replies that no prompt used: a sign the question they were meant for was not asked.
    pub fn unused(&self) -> Vec<&'static str> {
        self.replies.iter().map(|(p, _)| *p).collect()
    }
}

/// The item whose value (the part before the hint) is `value`.
fn find(items: &[String], value: &str, prompt: &str) -> usize {
    items
        .iter()
        .position(|item| item.split("  ").next() == Some(value))
        .unwrap_or_else(|| panic!("{prompt:?} offers no {value:?}: {items:?}"))
}

impl Prompter for Scripted {
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize, WizardError> {
        self.offered.push((prompt.to_string(), items.to_vec()));
        match self.next(prompt) {
            Reply::Enter => Ok(default),
            Reply::Pick(prefix) => Ok(find(items, prefix, prompt)),
            Reply::Cancel => Err(WizardError::Cancelled),
            other => panic!("{prompt:?} is a list, scripted {other:?}"),
        }
    }

    fn multi_select(&mut self, prompt: &str, items: &[String], checked: &[bool]) -> Result<Vec<usize>, WizardError> {
        self.offered.push((prompt.to_string(), items.to_vec()));
        match self.next(prompt) {
            Reply::Enter => Ok((0..items.len()).filter(|&i| checked[i]).collect()),
            Reply::Check(prefixes) => Ok(prefixes.iter().map(|p| find(items, p, prompt)).collect()),
            Reply::Cancel => Err(WizardError::Cancelled),
            other => panic!("{prompt:?} is a multi-select, scripted {other:?}"),
        }
    }

    fn input(&mut self, prompt: &str, default: Option<&str>, validate: Validator<'_>) -> Result<String, WizardError> {
        loop {
            let typed = match self.next(prompt) {
                Reply::Enter => "",
                Reply::Type(text) => text,
                Reply::Cancel => return Err(WizardError::Cancelled),
                other => panic!("{prompt:?} is a text input, scripted {other:?}"),
            };
            let answer = if typed.is_empty() { default.unwrap_or("") } else { typed };
            match validate(answer) {
                Ok(value) => return Ok(value),
                Err(reason) => {
                    self.transcript.push(format!("! {reason}"));
                    // A person would type something else; a script that runs out would loop.
                    assert!(
                        self.replies.iter().any(|(p, _)| prompt.contains(p)),
                        "{prompt:?} refused {answer:?} ({reason}) and the script has no other reply"
                    );
                }
            }
        }
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, WizardError> {
        match self.next(prompt) {
            Reply::Enter => Ok(default),
            Reply::Yes => Ok(true),
            Reply::No => Ok(false),
            Reply::Cancel => Err(WizardError::Cancelled),
            other => panic!("{prompt:?} is a yes/no question, scripted {other:?}"),
        }
    }
}
