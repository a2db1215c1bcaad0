//! BD012: ADD where COPY (or a verified download) belongs.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::report::Severity;

use super::support::copy_paths;

pub static RULE: Rule = Rule {
    code: "BD012",
    name: "add-instead-of-copy",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "ADD copies a local file or downloads a URL without a checksum.",
    fix: "Use COPY for local files; for downloads use `ADD --checksum=sha256:...` or `RUN curl` followed by a checksum check.",
    docs: r#"## What it does
Flags `ADD` of a local file or directory that is not an archive (ADD's extraction is the one
thing COPY cannot do), and `ADD` of a URL or git repository without `--checksum=`.

## Why is this bad?
ADD's extra behaviour is surprising: it fetches remote content with no integrity check (a
compromised or hijacked URL goes straight into the image) and silently extracts archives.
COPY does only what it says.

## Example
```dockerfile
ADD app.py /app/
ADD https://example.com/tool.tar.gz /opt/
```

## Use instead
```dockerfile
COPY app.py /app/
ADD --checksum=sha256:24454f830cdd... https://example.com/tool.tar.gz /opt/
```

## Compared with other linters
hadolint DL3020 accepts ADD of a URL; berth reports a download without `--checksum`. Both
accept archives, compressed ones included (`.tar.gz`, `.gz`, `.bz2`, `.xz`), which ADD may
unpack.
hadolint DL3020 is an `error`. berth rates ADD medium, as the consolidated rule table does: a local ADD behaves like COPY unless it meets an archive, and the remote-fetch case is what makes it a security concern.

## References
- CIS Docker Benchmark 4.9; OWASP Docker Security Cheat Sheet rule #9
- hadolint DL3020; checkov CKV_DOCKER_4; dockle CIS-DI-0009; KICS 9513a694
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// What ADD may unpack: tar archives, plain or compressed (it sniffs the content, so a `.gz` may
/// hold a tar).
const ARCHIVES: &[&str] = &[".tar", ".tgz", ".tbz2", ".tbz", ".txz", ".tzst", ".gz", ".bz2", ".xz", ".zst"];

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        if instruction.keyword != "ADD" {
            continue;
        }
        let Some((sources, _)) = copy_paths(instruction) else { continue };
        for (source, offset) in sources {
            let (line, col) = instruction.position(offset);
            let remote = source.contains("://") || source.starts_with("git@");
            if remote {
                if instruction.flag("checksum").is_none() {
                    sink.at(line, col, format!("ADD downloads {} with no checksum", quote(&source)));
                }
            } else if !ARCHIVES.iter().any(|ext| source.to_ascii_lowercase().ends_with(ext)) {
                sink.at(line, col, format!("ADD of local {}: use COPY", quote(&source)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_local_files_and_unchecked_urls() {
        let text = "FROM a\nADD app.py /app/\nADD https://x/t.tar.gz /opt/\nADD --checksum=sha256:aa https://x/t /opt/\nADD rootfs.tar.gz /\nCOPY a b\n";
        assert_eq!(lines(&RULE, text), [2, 3]);
    }
}
