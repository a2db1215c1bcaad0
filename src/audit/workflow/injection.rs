//! Expressions pasted into code (`run:` scripts and `actions/github-script`'s `script:`), and
//! what scripts write to `$GITHUB_OUTPUT` / `$GITHUB_ENV`, for following values between steps.

use std::collections::{BTreeSet, HashMap};

use super::expr::expansions;
use super::taint::{Place, Source, Tracer, Trust};
use super::{RunScript, Workflow};

/// Action inputs that the action runs as code, so expressions in them are pasted into code just
/// as in `run:`: (action, input).
pub const CODE_INPUTS: &[(&str, &str)] = &[
    ("actions/github-script", "script"),
    ("8398a7/action-slack", "custom_payload"),
    ("appleboy/ssh-action", "script"),
    ("azure/cli", "inlineScript"),
    ("azure/powershell", "inlineScript"),
    ("addnab/docker-run-action", "run"),
    ("jannekem/run-python-script-action", "script"),
    ("cross-platform-actions/action", "run"),
    ("mathiasvr/command-output", "run"),
];

/// An expression whose value is pasted into a script, with where that value can come from.
pub struct Injection {
    pub job: String,
    pub line: u32,
    pub column: u32,
    pub expression: String,
    /// Most trusted last; never empty.
    pub sources: Vec<Source>,
    /// Where it is pasted: "the script", or an input an action runs as code.
    pub into: String,
}

impl Injection {
    /// The least trusted party that sets the value.
    pub fn trust(&self) -> Trust {
        self.sources.iter().map(|s| s.trust).max().unwrap_or(Trust::Maintainer)
    }

    /// The sources of that party, described for a message.
    pub fn origins(&self) -> String {
        let trust = self.trust();
        let mut described: Vec<String> =
            self.sources.iter().filter(|s| s.trust == trust).map(Source::describe).collect();
        described.dedup();
        described.join(", ")
    }
}

/// Every expression in a `run:` or github-script `script:` whose value someone chooses.
pub fn injections(workflow: &Workflow) -> Vec<Injection> {
    let tracer = Tracer::new(workflow);
    let mut out = Vec::new();
    for job in tracer.jobs() {
        for (index, step) in job.steps().iter().enumerate() {
            let action = step.action().unwrap_or_default();
            let run = step.run().map(|run| (run, "the script".to_string()));
            let inputs = step.code_inputs().into_iter().filter_map(|(input, node)| {
                let into = format!("`{input}`, which {action} runs as code");
                node.as_str().map(|text| (RunScript { text, first_line: node.line, node }, into))
            });
            for (script, into) in run.into_iter().chain(inputs) {
                let (mut nth, mut counted) = (0, 0);
                for expansion in expansions(script.text) {
                    nth += script.text[counted..expansion.offset].matches("${{").count();
                    counted = expansion.offset;
                    let place = Place { job: Some(job), step: Some(index) };
                    let sources = tracer.expression(expansion.body, place);
                    if sources.is_empty() {
                        continue;
                    }
                    let (line, column) = workflow.expansion_position(script.node, script.text, expansion.offset, nth);
                    out.push(Injection {
                        job: job.name.to_string(),
                        line,
                        column,
                        expression: expansion.body.to_string(),
                        sources,
                        into: into.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Something a script reads that may carry a chosen value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// The body of a `${{ … }}`.
    Expression(String),
    /// An environment variable (`$NAME`, `process.env.NAME`) not assigned in the script.
    Env(String),
    /// A path under `context.payload` (github-script), the same as `github.event.*`.
    Event(String),
}

/// One value a script writes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    pub references: Vec<Reference>,
}

/// What a shell script writes as `name` (`*`: any name) to `$file` (`GITHUB_OUTPUT` or
/// `GITHUB_ENV`): `echo "name=…" >> "$file"`, `name<<EOF` blocks, `{ …; } >> "$file"` groups and
/// the old `::set-output name=…::`. Variables assigned in the script are followed to what they
/// were assigned from.
pub fn shell_writes(text: &str, file: &str, name: &str) -> Vec<Written> {
    let lines: Vec<&str> = text.lines().collect();
    let grouped = redirected_groups(&lines, file);
    let mut locals: HashMap<String, Vec<Reference>> = HashMap::new();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some((var, value)) = shell_assignment(line) {
            let refs = if passes_text_through(value) { shell_references(value, &locals) } else { Vec::new() };
            locals.insert(var.to_string(), refs);
        }
        if file == "GITHUB_OUTPUT" {
            if let Some(rest) = line.split_once("::set-output name=").map(|(_, r)| r) {
                if let Some((key, value)) = rest.split_once("::") {
                    if name == "*" || key.eq_ignore_ascii_case(name) {
                        out.push(Written { references: shell_references(value, &locals) });
                    }
                }
            }
        }
        if !line.contains(file) && !grouped.contains(&i) {
            continue;
        }
        for (value, heredoc) in keyed_values(line, name) {
            let references = match heredoc {
                Some(delimiter) => lines[i + 1..]
                    .iter()
                    .take(MAX_BLOCK_LINES)
                    .take_while(|l| !l.contains(delimiter))
                    .flat_map(|l| shell_references(l, &locals))
                    .collect(),
                None => shell_references(value, &locals),
            };
            out.push(Written { references });
        }
    }
    out
}

/// Longest heredoc or `{ … }` group read, in lines.
const MAX_BLOCK_LINES: usize = 500;

/// Lines inside `{ … } >> "$file"` groups.
fn redirected_groups(lines: &[&str], file: &str) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for (end, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('}') && trimmed.contains(">>") && trimmed.contains(file) {
            let first = end.saturating_sub(MAX_BLOCK_LINES);
            if let Some(start) = (first..end).rev().find(|&i| lines[i].trim_start().starts_with('{')) {
                out.extend(start..end);
            }
        }
    }
    out
}

/// Commands whose output is (a filtered part of) their input, so `X=$(echo "$TITLE" | sed …)` still
/// holds the title. Any other program's output (`X=$(script/list.py --branch "$BRANCH")`) is its
/// own, and is not followed.
const TEXT_FILTERS: &[&str] = &[
    "echo", "printf", "sed", "tr", "cut", "head", "tail", "awk", "cat", "jq", "grep", "tee", "sort", "uniq", "xargs",
    "envsubst", "fold", "rev",
];

/// Whether an assigned value keeps what it reads: plain text, or a command substitution made of
/// text filters only.
fn passes_text_through(value: &str) -> bool {
    let value = value.trim().trim_start_matches('"');
    let inner = if let Some(rest) = value.strip_prefix("$(") {
        rest.rsplit_once(')').map_or(rest, |(inner, _)| inner)
    } else if let Some(rest) = value.strip_prefix('`') {
        rest.split('`').next().unwrap_or(rest)
    } else {
        return true;
    };
    inner.split('|').all(|stage| {
        let program = stage.split_whitespace().find(|w| !w.contains('=')).unwrap_or("");
        TEXT_FILTERS.contains(&program.rsplit('/').next().unwrap_or(program))
    })
}

/// `NAME=value` at the start of a shell line (after `export`, `local`, `readonly`, `declare -x`).
fn shell_assignment(line: &str) -> Option<(&str, &str)> {
    let mut rest = line.trim_start();
    for keyword in ["export ", "local ", "readonly ", "declare "] {
        if let Some(r) = rest.strip_prefix(keyword) {
            rest = r.trim_start();
            while let Some(r) = rest.strip_prefix('-').and_then(|r| r.split_once(' ')).map(|(_, r)| r) {
                rest = r.trim_start();
            }
        }
    }
    let (name, value) = rest.split_once('=')?;
    is_identifier(name).then_some((name, value))
}

fn is_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The `name=value` and `name<<DELIM` items on a line, as (value, heredoc delimiter).
fn keyed_values<'a>(line: &'a str, name: &str) -> Vec<(&'a str, Option<&'a str>)> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut start = 0;
    while start < line.len() {
        let boundary = start == 0 || matches!(bytes[start - 1], b' ' | b'"' | b'\'' | b'{' | b'\t');
        let key_end = line[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map_or(line.len(), |e| start + e);
        let key = &line[start..key_end];
        if boundary && key_end > start && (name == "*" || key.eq_ignore_ascii_case(name)) && !key.starts_with('-') {
            let rest = &line[key_end..];
            if let Some(value) = rest.strip_prefix("<<") {
                let delimiter = value
                    .trim_matches(|c: char| matches!(c, '\'' | '"' | ' '))
                    .split(['"', '\'', ' '])
                    .next()
                    .unwrap_or("");
                if !delimiter.is_empty() {
                    out.push(("", Some(delimiter)));
                }
            } else if let Some(value) = rest.strip_prefix('=') {
                out.push((value, None));
            }
        }
        start = key_end.max(start + 1);
        while start < line.len() && !line.is_char_boundary(start) {
            start += 1;
        }
    }
    out
}

/// The expressions and variables a piece of shell reads, with variables assigned earlier in the
/// script replaced by what they were assigned from.
fn shell_references(text: &str, locals: &HashMap<String, Vec<Reference>>) -> Vec<Reference> {
    let mut out: Vec<Reference> = expansions(text).iter().map(|e| Reference::Expression(e.body.to_string())).collect();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        let after = rest[i + 1..].strip_prefix('{').unwrap_or(&rest[i + 1..]);
        let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
        let var = &after[..end];
        if is_identifier(var) {
            match locals.get(var) {
                Some(refs) => out.extend(refs.iter().cloned()),
                None => out.push(Reference::Env(var.to_string())),
            }
        }
        rest = &after[end..];
    }
    out
}

/// What an `actions/github-script` script sets as output `name`: `core.setOutput('name', …)`, or
/// for `result` what it returns. `const`/`let`/`var` variables are followed.
pub fn js_outputs(text: &str, name: &str) -> Vec<Written> {
    let mut locals: HashMap<String, Vec<Reference>> = HashMap::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        for keyword in ["const ", "let ", "var "] {
            if let Some((var, value)) = trimmed.strip_prefix(keyword).and_then(|r| r.split_once('=')) {
                let var = var.trim();
                if is_identifier(var) && !value.starts_with('=') {
                    let refs = js_references(value, &locals);
                    locals.insert(var.to_string(), refs);
                }
            }
        }
        if name.eq_ignore_ascii_case("result") || name == "*" {
            if let Some((_, value)) = trimmed.split_once("return ") {
                out.push(Written { references: js_references(value, &locals) });
            }
        }
        let mut rest = line;
        while let Some(i) = rest.find("setOutput(") {
            let args = &rest[i + "setOutput(".len()..];
            let key = args.trim_start().trim_start_matches(['\'', '"', '`']);
            let key_end = key.find(['\'', '"', '`']).unwrap_or(key.len());
            if name == "*" || key[..key_end].eq_ignore_ascii_case(name) {
                let value = key[key_end..].split_once(',').map_or("", |(_, v)| v);
                out.push(Written { references: js_references(value, &locals) });
            }
            rest = args;
        }
    }
    out
}

/// Methods whose result is a boolean or a number, not the text they are called on.
const JS_NON_TEXT: &[&str] = &["includes", "startsWith", "endsWith", "length", "test", "match", "indexOf", "search"];

fn js_references(text: &str, locals: &HashMap<String, Vec<Reference>>) -> Vec<Reference> {
    let mut out: Vec<Reference> = expansions(text).iter().map(|e| Reference::Expression(e.body.to_string())).collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$' {
            word.push(c);
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    for word in words {
        let segments: Vec<&str> = word.split('.').filter(|s| !s.is_empty()).collect();
        if segments.iter().any(|s| JS_NON_TEXT.contains(s)) {
            continue;
        }
        if let Some(path) = word.strip_prefix("context.payload.") {
            out.push(Reference::Event(path.trim_end_matches('.').to_string()));
        } else if let Some(var) = word.strip_prefix("process.env.") {
            out.push(Reference::Env(var.to_string()));
        } else if let Some(refs) = segments.first().and_then(|first| locals.get(*first)) {
            out.extend(refs.iter().cloned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(written: &[Written]) -> Vec<Reference> {
        written.iter().flat_map(|w| w.references.clone()).collect()
    }

    #[test]
    fn shell_writes_follow_local_variables() {
        let script = "TITLE=\"${{ github.event.issue.title }}\"\nCLEAN=$(echo \"$TITLE\" | tr -d x)\necho \"title=$CLEAN\" >> \"$GITHUB_OUTPUT\"\necho \"n=${{ github.event.issue.number }}\" >> $GITHUB_OUTPUT\n";
        assert_eq!(
            bodies(&shell_writes(script, "GITHUB_OUTPUT", "title")),
            [Reference::Expression("github.event.issue.title".into()), Reference::Env("GITHUB_OUTPUT".into())]
        );
        assert_eq!(
            bodies(&shell_writes(script, "GITHUB_OUTPUT", "n")),
            [Reference::Expression("github.event.issue.number".into()), Reference::Env("GITHUB_OUTPUT".into())]
        );
        assert!(shell_writes(script, "GITHUB_ENV", "title").is_empty());
    }

    #[test]
    fn program_output_is_not_the_input() {
        let script = "A=$(echo \"${{ github.head_ref }}\" | tr / -)\nB=$(script/list.py --branch \"${{ github.head_ref }}\")\necho \"a=$A\" >> $GITHUB_OUTPUT\necho \"b=$B\" >> $GITHUB_OUTPUT\n";
        assert_eq!(
            shell_writes(script, "GITHUB_OUTPUT", "a")[0].references[0],
            Reference::Expression("github.head_ref".into())
        );
        assert_eq!(shell_writes(script, "GITHUB_OUTPUT", "b")[0].references, [Reference::Env("GITHUB_OUTPUT".into())]);
    }

    #[test]
    fn shell_writes_read_heredocs_groups_and_set_output() {
        let script = "{\n  echo 'body<<EOF'\n  echo \"$BODY\"\n  echo EOF\n} >> \"$GITHUB_OUTPUT\"\necho \"::set-output name=ref::${{ github.head_ref }}\"\necho \"--name=x\" >> $GITHUB_OUTPUT\n";
        assert_eq!(bodies(&shell_writes(script, "GITHUB_OUTPUT", "body")), [Reference::Env("BODY".into())]);
        assert_eq!(
            bodies(&shell_writes(script, "GITHUB_OUTPUT", "ref")),
            [Reference::Expression("github.head_ref".into())]
        );
        assert!(shell_writes(script, "GITHUB_OUTPUT", "name").is_empty());
    }

    #[test]
    fn github_script_outputs() {
        let script = "const title = context.payload.pull_request.title\nconst n = context.payload.pull_request.number\ncore.setOutput('title', title)\ncore.setOutput(\"n\", n)\nreturn context.payload.comment.body.includes('/ok')\n";
        assert_eq!(bodies(&js_outputs(script, "title")), [Reference::Event("pull_request.title".into())]);
        assert_eq!(bodies(&js_outputs(script, "n")), [Reference::Event("pull_request.number".into())]);
        assert!(bodies(&js_outputs(script, "result")).is_empty());
    }

    #[test]
    fn hostile_lines_do_not_panic() {
        for text in [
            "é=1 >> $GITHUB_OUTPUT",
            "x<<",
            "=\u{1b}[2J >> GITHUB_OUTPUT",
            "::set-output name=",
            "$",
            "${",
            "setOutput(",
        ] {
            shell_writes(text, "GITHUB_OUTPUT", "*");
            js_outputs(text, "*");
        }
    }
}
