//! Reading the files berth is given: regular files only, never more than a bound.
//!
//! Every file berth reads (answers and preset files, the project's dependency files, files
//! `berth audit` checks, `.dockerignore`, configuration) comes through here, so a FIFO, a device
//! such as `/dev/zero` or a multi-gigabyte file gives a clear error instead of a hang or an
//! unbounded allocation.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest file berth reads: far above any real Dockerfile, compose file, workflow or
/// answers file, far below what would hurt.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no such file")]
    NotFound,
    #[error("is a directory, not a file")]
    Directory,
    #[error("is not a regular file (a FIFO, socket or device); give berth a regular file")]
    NotRegular,
    #[error("is larger than {limit} bytes; berth reads files up to that size")]
    TooLarge { limit: u64 },
    #[error("is not UTF-8 text")]
    NotText,
    #[error("{0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            _ => ReadError::Io(e),
        }
    }
}

/// What a path that is not a directory is, for messages: "a file", "a FIFO", ...
pub fn what(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        } else if file_type.is_socket() {
            return "a socket";
        } else if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    #[cfg(not(unix))]
    let _ = file_type;
    "a file"
}

/// Opens `path` for reading when it is a regular file (symlinks are followed). The file is
/// opened without blocking, so a FIFO that appears between the check and the open cannot hang.
fn open_regular(path: &Path) -> Result<File, ReadError> {
    let metadata = std::fs::metadata(path)?;
    if metadata.is_dir() {
        return Err(ReadError::Directory);
    }
    if !metadata.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotRegular);
    }
    Ok(file)
}

/// Reads at most `limit` bytes of a regular file; a longer file is an error, not a truncation.
pub fn bytes_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let mut out = Vec::new();
    // One byte more than allowed tells a file at the limit from a longer one, also when the
    // file grows while it is read.
    file.take(limit + 1).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(out)
}

/// Reads a regular UTF-8 text file of at most [`MAX_BYTES`].
pub fn text(path: &Path) -> Result<String, ReadError> {
    text_limited(path, MAX_BYTES)
}

/// Reads a regular UTF-8 text file of at most `limit` bytes.
pub fn text_limited(path: &Path, limit: u64) -> Result<String, ReadError> {
    String::from_utf8(bytes_limited(path, limit)?).map_err(|_| ReadError::NotText)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_and_refuses_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yml");
        std::fs::write(&file, "a: 1\n").unwrap();
        assert_eq!(text(&file).unwrap(), "a: 1\n");
        assert!(matches!(text(&dir.path().join("missing")), Err(ReadError::NotFound)));
        assert!(matches!(text(dir.path()), Err(ReadError::Directory)));
        std::fs::write(&file, "x".repeat(11)).unwrap();
        assert!(matches!(text_limited(&file, 10), Err(ReadError::TooLarge { limit: 10 })));
        assert_eq!(text_limited(&file, 11).unwrap().len(), 11);
        std::fs::write(&file, [0xff, 0xfe]).unwrap();
        assert!(matches!(text(&file), Err(ReadError::NotText)));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_blocking() {
        assert!(matches!(text(Path::new("/dev/zero")), Err(ReadError::NotRegular)));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pyproject.toml");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        assert!(matches!(text(&fifo), Err(ReadError::NotRegular)));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_to_regular_files_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("real"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
        assert_eq!(text(&dir.path().join("link")).unwrap(), "x");
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).unwrap();
        assert!(matches!(text(&dir.path().join("zero")), Err(ReadError::NotRegular)));
    }
}
