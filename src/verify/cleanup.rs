//! Removes everything a verification run created, once, whatever happened.

use std::path::PathBuf;

use super::docker::Docker;

/// Label on every container, network and image verify creates outside compose.
pub const LABEL: &str = "berth.verify";

pub struct Cleanup {
    docker: Docker,
    project: String,
    dir: PathBuf,
    keep_image: bool,
    pub images: Vec<String>,
    pub compose_started: bool,
    done: bool,
}

impl Cleanup {
    pub fn new(docker: Docker, project: String, dir: PathBuf, keep_image: bool) -> Self {
        Cleanup { docker, project, dir, keep_image, images: Vec::new(), compose_started: false, done: false }
    }

    pub fn label(&self) -> String {
        format!("{LABEL}={}", self.project)
    }

    /// Tears down the compose stack (with its volumes), labelled containers and networks, and
    /// the built images unless they are kept. Safe to call more than once.
    pub fn run(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        if self.compose_started {
            let file = self.dir.join("docker-compose.prod.yml");
            let _ = self.docker.output(&[
                "compose",
                "-p",
                &self.project,
                "-f",
                &file.to_string_lossy(),
                "down",
                "--volumes",
                "--remove-orphans",
                "--timeout",
                "10",
            ]);
        }
        let filter = format!("label={}", self.label());
        if let Ok(ids) = self.docker.ok(&["ps", "-aq", "--filter", &filter]) {
            for id in ids.lines() {
                let _ = self.docker.output(&["rm", "-f", "-v", id]);
            }
        }
        if let Ok(ids) = self.docker.ok(&["network", "ls", "-q", "--filter", &filter]) {
            for id in ids.lines() {
                let _ = self.docker.output(&["network", "rm", id]);
            }
        }
        if !self.keep_image {
            for image in &self.images {
                let _ = self.docker.output(&["rmi", "-f", image]);
            }
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.run();
    }
}
