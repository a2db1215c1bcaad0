//! Answers from every source, layered and validated into one [`ProjectSpec`].

pub mod choice;
pub mod constraints;
pub mod fields;
pub mod gather;
pub mod layer;
pub mod model;
pub mod packages;
#[cfg(test)]
pub mod payloads;
pub mod resolve;
pub mod value;

pub use fields::Key;
pub use gather::{gather, load_answers, read_text, Gathered, Sources};
pub use layer::{Layer, Problem, RawValue, Source};
pub use model::*;
pub use resolve::{answers_of, defaults, resolve, Environment, Resolved};
