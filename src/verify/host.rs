//! Connections made from the engine's host: what a compose file publishes is published there.
//!
//! When the client talks to a local engine (a unix socket or a Windows named pipe), the engine's
//! host is this machine and the connections are made from here. When it talks to another
//! machine (`tcp://`, `ssh://`: a remote engine, or CI's docker-in-docker service), a port
//! published on 127.0.0.1 is that machine's loopback, so the connections are made from a
//! throw-away container of the image under test that shares the engine host's network
//! (`--network host`), read-only and without capabilities.

use std::net::SocketAddr;

use super::docker::Docker;
use super::stack;
use crate::render::context::VENV;

/// Where published ports are reached from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vantage {
    /// The engine runs on this machine.
    Here,
    /// The engine runs elsewhere; its endpoint, for the reports.
    Engine(String),
}

/// The client's endpoint: DOCKER_HOST, or the current context's.
pub fn vantage(docker: &Docker) -> Vantage {
    let endpoint = docker
        .ok(&["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"])
        .ok()
        .filter(|e| !e.is_empty())
        .or_else(|| std::env::var("DOCKER_HOST").ok())
        .unwrap_or_default();
    vantage_of(&endpoint)
}

fn vantage_of(endpoint: &str) -> Vantage {
    let local = endpoint.is_empty() || endpoint.starts_with("unix://") || endpoint.starts_with("npipe://");
    if local {
        Vantage::Here
    } else {
        Vantage::Engine(endpoint.to_string())
    }
}

const HTTP_CODE: &str = "import http.client, sys\nc = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), timeout=10)\nc.request('GET', sys.argv[3])\nprint(c.getresponse().status)";

/// Makes connections from the engine's host.
pub struct HostProbe<'a> {
    pub docker: &'a Docker,
    /// The image whose Python runs the probe on a remote engine.
    pub image: &'a str,
    /// verify's cleanup label, so an interrupted probe container is removed too.
    pub label: &'a str,
    pub vantage: Vantage,
}

impl HostProbe<'_> {
    /// Runs a Python snippet on the engine host's network.
    fn python(&self, code: &str, args: &[&str]) -> Result<String, String> {
        let python = format!("{VENV}/bin/python");
        let mut command = vec![
            "run",
            "--rm",
            "--label",
            self.label,
            "--network",
            "host",
            "--read-only",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--entrypoint",
            &python,
            self.image,
            "-c",
            code,
        ];
        command.extend_from_slice(args);
        self.docker.ok(&command).map_err(|e| e.message)
    }

    /// Whether something accepts a TCP connection on `addr`.
    pub fn connects(&self, addr: SocketAddr) -> Result<bool, String> {
        match &self.vantage {
            Vantage::Here => Ok(stack::connects(addr)),
            Vantage::Engine(_) => {
                let out = self.python(stack::CONNECT_CODE, &[&addr.ip().to_string(), &addr.port().to_string()])?;
                Ok(out.starts_with("reached"))
            }
        }
    }

    /// The status code of `GET path` on `addr`.
    pub fn http_status(&self, addr: SocketAddr, path: &str) -> Result<u16, String> {
        match &self.vantage {
            Vantage::Here => stack::http_status(addr, path),
            Vantage::Engine(_) => {
                let out = self
                    .python(HTTP_CODE, &[&addr.ip().to_string(), &addr.port().to_string(), path])
                    .map_err(|e| format!("GET {path} on {addr}: {e}"))?;
                out.trim().parse().map_err(|_| format!("GET {path} on {addr}: not an HTTP status: {out:?}"))
            }
        }
    }

    /// Where the connections were made from, for the reports; empty on the engine's own host.
    pub fn whence(&self) -> String {
        match &self.vantage {
            Vantage::Here => String::new(),
            Vantage::Engine(endpoint) => {
                format!(
                    " (from the engine's host {}, through a --network host container)",
                    crate::shown::value(endpoint)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sockets_and_pipes_are_this_machine() {
        assert_eq!(vantage_of(""), Vantage::Here);
        assert_eq!(vantage_of("unix:///var/run/docker.sock"), Vantage::Here);
        assert_eq!(vantage_of("npipe:////./pipe/docker_engine"), Vantage::Here);
        for remote in ["tcp://docker:2376", "ssh://ci@builder", "tcp://127.0.0.1:2375"] {
            assert_eq!(vantage_of(remote), Vantage::Engine(remote.into()), "{remote}");
        }
    }
}
