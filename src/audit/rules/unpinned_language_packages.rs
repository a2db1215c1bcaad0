//! BD028: language packages installed without versions.

use super::support::{copy_paths, for_each_command, pip_args, pip_subcommand};
use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell::{Command, Word};
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD028",
    name: "unpinned-language-packages",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "pip, pipx, npm, gem or go installs packages without versions.",
    fix: "Pin versions (`pip install uv==0.9.2`, `npm install x@1.2.3`, `go install x@v1.2.3`), or install from a lock file (`-r requirements.txt`, `npm ci`, `uv sync --locked`).",
    docs: r#"## What it does
Flags package arguments without a version:
- `pip install` (also `pip3`, `python -m pip`, `uv pip install`) and `pipx install` / `uv tool
  install`: a name without a version specifier. Any specifier counts as a pin, ranges included
  (`==`, `===`, `~=`, `>=`, `<=`, `!=`, `<`, `>`: `'wheel<0.46'`, `'requests>=2,<3'`), as does a
  direct reference (`name @ url`). A `git+https://...` URL needs an `@ref`. Not packages: the
  values of options (`--trusted-host HOST`, `--root-user-action ignore`, `-i URL`...),
  requirement and constraint files (`-r`, `-c`: a constraint file pins the names given with
  it), local paths, wheels and archives.
- `npm install` / `npm i` / `npm add` (global or local): a name without `@version` (`@scope/x`
  needs its own `@version`); `git` URLs need a `#ref`. `npm install` without names installs the
  lock file and is fine, as are tarballs and paths.
- `gem install` / `gem i`: a name without `:version` or `-v`/`--version`; what follows `--` is
  build options.
- `go install`, `go get`, `go run`: a package without `@version`, or with `@latest`; local
  packages (`.`, `./...`, `./cmd/x`, absolute paths) are fine, and so are the packages of the
  Go code the build copies in from its context: under the module path its `go.mod` declares
  (`COPY . .` then `go install example.com/app/cmd/server`), or under a GOPATH directory it is
  copied to (`COPY . /go/src/example.com/app`), as are `std`, `cmd` and `all`. For `go run`,
  only the package is judged, not its arguments.

An unquoted `name>=1.0` is read by the shell as `name` with its output redirected to a file
`=1.0`: the install is not pinned at all, and the message says so.

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

/// pip options that take a value (the value is not a package).
const PIP_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "--requirements",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--python",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--trusted-host",
    "--root-user-action",
    "--cache-dir",
    "--log",
    "--proxy",
    "--timeout",
    "--retries",
    "--src",
    "--upgrade-strategy",
    "--progress-bar",
    "-C",
    "--config-settings",
    "--global-option",
    "--build-option",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--keyring-provider",
    "--report",
    "--group",
    "--use-feature",
    "--use-deprecated",
    "--build",
    "--pip-args",
    "--suffix",
    "--index",
    "--default-index",
    "--with",
    // uv's own (`uv pip install`, `uv tool install`).
    "-p",
    "--python-preference",
    "--index-strategy",
    "--constraints",
    "--overrides",
    "--resolution",
    "--prerelease",
    "--exclude-newer",
    "--link-mode",
    "--reinstall-package",
    "--upgrade-package",
    "--python-platform",
    "--no-build-package",
    "--no-binary-package",
    "--extra",
    "--torch-backend",
    "--config-setting",
];
const NPM_VALUE_OPTIONS: &[&str] = &[
    "--loglevel",
    "--registry",
    "--prefix",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--tag",
    "--cache",
    "--userconfig",
    "--save-prefix",
    "--install-strategy",
    "--location",
];
const GEM_VALUE_OPTIONS: &[&str] =
    &["-i", "--install-dir", "-n", "--bindir", "--platform", "-s", "--source", "-g", "--file", "-p", "--build-root"];
const GO_VALUE_OPTIONS: &[&str] = &["-C", "-o", "-p", "-tags", "-ldflags", "-gcflags", "-mod", "-modfile", "-overlay"];

/// Words after `from` that are operands, not options or option values; stops at `--`.
fn operands<'a>(words: &[&'a Word], value_options: &[&str]) -> Vec<&'a Word> {
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
        out.push(*w);
    }
    out
}

/// A path, wheel, archive or variable rather than a package name.
fn local(arg: &str) -> bool {
    arg.starts_with(['.', '/', '~'])
        || arg.contains('$')
        || arg.ends_with(".whl")
        || [".tar", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz", ".gem"].iter().any(|e| arg.ends_with(e))
        || arg.contains('*')
}

/// A pip requirement with a version or a pinned reference.
fn pip_pinned(arg: &str) -> bool {
    if let Some(url) = arg.strip_prefix("git+") {
        // `git+https://host/repo.git@ref#egg=x`: the ref after the path.
        let path = url.split('#').next().unwrap_or(url);
        let after_host = path.split_once("://").map_or(path, |(_, rest)| rest);
        return after_host.split_once('/').is_some_and(|(_, p)| p.contains('@'));
    }
    if arg.contains("://") {
        return true; // an archive URL names one file
    }
    if arg.contains('/') {
        return true; // a local directory
    }
    arg.contains(['=', '<', '>', '~', '!', '@']) || local(arg)
}

fn npm_pinned(arg: &str) -> bool {
    if arg.starts_with("git") || arg.contains("://") || arg.starts_with("github:") {
        return arg.contains('#');
    }
    local(arg) || arg.trim_start_matches('@').contains('@')
}

/// Go's meta-packages: the standard library, its commands, and every package of the main module.
const GO_META_PACKAGES: &[&str] = &["std", "cmd", "all"];

/// A Go package with a version other than `latest`, or one built from source the build has.
fn go_pinned(arg: &str, own: &[String]) -> bool {
    if let Some((_, version)) = arg.rsplit_once('@') {
        return version != "latest";
    }
    let under = |root: &str| arg == root || arg.strip_prefix(root).is_some_and(|rest| rest.starts_with('/'));
    local(arg) || GO_META_PACKAGES.iter().any(|meta| under(meta)) || own.iter().any(|root| under(root))
}

/// The import paths of the Go code a build copies in from its context: the module path its
/// `go.mod` declares (read from the context), and what is copied under a GOPATH's `src/` (the
/// official images' `/go`, or an `ENV GOPATH`).
fn go_own_paths(input: &DockerfileInput) -> Vec<String> {
    let mut gopaths = vec!["/go".to_string()];
    let mut destinations = Vec::new();
    let mut modules = Vec::new();
    let mut workdir = "/".to_string();
    for (instruction, _) in input.file.all() {
        match instruction.keyword.as_str() {
            "FROM" => workdir = "/".to_string(),
            "WORKDIR" => {
                if let Some(dir) = instruction.words().first() {
                    workdir = join(&workdir, &dir.text);
                }
            }
            "ENV" => gopaths
                .extend(instruction.key_values().into_iter().filter(|kv| kv.key == "GOPATH").filter_map(|kv| kv.value)),
            "COPY" | "ADD" if instruction.flag("from").is_none() => {
                let Some((sources, destination)) = copy_paths(instruction) else { continue };
                destinations.push(join(&workdir, &destination));
                let context = input.context;
                for (source, _) in sources {
                    let go_mod = if source.trim_end_matches('/').rsplit('/').next() == Some("go.mod") {
                        source
                    } else {
                        format!("{}/go.mod", source.trim_end_matches('/'))
                    };
                    modules.extend(context.and_then(|c| c.read_text(&go_mod)).as_deref().and_then(module_path));
                }
            }
            _ => {}
        }
    }
    for destination in destinations {
        for gopath in &gopaths {
            let src = format!("{}/src/", gopath.trim_end_matches('/'));
            if let Some(path) = destination.strip_prefix(&src).map(|p| p.trim_end_matches('/')) {
                modules.extend((!path.is_empty()).then(|| path.to_string()));
            }
        }
    }
    modules
}

/// A path in the image: `path` as given when absolute, else under `dir`.
fn join(dir: &str, path: &str) -> String {
    match path.strip_prefix("./").unwrap_or(path) {
        absolute if absolute.starts_with('/') => absolute.to_string(),
        "." | "" => dir.to_string(),
        relative => format!("{}/{relative}", dir.trim_end_matches('/')),
    }
}

/// The module path a `go.mod` declares (`module example.com/app`, possibly quoted).
fn module_path(go_mod: &str) -> Option<String> {
    go_mod.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("module")?;
        let path = rest.split("//").next()?.trim().trim_matches(['"', '`']);
        (rest.starts_with([' ', '\t']) && !path.is_empty()).then(|| path.to_string())
    })
}

/// The packages a command installs without a version; `go_own` are the import paths of Go code
/// the build has (see [`go_own_paths`]).
fn unpinned(command: &Command, go_own: &[String]) -> Vec<String> {
    let words: Vec<&Word> = command.args().iter().collect();
    let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
    let mut out: Vec<String> = Vec::new();
    let mut take = |ws: Vec<&Word>, pinned: &dyn Fn(&str) -> bool| {
        out.extend(ws.iter().filter(|w| !pinned(&w.text)).map(|w| w.text.clone()));
    };
    if let Some(args) = pip_args(command) {
        if let Some((at, "install")) = pip_subcommand(&args) {
            let offset = words.len() - args.len() + at + 1;
            let constrained =
                args.iter().any(|a| matches!(*a, "-c" | "--constraint") || a.starts_with("--constraint="));
            if !constrained {
                take(operands(&words[offset.min(words.len())..], PIP_VALUE_OPTIONS), &pip_pinned);
            }
        }
        return out;
    }
    let first = texts.iter().position(|t| !t.starts_with('-'));
    let sub = first.map(|i| texts[i]);
    let rest = first.map_or(&words[..0], |i| &words[i + 1..]);
    match (command.name(), sub) {
        ("uv", Some("pip")) if texts.get(first.unwrap_or(0) + 1) == Some(&"install") => {
            take(operands(&rest[1..], PIP_VALUE_OPTIONS), &pip_pinned);
        }
        ("uv", Some("tool")) if texts.get(first.unwrap_or(0) + 1) == Some(&"install") => {
            take(operands(&rest[1..], PIP_VALUE_OPTIONS), &pip_pinned);
        }
        ("pipx", Some("install")) => take(operands(rest, PIP_VALUE_OPTIONS), &pip_pinned),
        ("npm" | "pnpm", Some("install" | "i" | "add")) => take(operands(rest, NPM_VALUE_OPTIONS), &npm_pinned),
        ("gem", Some("install" | "i")) => {
            let versioned = texts.iter().any(|t| matches!(*t, "-v" | "--version") || t.starts_with("--version="));
            if !versioned {
                let gems: Vec<&Word> = operands(rest, GEM_VALUE_OPTIONS)
                    .into_iter()
                    .filter(|w| !matches!(w.text.as_str(), "true" | "false"))
                    .collect();
                take(gems, &|g: &str| g.contains(':') || local(g));
            }
        }
        ("go", Some("install" | "get")) => take(operands(rest, GO_VALUE_OPTIONS), &|p: &str| go_pinned(p, go_own)),
        ("go", Some("run")) => {
            let package = operands(rest, GO_VALUE_OPTIONS).into_iter().take(1).collect();
            take(package, &|p: &str| go_pinned(p, go_own));
        }
        _ => {}
    }
    out
}

/// A pip requirement the shell split into a name and a redirection (`name>=1` unquoted).
fn redirected_specifier(command: &Command) -> Option<String> {
    pip_args(command)?;
    let words = command.args();
    command.redirects.iter().find_map(|r| {
        let op_start = r.target.start.checked_sub(r.op.len())?;
        let name = words.iter().find(|w| w.end == op_start)?;
        matches!(r.op.as_str(), ">" | "<").then(|| format!("{}{}{}", name.text, r.op, r.target.text))
    })
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let mut runs_go = false;
    for_each_command(input.file, |_, command, _| runs_go |= command.name() == "go");
    // Read from the build context only when there is a Go command to judge.
    let go_own = if runs_go { go_own_paths(input) } else { Vec::new() };
    for_each_command(input.file, |_, command, (line, col)| {
        if let Some(requirement) = redirected_specifier(command) {
            sink.at(
                line,
                col,
                format!(
                    "the shell reads {} as a redirection: pip gets no version (quote the requirement)",
                    quote(&requirement)
                ),
            );
            return;
        }
        let packages = unpinned(command, &go_own);
        if !packages.is_empty() {
            let shown: Vec<String> = packages.iter().take(5).map(|p| quote(p)).collect();
            let more = if packages.len() > 5 { format!(" and {} more", packages.len() - 5) } else { String::new() };
            sink.at(
                line,
                col,
                format!("{} installs {}{more} without a version", quote(command.name()), shown.join(", ")),
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

    fn flagged(run: &str) -> bool {
        !lines(&RULE, &format!("FROM a\nRUN {run}\n")).is_empty()
    }

    #[test]
    fn ranges_references_and_option_values_are_not_unpinned() {
        for run in [
            "pip install 'wheel<0.46' 'requests>=2,<3' 'a~=1.2' 'b!=2' 'c===1'",
            "pip install git+https://github.com/o/r.git@v1.0#egg=r",
            "pip install https://foo.bar/baz.zip foo/bar",
            "pip install --trusted-host host example==1.2.2",
            "pip install --no-cache-dir --root-user-action ignore poetry==1.8.5",
            "pip install pykafka -c constraints.txt",
            "pipx install --python \"$(which python)\" \"poetry==1.8.5\"",
            "npm install",
            "npm install express@4.1.1 @myorg/x@\">=0.1.0 <0.2.0\" ./folder pkg.tgz",
            "npm install --registry https://example.com sax@0.1.1",
            "gem install bundler:2.0.1 -- --use-system-libraries true",
            "gem install bundler:2.0.1 --use-system-libraries true",
            "gem install bundler --version='2.0.1'",
            "go install ./cmd/x . /go/app",
            "go get example.com/pkg@v1.2.3",
            "go run example.com/pkg@v1.2.3 --foo bar",
            "uv pip install --system -r requirements.txt",
            "uv pip install --system --python-preference system --index-strategy unsafe-best-match -r r.txt",
            "uv tool install -p 3.13 \"serena-agent@1.0\" --prerelease=allow",
            "pip install tensorflow${TF_POSTFIX}",
            "uv pip install --system --requirements requirements.txt",
            "gem install --local --force pups-1.4.0.gem",
        ] {
            assert!(!flagged(run), "{run}");
        }
    }

    #[test]
    fn flags_what_takes_whatever_is_newest() {
        for run in [
            "pip install git+https://github.com/o/r.git#egg=r",
            "pip install --root-user-action=ignore mypkg",
            "pipx install black",
            "npm install express",
            "npm install @myorg/privatepackage",
            "npm install git+ssh://git@github.com:npm/npm.git",
            "gem i bunlder:1 nokogiri",
            "go install example.com/pkg@latest",
            "go get example.com/pkg",
            "go get -tool foobar",
            "go run example.com/pkg@latest",
            "uv tool install ruff",
        ] {
            assert!(flagged(run), "{run}");
        }
    }

    #[test]
    fn go_code_the_build_copies_in_is_not_downloaded() {
        let context = crate::audit::context::BuildContext::in_memory_with_texts(
            "",
            &[("go.mod", "// the app\nmodule \"example.com/app\" // quoted\n\ngo 1.25\n"), ("main.go", "")],
        );
        let own = |run: &str| {
            let text = format!("FROM golang:1.25\nWORKDIR /src\nCOPY . .\nRUN {run}\n");
            let settings = crate::audit::rule::Settings::default();
            let found = crate::audit::testing::findings_with(&RULE, &text, Some(&context), &settings);
            found.iter().map(|f| f.line).collect::<Vec<_>>()
        };
        for run in [
            "go install ./... && go install . && go build ./cmd/x",
            "go install example.com/app example.com/app/cmd/server example.com/app/...",
            "go install std cmd/... && go get -d all",
        ] {
            assert_eq!(own(run), Vec::<u32>::new(), "{run}");
        }
        for run in ["go install example.com/application", "go install example.com/app/cmd/server@latest"] {
            assert_eq!(own(run), [4], "{run}");
        }
        let gopath = "FROM golang:1.9\nENV GOPATH=/work\nWORKDIR /work/src/example.com\nCOPY . legacy/\nCOPY x.go /go/src/example.com/other/\nRUN go get -d example.com/legacy && go install example.com/legacy/cmd/... example.com/other\nRUN go install example.com/third\n";
        assert_eq!(lines(&RULE, gopath), [7]);
        assert_eq!(module_path("module example.com/m\n"), Some("example.com/m".into()));
        assert_eq!(module_path("modules x\n"), None);
    }

    #[test]
    fn an_unquoted_specifier_is_a_redirection() {
        let findings = crate::audit::testing::findings(&RULE, "FROM a\nRUN pip install azure-storage-blob>=12.0.0\n");
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("redirection"), "{}", findings[0].message);
    }
}
