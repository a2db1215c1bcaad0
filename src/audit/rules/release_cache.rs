//! BW021: caches restored in workflows that publish.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::expr::expansions;
use std::collections::BTreeSet;

use crate::audit::workflow::{Job, Step, Workflow};
use crate::report::Severity;
use crate::shown;

pub static RULE: Rule = Rule {
    code: "BW021",
    name: "release-cache",
    kind: FileKind::Workflow,
    severity: Severity::Medium,
    summary: "A job that publishes (a release, a package, an image), or builds what is published, restores a build cache.",
    fix: "Build releases from a clean state: drop the cache steps (or set `cache: false`, `lookup-only: true`) in publishing workflows.",
    docs: r#"## What it does
In jobs that publish (a step uses `pypa/gh-action-pypi-publish`, `softprops/action-gh-release`, `goreleaser/goreleaser-action`, `changesets/action`, `rubygems/release-gem` or `docker/build-push-action` with `push: true`, or runs `npm`/`pnpm`/`yarn`/`cargo`/`uv`/`poetry`/`flit`/`hatch publish`, `twine upload`, `gem push`, `docker push` or `gh release create|upload`, without `--dry-run` or `--draft`) and in the jobs they need whose uploaded artifacts they download, flags steps that restore a GitHub Actions cache: `actions/cache` (unless `lookup-only: true`) and `actions/cache/restore`, `Swatinem/rust-cache`, `actions/setup-go` (caches by default unless `cache: false`), `astral-sh/setup-uv` (unless `enable-cache: false`), `setup-python`/`setup-node`/`setup-java`/`setup-dotnet` with `cache:`, `ruby/setup-ruby` with `bundler-cache: true`, and `docker/build-push-action` with `cache-from: type=gha`. An input whose value is an expression (`enable-cache: ${{ !startsWith(github.ref, 'refs/tags/') }}`) is decided at run time, often to keep releases clean, and is not assumed to cache.

## Why is this bad?
Caches are shared across the repository's runs: a cache saved on the default branch is restored by tag and release runs. Anything that runs in the default branch's scope, including `pull_request_target`, `issue_comment` and `workflow_run` jobs an outsider starts, can save a cache entry under the key the release restores, and the release then ships what that run put in it (cache poisoning, shown against real projects in 2024). A release built from a clean checkout cannot be changed that way.

## Example
```yaml
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    steps:
      - uses: actions/setup-python@<sha>
        with:
          cache: pip
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@<sha>
```

## Use instead
```yaml
jobs:
  publish:
    steps:
      - uses: actions/setup-python@<sha>
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@<sha>
```

## Compared with other linters
zizmor's `cache-poisoning` covers the same ground at low confidence. berth does not assume `actions/setup-node`'s automatic package-manager cache (v5 and later), which depends on a `packageManager` field in `package.json` that a workflow audit cannot see; it reports setup-node only with an explicit `cache:`. A job that only runs tests is not reported, even in a workflow that runs on tags or releases; zizmor reports caches anywhere in such a workflow.

## References
- GitHub docs: "Caching dependencies to speed up workflows" (cache access across branches)
- Adnan Khan, "The Monsters in Your Build Cache: GitHub Actions Cache Poisoning" (2024)
- zizmor `cache-poisoning`
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

/// Actions that publish what the workflow built.
const PUBLISHING_ACTIONS: &[&str] = &[
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "goreleaser/goreleaser-action",
    "changesets/action",
    "rubygems/release-gem",
];

/// Commands that publish, as (program, subcommand) words.
const PUBLISHING_COMMANDS: &[(&str, &str)] = &[
    ("npm", "publish"),
    ("pnpm", "publish"),
    ("yarn", "publish"),
    ("cargo", "publish"),
    ("uv", "publish"),
    ("poetry", "publish"),
    ("twine", "upload"),
    ("gem", "push"),
    ("docker", "push"),
    ("flit", "publish"),
    ("hatch", "publish"),
];

/// When an action restores a cache, by one input.
#[derive(Clone, Copy)]
enum Caches {
    /// Unless the input is `true` (`lookup-only`).
    UnlessTrue,
    /// Unless the input is `false` (on by default).
    UnlessFalse,
    /// When the input names something to cache (`cache: pip`).
    WhenSet,
    /// When the input is `true`.
    WhenTrue,
}

/// The actions that restore caches, with the input that decides.
const CACHE_STEPS: &[(&str, &str, Caches)] = &[
    ("actions/cache", "lookup-only", Caches::UnlessTrue),
    ("actions/cache/restore", "lookup-only", Caches::UnlessTrue),
    ("swatinem/rust-cache", "lookup-only", Caches::UnlessTrue),
    ("actions/setup-go", "cache", Caches::UnlessFalse),
    ("astral-sh/setup-uv", "enable-cache", Caches::UnlessFalse),
    ("actions/setup-python", "cache", Caches::WhenSet),
    ("actions/setup-node", "cache", Caches::WhenSet),
    ("actions/setup-java", "cache", Caches::WhenSet),
    ("actions/setup-dotnet", "cache", Caches::WhenTrue),
    ("ruby/setup-ruby", "bundler-cache", Caches::WhenTrue),
];

fn restores_cache(step: &Step<'_>) -> bool {
    let Some(action) = step.action() else { return false };
    // A value decided at run time (`enable-cache: ${{ !startsWith(github.ref, 'refs/tags/') }}`)
    // is often exactly the guard that keeps releases clean: not assumed on.
    let decided = |input: &str| step.with(input).and_then(|n| n.as_str()).is_some_and(|v| v.trim().starts_with("${{"));
    if action == "docker/build-push-action" {
        let literal = |v: &str| expansions(v).iter().fold(v.to_string(), |text, e| text.replacen(e.body, "", 1));
        return step.with("cache-from").and_then(|n| n.as_str()).is_some_and(|v| literal(v).contains("type=gha"));
    }
    CACHE_STEPS.iter().filter(|(a, _, _)| *a == action).any(|(_, input, caches)| {
        let value = step.with(input).and_then(|n| n.as_str()).map(str::trim);
        let is = |word: &str| value.is_some_and(|v| v.eq_ignore_ascii_case(word));
        if decided(input) {
            return false;
        }
        match caches {
            Caches::UnlessTrue => !is("true"),
            Caches::UnlessFalse => !is("false"),
            Caches::WhenSet => value.is_some_and(|v| !v.is_empty()) && !is("false"),
            Caches::WhenTrue => is("true"),
        }
    })
}

/// How a job publishes, if it does: the first publishing step, for the message.
fn publishes(job: &Job<'_>) -> Option<String> {
    for step in job.steps() {
        let action = step.action().unwrap_or_default();
        if PUBLISHING_ACTIONS.contains(&action.as_str())
            || (action == "docker/build-push-action" && step.with("push").and_then(|p| p.as_bool()) == Some(true))
        {
            return Some(format!("`{}` (line {})", shown::escape(&action), step.node.line));
        }
        let Some(run) = step.run() else { continue };
        let script = run.parse();
        for command in script.commands() {
            let words: Vec<&str> = command.args().iter().map(|w| w.text.as_str()).collect();
            if words.iter().any(|w| *w == "--dry-run" || *w == "-n" || *w == "--draft") {
                continue;
            }
            let gh_release = command.name() == "gh"
                && words.first() == Some(&"release")
                && words.get(1).is_some_and(|w| *w == "create" || *w == "upload");
            let listed = PUBLISHING_COMMANDS.iter().any(|(p, sub)| command.name() == *p && words.contains(sub));
            if gh_release || listed {
                return Some(format!(
                    "`{} {}` (line {})",
                    command.name(),
                    shown::escape(&shown::clip(words.first().unwrap_or(&""), shown::MAX_SHOWN)),
                    run.line_of(command.start())
                ));
            }
        }
    }
    None
}

/// The artifact names or patterns a job downloads (`*` for all of them).
fn downloads(job: &Job<'_>) -> Vec<String> {
    job.steps()
        .iter()
        .filter(|s| s.action().as_deref() == Some("actions/download-artifact"))
        .map(|s| {
            let text = |key: &str| s.with(key).and_then(|n| n.as_str()).map(str::to_string);
            text("name").or_else(|| text("pattern")).unwrap_or_else(|| "*".to_string())
        })
        .collect()
}

/// The artifact names a job uploads.
fn uploads(job: &Job<'_>) -> Vec<String> {
    job.steps()
        .iter()
        .filter(|s| s.action().as_deref() == Some("actions/upload-artifact"))
        .map(|s| s.with("name").and_then(|n| n.as_str()).unwrap_or("artifact").to_string())
        .collect()
}

/// Whether a download (a name or a `*` pattern) can take an upload, whose name may hold
/// expressions: the fixed text before the first `*` or `${{` must agree.
fn artifact_matches(download: &str, upload: &str) -> bool {
    let fixed = |text: &str| -> String {
        let end = [text.find('*'), text.find("${{")].into_iter().flatten().min().unwrap_or(text.len());
        text[..end].to_string()
    };
    let (want, have) = (fixed(download), fixed(upload));
    let open = |text: &str, fixed: &str| text.len() > fixed.len();
    match (open(download, &want), open(upload, &have)) {
        (false, false) => want == have,
        (true, false) => have.starts_with(&want),
        (false, true) => want.starts_with(&have),
        (true, true) => want.starts_with(&have) || have.starts_with(&want),
    }
}

/// The jobs `job` needs, directly or not.
fn needed<'a>(jobs: &'a [Job<'a>], job: &Job<'_>, out: &mut BTreeSet<&'a str>) {
    let needs = job.node.get("needs");
    let names: Vec<&str> = match needs {
        Some(n) if n.as_str().is_some() => n.as_str().into_iter().collect(),
        Some(n) => n.items().iter().filter_map(|i| i.as_str()).collect(),
        None => Vec::new(),
    };
    for name in names {
        if let Some(dependency) = jobs.iter().find(|j| j.name == name) {
            if out.insert(dependency.name) {
                needed(jobs, dependency, out);
            }
        }
    }
}

fn check(workflow: &Workflow, sink: &mut Sink) {
    let jobs = workflow.jobs();
    // Each job whose output is published: the publishing jobs, and the jobs they need that upload
    // artifacts (what the publishing job downloads and ships).
    let mut shipping: Vec<(&str, String)> = Vec::new();
    for job in &jobs {
        let Some(how) = publishes(job) else { continue };
        shipping.push((job.name, format!("publishes with {how}")));
        let mut dependencies = BTreeSet::new();
        needed(&jobs, job, &mut dependencies);
        let wanted = downloads(job);
        for dependency in jobs.iter().filter(|j| dependencies.contains(j.name)) {
            if uploads(dependency).iter().any(|name| wanted.iter().any(|want| artifact_matches(want, name))) {
                shipping
                    .push((dependency.name, format!("uploads artifacts that job `{}` publishes with {how}", job.name)));
            }
        }
    }
    for job in &jobs {
        let Some((_, why)) = shipping.iter().find(|(name, _)| *name == job.name) else { continue };
        for step in job.steps().iter().filter(|s| restores_cache(s)) {
            let node = step.uses().unwrap_or(step.node);
            let action = shown::escape(&shown::clip(&step.action().unwrap_or_default(), shown::MAX_SHOWN)).into_owned();
            sink.scoped(node.line, node.col, step.job, format!("`{action}` restores a cache in a job that {why}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_caches_in_publishing_jobs() {
        let text = "on: push\njobs:\n  a:\n    steps:\n      - uses: actions/setup-python@x\n        with:\n          cache: pip\n      - uses: actions/setup-go@x\n      - uses: actions/setup-go@x\n        with:\n          cache: false\n      - uses: actions/cache@x\n        with:\n          lookup-only: true\n      - uses: actions/setup-node@x\n      - run: twine upload dist/*\n";
        assert_eq!(lines(&RULE, text), [5, 8]);
        assert!(lines(&RULE, &text.replace("twine upload", "twine check")).is_empty());
    }

    #[test]
    fn artifacts_from_needed_jobs_count_and_tests_do_not() {
        let text = "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    steps:\n      - uses: Swatinem/rust-cache@x\n      - uses: actions/upload-artifact@x\n        with:\n          name: dist-${{ matrix.os }}\n  test:\n    steps:\n      - uses: Swatinem/rust-cache@x\n      - uses: actions/upload-artifact@x\n        with:\n          name: coverage\n      - uses: astral-sh/setup-uv@x\n        with:\n          enable-cache: ${{ !startsWith(github.ref, 'refs/tags/') }}\n  publish:\n    needs: [build, test]\n    steps:\n      - uses: actions/download-artifact@x\n        with:\n          pattern: dist-*\n      - run: cargo publish --locked\n";
        assert_eq!(lines(&RULE, text), [7]);
        assert!(lines(&RULE, &text.replace("cargo publish --locked", "cargo publish --dry-run")).is_empty());
    }
}
