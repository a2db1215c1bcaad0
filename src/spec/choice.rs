//! Closed sets of answer values, each declared once with [`choice!`]: the values, the one-line
//! trade-off the wizard shows beside each, parsing and display all come from that declaration.

use std::fmt;

/// A closed set of values: what every choice field's type offers the validators and the wizard.
pub trait ChoiceValue: Copy + Eq + fmt::Display + 'static {
    /// Every value, in the order the wizard lists them.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    /// Why someone would pick this value, shown beside it in the wizard.
    fn hint(self) -> &'static str;
}

/// A value outside a choice's set; the message lists the allowed ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("allowed: {allowed}")]
pub struct NotAllowed {
    pub allowed: String,
}

/// Parses a value of a choice, ignoring case and surrounding space.
pub fn parse_choice<T: ChoiceValue>(raw: &str) -> Result<T, NotAllowed> {
    let wanted = raw.trim();
    T::ALL
        .iter()
        .copied()
        .find(|v| v.as_str().eq_ignore_ascii_case(wanted))
        .ok_or_else(|| NotAllowed { allowed: T::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ") })
}

/// Declares a choice type: `Name { Variant => "value", "wizard hint"; ... }`.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal, $hint:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $crate::spec::choice::ChoiceValue for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            fn hint(self) -> &'static str {
                match self { $($name::$variant => $hint),+ }
            }
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                $crate::spec::choice::ChoiceValue::as_str(self)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::spec::choice::NotAllowed;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::spec::choice::parse_choice(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use choice;
