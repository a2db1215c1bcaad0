//! The GitHub Actions workflow model the rules read: triggers, permissions, jobs and steps.
//! A composite action (`action.yml` with `runs: using: composite`) is read as a workflow whose
//! one job is its `runs:`: the rules about steps apply to it as they are, and the rest find
//! nothing to judge (an action has no triggers, `permissions:` or runners of its own).

pub mod expr;
pub mod injection;
pub mod taint;

use super::shell::{self, Script};
use crate::yaml::tree::Node;

/// Events that outsiders start (a fork's pull request, a comment, a run of another workflow on
/// their pull request) but that run with the base repository's secrets and a token that can write.
pub const PRIVILEGED_EVENTS: &[&str] = &["pull_request_target", "workflow_run", "issue_comment"];

pub struct Workflow {
    pub root: Node,
    /// Where each `${{` of the file's text is, in order: line and character column. Positions
    /// inside scalars need the text: YAML folds their line breaks away.
    expansions: Vec<(u32, u32)>,
}

pub struct Job<'a> {
    pub name: &'a str,
    pub key: &'a Node,
    pub node: &'a Node,
}

pub struct Step<'a> {
    pub job: &'a str,
    pub node: &'a Node,
}

impl Workflow {
    pub fn new(root: Node) -> Workflow {
        Workflow { root, expansions: Vec::new() }
    }

    /// A workflow with the text it was parsed from, so positions inside folded (`>`) and quoted
    /// multi-line scalars are exact.
    pub fn with_source(root: Node, source: &str) -> Workflow {
        Workflow { root, expansions: expansion_marks(source) }
    }

    /// The line and column of the `${{` that starts at `offset` in `node`'s text, which holds
    /// `nth` other `${{` before it: the same occurrence counted from where the node starts in the
    /// file. Without the file's text, the line is counted from the node's line breaks.
    pub fn expansion_position(&self, node: &Node, text: &str, offset: usize, nth: usize) -> (u32, u32) {
        let first = self.expansions.partition_point(|&mark| mark < (node.line, node.col));
        if let Some(&mark) = self.expansions.get(first.saturating_add(nth)) {
            return mark;
        }
        let offset = offset.min(text.len());
        let line = node.line + text.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count() as u32;
        (
            line,
            if line == node.line && !text.contains('\n') {
                node.col + text[..offset].chars().count() as u32
            } else {
                1
            },
        )
    }

    /// Parses every `run:` script within one budget, as a Dockerfile's RUNs are: past
    /// [`shell::MAX_WORDS`] words in all, or substitutions nested past [`shell::MAX_DEPTH`],
    /// parsing stops, and rules would judge a script in part as if it were all of it. The script
    /// that goes over is the error.
    pub fn check_scripts(&self) -> Result<(), ScriptTooLarge> {
        let mut budget = shell::Budget::default();
        for step in self.steps() {
            let Some(run) = step.run() else { continue };
            if let Some(limit) = shell::parse_in(run.text, 0, &mut budget).limit {
                return Err(ScriptTooLarge { line: run.node.line, col: run.node.col, limit });
            }
        }
        Ok(())
    }

    /// The `on:` node (YAML 1.1 readers turn a plain `on` into `true`; this parser keeps the text).
    pub fn triggers(&self) -> Option<&Node> {
        self.root.get("on").or_else(|| self.root.get("true"))
    }

    /// Whether the workflow runs on this event (string, list or mapping form).
    pub fn runs_on_event(&self, event: &str) -> bool {
        match self.triggers() {
            Some(node) => {
                node.as_str() == Some(event)
                    || node.items().iter().any(|n| n.as_str() == Some(event))
                    || node.get(event).is_some()
            }
            None => false,
        }
    }

    /// The names of the events the workflow runs on.
    pub fn events(&self) -> Vec<&str> {
        match self.triggers() {
            Some(node) if node.as_str().is_some() => node.as_str().into_iter().collect(),
            Some(node) if node.as_seq().is_some() => node.items().iter().filter_map(Node::as_str).collect(),
            Some(node) => node.entries().map(|(name, _, _)| name).collect(),
            None => Vec::new(),
        }
    }

    /// The privileged events (see [`PRIVILEGED_EVENTS`]) the workflow runs on.
    pub fn privileged_events(&self) -> Vec<&str> {
        self.events().into_iter().filter(|e| PRIVILEGED_EVENTS.contains(e)).collect()
    }

    pub fn env(&self) -> Option<&Node> {
        self.root.get("env")
    }

    pub fn job(&self, name: &str) -> Option<Job<'_>> {
        self.jobs().into_iter().find(|j| j.name.eq_ignore_ascii_case(name))
    }

    pub fn jobs(&self) -> Vec<Job<'_>> {
        if self.is_action() {
            return self
                .root
                .entries()
                .filter(|(name, _, _)| *name == "runs")
                .map(|(name, key, node)| Job { name, key, node })
                .collect();
        }
        self.root
            .get("jobs")
            .map(|jobs| jobs.entries().map(|(name, key, node)| Job { name, key, node }).collect())
            .unwrap_or_default()
    }

    /// Whether the file is an action's metadata (`runs:`, no `jobs:`) rather than a workflow.
    pub fn is_action(&self) -> bool {
        self.root.get("runs").is_some() && self.root.get("jobs").is_none()
    }

    pub fn steps(&self) -> Vec<Step<'_>> {
        self.jobs()
            .into_iter()
            .flat_map(|job| {
                job.node
                    .get("steps")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .map(move |node| Step { job: job.name, node })
            })
            .collect()
    }
}

impl<'a> Job<'a> {
    pub fn steps(&self) -> Vec<Step<'a>> {
        let name = self.name;
        self.node.get("steps").map(Node::items).unwrap_or(&[]).iter().map(|node| Step { job: name, node }).collect()
    }

    pub fn env(&self) -> Option<&'a Node> {
        self.node.get("env")
    }

    /// Every value the strategy matrix gives `matrix.<path>`: listed values, `include:` entries,
    /// or the expression the whole matrix comes from (`${{ fromJSON(...) }}`).
    pub fn matrix_values(&self, path: &[&str]) -> Vec<&'a str> {
        let Some(matrix) = self.node.get("strategy").and_then(|s| s.get("matrix")) else { return Vec::new() };
        let mut texts = Vec::new();
        match (matrix.as_str(), path.split_first()) {
            (Some(text), _) => texts.push(text),
            (None, Some((key, rest))) => {
                for (name, _, value) in matrix.entries() {
                    if name.eq_ignore_ascii_case(key) {
                        scalars_at(value, rest, &mut texts);
                    }
                    if name == "include" {
                        for entry in value.items() {
                            for (_, _, v) in entry.entries().filter(|(n, _, _)| n.eq_ignore_ascii_case(key)) {
                                scalars_at(v, rest, &mut texts);
                            }
                        }
                    }
                }
            }
            (None, None) => {}
        }
        texts
    }

    /// The step with this `id:` (ids are case-insensitive).
    pub fn step_with_id(&self, id: &str) -> Option<(usize, Step<'a>)> {
        self.steps().into_iter().enumerate().find(|(_, s)| s.id().is_some_and(|i| i.eq_ignore_ascii_case(id)))
    }
}

impl<'a> Step<'a> {
    pub fn id(&self) -> Option<&'a str> {
        self.node.get("id")?.as_str()
    }

    pub fn env(&self) -> Option<&'a Node> {
        self.node.get("env")
    }

    /// The action a step uses, lower-case, without its ref (`actions/github-script`).
    pub fn action(&self) -> Option<String> {
        let uses = self.uses()?.as_str()?;
        let name = uses.split_once('@').map_or(uses, |(name, _)| name);
        Some(name.trim().to_ascii_lowercase())
    }

    /// The `script:` of an `actions/github-script` step: JavaScript that expressions are pasted into.
    pub fn github_script(&self) -> Option<&'a Node> {
        (self.action().as_deref() == Some("actions/github-script")).then(|| self.with("script")).flatten()
    }

    /// The inputs of this step that its action runs as code (see [`injection::CODE_INPUTS`]), with
    /// their names. Input names are case-insensitive.
    pub fn code_inputs(&self) -> Vec<(&'a str, &'a Node)> {
        let (Some(action), Some(with)) = (self.action(), self.node.get("with")) else { return Vec::new() };
        let code: Vec<&str> = injection::CODE_INPUTS.iter().filter(|(a, _)| *a == action).map(|(_, i)| *i).collect();
        with.entries()
            .filter(|(key, _, _)| code.iter().any(|c| c.eq_ignore_ascii_case(key)))
            .map(|(key, _, value)| (key, value))
            .collect()
    }

    pub fn uses(&self) -> Option<&'a Node> {
        self.node.get("uses")
    }

    pub fn with(&self, key: &str) -> Option<&'a Node> {
        self.node.get("with")?.get(key)
    }

    /// The `run:` script with the line its first line of text is on.
    pub fn run(&self) -> Option<RunScript<'a>> {
        let node = self.node.get("run")?;
        let text = node.as_str()?;
        // Block scalars (`run: |`) are marked at their first line of text.
        Some(RunScript { text, first_line: node.line, node })
    }
}

/// The line and character column of every `${{` in a text, in one pass over it. Columns count
/// as libyaml counts them: a byte order mark is not a column.
fn expansion_marks(source: &str) -> Vec<(u32, u32)> {
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut marks = Vec::new();
    let mut line = 1u32;
    // A place whose column is known: its byte offset and its column.
    let mut known = (if source.starts_with('\u{feff}') { 3 } else { 0 }, 1u32);
    for (at, _) in source.match_indices("${{") {
        let between = &source[known.0..at];
        if let Some(last) = between.rfind('\n') {
            line = line.saturating_add(to_u32(between.bytes().filter(|b| *b == b'\n').count()));
            known = (known.0 + last + 1, 1);
        }
        let col = known.1.saturating_add(to_u32(source[known.0..at].chars().count()));
        marks.push((line, col));
        known = (at, col);
    }
    marks
}

/// The scopes a `permissions:` value grants write access to (`write-all` for that shorthand).
pub fn write_scopes(permissions: &Node) -> Vec<&str> {
    match permissions.as_str() {
        Some("write-all") => vec!["write-all"],
        _ => permissions.entries().filter(|(_, _, v)| v.as_str() == Some("write")).map(|(k, _, _)| k).collect(),
    }
}

/// The names of the secrets a node reads (`secrets.NAME` in any expression under it), without
/// the job token (`secrets.GITHUB_TOKEN`), which every run has.
pub fn secrets_read(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    let mut visit = |text: &str| {
        for expansion in expr::expansions(text) {
            let lower = expansion.body.to_ascii_lowercase();
            let mut rest = lower.as_str();
            while let Some(i) = rest.find("secrets.") {
                let name: String =
                    rest[i + 8..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if !name.is_empty() && name != "github_token" && !out.contains(&name) {
                    out.push(name.to_ascii_uppercase());
                }
                rest = &rest[i + 8..];
            }
        }
    };
    walk_scalars(node, &mut visit);
    out.sort();
    out.dedup();
    out
}

/// The scalar strings under `node` along `path` (`*` or a key per segment; lists are walked).
fn scalars_at<'a>(node: &'a Node, path: &[&str], out: &mut Vec<&'a str>) {
    if let Some(items) = node.as_seq() {
        items.iter().for_each(|item| scalars_at(item, path, out));
        return;
    }
    match path.split_first() {
        None => {
            if let Some(text) = node.as_str() {
                out.push(text);
            } else {
                node.entries().for_each(|(_, _, value)| scalars_at(value, &[], out));
            }
        }
        Some((key, rest)) => {
            for (name, _, value) in node.entries() {
                if *key == "*" || name.eq_ignore_ascii_case(key) {
                    scalars_at(value, rest, out);
                }
            }
        }
    }
}

/// Calls `f` on every scalar under `node`, keys included.
pub fn walk_scalars<'a>(node: &'a Node, f: &mut impl FnMut(&'a str)) {
    if let Some(text) = node.as_str() {
        f(text);
    }
    for item in node.items() {
        walk_scalars(item, f);
    }
    for (key, value) in node.as_map().unwrap_or(&[]) {
        walk_scalars(key, f);
        walk_scalars(value, f);
    }
}

/// A `run:` script that brings the workflow past what the shell parser reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptTooLarge {
    pub line: u32,
    pub col: u32,
    pub limit: shell::Limit,
}

impl std::fmt::Display for ScriptTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "this `run:` script brings the file to {}, more than berth analyses; move long scripts into a \
             file in the repository and run that (run: ./scripts/build.sh)",
            self.limit
        )
    }
}

/// A `run:` script and where it is.
pub struct RunScript<'a> {
    pub text: &'a str,
    pub first_line: u32,
    pub node: &'a Node,
}

impl RunScript<'_> {
    pub fn parse(&self) -> Script {
        shell::parse(self.text, 0)
    }

    /// The file line of a byte offset in the script.
    pub fn line_of(&self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        self.first_line + self.text.as_bytes()[..offset].iter().filter(|b| **b == b'\n').count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::tree as yaml;

    #[test]
    fn scripts_past_the_parsers_bounds_are_an_error_at_their_step() {
        let steps = |scripts: &[String]| {
            let mut text = String::from("on: push\njobs:\n  a:\n    steps:\n");
            for script in scripts {
                text.push_str(&format!("      - run: {}\n", crate::yaml::quote(script)));
            }
            Workflow::new(yaml::parse(&text).unwrap())
        };
        let half = "a ".repeat(shell::MAX_WORDS / 2);
        assert_eq!(steps(std::slice::from_ref(&half)).check_scripts(), Ok(()));
        let err = steps(&["echo ok".into(), half.clone(), half]).check_scripts().unwrap_err();
        assert_eq!(
            (err.line, err.col, err.limit),
            (7, 14, shell::Limit::Words(shell::MAX_WORDS)),
            "the budget is shared"
        );
        assert!(
            err.to_string().starts_with("this `run:` script brings the file to more than 500000 shell words"),
            "{err}"
        );
        let deep = format!("{}x{}", "$(".repeat(shell::MAX_DEPTH + 1), ")".repeat(shell::MAX_DEPTH + 1));
        let err = steps(&[deep]).check_scripts().unwrap_err();
        assert_eq!(err.limit, shell::Limit::Depth(shell::MAX_DEPTH));
    }

    #[test]
    fn reads_jobs_steps_and_run_lines() {
        let w = Workflow::new(yaml::parse("on: [push]\njobs:\n  a:\n    steps:\n      - uses: x/y@v1\n      - run: |\n          echo a\n          curl b\n").unwrap());
        assert!(w.runs_on_event("push"));
        let steps = w.steps();
        assert_eq!(steps.len(), 2);
        let run = steps[1].run().unwrap();
        let script = run.parse();
        let curl = script.commands()[1];
        assert_eq!(run.line_of(curl.start()), 8);
    }
}
