//! `berth rules`: every audit rule, one per line.

use std::io::Write;

use crate::audit::registry::RULES;
use crate::Outcome;

pub fn run(out: &mut dyn Write) -> Outcome {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for rule in RULES {
        let opt_in = if rule.opt_in { " (opt-in)" } else { "" };
        let _ = writeln!(out, "{}  {:<8}  {:<width$}  {}{}", rule.code, rule.severity, rule.name, rule.summary, opt_in);
    }
    Outcome::Success
}
