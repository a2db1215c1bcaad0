//! The one table of answer fields.
//!
//! Every way of answering a question (wizard, flag, `--set`, answers file, preset) names a field
//! from this table and passes through its validator, so a value is judged the same way whatever
//! its source. The clap flags of `berth new`, the keys of `berth.yml`, the wizard's lists and the
//! built-in defaults all come from here: adding a field is one line in [`fields!`] plus the
//! [`ProjectSpec`] member it fills.

use std::fmt;

use super::choice::ChoiceValue;
use super::layer::RawValue;
use super::model::*;
use super::value;

/// Whether a field holds one value or a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    One,
    List,
}

/// When a field matters: an answer that does not apply is left out of `berth.yml`, not asked by
/// the wizard, and reported as ignored when someone sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    Always,
    /// Only for `workload: api`.
    Api,
    /// Only with a database service.
    Database,
}

impl Applies {
    pub fn to(self, workload: Workload, database: Database) -> bool {
        match self {
            Applies::Always => true,
            Applies::Api => workload == Workload::Api,
            Applies::Database => database != Database::None,
        }
    }

    /// Why a field is ignored, for the warning.
    pub fn ignored(self, workload: Workload) -> String {
        match self {
            Applies::Always => String::new(),
            Applies::Api => format!("is only used by api workloads; it is ignored for {workload}"),
            Applies::Database => "is ignored because database is none".into(),
        }
    }
}

/// One offered value of a choice field and why someone would pick it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub value: &'static str,
    pub hint: &'static str,
}

fn choices_of<T: ChoiceValue>() -> Vec<Choice> {
    T::ALL.iter().map(|v| Choice { value: v.as_str(), hint: v.hint() }).collect()
}

/// One answer field: its key in YAML and `--set`, its flag, help, validator and default.
pub struct Field {
    pub key: Key,
    /// Key in `berth.yml`, presets and `--set KEY=VALUE`.
    pub name: &'static str,
    /// Long flag of `berth new` (without the leading dashes).
    pub flag: &'static str,
    pub arity: Arity,
    /// Placeholder shown in `--help`.
    pub value_name: &'static str,
    pub help: &'static str,
    /// Checks one raw value (one item, for lists) and returns it normalised.
    pub parse: fn(&str) -> Result<String, String>,
    /// The values of a choice field, with their hints; `None` for typed fields.
    pub choices: Option<fn() -> Vec<Choice>>,
    /// The built-in default; fields without one are optional or derived from other answers.
    pub default: Option<&'static str>,
    pub applies: Applies,
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field").field("name", &self.name).finish_non_exhaustive()
    }
}

impl Field {
    pub fn is_list(&self) -> bool {
        self.arity == Arity::List
    }

    /// `--help` text: the summary, the values of a choice field and the default.
    pub fn help_text(&self) -> String {
        let mut text = self.help.to_string();
        if let Some(choices) = self.choices {
            let values: Vec<&str> = choices().iter().map(|c| c.value).collect();
            text.push_str(&format!(": {}", values.join(", ")));
        }
        if let Some(default) = self.default.filter(|d| !d.is_empty()) {
            text.push_str(&format!(" [default: {default}]"));
        }
        text
    }

    /// Long `--help` text: each value of a choice field on its own line with its hint.
    pub fn long_help_text(&self) -> String {
        let mut text = self.help_text();
        if let Some(choices) = self.choices {
            for c in choices() {
                text.push_str(&format!("\n  {:<12} {}", c.value, c.hint));
            }
        }
        text
    }
}

/// An item that failed its field's validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub item: String,
    pub message: String,
}

fn parse_item<T: std::str::FromStr>(field: &Field, item: &str) -> Result<T, Refused>
where
    T::Err: fmt::Display,
{
    let refused = |message: String| Refused { item: item.to_string(), message };
    let normal = (field.parse)(item).map_err(refused)?;
    normal.parse::<T>().map_err(|e| refused(e.to_string()))
}

fn parse_one<T: std::str::FromStr>(field: &Field, raw: &RawValue) -> Result<Option<T>, Vec<Refused>>
where
    T::Err: fmt::Display,
{
    match raw {
        RawValue::One(s) => parse_item(field, s).map(Some).map_err(|e| vec![e]),
        RawValue::List(_) => {
            Err(vec![Refused { item: raw.to_string(), message: "expected one value, found a list".into() }])
        }
    }
}

fn parse_list<T: std::str::FromStr>(field: &Field, raw: &RawValue) -> Result<Option<Vec<T>>, Vec<Refused>>
where
    T::Err: fmt::Display,
{
    let mut items = Vec::new();
    let mut refused = Vec::new();
    for item in raw.items() {
        match parse_item(field, &item) {
            Ok(v) => items.push(v),
            Err(e) => refused.push(e),
        }
    }
    if refused.is_empty() {
        Ok(Some(items))
    } else {
        Err(refused)
    }
}

fn show_one<T: fmt::Display>(value: &T) -> RawValue {
    RawValue::One(value.to_string())
}

fn show_list<T: fmt::Display>(values: &[T]) -> RawValue {
    RawValue::List(values.iter().map(ToString::to_string).collect())
}

macro_rules! arity_type {
    (One, $ty:ty) => { $ty };
    (List, $ty:ty) => { Vec<$ty> };
}
macro_rules! arity_parse {
    (One, $ty:ty, $field:expr, $raw:expr) => {
        parse_one::<$ty>($field, $raw)
    };
    (List, $ty:ty, $field:expr, $raw:expr) => {
        parse_list::<$ty>($field, $raw)
    };
}
macro_rules! arity_show {
    (One, $value:expr) => {
        show_one($value)
    };
    (List, $value:expr) => {
        show_list($value)
    };
}
macro_rules! choices {
    (-) => {
        None
    };
    ($ty:ty) => {
        Some(choices_of::<$ty>)
    };
}

/// Declares every field once: the [`Key`] enum, the [`FIELDS`] table and the typed [`Draft`].
macro_rules! fields {
    ($(
        $variant:ident $name:ident $flag:literal $value_name:literal:
            $arity:ident<$ty:ty> = $parse:path, choices $choices:tt, default $default:expr, $applies:ident,
            $help:literal;
    )+) => {
        /// Every answer field, in the order `berth.yml` and `--help` list them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Key { $($variant),+ }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$variant),+];

            pub fn field(self) -> &'static Field {
                &FIELDS[self as usize]
            }

            pub fn as_str(self) -> &'static str {
                self.field().name
            }
        }

        /// All fields, in [`Key`] order.
        pub static FIELDS: &[Field] = &[$(
            Field {
                key: Key::$variant,
                name: stringify!($name),
                flag: $flag,
                arity: Arity::$arity,
                value_name: $value_name,
                help: $help,
                parse: $parse,
                choices: choices!($choices),
                default: $default,
                applies: Applies::$applies,
            }
        ),+];

        /// Validated answers by field, each present or not: what the layers add up to before
        /// the defaults that depend on other answers are filled in.
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Draft { $(pub $name: Option<arity_type!($arity, $ty)>),+ }

        impl Draft {
            /// Validates a raw value into its field; every refused item is returned.
            pub fn apply(&mut self, key: Key, raw: &RawValue) -> Result<(), Vec<Refused>> {
                match key {
                    $(Key::$variant => {
                        self.$name = arity_parse!($arity, $ty, key.field(), raw)?;
                    })+
                }
                Ok(())
            }

            /// A field's value in the form flags and files give it.
            pub fn extract(&self, key: Key) -> Option<RawValue> {
                match key {
                    $(Key::$variant => self.$name.as_ref().map(|v| arity_show!($arity, v)),)+
                }
            }

            pub fn clear(&mut self, key: Key) {
                match key {
                    $(Key::$variant => self.$name = None,)+
                }
            }
        }
    };
}

fields! {
    Name name "name" "NAME": One<String> = value::project_name, choices -, default None, Always,
        "Project name: lowercase letters, digits, '-' or '_' (default: the target directory's name)";
    Python python "python" "VERSION": One<Python> = value::python_version, choices Python, default Some("3.13"), Always,
        "Python minor version";
    Base base "base" "FLAVOUR": One<Base> = value::choice::<Base>, choices Base, default Some("slim"), Always,
        "Runtime base image";
    Packaging packaging "packaging" "TOOL": One<Packaging> = value::choice::<Packaging>, choices Packaging,
        default Some("requirements"), Always,
        "Dependency manager";
    Entrypoint entrypoint "entrypoint" "SCRIPT|MODULE": One<Entrypoint> = value::entrypoint, choices -, default None, Always,
        "What the container runs: a script path ending in .py (src/pipeline.py) or a module (pipeline.main)";
    BuildPackages build_packages "build-packages" "PKG": List<String> = value::os_package, choices -, default Some(""), Always,
        "OS packages needed only to build dependencies (gcc, libpq-dev...); runtime libraries are derived";
    RuntimePackages runtime_packages "runtime-packages" "PKG": List<String> = value::os_package, choices -, default Some(""), Always,
        "Extra OS packages the runtime image needs";
    Database database "database" "DB": One<Database> = value::choice::<Database>, choices Database, default Some("none"), Always,
        "Database service";
    Workload workload "workload" "KIND": One<Workload> = value::choice::<Workload>, choices Workload, default Some("batch"), Always,
        "What the container does";
    Port port "port" "PORT": One<u16> = value::port, choices -, default Some("8000"), Api,
        "api: container port to serve on, 1024-65535 (published on 127.0.0.1 only)";
    HealthPath health_path "health-path" "PATH": One<String> = value::health_path, choices -, default Some("/healthz"), Api,
        "api: HTTP path the health check requests";
    AppCpus app_cpus "app-cpus" "CPUS": One<String> = value::cpus, choices -, default Some("1.0"), Always,
        "CPU limit of the app service, e.g. 1.0";
    AppMemory app_memory "app-memory" "SIZE": One<String> = value::memory, choices -, default Some("1g"), Always,
        "Memory limit of the app service, e.g. 1g or 512m (swap disabled)";
    AppPids app_pids "app-pids" "N": One<u32> = value::pids, choices -, default Some("256"), Always,
        "Process limit of the app service";
    DbCpus db_cpus "db-cpus" "CPUS": One<String> = value::cpus, choices -, default Some("1.0"), Database,
        "CPU limit of the database service";
    DbMemory db_memory "db-memory" "SIZE": One<String> = value::memory, choices -, default Some("1g"), Database,
        "Memory limit of the database service";
    DbPids db_pids "db-pids" "N": One<u32> = value::pids, choices -, default Some("512"), Database,
        "Process limit of the database service";
    Uid uid "uid" "UID": One<u32> = value::user_id, choices -, default None, Always,
        "Numeric user id the app runs as (default 10001; 65532 on distroless)";
    Gid gid "gid" "GID": One<u32> = value::user_id, choices -, default None, Always,
        "Numeric group id the app runs as (default: same as uid)";
    Image image "image" "REPOSITORY": One<String> = value::image_repository, choices -, default None, Always,
        "Image repository CI pushes to, without tag (default: the CI provider's registry for this repo)";
    Ci ci "ci" "PROVIDER": One<Ci> = value::choice::<Ci>, choices Ci, default Some("github"), Always,
        "CI pipeline to generate";
    ScanSeverity scan_severity "scan-severity" "LEVEL": One<Severity> = value::choice::<Severity>, choices Severity,
        default Some("high"), Always,
        "Lowest vulnerability severity that fails the CI scan";
    Signing signing "signing" "HOW": One<Signing> = value::choice::<Signing>, choices Signing, default None, Always,
        "Image signing in CI (default: cosign when there is a CI)";
    Updates updates "updates" "BOT": One<Updates> = value::choice::<Updates>, choices Updates, default None, Always,
        "Dependency update bot config (default: dependabot on GitHub, else renovate)";
    CiVerify ci_verify "ci-verify" "BOOL": One<bool> = value::boolean, choices -, default Some("false"), Always,
        "CI job that installs this berth release and runs `berth verify` on the image the pipeline builds";
    PrivateIndex private_index "private-index" "URL": One<String> = value::private_index, choices -, default None, Always,
        "Private package index URL (https, no credentials: they come from the BuildKit secret secrets/netrc)";
    BuilderDigest builder_digest "builder-digest" "DIGEST": One<String> = value::digest, choices -, default None, Always,
        "Pin the builder base image to this sha256 digest";
    RuntimeDigest runtime_digest "runtime-digest" "DIGEST": One<String> = value::digest, choices -, default None, Always,
        "Pin the runtime base image to this sha256 digest";
    DbDigest db_digest "db-digest" "DIGEST": One<String> = value::digest, choices -, default None, Database,
        "Pin the database image to this sha256 digest";
    DriftCheck drift_check "drift-check" "BOOL": One<bool> = value::boolean, choices -, default Some("true"), Always,
        "CI fails when the files drift from berth.yml or from this berth (`berth check`, through the berth-check pre-commit hook)";
    AppEnv app_env "app-env" "NAME=VALUE": List<String> = value::env_var, choices -, default Some(""), Always,
        "Extra environment variables of the app service, not secrets (those go in files under secrets/)";
    AppVolumes app_volumes "app-volumes" "SOURCE:TARGET": List<String> = value::app_volume, choices -, default Some(""), Always,
        "Extra mounts of the app: ./dir:/target mounts a project directory read-only, name:/target a named volume";
    Labels labels "labels" "KEY=VALUE": List<String> = value::label, choices -, default Some(""), Always,
        "Extra LABELs of the runtime image, e.g. org.example.team=data";
}

/// The field named `name` in YAML or `--set` (exactly, after trimming).
pub fn field(name: &str) -> Option<&'static Field> {
    let name = name.trim();
    FIELDS.iter().find(|f| f.name == name)
}

/// The valid keys, for "unknown key" errors.
pub fn keys() -> Vec<&'static str> {
    FIELDS.iter().map(|f| f.name).collect()
}

/// The valid key closest to a misspelt one, when one is close enough to be meant.
pub fn closest(name: &str, extra: &[&'static str]) -> Option<&'static str> {
    let name = name.trim().to_ascii_lowercase();
    keys()
        .into_iter()
        .chain(extra.iter().copied())
        .map(|key| (strsim::damerau_levenshtein(&name, key), key))
        .filter(|(distance, key)| *distance <= 2.max(key.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn keys_and_flags_are_unique_and_in_order() {
        let names: BTreeSet<_> = FIELDS.iter().map(|f| f.name).collect();
        let flags: BTreeSet<_> = FIELDS.iter().map(|f| f.flag).collect();
        assert_eq!(names.len(), FIELDS.len());
        assert_eq!(flags.len(), FIELDS.len());
        for (i, key) in Key::ALL.iter().enumerate() {
            assert_eq!(FIELDS[i].key, *key);
        }
    }

    #[test]
    fn flag_is_key_with_dashes() {
        for f in FIELDS {
            assert_eq!(f.flag, f.name.replace('_', "-"), "{}", f.name);
        }
    }

    #[test]
    fn every_default_and_every_choice_passes_its_validator() {
        for f in FIELDS {
            if let Some(default) = f.default.filter(|d| !d.is_empty()) {
                assert_eq!((f.parse)(default).as_deref(), Ok(default), "{}", f.name);
            }
            for c in f.choices.map(|c| c()).unwrap_or_default() {
                assert_eq!((f.parse)(c.value).as_deref(), Ok(c.value), "{}: {}", f.name, c.value);
            }
        }
    }

    #[test]
    fn apply_and_extract_round_trip() {
        let mut draft = Draft::default();
        draft.apply(Key::Port, &RawValue::One(" 8080 ".into())).unwrap();
        draft.apply(Key::BuildPackages, &RawValue::One("gcc, libpq-dev".into())).unwrap();
        draft.apply(Key::Base, &RawValue::One("Distroless".into())).unwrap();
        assert_eq!(draft.port, Some(8080));
        assert_eq!(draft.base, Some(Base::Distroless));
        assert_eq!(draft.extract(Key::BuildPackages), Some(RawValue::List(vec!["gcc".into(), "libpq-dev".into()])));
        let refused = draft.apply(Key::BuildPackages, &RawValue::List(vec!["ok".into(), "Bad".into()])).unwrap_err();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].item, "Bad");
        assert!(draft.apply(Key::Python, &RawValue::List(vec![])).is_err());
    }

    #[test]
    fn misspelt_keys_get_the_closest_valid_one() {
        assert_eq!(closest("pyhton", &[]), Some("python"));
        assert_eq!(closest("buildpackages", &[]), Some("build_packages"));
        assert_eq!(closest("extend", &["extends"]), Some("extends"));
        assert_eq!(closest("colour", &[]), None);
    }

    #[test]
    fn help_lists_choice_values_and_defaults() {
        assert_eq!(Key::Base.field().help_text(), "Runtime base image: slim, distroless, alpine [default: slim]");
        assert!(Key::Base.field().long_help_text().contains("\n  distroless   no shell"));
    }
}

#[cfg(test)]
mod documented {
    use super::FIELDS;

    #[test]
    fn every_field_is_in_the_readme_table() {
        let readme = include_str!("../../README.md");
        for field in FIELDS {
            assert!(readme.contains(&format!("`{}`", field.name)), "{} is missing from the README", field.name);
        }
    }
}
