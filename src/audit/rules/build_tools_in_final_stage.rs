//! BD039: compilers and headers installed in the final stage.

use super::support::{apt_subcommand, final_lineage, package_args, pm_subcommand};
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
Flags `apt-get install`, `apk add`, `yum`/`dnf install` of compilers and headers (`gcc`, `g++`, `make`, `build-essential`, `*-dev`, `*-devel`, `musl-dev`...) in the final stage or a stage it builds on.

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
    let name = package.split(['=', '>', '<']).next().unwrap_or(package);
    let name = name.split(':').next().unwrap_or(name);
    TOOLS.contains(&name)
        || name.ends_with("-dev")
        || name.ends_with("-devel")
        || name.starts_with("gcc-")
        || name.starts_with("g++-")
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (_, body) in final_lineage(input.file) {
        for instruction in body.iter().filter(|i| i.keyword == "RUN") {
            for script in instruction.scripts() {
                for command in script.commands() {
                    let packages = if apt_subcommand(command) == Some("install") {
                        package_args(command, "install", &["-o", "-t"])
                    } else if command.name() == "apk" && pm_subcommand(command) == Some("add") {
                        package_args(command, "add", &["-t", "--virtual", "-X", "--repository"])
                    } else if matches!(command.name(), "yum" | "dnf" | "microdnf")
                        && pm_subcommand(command) == Some("install")
                    {
                        package_args(command, "install", &["--setopt"])
                    } else {
                        continue;
                    };
                    let tools: Vec<&str> =
                        packages.iter().map(|w| w.text.as_str()).filter(|p| is_build_tool(p)).collect();
                    if !tools.is_empty() {
                        let (line, col) = instruction.position(command.start());
                        sink.at(line, col, format!("the final stage installs build tools: {}", tools.join(", ")));
                    }
                }
            }
        }
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
}
