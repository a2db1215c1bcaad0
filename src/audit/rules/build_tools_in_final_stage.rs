//! BD039: compilers and headers installed in the final stage.

use super::packages::{install, package_name, removal, Ledger};
use super::support::final_lineage;
use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD039",
    name: "build-tools-in-final-stage",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "The final stage installs compilers or development headers.",
    fix: "Install build tools in a builder stage and copy only the results (wheels, the venv) into the final stage.",
    docs: r#"## What it does
Flags `apt-get install`, `apk add`, `yum`/`dnf install` and `zypper install` of compilers and
headers (`gcc`, `g++`, `make`, `build-essential`, `*-dev`, `*-devel`, `musl-dev`...) in the
final stage or a stage it builds on, unless they are removed again before the image is done:
`apk add --virtual .build-deps ...` followed by `apk del .build-deps`, `apt-get purge` /
`apt-get remove` / `apt-get autoremove` of the package, the `apt-mark auto '.*'` + `apt-mark
manual $savedAptMark` + `apt-get purge --auto-remove` idiom of the official images, `dnf remove`,
`zypper remove`. Removing them in the same RUN also keeps them out of the layers; removing them
in a later RUN keeps them out of the container but not out of the image's size.

## Why is this bad?
Compilers in the runtime image let an attacker build tools in place and add hundreds of packages with their CVEs. Multi-stage builds exist to leave them behind.

## Example
```dockerfile
FROM python:3.13-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM python:3.13-slim AS builder
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev && rm -rf /var/lib/apt/lists/*
FROM python:3.13-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.3; the Docker security lesson's checklist ("Multi-stage build (no build tools in final image)")
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

const TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "cc",
    "clang",
    "make",
    "cmake",
    "build-essential",
    "build-base",
    "autoconf",
    "automake",
    "libtool",
    "pkg-config",
    "pkgconf",
    "rustc",
    "cargo",
    "golang",
    "gfortran",
];

fn is_build_tool(package: &str) -> bool {
    let name = package_name(package);
    TOOLS.contains(&name)
        || name.ends_with("-dev")
        || name.ends_with("-devel")
        || name.starts_with("gcc-")
        || name.starts_with("g++-")
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    // Build tools installed in the final stage (and the stages it builds on), followed to their
    // removal: a tool removed again, in the same RUN or a later one, is not in the final image.
    let mut ledger: Ledger<(u32, u32)> = Ledger::default();
    let mut run = 0;
    for (_, body) in final_lineage(input.file) {
        for instruction in body.iter().filter(|i| i.keyword == "RUN") {
            run += 1;
            for script in instruction.scripts() {
                for command in script.commands() {
                    if let Some(install) = install(command) {
                        let at = instruction.position(command.start());
                        for package in install.packages.iter().filter(|p| !p.text.contains('$')) {
                            if is_build_tool(&package.text) {
                                ledger.install(install.manager, package_name(&package.text), install.group, run, at);
                            }
                        }
                    }
                    if let Some(removal) = removal(command) {
                        ledger.apply(removal);
                    }
                }
            }
        }
    }
    // One finding per install command, naming the tools it left.
    let mut by_command: Vec<((u32, u32), Vec<&str>)> = Vec::new();
    for (name, _, at) in ledger.remaining() {
        match by_command.iter_mut().find(|(place, _)| place == at) {
            Some((_, names)) => names.push(name),
            None => by_command.push((*at, vec![name])),
        }
    }
    for ((line, col), names) in by_command {
        let shown: Vec<String> = names.iter().map(|n| quote(n)).collect();
        sink.at(
            line,
            col,
            format!("the final stage installs build tools and never removes them: {}", shown.join(", ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_build_tools_in_the_final_stage_only() {
        let text = "FROM a AS b\nRUN apt-get install -y gcc libpq-dev\nFROM a\nRUN apt-get install -y --no-install-recommends libpq5 gcc\nRUN apk add --no-cache musl-dev\n";
        assert_eq!(lines(&RULE, text), [4, 5]);
    }

    #[test]
    fn tools_removed_again_are_not_in_the_image() {
        let removed = [
            "FROM alpine:3\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n && make \\\n && apk del --no-network .build-deps\n",
            "FROM debian:13\nRUN savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; apt-get install -y --no-install-recommends gcc libc6-dev; make; apt-mark auto '.*' > /dev/null; [ -z \"$savedAptMark\" ] || apt-mark manual $savedAptMark; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/*\n",
            "FROM python:3.13-slim\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential && pip install --no-cache-dir -r r.txt && apt-get autoremove -yqq --purge build-essential && rm -rf /var/lib/apt/lists/*\n",
            "FROM fedora:42\nRUN dnf install -y gcc && make && dnf remove -y gcc && dnf clean all\n",
            "FROM alpine:3\nRUN apk add -t build gcc\nRUN make\nRUN apk del build\n",
        ];
        for text in removed {
            assert!(lines(&RULE, text).is_empty(), "{text}");
        }
        assert_eq!(
            lines(
                &RULE,
                "FROM alpine:3\nRUN apk add --virtual .build-deps gcc && apk add make && apk del .build-deps\n"
            ),
            [2],
            "make was not in the removed group"
        );
    }
}
