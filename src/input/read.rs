//! Reading one file: bytes, UTF-8, the right front end, a parse tree or a parse error.

use std::path::Path;

use crate::diagnostic::RunError;
use crate::parse::{self, Node, ParseError, Span};
use crate::source::{SourceFile, decode};

use super::walk::Candidate;

/// Which front end a file goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// A file that was read (its text is kept for locations) and parsed, or not.
#[derive(Debug)]
pub struct ReadFile {
    pub source: SourceFile,
    pub explicit: bool,
    pub syntax: Syntax,
    pub tree: Result<Node, ParseError>,
}

/// Why a file could not be read at all (a run error, exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub display: String,
    pub message: String,
}

impl From<ReadError> for RunError {
    fn from(e: ReadError) -> Self {
        RunError {
            path: Some(e.display),
            message: e.message,
        }
    }
}

/// JSON for `.json`; YAML for `.yaml`/`.yml`; otherwise by the first character.
pub fn syntax_for(path: &Path, text: &str) -> Syntax {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => Syntax::Json,
        Some("yaml" | "yml") => Syntax::Yaml,
        _ => {
            let t = text.trim_start_matches('\u{feff}').trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                Syntax::Json
            } else {
                Syntax::Yaml
            }
        }
    }
}

/// Parses text with the given front end.
pub fn parse_text(syntax: Syntax, text: &str) -> Result<Node, ParseError> {
    match syntax {
        Syntax::Json => parse::json::parse(text),
        Syntax::Yaml => parse::yaml::parse(text),
    }
}

/// Reads and parses one candidate.
pub fn read(candidate: &Candidate) -> Result<ReadFile, ReadError> {
    let bytes = read_bytes(candidate)?;
    Ok(from_bytes(
        candidate.display.clone(),
        &candidate.path,
        bytes,
        candidate.explicit,
    ))
}

/// Reads one candidate's bytes (what [`read`] does before decoding and parsing).
pub fn read_bytes(candidate: &Candidate) -> Result<Vec<u8>, ReadError> {
    let err = |message: String| ReadError {
        display: candidate.display.clone(),
        message,
    };
    let meta = std::fs::metadata(&candidate.path).map_err(|e| err(io_message(&e)))?;
    if !meta.is_file() {
        return Err(err("not a regular file".to_string()));
    }
    if meta.len() > u64::from(u32::MAX) {
        return Err(err("file larger than 4 GiB".to_string()));
    }
    std::fs::read(&candidate.path).map_err(|e| err(io_message(&e)))
}

/// Decodes and parses bytes already read.
pub fn from_bytes(display: String, path: &Path, bytes: Vec<u8>, explicit: bool) -> ReadFile {
    let (text, bad_utf8) = decode(bytes);
    let syntax = syntax_for(path, &text);
    let tree = match bad_utf8 {
        Some(at) => Err(ParseError {
            message: "the file is not valid UTF-8".to_string(),
            // The stored text is the lossy decoding: the bad byte became U+FFFD there.
            span: Span::from_usize(at, at + '\u{fffd}'.len_utf8()),
            pointer: String::new(),
        }),
        None => parse_text(syntax, &text),
    };
    ReadFile {
        source: SourceFile::new(display, text),
        explicit,
        syntax,
        tree,
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_by_extension_then_content() {
        assert_eq!(syntax_for(Path::new("a.json"), "x: 1"), Syntax::Json);
        assert_eq!(syntax_for(Path::new("a.yml"), "{}"), Syntax::Yaml);
        assert_eq!(
            syntax_for(Path::new("a.template"), "  {\"a\":1}"),
            Syntax::Json
        );
        assert_eq!(
            syntax_for(Path::new("a.template"), "Resources: {}"),
            Syntax::Yaml
        );
    }

    #[test]
    fn invalid_utf8_is_a_parse_error_at_the_byte() {
        let f = from_bytes(
            "f.json".into(),
            Path::new("f.json"),
            b"{\"a\": \"\xff\"}".to_vec(),
            true,
        );
        let e = f.tree.unwrap_err();
        assert_eq!(e.span.start, 7);
        assert!(e.message.contains("UTF-8"));
    }
}
