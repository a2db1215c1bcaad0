//! `berth audit`: Dockerfiles, compose files and GitHub workflows checked against one rule set.
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
pub mod suppress;
#[cfg(test)]
pub mod testing;
pub mod workflow;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use self::config::{Config, ConfigError};
use self::context::BuildContext;
use self::rule::{Check, DockerfileInput, FileKind, Settings, Sink};
use crate::report::{Diagnostic, FileError, Report, Severity, Suppression};

/// What to audit and how, after the command line is checked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// `--fail-on`; the configuration's `fail_on`, then `high`, otherwise.
    pub fail_on: Option<Severity>,
    /// `--config`; `./.berth-audit.yml` when it exists, otherwise.
    pub config: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Paths(String),
}

/// Runs the audit over the given paths.
pub fn run(options: &Options) -> Result<Report, AuditError> {
    let config = match &options.config {
        Some(path) => Config::load(path)?,
        None if Path::new(config::FILE_NAME).is_file() => Config::load(Path::new(config::FILE_NAME))?,
        None => Config::default(),
    };
    let paths = if options.paths.is_empty() { vec![PathBuf::from(".")] } else { options.paths.clone() };
    let files = discover::discover(&paths).map_err(AuditError::Paths)?;
    let mut report = audit_files(&files, &config);
    report.fail_on = Some(options.fail_on.or(config.fail_on).unwrap_or(Severity::High));
    Ok(report)
}

/// `a/./b` -> `a/b`, `./x` -> `x`, with `/` separators; absolute paths under the current
/// directory become relative, so reports and `.berth-audit.yml` globs see repository paths.
fn display(path: &Path) -> String {
    let relative = path
        .is_absolute()
        .then(|| std::env::current_dir().ok())
        .flatten()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    let path = relative.as_deref().filter(|p| !p.as_os_str().is_empty()).unwrap_or(path);
    let shown = path.to_string_lossy().replace('\\', "/");
    let mut shown = shown.replace("/./", "/");
    while let Some(rest) = shown.strip_prefix("./") {
        shown = rest.to_string();
    }
    shown
}

type ContextCache = Mutex<HashMap<PathBuf, Arc<BuildContext>>>;

fn audit_files(files: &[(PathBuf, Option<FileKind>)], config: &Config) -> Report {
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
                        .map(|(path, kind)| (display(path), audit_path(path, *kind, config, contexts)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("an audit thread panicked")).collect()
    });
    let mut report = Report { rules: registry::rule_infos(), ..Report::default() };
    for (path, result) in results {
        report.files.push(path);
        match result {
            Ok(diagnostics) => report.diagnostics.extend(diagnostics),
            Err(error) => report.errors.push(error),
        }
    }
    report.diagnostics.sort_by(|a, b| (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code)));
    report
}

fn audit_path(
    path: &Path,
    kind: Option<FileKind>,
    config: &Config,
    contexts: &ContextCache,
) -> Result<Vec<Diagnostic>, FileError> {
    let shown = display(path);
    let error = |message: String| FileError { path: shown.clone(), line: 0, column: 0, message };
    let bytes = std::fs::read(path).map_err(|e| error(format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| error("not UTF-8 text".into()))?;
    let kind = kind
        .or_else(|| discover::kind_of_named(path, &text))
        .ok_or_else(|| error("not a Dockerfile, compose file or GitHub workflow".into()))?;
    let context = if kind == FileKind::Dockerfile && needs_context(&text) {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let key = dir.join(path.file_name().unwrap_or_default());
        let dockerignore_key =
            if dir.join(format!("{}.dockerignore", path.file_name().unwrap_or_default().to_string_lossy())).exists() {
                key
            } else {
                dir
            };
        let cached = contexts.lock().expect("context cache").get(&dockerignore_key).cloned();
        let context = match cached {
            Some(c) => c,
            None => {
                let built = Arc::new(BuildContext::for_dockerfile(path));
                contexts.lock().expect("context cache").insert(dockerignore_key, built.clone());
                built
            }
        };
        Some(context)
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
        FileKind::Any => return Err(parse_error(0, 0, "not a Dockerfile, compose file or GitHub workflow".into())),
        FileKind::Compose | FileKind::Workflow => {
            let root = crate::yaml::tree::parse(text)
                .map_err(|e| parse_error(e.line, e.col, format!("invalid YAML: {}", e.message)))?;
            if root.as_map().is_none() {
                return Err(parse_error(root.line, root.col, "expected a mapping at the top level".into()));
            }
            if kind == FileKind::Compose {
                let file = compose::ComposeFile::load(root, Path::new(shown), &compose::Disk);
                run_rules(kind, config, &mut found, |check, sink| {
                    if let Check::Compose(f) = check {
                        f(&file, sink)
                    }
                });
            } else {
                let file = workflow::Workflow::with_source(root, text);
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
    let lines: Vec<&str> = text.lines().collect();
    let mut diagnostics = Vec::with_capacity(found.len());
    for (rule, finding) in found {
        let anchor = anchors
            .iter()
            .find(|(start, end)| *start <= finding.line && finding.line <= *end)
            .map_or(finding.line, |(start, _)| *start);
        let inline = (rule.code != rules::invalid_suppression::RULE.code)
            .then(|| suppress::find(&pragmas, &lines, rule.code, finding.line, anchor))
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
