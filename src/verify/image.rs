//! Building the image and checking it without running the stack.

use std::path::Path;
use std::time::Instant;

use super::cleanup::Cleanup;
use super::docker::Docker;
use super::layers::{self, Secret};
use super::{CheckId, Recorder};
use crate::render::context::VENV;
use crate::spec::{Base, ProjectSpec};

pub const IDS: &[CheckId] =
    &[CheckId::ImageUser, CheckId::ImageNoShell, CheckId::ImageNoCompiler, CheckId::ImageNoSecrets];

const SHELLS: &[&str] = &[
    "/bin/sh",
    "/bin/bash",
    "/bin/dash",
    "/bin/ash",
    "/usr/bin/sh",
    "/usr/bin/bash",
    "/usr/bin/dash",
    "/busybox/sh",
    "/bin/busybox",
];

/// Builds the image with BuildKit, passing the build secret the project declares.
pub fn build(
    docker: &Docker,
    dir: &Path,
    spec: &ProjectSpec,
    image: &str,
    cleanup: &mut Cleanup,
    rec: &mut Recorder,
) -> bool {
    let label = cleanup.label();
    let dockerfile = dir.join("Dockerfile").to_string_lossy().into_owned();
    let context = dir.to_string_lossy().into_owned();
    let mut args = vec!["build", "--label", &label, "-t", image, "-f", &dockerfile];
    let netrc = dir.join("secrets/netrc");
    let secret_arg = format!("id=netrc,src={}", netrc.display());
    if spec.private_index.is_some() {
        if !netrc.is_file() {
            rec.fail(CheckId::Build, "private_index is set but secrets/netrc is missing: write the index credentials there (machine HOST login USER password TOKEN)");
            return false;
        }
        args.extend(["--secret", &secret_arg]);
    }
    args.push(&context);
    cleanup.images.push(image.to_string());
    let started = Instant::now();
    match docker.ok(&args) {
        Ok(_) => {
            let size = docker
                .ok(&["image", "inspect", "-f", "{{.Size}}", image])
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0);
            rec.pass(
                CheckId::Build,
                format!(
                    "built {image} with BuildKit in {:.1} s ({:.0} MB)",
                    started.elapsed().as_secs_f64(),
                    size as f64 / 1e6
                ),
            );
            true
        }
        Err(e) => {
            rec.fail(CheckId::Build, format!("the build failed:\n{}", e.message));
            false
        }
    }
}

/// The detail of the `build` check for an image verify did not build: its ID, size and
/// creation time. `Err` when the engine does not have it: verify never pulls.
pub fn given(docker: &Docker, image: &str) -> Result<String, String> {
    match docker.ok(&["image", "inspect", "-f", "{{.Id}} {{.Size}} {{.Created}}", "--", image]) {
        Ok(found) => {
            let mut parts = found.split_whitespace();
            let id = parts.next().unwrap_or_default();
            let size = parts.next().and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
            let created = parts.next().unwrap_or_default();
            Ok(format!(
                "not built here: --image {image} is {} ({:.0} MB, created {created})",
                id.get(..19).unwrap_or(id),
                size as f64 / 1e6
            ))
        }
        Err(e) if e.message.contains("No such image") || e.message.contains("No such object") => Err(format!(
            "the engine has no such image; build it (docker build -t {image} DIR), load it (docker load -i FILE) or pull it (docker pull {image}) first: verify never pulls"
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs a Python snippet in a throw-away container of the image, as its configured user.
fn python_in_image(docker: &Docker, label: &str, image: &str, code: &str) -> Result<String, String> {
    let python = format!("{VENV}/bin/python");
    docker
        .ok(&["run", "--rm", "--label", label, "--network", "none", "--entrypoint", &python, image, "-c", code])
        .map_err(|e| e.message)
}

fn check_user(docker: &Docker, label: &str, image: &str, spec: &ProjectSpec) -> Result<String, String> {
    let configured = docker.ok(&["image", "inspect", "-f", "{{.Config.User}}", image]).map_err(|e| e.message)?;
    let uid_part = configured.split(':').next().unwrap_or("");
    match uid_part.parse::<u32>() {
        Ok(0) => return Err(format!("USER is {configured:?}: root")),
        Ok(_) => {}
        Err(_) if configured.is_empty() => return Err("the image sets no USER: it runs as root".into()),
        Err(_) => return Err(format!("USER {configured:?} is not numeric: the runtime cannot prove it is not root")),
    }
    let ids = python_in_image(docker, label, image, "import os; print(os.getuid(), os.getgid())")?;
    let expected = format!("{} {}", spec.uid, spec.gid);
    if ids.trim() == expected {
        Ok(format!("USER {configured}; a container runs as uid/gid {expected}"))
    } else {
        Err(format!("USER {configured}, but a container runs as {ids:?}, expected {expected:?}"))
    }
}

fn check_no_shell(docker: &Docker, label: &str, image: &str, spec: &ProjectSpec) -> Option<Result<String, String>> {
    if spec.base != Base::Distroless {
        return None;
    }
    let list = SHELLS.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(",");
    let found = python_in_image(
        docker,
        label,
        image,
        &format!("import os; print(' '.join(p for p in [{list}] if os.path.lexists(p)))"),
    );
    Some(match found {
        Ok(found) if found.trim().is_empty() => {
            if docker.succeeds(&[
                "run",
                "--rm",
                "--label",
                label,
                "--network",
                "none",
                "--entrypoint",
                "/bin/sh",
                image,
                "-c",
                "true",
            ]) {
                Err("`docker run --entrypoint /bin/sh` succeeded".into())
            } else {
                Ok(format!("none of {} exists; --entrypoint /bin/sh fails", SHELLS.len()))
            }
        }
        Ok(found) => Err(format!("shells present: {found}")),
        Err(e) => Err(e),
    })
}

fn check_no_compiler(docker: &Docker, label: &str, image: &str) -> Result<String, String> {
    let code = "import glob, shutil; found = [n for n in ('gcc', 'cc', 'g++', 'c++', 'clang', 'tcc', 'ld') if shutil.which(n)] \
                + glob.glob('/usr/lib/gcc/*/*/cc1') + glob.glob('/usr/libexec/gcc/*/*/cc1'); print(' '.join(found))";
    let found = python_in_image(docker, label, image, code)?;
    if found.trim().is_empty() {
        Ok("no gcc, cc, g++, clang, ld or cc1 on PATH or in the gcc directories".into())
    } else {
        Err(format!("build tools in the final image: {}", found.trim()))
    }
}

/// The values of the project's secret files (at least 8 bytes, so short words do not match by chance).
fn project_secrets(dir: &Path) -> Vec<Secret> {
    let Ok(entries) = std::fs::read_dir(dir.join("secrets")) else { return Vec::new() };
    let mut secrets: Vec<Secret> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() != ".gitignore" && e.path().is_file())
        .filter_map(|e| {
            let value = std::fs::read(e.path()).ok()?;
            let trimmed = String::from_utf8_lossy(&value).trim().as_bytes().to_vec();
            (trimmed.len() >= 8)
                .then(|| Secret { name: format!("secrets/{}", e.file_name().to_string_lossy()), value: trimmed })
        })
        .collect();
    secrets.sort_by(|a, b| a.name.cmp(&b.name));
    secrets
}

fn check_no_secrets(docker: &Docker, image: &str, dir: &Path) -> Option<Result<String, String>> {
    let secrets = project_secrets(dir);
    if secrets.is_empty() {
        return None;
    }
    let needles: Vec<&[u8]> = secrets.iter().map(|s| s.value.as_slice()).collect();
    let mut hits: Vec<String> = Vec::new();
    for (what, args) in [
        ("docker history", vec!["history", "--no-trunc", "--format", "{{.CreatedBy}}", image]),
        ("docker image inspect", vec!["image", "inspect", image]),
    ] {
        match docker.ok(&args) {
            Ok(text) => {
                let found = layers::find_in_stream(text.as_bytes(), &needles).unwrap_or_default();
                hits.extend(
                    secrets.iter().zip(found).filter(|(_, f)| *f).map(|(s, _)| format!("{} in {what}", s.name)),
                );
            }
            Err(e) => return Some(Err(e.to_string())),
        }
    }
    match docker.save(image, |archive| layers::scan_image_archive(archive, &secrets)) {
        Ok(layer_hits) => hits.extend(layer_hits.into_iter().map(|h| format!("{} in {}", h.secret, h.location))),
        Err(e) => return Some(Err(e.to_string())),
    }
    Some(if hits.is_empty() {
        Ok(format!("{} secret value(s) absent from history, config and every file of every layer", secrets.len()))
    } else {
        Err(format!("secret values found: {}", hits.join("; ")))
    })
}

pub fn checks(docker: &Docker, dir: &Path, spec: &ProjectSpec, image: &str, label: &str, rec: &mut Recorder) {
    let label = label.to_string();
    rec.outcome(CheckId::ImageUser, check_user(docker, &label, image, spec));
    match check_no_shell(docker, &label, image, spec) {
        Some(result) => rec.outcome(CheckId::ImageNoShell, result),
        None => rec.skip(
            CheckId::ImageNoShell,
            format!("base {} ships a shell by design; base distroless has none", spec.base),
        ),
    }
    rec.outcome(CheckId::ImageNoCompiler, check_no_compiler(docker, &label, image));
    match check_no_secrets(docker, image, dir) {
        Some(result) => rec.outcome(CheckId::ImageNoSecrets, result),
        None => rec.skip(CheckId::ImageNoSecrets, "no secret files in secrets/ to look for"),
    }
}
