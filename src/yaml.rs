//! The one place berth touches its YAML library.
//!
//! `serde_yaml` is deprecated upstream; `serde_yaml_ng` is a maintained fork with the same API.
//! Everything else imports YAML types from here, so changing the fork is a one-file change.

pub use serde_yaml_ng::{from_str, to_string, Error, Mapping, Value};

/// "line L, column C" of a YAML error, when the parser knows it.
pub fn location(err: &Error) -> String {
    match err.location() {
        Some(loc) => format!("line {}, column {}", loc.line(), loc.column()),
        None => "unknown position".to_string(),
    }
}
