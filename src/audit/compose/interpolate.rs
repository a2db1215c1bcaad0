//! Compose interpolation without the environment: what a value ships with when no variable is
//! set, and which parts of it only the environment can supply.

/// A value after Compose interpolation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    /// The value with every default applied and every reference without one left out.
    pub text: String,
    /// A `${VAR}` without a default: the real value is only known at run time.
    pub unresolved: bool,
}

impl Interpolated {
    /// Whether the value is written in the file, at least in part: `hunter2${X}` and
    /// `${PW:-hunter2}` ship `hunter2`, while `${PW}`, `"${PW}"` and `$$${PW}` (a `$` before the
    /// variable's value) ship nothing of their own.
    pub fn ships_literal(&self) -> bool {
        self.text.chars().any(|c| c.is_alphanumeric())
    }
}

/// Applies Compose interpolation without reading the environment: `${VAR:-d}`, `${VAR-d}`,
/// `${VAR:=d}` and `${VAR=d}` become `d`, `$$` becomes `$`, and a variable without a default
/// (`$VAR`, `${VAR}`, `${VAR:?message}`, `${VAR:+alternative}`) marks the value unresolved.
pub fn interpolate(text: &str) -> Interpolated {
    expand(text, "")
}

/// [`interpolate`], writing `unset` where a variable without a default stands, so that what
/// surrounds it keeps its shape (`/home/${USER}/.ssh` is `/home/*/.ssh`, not `/home/.ssh`).
pub fn expand(text: &str, unset: &str) -> Interpolated {
    let mut out = String::new();
    let mut unresolved = false;
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(inner) = rest.strip_prefix('{') {
            let Some(end) = closing_brace(inner) else {
                unresolved = true;
                out.push_str(unset);
                rest = "";
                break;
            };
            let expr = &inner[..end];
            rest = &inner[end + 1..];
            match default_of(expr) {
                Some(d) => {
                    let d = expand(d, unset);
                    unresolved |= d.unresolved;
                    out.push_str(&d.text);
                }
                None => {
                    unresolved = true;
                    out.push_str(unset);
                }
            }
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if end == 0 {
                out.push('$');
            } else {
                unresolved = true;
                out.push_str(unset);
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    Interpolated { text: out, unresolved }
}

/// Splits on the colons outside any `${...}` (`${PORT:-80}:80` is two fields, not three).
pub fn split_fields(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                fields.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&text[start..]);
    fields
}

/// The default of a `${...}` body: the text after `:-`, `-`, `:=` or `=` that follows the name.
fn default_of(expr: &str) -> Option<&str> {
    let name_end = expr.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(expr.len());
    let operator = &expr[name_end..];
    ["-", "="].iter().find_map(|op| operator.strip_prefix(':').unwrap_or(operator).strip_prefix(op))
}

/// The `}` that closes a `${`, skipping nested `${...}` in a default.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_like_compose() {
        assert_eq!(interpolate("${IMG:-postgres:latest}").text, "postgres:latest");
        assert_eq!(interpolate("${IMG-x}").text, "x");
        assert_eq!(interpolate("${IMG:=x}").text, "x");
        assert!(interpolate("${IMG}").unresolved);
        assert!(interpolate("${IMG:?set it}").unresolved);
        assert_eq!(interpolate("${IMG:?set it}").text, "");
        assert!(interpolate("pre$VAR").unresolved);
        assert_eq!(interpolate("pa$$word"), Interpolated { text: "pa$word".into(), unresolved: false });
        assert_eq!(interpolate("${A:-${B:-nested}}x").text, "nestedx");
        assert_eq!(interpolate("${A:-${B}}").text, "");
        assert!(interpolate("${A:-${B}}").unresolved);
        assert_eq!(expand("/home/${USER}/.ssh:$X", "*").text, "/home/*/.ssh:*");
    }

    #[test]
    fn tells_literal_values_from_references() {
        for literal in ["hunter2${X}", "${PW:-hunter2}", "pa$$word", "hunter2$"] {
            assert!(interpolate(literal).ships_literal(), "{literal}");
        }
        for reference in ["${PW}", "\"${PW}\"", "'$PW'", "${PW:?required}", "$$${PW}", ""] {
            assert!(!interpolate(reference).ships_literal(), "{reference}");
        }
    }
}
