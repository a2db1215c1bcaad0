//! BD043: the image starts as root and its entrypoint visibly switches to another user.

use crate::audit::dockerfile::{quote, Dockerfile, ImageRef, Instruction};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell::{self, Command};
use crate::report::Severity;

use super::packages::{install, package_name};
use super::support::{copy_paths, final_lineage, final_user, user_part};

pub static RULE: Rule = Rule {
    code: "BD043",
    name: "root-until-entrypoint",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "The container starts as root and its entrypoint drops to another user (gosu, su-exec, setpriv...).",
    fix: "Prefer `USER <uid>` and files owned by that user; if the entrypoint must start as root, keep its root part minimal and document why.",
    docs: r#"## What it does
Reports a final stage that runs as root (no `USER`, or `USER root` last) when its entrypoint
visibly switches to an unprivileged user before running the service, the pattern of the
official database images. BD001 and BD002 stay silent for such an image, and this rule reports
it at a lower severity, with what it saw:
- the `ENTRYPOINT` (or `CMD`) itself starts with `gosu`, `su-exec`, `setpriv --reuid`,
  `chroot --userspec`, `runuser -u`, `s6-setuidgid`, `setuidgid`, `chpst -u` or `su ... -c`
  (after an init such as `tini --` or `dumb-init`);
- the entrypoint is a script the Dockerfile copies in (from the build context, read when it is
  on disk, or from a heredoc), and that script runs one of those commands;
- the entrypoint is a script berth cannot read, and the final stage installs `gosu` or
  `su-exec` (by package, download or `COPY --from`), which exists for nothing else;
- the Dockerfile keeps the entrypoint of an official image documented to step down this way:
  `postgres`, `mysql`, `mariadb`, `mongo`, `redis`, `rabbitmq`, `cassandra`, `ghost`.

## Why is this bad?
The service itself runs unprivileged, but everything before the switch runs as root: the
entrypoint's own code (often `chown -R` over volumes), anything it sources, and every
`docker exec` or changed command (`docker run image sh`), which start as root with no switch at
all. It is a documented, deliberate design, less exposed than an application that runs as root,
hence medium rather than high; an image that needs no root step at start should set `USER`.

## Example
```dockerfile
FROM postgres:17
COPY init.sql /docker-entrypoint-initdb.d/
```

## Use instead
```dockerfile
FROM postgres:17
COPY init.sql /docker-entrypoint-initdb.d/
# berth: ignore=BD043 the entrypoint fixes volume ownership as root, then runs postgres as uid 999
```

## Compared with other linters
hadolint DL3002 only sees an explicit `USER root`; checkov CKV_DOCKER_3 and KICS report every
image without `USER` at the same level, whether the entrypoint drops privileges or not.

## References
- CIS Docker Benchmark 4.1; OWASP Docker Security Cheat Sheet rule #2
- docker-library `docker-entrypoint.sh` of postgres, mysql, redis (`exec gosu ... "$@"`);
  tianon/gosu README ("simple Go-based setuid+setgid+setgroups+exec")
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// Commands that run the rest of their arguments as another user.
const STEP_DOWN: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "chroot",
    "runuser",
    "s6-setuidgid",
    "setuidgid",
    "chpst",
    "su",
    "start-stop-daemon",
];
/// Tools that exist only to step down, so installing one is evidence of the pattern.
const STEP_DOWN_TOOLS: &[&str] = &["gosu", "su-exec"];
/// Inits that run their arguments as the same user.
const INITS: &[&str] = &["tini", "tini-static", "dumb-init", "catatonit", "--"];
/// Official images whose kept entrypoint steps down (checked in their docker-entrypoint.sh).
const STEPPING_DOWN_IMAGES: &[&str] =
    &["postgres", "mysql", "mariadb", "mongo", "redis", "rabbitmq", "cassandra", "ghost"];

/// Whether a command switches to another user, and with what.
fn steps_down(command: &Command) -> Option<&'static str> {
    let name = command.name();
    let tool = STEP_DOWN.iter().copied().find(|t| *t == name)?;
    let args: Vec<&str> = command.args().iter().map(|w| w.text.as_str()).collect();
    let has = |prefixes: &[&str]| args.iter().any(|a| prefixes.iter().any(|p| a.starts_with(p)));
    let ok = match tool {
        "gosu" | "su-exec" | "s6-setuidgid" | "setuidgid" => {
            args.first().is_some_and(|u| !matches!(user_part(u), "root" | "0"))
        }
        "setpriv" => has(&["--reuid", "--ruid", "--euid"]),
        "chroot" => has(&["--userspec"]),
        "runuser" => has(&["-u", "--user"]) || args.iter().any(|a| !a.starts_with('-') && *a != "root"),
        "chpst" => has(&["-u", "-U"]),
        "start-stop-daemon" => has(&["--chuid", "-c"]),
        // `su app -c cmd`, `su -s /bin/sh -c cmd app`.
        _ => has(&["-c", "--command"]) && !args.contains(&"root"),
    };
    ok.then_some(tool)
}

/// The last `keyword` (ENTRYPOINT or CMD) of the final stage and the stages it builds on, as
/// words, past inits such as `tini --`.
fn start_command<'a>(file: &'a Dockerfile, keyword: &str) -> Option<(Vec<String>, &'a Instruction)> {
    let lineage = final_lineage(file);
    let instruction = lineage.iter().rev().find_map(|(_, body)| body.iter().rev().find(|i| i.keyword == keyword))?;
    let words = match &instruction.json {
        Some(items) => items.clone(),
        None => {
            let script = shell::parse(instruction.args(), 0);
            script.pipelines.first()?.commands.first()?.words.iter().map(|w| w.text.clone()).collect()
        }
    };
    let mut rest: &[String] = &words;
    while let Some(first) = rest.first() {
        let base = first.rsplit('/').next().unwrap_or(first);
        if INITS.contains(&base) || (first.starts_with('-') && rest.len() < words.len()) {
            rest = &rest[1..];
        } else {
            break;
        }
    }
    Some((rest.to_vec(), instruction))
}

/// The text of the file a COPY or ADD put at `path` in the final image, when berth can read it.
fn copied_script(input: &DockerfileInput, path: &str) -> Option<(String, String)> {
    let file = input.file;
    let name = path.rsplit('/').next().unwrap_or(path);
    for (_, body) in final_lineage(file).into_iter().rev() {
        for instruction in body.iter().rev().filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD")) {
            if instruction.flag("from").is_some() {
                continue;
            }
            let Some((sources, destination)) = copy_paths(instruction) else { continue };
            for heredoc in &instruction.heredocs {
                let target = if destination.ends_with('/') {
                    format!("{destination}{}", heredoc.marker)
                } else {
                    destination.clone()
                };
                if target == path || (!path.contains('/') && target.rsplit('/').next() == Some(name)) {
                    return Some((
                        format!("heredoc {}", heredoc.marker),
                        instruction.heredoc_body(heredoc).to_string(),
                    ));
                }
            }
            for (source, _) in &sources {
                let source_name = source.trim_end_matches('/').rsplit('/').next().unwrap_or(source);
                let target = if destination.ends_with('/') || sources.len() > 1 {
                    format!("{}/{source_name}", destination.trim_end_matches('/'))
                } else {
                    destination.clone()
                };
                let matches = target == path
                    || (!path.starts_with('/') && target.rsplit('/').next() == Some(name))
                    || (destination.ends_with('/')
                        && !source.contains('*')
                        && source_name == name
                        && !path.contains('/'));
                if matches {
                    let text = input.context.and_then(|c| c.read_text(source))?;
                    return Some((source.clone(), text));
                }
            }
        }
    }
    None
}

/// Whether the final stage installs a step-down tool (package, download or copy).
fn installs_step_down_tool(file: &Dockerfile) -> Option<&'static str> {
    for (_, body) in final_lineage(file) {
        for instruction in body {
            if matches!(instruction.keyword.as_str(), "COPY" | "ADD") {
                if let Some((sources, destination)) = copy_paths(instruction) {
                    let named = sources.iter().map(|(s, _)| s.as_str()).chain([destination.as_str()]);
                    for path in named {
                        let base = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
                        if let Some(tool) = STEP_DOWN_TOOLS.iter().find(|t| **t == base) {
                            return Some(tool);
                        }
                    }
                }
            }
            for script in instruction.scripts() {
                for command in script.commands() {
                    if let Some(install) = install(command) {
                        if let Some(tool) = install
                            .packages
                            .iter()
                            .find_map(|p| STEP_DOWN_TOOLS.iter().find(|t| **t == package_name(&p.text)))
                        {
                            return Some(tool);
                        }
                    }
                    let outputs = ["-o", "-O", "--output", "--output-document"];
                    if matches!(command.name(), "curl" | "wget") {
                        let args = command.args();
                        for (i, w) in args.iter().enumerate() {
                            let value = if outputs.contains(&w.text.as_str()) {
                                args.get(i + 1).map(|v| v.text.as_str())
                            } else {
                                None
                            };
                            if let Some(tool) = value.and_then(|v| {
                                STEP_DOWN_TOOLS.iter().find(|t| v.ends_with(&format!("/{t}")) || v == **t)
                            }) {
                                return Some(tool);
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

/// The official image the final stage is built on, when its entrypoint is documented to step
/// down (see [`STEPPING_DOWN_IMAGES`]).
fn stepping_down_base(file: &Dockerfile) -> Option<String> {
    let base = final_lineage(file).first().and_then(|(s, _)| s.image.clone())?;
    let image = ImageRef::parse(&base);
    let repository = image.repository();
    STEPPING_DOWN_IMAGES.contains(&repository).then(|| repository.to_string())
}

fn official(repository: &str) -> String {
    format!("the entrypoint of the official {} image switches to its service user", quote(repository))
}

/// Why the final stage is seen to drop privileges at run time, if it is.
pub fn privilege_drop(input: &DockerfileInput) -> Option<String> {
    let file = input.file;
    let (words, instruction) = match start_command(file, "ENTRYPOINT") {
        Some(found) => found,
        // The base image's ENTRYPOINT is kept (a CMD only gives it arguments), or CMD starts it.
        None => match stepping_down_base(file) {
            Some(repository) => return Some(official(&repository)),
            None => start_command(file, "CMD")?,
        },
    };
    let program = words.first()?;
    let command = shell::Command {
        words: words.iter().map(|t| shell::Word { text: t.clone(), ..Default::default() }).collect(),
        ..Default::default()
    };
    if let Some(tool) = steps_down(&command) {
        return Some(format!("{} runs {}", instruction.keyword, quote(tool)));
    }
    if let Some((source, text)) = copied_script(input, program) {
        let script = shell::parse(&text, 0);
        let same_name = source.trim_start_matches("./").trim_start_matches('/') == program.trim_start_matches('/');
        let from = if same_name { String::new() } else { format!(" (from {})", quote(&source)) };
        return script
            .commands()
            .iter()
            .find_map(|c| steps_down(c))
            .map(|tool| format!("the entrypoint script {}{from} switches user with {}", quote(program), quote(tool)));
    }
    // `ENTRYPOINT ["docker-entrypoint.sh"]` written again over an official image: still its own.
    if program.rsplit('/').next() == Some("docker-entrypoint.sh") {
        if let Some(repository) = stepping_down_base(file) {
            return Some(official(&repository));
        }
    }
    let script_like = program.ends_with(".sh") || program.contains("entrypoint") || program.contains('/');
    if script_like {
        if let Some(tool) = installs_step_down_tool(file) {
            return Some(format!(
                "the image installs {} and starts through {}, a script berth cannot read here",
                quote(tool),
                quote(program)
            ));
        }
    }
    None
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    let Some(stage) = file.final_stage() else { return };
    let user = final_user(file);
    let root = match user {
        None => true,
        Some(u) => matches!(user_part(u.args().trim()), "root" | "0"),
    };
    if !root {
        return;
    }
    let Some(reason) = privilege_drop(input) else { return };
    let at = user.map_or(&file.instructions[stage.from], |u| u);
    sink.at(
        at.line,
        at.col,
        format!("the container starts as root; {reason}, so the service runs unprivileged, but the entrypoint and `docker exec` run as root"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::context::BuildContext;
    use crate::audit::rule::Settings;
    use crate::audit::testing::{findings_with, lines};

    fn with_files(text: &str, files: &[(&str, &str)]) -> Vec<u32> {
        let context = BuildContext::in_memory_with_texts("", files);
        findings_with(&RULE, text, Some(&context), &Settings::default()).iter().map(|f| f.line).collect()
    }

    #[test]
    fn sees_the_step_down_in_the_entrypoint() {
        assert_eq!(lines(&RULE, "FROM debian:13\nENTRYPOINT [\"tini\", \"--\", \"gosu\", \"app\", \"server\"]\n"), [1]);
        assert_eq!(lines(&RULE, "FROM debian:13\nUSER root\nCMD [\"setpriv\", \"--reuid=1000\", \"--regid=1000\", \"--init-groups\", \"x\"]\n"), [2]);
        let script = "#!/bin/sh\nset -e\nif [ \"$(id -u)\" = '0' ]; then\n  chown -R app /data\n  exec su-exec app \"$0\" \"$@\"\nfi\nexec \"$@\"\n";
        let text = "FROM alpine:3\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"server\"]\n";
        assert_eq!(with_files(text, &[("docker-entrypoint.sh", script)]), [1]);
        let heredoc = "FROM alpine:3\nCOPY <<EOF /entry.sh\nexec gosu app \"$@\"\nEOF\nENTRYPOINT [\"/entry.sh\"]\n";
        assert_eq!(lines(&RULE, heredoc), [1]);
        let installed = "FROM debian:13\nRUN apt-get update && apt-get install -y gosu && rm -rf /var/lib/apt/lists/*\nCOPY entrypoint.sh /\nENTRYPOINT [\"/entrypoint.sh\"]\n";
        assert_eq!(lines(&RULE, installed), [1], "the script is not on disk, the tool is installed");
        assert_eq!(lines(&RULE, "FROM postgres:17\nCOPY init.sql /docker-entrypoint-initdb.d/\n"), [1]);
        assert_eq!(
            lines(&RULE, "FROM postgres:17\nCMD [\"postgres\", \"-c\", \"shared_buffers=256MB\"]\n"),
            [1],
            "CMD only"
        );
        assert_eq!(
            lines(&RULE, "FROM redis:8\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"redis-server\"]\n"),
            [1],
            "the official entrypoint, named again"
        );
    }

    #[test]
    fn stays_silent_without_evidence_or_when_not_root() {
        let cases = [
            "FROM debian:13\nCMD [\"python\", \"app.py\"]\n",
            "FROM debian:13\nUSER 1000\nENTRYPOINT [\"gosu\", \"app\", \"x\"]\n",
            "FROM debian:13\nENTRYPOINT [\"gosu\", \"root\", \"x\"]\n",
            "FROM postgres:17\nENTRYPOINT [\"/my-own.sh\"]\n",
            "FROM debian:13\nCOPY entrypoint.sh /\nENTRYPOINT [\"/entrypoint.sh\"]\n",
        ];
        for text in cases {
            assert!(lines(&RULE, text).is_empty(), "{text}");
        }
        let script = "#!/bin/sh\nexec \"$@\"\n";
        let text =
            "FROM alpine:3\nRUN apk add --no-cache su-exec\nCOPY entry.sh /entry.sh\nENTRYPOINT [\"/entry.sh\"]\n";
        assert!(with_files(text, &[("entry.sh", script)]).is_empty(), "the script is read and does not step down");
    }
}
