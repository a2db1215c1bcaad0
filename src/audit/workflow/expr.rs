//! `${{ … }}` expressions in workflow text: where they are, and which contexts their value can
//! come from (`a || b` can be either side, `a == b` and `contains(...)` are booleans).

use github_actions_expressions::{Expr, SpannedExpr};

/// One `${{ … }}` in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion<'a> {
    /// Byte offset of `${{` in the text.
    pub offset: usize,
    /// The expression between the braces, trimmed.
    pub body: &'a str,
}

/// Every `${{ … }}` in `text`, in order. An unclosed one ends the search.
pub fn expansions(text: &str) -> Vec<Expansion<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("${{") {
        let start = from + i;
        let Some(len) = text[start + 3..].find("}}") else { break };
        out.push(Expansion { offset: start, body: text[start + 3..start + 3 + len].trim() });
        from = start + 3 + len + 2;
    }
    out
}

/// The contexts whose value can become the expression's value, lower-case and dotted
/// (`github.event.pull_request.title`, `steps.meta.outputs.tags`, indices as `*`).
/// Contexts that only feed a comparison, a negation or a boolean function are left out.
pub fn value_contexts(body: &str) -> Vec<String> {
    match Expr::parse(body) {
        Ok(expr) => {
            let mut out = Vec::new();
            collect(&expr, &mut out);
            out
        }
        // Not an expression GitHub would accept either; keep every dotted name in it so an
        // unusual spelling cannot hide a source.
        Err(_) => dotted_names(body),
    }
}

fn collect(expr: &SpannedExpr<'_>, out: &mut Vec<String>) {
    for (context, _) in expr.dataflow_contexts() {
        match context.as_pattern() {
            Some(pattern) => out.push(pattern),
            // `fromJSON(x).field` and `(a || b).field`: the value comes from inside the head.
            None => {
                if let Some(head) = context.parts.first() {
                    match &head.inner {
                        Expr::Call(call) => call.args.iter().for_each(|arg| collect(arg, out)),
                        _ => collect(head, out),
                    }
                }
            }
        }
    }
}

/// `a.b.c`-shaped names in text that is not a valid expression.
fn dotted_names(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut current = String::new();
    for c in body.chars().chain(std::iter::once(' ')) {
        if c == '\'' {
            quoted = !quoted;
            current.clear();
            continue;
        }
        if !quoted && (c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '*')) {
            current.push(c.to_ascii_lowercase());
            continue;
        }
        let name = current.trim_matches('.');
        if name.contains('.') && name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            out.push(name.to_string());
        }
        current.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_expansions_with_offsets() {
        let text = "a ${{ x.y }} b ${{\n  z }} c ${{ open";
        let found = expansions(text);
        assert_eq!(found, [Expansion { offset: 2, body: "x.y" }, Expansion { offset: 15, body: "z" }]);
    }

    #[test]
    fn value_contexts_follow_the_dataflow() {
        assert_eq!(value_contexts("github.event.pull_request.title"), ["github.event.pull_request.title"]);
        assert_eq!(value_contexts("github.event.issue.title || 'none'"), ["github.event.issue.title"]);
        assert_eq!(value_contexts("github.event.issue.title == 'x' && 'a' || 'b'"), Vec::<String>::new());
        assert!(value_contexts("contains(github.event.pull_request.labels.*.name, 'ok')").is_empty());
        assert!(value_contexts("!github.event.pull_request.draft").is_empty());
        assert_eq!(value_contexts("toJSON(github.event.comment)"), ["github.event.comment"]);
        assert_eq!(value_contexts("format('{0}-{1}', github.head_ref, github.sha)"), ["github.head_ref", "github.sha"]);
        assert_eq!(value_contexts("fromJSON(steps.pr.outputs.data).title"), ["steps.pr.outputs.data"]);
        assert_eq!(value_contexts("github.event['pull_request'].Title"), ["github.event.pull_request.title"]);
        assert_eq!(value_contexts("github.event.commits[0].message"), ["github.event.commits.*.message"]);
    }

    #[test]
    fn invalid_expressions_keep_their_names() {
        assert_eq!(value_contexts("github.event.issue.title ==="), ["github.event.issue.title"]);
        assert_eq!(value_contexts("'a.b' ))"), Vec::<String>::new());
        // Hostile input: deep nesting is refused by the parser, not a stack overflow.
        let deep = format!("{}github.head_ref{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(value_contexts(&deep), ["github.head_ref"]);
    }
}
