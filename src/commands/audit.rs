//! `berth audit`: turns the flags into audit options once, runs the audit, renders the report
//! (findings on stdout; errors and notes on stderr) and maps it to an exit status.

use std::io::Write;

use crate::audit::{self, Options, Stdin, STDIN_PATH};
use crate::cli::{AuditArgs, AuditFormat, FailOn};
use crate::report::{text, Format, Severity};
use crate::{shown, Outcome};

fn severity(fail_on: FailOn) -> Severity {
    match fail_on {
        FailOn::Critical => Severity::Critical,
        FailOn::High => Severity::High,
        FailOn::Medium => Severity::Medium,
        FailOn::Low => Severity::Low,
        FailOn::Info => Severity::Info,
    }
}

pub fn run(args: AuditArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == STDIN_PATH);
    if args.stdin_filename.is_some() && !reads_stdin {
        let _ = writeln!(err, "error: --stdin-filename names standard input: add `-` to the paths to audit it");
        return Outcome::Error;
    }
    let stdin = if reads_stdin {
        match Stdin::read(std::io::stdin().lock(), args.stdin_filename.clone()) {
            Ok(stdin) => Some(stdin),
            Err(e) => {
                let _ = writeln!(err, "error: standard input {}", audit::read_failure(e));
                return Outcome::Error;
            }
        }
    } else {
        None
    };
    let options = Options { paths: args.paths, fail_on: args.fail_on.map(severity), config: args.config, stdin };
    let format = match args.format {
        AuditFormat::Text => Format::Text,
        AuditFormat::Json => Format::Json,
        AuditFormat::Sarif => Format::Sarif,
    };
    let report = match audit::run(&options) {
        Ok(report) => report,
        Err(e) => {
            // The configuration's own values may be quoted in the message.
            let _ = writeln!(err, "error: {}", shown::escape(&e.to_string()));
            return Outcome::Error;
        }
    };
    // One write per buffer, not per line: a report of 100,000 findings is millions of lines.
    let mut buffered = std::io::BufWriter::new(out);
    let written = format.renderer().render(&report, &mut buffered).and_then(|()| buffered.flush());
    match written {
        // A closed pipe (`berth audit | head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the report: {e}");
            return Outcome::Error;
        }
        Ok(()) => {}
    }
    let _ = text::messages(&report, err);
    if !report.errors.is_empty() {
        Outcome::Error
    } else if report.failing() > 0 {
        Outcome::Refused
    } else {
        Outcome::Success
    }
}
