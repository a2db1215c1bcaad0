//! The interactive wizard of `berth new`: a question flow behind a [`Prompter`], a dialoguer
//! prompter for terminals and a scripted one for tests, and the summary shown before writing.
//!
//! The wizard only produces answer layers. Validation, rendering and writing are the same code
//! that `-y` runs, so a wizard run and a flag run with the same answers write the same files.

#[cfg(test)]
mod agree;
mod choices;
mod flow;
mod prompter;
#[cfg(test)]
mod scripted;
mod state;
mod summary;
mod terminal;
#[cfg(test)]
mod tests;

pub use flow::{ask, settled_problems, Answers, Start};
pub use prompter::{Prompter, Validator, WizardError};
pub use summary::{confirm_prompt, summary};
pub use terminal::{is_interactive, TerminalPrompter};
