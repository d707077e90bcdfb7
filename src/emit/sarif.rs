//! `sarif`: SARIF 2.1.0 with hand-written serde structs (CRATES.md §8): one
//! `reportingDescriptor` per rule, character columns, and `partialFingerprints`
//! that do not depend on line numbers.

use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use super::{EmitOptions, Resolved, resolve, severity_word};
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::rules::Rule;
use crate::source::SourceDb;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/ecslint/ecslint";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "ecslint/v1")]
    v1: String,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names, reason = "SARIF's own property names")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    byte_offset: u32,
    byte_length: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
}

fn physical(at: &Resolved<'_>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: file_uri(at.file),
        },
        region: Some(Region {
            start_line: at.start.line,
            start_column: at.start.column,
            end_line: at.end.line,
            end_column: at.end.column,
            byte_offset: at.span.start,
            byte_length: at.span.end - at.span.start,
        }),
    }
}

const fn level(severity: Severity) -> &'static str {
    severity_word(severity)
}

/// The first paragraph of the doc's "What it does" section, or the summary.
fn full_description(rule: Rule) -> String {
    let doc = rule.doc();
    let Some(at) = doc.find("## What it does") else {
        return rule.summary().to_string();
    };
    let body = doc.get(at + "## What it does".len()..).unwrap_or("");
    let paragraph: Vec<&str> = body
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if paragraph.is_empty() {
        rule.summary().to_string()
    } else {
        paragraph.join(" ")
    }
}

fn descriptor(rule: Rule) -> ReportingDescriptor {
    ReportingDescriptor {
        id: rule.code(),
        name: rule.name(),
        short_description: Text {
            text: rule.summary().to_string(),
        },
        full_description: Text {
            text: full_description(rule),
        },
        help_uri: rule.url(),
        help: Help {
            text: rule.doc(),
            markdown: rule.doc(),
        },
        default_configuration: Configuration {
            level: level(rule.default_severity()),
        },
    }
}

fn result(d: &Diagnostic, db: &SourceDb) -> SarifResult {
    let at = resolve(db, &d.primary);
    let logical_locations = d
        .logical
        .iter()
        .map(|name| LogicalLocation {
            fully_qualified_name: name.clone(),
        })
        .collect();
    let related_locations = d
        .related
        .iter()
        .filter_map(|r| r.loc.as_ref().map(|loc| (loc, &r.message)))
        .enumerate()
        .map(|(id, (loc, message))| Location {
            id: Some(id),
            physical_location: Some(physical(&resolve(db, loc))),
            message: Some(Text {
                text: message.clone(),
            }),
            ..Location::default()
        })
        .collect();
    SarifResult {
        rule_id: d.rule.code(),
        rule_index: Rule::ALL.iter().position(|r| *r == d.rule).unwrap_or(0),
        level: level(d.severity),
        message: Text {
            text: d.message.clone(),
        },
        locations: vec![Location {
            physical_location: Some(physical(&at)),
            logical_locations,
            ..Location::default()
        }],
        related_locations,
        partial_fingerprints: Fingerprints {
            v1: fingerprint(d, db),
        },
    }
}

pub(super) fn emit(
    report: &Report,
    db: &SourceDb,
    opts: &EmitOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let notifications = report
        .run_errors
        .iter()
        .map(|e| Notification {
            level: "error",
            message: Text {
                text: e.message.clone(),
            },
            locations: e
                .path
                .iter()
                .map(|p| Location {
                    physical_location: Some(PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: file_uri(p) },
                        region: None,
                    }),
                    ..Location::default()
                })
                .collect(),
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "ecslint",
                    version: opts.tool_version,
                    information_uri: INFORMATION_URI,
                    rules: Rule::ALL.iter().copied().map(descriptor).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.run_errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results: report.diagnostics.iter().map(|d| result(d, db)).collect(),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::other)?;
    writeln!(out)
}

/// A stable identity of a finding, independent of line numbers: FNV-1a 64 over
/// the code, the file, the pointer, the sorted missing `(action, resource)`
/// pairs and the sorted related `(file, pointer)`s, as 16 hex digits.
pub fn fingerprint(d: &Diagnostic, db: &SourceDb) -> String {
    let mut h = Fnv::new();
    h.field(d.rule.code());
    h.field(db.name(d.primary.file));
    h.field(&d.primary.pointer.as_string());
    let mut pairs: Vec<(&str, &str)> = d
        .missing
        .iter()
        .map(|m| (m.action.as_str(), m.resource.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    for (action, resource) in pairs {
        h.field(action);
        h.field(resource);
    }
    h.field("");
    let mut related: Vec<(&str, String)> = d
        .related
        .iter()
        .filter_map(|r| r.loc.as_ref())
        .map(|l| (db.name(l.file), l.pointer.as_string()))
        .collect();
    related.sort_unstable();
    related.dedup();
    for (file, pointer) in related {
        h.field(file);
        h.field(&pointer);
    }
    format!("{:016x}", h.0)
}

/// FNV-1a, 64 bits: tiny, deterministic on every platform.
struct Fnv(u64);

impl Fnv {
    const fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// A field followed by a separator byte that cannot occur in UTF-8 text.
    fn field(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0xff]);
    }
}

/// The path as a URI reference: forward slashes, percent-encoded; absolute
/// paths become `file://` URIs.
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && bytes.get(2) == Some(&b'/');
    let (prefix, keep_colon) = if drive {
        ("file:///", true)
    } else if path.starts_with('/') {
        ("file://", false)
    } else {
        ("", false)
    };
    let mut out = String::from(prefix);
    for (i, b) in path.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\''
            )
            || matches!(b, b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@')
            || (b == b':' && keep_colon && i == 1);
        if plain {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_vectors() {
        let mut h = Fnv::new();
        h.bytes(b"");
        assert_eq!(h.0, 0xcbf2_9ce4_8422_2325);
        let mut h = Fnv::new();
        h.bytes(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
        let mut h = Fnv::new();
        h.bytes(b"foobar");
        assert_eq!(h.0, 0x8594_4171_f739_67e8);
    }

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(file_uri("infra/task def.json"), "infra/task%20def.json");
        assert_eq!(file_uri("a\\b:c%.json"), "a/b%3Ac%25.json");
        assert_eq!(file_uri("/abs/é.json"), "file:///abs/%C3%A9.json");
        assert_eq!(file_uri("C:\\x\\y.json"), "file:///C:/x/y.json");
    }

    #[test]
    fn every_rule_has_a_full_description() {
        for rule in Rule::ALL {
            assert!(!full_description(*rule).is_empty(), "{rule}");
        }
    }
}
