//! The answers known so far while the wizard runs: what each field currently is, where it came
//! from, whether it is still the person's to decide, and which values keep the constraints.

use std::collections::BTreeSet;

use crate::spec::constraints::{Constraint, CONSTRAINTS};
use crate::spec::fields::Draft;
use crate::spec::resolve::{complete_unchecked, draft_unchecked};
use crate::spec::{Environment, Key, Layer, ProjectSpec, RawValue, Source};

pub struct State<'a> {
    /// Defaults, presets and DIR/berth.yml, lowest first: they give defaults, and a preset's
    /// values settle their fields.
    pub below: Vec<Layer>,
    /// Flags settle their fields and are never asked.
    pub flags: Option<&'a Layer>,
    pub environment: &'a Environment,
    /// What the person answered, and what the wizard set because only one value fitted.
    pub wizard: Layer,
    /// Fields the person cleared: their values below are dropped.
    pub cleared: Vec<Key>,
    /// The questions asked, by field key (`preset` for the preset), in order.
    pub asked: Vec<&'static str>,
    /// Fields the wizard has decided: asked, or set as the only value that fits.
    decided: BTreeSet<Key>,
}

impl<'a> State<'a> {
    pub fn new(below: Vec<Layer>, flags: Option<&'a Layer>, environment: &'a Environment) -> Self {
        State {
            below,
            flags,
            environment,
            wizard: Layer::new(Source::Wizard),
            cleared: Vec::new(),
            asked: Vec::new(),
            decided: BTreeSet::new(),
        }
    }

    fn raw(&self, key: Key) -> Option<&RawValue> {
        if let Some(value) = self.flags.and_then(|f| f.values.get(&key)).or_else(|| self.wizard.values.get(&key)) {
            return Some(value);
        }
        if self.cleared.contains(&key) {
            return None;
        }
        self.below.iter().rev().find_map(|l| l.values.get(&key))
    }

    /// A field's current value, normalised; an invalid value counts as none, so a default
    /// offered to the person always passes validation.
    pub fn one(&self, key: Key) -> Option<String> {
        match self.raw(key)? {
            RawValue::One(s) => (key.field().parse)(s).ok(),
            RawValue::List(_) => None,
        }
    }

    /// A list field's current valid items.
    pub fn list(&self, key: Key) -> Vec<String> {
        let parse = key.field().parse;
        self.raw(key).map(RawValue::items).unwrap_or_default().iter().filter_map(|item| parse(item).ok()).collect()
    }

    /// Whether a flag or a preset decided this field, so it is not asked. A value from
    /// DIR/berth.yml or the built-in defaults is only a default.
    pub fn settled(&self, key: Key) -> bool {
        self.flags.is_some_and(|f| f.values.contains_key(&key))
            || self
                .below
                .iter()
                .rev()
                .find(|l| l.values.contains_key(&key))
                .is_some_and(|l| matches!(l.source, Source::Preset(_)))
    }

    /// Whether the field's value is final: settled, or decided in the wizard.
    pub fn decided(&self, key: Key) -> bool {
        self.settled(key) || self.decided.contains(&key)
    }

    /// The layers as they stand, in resolution order.
    fn layers(&self, candidate: Option<(Key, &RawValue)>) -> Vec<Layer> {
        let mut layers: Vec<Layer> = self.below.clone();
        for layer in &mut layers {
            if matches!(layer.source, Source::Defaults | Source::AnswersFile(_)) {
                layer.values.retain(|key, _| !self.cleared.contains(key));
            }
        }
        let mut wizard = self.wizard.clone();
        if let Some((key, value)) = candidate {
            wizard.put(key, value.clone());
        }
        layers.push(wizard);
        layers.extend(self.flags.cloned());
        layers
    }

    /// The project the answers so far describe, with defaults for the rest.
    pub fn spec(&self) -> Option<ProjectSpec> {
        complete_unchecked(draft_unchecked(&self.layers(None)), self.environment)
    }

    /// Whether `value` for `key` keeps the constraints on it: with the decided fields as they
    /// are, some values of the undecided ones must keep every constraint linked to it (through
    /// undecided fields). The message of the first one broken otherwise.
    pub fn fits(&self, key: Key, value: &RawValue) -> Result<(), String> {
        self.satisfiable(Some((key, value)), CONSTRAINTS.iter().filter(|c| c.involves.contains(&key)).collect())
    }

    /// The constraints that no value of the undecided fields can keep, with what is decided now.
    pub fn unsatisfiable(&self) -> Vec<(&'static Constraint, String)> {
        CONSTRAINTS.iter().filter_map(|c| self.satisfiable(None, vec![c]).err().map(|message| (c, message))).collect()
    }

    fn satisfiable(
        &self,
        candidate: Option<(Key, &RawValue)>,
        mut group: Vec<&'static Constraint>,
    ) -> Result<(), String> {
        let fixed = |k: Key| self.decided(k) || candidate.is_some_and(|(c, _)| c == k);
        // Constraints linked through undecided fields are judged together.
        loop {
            let free: Vec<Key> = group.iter().flat_map(|c| c.involves.iter().copied()).filter(|k| !fixed(*k)).collect();
            let more: Vec<&Constraint> = CONSTRAINTS
                .iter()
                .filter(|c| !group.iter().any(|g| std::ptr::eq(*g, *c)))
                .filter(|c| c.involves.iter().any(|k| free.contains(k)))
                .collect();
            if more.is_empty() {
                break;
            }
            group.extend(more);
        }
        // An undecided typed field is asked later, and its answer is checked then.
        group.retain(|c| c.involves.iter().all(|k| fixed(*k) || k.field().choices.is_some() || k.field().is_list()));
        if group.is_empty() {
            return Ok(());
        }
        let mut free: Vec<Key> = group.iter().flat_map(|c| c.involves.iter().copied()).filter(|k| !fixed(*k)).collect();
        free.sort();
        free.dedup();
        let draft = draft_unchecked(&self.layers(candidate));
        let options: Vec<Vec<RawValue>> = free
            .iter()
            .map(|k| match k.field().choices {
                Some(choices) => choices().iter().map(|c| RawValue::One(c.value.to_string())).collect(),
                // A list can always be emptied: by unticking, or by the wizard keeping what fits.
                None => draft.extract(*k).into_iter().chain([RawValue::List(Vec::new())]).collect(),
            })
            .collect();
        let broken = |draft: &Draft| -> Option<String> {
            let spec = complete_unchecked(draft.clone(), self.environment)?;
            group.iter().find_map(|c| (c.check)(&spec))
        };
        let Some(first) = broken(&draft) else { return Ok(()) };
        let combos: usize = options.iter().map(Vec::len).product();
        for n in 0..combos {
            let mut trial = draft.clone();
            let mut rest = n;
            for (k, values) in free.iter().zip(&options) {
                let _ = trial.apply(*k, &values[rest % values.len()]);
                rest /= values.len();
            }
            if broken(&trial).is_none() {
                return Ok(());
            }
        }
        Err(first)
    }

    pub fn set(&mut self, key: Key, value: RawValue) {
        self.wizard.put(key, value);
    }

    /// Records a value the wizard chose because it was the only one that fits.
    pub fn decide(&mut self, key: Key, value: RawValue) {
        self.decided.insert(key);
        self.set(key, value);
    }

    /// Records that the person answered `key`.
    pub fn answered(&mut self, key: Key, value: RawValue) {
        self.asked.push(key.as_str());
        self.decide(key, value);
    }

    /// Drops an optional field's value from every source below the wizard.
    pub fn clear(&mut self, key: Key) {
        self.asked.push(key.as_str());
        self.decided.insert(key);
        self.wizard.values.remove(&key);
        if !self.cleared.contains(&key) {
            self.cleared.push(key);
        }
    }
}
