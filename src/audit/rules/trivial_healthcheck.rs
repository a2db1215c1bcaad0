//! BD042: health checks that cannot fail.

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD042",
    name: "trivial-healthcheck",
    kind: FileKind::Dockerfile,
    severity: Severity::Low,
    summary: "The HEALTHCHECK cannot fail in a useful way (`print('ok')`, `true`, `|| exit 0`).",
    fix: "Probe the real service (an HTTP endpoint, a port, a heartbeat file), in exec form; or write `HEALTHCHECK NONE` for one-shot jobs.",
    docs: r#"## What it does
Flags a `HEALTHCHECK CMD` whose command is `true`, `:`, `echo …`, `exit 0`, a `python -c` that only prints or passes, or any command followed by `|| true` / `|| exit 0`.

## Why is this bad?
`python -c "print('ok')"` only proves the interpreter starts: a hung or broken application stays healthy, so restart policies and `depends_on: service_healthy` never react. On distroless there is no shell for the shell form either.

## Example
```dockerfile
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "print('ok')" || exit 1
```

## Use instead
```dockerfile
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]
```

## References
- Docker docs: HEALTHCHECK; CIS Docker Benchmark 4.6
- the Docker security lesson's `HEALTHCHECK CMD python -c "print('ok')"`, which only proves the interpreter starts
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn trivial_python(code: &str) -> bool {
    code.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .all(|s| s.starts_with("print(") || s == "pass" || s == "import sys" || s == "sys.exit(0)" || s == "exit(0)")
}

/// Why a health check command cannot fail usefully, if it cannot.
pub fn trivial(words: &[String], never_fails: bool) -> Option<&'static str> {
    if never_fails {
        return Some("it ends in `|| true` or `|| exit 0`, so it never fails");
    }
    let name = words.first().map(|w| w.rsplit('/').next().unwrap_or(w)).unwrap_or("");
    match name {
        "true" | ":" | "echo" => Some("the command always succeeds"),
        "exit" if words.get(1).is_none_or(|c| c == "0") => Some("the command always succeeds"),
        n if n.starts_with("python") => words
            .windows(2)
            .find(|w| w[0] == "-c")
            .filter(|w| trivial_python(&w[1]))
            .map(|_| "the Python code only prints: it proves the interpreter starts, not that the app works"),
        _ => None,
    }
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        if instruction.keyword != "HEALTHCHECK" {
            continue;
        }
        let args = instruction.args().trim();
        let Some(rest) = args.strip_prefix("CMD").or_else(|| args.strip_prefix("cmd")) else { continue };
        let why = match serde_json::from_str::<Vec<String>>(rest.trim()) {
            Ok(items) if items.first().is_some_and(|i| i == "CMD-SHELL") => items.get(1).and_then(|s| shell_trivial(s)),
            Ok(items) => trivial(&items, false),
            Err(_) => shell_trivial(rest),
        };
        if let Some(why) = why {
            sink.at(instruction.line, instruction.col, format!("the health check cannot fail usefully: {why}"));
        }
    }
}

fn shell_trivial(text: &str) -> Option<&'static str> {
    let script = shell::parse(text, 0);
    let pipeline = script.pipelines.first()?;
    let words: Vec<String> = pipeline.commands.first()?.words.iter().map(|w| w.text.clone()).collect();
    let last = script.pipelines.last()?.commands.last()?;
    let never_fails = script.pipelines.len() > 1
        && (last.name() == "true" || (last.name() == "exit" && last.args().first().is_some_and(|a| a.text == "0")));
    trivial(&words, never_fails)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_checks_that_cannot_fail() {
        let text = "FROM a\nHEALTHCHECK CMD python -c \"print('ok')\" || exit 1\nHEALTHCHECK CMD [\"true\"]\nHEALTHCHECK CMD curl -f http://x/ || true\nHEALTHCHECK CMD [\"/venv/bin/python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')\"]\nHEALTHCHECK NONE\n";
        assert_eq!(lines(&RULE, text), [2, 3, 4]);
    }
}
