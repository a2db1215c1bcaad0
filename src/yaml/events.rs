//! libyaml's event parser behind a safe iterator.
//!
//! Compose reads YAML with go-yaml v3, a port of libyaml, and compose-lint with PyYAML, whose
//! parser follows libyaml too; parsing with libyaml itself (through `unsafe-libyaml`, its
//! translation to Rust) makes berth accept what they accept, including their leniencies (a flow
//! sequence closed at its key's indentation, a tab after `key:`, a comment right after a quoted
//! scalar). libyaml's parser is a state machine with explicit stacks: it does not recurse, so
//! nesting depth is the caller's to limit (`tree` stops at its own limit, event by event).
//!
//! All `unsafe` code of berth's YAML reading is in this file.

use std::ffi::CStr;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

use unsafe_libyaml as unsafe_yaml;

use super::tree::YamlError;

/// A 1-based position; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub line: u32,
    pub col: u32,
}

impl Mark {
    fn of(mark: unsafe_yaml::yaml_mark_t) -> Mark {
        Mark { line: saturate(mark.line).saturating_add(1), col: saturate(mark.column).saturating_add(1) }
    }
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    DocumentStart,
    DocumentEnd,
    /// `plain` is false for quoted and block scalars.
    Scalar {
        text: String,
        plain: bool,
        anchor: Option<String>,
        tag: Option<String>,
    },
    Alias(String),
    SequenceStart {
        anchor: Option<String>,
        tag: Option<String>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        tag: Option<String>,
    },
    MappingEnd,
}

/// The events of a YAML stream, in order, each with where it starts; a block scalar (`|`, `>`)
/// starts on the line after its indicator, at its indentation, where its text does. Ends after
/// the stream's end or the first error.
pub struct Events<'input> {
    // Boxed because libyaml keeps a pointer to the parser inside the parser (its read handler's
    // data): it must not move once the input is set.
    parser: Box<MaybeUninit<unsafe_yaml::yaml_parser_t>>,
    /// The input libyaml reads from; it must outlive the parser.
    input: PhantomData<&'input str>,
    text: &'input str,
    finished: bool,
}

impl<'input> Events<'input> {
    pub fn new(text: &'input str) -> Result<Events<'input>, YamlError> {
        let mut parser: Box<MaybeUninit<unsafe_yaml::yaml_parser_t>> = Box::new(MaybeUninit::uninit());
        // SAFETY: `yaml_parser_initialize` fully initialises the parser it is given; it only fails
        // when it cannot allocate, and then nothing needs freeing.
        let ok = unsafe { unsafe_yaml::yaml_parser_initialize(parser.as_mut_ptr()).ok };
        if !ok {
            return Err(YamlError { line: 1, col: 1, message: "out of memory while starting to parse".into() });
        }
        // SAFETY: the parser is initialised, boxed (it will not move), and the input outlives it:
        // `Events` borrows `text` for `'input` and deletes the parser when dropped. The encoding
        // is left to libyaml to detect: UTF-8 text is read as UTF-8, and a byte order mark is
        // then skipped without counting as a column.
        unsafe {
            unsafe_yaml::yaml_parser_set_input_string(parser.as_mut_ptr(), text.as_ptr(), text.len() as u64);
        }
        Ok(Events { parser, input: PhantomData, text, finished: false })
    }

    fn error(&self) -> YamlError {
        // SAFETY: the parser is initialised; after a failed `yaml_parser_parse` its problem and
        // context are either null or static NUL-terminated strings.
        let parser = unsafe { self.parser.assume_init_ref() };
        // libyaml's strings are `*const i8` on every target, while C's `char` (what `CStr` takes)
        // is unsigned on aarch64 Linux: cast rather than name either.
        let text =
            |p: *const i8| (!p.is_null()).then(|| unsafe { CStr::from_ptr(p.cast()) }.to_string_lossy().into_owned());
        let problem = text(parser.problem).unwrap_or_else(|| "invalid YAML".to_string());
        if parser.error == unsafe_yaml::YAML_READER_ERROR {
            // Reader errors carry a byte offset, not a mark.
            let (line, col) = position_of(self.text, parser.problem_offset as usize);
            let value = u32::try_from(parser.problem_value).ok().and_then(char::from_u32);
            let message = match value {
                Some(c) => format!("{problem} (U+{:04X})", c as u32),
                None => problem,
            };
            return YamlError { line, col, message };
        }
        let mark = Mark::of(parser.problem_mark);
        let message = match text(parser.context) {
            Some(context) if parser.context_mark.line != parser.problem_mark.line => {
                format!("{problem} ({context} started at line {})", Mark::of(parser.context_mark).line)
            }
            Some(context) => format!("{problem} ({context})"),
            None => problem,
        };
        YamlError { line: mark.line, col: mark.col, message }
    }
}

/// The 1-based line and character column of a byte offset.
fn position_of(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX))
}

/// Where a block scalar's text starts: the line after its indicator, at the block's indentation
/// (the leading spaces of its first non-blank line that are not part of its text).
fn block_start(text: &str, indicator: unsafe_yaml::yaml_mark_t) -> Mark {
    let line = Mark::of(indicator).line.saturating_add(1);
    // libyaml's index counts bytes after a byte order mark.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let from = (indicator.index as usize).saturating_add(bom).min(text.len());
    let rest = text.get(from..).unwrap_or("");
    let body = rest.split_once('\n').map_or("", |(_, body)| body);
    let first = body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let indent = first.len() - first.trim_start_matches(' ').len();
    Mark { line, col: u32::try_from(indent).unwrap_or(u32::MAX).saturating_add(1) }
}

/// A NUL-terminated string libyaml owns, copied.
///
/// SAFETY: `p` is null or points at a NUL-terminated string that lives for the call.
unsafe fn owned(p: *const u8) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p.cast()) }.to_string_lossy().into_owned())
}

impl Iterator for Events<'_> {
    type Item = Result<(Event, Mark), YamlError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.finished {
                return None;
            }
            let mut raw = MaybeUninit::<unsafe_yaml::yaml_event_t>::uninit();
            // SAFETY: the parser is initialised and has not failed before (a failure finishes the
            // iteration); on success the event is initialised and deleted below.
            let ok = unsafe { unsafe_yaml::yaml_parser_parse(self.parser.as_mut_ptr(), raw.as_mut_ptr()).ok };
            if !ok {
                self.finished = true;
                return Some(Err(self.error()));
            }
            // SAFETY: `yaml_parser_parse` succeeded, so the event is initialised; its union field
            // is the one its type names, and its strings are NUL-terminated (the scalar's value
            // has `length` bytes of UTF-8, as the input was UTF-8).
            let (event, mark) = unsafe {
                let raw = raw.assume_init_mut();
                let mut mark = Mark::of(raw.start_mark);
                let event = match raw.type_ {
                    unsafe_yaml::YAML_STREAM_END_EVENT => {
                        self.finished = true;
                        None
                    }
                    unsafe_yaml::YAML_DOCUMENT_START_EVENT => Some(Event::DocumentStart),
                    unsafe_yaml::YAML_DOCUMENT_END_EVENT => Some(Event::DocumentEnd),
                    unsafe_yaml::YAML_ALIAS_EVENT => {
                        Some(Event::Alias(owned(raw.data.alias.anchor).unwrap_or_default()))
                    }
                    unsafe_yaml::YAML_SCALAR_EVENT => {
                        let scalar = raw.data.scalar;
                        if matches!(
                            scalar.style,
                            unsafe_yaml::YAML_LITERAL_SCALAR_STYLE | unsafe_yaml::YAML_FOLDED_SCALAR_STYLE
                        ) {
                            mark = block_start(self.text, raw.start_mark);
                        }
                        let bytes = std::slice::from_raw_parts(scalar.value, scalar.length as usize);
                        Some(Event::Scalar {
                            text: String::from_utf8_lossy(bytes).into_owned(),
                            plain: scalar.style == unsafe_yaml::YAML_PLAIN_SCALAR_STYLE,
                            anchor: owned(scalar.anchor),
                            tag: owned(scalar.tag),
                        })
                    }
                    unsafe_yaml::YAML_SEQUENCE_START_EVENT => {
                        let start = raw.data.sequence_start;
                        Some(Event::SequenceStart { anchor: owned(start.anchor), tag: owned(start.tag) })
                    }
                    unsafe_yaml::YAML_SEQUENCE_END_EVENT => Some(Event::SequenceEnd),
                    unsafe_yaml::YAML_MAPPING_START_EVENT => {
                        let start = raw.data.mapping_start;
                        Some(Event::MappingStart { anchor: owned(start.anchor), tag: owned(start.tag) })
                    }
                    unsafe_yaml::YAML_MAPPING_END_EVENT => Some(Event::MappingEnd),
                    _ => None,
                };
                unsafe_yaml::yaml_event_delete(raw);
                (event, mark)
            };
            if let Some(event) = event {
                return Some(Ok((event, mark)));
            }
        }
    }
}

impl Drop for Events<'_> {
    fn drop(&mut self) {
        // SAFETY: the parser was initialised in `new` (a failed initialisation returns before an
        // `Events` exists) and is deleted exactly once, here.
        unsafe { unsafe_yaml::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Result<Vec<(Event, Mark)>, YamlError> {
        Events::new(text)?.collect()
    }

    #[test]
    fn yields_events_with_positions() {
        let all = events("a: [b, 'c']\n").unwrap();
        let kinds: Vec<&Event> = all.iter().map(|(e, _)| e).collect();
        assert!(matches!(kinds[0], Event::DocumentStart));
        assert!(matches!(kinds[1], Event::MappingStart { .. }));
        assert!(matches!(kinds[4], Event::Scalar { text, plain: true, .. } if text == "b"));
        assert!(matches!(kinds[5], Event::Scalar { text, plain: false, .. } if text == "c"));
        assert_eq!(all[5].1, Mark { line: 1, col: 8 });
    }

    #[test]
    fn columns_count_characters() {
        let all = events("é: [ü, x]\n").unwrap();
        let x = all.iter().find(|(e, _)| matches!(e, Event::Scalar { text, .. } if text == "x")).unwrap();
        assert_eq!(x.1, Mark { line: 1, col: 8 });
    }

    #[test]
    fn block_scalars_start_where_their_text_does() {
        let all = events("a: |\n\n    x\nb: >-  # c\n  y\n").unwrap();
        let marks: Vec<Mark> =
            all.iter().filter(|(e, _)| matches!(e, Event::Scalar { plain: false, .. })).map(|(_, m)| *m).collect();
        assert_eq!(marks, [Mark { line: 2, col: 5 }, Mark { line: 5, col: 3 }]);
        let all = events("\u{feff}a: |\n  x\n").unwrap();
        assert_eq!((all[2].1, all[3].1), (Mark { line: 1, col: 1 }, Mark { line: 2, col: 3 }), "{all:?}");
    }

    #[test]
    fn errors_name_the_problem_and_position() {
        let err = events("a: 1\nb: [x\nc: d\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
        assert!(err.message.contains("while parsing a flow sequence"), "{err:?}");
        let err = events("a: \u{7}\n").unwrap_err();
        assert_eq!((err.line, err.col), (1, 4), "{err:?}");
        assert!(err.message.contains("U+0007"), "{err:?}");
    }

    /// Inputs a port of libyaml has been seen to crash on (libyaml-safer 0.3 panics on each): a
    /// block scalar ending the text without a line break, which real workflows do, and a tag
    /// cut short in a flow sequence. Each is parsed, or refused with an error, as libyaml does.
    #[test]
    fn what_ports_of_libyaml_crashed_on_is_parsed() {
        let scalar = |text: &str| {
            events(text).unwrap().into_iter().find_map(|(e, _)| match e {
                Event::Scalar { text, plain: false, .. } => Some(text),
                _ => None,
            })
        };
        assert_eq!(scalar("a: |\n  x").as_deref(), Some("x"));
        assert_eq!(scalar("a: >\n  x\n  y").as_deref(), Some("x y"));
        assert_eq!(scalar("run: |\n  echo a\n  fi").as_deref(), Some("echo a\nfi"));
        assert!(events("a: ''|\n 0").is_err());
        for text in ["[!,", "[!,\n"] {
            let err = events(text).unwrap_err();
            assert!(err.message.starts_with("did not find expected node content"), "{err:?}");
        }
    }

    #[test]
    fn iteration_stops_after_an_error() {
        let mut all = Events::new("[").unwrap();
        assert!(all.by_ref().any(|e| e.is_err()));
        assert!(all.next().is_none());
    }
}
