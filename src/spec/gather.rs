//! Gathering the answer layers from every source `berth new` and `berth verify` read:
//! defaults < preset < answers file < flags.

use std::path::{Path, PathBuf};

use super::fields::Key;
use super::layer::{Layer, Problem, RawValue, Source};
use super::resolve::{defaults, resolve, Environment, Resolved};
use crate::yaml::tree;
use crate::{presets, read, shown};

/// The largest answers or preset file berth reads: they hold a few dozen short lines.
pub const MAX_ANSWERS_BYTES: u64 = 1024 * 1024;
/// The largest dependency file (requirements.txt, pyproject.toml) read for base warnings.
pub const MAX_DEPENDENCY_BYTES: u64 = 8 * 1024 * 1024;

/// Where answers come from, as the command line names them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The target directory: its berth.yml, its name and its dependency files.
    pub dir: PathBuf,
    /// `--preset NAME|FILE`.
    pub preset: Option<String>,
    /// `--answers FILE`; without it DIR/berth.yml is read when it exists.
    pub answers: Option<PathBuf>,
    /// One value per answer flag.
    pub flags: Vec<(Key, RawValue)>,
    /// `--set KEY=VALUE` assignments, as typed.
    pub set: Vec<String>,
}

/// The answer layers from preset, answers file and flags, with every problem found loading them.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub layers: Vec<Layer>,
    /// The answers file that was read, if any.
    pub answers_file: Option<PathBuf>,
    /// What the target directory tells about the answers.
    pub environment: Environment,
    /// Problems loading the layers; validation still runs so all are reported together.
    pub problems: Vec<Problem>,
}

impl Gathered {
    /// Validates the layers; problems from loading and from validation come together.
    pub fn resolve(&self) -> Result<Resolved, Vec<Problem>> {
        self.resolve_layers(&self.layers)
    }

    /// Validates other layers (the wizard's) against the same environment and loading problems.
    pub fn resolve_layers(&self, layers: &[Layer]) -> Result<Resolved, Vec<Problem>> {
        match (resolve(layers, &self.environment), self.problems.is_empty()) {
            (Ok(resolved), true) => Ok(resolved),
            (Ok(_), false) => Err(self.problems.clone()),
            (Err(problems), _) => Err(self.problems.iter().cloned().chain(problems).collect()),
        }
    }
}

/// Reads a text file berth was given, naming it in the error.
pub fn read_text(path: &Path, what: &str, limit: u64) -> Result<String, Problem> {
    read::text_limited(path, limit).map_err(|e| {
        Problem::new(shown::escape(&path.display().to_string()).into_owned(), format!("cannot read the {what}: {e}"))
    })
}

/// Reads an answers file (`berth.yml`). The valid answers come back with every problem found,
/// so validation can go on and report all of them in one run.
pub fn load_answers(path: &Path) -> (Layer, Vec<Problem>) {
    let source = Source::AnswersFile(path.display().to_string());
    let text = match read_text(path, "answers file", MAX_ANSWERS_BYTES) {
        Ok(text) => text,
        Err(problem) => return (Layer::new(source), vec![problem]),
    };
    match tree::parse(&text) {
        Ok(root) => Layer::from_node(source, &root, &[]),
        Err(e) => {
            let problem = Problem::new(source.at(e.line, e.col), format!("invalid YAML: {}", e.message));
            (Layer::new(source), vec![problem])
        }
    }
}

fn flags_layer(sources: &Sources) -> (Layer, Vec<Problem>) {
    let mut layer = Layer::new(Source::Flags);
    let mut problems = Vec::new();
    for (key, value) in &sources.flags {
        layer.put(*key, value.clone());
    }
    for assignment in &sources.set {
        if let Err(message) = layer.set_assignment(assignment) {
            problems.push(Problem::new(Source::Flags.to_string(), message));
        }
    }
    (layer, problems)
}

/// What the target directory tells about the answers: its name and existing dependencies.
pub fn environment(dir: &Path) -> (Environment, Vec<Problem>) {
    let named = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let dir_name = named.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut problems = Vec::new();
    let mut texts = Vec::new();
    for file in ["requirements.txt", "pyproject.toml"] {
        let path = dir.join(file);
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        match read_text(&path, "dependency file", MAX_DEPENDENCY_BYTES) {
            Ok(text) => texts.push(text),
            Err(problem) => problems.push(problem),
        }
    }
    let dependency_text = texts.join("\n");
    (Environment { dir_name, dependency_text: (!dependency_text.is_empty()).then_some(dependency_text) }, problems)
}

/// Collects the layers: defaults < preset < answers file < flags.
pub fn gather(sources: &Sources) -> Gathered {
    let mut problems = Vec::new();
    let mut layers = vec![defaults()];
    if let Some(preset) = &sources.preset {
        match presets::load(preset) {
            Ok(preset_layers) => layers.extend(preset_layers),
            Err(mut p) => problems.append(&mut p),
        }
    }
    let answers_file = sources.answers.clone().or_else(|| {
        let existing = sources.dir.join("berth.yml");
        std::fs::symlink_metadata(&existing).is_ok().then_some(existing)
    });
    if let Some(path) = &answers_file {
        let (layer, mut p) = load_answers(path);
        layers.push(layer);
        problems.append(&mut p);
    }
    let (flags, mut flag_problems) = flags_layer(sources);
    problems.append(&mut flag_problems);
    layers.push(flags);
    let (environment, mut env_problems) = environment(&sources.dir);
    problems.append(&mut env_problems);
    Gathered { layers, answers_file, environment, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_answers_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let (_, problems) = load_answers(Path::new("/dev/zero"));
        assert!(
            problems[0].to_string().starts_with("/dev/zero: cannot read the answers file: is not a regular file"),
            "{problems:?}"
        );
        let (_, problems) = load_answers(dir.path());
        assert!(problems[0].to_string().contains("is a directory"), "{problems:?}");
        let big = dir.path().join("big.yml");
        std::fs::write(&big, "#".repeat(MAX_ANSWERS_BYTES as usize + 1)).unwrap();
        let (_, problems) = load_answers(&big);
        assert!(problems[0].to_string().contains("is larger than"), "{problems:?}");
    }

    #[test]
    fn an_unknown_key_is_reported_at_its_line_with_the_closest_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("berth.yml");
        std::fs::write(&path, "name: etl\nbase: slim\npyhton: '3.13'\n").unwrap();
        let (_, problems) = load_answers(&path);
        assert_eq!(
            problems[0].to_string(),
            format!("{}:3:1: unknown key `pyhton`; did you mean `python`?", path.display())
        );
    }

    #[cfg(unix)]
    #[test]
    fn dependency_files_that_are_not_files_are_problems() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("requirements.txt")).unwrap();
        std::fs::create_dir(dir.path().join("pyproject.toml")).unwrap();
        let (_, problems) = environment(dir.path());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].to_string().contains("requirements.txt: cannot read the dependency file"), "{problems:?}");
    }
}
