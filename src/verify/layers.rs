//! Finding secret values anywhere in an image archive (`docker save` output).
//!
//! The archive holds the image config (env, labels, history) and every layer as a tar, plain
//! or gzip-compressed. A value deleted in a later layer is still in the layer that added it, so
//! every file of every layer is read, not the final filesystem.

use std::io::{self, Cursor, Read};

use aho_corasick::AhoCorasick;

/// A secret to look for: a name to report and the value.
#[derive(Debug, Clone)]
pub struct Secret {
    pub name: String,
    pub value: Vec<u8>,
}

/// Where a secret's value was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub secret: String,
    /// `archive entry` or `archive entry: file inside the layer`.
    pub location: String,
}

/// Secret values compiled into one Aho-Corasick automaton: every file is read once, however
/// many values are looked for.
pub struct Needles {
    automaton: Option<AhoCorasick>,
    /// The index in the caller's list of each pattern (empty values are never found).
    index: Vec<usize>,
    count: usize,
    /// Bytes kept between reads so a value split across two reads is still found.
    overlap: usize,
}

impl Needles {
    pub fn new(needles: &[&[u8]]) -> io::Result<Self> {
        let patterns: Vec<(usize, &[u8])> =
            needles.iter().enumerate().filter(|(_, n)| !n.is_empty()).map(|(i, n)| (i, *n)).collect();
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(AhoCorasick::new(patterns.iter().map(|(_, n)| n)).map_err(io::Error::other)?)
        };
        let overlap = patterns.iter().map(|(_, n)| n.len()).max().unwrap_or(1).saturating_sub(1);
        Ok(Needles { automaton, index: patterns.iter().map(|(i, _)| *i).collect(), count: needles.len(), overlap })
    }

    /// Which needles occur in the stream. Matches may overlap: one value inside or across
    /// another is still found.
    pub fn find_in(&self, mut reader: impl Read) -> io::Result<Vec<bool>> {
        let mut found = vec![false; self.count];
        let Some(automaton) = &self.automaton else { return Ok(found) };
        let mut window: Vec<u8> = Vec::with_capacity(CHUNK + self.overlap);
        let mut chunk = vec![0u8; CHUNK];
        let mut remaining = self.index.len();
        loop {
            let n = reader.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            window.extend_from_slice(&chunk[..n]);
            for m in automaton.find_overlapping_iter(&window) {
                let slot = &mut found[self.index[m.pattern().as_usize()]];
                if !*slot {
                    *slot = true;
                    remaining -= 1;
                }
            }
            if remaining == 0 {
                break;
            }
            let keep = window.len().min(self.overlap);
            window.drain(..window.len() - keep);
        }
        Ok(found)
    }
}

const CHUNK: usize = 64 * 1024;

/// Which of `needles` occur in the stream.
pub fn find_in_stream(reader: impl Read, needles: &[&[u8]]) -> io::Result<Vec<bool>> {
    Needles::new(needles)?.find_in(reader)
}

/// Reads up to `n` bytes (fewer only at end of stream).
fn read_head(reader: &mut impl Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

fn is_tar(head: &[u8]) -> bool {
    head.len() >= 262 && &head[257..262] == b"ustar"
}

fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

fn record(hits: &mut Vec<Hit>, secrets: &[Secret], found: &[bool], location: &str) {
    for (secret, found) in secrets.iter().zip(found) {
        if *found {
            hits.push(Hit { secret: secret.name.clone(), location: location.to_string() });
        }
    }
}

/// Scans one layer tar: every regular file's content and every path name.
fn scan_layer(
    layer: impl Read,
    layer_name: &str,
    secrets: &[Secret],
    needles: &Needles,
    hits: &mut Vec<Hit>,
) -> io::Result<()> {
    let mut archive = tar::Archive::new(layer);
    for entry in archive.entries()? {
        let entry = entry?;
        let path = entry.path()?.display().to_string();
        let in_name = needles.find_in(path.as_bytes())?;
        record(hits, secrets, &in_name, &format!("{layer_name}: file name {path}"));
        let found = needles.find_in(entry)?;
        record(hits, secrets, &found, &format!("{layer_name}: {path}"));
    }
    Ok(())
}

/// Scans a whole image archive for every secret value.
pub fn scan_image_archive(archive: impl Read, secrets: &[Secret]) -> io::Result<Vec<Hit>> {
    let values: Vec<&[u8]> = secrets.iter().map(|s| s.value.as_slice()).collect();
    let needles = Needles::new(&values)?;
    let mut hits = Vec::new();
    let mut outer = tar::Archive::new(archive);
    for entry in outer.entries()? {
        let mut entry = entry?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path()?.display().to_string();
        let head = read_head(&mut entry, 512)?;
        if is_gzip(&head) {
            let mut inflated = flate2::read::GzDecoder::new(Cursor::new(head).chain(entry));
            let inner_head = read_head(&mut inflated, 512)?;
            if is_tar(&inner_head) {
                scan_layer(Cursor::new(inner_head).chain(inflated), &name, secrets, &needles, &mut hits)?;
            } else {
                let found = needles.find_in(Cursor::new(inner_head).chain(inflated))?;
                record(&mut hits, secrets, &found, &name);
            }
        } else if is_tar(&head) {
            scan_layer(Cursor::new(head).chain(entry), &name, secrets, &needles, &mut hits)?;
        } else {
            let found = needles.find_in(Cursor::new(head).chain(entry))?;
            record(&mut hits, secrets, &found, &name);
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, data) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, path, *data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn secret() -> Vec<Secret> {
        vec![Secret { name: "db_password".into(), value: b"s3cretValue42xyz".to_vec() }]
    }

    #[test]
    fn finds_a_value_split_across_reads() {
        let mut data = vec![b'x'; 64 * 1024 - 5];
        data.extend_from_slice(b"s3cretValue42xyz");
        data.extend_from_slice(&[b'y'; 100]);
        assert_eq!(find_in_stream(Cursor::new(data), &[b"s3cretValue42xyz"]).unwrap(), vec![true]);
        assert_eq!(find_in_stream(Cursor::new(vec![b'x'; 200_000]), &[b"s3cretValue42xyz"]).unwrap(), vec![false]);
    }

    #[test]
    fn finds_overlapping_values_and_ignores_empty_ones() {
        let found = find_in_stream(Cursor::new(b"xxabcdxx".to_vec()), &[b"abc", b"bcd", b"", b"zz"]).unwrap();
        assert_eq!(found, vec![true, true, false, false]);
        let found = find_in_stream(Cursor::new(b"secret".to_vec()), &[b"secret", b"ecr"]).unwrap();
        assert_eq!(found, vec![true, true], "a value inside another");
    }

    #[test]
    fn finds_secret_in_a_deleted_file_of_an_earlier_layer() {
        let layer1 = tar_of(&[("app/config", b"password=s3cretValue42xyz\n")]);
        let layer2 = tar_of(&[("app/.wh.config", b"")]);
        let image = tar_of(&[("manifest.json", b"[]"), ("aaa/layer.tar", &layer1), ("bbb/layer.tar", &layer2)]);
        let hits = scan_image_archive(Cursor::new(image), &secret()).unwrap();
        assert_eq!(hits, vec![Hit { secret: "db_password".into(), location: "aaa/layer.tar: app/config".into() }]);
    }

    #[test]
    fn finds_secret_in_config_history_and_gzip_layers() {
        let config = br#"{"history":[{"created_by":"RUN echo s3cretValue42xyz"}]}"#;
        let layer = gzip(&tar_of(&[("etc/x", b"s3cretValue42xyz")]));
        let image = tar_of(&[("blobs/sha256/cfg", config), ("blobs/sha256/layer", &layer)]);
        let hits = scan_image_archive(Cursor::new(image), &secret()).unwrap();
        let locations: Vec<_> = hits.iter().map(|h| h.location.as_str()).collect();
        assert_eq!(locations, vec!["blobs/sha256/cfg", "blobs/sha256/layer: etc/x"]);
    }

    #[test]
    fn clean_image_has_no_hits() {
        let layer = tar_of(&[("app/main.py", b"print('hello')")]);
        let image = tar_of(&[("manifest.json", b"[]"), ("l/layer.tar", &layer)]);
        assert!(scan_image_archive(Cursor::new(image), &secret()).unwrap().is_empty());
    }
}
