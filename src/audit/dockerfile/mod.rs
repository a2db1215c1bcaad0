//! The Dockerfile model the rules read: instructions with positions, stages, images with `ARG`
//! defaults resolved, and the shell scripts of every RUN parsed once.

mod image;
mod parse;
mod stages;

pub use image::{substitute, ImageRef};
pub use stages::{Shell, Stage};

use super::shell::{self, Script};

/// Most instructions read from one file: real Dockerfiles have a few hundred.
pub const MAX_INSTRUCTIONS: usize = 100_000;

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
    /// The shell in effect (the stage's `SHELL`, or the default).
    pub shell: Shell,
    /// For RUN: the scripts it executes, parsed once by [`Dockerfile::parse`].
    scripts: Vec<Script>,
    /// For the instructions in [`WORD_KEYWORDS`] in shell form: the arguments as shell words.
    words: Vec<shell::Word>,
    /// For text that is not ASCII: (byte offset, characters before it) every few hundred bytes,
    /// so a column costs the same on a 50 MB line as on a short one.
    char_marks: Vec<(usize, usize)>,
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

/// A value from the file quoted for a message: `like this`, escaped and clipped.
pub fn quote(text: &str) -> String {
    let clipped = crate::shown::clip(text, crate::shown::MAX_SHOWN);
    format!("`{}`", crate::shown::escape(&clipped))
}

/// Instructions whose shell-form arguments are read as shell words (quotes removed).
const WORD_KEYWORDS: &[&str] = &["ENV", "ARG", "LABEL", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE", "VOLUME"];

/// Bytes between two entries of [`Instruction::char_marks`].
const MARK_EVERY: usize = 256;

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

    /// Records where characters start in non-ASCII text; called once the text is complete.
    fn index_chars(&mut self) {
        self.char_marks.clear();
        if self.text.is_ascii() {
            return;
        }
        let mut next = 0;
        for (count, (offset, _)) in self.text.char_indices().enumerate() {
            if offset >= next {
                self.char_marks.push((offset, count));
                next = offset + MARK_EVERY;
            }
        }
        if let Some(inner) = self.onbuild.as_deref_mut() {
            inner.index_chars();
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        if self.char_marks.is_empty() {
            return offset;
        }
        let index = self.char_marks.partition_point(|(at, _)| *at <= offset).saturating_sub(1);
        let (at, count) = self.char_marks[index];
        count + self.text.get(at..offset).map_or(offset.saturating_sub(at), |t| t.chars().count())
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
        let chars = self.chars_before(offset).saturating_sub(self.chars_before(segment.offset));
        (segment.line, segment.col.saturating_add(u32::try_from(chars).unwrap_or(u32::MAX)))
    }

    /// The shell scripts this RUN executes: the shell form's text, an exec form that calls a
    /// shell with `-c`, and heredoc bodies fed to a shell. Empty when the stage's shell is not a
    /// POSIX shell (PowerShell, cmd), whose scripts berth does not read.
    pub fn scripts(&self) -> &[Script] {
        &self.scripts
    }

    /// Parses the scripts of a RUN (see [`Instruction::scripts`]) within a shared budget.
    fn parse_scripts(&self, budget: &mut shell::Budget) -> Vec<Script> {
        let mut scripts = Vec::new();
        match &self.json {
            Some(items) => {
                let shell_c = items.len() >= 3
                    && matches!(items[0].rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash" | "zsh"))
                    && items[1] == "-c";
                if shell_c {
                    scripts.push(shell::parse_in(&items[2], self.args_offset, budget));
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
                        limit: None,
                    });
                }
            }
            None if !self.shell.posix => {}
            None => {
                let args = self.args();
                let script = shell::parse_in(args, self.args_offset, budget);
                let runs_shell = script
                    .commands()
                    .first()
                    .is_none_or(|c| matches!(c.name(), "sh" | "bash" | "ash" | "dash" | "zsh" | ""));
                scripts.push(script);
                if runs_shell || args.trim_start().starts_with("<<") {
                    for heredoc in &self.heredocs {
                        scripts.push(shell::parse_in(self.heredoc_body(heredoc), heredoc.offset, budget));
                    }
                }
            }
        }
        scripts
    }

    /// The shell-form arguments of ENV, ARG, LABEL, COPY, ADD, WORKDIR, USER, EXPOSE and VOLUME
    /// as words, quotes and escapes removed, with their offsets in [`Instruction::text`].
    pub fn words(&self) -> &[shell::Word] {
        &self.words
    }

    fn parse_words(&self, budget: &mut shell::Budget) -> Vec<shell::Word> {
        if self.json.is_some() || !WORD_KEYWORDS.contains(&self.keyword.as_str()) {
            return Vec::new();
        }
        let script = shell::parse_in(self.args(), self.args_offset, budget);
        script
            .pipelines
            .into_iter()
            .flat_map(|p| p.commands)
            .flat_map(|c| c.assignments.into_iter().chain(c.words))
            .collect()
    }

    /// `KEY=value` pairs of ENV, ARG and LABEL (also the legacy `ENV KEY value` form).
    pub fn key_values(&self) -> Vec<KeyValue> {
        let words = &self.words;
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub escape: char,
    /// Stage names (lower case) -> index of the first stage with the name.
    stage_names: std::collections::HashMap<String, usize>,
}

impl Dockerfile {
    pub fn parse(src: &str) -> Result<Dockerfile, ParseError> {
        let parsed = parse::parse(src)?;
        let mut instructions = parsed.instructions;
        let mut budget = shell::Budget::default();
        for instruction in instructions.iter_mut() {
            instruction.words = instruction.parse_words(&mut budget);
            if let Some(inner) = instruction.onbuild.as_deref_mut() {
                inner.words = inner.parse_words(&mut budget);
            }
            check_budget(&budget, instruction)?;
        }
        let stages = stages::stages(&instructions)?;
        let shells = stages::shells(&instructions, &stages);
        for (instruction, shell) in instructions.iter_mut().zip(shells) {
            let shell = shell.unwrap_or_default();
            if let Some(inner) = instruction.onbuild.as_deref_mut() {
                inner.shell = shell.clone();
                if inner.keyword == "RUN" {
                    inner.scripts = inner.parse_scripts(&mut budget);
                }
            }
            instruction.shell = shell;
            if instruction.keyword == "RUN" {
                instruction.scripts = instruction.parse_scripts(&mut budget);
            }
            check_budget(&budget, instruction)?;
        }
        let mut stage_names = std::collections::HashMap::new();
        for stage in &stages {
            if let Some(name) = &stage.name {
                stage_names.entry(name.clone()).or_insert(stage.index);
            }
        }
        Ok(Dockerfile { instructions, stages, escape: parsed.escape, stage_names })
    }

    /// The stage the image is built from when no `--target` is given.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        &self.instructions[stage.body.clone()]
    }

    /// The stage an instruction belongs to (`None` for `ARG`s before the first FROM).
    pub fn stage_of(&self, index: usize) -> Option<&Stage> {
        let at = self.stages.partition_point(|s| s.from <= index);
        at.checked_sub(1).map(|i| &self.stages[i])
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

    /// Like [`Dockerfile::all`], limited to what ends up in the shipped image: instructions of
    /// stages that ship, and every `ONBUILD` instruction (it runs in the images built from this
    /// one, whatever stage declares it).
    pub fn shipped(&self) -> impl Iterator<Item = (&Instruction, &Instruction)> {
        self.instructions.iter().enumerate().filter_map(|(index, i)| {
            let ships = i.onbuild.is_some() || self.stage_of(index).is_some_and(|s| s.ships);
            ships.then(|| (i.onbuild.as_deref().unwrap_or(i), i))
        })
    }

    /// Whether a name (any case) is a stage's `AS` name.
    pub fn is_stage_name(&self, name: &str) -> bool {
        self.stage_named(name).is_some()
    }

    /// The first stage with this `AS` name (any case).
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        self.stage_names.get(&name.to_ascii_lowercase()).map(|&i| &self.stages[i])
    }
}

/// An error at the instruction that made parsing stop at a bound.
fn check_budget(budget: &shell::Budget, instruction: &Instruction) -> Result<(), ParseError> {
    match budget.hit() {
        None => Ok(()),
        Some(limit) => Err(ParseError {
            line: instruction.line,
            col: instruction.col,
            message: format!(
                "this {} brings the file to {limit}, more than berth analyses; move long scripts into a \
                 file and run that (COPY script.sh, RUN ./script.sh)",
                instruction.keyword
            ),
        }),
    }
}

#[cfg(test)]
mod tests;
