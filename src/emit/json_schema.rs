//! The wire structs of the `json` format (SPEC §3.5), kept apart from the
//! internal [`crate::diagnostic::Diagnostic`] so the contract cannot change by
//! accident. A breaking change bumps [`VERSION`].

use serde::Serialize;

/// The `"version"` of the JSON output.
pub const VERSION: u32 = 1;

/// The whole output: one object.
#[derive(Debug, Serialize)]
pub struct Output<'a> {
    pub version: u32,
    pub tool: Tool<'a>,
    pub summary: Summary,
    pub diagnostics: Vec<Diagnostic<'a>>,
}

/// `{"name":"ecslint","version":...}`.
#[derive(Debug, Serialize)]
pub struct Tool<'a> {
    pub name: &'a str,
    pub version: &'a str,
}

/// Counts of the run.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub files: usize,
    pub task_definitions: usize,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// A 1-based line, 1-based character column and byte offset.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct Diagnostic<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub severity: &'a str,
    pub message: &'a str,
    pub file: &'a str,
    pub pointer: String,
    pub start: Position,
    pub end: Position,
    pub task_definition: Option<&'a str>,
    pub container: Option<&'a str>,
    pub role: Option<&'a str>,
    pub missing: Vec<Missing<'a>>,
    pub related: Vec<Related<'a>>,
    pub fix: Option<Fix<'a>>,
}

/// A missing `(action, resource)` pair and why it is missing.
#[derive(Debug, Serialize)]
pub struct Missing<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    pub decision: &'a str,
}

/// A related location; `file`, `pointer`, `start`, `end` are `null` when it has
/// no file (an AWS managed policy).
#[derive(Debug, Serialize)]
pub struct Related<'a> {
    pub file: Option<&'a str>,
    pub pointer: Option<String>,
    pub start: Option<Position>,
    pub end: Option<Position>,
    pub message: &'a str,
}

/// `{"statement": {...}}`: an IAM statement that would grant the missing pairs.
#[derive(Debug, Serialize)]
pub struct Fix<'a> {
    pub statement: &'a serde_json::Value,
}
