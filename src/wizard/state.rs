//! The answers known so far while the wizard runs: what each field currently is, where it came
//! from, and so whether it is still the person's to decide.

use crate::spec::fields::{self, Field};
use crate::spec::{Base, Layer, RawValue, Source};

pub struct State<'a> {
    /// Defaults, presets and DIR/berth.yml, lowest first: they give defaults, and a preset's
    /// values settle their fields.
    pub below: Vec<Layer>,
    /// Flags settle their fields and are never asked.
    pub flags: Option<&'a Layer>,
    /// What the person answered.
    pub wizard: Layer,
    /// Fields the person cleared: their values below are dropped.
    pub cleared: Vec<&'static str>,
    /// The fields asked, in order.
    pub asked: Vec<&'static str>,
}

fn field(key: &str) -> &'static Field {
    fields::field(key).unwrap_or_else(|| panic!("{key} is not a field"))
}

impl<'a> State<'a> {
    pub fn new(below: Vec<Layer>, flags: Option<&'a Layer>) -> Self {
        State { below, flags, wizard: Layer::new(Source::Wizard), cleared: Vec::new(), asked: Vec::new() }
    }

    fn raw(&self, key: &str) -> Option<&RawValue> {
        if let Some(value) = self.flags.and_then(|f| f.values.get(key)).or_else(|| self.wizard.values.get(key)) {
            return Some(value);
        }
        if self.cleared.contains(&field(key).key) {
            return None;
        }
        self.below.iter().rev().find_map(|l| l.values.get(key))
    }

    /// A field's current value, normalised; an invalid value counts as none, so a default
    /// offered to the person always passes validation.
    pub fn one(&self, key: &str) -> Option<String> {
        match self.raw(key)? {
            RawValue::One(s) => (field(key).parse)(s).ok(),
            RawValue::List(_) => None,
        }
    }

    /// A list field's current valid items.
    pub fn list(&self, key: &str) -> Vec<String> {
        let parse = field(key).parse;
        self.raw(key).map(RawValue::items).unwrap_or_default().iter().filter_map(|item| parse(item).ok()).collect()
    }

    /// Whether a flag or a preset decided this field, so it is not asked. A value from
    /// DIR/berth.yml or the built-in defaults is only a default.
    pub fn settled(&self, key: &str) -> bool {
        self.flags.is_some_and(|f| f.values.contains_key(key))
            || self
                .below
                .iter()
                .rev()
                .find(|l| l.values.contains_key(key))
                .is_some_and(|l| matches!(l.source, Source::Preset(_)))
    }

    /// The items of a list field that a flag or preset fixed (empty when it is open).
    pub fn settled_list(&self, key: &str) -> Vec<String> {
        if self.settled(key) {
            self.list(key)
        } else {
            Vec::new()
        }
    }

    pub fn base(&self) -> Base {
        Base::from_valid(&self.one("base").unwrap_or_else(|| "slim".into()))
    }

    pub fn set(&mut self, key: &str, value: RawValue) {
        self.wizard.set(key, value).expect("wizard keys are fields");
    }

    pub fn set_one(&mut self, key: &str, value: &str) {
        self.set(key, RawValue::One(value.to_string()));
    }

    /// Records that the person answered `key`.
    pub fn answered(&mut self, key: &str, value: RawValue) {
        self.asked.push(field(key).key);
        self.set(key, value);
    }

    /// Drops an optional field's value from every source below the wizard.
    pub fn clear(&mut self, key: &str) {
        let key = field(key).key;
        self.asked.push(key);
        self.wizard.values.remove(key);
        if !self.cleared.contains(&key) {
            self.cleared.push(key);
        }
    }
}
