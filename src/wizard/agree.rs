//! The wizard and the resolver agree on every constraint: for random answer sets (what a
//! preset, a berth.yml and flags settle or suggest) and random picks among what the wizard
//! offers, the resolver never refuses the result; and what the wizard reports before asking
//! anything, the resolver refuses too.

use proptest::prelude::*;

use super::prompter::{Prompter, Validator, WizardError};
use super::{ask, settled_problems, Start};
use crate::presets;
use crate::spec::{self, Environment, Key, Layer, RawValue, Source};

/// Values drawn for a field: valid ones, some of which break constraints together.
fn pool(key: Key) -> Vec<RawValue> {
    let one = |values: &[&str]| values.iter().map(|v| RawValue::One(v.to_string())).collect();
    let lists = |values: &[&[&str]]| {
        values.iter().map(|items| RawValue::List(items.iter().map(|i| i.to_string()).collect())).collect()
    };
    if let Some(choices) = key.field().choices {
        return choices().iter().map(|c| RawValue::One(c.value.to_string())).collect();
    }
    match key {
        Key::BuildPackages => lists(&[
            &[],
            &["gcc"],
            &["gcc", "libpq-dev"],
            &["libssl-dev"],
            &["gcc", "musl-dev", "postgresql-dev"],
            &["pkg-config", "default-libmysqlclient-dev"],
        ]),
        Key::RuntimePackages => lists(&[&[], &["curl"]]),
        Key::Entrypoint => {
            one(&["src/pipeline.py", "pipeline.main", "Dockerfile/x.py", "secrets/job.py", "renovate.json/x.py"])
        }
        Key::Port => one(&["8080"]),
        Key::Image => one(&["ghcr.io/acme/etl", "registry.local:5000/team/etl"]),
        Key::Uid => one(&["10002"]),
        Key::AppMemory | Key::DbMemory => one(&["2g"]),
        Key::PrivateIndex => one(&["https://pypi.example.com/simple"]),
        Key::CiVerify => one(&["true", "false"]),
        _ => Vec::new(),
    }
}

fn layer(source: Source, picks: &[(usize, usize)]) -> Layer {
    let mut layer = Layer::new(source);
    for (k, v) in picks {
        let key = Key::ALL[k % Key::ALL.len()];
        let values = pool(key);
        if !values.is_empty() {
            layer.put(key, values[v % values.len()].clone());
        }
    }
    layer
}

/// Typed answers a person might try, good and bad, by a piece of the prompt.
const TYPED: &[(&str, &[&str])] = &[
    ("Project name", &["etl", "Bad Name"]),
    ("port", &["8080", "80"]),
    ("Health check", &["/ready", "ready"]),
    ("Entrypoint", &["src/job.py", "Dockerfile/x.py", "secrets/a.py", "app.main", ".gitlab-ci.yml/x.py"]),
    ("Other build packages", &["", "make", "libssl-dev", "openssl-dev, make", "libpq-dev", "-"]),
    ("limit", &["0.5", "512m", "100", "lots"]),
    ("Image repository", &["", "-", "ghcr.io/acme/x", "-u.x/y"]),
    ("Private package index", &["", "https://pypi.example.com/simple", "http://x"]),
];

/// A person picking at random among what each question offers.
struct Random {
    picks: Vec<u32>,
    at: usize,
}

impl Random {
    fn next(&mut self) -> usize {
        let pick = self.picks.get(self.at % self.picks.len().max(1)).copied().unwrap_or(0);
        self.at += 1;
        pick as usize
    }
}

impl Prompter for Random {
    fn select(&mut self, _: &str, items: &[String], _: usize) -> Result<usize, WizardError> {
        Ok(self.next() % items.len())
    }

    fn multi_select(&mut self, _: &str, items: &[String], _: &[bool]) -> Result<Vec<usize>, WizardError> {
        let mask = self.next();
        Ok((0..items.len()).filter(|i| mask & (1 << (i % 32)) != 0).collect())
    }

    fn input(&mut self, prompt: &str, default: Option<&str>, validate: Validator<'_>) -> Result<String, WizardError> {
        let typed: Vec<&str> =
            TYPED.iter().filter(|(p, _)| prompt.contains(p)).flat_map(|(_, t)| t.iter().copied()).collect();
        let enter = default.unwrap_or("");
        for _ in 0..4 {
            let pick = self.next() % (typed.len() + 1);
            let answer = typed.get(pick).copied().unwrap_or(enter);
            if let Ok(value) = validate(if answer.is_empty() { enter } else { answer }) {
                return Ok(value);
            }
        }
        // Someone refused four times tries each answer in turn, as a person would.
        let found = typed.iter().copied().chain([enter]).find_map(|a| validate(a).ok());
        found.ok_or(WizardError::Cancelled)
    }

    fn confirm(&mut self, _: &str, _: bool) -> Result<bool, WizardError> {
        Ok(self.next().is_multiple_of(2))
    }
}

fn env() -> Environment {
    Environment { dir_name: Some("etl".into()), dependency_text: None }
}

type Picks = Vec<(usize, usize)>;

fn answer_sets() -> impl Strategy<Value = (usize, Picks, Picks, Vec<u32>)> {
    let picks = || prop::collection::vec((0..Key::ALL.len(), 0..8usize), 0..6);
    (0..=presets::builtin_names().len(), picks(), picks(), prop::collection::vec(any::<u32>(), 1..48))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_resolver_never_refuses_what_the_wizard_offered((preset, berth, flags, picks) in answer_sets()) {
        let mut layers = vec![spec::defaults()];
        if let Some(name) = presets::builtin_names().get(preset) {
            layers.extend(presets::load(name).unwrap());
        }
        if !berth.is_empty() {
            layers.push(layer(Source::AnswersFile("berth.yml".into()), &berth));
        }
        layers.push(layer(Source::Flags, &flags));
        let environment = env();
        let before = settled_problems(&layers, &environment);
        if !before.is_empty() {
            // What the wizard refuses up front, the resolver refuses too.
            prop_assert!(spec::resolve(&layers, &environment).is_err(), "{before:?}");
            return Ok(());
        }
        let mut person = Random { picks, at: 0 };
        let answers = ask(&mut person, &Start { layers: &layers, environment: &environment })
            .map_err(|e| TestCaseError::fail(format!("the wizard found no answer: {e}")))?;
        let resolved = spec::resolve(&answers.layered(&layers), &environment);
        prop_assert!(resolved.is_ok(), "{:?}\nlayers: {:#?}\nwizard: {:?}", resolved.err(), layers, answers.layer);
    }
}
