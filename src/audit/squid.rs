//! Squid configuration files as the proxy rules read them: one directive per logical line (with
//! `\` continuations joined and comments removed), each with its position, and the ACLs they
//! define by name.

use std::collections::BTreeMap;

/// One directive: `acl allowed dstdomain .example.com` is `acl` with three arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub line: u32,
    pub col: u32,
    pub name: String,
    pub args: Vec<String>,
}

/// One `acl` line's part of an ACL: its type, flags and values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclPart {
    pub kind: String,
    pub flags: Vec<String>,
    /// Values as written; a quoted one (`"/etc/squid/allow.txt"`) names a file of values.
    pub values: Vec<String>,
}

/// A parsed Squid configuration.
#[derive(Debug, Clone, Default)]
pub struct SquidConf {
    pub directives: Vec<Directive>,
}

/// ACLs every Squid (4 and later) defines itself, with their type and values.
pub const PREDEFINED: &[(&str, &str, &[&str])] = &[
    ("all", "src", &["all"]),
    ("manager", "url_regex", &["^cache_object://", "^[^:]+://[^/]+/squid-internal-mgr/"]),
    ("localhost", "src", &["127.0.0.1/32", "::1"]),
    ("to_localhost", "dst", &["127.0.0.0/8", "0.0.0.0/32", "::/128", "::1/128"]),
    ("to_linklocal", "dst", &["169.254.0.0/16", "fe80::/10"]),
    ("CONNECT", "method", &["CONNECT"]),
];

impl SquidConf {
    /// Reads every directive. Squid's own parser is lenient too: nothing here fails, and what
    /// the rules cannot judge they leave alone.
    pub fn parse(text: &str) -> SquidConf {
        let mut directives = Vec::new();
        let mut pending: Option<(u32, u32, String)> = None;
        for (index, raw) in text.lines().enumerate() {
            let line = index as u32 + 1;
            let (start_line, col, mut joined) = match pending.take() {
                Some((l, c, text)) => (l, c, text + " "),
                None => {
                    let trimmed = raw.trim_start();
                    if trimmed.is_empty() || trimmed.starts_with('#') {
                        continue;
                    }
                    (line, (raw.len() - trimmed.len()) as u32 + 1, String::new())
                }
            };
            joined.push_str(raw.trim());
            if joined.ends_with('\\') {
                // Kept and grown in place: a long run of continued lines stays linear.
                joined.pop();
                pending = Some((start_line, col, joined));
                continue;
            }
            let words = split(&joined);
            if let Some((name, args)) = words.split_first() {
                directives.push(Directive { line: start_line, col, name: name.clone(), args: args.to_vec() });
            }
        }
        if let Some((line, col, text)) = pending {
            let words = split(&text);
            if let Some((name, args)) = words.split_first() {
                directives.push(Directive { line, col, name: name.clone(), args: args.to_vec() });
            }
        }
        SquidConf { directives }
    }

    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        self.directives.iter().filter(move |d| d.name == name)
    }

    /// Every ACL by name: the predefined ones, then each `acl` line's part, in order.
    pub fn acls(&self) -> BTreeMap<String, Vec<AclPart>> {
        let mut acls: BTreeMap<String, Vec<AclPart>> = BTreeMap::new();
        for (name, kind, values) in PREDEFINED {
            acls.entry(name.to_string()).or_default().push(part(kind, values.iter().map(|v| v.to_string())));
        }
        for d in self.named("acl") {
            if let [name, kind, rest @ ..] = d.args.as_slice() {
                acls.entry(name.clone()).or_default().push(part(kind, rest.iter().cloned()));
            }
        }
        acls
    }

    /// Whether the configuration reads others (`include`), which may define what this one uses.
    pub fn includes_others(&self) -> bool {
        self.named("include").next().is_some()
    }
}

fn part(kind: &str, words: impl Iterator<Item = String>) -> AclPart {
    let mut flags = Vec::new();
    let mut values = Vec::new();
    for word in words {
        let is_flag = values.is_empty() && (word.starts_with('-') || word.starts_with('+')) && word.len() > 1;
        if is_flag && word != "--" {
            flags.push(word);
        } else if word != "--" {
            values.push(word);
        }
    }
    AclPart { kind: kind.to_string(), flags, values }
}

/// Splits a logical line into words: whitespace-separated, a `"quoted value"` kept whole with
/// its quotes, and everything from a `#` that starts a word on dropped (a trailing comment).
fn split(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '#' {
            break;
        }
        let mut word = String::new();
        if c == '"' {
            word.push(c);
            chars.next();
            for c in chars.by_ref() {
                word.push(c);
                if c == '"' {
                    break;
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_with_positions_continuations_and_comments() {
        let conf = SquidConf::parse(
            "# comment\n  acl allowed dstdomain -n .example.com \\\n    api.example.org # trailing\nhttp_access allow allowed\n\nacl files dstdomain \"/etc/squid/allow list.txt\"\n",
        );
        let names: Vec<(&str, u32, u32)> = conf.directives.iter().map(|d| (d.name.as_str(), d.line, d.col)).collect();
        assert_eq!(names, [("acl", 2, 3), ("http_access", 4, 1), ("acl", 6, 1)]);
        assert_eq!(conf.directives[0].args, ["allowed", "dstdomain", "-n", ".example.com", "api.example.org"]);
        let acls = conf.acls();
        assert_eq!(acls["allowed"][0].flags, ["-n"]);
        assert_eq!(acls["allowed"][0].values, [".example.com", "api.example.org"]);
        assert_eq!(acls["files"][0].values, ["\"/etc/squid/allow list.txt\""]);
        assert_eq!(acls["all"][0].kind, "src");
        assert_eq!(acls["manager"][0].values.len(), 2, "{:?}", acls["manager"]);
    }

    #[test]
    fn hostile_text_never_panics() {
        for text in ["\\", "acl \\\n", "\"unterminated", "acl a b \"x", "#\n\\\n\\", "acl", "é\u{0}\\\n\u{202e}"] {
            let conf = SquidConf::parse(text);
            let _ = conf.acls();
        }
    }
}
