//! Inline suppressions: `# berth: ignore=CODE[,CODE...] reason`, on the line of a finding or on
//! the line(s) just above it. In a Dockerfile a comment above an instruction covers every line of
//! that instruction. A reason is required; a pragma without one suppresses nothing and is itself
//! reported (BA001), as is one naming an unknown rule.

use super::registry;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragma {
    pub line: u32,
    pub codes: Vec<String>,
    pub reason: String,
    /// Applies to the next non-comment line (a whole-line comment) or to its own line (trailing).
    pub own_line: bool,
    /// The last line a whole-line pragma reaches: the first line after its comment block (blank
    /// and comment lines), the construct it is above. Its own line for a trailing pragma.
    pub reach: u32,
}

/// A malformed pragma, reported under BA001.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPragma {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

const MARKER: &str = "berth: ignore=";

/// Finds the pragmas in a file's text. `yaml` allows trailing comments.
pub fn scan(text: &str, yaml: bool) -> (Vec<Pragma>, Vec<BadPragma>) {
    let mut pragmas: Vec<Pragma> = Vec::new();
    let mut bad = Vec::new();
    // One search of the whole text: most files have no pragma, and their lines need no look.
    if !text.contains(MARKER) {
        return (pragmas, bad);
    }
    // Whole-line pragmas whose comment block has not ended yet.
    let mut open = 0;
    let mut lines = 0;
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index).unwrap_or(u32::MAX).saturating_add(1);
        lines = line;
        if !(raw.trim_start().starts_with('#') || raw.trim().is_empty()) {
            close(&mut pragmas[open..], line);
            open = pragmas.len();
        }
        // A pragma is in a comment: lines without `#` are not searched.
        let Some(at) = raw.contains('#').then(|| raw.find(MARKER)).flatten() else { continue };
        let before = &raw[..at];
        let hash = before.trim_end().strip_suffix('#');
        let Some(prefix) = hash else { continue };
        let trailing = !prefix.trim().is_empty();
        if trailing && !yaml {
            continue;
        }
        let rest = &raw[at + MARKER.len()..];
        let (codes_text, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let codes: Vec<String> =
            codes_text.split(',').map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()).collect();
        let column = at as u32;
        let reason = reason.trim().trim_start_matches(['#', '-', ':']).trim().to_string();
        if let Some(unknown) = codes.iter().find(|c| registry::find(c).is_none()) {
            bad.push(BadPragma {
                line,
                column,
                message: format!("`# berth: ignore=` names an unknown rule `{unknown}`"),
            });
            continue;
        }
        if codes.is_empty() || reason.is_empty() {
            bad.push(BadPragma { line, column, message: "`# berth: ignore=` needs rule codes and a reason, e.g. `# berth: ignore=BD001 runs as the base image's non-root user`".into() });
            continue;
        }
        pragmas.push(Pragma { line, codes, reason, own_line: trailing, reach: line });
    }
    // A block that runs to the end of the text reaches the line after it.
    close(&mut pragmas[open..], lines.saturating_add(1));
    (pragmas, bad)
}

/// The comment block of these whole-line pragmas ends above `line`.
fn close(pragmas: &mut [Pragma], line: u32) {
    for pragma in pragmas.iter_mut().filter(|p| !p.own_line) {
        pragma.reach = line;
    }
}

/// The reason a finding is suppressed inline. `anchor` is the first line of the construct the
/// finding is in (a Dockerfile instruction), or the finding's own line.
pub fn find<'a>(pragmas: &'a [Pragma], code: &str, line: u32, anchor: u32) -> Option<&'a str> {
    pragmas.iter().filter(|p| p.codes.iter().any(|c| c == code)).find_map(|p| {
        let covers = if p.own_line {
            p.line == line
        } else {
            // The pragma is in the comment block right above the anchor (or the line).
            [anchor, line].iter().any(|target| p.line < *target && *target <= p.reach)
        };
        covers.then_some(p.reason.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pragmas_with_reasons() {
        let text = "# berth: ignore=BD001,bd003 runs as the base image's user\nFROM a\n# berth: ignore=BD001\n";
        let (pragmas, bad) = scan(text, false);
        assert_eq!(pragmas[0].codes, ["BD001", "BD003"]);
        assert_eq!(pragmas[0].reason, "runs as the base image's user");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
    }

    #[test]
    fn covers_the_next_construct_or_its_own_line() {
        let text = "# berth: ignore=BD001 lab only\n# another comment\nprivileged: true\nx: 1 # berth: ignore=BD002 trailing reason\n";
        let (pragmas, _) = scan(text, true);
        assert_eq!(find(&pragmas, "BD001", 3, 3), Some("lab only"));
        assert_eq!(find(&pragmas, "BD001", 4, 4), None);
        assert_eq!(find(&pragmas, "BD002", 4, 4), Some("trailing reason"));
        assert_eq!(find(&pragmas, "BD002", 3, 3), None);
    }

    #[test]
    fn a_block_of_comments_reaches_the_construct_below_it() {
        let text = "# berth: ignore=BD001 one\n\n# other\n# berth: ignore=BD002 two\nRUN a \\\n  b\nRUN c\n# berth: ignore=BD003 end\n";
        let (pragmas, _) = scan(text, false);
        let reach: Vec<(u32, u32)> = pragmas.iter().map(|p| (p.line, p.reach)).collect();
        assert_eq!(reach, [(1, 5), (4, 5), (8, 9)]);
        assert_eq!(find(&pragmas, "BD001", 6, 5), Some("one"), "through the instruction's first line");
        assert_eq!(find(&pragmas, "BD002", 7, 7), None, "not past it");
        assert_eq!(find(&pragmas, "BD003", 9, 9), Some("end"));
        assert_eq!(find(&pragmas, "BD003", 10, 10), None);
        let (pragmas, _) = scan("# berth: ignore=BC001 above\n# note # berth: ignore=BC002 inside\nx: 1\n", true);
        assert_eq!(find(&pragmas, "BC001", 3, 3), Some("above"), "a trailing pragma in the block ends nothing");
    }

    #[test]
    fn unknown_codes_are_reported() {
        let (_, bad) = scan("# berth: ignore=ZZ123 because\n", false);
        assert!(bad[0].message.contains("ZZ123"));
    }
}
