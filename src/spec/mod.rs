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

/// Reads an answers file (`berth.yml`): every problem in it is reported, not just the first.
pub fn load_answers(path: &std::path::Path) -> Result<Layer, Vec<Problem>> {
    let shown = path.display().to_string();
    let problem = |message: String| vec![Problem { source: shown.clone(), message }];
    let text = std::fs::read_to_string(path).map_err(|e| problem(format!("cannot read the answers file: {e}")))?;
    let map = parse_mapping(&text).map_err(problem)?;
    let (layer, problems) = Layer::from_mapping(Source::AnswersFile(shown.clone()), &map, &[]);
    if problems.is_empty() {
        Ok(layer)
    } else {
        Err(problems)
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
