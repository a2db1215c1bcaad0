//! BD017: passwords set or removed in a RUN.

use super::support::for_each_command;
use crate::audit::dockerfile::quote;
use crate::audit::rule::{Check, DockerfileInput, FileKind, Rule, Sink};
use crate::audit::secrets::is_locked_password;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BD017",
    name: "password-set-in-image",
    kind: FileKind::Dockerfile,
    severity: Severity::Medium,
    summary: "A RUN sets or removes an account password (`chpasswd`, `passwd`).",
    fix: "Do not give accounts passwords in images; create system users without a login (`useradd --system --shell /usr/sbin/nologin`).",
    docs: r#"## What it does
Flags `chpasswd`, `passwd` (setting or deleting a password) and `usermod -p` as commands. `usermod -p '*'` and `usermod -p '!'` lock the account (no password matches a hash starting with `*` or `!`) and are not reported.

## Why is this bad?
A password in the image is in the layer history, the same for every container, and an empty one (`passwd -d`) lets anyone with a shell log in.

## Example
```dockerfile
RUN echo "app:app" | chpasswd
```

## Use instead
```dockerfile
RUN useradd --system --no-log-init --uid 10001 --shell /usr/sbin/nologin app
```

## References
- checkov CKV2_DOCKER_17; dockle DKL-LI-0001
"#,
    opt_in: false,
    check: Check::Dockerfile(check),
};

fn check(input: &DockerfileInput, sink: &mut Sink) {
    for_each_command(input.file, |_, command, (line, col)| {
        let name = command.name();
        // `usermod -p '*'` (or `!`) locks the account: no password matches it.
        let locks = command.flag_value(Some("-p"), "--password").is_some_and(is_locked_password);
        let usermod_password = name == "usermod" && command.has_flag(Some('p'), &["password"]) && !locks;
        if matches!(name, "chpasswd" | "passwd") || usermod_password {
            sink.at(line, col, format!("{} sets an account password in the image", quote(name)));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_password_commands() {
        assert_eq!(
            lines(
                &RULE,
                "FROM a\nRUN echo 'a:b' | chpasswd\nRUN passwd -d root\nRUN usermod -p x app\nRUN useradd app\nRUN usermod -p '*' app && usermod --password '!' b\n"
            ),
            [2, 3, 4]
        );
    }
}
