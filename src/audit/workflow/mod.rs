//! The GitHub Actions workflow model the rules read: triggers, permissions, jobs and steps.

use super::shell::{self, Script};
use crate::yaml::tree::Node;

pub struct Workflow {
    pub root: Node,
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
        Workflow { root }
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

    pub fn jobs(&self) -> Vec<Job<'_>> {
        self.root
            .get("jobs")
            .map(|jobs| jobs.entries().map(|(name, key, node)| Job { name, key, node }).collect())
            .unwrap_or_default()
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

impl<'a> Step<'a> {
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
