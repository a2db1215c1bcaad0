//! File modes that RUN, COPY and ADD give: `chmod` (numeric and symbolic), `install -m`,
//! `mkdir -m` and `--chmod=`, and what a mode adds (setuid, setgid, sticky, write for everyone).

use crate::audit::dockerfile::Instruction;
use crate::audit::shell::{Command, Word};

/// What a mode change adds. Removals (`-s`, `o-w`) add nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Adds {
    pub setuid: bool,
    pub setgid: bool,
    pub sticky: bool,
    /// Write permission for others (everyone).
    pub world_writable: bool,
}

/// Parses a mode as `chmod` reads it: octal (`4755`, `0777`) or symbolic (`u+s`, `a+rwX`,
/// `go=rwx,o+t`). `None` when it is not a mode.
pub fn parse(mode: &str) -> Option<Adds> {
    if mode.is_empty() {
        return None;
    }
    if mode.chars().all(|c| c.is_ascii_digit()) {
        if mode.len() > 5 || mode.contains(['8', '9']) {
            return None;
        }
        let value = u32::from_str_radix(mode, 8).ok()?;
        return Some(Adds {
            setuid: value & 0o4000 != 0,
            setgid: value & 0o2000 != 0,
            sticky: value & 0o1000 != 0,
            world_writable: value & 0o002 != 0,
        });
    }
    let mut adds = Adds::default();
    for clause in mode.split(',') {
        let who_len = clause.find(|c: char| !matches!(c, 'u' | 'g' | 'o' | 'a')).unwrap_or(clause.len());
        let (who, mut rest) = clause.split_at(who_len);
        if rest.is_empty() {
            return None;
        }
        let all = who.is_empty() || who.contains('a');
        while let Some(op) = rest.chars().next().filter(|c| matches!(c, '+' | '-' | '=')) {
            rest = &rest[1..];
            let perms_len = rest.find(['+', '-', '=']).unwrap_or(rest.len());
            let (perms, next) = rest.split_at(perms_len);
            if !perms.chars().all(|c| matches!(c, 'r' | 'w' | 'x' | 'X' | 's' | 't' | 'u' | 'g' | 'o')) {
                return None;
            }
            rest = next;
            if op == '-' {
                continue;
            }
            if perms.contains('s') {
                adds.setuid |= all || who.contains('u');
                adds.setgid |= all || who.contains('g');
            }
            if perms.contains('t') {
                adds.sticky = true;
            }
            // `chmod +w` without a who honours the umask, which keeps others from writing.
            if perms.contains('w') && (who.contains('o') || who.contains('a')) {
                adds.world_writable = true;
            }
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(adds)
}

/// A mode given to files by a command: (mode text, targets).
pub fn command_mode(command: &Command) -> Option<(&str, Vec<&Word>)> {
    let args = command.args();
    match command.name() {
        "chmod" => {
            let at = args.iter().position(|w| {
                !matches!(w.text.as_str(), "-R" | "-f" | "-v" | "-c" | "-h" | "--recursive" | "--verbose" | "--changes")
                    && !w.text.starts_with("--")
                    && parse(&w.text).is_some()
            })?;
            let targets = args[at + 1..].iter().filter(|w| !w.text.starts_with('-')).collect();
            Some((args[at].text.as_str(), targets))
        }
        "install" | "mkdir" => {
            let (at, mode) = args.iter().enumerate().find_map(|(i, w)| {
                if w.text == "-m" || w.text == "--mode" {
                    args.get(i + 1).map(|v| (i + 1, v.text.as_str()))
                } else {
                    w.text
                        .strip_prefix("--mode=")
                        .or_else(|| w.text.strip_prefix("-m").filter(|m| !m.is_empty()))
                        .map(|m| (i, m))
                }
            })?;
            let targets: Vec<&Word> =
                args.iter().enumerate().filter(|(i, w)| *i > at && !w.text.starts_with('-')).map(|(_, w)| w).collect();
            // `install -m 755 src dest`: the mode is the destination's (the last operand);
            // `install -d -m 755 a b` creates directories, all of them operands.
            let files_only = command.name() == "install" && !creates_directories(command);
            let targets = if files_only { targets.last().copied().into_iter().collect() } else { targets };
            Some((mode, targets))
        }
        _ => None,
    }
}

/// `mkdir`, or `install -d`: the targets are directories.
pub fn creates_directories(command: &Command) -> bool {
    let short_d = |t: &str| t.starts_with('-') && !t.starts_with("--") && t.contains('d');
    command.name() == "mkdir"
        || (command.name() == "install" && command.args().iter().any(|w| w.text == "--directory" || short_d(&w.text)))
}

/// The `--chmod=` of a COPY or ADD, with its destination.
pub fn copy_mode(instruction: &Instruction) -> Option<(&str, String)> {
    if !matches!(instruction.keyword.as_str(), "COPY" | "ADD") {
        return None;
    }
    let mode = instruction.flag("chmod")?;
    let destination = super::support::copy_paths(instruction).map(|(_, d)| d).unwrap_or_default();
    Some((mode, destination))
}

/// Directories a RUN creates (`mkdir`), so a setgid bit or a sticky world-writable mode on them
/// is recognised as a directory's.
pub fn created_directories<'a>(commands: &[&'a Command]) -> std::collections::HashSet<&'a str> {
    commands
        .iter()
        .filter(|c| creates_directories(c))
        .flat_map(|c| c.args().iter().filter(|w| !w.text.starts_with('-')).map(|w| w.text.trim_end_matches('/')))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_octal_and_symbolic_modes() {
        let p = |m: &str| parse(m).unwrap();
        assert!(p("4755").setuid && !p("4755").world_writable);
        assert!(p("2755").setgid && p("02775").setgid);
        assert!(p("777").world_writable && p("0666").world_writable && !p("775").world_writable);
        assert!(p("1777").sticky && p("1777").world_writable);
        assert!(p("u+s").setuid && !p("u+s").setgid);
        assert!(p("g+s").setgid && !p("g+s").setuid);
        assert!(p("+s").setuid && p("+s").setgid);
        assert!(p("a+rwX").world_writable && p("o+w").world_writable && p("go=rwx").world_writable);
        assert!(!p("+w").world_writable, "the umask applies");
        assert!(!p("o-w").world_writable && !p("u-s").setuid);
        assert!(p("u+x,o+t").sticky);
        for not_a_mode in ["", "-R", "file.txt", "8", "u+q", "/tmp"] {
            assert_eq!(parse(not_a_mode), None, "{not_a_mode}");
        }
    }

    #[test]
    fn finds_modes_in_commands() {
        let script = crate::audit::shell::parse(
            "chmod -R a+w /app && install -m 4755 tool /usr/local/bin/tool && mkdir -p -m 777 /data /x",
            0,
        );
        let found: Vec<(String, Vec<String>)> = script
            .commands()
            .iter()
            .filter_map(|c| command_mode(c))
            .map(|(m, t)| (m.to_string(), t.iter().map(|w| w.text.clone()).collect()))
            .collect();
        assert_eq!(
            found,
            [
                ("a+w".to_string(), vec!["/app".to_string()]),
                ("4755".to_string(), vec!["/usr/local/bin/tool".to_string()]),
                ("777".to_string(), vec!["/data".to_string(), "/x".to_string()]),
            ]
        );
    }
}
