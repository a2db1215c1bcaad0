//! Three-way merges of a user's edits with a new render (`diffy`), bounded in size so a huge
//! file cannot make the line diff run for minutes.

use diffy::{ConflictStyle, IncompleteHunkStyle, MergeOptions};

/// The largest text merged: far above any file berth writes.
pub const MAX_MERGE_BYTES: usize = 1024 * 1024;
/// The most lines merged (the diff's time grows with lines times differences).
pub const MAX_MERGE_LINES: usize = 5_000;

/// The conflict markers berth writes: the standard ones, labelled with what each side is.
pub const OURS: &str = "<<<<<<< yours";
pub const BASE: &str = "||||||| berth, last time";
pub const THEIRS: &str = ">>>>>>> berth, now";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    /// Both sides' changes, with no overlap.
    Clean(String),
    /// The text with conflict markers around each overlap.
    Conflicts(String),
}

/// Merges `ours` (the file on disk) and `theirs` (the new render) from `base` (what berth
/// rendered last time). `Err` names the side that is too large to merge.
pub fn merge(base: &str, ours: &str, theirs: &str) -> Result<Merged, String> {
    for (side, text) in [("the file", ours), ("berth's new text", theirs), ("the base", base)] {
        let lines = text.lines().count();
        if text.len() > MAX_MERGE_BYTES || lines > MAX_MERGE_LINES {
            return Err(format!(
                "{side} has {} bytes in {lines} lines; berth merges files of at most {MAX_MERGE_BYTES} bytes and {MAX_MERGE_LINES} lines",
                text.len()
            ));
        }
    }
    let mut options = MergeOptions::new();
    options.set_conflict_style(ConflictStyle::Diff3).set_incomplete_hunk_style(IncompleteHunkStyle::Git);
    Ok(match options.merge(base, ours, theirs) {
        Ok(text) => Merged::Clean(text),
        Err(text) => Merged::Conflicts(relabel(&text)),
    })
}

/// diffy labels the sides ours / original / theirs; berth says whose each one is.
fn relabel(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let label = match body {
            "<<<<<<< ours" => OURS,
            "||||||| original" => BASE,
            ">>>>>>> theirs" => THEIRS,
            other => other,
        };
        out.push_str(label);
        out.push_str(newline);
    }
    out
}

/// The conflicting regions of a merged text, each with its first line number (1-based) and
/// its lines from the opening marker to the closing one.
pub fn conflict_hunks(text: &str) -> Vec<(usize, Vec<&str>)> {
    let mut hunks = Vec::new();
    let mut current: Option<(usize, Vec<&str>)> = None;
    for (index, line) in text.lines().enumerate() {
        if line == OURS {
            current = Some((index + 1, vec![line]));
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
            if line == THEIRS {
                hunks.extend(current.take());
            }
        }
    }
    hunks
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE_TEXT: &str = "FROM x\nWORKDIR /app\nUSER 1\nCMD [\"a\"]\n";

    #[test]
    fn edits_on_different_lines_merge() {
        let ours = "FROM x\nWORKDIR /app\nLABEL team=\"data\"\nUSER 1\nCMD [\"a\"]\n";
        let theirs = "FROM y\nWORKDIR /app\nUSER 1\nCMD [\"a\"]\n";
        assert_eq!(
            merge(BASE_TEXT, ours, theirs).unwrap(),
            Merged::Clean("FROM y\nWORKDIR /app\nLABEL team=\"data\"\nUSER 1\nCMD [\"a\"]\n".into())
        );
    }

    #[test]
    fn edits_of_the_same_line_conflict_with_labelled_markers() {
        let ours = "FROM mine\nWORKDIR /app\nUSER 1\nCMD [\"a\"]\n";
        let theirs = "FROM y\nWORKDIR /app\nUSER 1\nCMD [\"a\"]\n";
        let Merged::Conflicts(text) = merge(BASE_TEXT, ours, theirs).unwrap() else { panic!("no conflict") };
        assert_eq!(
            text,
            format!(
                "{OURS}\nFROM mine\n{BASE}\nFROM x\n=======\nFROM y\n{THEIRS}\nWORKDIR /app\nUSER 1\nCMD [\"a\"]\n"
            )
        );
        let hunks = conflict_hunks(&text);
        assert_eq!(hunks.len(), 1);
        assert_eq!(hunks[0].0, 1);
        assert_eq!(hunks[0].1.len(), 7);
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let changed = "FROM y\nWORKDIR /app\nUSER 1\nCMD [\"a\"]\n";
        assert_eq!(merge(BASE_TEXT, changed, changed).unwrap(), Merged::Clean(changed.into()));
    }

    #[test]
    fn huge_inputs_are_refused_quickly() {
        let huge = "x\n".repeat(MAX_MERGE_LINES + 1);
        let started = std::time::Instant::now();
        assert!(merge(BASE_TEXT, &huge, BASE_TEXT).unwrap_err().contains("at most"));
        assert!(started.elapsed().as_secs() < 5);
    }
}
