//! BD014: TLS certificate verification turned off.

use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::shell::Command;
use crate::report::Severity;

use super::support::for_each_command;

pub static RULE: Rule = Rule {
    code: "BD014",
    name: "tls-verification-disabled",
    kind: FileKind::Dockerfile,
    severity: Severity::High,
    summary: "TLS certificate verification is turned off for a download or a package manager.",
    fix:
        "Remove the flag or variable; install the CA certificate the server needs (`ca-certificates`, `SSL_CERT_FILE`).",
    docs: r#"## What it does
Flags, as command words and options: `curl -k`/`--insecure`, `wget --no-check-certificate`,
`pip --trusted-host`, `git -c http.sslVerify=false`, `npm`/`yarn config set strict-ssl false`,
`--setopt=sslverify=0`; and ENV/ARG/RUN assignments `PIP_TRUSTED_HOST`,
`NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `NPM_CONFIG_STRICT_SSL=false`,
`GIT_SSL_NO_VERIFY`.

## Why is this bad?
Without certificate checks anyone on the network path can replace what is downloaded: packages,
scripts and binaries that then run in the image.

## Example
```dockerfile
RUN curl -k https://example.com/tool -o /usr/local/bin/tool
ENV PIP_TRUSTED_HOST=pypi.example.com
```

## Use instead
```dockerfile
COPY corp-ca.crt /usr/local/share/ca-certificates/
RUN update-ca-certificates && curl -fsSL https://example.com/tool -o /usr/local/bin/tool
```

## References
- CIS Docker Benchmark 4.11; checkov CKV2_DOCKER_2, _3, _4, _5, _6, _12, _13, _14, _15, _16
- dockle CIS-DI-0011
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

/// Why an environment assignment turns verification off.
pub fn insecure_env(name: &str, value: &str) -> Option<&'static str> {
    let v = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let off = matches!(v.as_str(), "0" | "false" | "no" | "off");
    match name {
        "PIP_TRUSTED_HOST" | "UV_INSECURE_HOST" if !v.is_empty() => Some("trusts a host without TLS verification"),
        "NODE_TLS_REJECT_UNAUTHORIZED"
        | "PYTHONHTTPSVERIFY"
        | "NPM_CONFIG_STRICT_SSL"
        | "YARN_STRICT_SSL"
        | "CURL_SSL_VERIFY"
            if off =>
        {
            Some("turns TLS verification off")
        }
        "GIT_SSL_NO_VERIFY" | "CURL_INSECURE" if !v.is_empty() && !off => Some("turns TLS verification off"),
        _ => None,
    }
}

fn insecure_command(command: &Command) -> Option<String> {
    let name = command.name();
    let words: Vec<&str> = command.args().iter().map(|w| w.text.as_str()).collect();
    match name {
        "curl" if command.has_flag(Some('k'), &["insecure"]) => Some("curl -k/--insecure".into()),
        "wget" if command.has_flag(None, &["no-check-certificate"]) => Some("wget --no-check-certificate".into()),
        "git" if words.iter().any(|w| w.to_ascii_lowercase().replace(' ', "") == "http.sslverify=false") => {
            Some("git http.sslVerify=false".into())
        }
        "npm" | "yarn" | "pnpm"
            if words.windows(2).any(|w| w[0] == "strict-ssl" && w[1] == "false")
                || words.contains(&"--strict-ssl=false") =>
        {
            Some(format!("{name} strict-ssl false"))
        }
        _ if super::support::pip_args(command)
            .is_some_and(|a| a.iter().any(|w| *w == "--trusted-host" || w.starts_with("--trusted-host="))) =>
        {
            Some("pip --trusted-host".into())
        }
        "yum" | "dnf" | "microdnf" | "tdnf"
            if words.iter().any(|w| {
                w.to_ascii_lowercase().replace(' ', "").contains("sslverify=0")
                    || w.to_ascii_lowercase().contains("sslverify=false")
            }) =>
        {
            Some(format!("{name} sslverify=0"))
        }
        _ => None,
    }
}

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for (instruction, _) in input.file.all() {
        if matches!(instruction.keyword.as_str(), "ENV" | "ARG") {
            for kv in instruction.key_values() {
                if let Some(why) = kv.value.as_deref().and_then(|v| insecure_env(&kv.key, v)) {
                    let (line, col) = instruction.position(kv.offset);
                    sink.at(line, col, format!("{} {} {why}", instruction.keyword, quote(&kv.key)));
                }
            }
        }
    }
    for_each_command(input.file, |_, command, (line, col)| {
        for assignment in &command.assignments {
            if let Some((name, value)) = assignment.text.split_once('=') {
                if let Some(why) = insecure_env(name, value) {
                    sink.at(line, col, format!("{} {why}", quote(name)));
                }
            }
        }
        if let Some(what) = insecure_command(command) {
            sink.at(line, col, format!("{what} turns TLS certificate verification off"));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_insecure_flags_and_variables() {
        let text = "FROM a\nRUN curl -fsSLk https://x\nRUN wget --no-check-certificate https://x\nRUN pip install --trusted-host pypi.x x==1\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\nARG PIP_TRUSTED_HOST=pypi.x\nRUN GIT_SSL_NO_VERIFY=1 git clone https://x\nRUN npm config set strict-ssl false\nRUN git -c http.sslVerify=false clone https://x\n";
        assert_eq!(lines(&RULE, text), [2, 3, 4, 5, 6, 7, 8, 9]);
    }

    #[test]
    fn leaves_verified_downloads() {
        assert!(lines(
            &RULE,
            "FROM a\nRUN curl -fsSL https://x -o /tmp/k\nENV PYTHONHTTPSVERIFY=1\nRUN echo --insecure\n"
        )
        .is_empty());
    }
}
