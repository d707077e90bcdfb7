//! Emitters: one module per output format (SPEC §3.5), each rendering a
//! finished, sorted [`Report`] to the writer it is given.
//!
//! Lines and columns come from [`SourceDb`] only, so no two formats disagree.
//! The library never prints: every emitter writes to `out`.

mod checkstyle;
mod gcc;
mod github;
mod human;
mod json;
pub mod json_schema;
mod junit;
mod sarif;

use std::io::Write;

use crate::diagnostic::{Loc, Report, Severity};
use crate::parse::Span;
use crate::source::{LineCol, SourceDb};

pub use sarif::fingerprint;

/// An output format of `ecslint check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// codespan-reporting diagnostics with source snippets and a summary line.
    Human,
    /// `FILE:LINE:COL: SEVERITY: MESSAGE [CODE]`, one line per finding.
    Gcc,
    /// One JSON object (`"version": 1`).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
    /// JUnit XML.
    Junit,
    /// Checkstyle XML.
    Checkstyle,
}

impl Format {
    /// Every format, in the order the command line lists them.
    pub const ALL: &'static [Format] = &[
        Format::Human,
        Format::Gcc,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Checkstyle,
    ];

    /// The name used on the command line and in the config file.
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Gcc => "gcc",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Checkstyle => "checkstyle",
        }
    }

    /// Looks a format up by name, case-insensitively.
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.trim();
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmitOptions {
    /// ANSI colour (only `human` uses it); the CLI decides from `--color`, `NO_COLOR` and the terminal.
    pub color: bool,
    /// `human` only: no summary line (ruff's `--quiet`).
    pub quiet: bool,
    /// `human` only: a count per rule instead of the findings (ruff's `--statistics`).
    pub statistics: bool,
    /// The version written into `json` and `sarif`, normally `env!("CARGO_PKG_VERSION")`.
    pub tool_version: &'static str,
}

impl Default for EmitOptions {
    fn default() -> Self {
        Self {
            color: false,
            quiet: false,
            statistics: false,
            tool_version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Renders `report` in `format` to `out`.
pub fn emit(
    format: Format,
    report: &Report,
    db: &SourceDb,
    opts: &EmitOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::emit(report, db, opts, out),
        Format::Gcc => gcc::emit(report, db, out),
        Format::Json => json::emit(report, db, opts, out),
        Format::Sarif => sarif::emit(report, db, opts, out),
        Format::Github => github::emit(report, db, out),
        Format::Junit => junit::emit(report, db, out),
        Format::Checkstyle => checkstyle::emit(report, db, out),
    }
}

/// The word a severity has in gcc, SARIF and GitHub output (`note`/`notice` for info differ per format).
const fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A span made safe to use on the file's text: ordered, clamped, on character boundaries.
fn clamp_span(db: &SourceDb, loc: &Loc) -> Span {
    let Some(file) = db.get(loc.file) else {
        return Span::new(0, 0);
    };
    let len = file.len();
    let mut start = loc.span.start.min(len);
    let mut end = loc.span.end.min(len).max(start);
    while start > 0 && !file.is_char_boundary(start) {
        start -= 1;
    }
    while end < len && !file.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// A location resolved to a file name and start/end line-columns.
#[derive(Debug, Clone)]
struct Resolved<'a> {
    file: &'a str,
    span: Span,
    start: LineCol,
    end: LineCol,
}

fn resolve<'a>(db: &'a SourceDb, loc: &Loc) -> Resolved<'a> {
    let span = clamp_span(db, loc);
    let (start, end) = db.span_line_cols(loc.file, span);
    Resolved {
        file: db.name(loc.file),
        span,
        start,
        end,
    }
}

/// Puts a message on one line: line breaks become spaces (editors choke on them).
fn one_line(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return s.to_string();
    }
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

/// Replaces characters XML 1.0 cannot hold, even escaped, with U+FFFD.
fn xml_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if s.contains(bad) {
        std::borrow::Cow::Owned(
            s.chars()
                .map(|c| if bad(c) { '\u{fffd}' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(*f));
        }
        assert_eq!(Format::parse("SARIF"), Some(Format::Sarif));
        assert_eq!(Format::parse("xml"), None);
    }

    #[test]
    fn spans_are_clamped_to_char_boundaries() {
        let mut db = SourceDb::new();
        let id = db.add("f", "é\"x\"");
        let loc = Loc::new(id, Span::new(1, 100), "");
        assert_eq!(clamp_span(&db, &loc), Span::new(0, 5));
        let loc = Loc::new(id, Span::new(4, 2), "");
        assert_eq!(clamp_span(&db, &loc), Span::new(4, 4));
    }

    #[test]
    fn messages_are_put_on_one_line() {
        assert_eq!(one_line("a\r\nb\nc\rd"), "a b c d");
        assert_eq!(xml_safe("a\u{1}b\tc"), "a\u{fffd}b\tc");
    }
}
