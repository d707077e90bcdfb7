//! `human`: codespan-reporting diagnostics with source snippets, then run
//! errors, then a summary line (ruff-like). Colour through a small anstyle
//! [`WriteStyle`] (CRATES.md §6); plain output through `emit_to_io_write`.

use std::fmt::Write as _;
use std::io::Write;
use std::ops::Range;

use anstyle::{AnsiColor, Reset, Style};
use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label, LabelStyle, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, WriteStyle};

use super::{EmitOptions, clamp_span};
use crate::diagnostic::{Diagnostic, Loc, Report, Severity};
use crate::source::{FileId, SourceDb, SourceFile};

/// The [`SourceDb`] seen as codespan's file database; lines and columns still
/// come from [`SourceDb::line_col`].
struct DbFiles<'db>(&'db SourceDb);

impl<'a> Files<'a> for DbFiles<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.0
            .get(id)
            .map(|f| f.name.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.0
            .get(id)
            .map(SourceFile::text)
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let offset = u32::try_from(byte_index).unwrap_or(u32::MAX);
        Ok((self.0.line_col(id, offset).line as usize).saturating_sub(1))
    }

    fn column_number(
        &'a self,
        id: FileId,
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let offset = u32::try_from(byte_index).unwrap_or(u32::MAX);
        Ok(self.0.line_col(id, offset).column as usize)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        let starts = file.line_starts();
        let start = starts
            .get(line_index)
            .copied()
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: starts.len().saturating_sub(1),
            })?;
        let end = starts
            .get(line_index + 1)
            .map_or(file.len() as usize, |e| *e as usize);
        Ok(start as usize..end)
    }
}

/// Writes ANSI styles with anstyle (CRATES.md §6).
struct AnsiWriter<'w> {
    w: &'w mut dyn Write,
}

impl AnsiWriter<'_> {
    fn style(&mut self, style: Style) -> std::io::Result<()> {
        write!(self.w, "{}", style.render())
    }
}

impl Write for AnsiWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

const fn severity_color(severity: CsSeverity) -> AnsiColor {
    match severity {
        CsSeverity::Bug | CsSeverity::Error => AnsiColor::Red,
        CsSeverity::Warning => AnsiColor::Yellow,
        CsSeverity::Note => AnsiColor::Green,
        CsSeverity::Help => AnsiColor::Cyan,
    }
}

impl WriteStyle for AnsiWriter<'_> {
    fn set_header(&mut self, severity: CsSeverity) -> std::io::Result<()> {
        self.style(
            Style::new()
                .bold()
                .fg_color(Some(severity_color(severity).into())),
        )
    }

    fn set_header_message(&mut self) -> std::io::Result<()> {
        self.style(Style::new().bold())
    }

    fn set_line_number(&mut self) -> std::io::Result<()> {
        self.style(AnsiColor::Blue.on_default())
    }

    fn set_note_bullet(&mut self) -> std::io::Result<()> {
        self.style(AnsiColor::Blue.on_default())
    }

    fn set_source_border(&mut self) -> std::io::Result<()> {
        self.style(AnsiColor::Blue.on_default())
    }

    fn set_label(&mut self, severity: CsSeverity, label_style: LabelStyle) -> std::io::Result<()> {
        match label_style {
            LabelStyle::Primary => self.style(severity_color(severity).on_default()),
            LabelStyle::Secondary => self.style(AnsiColor::Blue.on_default()),
        }
    }

    fn reset(&mut self) -> std::io::Result<()> {
        write!(self.w, "{}", Reset.render())
    }
}

fn label_range(db: &SourceDb, loc: &Loc) -> Range<usize> {
    let span = clamp_span(db, loc);
    span.start as usize..span.end as usize
}

/// Longest source line shown as a snippet.
const MAX_SNIPPET_LINE: usize = 400;

/// Whether the lines of a location are short enough to show.
fn snippet_fits(db: &SourceDb, loc: &Loc) -> bool {
    let Some(file) = db.get(loc.file) else {
        return false;
    };
    if !file.has_text() {
        return false;
    }
    let text = file.text();
    let span = clamp_span(db, loc);
    let (start, end) = (span.start as usize, span.end as usize);
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| end + i);
    text.get(line_start..line_end)
        .is_some_and(|l| l.lines().all(|x| x.len() <= MAX_SNIPPET_LINE))
}

/// `FILE:LINE:COL (POINTER)` for a location shown without a snippet.
fn place(db: &SourceDb, loc: &Loc, logical: Option<&str>) -> String {
    let lc = db.line_col(loc.file, loc.span.start);
    let mut s = format!("{}:{}:{}", db.name(loc.file), lc.line, lc.column);
    if let Some(l) = logical {
        let _ = write!(s, " in `{l}`");
    }
    if !loc.pointer.is_empty() {
        let _ = write!(s, " ({})", loc.pointer);
    }
    s
}

/// Builds the codespan diagnostic of a finding.
fn to_codespan(d: &Diagnostic, db: &SourceDb) -> CsDiagnostic<FileId> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    if db.get(d.primary.file).is_some() {
        if snippet_fits(db, &d.primary) {
            labels.push(
                Label::primary(d.primary.file, label_range(db, &d.primary))
                    .with_message(d.rule.name()),
            );
        } else {
            // A minified file (a Terraform plan is one line): a snippet would be the whole file.
            notes.push(format!(
                "note: at {}",
                place(db, &d.primary, d.logical.as_deref())
            ));
        }
    }
    let mut context = Vec::new();
    if let Some(td) = &d.task_definition {
        context.push(format!("task definition `{td}`"));
    }
    if let Some(c) = &d.container {
        context.push(format!("container `{c}`"));
    }
    if let Some(r) = &d.role {
        context.push(format!("role `{r}`"));
    }
    if !context.is_empty() {
        notes.push(format!("note: in {}", context.join(", ")));
    }
    if !d.missing.is_empty() {
        let mut note = String::from("missing:");
        for m in &d.missing {
            let _ = write!(note, "\n  {} → {} ({})", m.action, m.resource, m.decision);
        }
        notes.push(note);
    }
    for r in &d.related {
        match &r.loc {
            Some(loc) if db.get(loc.file).is_some() && snippet_fits(db, loc) => {
                labels.push(
                    Label::secondary(loc.file, label_range(db, loc)).with_message(&r.message),
                );
            }
            Some(loc) if db.get(loc.file).is_some() => {
                notes.push(format!("note: {} (at {})", r.message, place(db, loc, None)));
            }
            _ => notes.push(format!("note: {}", r.message)),
        }
    }
    let fix = d.fix.as_deref().map(|f| f.get("statement").unwrap_or(f));
    match (&d.help, fix) {
        (Some(help), Some(fix)) => notes.push(format!("help: {help}\n{}", pretty(fix))),
        (Some(help), None) => notes.push(format!("help: {help}")),
        (None, Some(fix)) => notes.push(format!(
            "help: add this statement to the role's policy:\n{}",
            pretty(fix)
        )),
        (None, None) => {}
    }
    notes.push(format!("note: run `ecslint explain {}`", d.rule.code()));
    CsDiagnostic::new(severity)
        .with_code(d.rule.code())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn io_error(e: FilesError) -> std::io::Error {
    match e {
        FilesError::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The last line: what was found, where, and how much was checked.
pub(crate) fn summary(report: &Report) -> String {
    let checked = format!(
        "{}, {} checked",
        plural(report.files, "file", "files"),
        plural(
            report.task_definitions,
            "task definition",
            "task definitions"
        )
    );
    let mut counts = Vec::new();
    for (severity, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
    ] {
        let n = report.count(severity);
        if n > 0 {
            counts.push(plural(n, one, many));
        }
    }
    let run_errors = match report.run_errors.len() {
        0 => String::new(),
        n => format!("; the run failed with {}", plural(n, "error", "errors")),
    };
    if counts.is_empty() {
        if run_errors.is_empty() {
            format!("All checks passed ({checked}).")
        } else {
            format!("No findings ({checked}){run_errors}.")
        }
    } else {
        let mut files: Vec<FileId> = report.diagnostics.iter().map(|d| d.primary.file).collect();
        files.sort_unstable();
        files.dedup();
        format!(
            "Found {} in {} ({checked}){run_errors}.",
            counts.join(", "),
            plural(files.len(), "file", "files")
        )
    }
}

/// ruff's `--statistics` table: `COUNT\tCODE\tname`, most frequent first.
fn statistics(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut rows = report.statistics();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    for (rule, n) in rows {
        writeln!(out, "{n:>width$}\t{}\t{}", rule.code(), rule.name())?;
    }
    Ok(())
}

pub(super) fn emit(
    report: &Report,
    db: &SourceDb,
    opts: &EmitOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // ECS204: the snippet must not show the secret.
    let redacted = crate::rules::plaintext_secret::redact_sources(&report.diagnostics, db);
    let db = redacted.as_ref().unwrap_or(db);
    let files = DbFiles(db);
    let config = term::Config::default();
    if opts.statistics {
        statistics(report, out)?;
    } else {
        for d in &report.diagnostics {
            let diagnostic = to_codespan(d, db);
            if opts.color {
                let mut w = AnsiWriter { w: &mut *out };
                term::emit_to_write_style(&mut w, &config, &files, &diagnostic)
                    .map_err(io_error)?;
            } else {
                term::emit_to_io_write(&mut *out, &config, &files, &diagnostic)
                    .map_err(io_error)?;
            }
        }
    }
    let red = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    for e in &report.run_errors {
        if opts.color {
            write!(out, "{}error{}: ", red.render(), Reset.render())?;
        } else {
            write!(out, "error: ")?;
        }
        match &e.path {
            Some(path) => writeln!(out, "{path}: {}", e.message)?,
            None => writeln!(out, "{}", e.message)?,
        }
    }
    if !opts.quiet {
        if opts.color {
            let bold = Style::new().bold();
            writeln!(
                out,
                "{}{}{}",
                bold.render(),
                summary(report),
                Reset.render()
            )?;
        } else {
            writeln!(out, "{}", summary(report))?;
        }
    }
    Ok(())
}
