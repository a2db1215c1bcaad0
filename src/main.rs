use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match berth::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap uses 2 for usage errors and 0 for --help/--version, as berth does.
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    let outcome = berth::run(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    ExitCode::from(outcome.code())
}
