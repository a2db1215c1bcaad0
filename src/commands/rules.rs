//! `berth rules`: every audit rule, one per line in aligned columns, or as JSON.

use std::io::Write;

use serde::Serialize;

use crate::audit::registry::RULES;
use crate::cli::{RulesArgs, RulesFormat};
use crate::Outcome;

/// One rule in `berth rules --format json`.
#[derive(Serialize)]
struct RuleEntry {
    code: &'static str,
    name: &'static str,
    severity: crate::report::Severity,
    /// `dockerfile`, `compose`, `github-actions` or `berth`.
    kind: &'static str,
    opt_in: bool,
    summary: &'static str,
    fix: &'static str,
    /// Markdown, as `berth explain` prints it.
    docs: &'static str,
}

pub fn run(args: RulesArgs, out: &mut dyn Write) -> Outcome {
    // A failed write (`berth rules | head` closing the pipe) leaves no one to tell.
    let _ = match args.format {
        RulesFormat::Text => text(out),
        RulesFormat::Json => {
            let entries: Vec<RuleEntry> = RULES
                .iter()
                .map(|r| RuleEntry {
                    code: r.code,
                    name: r.name,
                    severity: r.severity,
                    kind: r.kind.tag(),
                    opt_in: r.opt_in,
                    summary: r.summary,
                    fix: r.fix,
                    docs: r.docs,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &entries).map_err(std::io::Error::from).and_then(|()| writeln!(out))
        }
    };
    Outcome::Success
}

fn text(out: &mut dyn Write) -> std::io::Result<()> {
    let code = RULES.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let severity = RULES.iter().map(|r| r.severity.as_str().len()).max().unwrap_or(0);
    let name = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for rule in RULES {
        let opt_in = if rule.opt_in { " (opt-in)" } else { "" };
        writeln!(
            out,
            "{:<code$}  {:<severity$}  {:<name$}  {}{}",
            rule.code,
            rule.severity.as_str(),
            rule.name,
            rule.summary,
            opt_in
        )?;
    }
    Ok(())
}
