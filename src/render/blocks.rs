//! Marked blocks: places in a generated file whose content is the user's. berth reads the block
//! from the file on disk before rendering and writes it back verbatim, so what is between the
//! markers survives every regeneration without a merge.

use serde::Serialize;

/// A marked block of a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// The generated file that holds it.
    pub file: &'static str,
    /// The name on its marker lines.
    pub name: &'static str,
}

/// Root-level setup of the runtime stage, before `USER`: extra packages, certificates, files.
pub const RUNTIME_SETUP: Block = Block { file: "Dockerfile", name: "runtime-setup" };

impl Block {
    pub fn begin(self) -> String {
        format!("# berth:begin {}", self.name)
    }

    pub fn end(self) -> String {
        format!("# berth:end {}", self.name)
    }
}

/// The user's content of every marked block, carried into the next render.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Carried {
    /// The lines between the markers of [`RUNTIME_SETUP`], each ending in a newline.
    pub runtime_setup: String,
}

/// A block whose markers do not pair up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct BlockError {
    pub line: usize,
    pub message: String,
}

/// Where a block's content lies in a text: the byte range between its marker lines.
fn find(block: Block, text: &str) -> Result<Option<std::ops::Range<usize>>, BlockError> {
    let (begin, end) = (block.begin(), block.end());
    let mut opened: Option<(usize, usize)> = None;
    let mut found = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let marker = line.trim_end();
        if marker == begin {
            if let Some((first, _)) = opened.or(found.map(|(first, _, _)| (first, 0))) {
                return Err(BlockError {
                    line: number,
                    message: format!("a second `{begin}` (the first is on line {first}); keep one block"),
                });
            }
            opened = Some((number, offset + line.len()));
        } else if marker == end {
            match opened.take() {
                Some((first, start)) => found = Some((first, start, offset)),
                None => {
                    return Err(BlockError {
                        line: number,
                        message: format!(
                            "`{end}` without a `{begin}` above it; put the two markers back around your lines"
                        ),
                    })
                }
            }
        }
        offset += line.len();
    }
    if let Some((first, _)) = opened {
        return Err(BlockError {
            line: first,
            message: format!("`{begin}` has no `{end}` below it; add the end marker after your lines"),
        });
    }
    Ok(found.map(|(_, start, stop)| start..stop))
}

/// The content of the blocks of a Dockerfile on disk; none when the markers were removed.
pub fn carried_from(dockerfile: &str) -> Result<Carried, BlockError> {
    let runtime_setup = find(RUNTIME_SETUP, dockerfile)?.map(|range| dockerfile[range].to_string()).unwrap_or_default();
    Ok(Carried { runtime_setup })
}

/// The text with every block emptied: what berth itself put in the file.
pub fn emptied(text: &str) -> String {
    match find(RUNTIME_SETUP, text) {
        Ok(Some(range)) => format!("{}{}", &text[..range.start], &text[range.end..]),
        _ => text.to_string(),
    }
}

/// The text with the blocks holding `carried`'s content (a text without markers is returned
/// as it is).
pub fn filled(text: &str, carried: &Carried) -> String {
    match find(RUNTIME_SETUP, text) {
        Ok(Some(range)) => format!("{}{}{}", &text[..range.start], carried.runtime_setup, &text[range.end..]),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "FROM x\n# berth:begin runtime-setup\nRUN a\n\nRUN b\n# berth:end runtime-setup\nUSER 1\n";

    #[test]
    fn the_lines_between_the_markers_are_carried() {
        assert_eq!(carried_from(FILE).unwrap().runtime_setup, "RUN a\n\nRUN b\n");
        assert_eq!(emptied(FILE), "FROM x\n# berth:begin runtime-setup\n# berth:end runtime-setup\nUSER 1\n");
        assert_eq!(carried_from("FROM x\n").unwrap(), Carried::default());
        assert_eq!(filled(&emptied(FILE), &carried_from(FILE).unwrap()), FILE);
        let crlf = FILE.replace('\n', "\r\n");
        assert_eq!(carried_from(&crlf).unwrap().runtime_setup, "RUN a\r\n\r\nRUN b\r\n");
    }

    #[test]
    fn markers_that_do_not_pair_are_named_by_line() {
        let twice = format!("{FILE}# berth:begin runtime-setup\n# berth:end runtime-setup\n");
        let e = carried_from(&twice).unwrap_err();
        assert_eq!(e.line, 8);
        assert!(e.message.contains("the first is on line 2"), "{e}");
        let nested = "# berth:begin runtime-setup\n# berth:begin runtime-setup\n# berth:end runtime-setup\n";
        assert_eq!(carried_from(nested).unwrap_err().line, 2);
        let open = "FROM x\n# berth:begin runtime-setup\nRUN a\n";
        let e = carried_from(open).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("has no"), "{e}");
        let stray = "FROM x\n# berth:end runtime-setup\n";
        assert_eq!(carried_from(stray).unwrap_err().line, 2);
    }
}
