//! Presets: named answer sets embedded in the binary, or an organisation's own file.
//!
//! A preset file is a YAML mapping of answer fields plus `description:` and an optional
//! `extends:` naming a built-in preset or another preset file (relative to this one).

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::spec::{self, Layer, Problem, Source};
use crate::yaml;

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
            let map = spec::parse_mapping(f.contents_utf8()?).ok()?;
            let description = map.get("description").and_then(yaml::Value::as_str).unwrap_or_default().to_string();
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

/// Loads a preset by built-in name or file path, following `extends:`.
/// Returns the layers from the most basic to the most specific.
pub fn load(value: &str) -> Result<Vec<Layer>, Vec<Problem>> {
    let mut layers = Vec::new();
    load_into(value, None, &mut Vec::new(), &mut layers)?;
    Ok(layers)
}

fn load_into(
    value: &str,
    relative_to: Option<&Path>,
    chain: &mut Vec<String>,
    out: &mut Vec<Layer>,
) -> Result<(), Vec<Problem>> {
    let fail = |source: &str, message: String| Err(vec![Problem { source: source.to_string(), message }]);
    if chain.len() >= MAX_DEPTH {
        return fail(value, format!("`extends` is nested more than {MAX_DEPTH} deep: {}", chain.join(" -> ")));
    }
    let (label, text, dir): (String, String, Option<PathBuf>) = if looks_like_path(value) {
        let path = match relative_to {
            Some(dir) if Path::new(value).is_relative() => dir.join(value),
            _ => PathBuf::from(value),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => return fail(&path.display().to_string(), format!("cannot read the preset file: {e}")),
        };
        (path.display().to_string(), text, path.parent().map(Path::to_path_buf))
    } else if let Some(text) = builtin_text(value) {
        (value.to_string(), text.to_string(), None)
    } else {
        return fail(
            "--preset",
            format!(
                "unknown preset {value:?}; built-in presets: {} (or give a path to a preset file)",
                builtin_names().join(", ")
            ),
        );
    };
    if chain.contains(&label) {
        return fail(&label, format!("`extends` loops back: {} -> {label}", chain.join(" -> ")));
    }
    chain.push(label.clone());

    let map = spec::parse_mapping(&text).map_err(|m| vec![Problem { source: label.clone(), message: m }])?;
    let mut problems = Vec::new();
    if let Some(description) = map.get("description") {
        if !description.is_string() {
            problems.push(Problem { source: label.clone(), message: "description: expected text".into() });
        }
    }
    if let Some(parent) = map.get("extends") {
        match parent.as_str() {
            Some(parent) => {
                if let Err(mut inner) = load_into(parent, dir.as_deref(), chain, out) {
                    problems.append(&mut inner);
                }
            }
            None => problems.push(Problem {
                source: label.clone(),
                message: "extends: expected a preset name or file path".into(),
            }),
        }
    }
    let (layer, mut layer_problems) = Layer::from_mapping(Source::Preset(label.clone()), &map, EXTRA_KEYS);
    problems.append(&mut layer_problems);
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
        assert_eq!(layers[1].values["app_memory"], spec::RawValue::One("4g".into()));
    }

    #[test]
    fn extends_loops_and_unknowns_fail() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "extends: b.yaml\n").unwrap();
        std::fs::write(dir.path().join("b.yaml"), "extends: a.yaml\n").unwrap();
        let err = load(dir.path().join("a.yaml").to_str().unwrap()).unwrap_err();
        assert!(err[0].message.contains("loops"), "{err:?}");
        let err = load("postgres").unwrap_err();
        assert!(err[0].message.contains("postgres-etl"), "{err:?}");
    }
}
