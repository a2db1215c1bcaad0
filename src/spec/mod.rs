//! Answers from every source, layered and validated into one [`ProjectSpec`].

pub mod fields;
pub mod layer;
pub mod model;
pub mod packages;
pub mod resolve;
pub mod value;

pub use layer::{Layer, Problem, RawValue, Source};
pub use model::*;
pub use resolve::{answers_of, defaults, resolve, Environment, Resolved};

use crate::yaml;

/// Reads an answers file (`berth.yml`). The valid answers come back with every problem found,
/// so validation can go on and report all of them in one run.
pub fn load_answers(path: &std::path::Path) -> (Layer, Vec<Problem>) {
    let shown = path.display().to_string();
    let source = Source::AnswersFile(shown.clone());
    let problem = |message: String| (Layer::new(source.clone()), vec![Problem { source: shown.clone(), message }]);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return problem(format!("cannot read the answers file: {e}")),
    };
    match parse_mapping(&text) {
        Ok(map) => Layer::from_mapping(source, &map, &[]),
        Err(message) => problem(message),
    }
}

/// Parses YAML text that must be a mapping (an empty file is an empty mapping).
pub fn parse_mapping(text: &str) -> Result<yaml::Mapping, String> {
    match yaml::from_str::<yaml::Value>(text) {
        Ok(yaml::Value::Mapping(map)) => Ok(map),
        Ok(yaml::Value::Null) => Ok(yaml::Mapping::new()),
        Ok(_) => Err("expected a mapping of key: value lines at the top level".into()),
        Err(e) => Err(format!("invalid YAML at {}: {e}", yaml::location(&e))),
    }
}
