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

/// A path for a message: escaped like [`escape`], never clipped (a path is only useful whole).
pub fn path(p: &std::path::Path) -> String {
    escape(&p.to_string_lossy()).into_owned()
}

/// One word a POSIX shell reads back as exactly these bytes, safe to print on a terminal: plain
/// when it needs no quoting, in single quotes otherwise, and as `$'...'` with `\xHH` escapes when
/// it holds control characters, bidirectional overrides or bytes that are not UTF-8.
pub fn shell_word(word: &std::ffi::OsStr) -> String {
    const PLAIN: &str = "@%+=:,./-_";
    let bytes = word.as_encoded_bytes();
    if !bytes.is_empty() && bytes.iter().all(|b| b.is_ascii_alphanumeric() || PLAIN.as_bytes().contains(b)) {
        return word.to_string_lossy().into_owned();
    }
    match word.to_str() {
        Some(text) if !text.chars().any(is_hostile) => format!("'{}'", text.replace('\'', r"'\''")),
        _ => {
            let mut out = String::from("$'");
            for &b in bytes {
                match b {
                    b'\\' | b'\'' => {
                        out.push('\\');
                        out.push(b as char);
                    }
                    0x20..=0x7e => out.push(b as char),
                    _ => {
                        let _ = write!(out, "\\x{b:02x}");
                    }
                }
            }
            out.push('\'');
            out
        }
    }
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

    #[test]
    fn shell_words_read_back_as_the_same_bytes() {
        use std::ffi::OsStr;
        assert_eq!(shell_word(OsStr::new("sales-etl/v1.2")), "sales-etl/v1.2");
        assert_eq!(shell_word(OsStr::new("a b")), "'a b'");
        assert_eq!(shell_word(OsStr::new("$(id)")), "'$(id)'");
        assert_eq!(shell_word(OsStr::new("it's")), "'it'\\''s'");
        assert_eq!(shell_word(OsStr::new("")), "''");
        assert_eq!(shell_word(OsStr::new("é")), "'é'");
        assert_eq!(shell_word(OsStr::new("a\nb\u{1b}[31m'")), "$'a\\x0ab\\x1b[31m\\''");
        assert_eq!(shell_word(OsStr::new("\u{202e}x")), "$'\\xe2\\x80\\xaex'");
    }
}
