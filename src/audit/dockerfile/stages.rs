//! Build stages: where each begins and ends, what it builds on, whether the image it makes is
//! shipped, and the shell each RUN is executed with.

use std::collections::HashMap;

use super::image::{substitute, ImageRef};
use super::{Instruction, ParseError};

/// One build stage: a FROM and the instructions up to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The `AS` name, lower case.
    pub name: Option<String>,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Instruction indices after the FROM, up to the next stage.
    pub body: std::ops::Range<usize>,
    /// The image as written.
    pub image_text: String,
    /// The image with `ARG` defaults substituted; `None` when a variable has no default.
    pub image: Option<String>,
    /// The earlier stage this one builds on (`FROM builder`).
    pub base_stage: Option<usize>,
    /// The stage is the final one or one the final stage builds on (`FROM` chain): what it
    /// leaves in its layers is in the shipped image. Other stages are builders, whose files
    /// reach the image only through `COPY --from`.
    pub ships: bool,
    /// The stage starts from a Windows image (through the stages it builds on).
    pub windows: bool,
}

/// The shell a RUN's shell form is executed with: the default (`/bin/sh -c`, `cmd /S /C` on
/// Windows) or the last `SHELL` of the stage or of the stages it builds on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shell {
    /// The program as written in `SHELL` (`/bin/bash`, `pwsh`...).
    pub program: String,
    /// A POSIX shell (sh, bash, ash, dash, zsh, ksh): the RUN text is shell syntax berth parses.
    pub posix: bool,
    /// The shell is started with `-o pipefail` (also in a cluster: `-eo pipefail`).
    pub pipefail: bool,
}

/// Shells whose scripts berth reads as POSIX shell syntax.
const POSIX_SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

impl Default for Shell {
    fn default() -> Self {
        Shell { program: "/bin/sh".into(), posix: true, pipefail: false }
    }
}

impl Shell {
    fn windows() -> Self {
        Shell { program: "cmd".into(), posix: false, pipefail: false }
    }

    /// The shell a `SHELL ["program", "option"...]` instruction sets.
    pub fn from_items(items: &[String]) -> Shell {
        let program = items.first().cloned().unwrap_or_default();
        let base = program.rsplit(['/', '\\']).next().unwrap_or("").to_ascii_lowercase();
        let base = base.strip_suffix(".exe").unwrap_or(&base);
        let posix = POSIX_SHELLS.contains(&base);
        let mut pipefail = false;
        let options = items.get(1..).unwrap_or(&[]);
        for (i, item) in options.iter().enumerate() {
            if item == "-c" {
                break;
            }
            let takes_name = |sign: char| {
                item.strip_prefix(sign).is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphabetic()))
                    && item.contains('o')
            };
            if options.get(i + 1).is_some_and(|n| n == "pipefail") {
                if takes_name('-') {
                    pipefail = true;
                } else if takes_name('+') {
                    pipefail = false;
                }
            }
        }
        Shell { program, posix, pipefail }
    }
}

/// Splits instructions into stages and resolves `ARG` defaults in `FROM`.
pub(super) fn stages(instructions: &[Instruction]) -> Result<Vec<Stage>, ParseError> {
    let mut global_args: HashMap<String, String> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    // Stage names (lower case) -> index; the first stage of a name wins, as in BuildKit.
    let mut names: HashMap<String, usize> = HashMap::new();
    for (index, instruction) in instructions.iter().enumerate() {
        match instruction.keyword.as_str() {
            "ARG" if stages.is_empty() => {
                for kv in instruction.key_values() {
                    if let Some(value) = kv.value {
                        // A default may use earlier ARGs (`ARG IMAGE=$REGISTRY/app`), as BuildKit
                        // expands them when the ARG is declared.
                        let value = substitute(&value, &global_args).unwrap_or(value);
                        global_args.insert(kv.key, value);
                    }
                }
            }
            "FROM" => {
                if let Some(last) = stages.last_mut() {
                    last.body.end = index;
                }
                let words: Vec<&str> = instruction.args().split_whitespace().collect();
                let Some(image_text) = words.first() else {
                    return Err(ParseError {
                        line: instruction.line,
                        col: instruction.col,
                        message: "FROM needs an image".into(),
                    });
                };
                let name = match (words.get(1), words.get(2)) {
                    (Some(kw), Some(n)) if kw.eq_ignore_ascii_case("as") => Some(n.to_ascii_lowercase()),
                    _ => None,
                };
                let image = substitute(image_text, &global_args);
                let base_stage = image.as_deref().and_then(|img| names.get(&img.to_ascii_lowercase()).copied());
                let windows = match base_stage {
                    Some(base) => stages[base].windows,
                    None => image.as_deref().is_some_and(|i| ImageRef::parse(i).is_windows()),
                };
                if let Some(name) = &name {
                    names.entry(name.clone()).or_insert(stages.len());
                }
                stages.push(Stage {
                    index: stages.len(),
                    name,
                    from: index,
                    body: index + 1..instructions.len(),
                    image_text: image_text.to_string(),
                    image,
                    base_stage,
                    ships: false,
                    windows,
                });
            }
            _ if stages.is_empty() => {
                return Err(ParseError {
                    line: instruction.line,
                    col: instruction.col,
                    message: format!("{} before the first FROM (only ARG may come first)", instruction.keyword),
                });
            }
            _ => {}
        }
    }
    // The final stage and the chain of stages it builds on.
    let mut next = stages.len().checked_sub(1);
    let mut guard = 0;
    while let Some(i) = next {
        if stages[i].ships || guard > stages.len() {
            break;
        }
        stages[i].ships = true;
        next = stages[i].base_stage;
        guard += 1;
    }
    Ok(stages)
}

/// The shell in effect at each instruction (`None` before the first FROM).
pub(super) fn shells(instructions: &[Instruction], stages: &[Stage]) -> Vec<Option<Shell>> {
    let mut out = vec![None; instructions.len()];
    let mut at_end: Vec<Shell> = Vec::with_capacity(stages.len());
    for stage in stages {
        let mut shell = match stage.base_stage {
            Some(base) if base < at_end.len() => at_end[base].clone(),
            _ if stage.windows => Shell::windows(),
            _ => Shell::default(),
        };
        out[stage.from] = Some(shell.clone());
        for index in stage.body.clone() {
            let instruction = &instructions[index];
            if instruction.keyword == "SHELL" {
                if let Some(items) = instruction.json.as_deref().filter(|i| !i.is_empty()) {
                    shell = Shell::from_items(items);
                }
            }
            out[index] = Some(shell.clone());
        }
        at_end.push(shell);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(items: &[&str]) -> Shell {
        Shell::from_items(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn reads_pipefail_in_every_spelling() {
        for items in [
            &["/bin/bash", "-o", "pipefail", "-c"][..],
            &["/bin/bash", "-eo", "pipefail", "-c"],
            &["/bin/bash", "-exo", "pipefail", "-c"],
            &["/bin/bash", "-euxo", "pipefail", "-c"],
            &["/usr/bin/zsh", "-e", "-o", "pipefail", "-c"],
            &["/bin/ash", "-o", "errexit", "-o", "pipefail", "-c"],
        ] {
            assert!(shell(items).pipefail, "{items:?}");
            assert!(shell(items).posix, "{items:?}");
        }
        assert!(!shell(&["/bin/bash", "-c"]).pipefail);
        assert!(!shell(&["/bin/bash", "-o", "pipefail", "+o", "pipefail", "-c"]).pipefail);
        assert!(!shell(&["/bin/bash", "-c", "-o", "pipefail"]).pipefail);
    }

    #[test]
    fn powershell_and_cmd_are_not_posix_shells() {
        for program in ["pwsh", "powershell", "powershell.exe", "cmd", "cmd.exe", "C:\\Windows\\cmd.exe"] {
            assert!(!shell(&[program, "-c"]).posix, "{program}");
        }
    }
}
