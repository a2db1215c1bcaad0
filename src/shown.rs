//! Showing values that came from outside berth (answers, paths, file content) in messages.
//!
//! A value can hold a terminal escape sequence, a carriage return that rewrites the line, a
//! newline that forges an `error:` line of its own, or a megabyte of text. Every message that
//! quotes such a value goes through [`value`] (or [`escape`] and [`clip`]), so what the user
//! reads is what berth means.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Longest value quoted in a message, in characters.
pub const MAX_SHOWN: usize = 80;

/// Whether a character must not reach a terminal as is: C0 and C1 controls, DEL, and the
/// bidirectional overrides that reorder what is displayed.
fn is_hostile(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// The text with every control character written as an escape (`\n`, `\t`, `\u{1b}`).
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hostile(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// At most `max` characters of `s` (never splitting one), with the number left out.
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}… ({} more characters)", &s[..cut], s[cut..].chars().count())),
    }
}

/// A value quoted for a message: escaped, clipped to [`MAX_SHOWN`] characters, in double quotes.
pub fn value(s: &str) -> String {
    let clipped = clip(s, MAX_SHOWN);
    format!("\"{}\"", escape(&clipped).replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(escape("plain é"), "plain é");
        assert_eq!(escape("a\u{1b}[31mred\nerror: x\r"), "a\\u{1b}[31mred\\nerror: x\\r");
        assert_eq!(escape("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert_eq!(escape("\u{7f}\u{9b}"), "\\u{7f}\\u{9b}");
    }

    #[test]
    fn clips_on_character_boundaries() {
        assert_eq!(clip("ééééé", 3), "ééé… (2 more characters)");
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("", 0), "");
    }

    #[test]
    fn values_are_one_quoted_line() {
        assert_eq!(value("a\"b\nc"), "\"a\\\"b\\nc\"");
        let long = value(&"x".repeat(1000));
        assert!(long.len() < 120, "{long}");
        assert!(long.contains("920 more characters"));
    }
}
