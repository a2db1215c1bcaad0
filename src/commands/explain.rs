//! `berth explain CODE`: a rule's documentation.

use std::io::Write;

use crate::audit::registry;
use crate::{shown, Outcome};

pub fn run(code: &str, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let Some(rule) = registry::find(code.trim()) else {
        let _ = writeln!(err, "error: unknown rule {}; `berth rules` lists them all", shown::value(code));
        return Outcome::Error;
    };
    let opt_in = if rule.opt_in { " (opt-in: enable it in .berth-audit.yml)" } else { "" };
    let _ = writeln!(
        out,
        "# {} {}\n\nSeverity: {}{}. Applies to: {}.\n\n{}\n\nFix: {}\n\n{}",
        rule.code,
        rule.name,
        rule.severity,
        opt_in,
        rule.kind.tag(),
        rule.summary,
        rule.fix,
        rule.docs.trim_end()
    );
    Outcome::Success
}
