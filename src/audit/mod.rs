//! `berth audit`: Dockerfiles, compose files, GitHub workflows and Squid proxy configurations
//! checked against one rule set.
//!
//! Files are found (`discover`), parsed with positions (`dockerfile`, `yaml` + `compose`,
//! `workflow`), checked by every rule in the `registry`, and the findings are matched against
//! inline pragmas (`suppress`) and the configuration file (`config`). Files are audited in
//! parallel; the result is a [`Report`] that `report` renders.

pub mod compose;
pub mod config;
pub mod context;
pub mod discover;
pub mod dockerfile;
#[cfg(test)]
mod fuzz_smoke;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod secrets;
pub mod shell;
pub mod squid;
pub mod suppress;
#[cfg(test)]
pub mod testing;
pub mod workflow;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use self::config::{Config, ConfigError};
use self::context::BuildContext;
use self::discover::Target;
use self::rule::{Check, DockerfileInput, FileKind, Settings, Sink};
use crate::read::ReadError;
use crate::report::{Diagnostic, FileError, Report, Severity, Skipped, Suppression};

/// The path that stands for standard input on the command line.
pub const STDIN_PATH: &str = "-";
/// How standard input is shown in reports when `--stdin-filename` does not name it.
const STDIN_SHOWN: &str = "<stdin>";

/// What to audit and how, after the command line is checked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Files and directories; [`STDIN_PATH`] is standard input, read into `stdin`.
    pub paths: Vec<PathBuf>,
    /// `--fail-on`; the configuration's `fail_on`, then `high`, otherwise.
    pub fail_on: Option<Severity>,
    /// `--config`; `./.berth-audit.yml` when it exists, otherwise.
    pub config: Option<PathBuf>,
    /// Standard input's text, when a path is [`STDIN_PATH`].
    pub stdin: Option<Stdin>,
}

/// Standard input to audit.
#[derive(Debug, Clone, Default)]
pub struct Stdin {
    pub text: String,
    /// `--stdin-filename`: the path reports show, which also says what kind of file it is and
    /// where its build context is.
    pub name: Option<PathBuf>,
}

impl Stdin {
    /// Reads standard input (or any reader) as berth reads files: at most
    /// [`crate::read::MAX_BYTES`], UTF-8 text.
    pub fn read(reader: impl Read, name: Option<PathBuf>) -> Result<Stdin, ReadError> {
        let limit = crate::read::MAX_BYTES;
        let mut bytes = Vec::new();
        reader.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge { limit });
        }
        let text = String::from_utf8(bytes).map_err(|_| ReadError::NotText)?;
        Ok(Stdin { text, name })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Runs the audit over the given paths.
pub fn run(options: &Options) -> Result<Report, AuditError> {
    let default = Path::new(config::FILE_NAME);
    let config = match &options.config {
        Some(path) => Config::load(path)?,
        // Present in any form: a FIFO or a dangling link is an error, not a missing file.
        None if std::fs::symlink_metadata(default).is_ok() => Config::load(default)?,
        None => Config::default(),
    };
    let paths: Vec<PathBuf> = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.iter().filter(|p| p.as_os_str() != STDIN_PATH).cloned().collect()
    };
    let found = if paths.is_empty() { discover::Found::default() } else { discover::discover(&paths) };
    let mut report = audit_files(&found.targets, &config);
    for missing in found.missing {
        let path = display(&missing.path);
        report.files.push(path.clone());
        report.errors.push(FileError { path, line: 0, column: 0, message: missing.reason.to_string() });
    }
    report.skipped.extend(found.skipped.into_iter().map(|s| Skipped { path: display(&s.path), reason: s.reason }));
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(stdin) = &options.stdin {
        let (shown, result) = audit_stdin(stdin, &config);
        report.files.push(shown);
        match result {
            Ok(diagnostics) => report.diagnostics.extend(diagnostics),
            Err(error) => report.errors.push(error),
        }
    }
    report.diagnostics.sort_by(|a, b| (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code)));
    report.fail_on = Some(options.fail_on.or(config.fail_on).unwrap_or(Severity::High));
    Ok(report)
}

fn audit_stdin(stdin: &Stdin, config: &Config) -> (String, Result<Vec<Diagnostic>, FileError>) {
    let shown = stdin.name.as_deref().map_or_else(|| STDIN_SHOWN.to_string(), display);
    let name = stdin.name.clone().unwrap_or_default();
    let Some(kind) = discover::kind_of_named(&name, &stdin.text) else {
        let message = "cannot tell whether this is a Dockerfile, a compose file or a workflow; name it with \
                       --stdin-filename (e.g. Dockerfile, compose.yml, .github/workflows/ci.yml)";
        return (shown.clone(), Err(FileError { path: shown, line: 0, column: 0, message: message.into() }));
    };
    let context = match (&stdin.name, kind == FileKind::Dockerfile && needs_context(&stdin.text)) {
        (Some(name), true) => match BuildContext::for_dockerfile(name) {
            Ok(context) => Some(context),
            Err(message) => return (shown.clone(), Err(FileError { path: shown, line: 0, column: 0, message })),
        },
        _ => None,
    };
    let result = audit_text(&shown, &stdin.text, kind, context.as_ref(), config);
    (shown, result)
}

/// The path as reports show it: `/`-separated, `.` components dropped, relative to the current
/// directory when under it (so reports and `.berth-audit.yml` globs see repository paths). Only
/// this platform's separator becomes `/`: on Unix a `\` is part of a file name.
fn display(path: &Path) -> String {
    let relative = path
        .is_absolute()
        .then(|| std::env::current_dir().ok())
        .flatten()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    let path = relative.as_deref().filter(|p| !p.as_os_str().is_empty()).unwrap_or(path);
    let mut shown = String::new();
    for component in path.components() {
        match component {
            Component::CurDir => continue,
            Component::RootDir => shown.push('/'),
            Component::Prefix(prefix) => shown.push_str(&prefix.as_os_str().to_string_lossy()),
            Component::ParentDir => shown.push_str("../"),
            Component::Normal(name) => {
                shown.push_str(&name.to_string_lossy());
                shown.push('/');
            }
        }
    }
    if shown.len() > 1 && shown.ends_with('/') {
        shown.pop();
    }
    if shown.is_empty() {
        shown.push('.');
    }
    shown
}

/// The error for a file that is none of the kinds the audit reads.
const NOT_AUDITED: &str = "not a Dockerfile, compose file, GitHub workflow or action, or Squid configuration";

type ContextCache = Mutex<HashMap<PathBuf, Result<Arc<BuildContext>, String>>>;

fn audit_files(files: &[Target], config: &Config) -> Report {
    let contexts: ContextCache = Mutex::new(HashMap::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<(String, Result<Vec<Diagnostic>, FileError>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                let contexts = &contexts;
                scope.spawn(move || {
                    part.iter()
                        .map(|target| (display(&target.path), audit_path(&target.path, target.kind, config, contexts)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("an audit thread panicked")).collect()
    });
    let mut report = Report { rules: registry::rule_infos(), ..Report::default() };
    for (target, (path, result)) in files.iter().zip(results) {
        match (result, &target.template) {
            (Ok(diagnostics), _) => report.diagnostics.extend(diagnostics),
            // A template that is not valid as it is: listed, not an error of the audit.
            (Err(error), Some(template)) if error.line > 0 => {
                let reason = format!("a template (in `{template}`) that does not parse as it is: {}", error.message);
                report.skipped.push(Skipped { path, reason });
                continue;
            }
            // A file whose line that fails to parse is a template tag (`{{`, `{%`): the same.
            (Err(error), None)
                if error.line > 0
                    && crate::read::text(&target.path).is_ok_and(|t| discover::template_line(&t, error.line)) =>
            {
                let reason = format!(
                    "a template (line {} is a template tag) that does not parse as it is: {}",
                    error.line, error.message
                );
                report.skipped.push(Skipped { path, reason });
                continue;
            }
            (Err(error), _) => report.errors.push(error),
        }
        report.files.push(path);
    }
    for context in contexts.into_inner().expect("context cache").into_values().flatten() {
        if !context.complete {
            let reason = format!(
                "build context listed only up to {} entries: credential files past them are not checked",
                context::MAX_ENTRIES
            );
            report.skipped.push(Skipped { path: display(&context.dir), reason });
        }
    }
    report
}

/// What reading a file went wrong with, as a message after its path.
pub fn read_failure(error: ReadError) -> String {
    match error {
        ReadError::Io(e) => format!("cannot be read: {e}"),
        other => other.to_string(),
    }
}

fn audit_path(
    path: &Path,
    kind: Option<FileKind>,
    config: &Config,
    contexts: &ContextCache,
) -> Result<Vec<Diagnostic>, FileError> {
    let shown = display(path);
    let error = |message: String| FileError { path: shown.clone(), line: 0, column: 0, message };
    let text = crate::read::text(path).map_err(|e| error(read_failure(e)))?;
    let kind = kind.or_else(|| discover::kind_of_named(path, &text)).ok_or_else(|| error(NOT_AUDITED.into()))?;
    let context = if kind == FileKind::Dockerfile && needs_context(&text) {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = path.file_name().unwrap_or_default();
        let own_ignore = dir.join(format!("{}.dockerignore", name.to_string_lossy()));
        // Dockerfiles that share a directory and its `.dockerignore` share one listing.
        let key = if std::fs::symlink_metadata(&own_ignore).is_ok() { dir.join(name) } else { dir };
        let cached = contexts.lock().expect("context cache").get(&key).cloned();
        let context = match cached {
            Some(c) => c,
            None => {
                let built = BuildContext::for_dockerfile(path).map(Arc::new);
                contexts.lock().expect("context cache").insert(key, built.clone());
                built
            }
        };
        Some(context.map_err(error)?)
    } else {
        None
    };
    audit_text(&shown, &text, kind, context.as_deref(), config)
}

/// Only a COPY or ADD from the context needs the context listed.
fn needs_context(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        t.get(..5).is_some_and(|w| w.eq_ignore_ascii_case("COPY "))
            || t.get(..4).is_some_and(|w| w.eq_ignore_ascii_case("ADD "))
    })
}

/// Audits one file's text; `shown` is the path used in findings.
pub fn audit_text(
    shown: &str,
    text: &str,
    kind: FileKind,
    context: Option<&BuildContext>,
    config: &Config,
) -> Result<Vec<Diagnostic>, FileError> {
    let parse_error =
        |line: u32, column: u32, message: String| FileError { path: shown.to_string(), line, column, message };
    let settings = Settings { trusted_registries: config.trusted_registries.clone() };
    let mut found: Vec<(&'static rule::Rule, rule::Finding)> = Vec::new();
    let mut anchors: Vec<(u32, u32)> = Vec::new();
    match kind {
        FileKind::Dockerfile => {
            let file = dockerfile::Dockerfile::parse(text).map_err(|e| parse_error(e.line, e.col, e.message))?;
            anchors = file.instructions.iter().map(|i| (i.line, i.end_line)).collect();
            let input = DockerfileInput { file: &file, context, settings: &settings };
            run_rules(kind, config, &mut found, |check, sink| {
                if let Check::Dockerfile(f) = check {
                    f(&input, sink)
                }
            });
        }
        FileKind::Any => return Err(parse_error(0, 0, NOT_AUDITED.into())),
        FileKind::Squid => {
            let file = squid::SquidConf::parse(text);
            run_rules(kind, config, &mut found, |check, sink| {
                if let Check::Squid(f) = check {
                    f(&file, sink)
                }
            });
        }
        FileKind::Compose | FileKind::Workflow => {
            let invalid =
                |e: crate::yaml::tree::YamlError| parse_error(e.line, e.col, format!("invalid YAML: {}", e.message));
            // Compose reads every document of a file and merges them; a workflow is one document.
            // Both refuse duplicate keys.
            let mut documents =
                crate::yaml::tree::parse_all(text, crate::yaml::tree::Duplicates::Refuse).map_err(invalid)?;
            if kind == FileKind::Workflow {
                documents.truncate(1);
            }
            if let Some(bad) = documents.iter().find(|d| d.as_map().is_none()) {
                return Err(parse_error(bad.line, bad.col, "expected a mapping at the top level".into()));
            }
            if kind == FileKind::Compose {
                let root = compose::merge_documents(documents);
                let file = compose::ComposeFile::load(root, Path::new(shown), &compose::Disk);
                run_rules(kind, config, &mut found, |check, sink| {
                    if let Check::Compose(f) = check {
                        f(&file, sink)
                    }
                });
            } else {
                let file = workflow::Workflow::with_source(documents.swap_remove(0), text);
                file.check_scripts().map_err(|e| parse_error(e.line, e.col, e.to_string()))?;
                run_rules(kind, config, &mut found, |check, sink| {
                    if let Check::Workflow(f) = check {
                        f(&file, sink)
                    }
                });
            }
        }
    }
    let (pragmas, bad) = suppress::scan(text, kind != FileKind::Dockerfile);
    for b in bad {
        found.push((
            &rules::invalid_suppression::RULE,
            rule::Finding { line: b.line, column: b.column + 1, message: b.message, scope: None, severity: None },
        ));
    }
    let mut diagnostics = Vec::with_capacity(found.len());
    for (rule, finding) in found {
        // Instructions are in line order and do not overlap: the last one starting at or before
        // the finding's line is the only one that can hold it.
        let before = anchors.partition_point(|(start, _)| *start <= finding.line);
        let anchor = before
            .checked_sub(1)
            .map(|i| anchors[i])
            .filter(|(_, end)| finding.line <= *end)
            .map_or(finding.line, |(start, _)| start);
        let inline = (rule.code != rules::invalid_suppression::RULE.code)
            .then(|| suppress::find(&pragmas, rule.code, finding.line, anchor))
            .flatten()
            .map(|reason| Suppression { kind: "inline", reason: reason.to_string() });
        let suppressed = inline.or_else(|| config.suppression(rule.code, shown, finding.scope.as_deref()));
        diagnostics.push(Diagnostic {
            code: rule.code,
            name: rule.name,
            severity: finding.severity.unwrap_or(rule.severity),
            path: shown.to_string(),
            line: finding.line.max(1),
            column: finding.column.max(1),
            message: finding.message,
            fix: rule.fix,
            scope: finding.scope,
            suppressed,
        });
    }
    diagnostics.sort_by(|a, b| (a.line, a.column, a.code).cmp(&(b.line, b.column, b.code)));
    diagnostics.dedup_by(|a, b| a.line == b.line && a.column == b.column && a.code == b.code && a.message == b.message);
    Ok(diagnostics)
}

fn run_rules(
    kind: FileKind,
    config: &Config,
    found: &mut Vec<(&'static rule::Rule, rule::Finding)>,
    mut check: impl FnMut(&Check, &mut Sink),
) {
    for rule in registry::RULES.iter().copied().filter(|r| r.kind == kind) {
        if rule.opt_in && !config.is_enabled(rule.code) {
            continue;
        }
        let mut sink = Sink::default();
        check(&rule.check, &mut sink);
        found.extend(sink.findings.into_iter().map(|f| (rule, f)));
    }
}
