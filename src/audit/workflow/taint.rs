//! Who can set the value of an expression: an outsider (anyone who can open an issue or a pull
//! request, comment, or push to a fork), someone with write access, or nobody (numbers, SHAs,
//! URLs, booleans, usernames). Values are followed through `env:` at every level, variables
//! written to `$GITHUB_ENV`, step outputs (`run:` scripts and `actions/github-script`), job
//! outputs (`needs.*.outputs.*`) and the strategy matrix back to the context that set them.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};

use super::expr::{expansions, value_contexts};
use super::{Job, Workflow};
use crate::yaml::tree::Node;

/// Who sets a value. Ordered: an outsider is worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trust {
    /// Set per run by someone with write access: dispatch and call inputs, ref names, labels,
    /// releases.
    Maintainer,
    /// Set by anyone on GitHub.
    Attacker,
}

/// The contexts whose value someone chooses. Anything else (numbers, SHAs, URLs, ids, usernames,
/// which GitHub limits to letters, digits and `-`, repository settings) is not listed: nobody can
/// put shell syntax into it. `*` matches one segment (an index or a key).
pub const CONTEXTS: &[(&str, Trust)] = &[
    ("github.head_ref", Trust::Attacker),
    ("github.event.issue.title", Trust::Attacker),
    ("github.event.issue.body", Trust::Attacker),
    ("github.event.pull_request.title", Trust::Attacker),
    ("github.event.pull_request.body", Trust::Attacker),
    ("github.event.pull_request.head.ref", Trust::Attacker),
    ("github.event.pull_request.head.label", Trust::Attacker),
    ("github.event.pull_request.head.repo.default_branch", Trust::Attacker),
    ("github.event.pull_request.head.repo.description", Trust::Attacker),
    ("github.event.pull_request.head.repo.homepage", Trust::Attacker),
    ("github.event.comment.body", Trust::Attacker),
    ("github.event.review.body", Trust::Attacker),
    ("github.event.review_comment.body", Trust::Attacker),
    ("github.event.discussion.title", Trust::Attacker),
    ("github.event.discussion.body", Trust::Attacker),
    ("github.event.pages.*.page_name", Trust::Attacker),
    ("github.event.pages.*.title", Trust::Attacker),
    ("github.event.commits.*.message", Trust::Attacker),
    ("github.event.commits.*.author.name", Trust::Attacker),
    ("github.event.commits.*.author.email", Trust::Attacker),
    ("github.event.commits.*.committer.name", Trust::Attacker),
    ("github.event.commits.*.committer.email", Trust::Attacker),
    ("github.event.head_commit.message", Trust::Attacker),
    ("github.event.head_commit.author.name", Trust::Attacker),
    ("github.event.head_commit.author.email", Trust::Attacker),
    ("github.event.head_commit.committer.name", Trust::Attacker),
    ("github.event.head_commit.committer.email", Trust::Attacker),
    ("github.event.merge_group.head_commit.message", Trust::Attacker),
    ("github.event.workflow_run.head_branch", Trust::Attacker),
    ("github.event.workflow_run.display_title", Trust::Attacker),
    ("github.event.workflow_run.head_commit.message", Trust::Attacker),
    ("github.event.workflow_run.head_commit.author.name", Trust::Attacker),
    ("github.event.workflow_run.head_commit.author.email", Trust::Attacker),
    ("github.event.workflow_run.head_commit.committer.name", Trust::Attacker),
    ("github.event.workflow_run.head_commit.committer.email", Trust::Attacker),
    ("github.event.workflow_run.pull_requests.*.head.ref", Trust::Attacker),
    ("github.event.workflow_run.head_repository.description", Trust::Attacker),
    ("github.event.check_suite.head_branch", Trust::Attacker),
    ("github.event.check_suite.head_commit.message", Trust::Attacker),
    ("github.event.check_run.check_suite.head_branch", Trust::Attacker),
    ("github.event.workflow_job.head_branch", Trust::Attacker),
    ("inputs", Trust::Maintainer),
    ("github.event.inputs", Trust::Maintainer),
    ("github.event.client_payload", Trust::Maintainer),
    ("github.ref", Trust::Maintainer),
    ("github.ref_name", Trust::Maintainer),
    ("github.base_ref", Trust::Maintainer),
    ("github.event.ref", Trust::Maintainer),
    ("github.event.base_ref", Trust::Maintainer),
    ("github.event.pull_request.base.ref", Trust::Maintainer),
    ("github.event.pull_request.base.label", Trust::Maintainer),
    ("github.event.release.name", Trust::Maintainer),
    ("github.event.release.body", Trust::Maintainer),
    ("github.event.release.tag_name", Trust::Maintainer),
    ("github.event.release.target_commitish", Trust::Maintainer),
    ("github.event.label.name", Trust::Maintainer),
    ("github.event.label.description", Trust::Maintainer),
    ("github.event.pull_request.labels.*.name", Trust::Maintainer),
    ("github.event.issue.labels.*.name", Trust::Maintainer),
    ("github.event.milestone.title", Trust::Maintainer),
    ("github.event.milestone.description", Trust::Maintainer),
    ("github.event.deployment.payload", Trust::Maintainer),
    ("github.event.deployment.environment", Trust::Maintainer),
    ("github.event.pusher.email", Trust::Maintainer),
];

/// Conditions (lower-case, without spaces) that admit only runs whose head is in the repository
/// itself, where only people who can push create branches and pull requests.
const SAME_REPOSITORY: &[&str] = &[
    "github.event.workflow_run.event!='pull_request'",
    "github.event.workflow_run.event=='push'",
    "github.event.workflow_run.head_repository.full_name==github.repository",
    "github.repository==github.event.workflow_run.head_repository.full_name",
    "github.event.pull_request.head.repo.full_name==github.repository",
    "github.repository==github.event.pull_request.head.repo.full_name",
];

/// The outsider-set fields such a condition rules out.
const HEAD_FIELDS: &[&str] = &["github.head_ref", "github.event.pull_request.", "github.event.workflow_run."];

/// Most contexts looked up for one expression.
const MAX_LOOKUPS: usize = 2_000;

/// How deep a chain of `env`, outputs and jobs is followed.
const MAX_DEPTH: usize = 12;

/// Where a value came from: the context someone sets, and what it went through on the way.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    pub trust: Trust,
    /// The listed context the value starts from (`github.event.issue.title`).
    pub origin: String,
    /// The contexts it passed through, nearest first (`env.TITLE`, `steps.meta.outputs.title`).
    pub via: Vec<String>,
}

impl Source {
    /// `github.event.issue.title` or `github.event.issue.title (through steps.t.outputs.title)`.
    pub fn describe(&self) -> String {
        if self.via.is_empty() {
            format!("`{}`", self.origin)
        } else {
            format!(
                "`{}` (through {})",
                self.origin,
                self.via.iter().rev().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" and ")
            )
        }
    }
}

/// The trust of a context by the table alone. `whole` also matches objects that contain a listed
/// field (`toJSON(github.event.pull_request)`), which is right where the value is pasted as is.
pub fn listed(context: &str, whole: bool) -> Option<(Trust, &'static str)> {
    let segments: Vec<&str> = context.split('.').collect();
    CONTEXTS
        .iter()
        .filter(|(pattern, _)| {
            let pattern: Vec<&str> = pattern.split('.').collect();
            let common = pattern.len().min(segments.len());
            let same = pattern[..common].iter().zip(&segments[..common]).all(|(p, s)| *p == "*" || *s == "*" || p == s);
            same && (segments.len() >= pattern.len() || whole)
        })
        .map(|(pattern, trust)| (*trust, *pattern))
        .max_by_key(|(trust, _)| *trust)
}

/// Where an expression is evaluated: a job, and the step in it (none for job-level keys such as
/// `outputs:`, where every step has run).
#[derive(Clone, Copy)]
pub struct Place<'a> {
    pub job: Option<&'a Job<'a>>,
    pub step: Option<usize>,
}

/// A step's write to `$GITHUB_OUTPUT` or `$GITHUB_ENV`: (job, step index, file, name).
type WriteKey = (String, usize, String, String);

pub struct Tracer<'w> {
    workflow: &'w Workflow,
    jobs: Vec<Job<'w>>,
    /// Contexts still to be looked up for the current expression: chains can branch at every
    /// step, and a hostile file must not make that exponential.
    budget: Cell<usize>,
    /// What each step writes, by (job, step, file, name): scripts are read once, however many
    /// expressions read their outputs.
    written: RefCell<HashMap<WriteKey, Vec<Source>>>,
}

impl<'w> Tracer<'w> {
    pub fn new(workflow: &'w Workflow) -> Tracer<'w> {
        Tracer { workflow, jobs: workflow.jobs(), budget: Cell::new(0), written: RefCell::new(HashMap::new()) }
    }

    pub fn jobs(&self) -> &[Job<'w>] {
        &self.jobs
    }

    /// The sources of the value of one `${{ … }}` body pasted as is at `place`. Under an `if:`
    /// that admits only runs from the repository itself (see [`SAME_REPOSITORY`]), the head
    /// branch and pull request fields are set by someone who can push, not by anyone.
    pub fn expression(&self, body: &str, place: Place<'_>) -> Vec<Source> {
        let mut out = BTreeSet::new();
        self.budget.set(MAX_LOOKUPS);
        let same_repository = self.same_repository(place);
        for context in value_contexts(body) {
            for mut source in self.context(&context, place, true, 0) {
                if same_repository && HEAD_FIELDS.iter().any(|f| source.origin.starts_with(f)) {
                    source.trust = source.trust.min(Trust::Maintainer);
                }
                out.insert(source);
            }
        }
        out.into_iter().collect()
    }

    fn same_repository(&self, place: Place<'_>) -> bool {
        let step = place.job.zip(place.step).and_then(|(job, i)| job.steps().into_iter().nth(i));
        let conditions = [place.job.and_then(|j| j.node.get("if")), step.and_then(|s| s.node.get("if"))];
        conditions.into_iter().flatten().filter_map(Node::as_str).any(|condition| {
            let condition: String = condition
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if c == '"' { '\'' } else { c.to_ascii_lowercase() })
                .collect();
            SAME_REPOSITORY.iter().any(|guard| condition.contains(guard))
        })
    }

    /// The sources of every `${{ … }}` in a text (an `env:` value, an output's value).
    fn text(&self, text: &str, place: Place<'_>, depth: usize) -> Vec<Source> {
        let mut out = Vec::new();
        for expansion in expansions(text) {
            for context in value_contexts(expansion.body) {
                out.extend(self.context(&context, place, false, depth));
            }
        }
        out
    }

    fn context(&self, context: &str, place: Place<'_>, whole: bool, depth: usize) -> Vec<Source> {
        if depth > MAX_DEPTH || self.budget.get() == 0 {
            return Vec::new();
        }
        self.budget.set(self.budget.get() - 1);
        if let Some((trust, origin)) = listed(context, whole) {
            let origin = if context.len() > origin.len() { context } else { origin };
            return vec![Source { trust, origin: origin.to_string(), via: Vec::new() }];
        }
        let parts: Vec<&str> = context.split('.').collect();
        let found = match parts.as_slice() {
            ["env", name, ..] => self.env(name, place, depth),
            ["steps", id, "outputs", rest @ ..] => match place.job {
                Some(job) => self.step_output(job, id, rest.first().copied().unwrap_or("*"), place.step, depth),
                None => Vec::new(),
            },
            ["needs", job, "outputs", rest @ ..] => self.job_output(job, rest.first().copied().unwrap_or("*"), depth),
            ["matrix", rest @ ..] => match place.job {
                Some(job) => self.matrix(job, rest, depth),
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        found
            .into_iter()
            .map(|mut source| {
                source.via.push(context.to_string());
                source
            })
            .collect()
    }

    /// `env.NAME`: the step's, the job's or the workflow's `env:`, else what an earlier step of
    /// the job wrote to `$GITHUB_ENV`.
    fn env(&self, name: &str, place: Place<'_>, depth: usize) -> Vec<Source> {
        let steps = place.job.map(|j| j.steps()).unwrap_or_default();
        let step_env = place.step.and_then(|i| steps.get(i)).and_then(|s| s.env());
        let job_env = place.job.and_then(|j| j.env());
        let job_place = Place { job: place.job, step: None };
        let workflow_place = Place { job: None, step: None };
        for (env, at) in [(step_env, place), (job_env, job_place), (self.workflow.env(), workflow_place)] {
            if let Some(value) = env.and_then(|e| lookup(e, name)) {
                return value.as_str().map(|text| self.text(text, at, depth + 1)).unwrap_or_default();
            }
        }
        let (Some(job), Some(index)) = (place.job, place.step) else { return Vec::new() };
        (0..index).flat_map(|i| self.written(job, i, "GITHUB_ENV", name, depth)).collect()
    }

    /// `steps.ID.outputs.NAME` as seen from step `before` (or from the end of the job).
    fn step_output(&self, job: &Job<'_>, id: &str, name: &str, before: Option<usize>, depth: usize) -> Vec<Source> {
        match job.step_with_id(id) {
            Some((index, _)) if before.is_none_or(|b| index < b) => {
                self.written(job, index, "GITHUB_OUTPUT", name, depth)
            }
            _ => Vec::new(),
        }
    }

    /// `needs.JOB.outputs.NAME`: the job's `outputs:` value, evaluated at the end of that job.
    fn job_output(&self, name: &str, output: &str, depth: usize) -> Vec<Source> {
        let Some(job) = self.jobs.iter().find(|j| j.name.eq_ignore_ascii_case(name)) else { return Vec::new() };
        let Some(outputs) = job.node.get("outputs") else { return Vec::new() };
        let place = Place { job: Some(job), step: None };
        outputs
            .entries()
            .filter(|(key, _, _)| output == "*" || key.eq_ignore_ascii_case(output))
            .filter_map(|(_, _, value)| value.as_str())
            .flat_map(|text| self.text(text, place, depth + 1))
            .collect()
    }

    /// `matrix.KEY...`: every value the strategy gives it.
    fn matrix(&self, job: &Job<'_>, path: &[&str], depth: usize) -> Vec<Source> {
        let place = Place { job: Some(job), step: None };
        job.matrix_values(path).into_iter().flat_map(|text| self.text(text, place, depth + 1)).collect()
    }

    /// What step `index` of `job` writes as `name` to `$GITHUB_OUTPUT` or `$GITHUB_ENV`.
    fn written(&self, job: &Job<'_>, index: usize, file: &str, name: &str, depth: usize) -> Vec<Source> {
        let key = (job.name.to_string(), index, file.to_string(), name.to_ascii_lowercase());
        if let Some(found) = self.written.borrow().get(&key) {
            return found.clone();
        }
        let found = self.read_writes(job, index, file, name, depth);
        // A result cut short by the budget is not the whole answer: keep it for this expression only.
        if self.budget.get() > 0 {
            self.written.borrow_mut().insert(key, found.clone());
        }
        found
    }

    fn read_writes(&self, job: &Job<'_>, index: usize, file: &str, name: &str, depth: usize) -> Vec<Source> {
        let Some(step) = job.steps().into_iter().nth(index) else { return Vec::new() };
        let place = Place { job: Some(job), step: Some(index) };
        let (text, javascript) = match (step.run(), step.github_script()) {
            (Some(run), _) => (run.text, false),
            (None, Some(script)) if file == "GITHUB_OUTPUT" => (script.as_str().unwrap_or(""), true),
            _ => return Vec::new(),
        };
        let values = if javascript {
            super::injection::js_outputs(text, name)
        } else {
            super::injection::shell_writes(text, file, name)
        };
        let mut out = Vec::new();
        for value in values {
            for reference in value.references {
                out.extend(self.reference(&reference, place, depth + 1));
            }
        }
        out
    }

    /// A name a script reads: an expression body, a shell or `process.env` variable, or a
    /// `context.payload` path.
    fn reference(&self, reference: &super::injection::Reference, place: Place<'_>, depth: usize) -> Vec<Source> {
        use super::injection::Reference;
        match reference {
            Reference::Expression(body) => {
                value_contexts(body).iter().flat_map(|c| self.context(c, place, false, depth)).collect()
            }
            // The runner's default variables mirror the `github` context (`GITHUB_HEAD_REF`).
            Reference::Env(name) => match name.strip_prefix("GITHUB_") {
                Some(rest) => self.context(&format!("github.{}", rest.to_ascii_lowercase()), place, false, depth),
                None => self.context(&format!("env.{}", name.to_ascii_lowercase()), place, false, depth),
            },
            Reference::Event(path) => {
                self.context(&format!("github.event.{}", path.to_ascii_lowercase()), place, false, depth)
            }
        }
    }
}

/// An `env:` entry by name (environment variable names are case-sensitive on the runner, but
/// expressions look them up without case).
fn lookup<'a>(env: &'a Node, name: &str) -> Option<&'a Node> {
    env.entries().find(|(key, _, _)| key.eq_ignore_ascii_case(name)).map(|(_, _, value)| value)
}
