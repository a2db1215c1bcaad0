//! Escaping filters, registered in one place.
//!
//! Answers are validated against allowlists before they reach a template; these filters are the
//! second wall: whatever a value holds, it stays one YAML scalar or one shell word.

use std::collections::HashMap;

use tera::{Result, Tera, Value};

fn text(value: &Value, filter: &str) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(tera::Error::msg(format!("filter {filter} expects text, got {other}"))),
    }
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
pub fn yaml_quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// One shell word (the same quoting as the messages that show paths).
pub fn shell_quote(s: &str) -> String {
    crate::shown::shell_word(std::ffi::OsStr::new(s))
}

pub fn register(tera: &mut Tera) {
    tera.register_filter("yaml", |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(yaml_quote(&text(value, "yaml")?)))
    });
    tera.register_filter("sh", |value: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(shell_quote(&text(value, "sh")?)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quote_keeps_one_scalar() {
        assert_eq!(yaml_quote("a: b"), "\"a: b\"");
        assert_eq!(yaml_quote("x\nRUN id"), "\"x\\nRUN id\"");
        let parsed = crate::yaml::tree::parse(&format!("k: {}", yaml_quote("\"q\": [1]\n- x"))).unwrap();
        assert_eq!(parsed.get("k").and_then(|k| k.as_str()), Some("\"q\": [1]\n- x"));
    }

    #[test]
    fn shell_quote_keeps_one_word() {
        assert_eq!(shell_quote("libpq-dev"), "libpq-dev");
        assert_eq!(shell_quote("$(id)"), "'$(id)'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
