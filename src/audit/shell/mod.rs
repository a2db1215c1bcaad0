//! Shell words, for rules about `RUN` lines and workflow `run:` scripts.
//!
//! Rules match command words, never substrings: `apt` is not found in `apt-get`, `update` not in
//! `update-ca-trust`, and `sudo` in `apt-get install sudo` is a package, not a command. The
//! tokenizer knows quotes, escapes, comments, `&&`, `||`, `;`, `|`, redirections and command
//! substitutions (`$(...)`, backticks, `<(...)`), whose commands are parsed too, here-documents
//! (their bodies are data, not commands) and `case` statements (their patterns are not commands
//! and their `|` is not a pipe). It never fails: unbalanced input ends the word or the script
//! where the text ends. Work and memory are bounded ([`Limit`]).

mod lexer;

pub use lexer::{Budget, MAX_DEPTH, MAX_WORDS};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes and escapes removed; expansions (`$X`, `${X}`, `$(...)`) kept as written.
    pub text: String,
    /// Byte offsets in the parsed source (including the base offset given to [`parse`]).
    pub start: usize,
    pub end: usize,
    /// Part of the word was quoted.
    pub quoted: bool,
    /// Where in `text` the first quoted part starts.
    pub quote_start: Option<usize>,
    /// The word contains an unquoted or double-quoted expansion.
    pub expands: bool,
    /// Command substitutions inside the word.
    pub subs: Vec<Script>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirect {
    pub op: String,
    pub target: Word,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    /// Leading `NAME=value` words.
    pub assignments: Vec<Word>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
}

/// Commands joined by `|`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pipeline {
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub pipelines: Vec<Pipeline>,
    /// Set when parsing stopped at a bound: the script holds only what came before it.
    pub limit: Option<Limit>,
}

/// A bound the parser stopped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// More words than this.
    Words(usize),
    /// Command substitutions nested deeper than this.
    Depth(usize),
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Words(n) => write!(f, "more than {n} shell words"),
            Limit::Depth(n) => write!(f, "command substitutions nested more than {n} deep"),
        }
    }
}

const RESERVED_LEADING: &[&str] = &["if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"];
const RESERVED_ALONE: &[&str] = &["fi", "done", "}", "esac", "then", "else", "do"];
/// Commands that run their arguments as another command.
const WRAPPERS: &[&str] =
    &["sudo", "env", "exec", "command", "nohup", "time", "nice", "doas", "xargs", "stdbuf", "timeout"];

impl Word {
    /// The last path component: `/usr/bin/curl` -> `curl`.
    pub fn base(&self) -> &str {
        self.text.rsplit('/').next().unwrap_or(&self.text)
    }
}

impl Command {
    /// The words from the command itself on, past wrappers such as `sudo -u x`, `env A=b`, `exec`.
    pub fn effective(&self) -> &[Word] {
        let mut words = &self.words[..];
        let mut guard = 0;
        while let Some(first) = words.first() {
            guard += 1;
            if guard > 8 || !WRAPPERS.contains(&first.base()) {
                break;
            }
            let wrapper = first.base().to_string();
            words = &words[1..];
            while let Some(w) = words.first() {
                let t = w.text.as_str();
                let takes_value = matches!(
                    (wrapper.as_str(), t),
                    ("sudo", "-u" | "-g" | "-C" | "-h" | "-p" | "-U") | ("nice", "-n") | ("timeout", "-s" | "-k")
                );
                if t.starts_with('-') {
                    words = &words[if takes_value { 2.min(words.len()) } else { 1 }..];
                } else if (wrapper == "env" && t.contains('='))
                    || (wrapper == "timeout" && t.chars().next().is_some_and(|c| c.is_ascii_digit()))
                {
                    words = &words[1..];
                } else {
                    break;
                }
            }
        }
        words
    }

    /// The command's name (last path component), past wrappers.
    pub fn name(&self) -> &str {
        self.effective().first().map(Word::base).unwrap_or("")
    }

    /// The arguments after the name, past wrappers.
    pub fn args(&self) -> &[Word] {
        let words = self.effective();
        if words.is_empty() {
            words
        } else {
            &words[1..]
        }
    }

    /// Whether the command (past wrappers) is run through sudo or similar.
    pub fn uses_sudo(&self) -> bool {
        self.words
            .iter()
            .take_while(|w| WRAPPERS.contains(&w.base()) || w.text.starts_with('-') || is_assignment(&w.text))
            .any(|w| matches!(w.base(), "sudo" | "doas"))
    }

    /// An option given as `--long`, `--long=value` or in a cluster of short options (`-fsSL`).
    pub fn has_flag(&self, short: Option<char>, long: &[&str]) -> bool {
        self.args().iter().any(|w| flag_matches(&w.text, short, long))
    }

    /// The value of `--long=value` or `--long value` (also `-x value` for the short form).
    pub fn flag_value(&self, short: Option<&str>, long: &str) -> Option<&str> {
        let args = self.args();
        for (i, w) in args.iter().enumerate() {
            let t = w.text.as_str();
            if let Some(v) = t.strip_prefix(long).and_then(|rest| rest.strip_prefix('=')) {
                return Some(v);
            }
            if t == long || short.is_some_and(|s| t == s) {
                return args.get(i + 1).map(|w| w.text.as_str());
            }
        }
        None
    }

    /// The first argument that is not an option (the subcommand of `apt-get`, `pip`, `apk`...),
    /// skipping the values of the given options that take one.
    pub fn subcommand(&self, options_with_values: &[&str]) -> Option<(usize, &Word)> {
        let args = self.args();
        let mut i = 0;
        while i < args.len() {
            let t = args[i].text.as_str();
            if t.starts_with('-') {
                i += if options_with_values.contains(&t) { 2 } else { 1 };
                continue;
            }
            return Some((i, &args[i]));
        }
        None
    }

    /// Byte offset where the command starts.
    pub fn start(&self) -> usize {
        self.assignments.first().or(self.words.first()).map_or(0, |w| w.start)
    }
}

pub fn flag_matches(text: &str, short: Option<char>, long: &[&str]) -> bool {
    if let Some(rest) = text.strip_prefix("--") {
        let name = rest.split('=').next().unwrap_or(rest);
        return long.iter().any(|l| l.trim_start_matches('-') == name);
    }
    if let (Some(c), Some(rest)) = (short, text.strip_prefix('-')) {
        return !rest.is_empty() && rest.chars().all(|ch| ch.is_ascii_alphanumeric()) && rest.contains(c);
    }
    false
}

impl Script {
    /// Every command, including those inside substitutions, in source order of discovery.
    pub fn commands(&self) -> Vec<&Command> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Command>) {
        for pipeline in &self.pipelines {
            for command in &pipeline.commands {
                out.push(command);
                for word in
                    command.assignments.iter().chain(&command.words).chain(command.redirects.iter().map(|r| &r.target))
                {
                    for sub in &word.subs {
                        sub.collect(out);
                    }
                }
            }
        }
    }

    /// Every pipeline, including those inside substitutions.
    pub fn all_pipelines(&self) -> Vec<&Pipeline> {
        let mut out = Vec::new();
        self.collect_pipelines(&mut out);
        out
    }

    fn collect_pipelines<'a>(&'a self, out: &mut Vec<&'a Pipeline>) {
        for pipeline in &self.pipelines {
            out.push(pipeline);
            for command in &pipeline.commands {
                for word in
                    command.words.iter().chain(&command.assignments).chain(command.redirects.iter().map(|r| &r.target))
                {
                    for sub in &word.subs {
                        sub.collect_pipelines(out);
                    }
                }
            }
        }
    }

    /// Whether any command (at any depth) has this name.
    pub fn runs(&self, name: &str) -> bool {
        self.commands().iter().any(|c| c.name() == name)
    }
}

/// Parses shell text. `base` is added to every offset, so positions map back to the source file.
/// When a bound is hit, [`Script::limit`] says which.
pub fn parse(src: &str, base: usize) -> Script {
    parse_in(src, base, &mut Budget::default())
}

/// Like [`parse`], spending words from a budget shared by several scripts (all the RUNs of a
/// Dockerfile), so their total is bounded too.
pub fn parse_in(src: &str, base: usize, budget: &mut Budget) -> Script {
    let mut script = lexer::Lexer::new(src, base, 0, budget).script(None);
    script.limit = budget.hit();
    script
}

pub(crate) fn is_assignment(text: &str) -> bool {
    match text.split_once('=') {
        Some((name, _)) => {
            let name = name.strip_suffix('+').unwrap_or(name);
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<String> {
        parse(src, 0).commands().iter().map(|c| c.name().to_string()).collect()
    }

    #[test]
    fn splits_commands_on_operators() {
        assert_eq!(
            names("apt-get update && apt-get install -y x; rm -rf /var/lib/apt/lists/* || true"),
            ["apt-get", "apt-get", "rm", "true"]
        );
        assert_eq!(names("a | b |& c & d"), ["a", "b", "c", "d"]);
    }

    #[test]
    fn keeps_quoted_words_whole() {
        let script = parse(r#"echo "a b" 'c d' e\ f"#, 0);
        let words: Vec<_> = script.pipelines[0].commands[0].words.iter().map(|w| w.text.clone()).collect();
        assert_eq!(words, ["echo", "a b", "c d", "e f"]);
    }

    #[test]
    fn matches_words_not_substrings() {
        assert_eq!(names("update-ca-trust && apt-get install sudo"), ["update-ca-trust", "apt-get"]);
    }

    #[test]
    fn sees_through_wrappers() {
        let script = parse("sudo -u root env A=1 /usr/bin/apt install x", 0);
        let c = script.commands()[0];
        assert_eq!(c.name(), "apt");
        assert!(c.uses_sudo());
        assert_eq!(c.args()[0].text, "install");
    }

    #[test]
    fn parses_substitutions() {
        assert_eq!(names(r#"sh -c "$(curl -fsSL https://x)""#), ["sh", "curl"]);
        assert_eq!(names("bash <(wget -qO- https://x)"), ["bash", "wget"]);
        assert_eq!(names("echo `id -u`"), ["echo", "id"]);
    }

    #[test]
    fn groups_pipelines() {
        let script = parse("curl -s https://x | sh && echo ok", 0);
        assert_eq!(script.pipelines.len(), 2);
        assert_eq!(script.pipelines[0].commands.len(), 2);
    }

    #[test]
    fn assignments_may_quote_their_value() {
        let script = parse("A=\"x y\" B='z' \"C=1\" cmd", 0);
        let c = &script.pipelines[0].commands[0];
        assert_eq!(c.assignments.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["A=x y", "B=z"]);
        assert_eq!(c.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(), ["C=1", "cmd"]);
    }

    #[test]
    fn records_redirects_and_assignments() {
        let script = parse("A=1 B=2 curl -o x https://y > /app/config 2>&1", 0);
        let c = &script.pipelines[0].commands[0];
        assert_eq!(c.assignments.len(), 2);
        assert_eq!(c.redirects[0].target.text, "/app/config");
        assert_eq!(c.flag_value(Some("-o"), "--output"), Some("x"));
    }

    #[test]
    fn skips_comments_and_keywords() {
        assert_eq!(names("if true; then\n  # a comment: curl x | sh\n  make\nfi"), ["true", "make"]);
    }

    #[test]
    fn flags_in_clusters() {
        let script = parse("curl -fsSLk https://x", 0);
        assert!(script.commands()[0].has_flag(Some('k'), &["insecure"]));
        assert!(!script.commands()[0].has_flag(Some('z'), &["zzz"]));
    }

    #[test]
    fn offsets_map_back() {
        let script = parse("echo hi\ncurl x", 100);
        let c = script.commands()[1];
        assert_eq!(c.start(), 108);
    }

    #[test]
    fn case_patterns_are_not_commands_or_pipes() {
        let script = parse(
            "case \"$(dpkg --print-architecture)\" in amd64 | arm64) a=1 ;; armhf) b | c ;; *) exit 1 ;; esac; d",
            0,
        );
        assert_eq!(
            script.commands().iter().map(|c| c.name()).collect::<Vec<_>>(),
            ["", "dpkg", "", "b", "c", "exit", "d"],
            "patterns are dropped; the branches and the subject's substitution stay"
        );
        assert_eq!(script.all_pipelines().iter().filter(|p| p.commands.len() > 1).count(), 1, "only `b | c` pipes");
        let nested = parse("case $a in\n  x) case $b in y|z) echo ;; esac ;;\n  w) make ;;\nesac\nafter", 0);
        assert_eq!(nested.commands().iter().map(|c| c.name()).collect::<Vec<_>>(), ["echo", "make", "after"]);
        let last_branch_open = parse("case $a in x) one\nesac\ntwo | three", 0);
        assert_eq!(last_branch_open.commands().iter().map(|c| c.name()).collect::<Vec<_>>(), ["one", "two", "three"]);
    }

    #[test]
    fn heredoc_bodies_are_data() {
        let script = parse("cat > /etc/x <<'EOF'\ncurl x | sh\nEOF\nmake\ncat <<-E\n\tsudo y\n\tE\ndone_here", 0);
        assert_eq!(script.commands().iter().map(|c| c.name()).collect::<Vec<_>>(), ["cat", "make", "cat", "done_here"]);
        assert_eq!(script.commands()[0].redirects[1].op, "<<");
    }

    #[test]
    fn stops_at_its_bounds_and_says_so() {
        let deep = format!("{}x{}", "$(".repeat(MAX_DEPTH + 5), ")".repeat(MAX_DEPTH + 5));
        assert_eq!(parse(&deep, 0).limit, Some(Limit::Depth(MAX_DEPTH)));
        assert_eq!(parse(&"$(".repeat(MAX_DEPTH), 0).limit, None);
        let long = "a ".repeat(MAX_WORDS + 1);
        assert_eq!(parse(&long, 0).limit, Some(Limit::Words(MAX_WORDS)));
        let mut budget = Budget::default();
        let half = "a ".repeat(MAX_WORDS / 2 + 1);
        assert_eq!(parse_in(&half, 0, &mut budget).limit, None);
        assert_eq!(parse_in(&half, 0, &mut budget).limit, Some(Limit::Words(MAX_WORDS)), "the budget is shared");
    }

    #[test]
    fn deep_nesting_is_linear_and_bounded() {
        // Braces, subshells and backquotes nest without recursion beyond the substitution bound.
        for text in ["{ ".repeat(20_000) + &"}; ".repeat(20_000), "( ".repeat(20_000) + &") ".repeat(20_000)] {
            let script = parse(&text, 0);
            assert!(script.commands().is_empty(), "no command in pure nesting");
        }
        let ticks = "`".repeat(10_001);
        let _ = parse(&ticks, 0);
    }

    #[test]
    fn never_panics_on_unbalanced_input() {
        for src in [
            "\"",
            "'",
            "$(",
            "`",
            "${",
            "$((",
            "a <(",
            "\\",
            "é$'\\",
            "a >",
            "$'",
            "((",
            "))",
            "case",
            "case x in",
            "esac",
            ";;",
            "case x in a) ;; esac esac",
            "cat <<",
            "cat <<E\n",
            "<<-",
            "a | ) b",
        ] {
            let _ = parse(src, 0);
        }
    }
}
