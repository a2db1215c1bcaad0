//! The files a compose file is deployed with: `extends:` (in the same file or another one),
//! `include:`, and the base or override file Compose combines it with.
//!
//! - `compose.yaml` (the first of Compose's default names in a directory) is deployed with the
//!   override file next to it (`compose.override.yaml`...), merged on top.
//! - An override file (Compose's default override names, or any `*.override.yml`) is a layer
//!   over its base: its services are merged onto the base's.
//! - Any other file may hold fragments, services with neither `image` nor `build` that only make
//!   sense merged onto the base file in the same or the parent directory (`-f base -f patch`);
//!   those are merged onto the base's service of the same name when there is one.
//!
//! Nodes from other files are [`foreign`]: findings about them belong to those files.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use super::interpolate::interpolate;
use super::merge::{foreign, merge_documents, merge_service, without_resets};
use crate::yaml::tree::{Duplicates, Node, Tag, Value};

/// Compose's default file names, in its order of preference.
pub const DEFAULT_FILES: &[&str] = &["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
/// The override files Compose merges onto the default file, in its order of preference.
pub const DEFAULT_OVERRIDES: &[&str] =
    &["compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"];

/// Most other files one compose file pulls in, and the deepest chain of `extends:` or `include:`.
const MAX_FILES: usize = 32;
const MAX_DEPTH: usize = 16;
/// Most bytes read from the files one compose file pulls in, all together: real ones are a few
/// kilobytes each.
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;
/// Most YAML nodes all the merges of one file may build: a chain of services that each extend
/// the one before and add a little grows quadratically.
const MAX_MERGED: usize = 1_000_000;

/// How the audit reads the other files a compose file names.
pub trait Files {
    /// The text of the file at `path`, or why it cannot be read.
    fn read(&self, path: &Path) -> Result<String, String>;
    /// Whether a file exists at `path` (to find a base or an override file).
    fn exists(&self, path: &Path) -> bool;
}

/// The file system, through `crate::read` (regular files only, size-capped).
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path) -> Result<String, String> {
        crate::read::text_limited(path, MAX_BYTES).map_err(|e| e.to_string())
    }

    fn exists(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// A reference to another file or service that could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub line: u32,
    pub col: u32,
    pub message: String,
    /// A remote `include:` (git, OCI): Compose fetches it, berth does not.
    pub remote: bool,
    /// The service whose `extends:` it is.
    pub service: Option<String>,
}

/// One service of the audited file, as Compose deploys it.
pub struct Resolved {
    pub name: String,
    pub key: Node,
    pub node: Node,
    /// Merged onto a service of the base file: that file reports what the service lacks.
    pub layer: bool,
}

/// What [`resolve`] finds.
pub struct Project {
    pub services: Vec<Resolved>,
    /// Top-level documents whose `networks:`, `volumes:`, `secrets:` and `configs:` the services
    /// can name, after the file's own: its base or override file, and the files it includes.
    pub definitions: Vec<Node>,
    pub unresolved: Vec<Unresolved>,
}

/// Resolves the services of `root`, the compose file at `path`. Without a path (text that is
/// not a file) only `extends:` within the file is followed.
pub fn resolve(root: &Node, path: Option<&Path>, files: &dyn Files) -> Project {
    let mut loader = Loader {
        files,
        docs: vec![(path.map(clean).unwrap_or_default(), Ok(root.clone()))],
        index: vec![index(root)],
        memo: HashMap::new(),
        bytes: 0,
        merged: 0,
    };
    let mut unresolved = Vec::new();
    let role = path.map(|p| role(p, files)).unwrap_or(Role::Alone);
    let other = match &role {
        Role::Base(p) | Role::Layer(p) | Role::Patch(p) => loader.load(p).ok(),
        Role::Alone => None,
    };
    let mut services = Vec::new();
    let written: Vec<(&str, &Node, &Node)> = root.get("services").map(|s| s.entries().collect()).unwrap_or_default();
    // A service tagged `!reset` is not deployed.
    for (name, key, written) in written.into_iter().filter(|(_, _, v)| v.as_map().is_some() && v.tag != Tag::Reset) {
        let mut node = match loader.service(0, name, &mut Vec::new()) {
            Ok(node) => Rc::unwrap_or_clone(node),
            Err(broken) => {
                let at = written.entry("extends").map_or(key, |(k, _)| k);
                // A chain that breaks at another service of this file is reported there, once.
                let message = match broken.at {
                    Some((0, ref other)) if other != name => None,
                    Some((0, _)) | None => Some(broken.reason),
                    Some(_) => Some(format!("its `extends` chain breaks in another file: {}", broken.reason)),
                };
                if let Some(message) = message {
                    let service = Some(name.to_string());
                    unresolved.push(Unresolved { line: at.line, col: at.col, message, remote: false, service });
                }
                without_extends(written)
            }
        };
        let complete = is_complete(&node);
        let mut layer = false;
        if let Some(doc) = other.filter(|_| !matches!(role, Role::Patch(_)) || !complete) {
            // The override file drops the service: Compose does not deploy it.
            if matches!(role, Role::Base(_)) && loader.written(doc, name).is_some_and(|s| s.tag == Tag::Reset) {
                continue;
            }
            if loader.has_service(doc, name) {
                if let Ok(theirs) = loader.service(doc, name, &mut Vec::new()).as_deref() {
                    if matches!(role, Role::Base(_)) {
                        node = merge_service(&node, theirs);
                    } else {
                        node = merge_service(theirs, &node);
                        layer = true;
                    }
                }
            }
        }
        let node = without_resets(&node);
        services.push(Resolved { name: name.to_string(), key: key.clone(), node, layer });
    }
    let mut definitions: Vec<Node> = other.and_then(|doc| loader.root(doc).cloned()).into_iter().collect();
    loader.includes(0, 0, &mut definitions, &mut unresolved, &mut Vec::new());
    let definitions = definitions.iter().map(without_resets).collect();
    Project { services, definitions, unresolved }
}

/// Whether a service names what it runs.
pub fn is_complete(service: &Node) -> bool {
    service.get("image").is_some_and(|n| !n.is_null()) || service.get("build").is_some_and(|n| !n.is_null())
}

enum Role {
    /// The default file, deployed with this override file on top.
    Base(PathBuf),
    /// An override file over this base.
    Layer(PathBuf),
    /// Any other file; fragments in it are merged onto this base.
    Patch(PathBuf),
    Alone,
}

fn role(path: &Path, files: &dyn Files) -> Role {
    let dir = path.parent().unwrap_or(Path::new(""));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let first = |names: &[&str], dir: &Path| names.iter().map(|n| dir.join(n)).find(|p| files.exists(p));
    let same = |p: &PathBuf| p.file_name() == path.file_name();
    if DEFAULT_FILES.contains(&name.as_str()) {
        return match (first(DEFAULT_FILES, dir), first(DEFAULT_OVERRIDES, dir)) {
            (Some(winner), Some(over)) if same(&winner) => Role::Base(over),
            _ => Role::Alone,
        };
    }
    if DEFAULT_OVERRIDES.contains(&name.as_str()) {
        return first(DEFAULT_FILES, dir).map_or(Role::Alone, Role::Layer);
    }
    for ext in [".override.yml", ".override.yaml"] {
        if let Some(stem) = name.strip_suffix(ext) {
            let base = [".yml", ".yaml"].iter().map(|e| dir.join(format!("{stem}{e}"))).find(|p| files.exists(p));
            return base.map_or(Role::Alone, Role::Layer);
        }
    }
    let parent = dir.parent().filter(|p| *p != dir);
    first(DEFAULT_FILES, dir).or_else(|| parent.and_then(|p| first(DEFAULT_FILES, p))).map_or(Role::Alone, Role::Patch)
}

struct Loader<'f> {
    files: &'f dyn Files,
    /// Document 0 is the audited file (positions kept); the others are foreign.
    docs: Vec<(PathBuf, Result<Node, String>)>,
    /// Services with their `extends:` applied, shared: a base many services extend is built once.
    memo: HashMap<(usize, String), Result<Rc<Node>, Broken>>,
    /// For each document, where each service is in its `services:` mapping.
    index: Vec<HashMap<String, usize>>,
    /// Bytes read from other files so far, and nodes built by merges (see [`MAX_BYTES`],
    /// [`MAX_MERGED`]).
    bytes: u64,
    merged: usize,
}

impl Loader<'_> {
    fn root(&self, doc: usize) -> Option<&Node> {
        self.docs[doc].1.as_ref().ok()
    }

    fn dir(&self, doc: usize) -> PathBuf {
        self.docs[doc].0.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// The document at `path`, read and parsed once; the error says why it cannot be used.
    fn load(&mut self, path: &Path) -> Result<usize, String> {
        let path = clean(path);
        if let Some(i) = self.docs.iter().position(|(p, _)| *p == path) {
            return self.docs[i].1.as_ref().map(|_| i).map_err(Clone::clone);
        }
        if self.docs.len() > MAX_FILES {
            return Err(format!("more than {MAX_FILES} files are referenced, so it was not read"));
        }
        let parsed = self.files.read(&path).and_then(|text| {
            self.bytes += text.len() as u64;
            if self.bytes > MAX_BYTES {
                return Err(format!("the files it pulls in are more than {MAX_BYTES} bytes together"));
            }
            // Every document, merged as the audited file's are.
            let documents = crate::yaml::tree::parse_all(&text, Duplicates::Keep)
                .map_err(|e| format!("line {}: {}", e.line, e.message))?;
            if documents.iter().any(|d| d.as_map().is_none()) {
                return Err("it is not a mapping".to_string());
            }
            Ok(foreign(&merge_documents(documents)))
        });
        self.index.push(parsed.as_ref().map(index).unwrap_or_default());
        self.docs.push((path, parsed.clone()));
        parsed.map(|_| self.docs.len() - 1)
    }

    /// A document's service, found through its index (a file can have thousands).
    fn written(&self, doc: usize, name: &str) -> Option<&Node> {
        let at = *self.index[doc].get(name)?;
        self.root(doc)?.get("services")?.as_map()?.get(at).map(|(_, v)| v)
    }

    fn has_service(&self, doc: usize, name: &str) -> bool {
        self.written(doc, name).is_some_and(|s| s.as_map().is_some())
    }

    /// A service of a document with its `extends:` chain applied. An error without a place is
    /// the caller's: it names a service that is missing, or that closes a cycle.
    fn service(&mut self, doc: usize, name: &str, chain: &mut Vec<(usize, String)>) -> Result<Rc<Node>, Broken> {
        let key = (doc, name.to_string());
        if let Some(done) = self.memo.get(&key) {
            return done.clone();
        }
        let caller = |reason: String| Err(Broken { at: None, reason });
        if chain.contains(&key) {
            return caller(format!("`extends` comes back to {}", crate::shown::value(name)));
        }
        if chain.len() >= MAX_DEPTH {
            return caller(format!("`extends` is nested more than {MAX_DEPTH} deep"));
        }
        if !self.has_service(doc, name) {
            let place = match self.docs[doc].0.file_name().filter(|_| doc > 0) {
                Some(f) => crate::shown::value(&f.to_string_lossy()),
                None => "this file".to_string(),
            };
            return caller(format!("there is no service {} in {place}", crate::shown::value(name)));
        }
        chain.push(key.clone());
        let result = self.extend(doc, name, chain);
        chain.pop();
        self.memo.insert(key, result.clone());
        result
    }

    fn extend(&mut self, doc: usize, name: &str, chain: &mut Vec<(usize, String)>) -> Result<Rc<Node>, Broken> {
        let here = |reason: String| Broken { at: Some((doc, name.to_string())), reason };
        let written = self.written(doc, name).cloned();
        let Some(written) = written else { return Err(here("the service is gone".into())) };
        let Some(extends) = written.get("extends") else { return Ok(Rc::new(written)) };
        let Some((target_file, target)) = extends_target(extends) else {
            return Err(here("`extends` needs a `service`".to_string()));
        };
        let target_doc = match target_file {
            Some(f) if remote(&f) => {
                return Err(here(format!("`extends` of the remote file {} is not followed", crate::shown::value(&f))))
            }
            Some(f) => {
                let path = self.dir(doc).join(&f);
                self.load(&path).map_err(|e| here(format!("{} cannot be used: {e}", crate::shown::value(&f))))?
            }
            None => doc,
        };
        let base = self.service(target_doc, &target, chain).map_err(|broken| {
            if broken.at.is_none() {
                here(broken.reason)
            } else {
                broken
            }
        })?;
        let cost = size(&base) + size(&written);
        if self.merged + cost > MAX_MERGED {
            return Err(here(format!(
                "`extends` would build more than {MAX_MERGED} values; it is not followed further"
            )));
        }
        self.merged += cost;
        Ok(Rc::new(merge_service(&base, &without_extends(&written))))
    }

    /// The top-level documents `include:`d by a document, recursively, into `out`.
    fn includes(
        &mut self,
        doc: usize,
        depth: usize,
        out: &mut Vec<Node>,
        unresolved: &mut Vec<Unresolved>,
        seen: &mut Vec<usize>,
    ) {
        if seen.contains(&doc) {
            return;
        }
        seen.push(doc);
        let paths: Vec<Node> =
            self.root(doc).map(|r| include_paths(r).into_iter().cloned().collect()).unwrap_or_default();
        for node in paths {
            let Some(raw) = node.as_str() else { continue };
            let target = interpolate(raw).text;
            let problem = if remote(&target) {
                Some((format!("the remote include {} is not followed", crate::shown::value(&target)), true))
            } else if depth >= MAX_DEPTH {
                Some((format!("`include` is nested more than {MAX_DEPTH} deep"), false))
            } else {
                let path = self.dir(doc).join(&target);
                if self.docs[0].0 == clean(&path) {
                    Some(("the file includes itself".to_string(), false))
                } else {
                    match self.load(&path) {
                        Ok(included) => {
                            if !seen.contains(&included) {
                                if let Some(root) = self.root(included) {
                                    out.push(root.clone());
                                }
                            }
                            self.includes(included, depth + 1, out, unresolved, seen);
                            None
                        }
                        Err(e) => Some((format!("{} cannot be used: {e}", crate::shown::value(&target)), false)),
                    }
                }
            };
            // Problems deeper down are reported by the audit of the file that has them.
            if let Some((message, is_remote)) = problem.filter(|_| doc == 0) {
                unresolved.push(Unresolved {
                    line: node.line,
                    col: node.col,
                    message,
                    remote: is_remote,
                    service: None,
                });
            }
        }
    }
}

/// The files a compose document names, as written with variables resolved: its `include:`
/// paths and the `file` of its services' `extends:`, without remote ones (git, OCI).
pub fn referenced_files(root: &Node) -> Vec<String> {
    let included = include_paths(root).into_iter().filter_map(Node::as_str).map(|raw| interpolate(raw).text);
    let services = root.get("services").map(|s| s.entries().collect::<Vec<_>>()).unwrap_or_default();
    let extended = services.into_iter().filter_map(|(_, _, service)| extends_target(service.get("extends")?)?.0);
    included.chain(extended).filter(|f| !f.is_empty() && !remote(f)).collect()
}

/// The path nodes of a document's `include:` entries: an entry's `path` (one or a list), or the
/// entry itself.
fn include_paths(root: &Node) -> Vec<&Node> {
    let entries = root.get("include").map(Node::items).unwrap_or(&[]);
    entries
        .iter()
        .flat_map(|entry| match entry.get("path") {
            Some(p) if p.as_seq().is_some() => p.items().iter().collect(),
            Some(p) => vec![p],
            None => vec![entry],
        })
        .collect()
}

/// The file (variables resolved) and service an `extends:` names; `None` without a service.
fn extends_target(extends: &Node) -> Option<(Option<String>, String)> {
    match (extends.as_str(), extends.get("file"), extends.get("service").and_then(Node::as_str)) {
        (Some(service), _, _) => Some((None, service.to_string())),
        (None, file, Some(service)) => {
            Some((file.and_then(Node::as_str).map(|f| interpolate(f).text), service.to_string()))
        }
        _ => None,
    }
}

/// A file Compose fetches (git, OCI, HTTP) rather than reads.
fn remote(path: &str) -> bool {
    path.contains("://") || path.starts_with("git@")
}

/// Why a service's `extends:` chain cannot be followed, and the service (document and name)
/// whose reference breaks it.
#[derive(Clone)]
struct Broken {
    at: Option<(usize, String)>,
    reason: String,
}

/// Where each service of a document is in its `services:` mapping (the first, if a name repeats).
fn index(root: &Node) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for (i, (key, _)) in root.get("services").and_then(Node::as_map).unwrap_or(&[]).iter().enumerate() {
        if let Some(name) = key.as_str() {
            out.entry(name.to_string()).or_insert(i);
        }
    }
    out
}

/// How many nodes a tree has.
fn size(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(k, v)| size(k) + size(v)).sum::<usize>(),
    }
}

/// A service mapping without its `extends:` key (applied already).
fn without_extends(service: &Node) -> Node {
    match &service.value {
        Value::Map(entries) => Node {
            value: Value::Map(entries.iter().filter(|(k, _)| k.as_str() != Some("extends")).cloned().collect()),
            line: service.line,
            col: service.col,
            tag: service.tag,
        },
        _ => service.clone(),
    }
}

/// `a/./b/../c` -> `a/c`, so one file read under two spellings is read once.
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Files in memory, for tests.
    pub struct Memory(pub BTreeMap<PathBuf, String>);

    impl Memory {
        pub fn new(files: &[(&str, &str)]) -> Memory {
            Memory(files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect())
        }
    }

    impl Files for Memory {
        fn read(&self, path: &Path) -> Result<String, String> {
            self.0.get(path).cloned().ok_or_else(|| "no such file".to_string())
        }

        fn exists(&self, path: &Path) -> bool {
            self.0.contains_key(path)
        }
    }

    fn project(files: &[(&str, &str)], path: &str) -> Project {
        let memory = Memory::new(files);
        let root = crate::yaml::tree::parse(&memory.0[Path::new(path)]).unwrap();
        resolve(&root, Some(Path::new(path)), &memory)
    }

    fn service<'p>(p: &'p Project, name: &str) -> &'p Resolved {
        p.services.iter().find(|s| s.name == name).unwrap()
    }

    #[test]
    fn extends_in_the_same_file_and_in_others() {
        let files = [
            ("app/compose.yaml", "services:\n  base:\n    image: a:1\n    read_only: true\n  web:\n    extends: base\n    ports: ['80:80']\n  job:\n    extends: {file: ../common.yml, service: worker}\n"),
            ("common.yml", "services:\n  worker:\n    build: .\n    cap_drop: [ALL]\n"),
        ];
        let p = project(&files, "app/compose.yaml");
        let web = &service(&p, "web").node;
        assert_eq!(web.get("image").map(|n| n.line), Some(3), "same-file values keep their place");
        assert!(web.get("extends").is_none());
        let job = &service(&p, "job").node;
        assert_eq!(job.get("cap_drop").map(|n| n.line), Some(0), "values from another file are foreign");
        assert!(is_complete(job));
        assert!(p.unresolved.is_empty());
    }

    #[test]
    fn missing_files_and_cycles_are_reported() {
        let files = [(
            "compose.yaml",
            "services:\n  a:\n    extends: {file: nope.yml, service: x}\n  b:\n    extends: c\n  c:\n    extends: b\ninclude:\n  - other.yaml\n  - oci://registry/app:1\n",
        )];
        let p = project(&files, "compose.yaml");
        let lines: Vec<(u32, bool)> = p.unresolved.iter().map(|u| (u.line, u.remote)).collect();
        assert_eq!(lines, [(3, false), (7, false), (9, false), (10, true)], "the b/c cycle is reported once");
        assert!(p.unresolved[0].message.contains("nope.yml"), "{}", p.unresolved[0].message);
    }

    #[test]
    fn override_files_merge_onto_their_base() {
        let files = [
            ("compose.yaml", "services:\n  db:\n    image: postgres:18\n  web:\n    image: web:1\n"),
            (
                "compose.override.yaml",
                "services:\n  db:\n    ports: ['5432:5432']\n  web:\n    read_only: true\n  extra:\n    image: x:1\n",
            ),
        ];
        let base = project(&files, "compose.yaml");
        assert_eq!(service(&base, "web").node.get("read_only").map(|n| n.line), Some(0));
        assert!(!service(&base, "web").layer);
        let over = project(&files, "compose.override.yaml");
        let db = service(&over, "db");
        assert!(db.layer && is_complete(&db.node));
        assert_eq!(db.node.get("ports").map(|n| n.line), Some(3));
        assert!(!service(&over, "extra").layer);
    }

    #[test]
    fn fragments_in_other_files_merge_onto_the_base_in_the_parent_directory() {
        let files = [
            ("compose.yaml", "services:\n  backend:\n    image: erp:1\n"),
            ("overrides/compose.redis.yaml", "services:\n  backend:\n    environment: {REDIS: r}\n  redis:\n    image: redis:8\n  gpu:\n    devices: [/dev/dri]\n"),
        ];
        let p = project(&files, "overrides/compose.redis.yaml");
        assert!(service(&p, "backend").layer && is_complete(&service(&p, "backend").node));
        assert!(!service(&p, "redis").layer);
        assert!(!is_complete(&service(&p, "gpu").node), "a fragment without a base stays one");
    }

    #[test]
    fn includes_bring_their_definitions() {
        let files = [
            (
                "compose.yaml",
                "include: [net/compose.yaml]\nservices:\n  db:\n    image: postgres:18\n    networks: [back]\n",
            ),
            ("net/compose.yaml", "networks:\n  back:\n    internal: true\n"),
        ];
        let p = project(&files, "compose.yaml");
        assert_eq!(p.definitions.len(), 1);
        assert!(p.unresolved.is_empty());
    }
}
