//! Checks on the running compose stack.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use super::capeff;
use super::cleanup::Cleanup;
use super::docker::Docker;
use super::host::{self, HostProbe};
use super::{CheckId, Recorder, VerifyError};
use crate::render::context::{ProjectContext, VENV};
use crate::spec::ProjectSpec;

pub const IDS: &[CheckId] = &[
    CheckId::StackUp,
    CheckId::StackHealthy,
    CheckId::AppReadOnly,
    CheckId::AppCapabilities,
    CheckId::DbCapabilities,
    CheckId::DbNotPublished,
    CheckId::AppDbAuth,
    CheckId::NetworkNoEgress,
    CheckId::ApiLoopbackOnly,
];

/// The port the egress listener uses on its own network.
const LISTENER_PORT: u16 = 8099;

struct Stack<'a> {
    docker: &'a Docker,
    project: &'a str,
    compose_file: String,
}

impl Stack<'_> {
    fn container(&self, service: &str) -> Option<String> {
        let project = format!("label=com.docker.compose.project={}", self.project);
        let service = format!("label=com.docker.compose.service={service}");
        self.docker.ok(&["ps", "-aq", "--filter", &project, "--filter", &service]).ok().filter(|id| !id.is_empty())
    }

    /// Runs Python code in a running container; `args` become `sys.argv[1..]`.
    fn python(&self, container: &str, code: &str, args: &[&str]) -> Result<String, String> {
        let python = format!("{VENV}/bin/python");
        let mut command = vec!["exec", container, &python, "-c", code];
        command.extend_from_slice(args);
        self.docker.ok(&command).map_err(|e| e.message)
    }

    fn logs(&self, container: &str) -> String {
        self.docker
            .output(&["logs", "--tail", "15", container])
            .map(|o| format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
            .unwrap_or_default()
    }
}

/// A compose override, in a temporary directory of its own, that runs the image under test as
/// the app: the one verify built, or the one given with --image. Compose never pulls it.
struct AppImage {
    dir: tempfile::TempDir,
}

impl AppImage {
    const FILE: &'static str = "app-image.yml";

    fn write(image: &str) -> std::io::Result<AppImage> {
        let dir = tempfile::Builder::new().prefix("berth-verify-").tempdir()?;
        // A JSON string is a YAML double-quoted scalar, whatever the reference holds.
        let quoted = serde_json::to_string(image).map_err(std::io::Error::other)?;
        std::fs::write(
            dir.path().join(Self::FILE),
            format!("# berth verify: the app runs the image under test\nservices:\n  app:\n    image: {quoted}\n    pull_policy: never\n"),
        )?;
        Ok(AppImage { dir })
    }

    fn path(&self) -> String {
        self.dir.path().join(Self::FILE).to_string_lossy().into_owned()
    }
}

/// Waits until every container is running and every healthcheck passes.
fn wait_healthy(
    stack: &Stack,
    containers: &[(String, String)],
    timeout: Duration,
    rec: &Recorder,
) -> Result<Result<String, String>, VerifyError> {
    let started = Instant::now();
    loop {
        rec.interrupted()?;
        let mut pending = Vec::new();
        for (service, id) in containers {
            let state = stack
                .docker
                .ok(&[
                    "inspect",
                    "-f",
                    "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}",
                    id,
                ])
                .unwrap_or_else(|e| format!("unknown {}", e.message));
            let (status, health) = state.split_once(' ').unwrap_or((&state, ""));
            if status != "running" || health == "unhealthy" {
                return Ok(Err(format!("{service} is {status}/{health}; last log lines:\n{}", stack.logs(id))));
            }
            if health != "healthy" && health != "none" {
                pending.push(format!("{service}: {health}"));
            }
        }
        if pending.is_empty() {
            let names: Vec<&str> = containers.iter().map(|(s, _)| s.as_str()).collect();
            return Ok(Ok(format!("{} healthy after {:.0} s", names.join(", "), started.elapsed().as_secs_f64())));
        }
        if started.elapsed() > timeout {
            let logs: Vec<String> = containers.iter().map(|(s, id)| format!("--- {s}\n{}", stack.logs(id))).collect();
            return Ok(Err(format!(
                "not healthy after {} s ({}):\n{}",
                timeout.as_secs(),
                pending.join(", "),
                logs.join("\n")
            )));
        }
        std::thread::sleep(Duration::from_secs(2));
    }
}

fn check_read_only(stack: &Stack, app: &str, data_dir: &str) -> Result<String, String> {
    let code = format!(
        "import errno, os\n\
         def probe(path):\n    try:\n        open(path, 'w').write('x'); os.remove(path); return 'writable'\n    except OSError as e:\n        return errno.errorcode.get(e.errno, str(e.errno))\n\
         print(probe('/app/.berth-verify'), probe('/tmp/.berth-verify'), probe('{data_dir}/.berth-verify'))"
    );
    let out = stack.python(app, &code, &[])?;
    let results: Vec<&str> = out.split_whitespace().collect();
    match results.as_slice() {
        ["EROFS", "writable", "writable"] => {
            Ok(format!("writing /app fails with EROFS; /tmp (tmpfs) and {data_dir} (volume) are writable"))
        }
        [root, tmp, data] => Err(format!("/app: {root} (want EROFS), /tmp: {tmp}, {data_dir}: {data} (want writable)")),
        _ => Err(format!("unexpected probe output {out:?}")),
    }
}

fn check_capabilities(status: Result<String, String>) -> Result<String, String> {
    let status = status?;
    match capeff::effective_capabilities(&status) {
        Some(0) => Ok("CapEff of PID 1 is 0000000000000000: no capability".into()),
        Some(mask) => Err(format!("CapEff of PID 1 is {mask:016x}: {}", capeff::capability_names(mask).join(", "))),
        None => Err("no CapEff line in /proc/1/status".into()),
    }
}

pub(super) fn connects(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_secs(3)).is_ok()
}

fn check_db_not_published(stack: &Stack, probe: &HostProbe, db: &str, port: u16) -> Result<String, String> {
    let bindings = stack
        .docker
        .ok(&["inspect", "-f", "{{json .HostConfig.PortBindings}}|{{json .NetworkSettings.Ports}}", db])
        .map_err(|e| e.message)?;
    let (configured, live) = bindings.split_once('|').unwrap_or((&bindings, ""));
    let published = |json: &str| {
        serde_json::from_str::<serde_json::Value>(json)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .is_some_and(|ports| ports.values().any(|b| b.as_array().is_some_and(|a| !a.is_empty())))
    };
    if published(configured) || published(live) {
        return Err(format!("the database publishes ports: {bindings}"));
    }
    let loopback: SocketAddr = ([127, 0, 0, 1], port).into();
    if probe.connects(loopback)? {
        return Err(format!("something answers on {loopback}{} (the database container publishes nothing; is another server running there?)", probe.whence()));
    }
    // Forwarded traffic to an internal network is dropped, but the engine's host sits on every
    // bridge: say so rather than claim more isolation than there is.
    let address = stack
        .docker
        .ok(&["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", db])
        .unwrap_or_default();
    let bridge = address.split_whitespace().next().and_then(|ip| format!("{ip}:{port}").parse::<SocketAddr>().ok());
    let note = match bridge {
        Some(bridge) if probe.connects(bridge)? => format!(
            "; note: the engine's host itself still reaches the container address {bridge} over the bridge, as on any Docker network (other machines cannot: forwarded traffic is dropped)"
        ),
        Some(bridge) => format!("; the container address {bridge} is unreachable from this host too"),
        None => String::new(),
    };
    Ok(format!("no port binding; {loopback} refuses connections{}{note}", probe.whence()))
}

/// Python that connects with the app's own settings and secret file, then runs `query`.
fn db_query_code(driver: &str, query: &str) -> String {
    let db_key = if driver == "psycopg2" || driver == "psycopg" { "dbname" } else { "database" };
    format!(
        "import os, pathlib, {driver} as d\n\
         c = d.connect(host=os.environ['DB_HOST'], port=int(os.environ['DB_PORT']), user=os.environ['DB_USER'], \
         password=pathlib.Path(os.environ['DB_PASSWORD_FILE']).read_text().strip(), {db_key}=os.environ['DB_NAME'], connect_timeout=10)\n\
         cur = c.cursor(); cur.execute({query:?}); print(cur.fetchone()[0]); c.close()"
    )
}

fn check_db_auth(stack: &Stack, app: &str, driver: &str, spec: &ProjectSpec) -> Result<String, String> {
    let one = stack.python(app, &db_query_code(driver, "SELECT 1"), &[])?;
    if one.trim() != "1" {
        return Err(format!("SELECT 1 returned {one:?}"));
    }
    let mut detail = format!(
        "the app container connects as DB_USER with the password from DB_PASSWORD_FILE ({driver}) and runs SELECT 1"
    );
    if !spec.is_api() {
        if let Ok(runs) = stack.python(app, &db_query_code(driver, "SELECT COUNT(*) FROM pipeline_runs"), &[]) {
            detail.push_str(&format!("; the pipeline has recorded {} run(s)", runs.trim()));
        }
    }
    Ok(detail)
}

pub(super) const CONNECT_CODE: &str = "import socket, sys\ntry:\n    socket.create_connection((sys.argv[1], int(sys.argv[2])), 3).close(); print('reached')\nexcept OSError as e:\n    print('blocked', type(e).__name__)";

/// An HTTP GET from this host; the status code.
pub(super) fn http_status(addr: SocketAddr, path: &str) -> Result<u16, String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(3)).map_err(|e| format!("{addr}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", addr.ip()).map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream.take(4096).read_to_string(&mut response).map_err(|e| e.to_string())?;
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP response: {response:?}"))
}

struct Listener {
    ip: String,
    gateway: String,
}

/// Starts a TCP listener on a normal (non-internal) network that verify creates.
fn start_listener(stack: &Stack, image: &str, label: &str) -> Result<Listener, String> {
    let network = format!("{}-egress", stack.project);
    let name = format!("{}-listener", stack.project);
    stack.docker.ok(&["network", "create", "--label", label, &network]).map_err(|e| e.message)?;
    let python = format!("{VENV}/bin/python");
    let server = format!(
        "import socket\ns = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', {LISTENER_PORT})); s.listen()\nwhile True:\n    c, _ = s.accept(); c.close()"
    );
    stack
        .docker
        .ok(&[
            "run",
            "-d",
            "--label",
            label,
            "--name",
            &name,
            "--network",
            &network,
            "--read-only",
            "--cap-drop",
            "ALL",
            "--entrypoint",
            &python,
            image,
            "-c",
            &server,
        ])
        .map_err(|e| e.message)?;
    let ip = stack
        .docker
        .ok(&["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", &name])
        .map_err(|e| e.message)?;
    let gateway = stack
        .docker
        .ok(&["network", "inspect", "-f", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", &network])
        .map_err(|e| e.message)?;
    // Proves the listener answers, so "blocked" below means the network, not a dead listener.
    let port = LISTENER_PORT.to_string();
    let control = stack
        .docker
        .ok(&[
            "run",
            "--rm",
            "--label",
            label,
            "--network",
            &network,
            "--entrypoint",
            &python,
            image,
            "-c",
            CONNECT_CODE,
            &ip,
            &port,
        ])
        .map_err(|e| e.message)?;
    if control.trim() != "reached" {
        return Err(format!(
            "the listener on {ip}:{port} does not answer its own network ({control}); cannot judge egress"
        ));
    }
    Ok(Listener { ip, gateway })
}

fn check_no_egress(
    stack: &Stack,
    listener: &Listener,
    app: Option<&str>,
    db: Option<&str>,
    spec: &ProjectSpec,
) -> Result<String, String> {
    let port = LISTENER_PORT.to_string();
    let mut tried = Vec::new();
    if let (Some(app), false) = (app, spec.is_api()) {
        let out = stack.python(app, CONNECT_CODE, &[&listener.ip, &port])?;
        if out.starts_with("reached") {
            return Err(format!("app reached {}:{port} outside its internal network", listener.ip));
        }
        tried.push(format!("app ({})", out.trim()));
    }
    if let Some(db) = db {
        let probe = format!("exec 3<>/dev/tcp/{}/{port}", listener.ip);
        match stack.docker.output(&["exec", db, "timeout", "5", "bash", "-c", &probe]) {
            Ok(out) if out.status.success() => {
                return Err(format!("db reached {}:{port} outside its internal network", listener.ip))
            }
            Ok(out) if out.status.code() == Some(127) || out.status.code() == Some(126) => {
                tried.push("db (no bash/timeout to probe with: skipped)".into())
            }
            Ok(_) => tried.push("db (blocked)".into()),
            Err(e) => return Err(e.to_string()),
        }
    }
    if tried.is_empty() {
        return Err("no container on an internal network to probe from".into());
    }
    Ok(format!(
        "a listener on {}:{port} (reachable from its own network) is unreachable from {}",
        listener.ip,
        tried.join(" and ")
    ))
}

fn check_loopback_only(spec: &ProjectSpec, probe: &HostProbe, listener: &Listener) -> Result<String, String> {
    let loopback: SocketAddr = ([127, 0, 0, 1], spec.port).into();
    let status = probe.http_status(loopback, &spec.health_path)?;
    if status != 200 {
        return Err(format!("GET {}{} on {loopback} answered {status}", "", spec.health_path));
    }
    let other: SocketAddr = format!("{}:{}", listener.gateway, spec.port)
        .parse()
        .map_err(|e| format!("gateway address {:?}: {e}", listener.gateway))?;
    if probe.connects(other)? {
        return Err(format!("port {} also answers on the host address {}{}", spec.port, other.ip(), probe.whence()));
    }
    Ok(format!(
        "GET {} on {loopback} answers 200; {} (another host address) refuses{}",
        spec.health_path,
        other,
        probe.whence()
    ))
}

#[allow(clippy::too_many_arguments)]
pub fn checks(
    docker: &Docker,
    dir: &Path,
    spec: &ProjectSpec,
    project: &str,
    image: &str,
    timeout: Duration,
    cleanup: &mut Cleanup,
    rec: &mut Recorder,
) -> Result<(), VerifyError> {
    let stack =
        Stack { docker, project, compose_file: dir.join("docker-compose.prod.yml").to_string_lossy().into_owned() };
    let context = ProjectContext::new(spec, &crate::render::Carried::default());
    let app_image = match AppImage::write(image) {
        Ok(file) => file,
        Err(e) => {
            rec.fail(CheckId::StackUp, format!("cannot write the compose override that names the app image: {e}"));
            for id in IDS.iter().filter(|id| **id != CheckId::StackUp) {
                rec.skip(*id, "the stack did not start");
            }
            return Ok(());
        }
    };
    cleanup.compose_started = true;
    let up = docker.ok(&[
        "compose",
        "-p",
        project,
        "-f",
        &stack.compose_file,
        "-f",
        &app_image.path(),
        "up",
        "-d",
        "--no-build",
    ]);
    rec.interrupted()?;
    if let Err(e) = up {
        rec.fail(CheckId::StackUp, format!("docker compose up failed:\n{}", e.message));
        for id in IDS.iter().filter(|id| **id != CheckId::StackUp) {
            rec.skip(*id, "the stack did not start");
        }
        return Ok(());
    }
    let app = stack.container("app");
    let db = if spec.has_db() { stack.container("db") } else { None };
    let mut containers: Vec<(String, String)> = Vec::new();
    containers.extend(app.iter().map(|id| ("app".to_string(), id.clone())));
    containers.extend(db.iter().map(|id| ("db".to_string(), id.clone())));
    rec.pass(
        CheckId::StackUp,
        format!("docker compose up started {} container(s) from {}", containers.len(), "docker-compose.prod.yml"),
    );
    let healthy = wait_healthy(&stack, &containers, timeout, rec)?;
    rec.outcome(CheckId::StackHealthy, healthy);

    let Some(app) = app else {
        for id in IDS.iter().filter(|id| !matches!(id, CheckId::StackUp | CheckId::StackHealthy)) {
            rec.fail(*id, "no app container");
        }
        return Ok(());
    };
    let label = cleanup.label();
    let probe = HostProbe { docker, image, label: &label, vantage: host::vantage(docker) };
    rec.outcome(CheckId::AppReadOnly, check_read_only(&stack, &app, context.data_dir));
    let status = stack.python(&app, "print(open('/proc/1/status').read())", &[]);
    rec.outcome(CheckId::AppCapabilities, check_capabilities(status));
    match (&db, &context.db) {
        (Some(db), Some(db_context)) => {
            rec.outcome(
                CheckId::DbCapabilities,
                check_capabilities(docker.ok(&["exec", db, "cat", "/proc/1/status"]).map_err(|e| e.message)),
            );
            rec.outcome(CheckId::DbNotPublished, check_db_not_published(&stack, &probe, db, db_context.port));
            let driver = context.driver.as_ref().map_or("", |d| d.module);
            rec.outcome(CheckId::AppDbAuth, check_db_auth(&stack, &app, driver, spec));
        }
        (None, Some(_)) => {
            for id in [CheckId::DbCapabilities, CheckId::DbNotPublished, CheckId::AppDbAuth] {
                rec.fail(id, "no db container");
            }
        }
        _ => {
            for id in [CheckId::DbCapabilities, CheckId::DbNotPublished, CheckId::AppDbAuth] {
                rec.skip(id, "database is none");
            }
        }
    }
    rec.interrupted()?;
    if spec.is_api() && db.is_none() {
        rec.skip(
            CheckId::NetworkNoEgress,
            "api without a database: the app's only network is the frontend, which carries its port",
        );
        let listener = start_listener(&stack, image, &label);
        rec.outcome(CheckId::ApiLoopbackOnly, listener.and_then(|l| check_loopback_only(spec, &probe, &l)));
        return Ok(());
    }
    match start_listener(&stack, image, &label) {
        Ok(listener) => {
            rec.outcome(CheckId::NetworkNoEgress, check_no_egress(&stack, &listener, Some(&app), db.as_deref(), spec));
            if spec.is_api() {
                rec.outcome(CheckId::ApiLoopbackOnly, check_loopback_only(spec, &probe, &listener));
            } else {
                rec.skip(CheckId::ApiLoopbackOnly, "batch workload publishes no port");
            }
        }
        Err(e) => {
            rec.fail(CheckId::NetworkNoEgress, e.clone());
            if spec.is_api() {
                rec.fail(CheckId::ApiLoopbackOnly, e);
            } else {
                rec.skip(CheckId::ApiLoopbackOnly, "batch workload publishes no port");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_check_reports_names() {
        let status = "CapEff:\t0000000000000401\n".to_string();
        let err = check_capabilities(Ok(status)).unwrap_err();
        assert!(err.contains("CHOWN") && err.contains("NET_BIND_SERVICE"), "{err}");
        assert!(check_capabilities(Ok("CapEff:\t0000000000000000\n".into())).is_ok());
    }

    #[test]
    fn the_override_runs_the_image_as_the_app_and_never_pulls() {
        let file = AppImage::write("registry.example.com/data/etl:sha-1").unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        let root = crate::yaml::tree::parse(&text).unwrap();
        let app = root.get("services").and_then(|s| s.get("app")).unwrap();
        assert_eq!(app.get("image").and_then(|i| i.as_str()), Some("registry.example.com/data/etl:sha-1"));
        assert_eq!(app.get("pull_policy").and_then(|i| i.as_str()), Some("never"));
        let path = file.path();
        drop(file);
        assert!(!std::path::Path::new(&path).exists(), "removed with the run");
    }

    #[test]
    fn db_query_uses_the_driver_keyword() {
        assert!(db_query_code("psycopg2", "SELECT 1").contains("dbname=os.environ['DB_NAME']"));
        assert!(db_query_code("pymysql", "SELECT 1").contains("database=os.environ['DB_NAME']"));
    }
}
