//! `junit`: the JUnit XML shape CI systems read. One `<testsuite>` per file
//! with findings, one `<testcase>` with a `<failure>` per finding; run errors
//! are `<error>`s of a last `ecslint` suite. A clean run still has one passing
//! testcase, so the document is never empty.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{one_line, resolve, xml_safe};
use crate::diagnostic::{Diagnostic, Report};
use crate::source::SourceDb;

/// The `<failure>` body: the gcc line, then the details one per line.
fn failure_text(d: &Diagnostic, db: &SourceDb) -> String {
    let at = resolve(db, &d.primary);
    let mut text = format!(
        "{}:{}:{}: {}: {} [{}]\npointer: {}",
        at.file,
        at.start.line,
        at.start.column,
        d.severity,
        one_line(&d.message),
        d.rule.code(),
        d.primary.pointer
    );
    for m in &d.missing {
        let _ = write!(
            text,
            "\nmissing: {} on {} ({})",
            m.action, m.resource, m.decision
        );
    }
    for r in &d.related {
        match &r.loc {
            Some(loc) => {
                let rel = resolve(db, loc);
                let _ = write!(
                    text,
                    "\nrelated: {}:{}:{}: {}",
                    rel.file, rel.start.line, rel.start.column, r.message
                );
            }
            None => {
                let _ = write!(text, "\nrelated: {}", r.message);
            }
        }
    }
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {help}");
    }
    if let Some(fix) = &d.fix {
        let statement = serde_json::to_string_pretty(fix).unwrap_or_else(|_| fix.to_string());
        let _ = write!(text, "\n{statement}");
    }
    text
}

pub(super) fn emit(report: &Report, db: &SourceDb, out: &mut dyn Write) -> std::io::Result<()> {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_file.entry(db.name(d.primary.file)).or_default().push(d);
    }
    let failures = report.diagnostics.len();
    let errors = report.run_errors.len();
    let clean = failures == 0 && errors == 0;
    let tests = failures + errors + usize::from(clean);

    let mut w = Writer::new_with_indent(&mut *out, b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let (tests_s, failures_s, errors_s) =
        (tests.to_string(), failures.to_string(), errors.to_string());
    w.create_element("testsuites")
        .with_attributes([
            ("name", "ecslint"),
            ("tests", tests_s.as_str()),
            ("failures", failures_s.as_str()),
            ("errors", errors_s.as_str()),
        ])
        .write_inner_content(|w| {
            for (file, diagnostics) in &by_file {
                let file = xml_safe(file);
                let n = diagnostics.len().to_string();
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", file.as_ref()),
                        ("tests", n.as_str()),
                        ("failures", n.as_str()),
                        ("errors", "0"),
                    ])
                    .write_inner_content(|w| {
                        for d in diagnostics {
                            let name = format!("{} {}", d.rule.code(), d.primary.pointer);
                            let name = xml_safe(name.trim_end()).into_owned();
                            let message = xml_safe(&one_line(&d.message)).into_owned();
                            let text = xml_safe(&failure_text(d, db)).into_owned();
                            w.create_element("testcase")
                                .with_attributes([
                                    ("name", name.as_str()),
                                    ("classname", file.as_ref()),
                                ])
                                .write_inner_content(|w| {
                                    w.create_element("failure")
                                        .with_attributes([
                                            ("message", message.as_str()),
                                            ("type", d.rule.code()),
                                        ])
                                        .write_text_content(BytesText::new(&text))?;
                                    Ok(())
                                })?;
                        }
                        Ok(())
                    })?;
            }
            if errors > 0 || clean {
                let tests = if clean { "1" } else { errors_s.as_str() };
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", "ecslint"),
                        ("tests", tests),
                        ("failures", "0"),
                        ("errors", errors_s.as_str()),
                    ])
                    .write_inner_content(|w| {
                        if clean {
                            w.create_element("testcase")
                                .with_attributes([
                                    ("name", "no findings"),
                                    ("classname", "ecslint"),
                                ])
                                .write_empty()?;
                        }
                        for e in &report.run_errors {
                            let classname = xml_safe(e.path.as_deref().unwrap_or("ecslint"));
                            let message = xml_safe(&one_line(&e.message)).into_owned();
                            w.create_element("testcase")
                                .with_attributes([
                                    ("name", "run error"),
                                    ("classname", classname.as_ref()),
                                ])
                                .write_inner_content(|w| {
                                    w.create_element("error")
                                        .with_attributes([
                                            ("message", message.as_str()),
                                            ("type", "run-error"),
                                        ])
                                        .write_empty()?;
                                    Ok(())
                                })?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    writeln!(out)
}
