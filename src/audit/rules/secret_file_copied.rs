//! BD010: COPY/ADD can bring a credential file from the build context into the image.

use globset::GlobBuilder;

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::secrets::{holds_no_credential, is_secret_file};
use crate::report::Severity;

use super::support::copy_paths;

pub static RULE: Rule = Rule {
    code: "BD010",
    name: "secret-file-copied",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "COPY or ADD can put a credential file (.env, id_rsa, *.pem, credentials.json...) into the image.",
    fix: "Exclude the file in .dockerignore (e.g. `.env`, `*.pem`, `secrets/`) and mount it at run time or with `RUN --mount=type=secret`.",
    docs: r#"## What it does
For every `COPY`/`ADD` from the build context (not `--from`), flags:
- a source that names a credential file (`credentials.json`, `.env`, `id_rsa`, `*.pem`, `*.key`,
  `.netrc`, `.npmrc`, `.aws/credentials`...), unless `.dockerignore` excludes it;
- a directory or glob source (`COPY . /app`) that reaches such a file on disk in the build
  context (the Dockerfile's directory) after applying `.dockerignore` (or
  `<Dockerfile>.dockerignore`), with moby's pattern semantics.

An `.npmrc` or `.pypirc` found in the build context is read: one that holds only settings
(`engine-strict=true`, `index-servers`), with no token, `_auth`, password or client key, is not a
credential file.

## Why is this bad?
Once copied, the file is in a layer for good: anyone who pulls the image can extract it, even if
a later step deletes it.

## Example
```dockerfile
COPY credentials.json /app/
COPY . /app        # with an .env in the directory and no .dockerignore
```

## Use instead
```dockerfile
# .dockerignore:  .env  *.pem  credentials.json  secrets/
COPY src/ /app/src/
```

## References
- CIS Docker Benchmark 4.10; OWASP Docker Security Cheat Sheet rule #12
- dockle CIS-DI-0010 (files in built layers)
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        if !matches!(instruction.keyword.as_str(), "COPY" | "ADD") || instruction.flag("from").is_some() {
            continue;
        }
        let Some((sources, _)) = copy_paths(instruction) else { continue };
        for (source, offset) in sources {
            if source.contains("://") || source.starts_with("git@") {
                continue;
            }
            let clean = source.trim_start_matches("./").trim_start_matches('/').trim_end_matches('/');
            let excluded = |path: &str| input.context.is_some_and(|c| c.ignore.excludes(path));
            let harmless = |path: &str| {
                input.context.and_then(|c| c.read_text(path)).is_some_and(|text| holds_no_credential(path, &text))
            };
            let (line, col) = instruction.position(offset);
            if is_secret_file(clean) && !clean.contains('*') {
                if !excluded(clean) && !harmless(clean) {
                    sink.at(
                        line,
                        col,
                        format!("{} is a credential file and .dockerignore does not exclude it", quote(&source)),
                    );
                }
                continue;
            }
            let Some(context) = input.context else { continue };
            let glob = GlobBuilder::new(clean).literal_separator(true).build().ok().map(|g| g.compile_matcher());
            let reached: Vec<&String> = context
                .secret_files
                .iter()
                .filter(|f| !harmless(f))
                .filter(|f| {
                    clean.is_empty()
                        || clean == "."
                        || f.starts_with(&format!("{clean}/"))
                        || f.as_str() == clean
                        || glob.as_ref().is_some_and(|g| g.is_match(f.as_str()))
                })
                .collect();
            if let Some(first) = reached.first() {
                let more = if reached.len() > 1 { format!(" (and {} more)", reached.len() - 1) } else { String::new() };
                sink.at(
                    line,
                    col,
                    format!(
                        "{} copies the credential file {}{more}; .dockerignore does not exclude it",
                        quote(&source),
                        quote(first)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::context::BuildContext;
    use crate::audit::rule::Settings;
    use crate::audit::testing::{findings_with, lines};

    fn with_context(text: &str, dockerignore: &str, files: &[&str]) -> Vec<u32> {
        let context = BuildContext::in_memory(dockerignore, files);
        findings_with(&RULE, text, Some(&context), &Settings::default()).iter().map(|f| f.line).collect()
    }

    #[test]
    fn flags_named_credential_files() {
        assert_eq!(
            lines(
                &RULE,
                "FROM a\nCOPY credentials.json /app/\nCOPY [\"id_rsa\", \"/root/.ssh/\"]\nCOPY app.py /app/\n"
            ),
            [2, 3]
        );
        assert!(with_context("FROM a\nCOPY .env /app/\n", ".env\n", &[".env"]).is_empty(), "excluded by .dockerignore");
    }

    #[test]
    fn flags_directories_that_reach_credential_files() {
        let text = "FROM a\nCOPY . /app\nCOPY src/ /app/src/\nCOPY --from=build /x /x\n";
        assert_eq!(with_context(text, "", &[".env", "src/app.py"]), [2]);
        assert!(with_context(text, ".env\nsecrets/\n", &[".env", "secrets/db_password", "src/app.py"]).is_empty());
        assert_eq!(with_context("FROM a\nCOPY *.pem /certs/\n", "", &["server.pem"]), [2]);
    }

    #[test]
    fn reads_settings_files_before_calling_them_credentials() {
        let findings = |npmrc: &str| {
            let context = BuildContext::in_memory_with_texts("", &[(".npmrc", npmrc)]);
            let text = "FROM a\nCOPY package.json .npmrc /app/\nCOPY . /app\n";
            findings_with(&RULE, text, Some(&context), &Settings::default()).iter().map(|f| f.line).collect::<Vec<_>>()
        };
        assert!(findings("engine-strict=true\n").is_empty());
        assert_eq!(findings("//registry.npmjs.org/:_authToken=npm_x\n"), [2, 3]);
        assert_eq!(lines(&RULE, "FROM a\nCOPY .npmrc /app/\n"), [2], "not in a context berth can read");
    }
}
