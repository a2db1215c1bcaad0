//! The tokenizer behind [`super::parse`]: quotes, escapes, comments, operators, redirections,
//! here-documents, `case` patterns and substitutions, on `char` boundaries so any UTF-8 input is
//! safe.
//!
//! Work is bounded: every character is read a fixed number of times (once per enclosing
//! substitution, which is at most [`MAX_DEPTH`] deep), and at most [`MAX_WORDS`] words are kept
//! per parse. Past either bound parsing stops and the script records the [`Limit`] it hit, so a
//! caller can say so instead of judging a part of the script as if it were all of it.

use super::{is_assignment, Command, Limit, Pipeline, Redirect, Script, Word, RESERVED_ALONE, RESERVED_LEADING};

/// Deepest nesting of command substitutions (`$(...)`, backquotes, `<(...)`) that is parsed.
pub const MAX_DEPTH: usize = 32;
/// Most words kept from one parse, substitutions included: a real script has a few thousand.
pub const MAX_WORDS: usize = 500_000;

/// Words spent by a parse (and the lexers of its substitutions), or by several parses that
/// share a bound; and the bound that was hit, if any.
#[derive(Debug, Default)]
pub struct Budget {
    words: usize,
    hit: Option<Limit>,
}

impl Budget {
    /// The bound parsing stopped at.
    pub fn hit(&self) -> Option<Limit> {
        self.hit
    }

    fn spend(&mut self) -> bool {
        if self.hit.is_some() {
            return false;
        }
        self.words += 1;
        if self.words > MAX_WORDS {
            self.hit = Some(Limit::Words(MAX_WORDS));
            return false;
        }
        true
    }
}

pub(super) struct Lexer<'a, 'b> {
    src: &'a str,
    pos: usize,
    base: usize,
    depth: usize,
    budget: &'b mut Budget,
    /// Here-documents whose bodies start after the current line: (delimiter, strip tabs).
    heredocs: Vec<(String, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// `&&`, `||`, `;`, `&`, a newline, `(`.
    Plain,
    /// `)`: closes a subshell, or a `case` pattern list.
    Close,
    /// `;;`, `;&`, `;;&`: the end of a `case` branch.
    CaseEnd,
}

enum Token {
    Word(Word),
    Separator(Sep),
    Pipe,
    Redirect(String),
    End,
}

/// Where the parser is inside `case` statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseState {
    /// Reading `pattern | pattern )`.
    Patterns,
    /// Reading a branch's commands.
    Branch,
}

impl<'a, 'b> Lexer<'a, 'b> {
    pub(super) fn new(src: &'a str, base: usize, depth: usize, budget: &'b mut Budget) -> Self {
        Lexer { src, pos: 0, base, depth, budget, heredocs: Vec::new() }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub(super) fn script(&mut self, close: Option<char>) -> Script {
        let mut script = Script::default();
        let mut pipeline = Pipeline::default();
        let mut command = Command::default();
        let mut pending_redirect: Option<String> = None;
        // One entry per open `case`, innermost last.
        let mut cases: Vec<CaseState> = Vec::new();
        loop {
            let token = self.token(close);
            if let Some(state) = cases.last_mut() {
                if *state == CaseState::Patterns {
                    match token {
                        Token::End => break,
                        Token::Word(w) if !w.quoted && w.text == "esac" => {
                            cases.pop();
                        }
                        Token::Separator(Sep::Close) => *state = CaseState::Branch,
                        // Pattern words, `|` between alternatives, an opening `(`, newlines.
                        _ => {}
                    }
                    continue;
                }
            }
            match token {
                Token::End => break,
                Token::Word(word) => {
                    if let Some(op) = pending_redirect.take() {
                        if op.starts_with("<<") && op != "<<<" {
                            self.heredocs.push((word.text.clone(), op == "<<-"));
                        }
                        command.redirects.push(Redirect { op, target: word });
                    } else if command.words.is_empty()
                        && command.assignments.is_empty()
                        && !word.quoted
                        && word.text == "esac"
                        && !cases.is_empty()
                    {
                        cases.pop();
                    } else if command.words.is_empty() && unquoted_name(&word) && is_assignment(&word.text) {
                        command.assignments.push(word);
                    } else {
                        command.words.push(word);
                        // `case WORD in`: what follows are patterns, not commands.
                        let w = &command.words;
                        if w.len() == 3
                            && !w[0].quoted
                            && w[0].text == "case"
                            && !w[2].quoted
                            && w[2].text == "in"
                            && command.assignments.is_empty()
                        {
                            // The subject's substitutions still run: keep it, as a command without a
                            // name (like an assignment), so they are found.
                            let subject = std::mem::take(&mut command.words).swap_remove(1);
                            command = Command::default();
                            if !subject.subs.is_empty() {
                                command.assignments.push(subject);
                            }
                            finish_command(&mut command, &mut pipeline);
                            if !pipeline.commands.is_empty() {
                                script.pipelines.push(std::mem::take(&mut pipeline));
                            }
                            cases.push(CaseState::Patterns);
                        }
                    }
                }
                Token::Redirect(op) => pending_redirect = Some(op),
                Token::Pipe => finish_command(&mut command, &mut pipeline),
                Token::Separator(sep) => {
                    finish_command(&mut command, &mut pipeline);
                    if !pipeline.commands.is_empty() {
                        pipeline.commands.shrink_to_fit();
                        script.pipelines.push(std::mem::take(&mut pipeline));
                    }
                    if sep == Sep::CaseEnd {
                        if let Some(state) = cases.last_mut() {
                            *state = CaseState::Patterns;
                        }
                    }
                }
            }
        }
        finish_command(&mut command, &mut pipeline);
        if !pipeline.commands.is_empty() {
            pipeline.commands.shrink_to_fit();
            script.pipelines.push(pipeline);
        }
        script.pipelines.shrink_to_fit();
        script
    }

    /// Skips the bodies of the here-documents opened on the line that just ended.
    fn skip_heredoc_bodies(&mut self) {
        for (delimiter, strip_tabs) in std::mem::take(&mut self.heredocs) {
            while self.pos < self.src.len() {
                let rest = &self.src[self.pos..];
                let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
                let line = rest[..end].trim_end_matches('\n').trim_end_matches('\r');
                self.pos += end;
                let line = if strip_tabs { line.trim_start_matches('\t') } else { line };
                if line == delimiter {
                    break;
                }
            }
        }
    }

    fn token(&mut self, close: Option<char>) -> Token {
        if self.budget.hit.is_some() {
            return Token::End;
        }
        loop {
            match self.peek() {
                None => return Token::End,
                Some(' ' | '\t' | '\r') => {
                    self.bump();
                }
                Some('\\') if self.peek_at(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                Some('#') => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                Some(c) if Some(c) == close => {
                    self.bump();
                    return Token::End;
                }
                _ => break,
            }
        }
        let c = self.peek().unwrap_or(' ');
        match c {
            '\n' => {
                self.bump();
                if !self.heredocs.is_empty() {
                    self.skip_heredoc_bodies();
                }
                Token::Separator(Sep::Plain)
            }
            '(' => {
                self.bump();
                Token::Separator(Sep::Plain)
            }
            ')' => {
                self.bump();
                Token::Separator(Sep::Close)
            }
            ';' => {
                self.bump();
                match self.peek() {
                    Some(';') => {
                        self.bump();
                        if self.peek() == Some('&') {
                            self.bump();
                        }
                        Token::Separator(Sep::CaseEnd)
                    }
                    Some('&') => {
                        self.bump();
                        Token::Separator(Sep::CaseEnd)
                    }
                    _ => Token::Separator(Sep::Plain),
                }
            }
            '&' => {
                self.bump();
                match self.peek() {
                    Some('&') => {
                        self.bump();
                        Token::Separator(Sep::Plain)
                    }
                    Some('>') => {
                        self.bump();
                        if self.peek() == Some('>') {
                            self.bump();
                        }
                        Token::Redirect("&>".into())
                    }
                    _ => Token::Separator(Sep::Plain),
                }
            }
            '|' => {
                self.bump();
                match self.peek() {
                    Some('|') => {
                        self.bump();
                        Token::Separator(Sep::Plain)
                    }
                    Some('&') => {
                        self.bump();
                        Token::Pipe
                    }
                    _ => Token::Pipe,
                }
            }
            '<' | '>' if self.peek_at(1) == Some('(') => self.word_token(close),
            '<' | '>' => {
                let mut op = String::new();
                while let Some(ch) = self.peek() {
                    if matches!(ch, '<' | '>' | '&' | '|' | '-') && op.len() < 3 {
                        op.push(ch);
                        self.bump();
                    } else {
                        break;
                    }
                }
                // `2>&1`-style duplications have a file descriptor, not a file, as their target.
                Token::Redirect(op)
            }
            _ => {
                // `2>file`: a digit directly before a redirection is its file descriptor.
                if c.is_ascii_digit() && matches!(self.peek_at(1), Some('<' | '>')) {
                    self.bump();
                    return self.token(close);
                }
                self.word_token(close)
            }
        }
    }

    fn word_token(&mut self, close: Option<char>) -> Token {
        let word = self.word(close);
        if self.budget.spend() {
            Token::Word(word)
        } else {
            Token::End
        }
    }

    /// Reads up to the matching closing delimiter, returning the inner text's range.
    fn balanced(&mut self, open: char, close: char) -> (usize, usize) {
        let start = self.pos;
        let mut level = 1usize;
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '\'' => {
                    while let Some(q) = self.bump() {
                        if q == '\'' {
                            break;
                        }
                    }
                }
                '"' => {
                    while let Some(q) = self.bump() {
                        if q == '\\' {
                            self.bump();
                        } else if q == '"' {
                            break;
                        }
                    }
                }
                _ if c == close => {
                    level -= 1;
                    if level == 0 {
                        return (start, self.pos - c.len_utf8());
                    }
                }
                _ if c == open => level += 1,
                _ => {}
            }
        }
        (start, self.pos)
    }

    fn substitution(&mut self, inner: (usize, usize)) -> Script {
        if self.depth >= MAX_DEPTH {
            if self.budget.hit.is_none() {
                self.budget.hit = Some(Limit::Depth(MAX_DEPTH));
            }
            return Script::default();
        }
        let mut lexer = Lexer::new(&self.src[inner.0..inner.1], self.base + inner.0, self.depth + 1, self.budget);
        lexer.script(None)
    }

    fn dollar(&mut self, word: &mut Word) {
        // At `$`.
        let start = self.pos;
        self.bump();
        match self.peek() {
            Some('(') if self.peek_at(1) == Some('(') => {
                self.bump();
                self.bump();
                self.balanced('(', ')');
                if self.peek() == Some(')') {
                    self.bump();
                }
            }
            Some('(') => {
                self.bump();
                let inner = self.balanced('(', ')');
                word.subs.push(self.substitution(inner));
            }
            Some('{') => {
                self.bump();
                self.balanced('{', '}');
            }
            Some('\'') => {
                // ANSI-C quoting: an escaped literal.
                self.bump();
                mark_quoted(word);
                while let Some(c) = self.bump() {
                    match c {
                        '\\' => {
                            if let Some(e) = self.bump() {
                                word.text.push(match e {
                                    'n' => '\n',
                                    't' => '\t',
                                    other => other,
                                });
                            }
                        }
                        '\'' => break,
                        other => word.text.push(other),
                    }
                }
                return;
            }
            _ => {
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        self.bump();
                    } else {
                        break;
                    }
                }
                if self.pos == start + 1 {
                    if let Some(c) = self.peek() {
                        if "@*#?$!-0123456789".contains(c) {
                            self.bump();
                        }
                    }
                }
            }
        }
        word.expands = true;
        word.text.push_str(&self.src[start..self.pos]);
    }

    fn word(&mut self, close: Option<char>) -> Word {
        let mut word = Word { start: self.base + self.pos, ..Word::default() };
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' => break,
                _ if Some(c) == close => break,
                '<' | '>' if self.peek_at(1) == Some('(') => {
                    let start = self.pos;
                    self.bump();
                    self.bump();
                    let inner = self.balanced('(', ')');
                    word.subs.push(self.substitution(inner));
                    word.expands = true;
                    word.text.push_str(&self.src[start..self.pos]);
                }
                '<' | '>' => break,
                '\\' => {
                    self.bump();
                    match self.bump() {
                        Some('\n') | None => {}
                        Some(e) => {
                            mark_quoted(&mut word);
                            word.text.push(e);
                        }
                    }
                }
                '\'' => {
                    self.bump();
                    mark_quoted(&mut word);
                    while let Some(q) = self.bump() {
                        if q == '\'' {
                            break;
                        }
                        word.text.push(q);
                    }
                }
                '"' => {
                    self.bump();
                    mark_quoted(&mut word);
                    while let Some(q) = self.peek() {
                        match q {
                            '"' => {
                                self.bump();
                                break;
                            }
                            '\\' => {
                                self.bump();
                                if let Some(e) = self.bump() {
                                    if !matches!(e, '"' | '\\' | '$' | '`' | '\n') {
                                        word.text.push('\\');
                                    }
                                    if e != '\n' {
                                        word.text.push(e);
                                    }
                                }
                            }
                            '$' => self.dollar(&mut word),
                            '`' => self.backtick(&mut word),
                            _ => {
                                self.bump();
                                word.text.push(q);
                            }
                        }
                    }
                }
                '$' => self.dollar(&mut word),
                '`' => self.backtick(&mut word),
                _ => {
                    self.bump();
                    word.text.push(c);
                }
            }
        }
        word.end = self.base + self.pos;
        word.text.shrink_to_fit();
        word.subs.shrink_to_fit();
        word
    }

    fn backtick(&mut self, word: &mut Word) {
        let start = self.pos;
        self.bump();
        let inner_start = self.pos;
        while let Some(c) = self.bump() {
            if c == '\\' {
                self.bump();
            } else if c == '`' {
                break;
            }
        }
        let inner_end =
            if self.src[..self.pos].ends_with('`') && self.pos > inner_start { self.pos - 1 } else { self.pos };
        word.subs.push(self.substitution((inner_start, inner_end)));
        word.expands = true;
        word.text.push_str(&self.src[start..self.pos]);
    }
}

/// Records that the word is quoted from here on.
fn mark_quoted(word: &mut Word) {
    word.quoted = true;
    word.quote_start.get_or_insert(word.text.len());
}

/// Whether the part before `=` is unquoted: `A="x y"` is an assignment, `"A=x"` is not.
fn unquoted_name(word: &Word) -> bool {
    match (word.quote_start, word.text.find('=')) {
        (None, _) => true,
        (Some(quote), Some(eq)) => eq < quote,
        (Some(_), None) => false,
    }
}

/// Ends a simple command: reserved words that open a compound command (`if`, `then`, `{`...)
/// are dropped, and so is a command that is only a closing word (`fi`, `done`, `}`).
fn finish_command(command: &mut Command, pipeline: &mut Pipeline) {
    let mut c = std::mem::take(command);
    let leading = c.words.iter().take_while(|w| !w.quoted && RESERVED_LEADING.contains(&w.text.as_str())).count();
    if leading > 0 {
        c.words.drain(..leading);
    }
    if c.words.len() == 1 && !c.words[0].quoted && RESERVED_ALONE.contains(&c.words[0].text.as_str()) {
        c.words.clear();
    }
    if !c.words.is_empty() || !c.assignments.is_empty() || !c.redirects.is_empty() {
        c.words.shrink_to_fit();
        c.assignments.shrink_to_fit();
        c.redirects.shrink_to_fit();
        pipeline.commands.push(c);
    }
}
