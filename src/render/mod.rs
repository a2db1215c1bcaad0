//! Pure rendering: a [`ProjectSpec`] in, the project's files (path -> content) out.
//!
//! Nothing here touches the disk; `write` plans and applies the result. Templates are embedded
//! files under `templates/`, named after the file they produce.

pub mod blocks;
pub mod catalog;
pub mod context;
mod filters;
pub mod installer;
pub mod proxy;

use std::collections::BTreeMap;
use std::path::PathBuf;

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::spec::{answers_of, Ci, Database, Packaging, ProjectSpec, RawValue, Updates, Workload};
pub use blocks::Carried;
pub use context::ProjectContext;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The directory of the project's secrets: mode 0700, ignored by git and by the image build.
pub const SECRETS_DIR: &str = "secrets";

/// How the writer treats a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Owned by berth: regenerated, and a differing existing file is a conflict.
    Managed,
    /// A starting point for the user's own code: written only when absent, never overwritten.
    Starter,
    /// A random secret: written only when absent, mode 0444 in a 0700 directory, never printed.
    Secret,
}

/// One file of the rendered project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    pub kind: FileKind,
    /// The text to write; empty for secrets, whose value is made at write time.
    pub content: String,
}

/// Every template, with the file it produces and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateId {
    Dockerfile,
    Compose,
    DockerIgnore,
    GithubWorkflow,
    GitlabCi,
    Dependabot,
    Renovate,
    SecretsGitignore,
    EnvExample,
    Security,
    BatchStarter,
    ApiStarter,
    Requirements,
    Pyproject,
    Gitignore,
    ProxyDockerfile,
    ProxyConfig,
}

impl TemplateId {
    pub const ALL: &'static [TemplateId] = &[
        TemplateId::Dockerfile,
        TemplateId::Compose,
        TemplateId::DockerIgnore,
        TemplateId::GithubWorkflow,
        TemplateId::GitlabCi,
        TemplateId::Dependabot,
        TemplateId::Renovate,
        TemplateId::SecretsGitignore,
        TemplateId::EnvExample,
        TemplateId::Security,
        TemplateId::BatchStarter,
        TemplateId::ApiStarter,
        TemplateId::Requirements,
        TemplateId::Pyproject,
        TemplateId::Gitignore,
        TemplateId::ProxyDockerfile,
        TemplateId::ProxyConfig,
    ];

    /// The template's path under `templates/`.
    pub fn source(self) -> &'static str {
        match self {
            TemplateId::Dockerfile => "Dockerfile.tera",
            TemplateId::Compose => "docker-compose.prod.yml.tera",
            TemplateId::DockerIgnore => ".dockerignore.tera",
            TemplateId::GithubWorkflow => ".github/workflows/container.yml.tera",
            TemplateId::GitlabCi => ".gitlab-ci.yml.tera",
            TemplateId::Dependabot => ".github/dependabot.yml.tera",
            TemplateId::Renovate => "renovate.json.tera",
            TemplateId::SecretsGitignore => "secrets/.gitignore.tera",
            TemplateId::EnvExample => ".env.prod.example.tera",
            TemplateId::Security => "SECURITY.md.tera",
            TemplateId::BatchStarter => "starter/pipeline.py.tera",
            TemplateId::ApiStarter => "starter/app.py.tera",
            TemplateId::Requirements => "starter/requirements.txt.tera",
            TemplateId::Pyproject => "starter/pyproject.toml.tera",
            TemplateId::Gitignore => "starter/.gitignore.tera",
            TemplateId::ProxyDockerfile => "proxy/Dockerfile.tera",
            TemplateId::ProxyConfig => "proxy/squid.conf.tera",
        }
    }

    /// The file's path when it does not depend on the answers, and how it is written.
    fn target(self) -> (Option<&'static str>, FileKind) {
        use FileKind::*;
        match self {
            TemplateId::Dockerfile => (Some("Dockerfile"), Managed),
            TemplateId::Compose => (Some("docker-compose.prod.yml"), Managed),
            TemplateId::DockerIgnore => (Some(".dockerignore"), Managed),
            TemplateId::GithubWorkflow => (Some(".github/workflows/container.yml"), Managed),
            TemplateId::GitlabCi => (Some(".gitlab-ci.yml"), Managed),
            TemplateId::Dependabot => (Some(".github/dependabot.yml"), Managed),
            TemplateId::Renovate => (Some("renovate.json"), Managed),
            TemplateId::SecretsGitignore => (Some("secrets/.gitignore"), Managed),
            TemplateId::EnvExample => (Some(".env.prod.example"), Managed),
            TemplateId::Security => (Some("SECURITY.md"), Managed),
            TemplateId::BatchStarter | TemplateId::ApiStarter => (None, Starter),
            TemplateId::Requirements => (Some("requirements.txt"), Starter),
            TemplateId::Pyproject => (Some("pyproject.toml"), Starter),
            TemplateId::Gitignore => (Some(".gitignore"), Starter),
            TemplateId::ProxyDockerfile => (Some("proxy/Dockerfile"), Managed),
            TemplateId::ProxyConfig => (Some("proxy/squid.conf"), Managed),
        }
    }

    /// Whether the answers call for this file.
    fn wanted(self, spec: &ProjectSpec) -> bool {
        match self {
            TemplateId::GithubWorkflow => spec.ci == Ci::Github,
            TemplateId::GitlabCi => spec.ci == Ci::Gitlab,
            TemplateId::Dependabot => spec.updates == Updates::Dependabot,
            TemplateId::Renovate => spec.updates == Updates::Renovate,
            TemplateId::BatchStarter => spec.workload == Workload::Batch,
            TemplateId::ApiStarter => spec.workload == Workload::Api,
            TemplateId::Requirements => spec.packaging == Packaging::Requirements,
            TemplateId::Pyproject => spec.packaging != Packaging::Requirements,
            TemplateId::ProxyDockerfile | TemplateId::ProxyConfig => spec.has_proxy(),
            TemplateId::Dockerfile
            | TemplateId::Compose
            | TemplateId::DockerIgnore
            | TemplateId::SecretsGitignore
            | TemplateId::EnvExample
            | TemplateId::Security
            | TemplateId::Gitignore => true,
        }
    }

    /// Where the file goes and how it is written, or `None` when the answers leave it out.
    fn output(self, spec: &ProjectSpec) -> Option<(String, FileKind)> {
        if !self.wanted(spec) {
            return None;
        }
        let (path, kind) = self.target();
        Some((path.map_or_else(|| spec.entrypoint.starter_path(), str::to_string), kind))
    }
}

/// The answers file berth writes beside the generated files.
pub const ANSWERS_FILE: &str = "berth.yml";

/// A path berth writes in some configuration, whatever the answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagedPath {
    pub path: &'static str,
    /// The file makes its directory berth's (`secrets/.gitignore` ignores everything in it).
    pub owns_directory: bool,
}

/// Every fixed path of the template table, and the answers file: what starter code may not be
/// written into or through.
pub fn managed_paths() -> Vec<ManagedPath> {
    TemplateId::ALL
        .iter()
        .filter_map(|id| id.target().0)
        .chain([ANSWERS_FILE])
        .map(|path| ManagedPath { path, owns_directory: path == TemplateId::SecretsGitignore.target().0.unwrap_or("") })
        .collect()
}

pub use filters::shell_quote;

/// Pieces included by other templates; they produce no file of their own.
const PARTIALS: &[&str] = &["starter/_database.py.tera"];

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {template} failed to render: {message}")]
    Template { template: &'static str, message: String },
}

fn tera_message(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    message
}

/// Where the template texts come from: the embedded set. Tests replace single templates to
/// render as another berth version would; everything else about a render stays the same.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    replaced: BTreeMap<&'static str, String>,
}

impl Templates {
    /// The templates embedded in this binary.
    pub fn builtin() -> Self {
        Templates::default()
    }

    /// The same set with one template's text replaced.
    pub fn replacing(mut self, id: TemplateId, text: impl Into<String>) -> Self {
        self.replaced.insert(id.source(), text.into());
        self
    }

    /// The embedded text of a template, for a test to edit.
    pub fn embedded(id: TemplateId) -> &'static str {
        embedded(id.source())
    }

    fn text(&self, source: &'static str) -> &str {
        self.replaced.get(source).map_or_else(|| embedded(source), String::as_str)
    }
}

fn embedded(source: &str) -> &'static str {
    TEMPLATES
        .get_file(source)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_else(|| panic!("template {source} is embedded"))
}

/// The template engine with every template of the set and berth's filters registered.
fn engine(templates: &Templates) -> Result<Tera, RenderError> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![]);
    let sources = PARTIALS.iter().copied().chain(TemplateId::ALL.iter().map(|id| id.source()));
    for source in sources {
        tera.add_raw_template(source, templates.text(source))
            .map_err(|e| RenderError::Template { template: source, message: tera_message(&e) })?;
    }
    filters::register(&mut tera);
    Ok(tera)
}

/// The `berth.yml` answers file: the resolved answers, so the project can be regenerated.
fn render_answers(spec: &ProjectSpec) -> String {
    let entries: Vec<(&str, crate::yaml::Scalars)> = answers_of(spec)
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                RawValue::One(s) => crate::yaml::Scalars::One(s),
                RawValue::List(items) => crate::yaml::Scalars::List(items),
            };
            (key.as_str(), value)
        })
        .collect();
    format!(
        "# Generated by berth {}: the answers this project was generated from.\n# Edit and run `berth upgrade` to regenerate (your edits to the other files are kept); see\n# `berth new --help` for every key.\n{}",
        env!("CARGO_PKG_VERSION"),
        crate::yaml::emit(&entries)
    )
}

/// Renders every file the answers call for, with empty marked blocks and the embedded
/// templates. Pure: same spec, same output.
pub fn render(spec: &ProjectSpec) -> Result<BTreeMap<PathBuf, RenderedFile>, RenderError> {
    render_with(spec, &Carried::default(), &Templates::builtin())
}

/// Renders every file the answers call for, with the user's content of the marked blocks, from
/// a template set. Pure: same inputs, same output.
pub fn render_with(
    spec: &ProjectSpec,
    carried: &Carried,
    templates: &Templates,
) -> Result<BTreeMap<PathBuf, RenderedFile>, RenderError> {
    let tera = engine(templates)?;
    let context = ProjectContext::new(spec, carried);
    let tera_context = tera::Context::from_serialize(&context).expect("the context serialises");
    let mut files = BTreeMap::new();
    for id in TemplateId::ALL {
        let Some((path, kind)) = id.output(spec) else { continue };
        let content = tera
            .render(id.source(), &tera_context)
            .map_err(|e| RenderError::Template { template: id.source(), message: tera_message(&e) })?;
        files.insert(PathBuf::from(path), RenderedFile { kind, content });
    }
    files.insert(PathBuf::from(ANSWERS_FILE), RenderedFile { kind: FileKind::Managed, content: render_answers(spec) });
    if let Some(db) = &context.db {
        for secret in &db.secrets {
            files.insert(
                PathBuf::from(SECRETS_DIR).join(secret),
                RenderedFile { kind: FileKind::Secret, content: String::new() },
            );
        }
    }
    debug_assert!(spec.database == Database::None || files.keys().any(|p| p.starts_with("secrets/db_password")));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_paths_are_the_fixed_outputs_and_the_answers_file() {
        let paths: Vec<&str> = managed_paths().iter().map(|m| m.path).collect();
        for expected in ["Dockerfile", "docker-compose.prod.yml", ".gitlab-ci.yml", "berth.yml", "secrets/.gitignore"] {
            assert!(paths.contains(&expected), "{paths:?}");
        }
        let owners: Vec<&str> = managed_paths().iter().filter(|m| m.owns_directory).map(|m| m.path).collect();
        assert_eq!(owners, [format!("{SECRETS_DIR}/.gitignore")]);
    }

    #[test]
    fn app_env_answers_cannot_shadow_what_berth_sets() {
        use crate::spec::{defaults, resolve, Environment, Layer, Source};
        let env = Environment { dir_name: Some("etl".into()), dependency_text: None };
        for workload in ["batch", "api"] {
            let mut flags = Layer::new(Source::Flags);
            flags.set("database", RawValue::One("postgres".into())).unwrap();
            flags.set("workload", RawValue::One(workload.into())).unwrap();
            let spec = resolve(&[defaults(), flags], &env).unwrap().spec;
            let files = render(&spec).unwrap();
            let dockerfile = &files[&PathBuf::from("Dockerfile")].content;
            let runtime = &dockerfile[dockerfile.find("AS runtime").unwrap()..];
            let mut names: Vec<String> = Vec::new();
            let mut continued = false;
            for line in runtime.lines().map(str::trim) {
                if line.starts_with("ENV ") || continued {
                    let pair = line.trim_start_matches("ENV ").trim_end_matches('\\').trim();
                    names.extend(pair.split_once('=').map(|(name, _)| name.to_string()));
                    continued = line.ends_with('\\');
                }
            }
            let compose = crate::yaml::tree::parse(&files[&PathBuf::from("docker-compose.prod.yml")].content).unwrap();
            let environment = compose.get("services").and_then(|s| s.get("app")).and_then(|a| a.get("environment"));
            names.extend(environment.into_iter().flat_map(|e| e.entries().map(|(k, _, _)| k.to_string())));
            assert!(names.len() >= 6, "{names:?}");
            for name in names {
                assert!(
                    context::APP_ENV_SET_BY_BERTH.contains(&name.as_str()),
                    "{name} is set by berth but not listed"
                );
            }
        }
    }

    #[test]
    fn every_managed_file_says_how_it_is_regenerated() {
        use crate::spec::{defaults, resolve, Environment, Layer, Source};
        let env = Environment { dir_name: Some("etl".into()), dependency_text: None };
        for (egress, ci) in [("proxy", "github"), ("none", "gitlab")] {
            let mut flags = Layer::new(Source::Flags);
            for (key, value) in [("database", "postgres"), ("workload", "api"), ("egress", egress), ("ci", ci)] {
                flags.set(key, RawValue::One(value.into())).unwrap();
            }
            flags.set("egress_allow", RawValue::List(vec!["api.example.com".into()])).unwrap();
            let spec = resolve(&[defaults(), flags], &env).unwrap().spec;
            for (path, file) in render(&spec).unwrap() {
                // JSON has no comments.
                if file.kind != FileKind::Managed || path.extension().is_some_and(|e| e == "json") {
                    continue;
                }
                let head: String = file.content.lines().take(3).collect::<Vec<_>>().join("\n");
                assert!(head.contains("Generated by berth"), "{}: {head}", path.display());
                // `berth upgrade` keeps edits; `--force` would throw them away.
                assert!(!head.contains("--force"), "{}: {head}", path.display());
            }
        }
    }

    #[test]
    fn security_md_states_the_mounts_and_the_api_route_as_rendered() {
        use crate::spec::{defaults, resolve, Environment, Layer, Source};
        let env = Environment { dir_name: Some("etl".into()), dependency_text: None };
        let security = |answers: &[(&str, RawValue)]| {
            let mut flags = Layer::new(Source::Flags);
            for (key, value) in answers {
                flags.set(key, value.clone()).unwrap();
            }
            let spec = resolve(&[defaults(), flags], &env).unwrap().spec;
            render(&spec).unwrap()[&PathBuf::from("SECURITY.md")].content.clone()
        };
        let one = |v: &str| RawValue::One(v.into());
        let text = security(&[("workload", one("api")), ("database", one("none"))]);
        assert!(text.contains("by the ingress proxy: the app stays on the internal network only"), "{text}");
        assert!(!text.contains("password"), "no database, no password: {text}");
        let text = security(&[("workload", one("api")), ("database", one("postgres"))]);
        assert!(text.contains("the app, which holds the database password, stays on the internal network only"));
        let text = security(&[]);
        assert!(text.contains("writable only: `/tmp` (tmpfs, noexec) and the `/data` volume"), "{text}");
        assert!(text.contains("no privileged mode, no host paths |"), "{text}");
        let mounts = RawValue::List(vec!["./config:/etc/app".into(), "cache:/var/cache/app".into()]);
        let text = security(&[("app_volumes", mounts)]);
        assert!(
            text.contains("`/tmp` (tmpfs, noexec), `/var/cache/app` (volume `cache`) and the `/data` volume"),
            "{text}"
        );
        assert!(text.contains(
            "no host paths but the project directories in `app_volumes`, read-only (`./config` at `/etc/app`)"
        ));
    }

    #[test]
    fn every_template_is_embedded_and_parses() {
        engine(&Templates::builtin()).expect("all templates parse");
    }

    #[test]
    fn every_embedded_template_has_an_id() {
        fn walk<'a>(dir: &'a Dir<'a>, out: &mut Vec<String>) {
            for f in dir.files() {
                out.push(f.path().to_string_lossy().into_owned());
            }
            for d in dir.dirs() {
                walk(d, out);
            }
        }
        let mut embedded = Vec::new();
        walk(&TEMPLATES, &mut embedded);
        for path in embedded {
            assert!(
                TemplateId::ALL.iter().any(|id| id.source() == path) || PARTIALS.contains(&path.as_str()),
                "{path} has no TemplateId and is not a partial"
            );
        }
    }
}
