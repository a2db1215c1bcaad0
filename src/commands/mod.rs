//! One module per subcommand: each turns parsed arguments into work and messages.

pub mod audit;
pub mod check;
pub mod completions;
pub mod explain;
pub mod new;
pub mod presets;
pub mod rules;
pub mod upgrade;
pub mod verify;

#[cfg(test)]
mod lifecycle_channels;
