//! The tokenizer behind [`super::parse`]: quotes, escapes, comments, operators, redirections and
//! substitutions, on `char` boundaries so any UTF-8 input is safe.

use super::{is_assignment, Command, Pipeline, Redirect, Script, Word, RESERVED_ALONE, RESERVED_LEADING};

/// Deepest nesting of substitutions that is parsed; deeper text stays a plain word.
const MAX_DEPTH: usize = 16;

pub(super) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    base: usize,
    depth: usize,
}

enum Token {
    Word(Word),
    /// `&&`, `||`, `;`, `&`, newline, `(`, `)`: end of a pipeline.
    Separator,
    Pipe,
    Redirect(String),
    End,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str, base: usize) -> Self {
        Lexer { src, pos: 0, base, depth: 0 }
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
        let finish_command = |command: &mut Command, pipeline: &mut Pipeline| {
            let mut c = std::mem::take(command);
            while c.words.first().is_some_and(|w| !w.quoted && RESERVED_LEADING.contains(&w.text.as_str())) {
                c.words.remove(0);
            }
            if c.words.len() == 1 && !c.words[0].quoted && RESERVED_ALONE.contains(&c.words[0].text.as_str()) {
                c.words.clear();
            }
            if !c.words.is_empty() || !c.assignments.is_empty() || !c.redirects.is_empty() {
                pipeline.commands.push(c);
            }
        };
        loop {
            match self.token(close) {
                Token::End => break,
                Token::Word(word) => {
                    if let Some(op) = pending_redirect.take() {
                        command.redirects.push(Redirect { op, target: word });
                    } else if command.words.is_empty() && !word.quoted && is_assignment(&word.text) {
                        command.assignments.push(word);
                    } else {
                        command.words.push(word);
                    }
                }
                Token::Redirect(op) => pending_redirect = Some(op),
                Token::Pipe => finish_command(&mut command, &mut pipeline),
                Token::Separator => {
                    finish_command(&mut command, &mut pipeline);
                    if !pipeline.commands.is_empty() {
                        script.pipelines.push(std::mem::take(&mut pipeline));
                    }
                }
            }
        }
        finish_command(&mut command, &mut pipeline);
        if !pipeline.commands.is_empty() {
            script.pipelines.push(pipeline);
        }
        script
    }

    fn token(&mut self, close: Option<char>) -> Token {
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
            '\n' | ';' | '(' | ')' => {
                self.bump();
                if c == ';' && self.peek() == Some(';') {
                    self.bump();
                }
                Token::Separator
            }
            '&' => {
                self.bump();
                match self.peek() {
                    Some('&') => {
                        self.bump();
                        Token::Separator
                    }
                    Some('>') => {
                        self.bump();
                        if self.peek() == Some('>') {
                            self.bump();
                        }
                        Token::Redirect("&>".into())
                    }
                    _ => Token::Separator,
                }
            }
            '|' => {
                self.bump();
                match self.peek() {
                    Some('|') => {
                        self.bump();
                        Token::Separator
                    }
                    Some('&') => {
                        self.bump();
                        Token::Pipe
                    }
                    _ => Token::Pipe,
                }
            }
            '<' | '>' if self.peek_at(1) == Some('(') => Token::Word(self.word(close)),
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
                Token::Word(self.word(close))
            }
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
            return Script::default();
        }
        let mut lexer =
            Lexer { src: &self.src[inner.0..inner.1], pos: 0, base: self.base + inner.0, depth: self.depth + 1 };
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
                word.quoted = true;
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
                            word.quoted = true;
                            word.text.push(e);
                        }
                    }
                }
                '\'' => {
                    self.bump();
                    word.quoted = true;
                    while let Some(q) = self.bump() {
                        if q == '\'' {
                            break;
                        }
                        word.text.push(q);
                    }
                }
                '"' => {
                    self.bump();
                    word.quoted = true;
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
