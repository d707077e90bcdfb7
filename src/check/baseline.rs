//! Baselines (`--write-baseline`, `--baseline`): findings keyed by code, file,
//! pointer and missing pairs rather than line numbers, so that moving lines
//! keeps a finding known, and a new missing pair on an old field is new.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Report};
use crate::source::SourceDb;

/// The identity of a finding in a baseline.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub code: String,
    pub file: String,
    pub pointer: String,
    #[serde(default)]
    pub missing: Vec<(String, String)>,
}

impl Key {
    pub fn of(d: &Diagnostic, db: &SourceDb) -> Key {
        let mut missing: Vec<(String, String)> = d
            .missing
            .iter()
            .map(|m| (m.action.clone(), m.resource.clone()))
            .collect();
        missing.sort();
        missing.dedup();
        Key {
            code: d.rule.code().to_string(),
            file: db.name(d.primary.file).to_string(),
            pointer: d.primary.pointer.as_string(),
            missing,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Key>,
}

/// A baseline read from disk: how many times each key was known.
#[derive(Debug, Default)]
pub struct Baseline {
    counts: BTreeMap<Key, usize>,
}

/// Writes the report's findings as a baseline.
pub fn write(path: &Path, report: &Report, db: &SourceDb) -> std::io::Result<()> {
    let mut findings: Vec<Key> = report.diagnostics.iter().map(|d| Key::of(d, db)).collect();
    findings.sort();
    let text = serde_json::to_string_pretty(&File {
        version: 1,
        findings,
    })
    .map_err(std::io::Error::other)?;
    std::fs::write(path, text + "\n")
}

/// Reads a baseline.
pub fn read(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file: File =
        serde_json::from_str(&text).map_err(|e| format!("not an ecslint baseline: {e}"))?;
    if file.version != 1 {
        return Err(format!("unsupported baseline version {}", file.version));
    }
    let mut counts = BTreeMap::new();
    for k in file.findings {
        *counts.entry(k).or_insert(0) += 1;
    }
    Ok(Baseline { counts })
}

impl Baseline {
    /// Drops the findings the baseline knows (each known key once per entry).
    pub fn filter(mut self, report: &mut Report, db: &SourceDb) {
        report.diagnostics.retain(|d| {
            let key = Key::of(d, db);
            match self.counts.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
    }
}
