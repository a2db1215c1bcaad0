//! What a run tells the user: one line per file, the diffs, the conflicting hunks, the
//! findings the edits add, and `berth check`'s JSON report.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::{merge, AnswerChange, Cause, Status, Step, Sync};
use crate::render::{FileKind, ANSWERS_FILE};
use crate::report::{Diagnostic, FileError};
use crate::shown;
use crate::spec::RawValue;

/// A path of the project as the user names it: `p/Dockerfile`, or `Dockerfile` in `.`.
fn at(dir: &Path, path: &Path) -> String {
    if dir == Path::new(".") || dir.as_os_str().is_empty() {
        shown::path(path)
    } else {
        shown::path(&dir.join(path))
    }
}

fn raw(value: &Option<RawValue>) -> String {
    value.as_ref().map_or_else(|| "(unset)".to_string(), ToString::to_string)
}

/// `app_memory "2g" -> "3g", labels [] -> ["team=data"]`.
pub fn answer_changes(changes: &[AnswerChange]) -> String {
    changes.iter().map(|c| format!("{} {} -> {}", c.key, raw(&c.before), raw(&c.after))).collect::<Vec<_>>().join(", ")
}

fn cause(step: &Step) -> &'static str {
    step.cause.map_or("", Cause::text)
}

/// Why a file is what the plan says, in a few words.
pub fn note(step: &Step) -> String {
    match (&step.status, step.kind) {
        (Status::Create, FileKind::Secret) => "random secret, not shown".into(),
        (Status::Create, _) if step.path == Path::new(super::LOCK_FILE) => "records what berth wrote".into(),
        (Status::Create, _) => String::new(),
        (Status::Keep, FileKind::Starter) => "yours: starter files are never overwritten".into(),
        (Status::Keep, _) => "existing secret kept".into(),
        (Status::Unchanged, _) => String::new(),
        (Status::Edited, _) if step.path == Path::new(ANSWERS_FILE) => "your answers, as you wrote them".into(),
        (Status::Edited, _) => "your edits; nothing new from berth for it".into(),
        (Status::Replace, _) if step.path == Path::new(super::LOCK_FILE) => "records what berth wrote".into(),
        (Status::Replace, _) => cause(step).into(),
        (Status::Merge, _) => format!("your edits merged with berth's change: {}", cause(step)),
        (Status::Conflict { written: true }, _) => {
            format!("your edits overlap berth's change ({}): conflict markers written", cause(step))
        }
        (Status::Conflict { written: false }, _) => format!("your edits overlap berth's change ({})", cause(step)),
        (Status::NoBase(why), _) if step.cause == Some(Cause::Unrecorded) => {
            format!("it differs from berth's render, and {why}")
        }
        (Status::NoBase(why), _) => format!("your edits, and {}; berth's last render is not found: {why}", cause(step)),
        (Status::Forced, _) => format!("your edits are replaced (--force); {}", cause(step)),
        (Status::Remove, _) => "no longer generated, and unchanged since berth wrote it".into(),
        (Status::Orphan, _) => "no longer generated; you edited it, so it stays (berth no longer manages it)".into(),
    }
}

/// One line per file: what happens to it and why.
pub fn plan_lines(sync: &Sync) -> String {
    let mut out = String::new();
    for step in &sync.steps {
        let note = note(step);
        let note = if note.is_empty() { note } else { format!(" ({note})") };
        let _ = writeln!(out, "  {:<9} {}{note}", step.status.label(), shown::path(&step.path));
    }
    out + &sync.plan.housekeeping()
}

/// The unified diffs of the files the run changes, and of the files it cannot merge.
pub fn diffs(sync: &Sync) -> String {
    diffs_of(sync.steps.iter())
}

fn diffs_of<'a>(steps: impl Iterator<Item = &'a Step>) -> String {
    let mut out = String::new();
    for step in steps {
        // Secrets are never shown; the lock is berth's bookkeeping.
        if step.kind == FileKind::Secret || step.path == Path::new(super::LOCK_FILE) {
            continue;
        }
        let before = step.before.as_deref().unwrap_or("");
        match &step.status {
            Status::NoBase(_) => {
                out.push_str(&crate::write::unified_diff(&step.path, false, before, &step.render, false))
            }
            Status::Conflict { written: false } => out.push_str(&hunks(step)),
            Status::Remove => out.push_str(&crate::write::unified_diff(&step.path, false, before, "", true)),
            _ => match &step.after {
                Some(after) if Some(after) != step.before.as_ref() => {
                    out.push_str(&crate::write::unified_diff(&step.path, step.before.is_none(), before, after, false))
                }
                _ => {}
            },
        }
    }
    out
}

/// The diffs of the files left unmerged: berth's change to each, or the overlapping hunks.
pub fn unresolved_diffs(sync: &Sync) -> String {
    let mut out = String::new();
    for step in sync.steps.iter().filter(|s| s.status.unresolved()) {
        match &step.status {
            Status::NoBase(_) => out.push_str(&crate::write::unified_diff(
                &step.path,
                false,
                step.before.as_deref().unwrap_or(""),
                &step.render,
                false,
            )),
            _ => out.push_str(&hunks(step)),
        }
    }
    out
}

/// The conflicting regions of a file, with line numbers, as `--conflicts` would mark them.
pub fn hunks(step: &Step) -> String {
    let mut out = String::new();
    let Some(marked) = &step.marked else { return out };
    for (line, lines) in merge::conflict_hunks(marked) {
        let _ = writeln!(out, "{} (conflict at line {line}):", shown::path(&step.path));
        for text in lines {
            let _ = writeln!(out, "{}", shown::escape(text));
        }
    }
    out
}

/// The findings the edits add, each with the control it weakens.
pub fn findings(sync: &Sync, shown_dir: &Path) -> String {
    let mut out = String::new();
    for d in sync.findings.iter().filter(|d| d.suppressed.is_none()) {
        let _ = writeln!(
            out,
            "  {}:{}:{}: {} [{}] {}: your edit weakens \"{}\"; `berth explain {}` says why it matters",
            at(shown_dir, Path::new(&d.path)),
            d.line,
            d.column,
            d.code,
            d.severity.as_str(),
            shown::escape(&d.message),
            d.name,
            d.code
        );
    }
    for e in &sync.unreadable {
        let _ = writeln!(
            out,
            "  {}:{}:{}: no longer parses after your edits: {}",
            at(shown_dir, Path::new(&e.path)),
            e.line,
            e.column,
            shown::escape(&e.message)
        );
    }
    out
}

/// Whether the file is as berth would leave it.
fn current(step: &Step) -> bool {
    match step.status {
        Status::Unchanged | Status::Edited | Status::Keep => true,
        // Secrets and starters belong to the user: a fresh clone has no secrets/.
        Status::Create => step.kind != FileKind::Managed,
        _ => false,
    }
}

/// `berth check`'s line for a file that is not current.
fn check_reason(step: &Step, sync: &Sync) -> String {
    let answers = || {
        let changes = answer_changes(&sync.answer_changes);
        if changes.is_empty() {
            String::new()
        } else {
            format!(" ({changes})")
        }
    };
    match &step.status {
        Status::Replace if step.path == Path::new(super::LOCK_FILE) => {
            "out of date: upgrade records the files as they are".into()
        }
        Status::Replace if step.cause == Some(Cause::Answers) => format!("answers changed{}", answers()),
        Status::Replace => cause(step).into(),
        Status::Create if step.path == Path::new(super::LOCK_FILE) => {
            "missing: upgrade records what berth wrote".into()
        }
        Status::Create => "missing: upgrade writes it".into(),
        Status::Merge => format!("merge needed: your edits merge cleanly with berth's change ({})", cause(step)),
        Status::Conflict { .. } => {
            format!("merge needed: your edits overlap berth's change ({}); upgrade shows the conflict", cause(step))
        }
        Status::NoBase(why) => format!("merge needed ({}), but berth cannot find its last render: {why}", cause(step)),
        Status::Remove => "no longer generated: upgrade removes it".into(),
        Status::Orphan => "no longer generated: upgrade stops managing it (you edited it, so it stays)".into(),
        other => other.label().into(),
    }
}

/// Whether the project is current: nothing to write, nothing to merge, no finding added.
pub fn is_current(sync: &Sync) -> bool {
    sync.steps.iter().all(current) && sync.findings.iter().all(|d| d.suppressed.is_some()) && sync.unreadable.is_empty()
}

/// `berth check`'s text report.
pub fn check_text(sync: &Sync, shown_dir: &Path) -> String {
    let mut out = String::new();
    let mut stale: Vec<&Step> = sync.steps.iter().filter(|s| !current(s)).collect();
    if stale.len() > 1 {
        // The lock follows the files: a line of its own only when it alone is out of date.
        stale.retain(|s| s.path != Path::new(super::LOCK_FILE));
    }
    for step in &stale {
        let _ = writeln!(out, "{}: {}", at(shown_dir, &step.path), check_reason(step, sync));
    }
    let findings = findings(sync, shown_dir);
    if !findings.is_empty() {
        let _ = write!(out, "Your edits add audit findings (the edits stay yours; fix them or suppress each with a reason):\n{findings}");
    }
    // Starter code a fresh clone lacks is current: its text is not shown.
    out.push_str(&diffs_of(sync.steps.iter().filter(|s| !current(s))));
    out
}

#[derive(Serialize)]
struct JsonFile {
    path: String,
    status: &'static str,
    current: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    diff: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    conflicts: String,
}

#[derive(Serialize)]
struct JsonChange {
    key: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: &'static str,
    berth_version: &'static str,
    dir: String,
    current: bool,
    answers_changed: Vec<JsonChange>,
    files: Vec<JsonFile>,
    findings: &'a [Diagnostic],
    errors: &'a [FileError],
}

fn json_value(value: &Option<RawValue>) -> Option<serde_json::Value> {
    value.as_ref().map(|v| match v {
        RawValue::One(s) => serde_json::Value::String(s.clone()),
        RawValue::List(items) => serde_json::Value::from(items.clone()),
    })
}

/// `berth check --format json`: a versioned envelope; fields are only added.
pub fn check_json(sync: &Sync, shown_dir: &Path) -> String {
    let files = sync
        .steps
        .iter()
        .map(|step| {
            let is_current = current(step);
            let diff = match &step.status {
                Status::Conflict { .. } => String::new(),
                Status::NoBase(_) => crate::write::unified_diff(
                    &step.path,
                    false,
                    step.before.as_deref().unwrap_or(""),
                    &step.render,
                    false,
                ),
                _ if is_current || step.kind == FileKind::Secret || step.path == Path::new(super::LOCK_FILE) => {
                    String::new()
                }
                _ => {
                    let after = step.after.as_deref().unwrap_or("");
                    crate::write::unified_diff(
                        &step.path,
                        step.before.is_none(),
                        step.before.as_deref().unwrap_or(""),
                        after,
                        step.after.is_none(),
                    )
                }
            };
            JsonFile {
                path: step.path.to_string_lossy().into_owned(),
                status: step.status.label(),
                current: is_current,
                reason: (!is_current).then(|| check_reason(step, sync)),
                diff,
                conflicts: hunks(step),
            }
        })
        .collect();
    let report = JsonReport {
        version: 1,
        tool: "berth",
        berth_version: env!("CARGO_PKG_VERSION"),
        dir: shown_dir.to_string_lossy().into_owned(),
        current: is_current(sync),
        answers_changed: sync
            .answer_changes
            .iter()
            .map(|c| JsonChange { key: c.key, before: json_value(&c.before), after: json_value(&c.after) })
            .collect(),
        files,
        findings: &sync.findings,
        errors: &sync.unreadable,
    };
    serde_json::to_string_pretty(&report).expect("the report serialises") + "\n"
}
