//! `berth verify`: runs the checks and reports them as text lines or JSON.

use std::io::Write;

use crate::cli::{VerifyArgs, VerifyFormat};
use crate::verify::{self, CheckResult, Options, Status};
use crate::Outcome;

fn line(check: &CheckResult) -> String {
    let mut detail = check.detail.lines();
    let first = detail.next().unwrap_or("");
    let rest: String = detail.map(|l| format!("\n        {l}")).collect();
    format!("{:<4}  {:<18} {first}{rest}", check.status.label(), check.id)
}

pub fn run(args: VerifyArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let docker = args
        .docker
        .clone()
        .or_else(|| std::env::var_os("BERTH_DOCKER").map(Into::into))
        .unwrap_or_else(|| "docker".into());
    let options = Options {
        dir: args.dir.clone(),
        docker,
        keep: args.keep,
        health_timeout: std::time::Duration::from_secs(args.timeout),
        image: args.image.clone(),
    };
    if let Err(e) = options.check() {
        let _ = writeln!(err, "error: {e}");
        return Outcome::Error;
    }
    let text = args.format == VerifyFormat::Text;
    if text {
        let _ = writeln!(out, "Verifying {} on the Docker engine", args.dir.display());
    }
    let mut progress = |check: &CheckResult| {
        if text {
            let _ = writeln!(out, "{}", line(check));
            let _ = out.flush();
        }
    };
    let report = match verify::verify(&options, &mut progress) {
        Ok(report) => report,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::Error;
        }
    };
    let failed = report.count(Status::Fail);
    if text {
        let _ = writeln!(
            out,
            "{} passed, {} failed, {} skipped in {:.0} s",
            report.count(Status::Pass),
            failed,
            report.count(Status::Skip),
            report.seconds
        );
    } else {
        let _ = writeln!(out, "{}", serde_json::to_string_pretty(&report).expect("the report serialises"));
    }
    if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Refused
    }
}
