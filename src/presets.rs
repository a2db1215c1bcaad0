//! Presets: named answer sets embedded in the binary, or an organisation's own file.
//!
//! A preset file is a YAML mapping of answer fields plus `description:` and an optional
//! `extends:` naming a built-in preset or another preset file (relative to this one).

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::shown;
use crate::spec::gather::MAX_ANSWERS_BYTES;
use crate::spec::{self, Layer, Problem, Source};
use crate::yaml::tree::{self, Node};

static PRESETS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/presets");

/// The preset the wizard offers first.
pub const RECOMMENDED: &str = "postgres-etl";

const EXTRA_KEYS: &[&str] = &["description", "extends"];
const MAX_DEPTH: usize = 8;

/// A built-in preset's name and one-line description.
#[derive(Debug, Clone)]
pub struct PresetInfo {
    pub name: String,
    pub description: String,
}

fn builtin_text(name: &str) -> Option<&'static str> {
    PRESETS.get_file(format!("{name}.yaml")).and_then(|f| f.contents_utf8())
}

/// Every built-in preset, sorted by name.
pub fn builtin() -> Vec<PresetInfo> {
    let mut out: Vec<PresetInfo> = PRESETS
        .files()
        .filter_map(|f| {
            let name = f.path().file_stem()?.to_str()?.to_string();
            let root = tree::parse(f.contents_utf8()?).ok()?;
            let description = root.get("description").and_then(Node::as_str).unwrap_or_default().to_string();
            Some(PresetInfo { name, description })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub fn builtin_names() -> Vec<String> {
    builtin().into_iter().map(|p| p.name).collect()
}

/// Whether a `--preset` value names a file rather than a built-in preset.
fn looks_like_path(value: &str) -> bool {
    value.contains('/') || value.contains('\\') || value.ends_with(".yml") || value.ends_with(".yaml")
}

/// Who named a preset: `--preset`, or an `extends:` at a position of a preset file.
struct NamedBy {
    /// `--preset`, or `org.yaml:2:10`.
    at: String,
    /// The directory a relative path is read from.
    dir: Option<PathBuf>,
}

/// Loads a preset by built-in name or file path, following `extends:`.
/// Returns the layers from the most basic to the most specific.
pub fn load(value: &str) -> Result<Vec<Layer>, Vec<Problem>> {
    let mut layers = Vec::new();
    let named_by = NamedBy { at: "--preset".into(), dir: None };
    load_into(value, &named_by, &mut Vec::new(), &mut layers)?;
    Ok(layers)
}

/// One preset in an `extends` chain: its label and what identifies it (a canonical path).
struct Link {
    label: String,
    identity: String,
}

fn load_into(value: &str, named_by: &NamedBy, chain: &mut Vec<Link>, out: &mut Vec<Layer>) -> Result<(), Vec<Problem>> {
    let fail = |message: String| Err(vec![Problem::new(named_by.at.clone(), message)]);
    let shown_chain = |chain: &[Link], last: &str| {
        chain.iter().map(|l| l.label.as_str()).chain([last]).collect::<Vec<_>>().join(" -> ")
    };
    let (label, identity, text, dir): (String, String, String, Option<PathBuf>) = if looks_like_path(value) {
        let path = match &named_by.dir {
            Some(dir) if Path::new(value).is_relative() => dir.join(value),
            _ => PathBuf::from(value),
        };
        let label = shown::escape(&shown::clip(&path.display().to_string(), 200)).into_owned();
        let identity = path.canonicalize().unwrap_or_else(|_| path.clone()).display().to_string();
        if chain.iter().any(|l| l.identity == identity) {
            return fail(format!("`extends` loops back: {}", shown_chain(chain, &label)));
        }
        let text = match spec::read_text(&path, "preset file", MAX_ANSWERS_BYTES) {
            Ok(t) => t,
            Err(problem) => return fail(format!("{}: {}", problem.source, problem.message)),
        };
        (label, identity, text, path.parent().map(Path::to_path_buf))
    } else if let Some(text) = builtin_text(value) {
        if chain.iter().any(|l| l.identity == value) {
            return fail(format!("`extends` loops back: {}", shown_chain(chain, value)));
        }
        (value.to_string(), value.to_string(), text.to_string(), None)
    } else {
        return fail(format!(
            "unknown preset {}; built-in presets: {} (or give a path to a preset file)",
            shown::value(value),
            builtin_names().join(", ")
        ));
    };
    if chain.len() >= MAX_DEPTH {
        return fail(format!("`extends` is nested more than {MAX_DEPTH} deep: {}", shown_chain(chain, &label)));
    }
    let source = Source::Preset(label.clone());
    let root = match tree::parse(&text) {
        Ok(root) => root,
        Err(e) => return Err(vec![Problem::new(source.at(e.line, e.col), format!("invalid YAML: {}", e.message))]),
    };
    let (layer, mut problems) = Layer::from_node(source.clone(), &root, EXTRA_KEYS);
    if let Some(description) = root.get("description") {
        if description.as_str().is_none() {
            problems.push(Problem::new(source.at(description.line, description.col), "description: expected text"));
        }
    }
    chain.push(Link { label, identity });
    if let Some(parent) = root.get("extends") {
        match parent.as_str().filter(|_| !parent.is_null()) {
            Some(name) => {
                let named_by = NamedBy { at: source.at(parent.line, parent.col), dir };
                if let Err(mut inner) = load_into(name, &named_by, chain, out) {
                    problems.append(&mut inner);
                }
            }
            None => problems
                .push(Problem::new(source.at(parent.line, parent.col), "extends: expected a preset name or file path")),
        }
    }
    chain.pop();
    if !problems.is_empty() {
        return Err(problems);
    }
    out.push(layer);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{resolve, Environment};

    #[test]
    fn every_builtin_preset_resolves() {
        let names = builtin_names();
        assert!(names.len() >= 5, "{names:?}");
        for name in &names {
            let mut layers = vec![spec::defaults()];
            layers.extend(load(name).unwrap_or_else(|p| panic!("{name}: {p:?}")));
            let env = Environment { dir_name: Some("etl".into()), dependency_text: None };
            resolve(&layers, &env).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        }
        assert!(names.contains(&RECOMMENDED.to_string()));
    }

    #[test]
    fn every_builtin_has_a_description() {
        for p in builtin() {
            assert!(!p.description.is_empty() && !p.description.contains('\n'), "{}", p.name);
        }
    }

    #[test]
    fn file_preset_extends_builtin() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.yaml");
        std::fs::write(&path, "description: ours\nextends: postgres-etl\napp_memory: 4g\n").unwrap();
        let layers = load(path.to_str().unwrap()).unwrap();
        assert_eq!(layers.len(), 2);
        assert_eq!(layers[1].values[&spec::Key::AppMemory], spec::RawValue::One("4g".into()));
    }

    #[test]
    fn extends_loops_and_unknowns_fail() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "extends: b.yaml\n").unwrap();
        std::fs::write(dir.path().join("b.yaml"), "extends: a.yaml\n").unwrap();
        let err = load(dir.path().join("a.yaml").to_str().unwrap()).unwrap_err();
        assert_eq!(err.len(), 1, "{err:?}");
        let b = dir.path().join("b.yaml").display().to_string();
        assert_eq!(err[0].source, format!("{b}:1:10"), "blamed on the extends that loops");
        assert!(err[0].message.contains("loops back") && err[0].message.matches("a.yaml").count() == 2, "{err:?}");
        let err = load("postgres").unwrap_err();
        assert!(err[0].message.contains("postgres-etl"), "{err:?}");
        assert_eq!(err[0].source, "--preset");
    }

    #[test]
    fn a_bad_extends_is_blamed_on_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let org = dir.path().join("org.yaml");
        std::fs::write(&org, "description: ours\nextends: postgress-etl\n").unwrap();
        let err = load(org.to_str().unwrap()).unwrap_err();
        assert_eq!(err.len(), 1, "{err:?}");
        assert_eq!(err[0].source, format!("{}:2:10", org.display()));
        assert!(err[0].message.contains("unknown preset \"postgress-etl\""), "{err:?}");
    }

    #[test]
    fn duplicate_keys_and_unreadable_extends_targets_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let org = dir.path().join("org.yaml");
        std::fs::write(&org, "python: '3.12'\npython: '3.13'\n").unwrap();
        let err = load(org.to_str().unwrap()).unwrap_err();
        assert_eq!(err[0].source, format!("{}:2:1", org.display()));
        std::fs::write(&org, "extends: /dev/zero\n").unwrap();
        let err = load(org.to_str().unwrap()).unwrap_err();
        assert_eq!(err[0].source, format!("{}:1:10", org.display()));
        assert!(err[0].message.contains("/dev/zero: cannot read the preset file"), "{err:?}");
        std::fs::write(&org, "extends: sub/\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let err = load(org.to_str().unwrap()).unwrap_err();
        assert!(err[0].message.contains("is a directory"), "{err:?}");
    }
}
