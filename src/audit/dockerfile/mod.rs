//! The Dockerfile model the rules read: instructions with positions, stages, and images with
//! `ARG` defaults resolved.

mod parse;

use std::collections::HashMap;

use super::shell::{self, Script};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// Where a piece of an instruction's joined text starts in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub offset: usize,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub marker: String,
    /// Range of the body in the instruction's text.
    pub offset: usize,
    pub len: usize,
    /// First line of the body.
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper case: `RUN`, `COPY`...
    pub keyword: String,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub flags: Vec<Flag>,
    /// Everything after the keyword, continuations joined, then heredoc bodies.
    pub text: String,
    pub segments: Vec<Segment>,
    /// The arguments (after flags) are `text[args_offset..args_end]`.
    pub args_offset: usize,
    pub args_end: usize,
    /// The arguments as a JSON array (exec form), when they are one.
    pub json: Option<Vec<String>>,
    pub heredocs: Vec<Heredoc>,
    /// The instruction an `ONBUILD` wraps.
    pub onbuild: Option<Box<Instruction>>,
}

/// A `KEY=value` pair of ENV, ARG or LABEL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    /// `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    /// The value uses `$VAR` or `${VAR}`.
    pub expands: bool,
    pub offset: usize,
}

impl Instruction {
    pub fn args(&self) -> &str {
        let end = self.args_end.max(self.args_offset).min(self.text.len());
        self.text.get(self.args_offset..end).unwrap_or("")
    }

    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags.iter().find(|f| f.name == name).map(|f| f.value.as_deref().unwrap_or(""))
    }

    /// Every value of a repeatable flag (`--mount`).
    pub fn flag_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.flags.iter().filter(move |f| f.name == name).map(|f| f.value.as_deref().unwrap_or(""))
    }

    pub fn heredoc_body(&self, heredoc: &Heredoc) -> &str {
        self.text.get(heredoc.offset..(heredoc.offset + heredoc.len).min(self.text.len())).unwrap_or("")
    }

    /// Line and column of a byte offset in [`Instruction::text`].
    pub fn position(&self, offset: usize) -> (u32, u32) {
        // Segments are in offset order: the last one starting at or before `offset`.
        let index = self.segments.partition_point(|s| s.offset <= offset);
        let segment = index.checked_sub(1).map(|i| self.segments[i]).unwrap_or(Segment {
            offset: 0,
            line: self.line,
            col: self.col,
        });
        // Columns count characters, as SARIF's `unicodeCodePoints` says.
        let chars = self.text.get(segment.offset..offset).map_or(offset - segment.offset, |t| t.chars().count());
        (segment.line, segment.col + chars as u32)
    }

    /// The shell scripts this RUN executes: the shell form's text, an exec form that calls a
    /// shell with `-c`, and heredoc bodies fed to a shell.
    pub fn scripts(&self) -> Vec<Script> {
        let mut scripts = Vec::new();
        match &self.json {
            Some(items) => {
                let shell_c = items.len() >= 3
                    && matches!(items[0].rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash" | "zsh"))
                    && items[1] == "-c";
                if shell_c {
                    scripts.push(shell::parse(&items[2], self.args_offset));
                } else {
                    let words = items
                        .iter()
                        .map(|t| shell::Word {
                            text: t.clone(),
                            start: self.args_offset,
                            end: self.args_offset,
                            ..Default::default()
                        })
                        .collect();
                    scripts.push(Script {
                        pipelines: vec![shell::Pipeline {
                            commands: vec![shell::Command { words, ..Default::default() }],
                        }],
                    });
                }
            }
            None => {
                let args = self.args();
                let script = shell::parse(args, self.args_offset);
                let runs_shell = script
                    .commands()
                    .first()
                    .is_none_or(|c| matches!(c.name(), "sh" | "bash" | "ash" | "dash" | "zsh" | ""));
                scripts.push(script);
                if runs_shell || args.trim_start().starts_with("<<") {
                    for heredoc in &self.heredocs {
                        scripts.push(shell::parse(self.heredoc_body(heredoc), heredoc.offset));
                    }
                }
            }
        }
        scripts
    }

    /// `KEY=value` pairs of ENV, ARG and LABEL (also the legacy `ENV KEY value` form).
    pub fn key_values(&self) -> Vec<KeyValue> {
        let args = self.args();
        let script = shell::parse(args, self.args_offset);
        let words: Vec<&shell::Word> = script
            .pipelines
            .iter()
            .flat_map(|p| &p.commands)
            .flat_map(|c| c.assignments.iter().chain(&c.words))
            .collect();
        let Some(first) = words.first() else { return Vec::new() };
        if self.keyword == "ENV" && !first.text.contains('=') {
            // The value is the raw text after the key's word (its end is an offset in `text`).
            let value = self.text.get(first.end.min(self.args_end)..self.args_end).unwrap_or("").trim().to_string();
            return vec![KeyValue {
                key: first.text.clone(),
                expands: value.contains('$'),
                value: Some(value),
                offset: first.start,
            }];
        }
        words
            .iter()
            .map(|w| match w.text.split_once('=') {
                Some((k, v)) => {
                    KeyValue { key: k.to_string(), value: Some(v.to_string()), expands: w.expands, offset: w.start }
                }
                None => KeyValue { key: w.text.clone(), value: None, expands: false, offset: w.start },
            })
            .collect()
    }
}

/// An image reference split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry and repository, e.g. `gcr.io/distroless/python3-debian13` or `python`.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (rest[..slash + i].to_string(), Some(rest[slash + i + 1..].to_string())),
            None => (rest.to_string(), None),
        };
        ImageRef { name, tag, digest }
    }

    /// The repository without registry or `library/`: `python`, `distroless/python3-debian13`.
    pub fn repository(&self) -> &str {
        let mut parts = self.name.splitn(2, '/');
        let first = parts.next().unwrap_or("");
        let rest = parts.next();
        let repo = match rest {
            Some(rest) if first.contains('.') || first.contains(':') || first == "localhost" => rest,
            _ => &self.name,
        };
        repo.strip_prefix("library/").unwrap_or(repo)
    }
}

/// One build stage: a FROM and the instructions up to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The `AS` name, lower case.
    pub name: Option<String>,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Instruction indices after the FROM, up to the next stage.
    pub body: std::ops::Range<usize>,
    /// The image as written.
    pub image_text: String,
    /// The image with `ARG` defaults substituted; `None` when a variable has no default.
    pub image: Option<String>,
    /// The earlier stage this one builds on (`FROM builder`).
    pub base_stage: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub escape: char,
    /// Comment lines (line, text), for inline suppressions.
    pub comments: Vec<(u32, String)>,
}

impl Dockerfile {
    pub fn parse(src: &str) -> Result<Dockerfile, ParseError> {
        let parsed = parse::parse(src)?;
        let stages = stages(&parsed.instructions)?;
        Ok(Dockerfile { instructions: parsed.instructions, stages, escape: parsed.escape, comments: parsed.comments })
    }

    /// The stage the image is built from when no `--target` is given.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        &self.instructions[stage.body.clone()]
    }

    /// The stage itself and the stages it builds on, nearest first.
    pub fn lineage<'a>(&'a self, stage: &'a Stage) -> Vec<&'a Stage> {
        let mut out = vec![stage];
        let mut current = stage;
        while let Some(base) = current.base_stage {
            if out.len() > self.stages.len() {
                break;
            }
            current = &self.stages[base];
            out.push(current);
        }
        out
    }

    /// Every instruction of every stage with its stage, `ONBUILD`-wrapped ones unwrapped.
    pub fn all(&self) -> impl Iterator<Item = (&Instruction, &Instruction)> {
        self.instructions.iter().map(|i| (i.onbuild.as_deref().unwrap_or(i), i))
    }

    /// The names of stages, lower case.
    pub fn is_stage_name(&self, name: &str) -> bool {
        self.stages.iter().any(|s| s.name.as_deref() == Some(&name.to_ascii_lowercase()))
    }
}

/// Substitutes `$X`, `${X}`, `${X:-d}` and `${X-d}` from `vars`; `None` if any is unknown.
pub fn substitute(text: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}')?;
            let expr = &inner[..end];
            rest = &inner[end + 1..];
            let (name, default) = match expr.find([':', '-']) {
                Some(p) => {
                    let d = expr[p..].trim_start_matches(':');
                    (&expr[..p], d.strip_prefix('-').map(|d| d.to_string()))
                }
                None => (expr, None),
            };
            match vars.get(name).filter(|v| !v.is_empty()).cloned().or(default) {
                Some(v) => out.push_str(&v),
                None => return None,
            }
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if end == 0 {
                out.push('$');
                continue;
            }
            out.push_str(vars.get(&rest[..end])?);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    Some(out)
}

fn stages(instructions: &[Instruction]) -> Result<Vec<Stage>, ParseError> {
    let mut global_args: HashMap<String, String> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    for (index, instruction) in instructions.iter().enumerate() {
        match instruction.keyword.as_str() {
            "ARG" if stages.is_empty() => {
                for kv in instruction.key_values() {
                    if let Some(value) = kv.value {
                        global_args.insert(kv.key, value);
                    }
                }
            }
            "FROM" => {
                if let Some(last) = stages.last_mut() {
                    last.body.end = index;
                }
                let words: Vec<&str> = instruction.args().split_whitespace().collect();
                let Some(image_text) = words.first() else {
                    return Err(ParseError {
                        line: instruction.line,
                        col: instruction.col,
                        message: "FROM needs an image".into(),
                    });
                };
                let name = match (words.get(1), words.get(2)) {
                    (Some(kw), Some(n)) if kw.eq_ignore_ascii_case("as") => Some(n.to_ascii_lowercase()),
                    _ => None,
                };
                let image = substitute(image_text, &global_args);
                let base_stage = image
                    .as_deref()
                    .and_then(|img| stages.iter().position(|s| s.name.as_deref() == Some(&img.to_ascii_lowercase())));
                stages.push(Stage {
                    index: stages.len(),
                    name,
                    from: index,
                    body: index + 1..instructions.len(),
                    image_text: image_text.to_string(),
                    image,
                    base_stage,
                });
            }
            _ if stages.is_empty() => {
                return Err(ParseError {
                    line: instruction.line,
                    col: instruction.col,
                    message: format!("{} before the first FROM (only ARG may come first)", instruction.keyword),
                });
            }
            _ => {}
        }
    }
    Ok(stages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_arg_defaults_in_from() {
        let df = Dockerfile::parse(
            "ARG PY=3.13\nARG VARIANT\nFROM python:${PY}-slim AS build\nFROM python:$VARIANT\nFROM build\n",
        )
        .unwrap();
        assert_eq!(df.stages[0].image.as_deref(), Some("python:3.13-slim"));
        assert_eq!(df.stages[1].image, None);
        assert_eq!(df.stages[2].base_stage, Some(0));
        assert_eq!(df.lineage(&df.stages[2]).len(), 2);
    }

    #[test]
    fn splits_image_references() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(
            (r.name.as_str(), r.tag.as_deref(), r.digest.as_deref()),
            ("localhost:5000/team/app", Some("1.2"), Some("sha256:abc"))
        );
        assert_eq!(r.repository(), "team/app");
        assert_eq!(ImageRef::parse("python").tag, None);
        assert_eq!(ImageRef::parse("docker.io/library/python:3").repository(), "python");
    }

    #[test]
    fn reads_env_pairs_in_both_forms() {
        let df = Dockerfile::parse("FROM a\nENV A=1 B=\"x y\" \\\n    C=$HOME\nENV D some value\n").unwrap();
        let kv = df.instructions[1].key_values();
        assert_eq!(
            kv.iter().map(|k| (k.key.as_str(), k.value.as_deref().unwrap())).collect::<Vec<_>>(),
            [("A", "1"), ("B", "x y"), ("C", "$HOME")]
        );
        assert!(kv[2].expands);
        assert_eq!(df.instructions[1].position(kv[2].offset).0, 3);
        assert_eq!(df.instructions[2].key_values()[0].value.as_deref(), Some("some value"));
    }

    #[test]
    fn legacy_env_values_with_quotes_and_multibyte_text() {
        // Found by `cargo fuzz run dockerfile`: the key's unquoted length was used as a byte offset.
        let df = Dockerfile::parse("FROM a\nENV http-abc123\" homc/exam\u{390}\nENV \"K\" v\u{e9}\n").unwrap();
        assert_eq!(df.instructions[1].key_values()[0].key, "http-abc123 homc/examΐ");
        let kv = &df.instructions[2].key_values()[0];
        assert_eq!((kv.key.as_str(), kv.value.as_deref()), ("K", Some("vé")));
    }

    #[test]
    fn instructions_before_from_are_an_error() {
        assert_eq!(Dockerfile::parse("RUN x\nFROM a\n").unwrap_err().line, 1);
    }

    #[test]
    fn scripts_of_exec_and_heredoc_forms() {
        let df = Dockerfile::parse("FROM a\nRUN [\"sh\", \"-c\", \"curl x | sh\"]\nRUN <<EOF\napt-get update\nEOF\n")
            .unwrap();
        assert_eq!(df.instructions[1].scripts()[0].commands().len(), 2);
        let heredoc = df.instructions[2].scripts();
        assert!(heredoc.iter().any(|s| s.runs("apt-get")));
    }
}
