//! Every field through every non-interactive channel of `berth new` (flag, `--set`, answers
//! file, preset file, `extends:` chain, raw YAML) with every hostile payload: each run ends
//! with exit 0 or 2, never a panic, and what it prints cannot rewrite a terminal.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use clap::Parser;

use std::collections::HashSet;

use crate::cli::{Cli, Command, NewArgs};
use crate::spec::fields::FIELDS;
use crate::spec::payloads::{is_safe_to_show, panic_message, payloads};
use crate::yaml::quote;
use crate::Outcome;

/// Runs `berth new` in-process; the outcome and what it printed to stderr, or the panic
/// message. Answers that resolve to a project already rendered are not rendered again: the
/// channels are what is under test, and a render takes a tenth of a second in a debug build.
fn run(args: NewArgs, rendered: &mut HashSet<String>) -> Result<(Outcome, String), String> {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if let Ok(resolved) = crate::spec::gather(&super::sources(&args)).resolve() {
            if !rendered.insert(format!("{:?}", resolved.spec)) {
                return Outcome::Success;
            }
        }
        super::run(args, &mut out, &mut err)
    }))
    .map_err(panic_message)?;
    Ok((outcome, String::from_utf8_lossy(&err).into_owned()))
}

/// The arguments of `berth new`, or `None` when clap refuses them (a usage error, exit 2).
fn parse(args: &[String]) -> Option<NewArgs> {
    match Cli::try_parse_from(args).ok()?.command {
        Command::New(args) => Some(args),
        _ => None,
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn every_field_through_every_channel_survives_every_payload() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let target = root.join("out").display().to_string();
    let answers = root.join("answers.yml");
    let preset = root.join("preset.yaml");
    let base = root.join("base.yaml");
    let raw = root.join("raw.yml");
    let new = |extra: &[String]| -> Vec<String> {
        ["berth", "new", &target, "-y", "--dry-run"]
            .iter()
            .map(|s| s.to_string())
            .chain(extra.iter().cloned())
            .collect()
    };
    // The file channels' command lines do not change: parsed once.
    let files: [(&str, Option<NewArgs>); 4] = [
        ("answers file", parse(&new(&["--answers".into(), answers.display().to_string()]))),
        ("preset file", parse(&new(&["--preset".into(), preset.display().to_string()]))),
        ("extends chain", parse(&new(&["--preset".into(), root.join("chain.yaml").display().to_string()]))),
        ("raw YAML", parse(&new(&["--answers".into(), raw.display().to_string()]))),
    ];
    write(&root.join("chain.yaml"), "extends: base.yaml\n");
    let mut rendered = HashSet::new();
    let mut runs = 0;
    let mut failures = Vec::new();
    for field in FIELDS {
        for payload in payloads() {
            let line = format!("{}: {}\n", field.name, quote(&payload));
            write(&answers, &line);
            write(&preset, &format!("description: hostile\n{line}"));
            write(&base, &line);
            write(&raw, &format!("{}: {payload}\n", field.name));
            let mut channels: Vec<(&str, Option<NewArgs>)> = vec![
                ("flag", parse(&new(&[format!("--{}={payload}", field.flag)]))),
                ("--set", parse(&new(&["--set".into(), format!("{}={payload}", field.name)]))),
            ];
            channels.extend(files.iter().map(|(channel, args)| (*channel, args.clone())));
            for (channel, args) in channels {
                runs += 1;
                let shown = crate::shown::value(&payload);
                let Some(args) = args else { continue };
                match run(args, &mut rendered) {
                    Err(panic) => {
                        failures.push(format!("{} via {channel} with {shown}: panicked: {panic}", field.name))
                    }
                    Ok((Outcome::Refused, _)) => {
                        failures.push(format!("{} via {channel} with {shown}: exit 1", field.name))
                    }
                    Ok((_, stderr)) if !is_safe_to_show(&stderr) || stderr.len() > 20_000 => failures.push(format!(
                        "{} via {channel} with {shown}: unsafe or unbounded message ({} bytes): {}",
                        field.name,
                        stderr.len(),
                        crate::shown::value(&stderr)
                    )),
                    Ok(_) => {}
                }
            }
        }
    }
    assert!(runs > 5000, "{runs} runs");
    assert!(failures.is_empty(), "{} of {runs} runs failed:\n{}", failures.len(), failures.join("\n"));
}
