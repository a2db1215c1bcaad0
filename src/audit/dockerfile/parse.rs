//! Dockerfile text -> instructions, following BuildKit's rules: parser directives (`escape`),
//! line continuations (with comments and blank lines inside them), heredocs (`<<EOF`, `<<-EOF`,
//! quoted markers), JSON (exec) and shell forms, flags (`--mount=`, `--from=`, `--platform=`)
//! and `ONBUILD` wrapping another instruction. Every byte of an instruction's text maps back to
//! a line and column.

use super::{quote, Flag, Heredoc, Instruction, ParseError, Segment, MAX_INSTRUCTIONS};

/// Instructions BuildKit knows; anything else is a parse error, as in `docker build`.
const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

#[derive(Debug)]
pub(super) struct Parsed {
    pub instructions: Vec<Instruction>,
    pub escape: char,
}

/// The file's lines, read one at a time (a 50 MB file of empty lines is not a 50-million-entry
/// table), with the ability to look at the current one again.
struct Lines<'a> {
    rest: &'a str,
    /// The line at `index` (0-based), once read.
    current: Option<&'a str>,
    index: usize,
}

impl<'a> Lines<'a> {
    fn new(src: &'a str) -> Self {
        let mut lines = Lines { rest: src, current: None, index: 0 };
        lines.current = lines.read();
        lines
    }

    fn read(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match self.rest.find('\n') {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }

    /// The current line, or `None` past the end.
    fn get(&self) -> Option<&'a str> {
        self.current
    }

    /// 1-based number of the current line.
    fn number(&self) -> u32 {
        u32::try_from(self.index + 1).unwrap_or(u32::MAX)
    }

    fn advance(&mut self) {
        if self.current.is_some() {
            self.index += 1;
            self.current = self.read();
        }
    }
}

fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?;
    let (key, value) = rest.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((key.to_ascii_lowercase(), value.trim().to_string()))
}

/// Ends with the escape character (ignoring trailing whitespace)?
fn continues(text: &str, escape: char) -> bool {
    text.trim_end().ends_with(escape)
}

pub(super) fn parse(src: &str) -> Result<Parsed, ParseError> {
    // BuildKit ignores a UTF-8 byte order mark, as editors on Windows write one.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut lines = Lines::new(src);
    let mut escape = '\\';
    // Parser directives: only at the very top, before any blank line, comment or instruction.
    while let Some(line) = lines.get() {
        let Some((key, value)) = directive(line) else { break };
        if key == "escape" {
            match value.as_str() {
                "`" => escape = '`',
                "\\" => escape = '\\',
                _ => {
                    return Err(ParseError {
                        line: lines.number(),
                        col: 1,
                        message: format!("invalid escape directive {}: use \\ or `", quote(&value)),
                    })
                }
            }
        }
        lines.advance();
    }
    let mut instructions = Vec::new();
    while let Some(line) = lines.get() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            lines.advance();
            continue;
        }
        let indent = line.len() - trimmed.len();
        let keyword_len = trimmed.find(|c: char| c.is_whitespace()).unwrap_or(trimmed.len());
        let keyword = trimmed[..keyword_len].to_ascii_uppercase();
        let start_line = lines.number();
        if !KEYWORDS.contains(&keyword.as_str()) {
            return Err(ParseError {
                line: start_line,
                col: indent as u32 + 1,
                message: format!("unknown instruction {}", quote(&trimmed[..keyword_len])),
            });
        }
        if instructions.len() >= MAX_INSTRUCTIONS {
            return Err(ParseError {
                line: start_line,
                col: indent as u32 + 1,
                message: format!(
                    "more than {MAX_INSTRUCTIONS} instructions: berth does not audit files this large; split the build"
                ),
            });
        }
        let mut text = String::new();
        let mut segments = vec![Segment { offset: 0, line: start_line, col: (indent + keyword_len) as u32 + 1 }];
        text.push_str(&trimmed[keyword_len..]);
        let mut end_line = start_line;
        while continues(&text, escape) {
            let cut = text.trim_end().len() - escape.len_utf8();
            text.truncate(cut);
            lines.advance();
            let Some(next) = lines.get() else { break };
            end_line = lines.number();
            let next_trimmed = next.trim_start();
            if next_trimmed.starts_with('#') || next_trimmed.is_empty() {
                // Comments and blank lines inside a continuation are dropped; the line goes on.
                text.push(escape);
                continue;
            }
            segments.push(Segment { offset: text.len(), line: lines.number(), col: 1 });
            text.push_str(next);
        }
        lines.advance();
        let mut instruction = build(&keyword, text, segments, 0, start_line, indent as u32 + 1, end_line)?;
        let heredoc_owner = match &instruction.onbuild {
            Some(inner) => inner.keyword.clone(),
            None => keyword.clone(),
        };
        if matches!(heredoc_owner.as_str(), "RUN" | "COPY" | "ADD") {
            let markers = heredoc_markers(&instruction.text[instruction.args_offset..]);
            for (marker, strip_tabs) in markers {
                let mut body_start = None;
                let mut body_len = 0;
                let first_line = lines.number();
                let mut closed = false;
                while let Some(raw) = lines.get() {
                    let number = lines.number();
                    lines.advance();
                    let candidate = if strip_tabs { raw.trim_start_matches('\t') } else { raw };
                    if candidate == marker {
                        closed = true;
                        instruction.end_line = number;
                        break;
                    }
                    instruction.text.push('\n');
                    let offset = instruction.text.len();
                    body_start.get_or_insert(offset);
                    instruction.segments.push(Segment { offset, line: number, col: 1 });
                    instruction.text.push_str(candidate);
                    body_len = instruction.text.len() - body_start.unwrap_or(offset);
                }
                if !closed {
                    return Err(ParseError {
                        line: first_line.saturating_sub(1).max(1),
                        col: 1,
                        message: format!("heredoc {} is never closed", quote(&marker)),
                    });
                }
                let offset = body_start.unwrap_or(instruction.text.len());
                instruction.heredocs.push(Heredoc { marker, offset, len: body_len, line: first_line });
            }
            if let Some(first) = instruction.heredocs.first() {
                instruction.args_end = instruction.args_end.min(first.offset.saturating_sub(1));
                if let Some(inner) = instruction.onbuild.as_deref_mut() {
                    inner.args_end = inner.args_end.min(first.offset.saturating_sub(1));
                    inner.text = instruction.text.clone();
                    inner.segments = instruction.segments.clone();
                    inner.heredocs = instruction.heredocs.clone();
                    inner.end_line = instruction.end_line;
                }
            }
        }
        instruction.index_chars();
        instructions.push(instruction);
    }
    Ok(Parsed { instructions, escape })
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` outside quotes, in order.
fn heredoc_markers(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let chars: Vec<char> = args.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            i += 1;
            continue;
        }
        if c == '<' && chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') {
            let mut j = i + 2;
            let strip = chars.get(j) == Some(&'-');
            if strip {
                j += 1;
            }
            let q = chars.get(j).copied().filter(|c| *c == '"' || *c == '\'');
            if q.is_some() {
                j += 1;
            }
            let start = j;
            while j < chars.len()
                && (chars[j].is_ascii_alphanumeric() || chars[j] == '_' || chars[j] == '-' || chars[j] == '.')
            {
                j += 1;
            }
            if j > start {
                out.push((chars[start..j].iter().collect(), strip));
            }
            if q.is_some() && chars.get(j) == q.as_ref() {
                j += 1;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Builds an instruction from its text after the keyword; `start` is where parsing begins
/// (past an `ONBUILD` keyword for the wrapped instruction).
fn build(
    keyword: &str,
    text: String,
    segments: Vec<Segment>,
    start: usize,
    line: u32,
    col: u32,
    end_line: u32,
) -> Result<Instruction, ParseError> {
    let bytes = text.as_bytes();
    let mut pos = start;
    let skip_ws = |pos: &mut usize| {
        while *pos < bytes.len() && (bytes[*pos] as char).is_ascii_whitespace() {
            *pos += 1;
        }
    };
    skip_ws(&mut pos);
    let mut flags = Vec::new();
    let takes_flags = matches!(keyword, "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK");
    while takes_flags && text[pos..].starts_with("--") {
        let end = text[pos..].find(|c: char| c.is_whitespace()).map_or(text.len(), |e| pos + e);
        let token = &text[pos + 2..end];
        let (name, value) = match token.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (token.to_string(), None),
        };
        flags.push(Flag { name, value, offset: pos });
        pos = end;
        skip_ws(&mut pos);
    }
    let mut instruction = Instruction {
        keyword: keyword.to_string(),
        line,
        col,
        end_line,
        flags,
        args_offset: pos,
        args_end: text.len(),
        text,
        segments,
        json: None,
        heredocs: Vec::new(),
        onbuild: None,
        shell: Default::default(),
        scripts: Vec::new(),
        words: Vec::new(),
        char_marks: Vec::new(),
    };
    if keyword == "ONBUILD" {
        let rest = &instruction.text[pos..];
        let inner_len = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        let inner_keyword = rest[..inner_len].to_ascii_uppercase();
        if inner_keyword.is_empty()
            || !KEYWORDS.contains(&inner_keyword.as_str())
            || matches!(inner_keyword.as_str(), "ONBUILD" | "FROM" | "MAINTAINER")
        {
            return Err(ParseError {
                line,
                col,
                message: format!("ONBUILD cannot wrap {}", quote(&rest[..inner_len])),
            });
        }
        let inner = build(
            &inner_keyword,
            instruction.text.clone(),
            instruction.segments.clone(),
            pos + inner_len,
            line,
            col,
            end_line,
        )?;
        instruction.onbuild = Some(Box::new(inner));
    }
    let args = instruction.args().trim();
    if args.starts_with('[') {
        if let Ok(items) = serde_json::from_str::<Vec<String>>(args) {
            instruction.json = Some(items);
        }
    }
    Ok(instruction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_skips_comments_inside() {
        let p = parse("FROM a\nRUN apt-get update \\\n# a comment\n\n && apt-get install -y x\n").unwrap();
        let run = &p.instructions[1];
        assert_eq!((run.line, run.end_line), (2, 5));
        assert!(run.args().contains("&& apt-get install -y x"));
        assert!(!run.args().contains("comment"));
        let at = run.text.find("install").unwrap();
        assert_eq!(run.position(at).0, 5);
    }

    #[test]
    fn honours_the_escape_directive() {
        let p = parse("# escape=`\nFROM a\nRUN dir `\n  c:\\\n").unwrap();
        assert_eq!(p.escape, '`');
        assert_eq!(p.instructions[1].end_line, 4);
        assert!(p.instructions[1].args().contains("c:\\"));
    }

    #[test]
    fn reads_heredocs() {
        let p = parse("FROM a\nRUN <<EOF\ncurl x | sh\nEOF\nUSER 1\n").unwrap();
        let run = &p.instructions[1];
        assert_eq!(run.heredocs.len(), 1);
        assert_eq!(run.heredoc_body(&run.heredocs[0]), "curl x | sh");
        assert_eq!(run.position(run.heredocs[0].offset).0, 3);
        assert_eq!(p.instructions[2].keyword, "USER");
        let p = parse("FROM a\nCOPY <<-\"A\" /a\n\thello\n\tA\n").unwrap();
        assert_eq!(p.instructions[1].heredocs[0].marker, "A");
    }

    #[test]
    fn parses_flags_json_and_onbuild() {
        let p = parse("FROM --platform=$BUILDPLATFORM a AS b\nCMD [\"x\", \"y\"]\nONBUILD RUN --mount=type=cache,target=/c make\n").unwrap();
        assert_eq!(p.instructions[0].flag("platform"), Some("$BUILDPLATFORM"));
        assert_eq!(p.instructions[0].args(), "a AS b");
        assert_eq!(p.instructions[1].json.as_deref(), Some(&["x".to_string(), "y".to_string()][..]));
        let inner = p.instructions[2].onbuild.as_deref().unwrap();
        assert_eq!(inner.keyword, "RUN");
        assert_eq!(inner.flag("mount"), Some("type=cache,target=/c"));
        assert_eq!(inner.args(), "make");
    }

    #[test]
    fn accepts_crlf_and_a_byte_order_mark() {
        let p = parse("\u{feff}FROM a\r\nRUN x \\\r\n  y\r\n").unwrap();
        assert_eq!(p.instructions.len(), 2);
        assert_eq!(p.instructions[1].args(), "x   y");
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("FROM a\n\nFRM b\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("FRM"));
        assert!(parse("FROM a\nRUN <<EOF\nx\n").unwrap_err().message.contains("never closed"));
        assert!(parse("ONBUILD FROM x\n").is_err());
    }
}
