//! YAML for berth: [`tree`] is the positioned parser every reader uses for line numbers, and
//! [`emit`] writes berth's own answers file, every scalar double-quoted so that no value can
//! change type (`no`, `null`, `1.0`, `0x10` stay text).

pub mod events;
pub mod tree;

use std::fmt::Write as _;

/// A value of a top-level key: one scalar or a list of scalars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scalars {
    One(String),
    List(Vec<String>),
}

/// Whether YAML may hold the character unescaped in a double-quoted scalar (its printable set).
fn printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
        && c != '\u{feff}'
}

/// A YAML double-quoted scalar holding exactly `s`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// A block mapping of plain keys (`[a-z_]+`) to quoted scalars and block lists.
pub fn emit(entries: &[(&str, Scalars)]) -> String {
    let mut out = String::new();
    for (key, value) in entries {
        match value {
            Scalars::One(s) => {
                let _ = writeln!(out, "{key}: {}", quote(s));
            }
            Scalars::List(items) if items.is_empty() => {
                let _ = writeln!(out, "{key}: []");
            }
            Scalars::List(items) => {
                let _ = writeln!(out, "{key}:");
                for item in items {
                    let _ = writeln!(out, "  - {}", quote(item));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tree::{parse, Value};
    use super::*;

    fn read_back(text: &str) -> Vec<(String, Scalars)> {
        let root = parse(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        root.entries()
            .map(|(key, _, value)| {
                let scalars = match &value.value {
                    Value::Scalar { text, plain } => {
                        assert!(!plain, "{key} is quoted");
                        Scalars::One(text.clone())
                    }
                    Value::Seq(items) => {
                        Scalars::List(items.iter().map(|i| i.as_str().unwrap_or_default().to_string()).collect())
                    }
                    Value::Map(_) => panic!("{key}: a mapping"),
                };
                (key.to_string(), scalars)
            })
            .collect()
    }

    #[test]
    fn every_value_round_trips_as_text() {
        let hostile = [
            "no",
            "null",
            "~",
            "1.0",
            "0x10",
            "yes",
            "",
            " lead",
            "trail ",
            "a: b",
            "- x",
            "#c",
            "'q'",
            "\"dq\"",
            "back\\slash",
            "é ü 中文 🚀",
            "e\u{301}",
            "\u{202e}rtl",
            "nul\u{0}",
            "esc\u{1b}[31m",
            "line\nbreak",
            "tab\there",
            "cr\rx",
            "\u{7f}\u{85}\u{9b}",
            "\u{feff}bom",
            "{a: [b]}",
            "&anchor",
            "*alias",
            "!tag",
            "%",
            "@",
            "`",
            "|",
            ">",
            "?",
            ",",
            "=",
            "-",
        ];
        let long = "x".repeat(100_000);
        let mut entries: Vec<(&str, Scalars)> =
            vec![("one", Scalars::One(long.clone())), ("empty", Scalars::List(vec![]))];
        let keys: Vec<String> = (0..hostile.len()).map(|i| format!("k_{i}")).collect();
        for (key, value) in keys.iter().zip(hostile) {
            entries.push((key, Scalars::One(value.to_string())));
        }
        entries.push(("list", Scalars::List(hostile.iter().map(|s| s.to_string()).collect())));
        let text = emit(&entries);
        let expected: Vec<(String, Scalars)> = entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        assert_eq!(read_back(&text), expected);
    }

    #[test]
    fn lists_are_block_sequences() {
        let text = emit(&[
            ("build_packages", Scalars::List(vec!["gcc".into(), "libpq-dev".into()])),
            ("name", Scalars::One("etl".into())),
        ]);
        assert_eq!(text, "build_packages:\n  - \"gcc\"\n  - \"libpq-dev\"\nname: \"etl\"\n");
    }
}
