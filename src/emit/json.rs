//! `json`: one pretty-printed object (SPEC §3.5) built from the wire structs
//! of [`super::json_schema`], followed by a newline.

use std::io::Write;

use super::json_schema::{self as wire, Position};
use super::{EmitOptions, resolve};
use crate::diagnostic::{Report, Severity};
use crate::source::{LineCol, SourceDb};

fn position(lc: LineCol) -> Position {
    Position {
        line: lc.line,
        column: lc.column,
        offset: lc.offset,
    }
}

/// Builds the wire object of a report.
pub(super) fn build<'a>(
    report: &'a Report,
    db: &'a SourceDb,
    opts: &EmitOptions,
) -> wire::Output<'a> {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let at = resolve(db, &d.primary);
            wire::Diagnostic {
                code: d.rule.code(),
                name: d.rule.name(),
                severity: d.severity.as_str(),
                message: &d.message,
                file: at.file,
                pointer: d.primary.pointer.as_string(),
                start: position(at.start),
                end: position(at.end),
                task_definition: d.task_definition.as_deref(),
                container: d.container.as_deref(),
                role: d.role.as_deref(),
                missing: d
                    .missing
                    .iter()
                    .map(|m| wire::Missing {
                        action: &m.action,
                        resource: &m.resource,
                        decision: m.decision.as_str(),
                    })
                    .collect(),
                related: d
                    .related
                    .iter()
                    .map(|r| match &r.loc {
                        Some(loc) => {
                            let at = resolve(db, loc);
                            wire::Related {
                                file: Some(at.file),
                                pointer: Some(loc.pointer.as_string()),
                                start: Some(position(at.start)),
                                end: Some(position(at.end)),
                                message: &r.message,
                            }
                        }
                        None => wire::Related {
                            file: None,
                            pointer: None,
                            start: None,
                            end: None,
                            message: &r.message,
                        },
                    })
                    .collect(),
                fix: d.fix.as_deref().map(|statement| wire::Fix { statement }),
            }
        })
        .collect();
    wire::Output {
        version: wire::VERSION,
        tool: wire::Tool {
            name: "ecslint",
            version: opts.tool_version,
        },
        summary: wire::Summary {
            files: report.files,
            task_definitions: report.task_definitions,
            error: report.count(Severity::Error),
            warning: report.count(Severity::Warning),
            info: report.count(Severity::Info),
        },
        diagnostics,
    }
}

pub(super) fn emit(
    report: &Report,
    db: &SourceDb,
    opts: &EmitOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let output = build(report, db, opts);
    serde_json::to_writer_pretty(&mut *out, &output).map_err(std::io::Error::other)?;
    writeln!(out)
}
