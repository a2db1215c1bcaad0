//! YAML for berth: [`tree`] is the positioned parser every reader uses for line numbers; the
//! serde re-exports below serve berth's own answers and preset files until they move to it.
//!
//! `serde_yaml` is deprecated upstream; `serde_yaml_ng` is a maintained fork with the same API.

pub mod events;
pub mod tree;

pub use serde_yaml_ng::{from_str, to_string, Error, Mapping, Value};

/// "line L, column C" of a YAML error, when the parser knows it.
pub fn location(err: &Error) -> String {
    match err.location() {
        Some(loc) => format!("line {}, column {}", loc.line(), loc.column()),
        None => "unknown position".to_string(),
    }
}
