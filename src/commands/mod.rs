//! One module per subcommand: each turns parsed arguments into work and messages.

pub mod new;
pub mod presets;
pub mod verify;
