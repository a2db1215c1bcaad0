//! The decision for each file: what is on disk, what berth rendered last time (the lock) and
//! what it renders now.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::lock::{answers_digest, blob_id, Entry, Lock};
use super::merge::{self, Merged};
use super::{git, Cause, Inputs, Mode, Status, Step, SyncError};
use crate::render::{self, blocks, blocks::Carried, FileKind, RenderedFile, ANSWERS_FILE};
use crate::spec::{defaults, resolve, Layer, ProjectSpec, Source};
use crate::write::{PlannedFile, Seen};

/// The largest base read from git: far above any file berth renders.
const MAX_BASE_BYTES: u64 = 4 * 1024 * 1024;

pub struct Decider<'a> {
    inputs: &'a Inputs<'a>,
    shown_dir: &'a Path,
    lock: Option<&'a Lock>,
    carried: &'a Carried,
    rendered: &'a BTreeMap<PathBuf, RenderedFile>,
    digest: String,
    /// The lock's answers rendered with this berth's templates, made when a base is first needed.
    last_render: Option<Option<BTreeMap<PathBuf, RenderedFile>>>,
}

impl<'a> Decider<'a> {
    pub fn new(
        inputs: &'a Inputs<'a>,
        shown_dir: &'a Path,
        lock: Option<&'a Lock>,
        carried: &'a Carried,
        rendered: &'a BTreeMap<PathBuf, RenderedFile>,
        answers: &str,
    ) -> Self {
        Decider { inputs, shown_dir, lock, carried, rendered, digest: answers_digest(answers), last_render: None }
    }

    fn shown(&self, path: &Path) -> PathBuf {
        self.shown_dir.join(path)
    }

    fn entry(&self, path: &Path) -> Option<&'a Entry> {
        self.lock.and_then(|l| l.entry(path))
    }

    /// The lock entry for a file whose render is `text`: the old one when the render did not
    /// change, so the lock changes only with the files.
    fn new_entry(&self, path: &Path, text: &str) -> Entry {
        let blob = blob_id(text.as_bytes());
        match self.entry(path) {
            Some(old) if old.blob == blob => old.clone(),
            _ => Entry { path: path.to_path_buf(), berth: env!("CARGO_PKG_VERSION").into(), blob },
        }
    }

    /// The lock's answers rendered again with this berth's templates: what berth would have
    /// written last time, if its templates were these. Made once, when first needed.
    fn last_render(&mut self, path: &Path) -> Option<&RenderedFile> {
        if self.last_render.is_none() {
            let again = self
                .lock
                .and_then(|lock| self.spec_of(&lock.answers))
                .and_then(|spec| render::render_with(&spec, self.carried, self.inputs.templates).ok());
            self.last_render = Some(again);
        }
        self.last_render.as_ref().and_then(Option::as_ref).and_then(|files| files.get(path))
    }

    /// Why berth's render of a file is not what it recorded: the answers, when the lock's
    /// answers still give the recorded text with these templates; else the templates.
    fn cause(&mut self, path: &Path) -> Cause {
        let Some(entry) = self.entry(path) else { return Cause::Unrecorded };
        if self.lock.is_some_and(|lock| lock.digest() == self.digest) {
            return Cause::Templates;
        }
        match self.last_render(path) {
            Some(file) if blob_id(blocks::emptied(&file.content).as_bytes()) == entry.blob => Cause::Answers,
            _ => Cause::Both,
        }
    }

    /// What berth rendered last time, from the lock's answers rendered again (when this berth's
    /// templates give the recorded blob) or from git's object store.
    fn base(&mut self, path: &Path, entry: &Entry) -> Result<Result<String, String>, SyncError> {
        if let Some(clean) = self.last_render(path).map(|f| blocks::emptied(&f.content)) {
            if blob_id(clean.as_bytes()) == entry.blob {
                return Ok(Ok(clean));
            }
        }
        match git::blob(self.inputs.dir, &entry.blob, MAX_BASE_BYTES)? {
            Ok(bytes) if blob_id(&bytes) == entry.blob => match String::from_utf8(bytes) {
                Ok(text) => Ok(Ok(text)),
                Err(_) => Ok(Err(format!("git's object {} is not text", entry.blob))),
            },
            Ok(_) => Ok(Err(format!("git's object {} does not hold what its id says", entry.blob))),
            Err(absent) => {
                Ok(Err(format!("this berth's templates no longer render it, and {}", absent.explain(&entry.blob))))
            }
        }
    }

    /// The spec a set of answers resolves to, when it does.
    fn spec_of(&self, answers: &Layer) -> Option<ProjectSpec> {
        resolve(&[defaults(), answers.clone()], self.inputs.environment).ok().map(|r| r.spec)
    }

    /// Decides one planned file; the lock entry it leaves, if any. A file saved with CRLF line
    /// endings or a byte order mark (a Windows editor, git's `core.autocrlf`) is compared and
    /// merged as berth renders it, and whatever is written keeps its form.
    pub fn decide(&mut self, file: &PlannedFile) -> Result<(Step, Option<Entry>), SyncError> {
        let on_disk = match &file.seen {
            Seen::File(bytes) => Some(String::from_utf8(bytes.clone()).map_err(|_| SyncError::Unreadable {
                path: self.shown(&file.path),
                reason: "it is not UTF-8 text".into(),
            })?),
            _ => None,
        };
        let form = on_disk.as_deref().map(TextForm::of).unwrap_or_default();
        let (mut step, entry) = self.decide_text(file, on_disk.as_deref().map(|t| form.plain(t)))?;
        if form != TextForm::default() {
            step.before = on_disk;
            step.after = step.after.map(|t| form.restore(&t));
            step.marked = step.marked.map(|t| form.restore(&t));
        }
        Ok((step, entry))
    }

    /// [`Self::decide`] for the file's text with LF line endings and no byte order mark.
    fn decide_text(&mut self, file: &PlannedFile, before: Option<String>) -> Result<(Step, Option<Entry>), SyncError> {
        let path = file.path.as_path();
        let mut step = Step {
            path: file.path.clone(),
            kind: file.kind,
            status: Status::Unchanged,
            cause: None,
            before: before.clone(),
            after: before.clone(),
            render: String::new(),
            marked: None,
        };
        let Some(own) = self.rendered.get(path) else {
            return Ok((self.orphan(step), None));
        };
        step.render = own.content.clone();
        if file.kind != FileKind::Managed {
            step.status = if matches!(file.seen, Seen::Absent) { Status::Create } else { Status::Keep };
            step.after = (file.kind == FileKind::Starter && step.status == Status::Create).then(|| own.content.clone());
            return Ok((step, None));
        }
        // Marked blocks are the user's and carried over: files are compared and merged
        // without them, and written with them.
        let full = own.content.clone();
        let clean = blocks::emptied(&full);
        let entry = self.new_entry(path, &clean);
        let Some(text_full) = before else {
            step.status = Status::Create;
            step.after = Some(full);
            return Ok((step, Some(entry)));
        };
        if text_full == full {
            return Ok((step, Some(entry)));
        }
        let text = blocks::emptied(&text_full);
        step.cause = Some(self.cause(path));
        if self.inputs.mode == Mode::Force {
            step.status = Status::Forced;
            step.after = Some(full);
            return Ok((step, Some(entry)));
        }
        let recorded = self.entry(path);
        if recorded.is_some_and(|e| e.blob == blob_id(text.as_bytes())) {
            step.status = Status::Replace;
            step.after = Some(full);
            return Ok((step, Some(entry)));
        }
        if path == Path::new(ANSWERS_FILE) && self.answers_say_the_same(&text_full) {
            // The answers file is the user's words: kept, however it is written.
            step.status = Status::Edited;
            step.cause = None;
            return Ok((step, Some(entry)));
        }
        if recorded.is_some_and(|e| e.blob == entry.blob) {
            step.status = Status::Edited;
            step.cause = None;
            return Ok((step, Some(entry)));
        }
        let base = match recorded {
            Some(recorded) => self.base(path, recorded)?,
            None => Err(match self.lock {
                None => "there is no berth.lock to tell what berth wrote here".to_string(),
                Some(_) => "berth.lock has no record of berth writing it".to_string(),
            }),
        };
        let base = match base {
            Ok(base) => base,
            Err(_) if path == Path::new(ANSWERS_FILE) => {
                // New answers must reach berth.yml: it is rewritten whole.
                step.status = Status::Replace;
                step.after = Some(full);
                return Ok((step, Some(entry)));
            }
            Err(why) => {
                step.status = Status::NoBase(why);
                return Ok((step, recorded.cloned()));
            }
        };
        let merged = merge::merge(&base, &text, &clean)
            .map_err(|reason| SyncError::TooLarge { path: self.shown(path), reason })?;
        match merged {
            Merged::Clean(result) if result == text => {
                step.status = Status::Edited;
                Ok((step, Some(entry)))
            }
            Merged::Clean(result) => {
                step.status = Status::Merge;
                step.after = Some(blocks::filled(&result, self.carried));
                Ok((step, Some(entry)))
            }
            Merged::Conflicts(_) if path == Path::new(ANSWERS_FILE) => {
                step.status = Status::Replace;
                step.after = Some(full);
                Ok((step, Some(entry)))
            }
            Merged::Conflicts(marked) => {
                let written = self.inputs.mode == (Mode::Merge { conflicts: true });
                let marked = blocks::filled(&marked, self.carried);
                step.status = Status::Conflict { written };
                step.marked = Some(marked.clone());
                if written {
                    step.after = Some(marked);
                    Ok((step, Some(entry)))
                } else {
                    Ok((step, recorded.cloned()))
                }
            }
        }
    }

    /// Whether the answers file on disk resolves to the answers of this run.
    fn answers_say_the_same(&self, text: &str) -> bool {
        let source = Source::AnswersFile(ANSWERS_FILE.into());
        let Ok(root) = crate::yaml::tree::parse(text) else { return false };
        let (layer, problems) = Layer::from_node(source, &root, &[]);
        problems.is_empty() && self.spec_of(&layer).as_ref() == Some(self.inputs.spec)
    }

    /// A file berth wrote earlier and no longer generates.
    fn orphan(&self, mut step: Step) -> Step {
        let recorded = self.entry(&step.path);
        step.status = match (&step.before, recorded) {
            (None, _) => Status::Unchanged,
            (Some(text), Some(entry)) if blob_id(blocks::emptied(text).as_bytes()) == entry.blob => Status::Remove,
            (Some(_), _) => Status::Orphan,
        };
        if step.status == Status::Remove {
            step.after = None;
        }
        step
    }
}

/// How a text file is saved beyond its lines: CRLF line endings, a UTF-8 byte order mark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextForm {
    bom: bool,
    crlf: bool,
}

const BOM: char = '\u{feff}';

impl TextForm {
    /// The form of `text`: CRLF when every line ends so (a file with mixed endings is taken as
    /// it is).
    pub fn of(text: &str) -> TextForm {
        let lines = text.matches('\n').count();
        TextForm { bom: text.starts_with(BOM), crlf: lines > 0 && text.matches("\r\n").count() == lines }
    }

    /// The text as berth renders files: LF line endings, no byte order mark.
    pub fn plain(self, text: &str) -> String {
        let text = if self.bom { &text[BOM.len_utf8()..] } else { text };
        if self.crlf {
            text.replace("\r\n", "\n")
        } else {
            text.to_string()
        }
    }

    /// A text berth made, saved the way the user's file was.
    pub fn restore(self, text: &str) -> String {
        let text = if self.crlf { text.replace('\n', "\r\n") } else { text.to_string() };
        if self.bom {
            format!("{BOM}{text}")
        } else {
            text
        }
    }
}
