//! Helpers shared by the Dockerfile rules: walking RUN commands with positions, mounts, the
//! final stage and the package managers' subcommands.

use crate::audit::dockerfile::{Dockerfile, Instruction, Stage};
use crate::audit::shell::{Command, Script, Word};

/// Every RUN (also inside ONBUILD) with its parsed scripts.
pub fn runs(file: &Dockerfile) -> Vec<(&Instruction, &[Script])> {
    file.all().filter(|(i, _)| i.keyword == "RUN").map(|(i, _)| (i, i.scripts())).collect()
}

/// The RUNs whose layers are in the shipped image (see [`Dockerfile::shipped`]).
pub fn shipped_runs(file: &Dockerfile) -> Vec<(&Instruction, &[Script])> {
    file.shipped().filter(|(i, _)| i.keyword == "RUN").map(|(i, _)| (i, i.scripts())).collect()
}

/// Calls `f` for every command of every RUN, with the command's line and column.
pub fn for_each_command(file: &Dockerfile, mut f: impl FnMut(&Instruction, &Command, (u32, u32))) {
    for (instruction, scripts) in runs(file) {
        for script in scripts {
            for command in script.commands() {
                f(instruction, command, instruction.position(command.start()));
            }
        }
    }
}

/// Like [`for_each_command`], for the RUNs whose layers are in the shipped image.
pub fn for_each_shipped_command(file: &Dockerfile, mut f: impl FnMut(&Instruction, &Command, (u32, u32))) {
    for (instruction, scripts) in shipped_runs(file) {
        for script in scripts {
            for command in script.commands() {
                f(instruction, command, instruction.position(command.start()));
            }
        }
    }
}

/// The `--mount` options of a RUN, each as key/value pairs.
pub fn mounts(instruction: &Instruction) -> Vec<Vec<(String, String)>> {
    instruction
        .flag_values("mount")
        .map(|m| {
            m.split(',')
                .map(|kv| {
                    kv.split_once('=').map_or((kv.to_string(), String::new()), |(k, v)| (k.to_string(), v.to_string()))
                })
                .collect()
        })
        .collect()
}

/// A `--mount=type=cache` (or tmpfs) whose target is, or is a parent of, one of `targets`.
pub fn has_cache_mount(instruction: &Instruction, targets: &[&str]) -> bool {
    has_cache_mount_where(instruction, |t| {
        targets.iter().any(|x| {
            let x = x.trim_end_matches('/');
            t == x || x.strip_prefix(t).is_some_and(|rest| rest.starts_with('/'))
        })
    })
}

/// A `--mount=type=cache` (or tmpfs) whose target (without a trailing `/`) passes `accept`.
pub fn has_cache_mount_where(instruction: &Instruction, accept: impl Fn(&str) -> bool) -> bool {
    mounts(instruction).iter().any(|m| {
        let get = |k: &str| m.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        matches!(get("type"), Some("cache" | "tmpfs"))
            && get("target").or(get("dst")).or(get("destination")).is_some_and(|t| accept(t.trim_end_matches('/')))
    })
}

/// The final stage and the stages it builds on, with their instructions oldest first.
pub fn final_lineage(file: &Dockerfile) -> Vec<(&Stage, &[Instruction])> {
    let Some(stage) = file.final_stage() else { return Vec::new() };
    let mut lineage: Vec<_> = file.lineage(stage).into_iter().map(|s| (s, file.stage_instructions(s))).collect();
    lineage.reverse();
    lineage
}

/// The last USER in effect in the final stage (inherited from stages it builds on).
pub fn final_user(file: &Dockerfile) -> Option<&Instruction> {
    final_lineage(file).into_iter().rev().find_map(|(_, body)| body.iter().rev().find(|i| i.keyword == "USER"))
}

/// The user part of `user[:group]`.
pub fn user_part(value: &str) -> &str {
    value.split(':').next().unwrap_or("").trim()
}

/// `apt-get`/`apt` subcommand (`install`, `update`...).
pub fn apt_subcommand(command: &Command) -> Option<&str> {
    matches!(command.name(), "apt-get" | "apt" | "aptitude")
        .then(|| command.subcommand(&["-o", "-t", "-c", "--option", "--target-release"]).map(|(_, w)| w.text.as_str()))
        .flatten()
}

/// The subcommand of yum, dnf, microdnf, tdnf, zypper or apk.
pub fn pm_subcommand(command: &Command) -> Option<&str> {
    matches!(command.name(), "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" | "zypper" | "apk")
        .then(|| {
            command
                .subcommand(&[
                    "--setopt",
                    "-c",
                    "--config",
                    "-R",
                    "--root",
                    "-X",
                    "--repository",
                    "--installroot",
                    "-p",
                ])
                .map(|(_, w)| w.text.as_str())
        })
        .flatten()
}

/// A pip invocation: `pip`, `pip3`, `pip3.12`, `python -m pip`, `uv pip`. Returns the words
/// from the subcommand on.
pub fn pip_args(command: &Command) -> Option<Vec<&str>> {
    let words = command.effective();
    let name = command.name();
    let args: Vec<&str> = words.iter().skip(1).map(|w| w.text.as_str()).collect();
    let is_pip = |n: &str| {
        n == "pip" || n.strip_prefix("pip").is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    if is_pip(name) {
        return Some(args);
    }
    if name.starts_with("python") {
        let at = args.windows(2).position(|w| w[0] == "-m" && is_pip(w[1]))?;
        return Some(args[at + 2..].to_vec());
    }
    None
}

/// The subcommand of a pip argument list, skipping options that take a value.
pub fn pip_subcommand<'a>(args: &[&'a str]) -> Option<(usize, &'a str)> {
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a.starts_with('-') {
            i += if matches!(
                a,
                "--python" | "--cache-dir" | "--log" | "--proxy" | "--timeout" | "--retries" | "-r" | "-c"
            ) {
                2
            } else {
                1
            };
            continue;
        }
        return Some((i, a));
    }
    None
}

/// The operands among `words`: not options, not the value after an option of `value_options`
/// (`--name value`; `--name=value` is one word), and nothing after `--`.
pub fn operands<'a>(words: impl IntoIterator<Item = &'a Word>, value_options: &[&str]) -> Vec<&'a Word> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in words {
        if skip {
            skip = false;
            continue;
        }
        if w.text == "--" {
            break;
        }
        if w.text.starts_with('-') {
            skip = !w.text.contains('=') && value_options.contains(&w.text.as_str());
            continue;
        }
        out.push(w);
    }
    out
}

/// FROM images that are real images (not `scratch`, not an earlier stage, not an unresolved
/// `$VAR`), with `ARG` defaults substituted.
pub fn from_images(file: &Dockerfile) -> Vec<(&Instruction, crate::audit::dockerfile::ImageRef, String)> {
    file.stages
        .iter()
        .filter(|s| s.base_stage.is_none())
        .filter_map(|s| {
            let image = s.image.as_deref()?;
            if image.eq_ignore_ascii_case("scratch") || image.contains('$') {
                return None;
            }
            Some((&file.instructions[s.from], crate::audit::dockerfile::ImageRef::parse(image), image.to_string()))
        })
        .collect()
}

/// Sources and destination of a COPY or ADD (shell or JSON form), heredoc sources left out.
pub fn copy_paths(instruction: &Instruction) -> Option<(Vec<(String, usize)>, String)> {
    let mut words: Vec<(String, usize)> = match &instruction.json {
        Some(items) => items.iter().map(|i| (i.clone(), instruction.args_offset)).collect(),
        None => instruction.words().iter().map(|w| (w.text.clone(), w.start)).collect(),
    };
    let (dest, _) = words.pop()?;
    words.retain(|(w, _)| !w.starts_with("<<"));
    Some((words, dest))
}

const DOWNLOADERS: &[&str] = &["curl", "wget", "fetch", "http", "aria2c"];
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ash", "ksh", "python", "python3", "perl", "ruby", "node", "php", "pwsh", "source",
    ".",
];

fn is_interpreter(name: &str) -> bool {
    INTERPRETERS.contains(&name) || (name.starts_with("python3.") && name[8..].chars().all(|c| c.is_ascii_digit()))
}

/// Byte offsets of commands that run a downloaded script without checking it: `curl … | sh`,
/// `sh -c "$(curl …)"`, `bash <(wget -O- …)`.
pub fn remote_script_runs(script: &Script) -> Vec<usize> {
    let mut out = Vec::new();
    for pipeline in script.all_pipelines() {
        let commands = &pipeline.commands;
        if let Some(first) = commands.iter().position(|c| DOWNLOADERS.contains(&c.name())) {
            if let Some(shell) = commands[first + 1..].iter().find(|c| is_interpreter(c.name())) {
                out.push(shell.start());
                continue;
            }
        }
        for command in commands {
            if !is_interpreter(command.name()) {
                continue;
            }
            let downloads = command
                .effective()
                .iter()
                .skip(1)
                .any(|w| w.subs.iter().any(|s| s.commands().iter().any(|c| DOWNLOADERS.contains(&c.name()))));
            if downloads {
                out.push(command.start());
            }
        }
    }
    out
}
