//! BD011: a credential file written in one layer and deleted in a later one.

use crate::audit::dockerfile::quote;
use std::collections::BTreeMap;

use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::secrets::{is_secret_file, secret_in_text};
use crate::report::Severity;

use super::support::copy_paths;

pub static RULE: Rule = Rule {
    code: "BD011",
    name: "secret-deleted-in-later-layer",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "A secret written by one instruction is deleted by a later one: it stays in the earlier layer.",
    fix: "Use `RUN --mount=type=secret,id=...` so the secret never reaches a layer, or fetch, use and delete it in one RUN.",
    docs: r#"## What it does
Tracks files each instruction of a stage writes (COPY/ADD destinations, `> file` redirections,
`curl -o`, `wget -O`) and flags a later `RUN rm` of such a file when it is a secret: its name
looks like a credential (`id_rsa`, `.netrc`, `*.pem`...) or the command that wrote it carried a
credential (an `Authorization` header, a token).

## Why is this bad?
Each instruction is a layer; deleting a file adds a whiteout in a new layer but the bytes stay in
the old one, where `docker save` or `docker history` exposes them.

## Example
```dockerfile
RUN curl -H "Authorization: Bearer sk-abc123" https://api.example.com/config > /app/config
RUN rm /app/config    # still in the previous layer
```

## Use instead
```dockerfile
RUN --mount=type=secret,id=api_token \
    curl -H "Authorization: Bearer $(cat /run/secrets/api_token)" https://api.example.com/config > /app/config
```

## References
- CIS Docker Benchmark 4.10; OWASP Docker Security Cheat Sheet rule #12
- Docker docs: build secrets (`RUN --mount=type=secret`)
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// The first write of `path`, or of a file under it, by an earlier instruction.
fn earlier_write(written: &BTreeMap<String, u32>, path: &str) -> Option<u32> {
    if let Some(line) = written.get(path) {
        return Some(*line);
    }
    // Keys under `path/` sort between `path/` and `path0` ('0' follows '/').
    let below = format!("{path}/");
    let above = format!("{path}0");
    written.range(below..above).next().map(|(_, line)| *line)
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    let file = input.file;
    for stage in &file.stages {
        // Secret files written by the stage's earlier instructions: path -> line of the first write.
        let mut written: BTreeMap<String, u32> = BTreeMap::new();
        for instruction in file.stage_instructions(stage) {
            // Writes of this instruction count from the next one on (same layer, no leak).
            let mut writes: Vec<String> = Vec::new();
            match instruction.keyword.as_str() {
                "COPY" | "ADD" => {
                    let Some((sources, dest)) = copy_paths(instruction) else { continue };
                    for (source, _) in &sources {
                        let name = source.trim_end_matches('/').rsplit('/').next().unwrap_or(source);
                        let target = if dest.ends_with('/') { format!("{dest}{name}") } else { dest.clone() };
                        if is_secret_file(source) || is_secret_file(&target) {
                            writes.push(target);
                        }
                    }
                }
                "RUN" => {
                    let carries_secret = secret_in_text(instruction.args()).is_some();
                    for script in instruction.scripts() {
                        for command in script.commands() {
                            let name = command.name();
                            if name == "rm" || name == "shred" {
                                for word in command.args().iter().filter(|w| !w.text.starts_with('-')) {
                                    let path = word.text.trim_end_matches('/');
                                    if let Some(line) = earlier_write(&written, path) {
                                        let (l, c) = instruction.position(word.start);
                                        sink.at(
                                            l,
                                            c,
                                            format!(
                                                "{} was written by line {line}; deleting it here leaves it in that layer",
                                                quote(path)
                                            ),
                                        );
                                    }
                                }
                            }
                            let mut outputs: Vec<String> = command
                                .redirects
                                .iter()
                                .filter(|r| r.op.starts_with('>') && !r.op.contains('&'))
                                .map(|r| r.target.text.clone())
                                .collect();
                            if name == "curl" {
                                outputs.extend(command.flag_value(Some("-o"), "--output").map(str::to_string));
                            }
                            if name == "wget" {
                                outputs.extend(command.flag_value(Some("-O"), "--output-document").map(str::to_string));
                            }
                            writes.extend(outputs.into_iter().filter(|out| carries_secret || is_secret_file(out)));
                        }
                    }
                }
                _ => {}
            }
            for path in writes {
                written.entry(path).or_insert(instruction.line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_secrets_deleted_later() {
        let text = "FROM a\nRUN curl -H \"Authorization: Bearer sk-abc123\" https://api.example.com/config > /app/config\nRUN rm /app/config\nCOPY id_rsa /root/.ssh/\nRUN git clone x && rm -rf /root/.ssh\n";
        assert_eq!(lines(&RULE, text), [3, 5]);
    }

    #[test]
    fn same_layer_and_harmless_files_pass() {
        let text = "FROM a\nCOPY --from=b /wheels /wheels\nRUN pip install /wheels/* && rm -rf /wheels\nRUN curl -o /tmp/x https://x && rm /tmp/x\nRUN curl https://x > /tmp/y\nRUN rm /tmp/y\n";
        assert!(lines(&RULE, text).is_empty());
    }
}
