//! `gcc`: `FILE:LINE:COL: SEVERITY: MESSAGE [CODE]`, one line per finding and
//! nothing else, for editor problem matchers (ShellCheck's GCC shape).

use std::io::Write;

use super::{one_line, resolve, severity_word};
use crate::diagnostic::Report;
use crate::source::SourceDb;

pub(super) fn emit(report: &Report, db: &SourceDb, out: &mut dyn Write) -> std::io::Result<()> {
    for d in &report.diagnostics {
        let at = resolve(db, &d.primary);
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            one_line(at.file),
            at.start.line,
            at.start.column,
            severity_word(d.severity),
            one_line(&d.message),
            d.rule.code()
        )?;
    }
    Ok(())
}
