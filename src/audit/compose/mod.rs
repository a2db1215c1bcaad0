//! The compose model the rules read: each service as Compose deploys it, from the positioned
//! YAML tree (anchors and merge keys already resolved), with `${VAR:-default}` interpolation,
//! `extends:` applied, and the file's base, override and included files taken into account
//! (`project`). Nodes that came from another file have position 0; rules report through
//! [`Service::report`] and [`Service::report_missing`], which leave those to that file's audit.

pub mod capabilities;
pub mod devices;
mod hostpath;
mod interpolate;
mod merge;
mod ports;
mod project;
mod roles;
mod service;
pub mod units;

use std::path::Path;

pub use hostpath::{exposure, Exposure};
pub use interpolate::{expand, interpolate, Interpolated};
pub use merge::merge_documents;
pub use ports::{HostIp, Port};
pub use project::{clean, referenced_files, Disk, Files, Unresolved};
pub use roles::{is_datastore, is_reverse_proxy};
pub use service::{env_pairs, text, Mount, Service, Via};

use crate::yaml::tree::Node;

pub struct ComposeFile {
    /// This file's tree, as written.
    pub root: Node,
    services: Vec<project::Resolved>,
    definitions: Vec<Node>,
    unresolved: Vec<Unresolved>,
}

/// Reads nothing: a file judged on its own.
struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _: &Path) -> Result<String, String> {
        Err("no file is read".into())
    }

    fn exists(&self, _: &Path) -> bool {
        false
    }
}

impl ComposeFile {
    /// A file judged on its own: `extends:` within it is followed, no other file is read.
    pub fn new(root: Node) -> ComposeFile {
        ComposeFile::resolved(root, None, &NoFiles)
    }

    /// The file at `path`, with the files it is deployed with, read through `files`.
    pub fn load(root: Node, path: &Path, files: &dyn Files) -> ComposeFile {
        ComposeFile::resolved(root, Some(path), files)
    }

    fn resolved(root: Node, path: Option<&Path>, files: &dyn Files) -> ComposeFile {
        let project = project::resolve(&root, path, files);
        ComposeFile {
            root: merge::without_resets(&root),
            services: project.services,
            definitions: project.definitions,
            unresolved: project.unresolved,
        }
    }

    pub fn services(&self) -> Vec<Service<'_>> {
        self.services
            .iter()
            .map(|s| Service { name: &s.name, key: &s.key, node: &s.node, file: self, layer: s.layer })
            .collect()
    }

    /// A top-level definition (`networks`, `volumes`, `secrets`, `configs`) by name: this
    /// file's, else its base's or override's, else one from a file it includes.
    pub fn definition(&self, kind: &str, name: &str) -> Option<&Node> {
        std::iter::once(&self.root).chain(&self.definitions).find_map(|root| root.get(kind)?.get(name))
    }

    /// A top-level network's definition.
    pub fn network(&self, name: &str) -> Option<&Node> {
        self.definition("networks", name)
    }

    /// References to other files or services that could not be followed.
    pub fn unresolved(&self) -> &[Unresolved] {
        &self.unresolved
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rule::Sink;
    use crate::yaml::tree as yaml;

    fn compose(text: &str) -> ComposeFile {
        ComposeFile::new(yaml::parse(text).unwrap())
    }

    #[test]
    fn reads_ports_in_both_syntaxes() {
        let c = compose("services:\n  a:\n    ports:\n      - 8080:80\n      - \"127.0.0.1:5432:5432\"\n      - \"[::1]:9:9/udp\"\n      - 3000\n      - target: 80\n        published: \"8081\"\n        host_ip: 127.0.0.1\n");
        let services = c.services();
        let ports = services[0].ports();
        let shown: Vec<_> = ports.iter().map(|p| (p.host_ip.clone(), p.published.clone(), p.node.line)).collect();
        let at = |ip: &str| HostIp::Address(ip.to_string());
        assert_eq!(
            shown,
            [
                (HostIp::All, Some("8080".into()), 4),
                (at("127.0.0.1"), Some("5432".into()), 5),
                (at("[::1]"), Some("9".into()), 6),
                (HostIp::All, None, 7),
                (at("127.0.0.1"), Some("8081".into()), 8)
            ]
        );
    }

    #[test]
    fn reads_mounts_in_both_syntaxes() {
        let c = compose("services:\n  a:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - data:/data\n      - type: bind\n        source: /etc\n        target: /host-etc\n        bind:\n          propagation: rshared\n      - ${DATA:-./data}:/d\n      - ${UPLOAD}:/u\n");
        let services = c.services();
        let mounts = services[0].mounts();
        assert_eq!((mounts[0].kind.as_str(), mounts[0].read_only), ("bind", true));
        assert_eq!(mounts[1].kind, "volume");
        assert_eq!((mounts[2].host.as_deref(), mounts[2].propagation.as_deref()), (Some("/etc"), Some("rshared")));
        assert_eq!((mounts[3].kind.as_str(), mounts[3].host.as_deref()), ("bind", None));
        assert_eq!((mounts[4].kind.as_str(), mounts[4].host.as_deref()), ("bind", None));
    }

    #[test]
    fn named_volumes_and_file_secrets_can_be_host_paths() {
        let c = compose("services:\n  a:\n    volumes:\n      - sock:/s\n      - {type: volume, source: data, target: /d}\n    secrets: [shadow, local]\nvolumes:\n  sock:\n    driver_opts: {type: none, o: bind, device: /var/run/docker.sock}\n  data: {}\nsecrets:\n  shadow:\n    file: /etc/shadow\n  local:\n    file: ./secret.txt\n");
        let services = c.services();
        let hosts: Vec<(Option<String>, bool, u32)> =
            services[0].host_mounts().into_iter().map(|m| (m.host, m.read_only, m.node.line)).collect();
        assert_eq!(hosts, [(Some("/var/run/docker.sock".into()), false, 4), (Some("/etc/shadow".into()), true, 6)]);
    }

    #[test]
    fn reads_secrets_in_both_syntaxes() {
        let c = compose("services:\n  a:\n    secrets:\n      - db_password\n      - source: api_token\n        target: token\n        mode: 0400\n");
        let services = c.services();
        let names: Vec<_> = services[0].secrets().into_iter().map(|(n, node)| (n, node.line)).collect();
        assert_eq!(names, [("db_password".to_string(), 4), ("api_token".to_string(), 5)]);
    }

    #[test]
    fn reads_environment_in_both_forms() {
        let c = compose(
            "services:\n  a:\n    environment:\n      - A=1\n      - B\n  b:\n    environment:\n      C: x\n      D:\n",
        );
        let services = c.services();
        assert_eq!(
            services[0].environment().iter().map(|(k, v, _)| (k.clone(), v.clone())).collect::<Vec<_>>(),
            [("A".into(), Some("1".into())), ("B".into(), None)]
        );
        assert_eq!(services[1].environment()[1].1, None);
    }

    #[test]
    fn what_a_fragment_lacks_is_not_reported() {
        let c = compose("services:\n  full:\n    image: x:1\n  gpu:\n    devices: [/dev/dri]\n");
        let mut sink = Sink::default();
        for svc in c.services() {
            svc.report_missing(&mut sink, None, "lacks something");
            if let Some(node) = svc.get("devices") {
                svc.report(&mut sink, node, "has something");
            }
        }
        let lines: Vec<u32> = sink.findings.iter().map(|f| f.line).collect();
        assert_eq!(lines, [2, 5]);
    }
}
