//! `checkstyle`: `<checkstyle version="4.3"><file name=…><error line column
//! severity message source="ecslint.CODE"/></file></checkstyle>`. Run errors
//! that name a file are `<error>`s of that file with source `ecslint`.

use std::collections::BTreeMap;
use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, Event};

use super::{one_line, resolve, xml_safe};
use crate::diagnostic::Report;
use crate::source::SourceDb;

/// One `<error>` element's attributes.
struct Entry {
    line: Option<String>,
    column: Option<String>,
    severity: &'static str,
    message: String,
    source: String,
}

pub(super) fn emit(report: &Report, db: &SourceDb, out: &mut dyn Write) -> std::io::Result<()> {
    let mut by_file: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for d in &report.diagnostics {
        let at = resolve(db, &d.primary);
        by_file
            .entry(xml_safe(at.file).into_owned())
            .or_default()
            .push(Entry {
                line: Some(at.start.line.to_string()),
                column: Some(at.start.column.to_string()),
                severity: d.severity.as_str(),
                message: xml_safe(&one_line(&d.message)).into_owned(),
                source: format!("ecslint.{}", d.rule.code()),
            });
    }
    for e in &report.run_errors {
        if let Some(path) = &e.path {
            by_file
                .entry(xml_safe(path).into_owned())
                .or_default()
                .push(Entry {
                    line: None,
                    column: None,
                    severity: "error",
                    message: xml_safe(&one_line(&e.message)).into_owned(),
                    source: "ecslint".to_string(),
                });
        }
    }

    let mut w = Writer::new_with_indent(&mut *out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("checkstyle")
        .with_attribute(("version", "4.3"))
        .write_inner_content(|w| {
            for (file, entries) in &by_file {
                w.create_element("file")
                    .with_attribute(("name", file.as_str()))
                    .write_inner_content(|w| {
                        for e in entries {
                            let mut el = w.create_element("error");
                            if let Some(line) = &e.line {
                                el = el.with_attribute(("line", line.as_str()));
                            }
                            if let Some(column) = &e.column {
                                el = el.with_attribute(("column", column.as_str()));
                            }
                            el.with_attributes([
                                ("severity", e.severity),
                                ("message", e.message.as_str()),
                                ("source", e.source.as_str()),
                            ])
                            .write_empty()?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    writeln!(out)
}
