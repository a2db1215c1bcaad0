use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match berth::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap uses 2 for usage errors and 0 for --help/--version, as berth does; help that
            // cannot be written (`> /dev/full`) is an error, a closed pipe is not.
            return match e.print() {
                Err(failed) if failed.kind() != std::io::ErrorKind::BrokenPipe => {
                    let _ = writeln!(std::io::stderr(), "error: cannot write the output: {failed}");
                    ExitCode::from(2)
                }
                _ => ExitCode::from(e.exit_code() as u8),
            };
        }
    };
    let outcome = berth::run(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    ExitCode::from(outcome.code())
}
