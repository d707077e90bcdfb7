//! `github`: GitHub Actions workflow commands
//! (`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE name::message`).

use std::io::Write;

use super::resolve;
use crate::diagnostic::{Report, Severity};
use crate::source::SourceDb;

pub(super) fn emit(report: &Report, db: &SourceDb, out: &mut dyn Write) -> std::io::Result<()> {
    for d in &report.diagnostics {
        let at = resolve(db, &d.primary);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        write!(
            out,
            "::{command} file={},line={}",
            escape_property(at.file),
            at.start.line
        )?;
        // Like ruff: columns only when the range stays on one line.
        if at.start.line == at.end.line {
            write!(
                out,
                ",col={},endLine={},endColumn={}",
                at.start.column, at.end.line, at.end.column
            )?;
        } else {
            write!(out, ",endLine={}", at.end.line)?;
        }
        let title = format!("{} {}", d.rule.code(), d.rule.name());
        writeln!(
            out,
            ",title={}::{}",
            escape_property(&title),
            escape_data(&d.message)
        )?;
    }
    for e in &report.run_errors {
        match &e.path {
            Some(path) => writeln!(
                out,
                "::error file={},title=ecslint::{}",
                escape_property(path),
                escape_data(&e.message)
            )?,
            None => writeln!(out, "::error title=ecslint::{}", escape_data(&e.message))?,
        }
    }
    Ok(())
}

/// Escapes a command's message (`%`, `\r`, `\n`).
pub(crate) fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as data, plus `:` and `,`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
        assert_eq!(escape_property("ECS101 ecr-pull"), "ECS101 ecr-pull");
    }
}
