//! berth: hardened container files for Python data pipelines.
//!
//! `main.rs` parses the command line and maps the outcome of [`run`] to an exit code; everything
//! else lives in the library so it can be tested without a process.

pub mod audit;
pub mod cli;
pub mod commands;
pub mod lifecycle;
pub mod presets;
pub mod read;
pub mod render;
pub mod report;
pub mod shown;
pub mod spec;
pub mod verify;
pub mod wizard;
pub mod write;
pub mod yaml;

use std::io::Write;

/// How a command ended, and so the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the command ran and refused (existing files differ) or found problems.
    Refused,
    /// Exit 2: bad usage, invalid answers, or it could not run.
    Error,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Refused => 1,
            Outcome::Error => 2,
        }
    }
}

/// Runs a parsed command; results go to `out`, messages and errors to `err`. Output that cannot
/// be written (`> /dev/full`, a full disk) is an error (exit 2), not a silent success; a closed
/// pipe (`| head`) is the reader's choice and is not.
pub fn run(cli: cli::Cli, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let mut watched = Watched { out, failed: None };
    let outcome = dispatch(cli, &mut watched, err);
    let _ = watched.flush();
    match watched.failed {
        // A command that failed has said why already.
        Some(e) if outcome != Outcome::Error => {
            let _ = writeln!(err, "error: cannot write the output: {e}");
            Outcome::Error
        }
        _ => outcome,
    }
}

/// Standard output, remembering the first write that failed for a reason other than a closed pipe.
struct Watched<'a> {
    out: &'a mut dyn Write,
    failed: Option<std::io::Error>,
}

impl Watched<'_> {
    fn watch<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result {
            if e.kind() != std::io::ErrorKind::BrokenPipe && self.failed.is_none() {
                self.failed = Some(std::io::Error::new(e.kind(), e.to_string()));
            }
        }
        result
    }
}

impl Write for Watched<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.out.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.out.flush();
        self.watch(result)
    }
}

fn dispatch(cli: cli::Cli, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    match cli.command {
        cli::Command::New(args) => commands::new::run(args, out, err),
        cli::Command::Presets => commands::presets::run(out),
        cli::Command::Verify(args) => commands::verify::run(args, out, err),
        cli::Command::Audit(args) => commands::audit::run(args, out, err),
        cli::Command::Upgrade(args) => commands::upgrade::run(&args, out, err),
        cli::Command::Check(args) => commands::check::run(&args, out, err),
        cli::Command::Rules(args) => commands::rules::run(args, out),
        cli::Command::Explain(args) => commands::explain::run(&args.code, out, err),
        cli::Command::Completions(args) => commands::completions::completions(args.shell, out, err),
        cli::Command::Man => commands::completions::man(out, err),
    }
}
