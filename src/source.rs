//! The source database: every file's name and text, and the one place where a
//! byte offset becomes a 1-based line and a 1-based column counted in characters.

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
    pub text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: String, text: String) -> Self {
        let mut line_starts = vec![0u32];
        line_starts.extend(
            memchr_iter(b'\n', text.as_bytes()).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Self {
            name,
            text,
            line_starts,
        }
    }

    /// Line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let mut end = offset as usize;
        while end > line_start as usize && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self
            .text
            .get(line_start as usize..end)
            .map_or(0, |s| s.chars().count());
        LineCol {
            line: u32::try_from(line_index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
            offset,
        }
    }

    /// Byte offsets where each line starts.
    pub fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }
}

fn memchr_iter(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    haystack
        .iter()
        .enumerate()
        .filter_map(move |(i, &b)| (b == needle).then_some(i))
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
        self.get(id).map_or("", |f| f.text.as_str())
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
}
