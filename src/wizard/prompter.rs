//! The questions the wizard can put to a person, independent of how they are shown.
//!
//! The flow only talks to a [`Prompter`], so it runs the same against a terminal and against a
//! scripted list of replies in unit tests.

/// Checks one typed answer: the normalised value, or the reason it is refused.
pub type Validator<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Why the wizard stopped before the person confirmed anything.
#[derive(Debug, thiserror::Error)]
pub enum WizardError {
    /// Esc, `q` in a list, or Ctrl-C.
    #[error("cancelled; nothing was written")]
    Cancelled,
    #[error("the terminal failed: {0}; nothing was written (run with -y and flags instead)")]
    Terminal(#[from] std::io::Error),
    #[error("built-in preset {name} does not load: {problems}; nothing was written")]
    Preset { name: String, problems: String },
}

/// One way of asking questions. Every method blocks until the person answers or cancels.
///
/// List items read `value  hint`: the value, two spaces, and a one-line hint that a prompter
/// may shorten or leave out once the question is answered.
pub trait Prompter {
    /// One item of `items`; `default` is highlighted first.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize, WizardError>;

    /// Any number of `items`; those marked in `checked` start selected.
    fn multi_select(&mut self, prompt: &str, items: &[String], checked: &[bool]) -> Result<Vec<usize>, WizardError>;

    /// A typed line. An empty line takes `default` when there is one. The answer goes through
    /// `validate`, and a refused answer is asked again with the reason shown, so what comes back
    /// has always passed it (normalised as `validate` returned it).
    fn input(&mut self, prompt: &str, default: Option<&str>, validate: Validator<'_>) -> Result<String, WizardError>;

    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, WizardError>;
}
