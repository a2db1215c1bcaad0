//! BD028: language packages installed without versions.

use super::support::{for_each_command, pip_args, pip_subcommand};
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD028",
    name: "unpinned-language-packages",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "pip, npm, gem or go install names packages without versions.",
    fix: "Pin versions (`pip install uv==0.9.2`, `npm install -g x@1.2.3`), or install from a lock file (`-r requirements.txt`, `uv sync --locked`).",
    docs: r#"## What it does
Flags package arguments of `pip install` (no `==`, `===`, `@` or file/URL/path), `npm install -g`/`npm i -g` (no `@version`), `gem install` (no `-v`/`:version`) and `go install` (no `@version`). Installs from requirement or lock files (`-r`, `-c`, `.`, local paths, wheels) are not flagged.

## Why is this bad?
An unpinned install takes whatever is newest at build time: builds stop being repeatable, and a malicious or broken release is picked up silently. Unlike OS packages, old PyPI/npm versions stay available, so pinning does not break later builds.

## Example
```dockerfile
RUN pip install --no-cache-dir flask
```

## Use instead
```dockerfile
RUN pip install --no-cache-dir flask==3.1.2
```

## Compared with other linters
hadolint DL3013/DL3016/DL3028/DL3062 are `warning`s; berth rates unpinned language packages low, as the consolidated table does, because pinning is a repeatability control and the anchors' trackers are full of false positives for it (hadolint #67, #287, #915, #1134).

## References
- hadolint DL3013, DL3016, DL3028, DL3062; KICS 02d9c71f, e36d8880
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn local(arg: &str) -> bool {
    arg.starts_with('.')
        || arg.starts_with('/')
        || arg.contains("://")
        || arg.ends_with(".whl")
        || arg.ends_with(".tar.gz")
        || arg.ends_with(".zip")
        || arg.contains('$')
        || arg.contains('*')
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
        let mut unpinned: Vec<String> = Vec::new();
        if let Some(args) = pip_args(command) {
            if let Some((at, "install")) = pip_subcommand(&args) {
                let mut skip = false;
                for a in &args[at + 1..] {
                    if skip {
                        skip = false;
                        continue;
                    }
                    if a.starts_with('-') {
                        skip = matches!(
                            *a,
                            "-r" | "--requirement"
                                | "-c"
                                | "--constraint"
                                | "-e"
                                | "--editable"
                                | "-i"
                                | "--index-url"
                                | "--extra-index-url"
                                | "-f"
                                | "--find-links"
                                | "--target"
                                | "-t"
                                | "--prefix"
                                | "--root"
                                | "--python"
                                | "--platform"
                                | "--only-binary"
                                | "--no-binary"
                        );
                        continue;
                    }
                    if !(a.contains("==") || a.contains("===") || a.contains('@') || local(a)) {
                        unpinned.push(a.to_string());
                    }
                }
            }
        }
        let args: Vec<&str> = command.args().iter().map(|w| w.text.as_str()).collect();
        match command.name() {
            "npm"
                if matches!(args.first(), Some(&"install" | &"i" | &"add"))
                    && args.iter().any(|a| *a == "-g" || *a == "--global") =>
            {
                unpinned.extend(
                    args[1..]
                        .iter()
                        .filter(|a| !a.starts_with('-') && !local(a) && !a.trim_start_matches('@').contains('@'))
                        .map(|a| a.to_string()),
                );
            }
            "gem"
                if args.first() == Some(&"install")
                    && !args.iter().any(|a| *a == "-v" || a.starts_with("--version")) =>
            {
                unpinned.extend(
                    args[1..]
                        .iter()
                        .filter(|a| !a.starts_with('-') && !a.contains(':') && !local(a))
                        .map(|a| a.to_string()),
                );
            }
            "go" if args.first() == Some(&"install") => {
                unpinned.extend(
                    args[1..]
                        .iter()
                        .filter(|a| !a.starts_with('-') && !a.contains('@') && !local(a))
                        .map(|a| a.to_string()),
                );
            }
            _ => {}
        }
        if !unpinned.is_empty() {
            sink.at(
                line,
                col,
                format!(
                    "`{}` installs {} without a version",
                    command.name(),
                    unpinned.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_unpinned_installs() {
        let text = "FROM a\nRUN pip install flask requests==2.32.0\nRUN pip install -r requirements.txt\nRUN python -m pip install uv==0.9.2\nRUN npm install -g typescript\nRUN go install golang.org/x/tools/cmd/goimports@v0.1.0\nRUN gem install bundler\nRUN pip install --no-cache-dir /wheels/*\n";
        assert_eq!(lines(&RULE, text), [2, 5, 7]);
    }
}
