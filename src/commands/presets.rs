use std::io::Write;

use crate::{presets, Outcome};

/// `berth presets`: one line per preset, name then description.
pub fn run(out: &mut dyn Write) -> Outcome {
    let list = presets::builtin();
    let width = list.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in list {
        let _ = writeln!(out, "{:<width$}  {}", p.name, p.description);
    }
    Outcome::Success
}
