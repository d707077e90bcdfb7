//! The source database: every file's name and text, and the one place where a
//! byte offset becomes a 1-based line and a 1-based column counted in characters.

use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::parse::Span;

/// Index of a file in the [`SourceDb`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A 1-based line and 1-based character column, plus the byte offset they came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// One source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user named it (SPEC §3.2).
    pub name: String,
    /// The text; invalid UTF-8 has been replaced (the file is then reported, not linted).
    /// Empty once released (see [`SourceFile::release_text`]).
    text: String,
    /// Length of the text in bytes (also once released).
    len: u32,
    line_starts: Vec<u32>,
    /// Boxed: a large run keeps one `SourceFile` per file.
    released: Option<Box<Released>>,
}

/// The text of a file was dropped after loading and is read again, only if an
/// emitter shows a snippet of it.
#[derive(Debug, Clone)]
struct Released {
    path: PathBuf,
    hash: u64,
    /// The text read again: `None` if the file is gone or has changed since.
    restored: OnceLock<Option<String>>,
}

/// Tells a changed file from the one read (not a defence against crafted collisions).
fn text_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(text)
}

impl SourceFile {
    pub fn new(name: String, text: String) -> Self {
        let mut line_starts = vec![0u32];
        line_starts.extend(
            // `match_indices` with a `char` finds bytes with the standard library's
            // word-at-a-time `memchr`, several times faster than a byte loop.
            text.match_indices('\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        line_starts.shrink_to_fit();
        Self {
            name,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
            text,
            line_starts,
            released: None,
        }
    }

    /// Drops the text of an ASCII file read from the regular file `path`, keeping
    /// what locations need (its length and line starts): a run over thousands of
    /// files then does not hold all their texts. [`SourceFile::text`] reads the
    /// file again on demand, and only if it has not changed. Files with other
    /// characters keep their text (columns count characters), and so do pipes and
    /// devices, which cannot be read twice.
    pub fn release_text(&mut self, path: &Path) {
        if std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            self.release_text_of_regular_file(path);
        }
    }

    /// [`SourceFile::release_text`] for a text just read from `path` as a
    /// regular file (`input::read::read_bytes` reads nothing else): saves
    /// asking the file system again.
    pub fn release_text_of_regular_file(&mut self, path: &Path) {
        if self.released.is_some() || !self.text.is_ascii() {
            return;
        }
        self.released = Some(Box::new(Released {
            path: path.to_path_buf(),
            hash: text_hash(&self.text),
            restored: OnceLock::new(),
        }));
        self.text = String::new();
    }

    /// The text: `""` when it was released and the file has changed or gone since
    /// (see [`SourceFile::has_text`]).
    pub fn text(&self) -> &str {
        match &self.released {
            None => &self.text,
            Some(r) => r
                .restored
                .get_or_init(|| {
                    let meta = std::fs::metadata(&r.path).ok()?;
                    if !meta.is_file() || meta.len() != u64::from(self.len) {
                        return None;
                    }
                    let text = String::from_utf8(std::fs::read(&r.path).ok()?).ok()?;
                    (text_hash(&text) == r.hash).then_some(text)
                })
                .as_deref()
                .unwrap_or(""),
        }
    }

    /// The text if it was not released (never reads the file again).
    pub fn kept_text(&self) -> Option<&str> {
        self.released.is_none().then_some(self.text.as_str())
    }

    /// Whether [`SourceFile::text`] is the text the locations refer to.
    pub fn has_text(&self) -> bool {
        self.len == 0 || !self.text().is_empty()
    }

    /// Length of the text in bytes.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.len);
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = if self.released.is_some() {
            // Released texts are ASCII: one byte, one character.
            (offset - line_start) as usize
        } else {
            let mut end = offset as usize;
            while end > line_start as usize && !self.text.is_char_boundary(end) {
                end -= 1;
            }
            self.text
                .get(line_start as usize..end)
                .map_or(0, |s| s.chars().count())
        };
        LineCol {
            line: u32::try_from(line_index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            offset,
        }
    }

    /// Whether `offset` is on a character boundary of the text (true past its end).
    pub fn is_char_boundary(&self, offset: u32) -> bool {
        self.released.is_some() || offset >= self.len || self.text.is_char_boundary(offset as usize)
    }

    /// Byte offsets where each line starts.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }
}

/// Every file of a run, by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.push(SourceFile::new(name.into(), text.into()))
    }

    /// Room for `n` more files (a run knows how many it reads).
    pub fn reserve_exact(&mut self, n: usize) {
        self.files.reserve_exact(n);
    }

    pub fn push(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("", |f| f.name.as_str())
    }

    pub fn text(&self, id: FileId) -> &str {
        self.get(id).map_or("", SourceFile::text)
    }

    pub fn line_col(&self, id: FileId, offset: u32) -> LineCol {
        self.get(id).map_or(
            LineCol {
                line: 1,
                column: 1,
                offset,
            },
            |f| f.line_col(offset),
        )
    }

    /// Start and end of a span.
    pub fn span_line_cols(&self, id: FileId, span: Span) -> (LineCol, LineCol) {
        (self.line_col(id, span.start), self.line_col(id, span.end))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }
}

/// Decodes file bytes. Invalid UTF-8 yields the lossy text and the offset of the first bad byte.
pub fn decode(bytes: Vec<u8>) -> (String, Option<usize>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("f".into(), "ab\né\"x\"\n".into());
        assert_eq!(
            f.line_col(0),
            LineCol {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        let lc = f.line_col(5); // the quote after é (2 bytes)
        assert_eq!((lc.line, lc.column), (2, 2));
        let end = f.line_col(100);
        assert_eq!(end.line, 3);
    }

    #[test]
    fn invalid_utf8_reports_first_bad_byte() {
        let (text, bad) = decode(vec![b'{', b'"', 0xff, b'"', b'}']);
        assert_eq!(bad, Some(2));
        assert!(text.contains('\u{fffd}'));
    }

    #[test]
    fn released_text_is_read_again_only_while_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("td.json");
        let text = "{\n  \"family\": \"web\"\n}\n";
        std::fs::write(&path, text).unwrap();
        let mut f = SourceFile::new("td.json".into(), text.into());
        let before = f.line_col(14);
        f.release_text(&path);
        assert_eq!(f.kept_text(), None);
        // Locations need no text.
        assert_eq!(f.line_col(14), before);
        assert_eq!(f.len() as usize, text.len());
        // Read again on demand.
        assert_eq!(f.text(), text);
        assert!(f.has_text());

        let mut g = SourceFile::new("td.json".into(), text.into());
        g.release_text(&path);
        std::fs::write(&path, text.replace("web", "api")).unwrap();
        // Same length, other content: no snippet of the wrong text.
        assert_eq!(g.text(), "");
        assert!(!g.has_text());
        assert_eq!(g.line_col(14), before);
    }

    #[test]
    fn non_ascii_texts_and_non_files_keep_their_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("td.json");
        std::fs::write(&path, "\"é\"").unwrap();
        let mut f = SourceFile::new("td.json".into(), "\"é\"".into());
        f.release_text(&path);
        assert_eq!(f.kept_text(), Some("\"é\""));
        // A directory (like a pipe or a device) cannot be read again as the same text.
        let mut d = SourceFile::new("dir".into(), "{}".into());
        d.release_text(dir.path());
        assert_eq!(d.kept_text(), Some("{}"));
    }
}
