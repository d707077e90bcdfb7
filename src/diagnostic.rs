//! The one diagnostic type every rule produces and every emitter renders.
//!
//! Diagnostics store byte spans and JSON pointers only; lines and columns are
//! computed by [`crate::source::SourceDb`] so that no two formats can disagree.

use std::collections::HashMap;

use crate::parse::{Pointer, Span};
use crate::rules::Rule;
use crate::source::FileId;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "note" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a source file: byte span plus the RFC 6901 pointer of the value there
/// (compact: see [`Pointer`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
    pub pointer: Pointer,
}

impl Loc {
    pub fn new(file: FileId, span: Span, pointer: impl Into<Pointer>) -> Self {
        Self {
            file,
            span,
            pointer: pointer.into(),
        }
    }
}

/// A secondary location: the denying statement, the condition, the task role's grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// `None` when the statement has no file (an AWS managed policy).
    pub loc: Option<Loc>,
    pub message: String,
}

/// The outcome of evaluating one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Decision {
    Allowed,
    ExplicitlyDenied,
    ImplicitlyDenied,
    /// Depends on something ecslint cannot know offline.
    Conditional,
}

impl Decision {
    pub const fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitlyDenied => "explicitly-denied",
            Decision::ImplicitlyDenied => "implicitly-denied",
            Decision::Conditional => "conditional",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `(action, resource)` pair the role does not grant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Missing {
    pub action: String,
    /// Written as a policy should grant it (SPEC §3.3).
    pub resource: String,
    pub decision: Decision,
}

/// A finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    /// One line, lower-case start, no trailing period.
    pub message: String,
    pub primary: Loc,
    pub related: Vec<Related>,
    /// What to do, e.g. the statement to add.
    /// Borrowed when it is a constant (most are): a large run has thousands of findings.
    pub help: Option<std::borrow::Cow<'static, str>>,
    pub task_definition: Option<String>,
    pub container: Option<String>,
    pub role: Option<String>,
    pub missing: Vec<Missing>,
    /// An IAM statement that would grant the missing pairs. Boxed: most findings
    /// have none, and a large run has thousands (a `Value` is 72 bytes).
    pub fix: Option<Box<serde_json::Value>>,
    /// A logical location, e.g. a Terraform resource address.
    pub logical: Option<String>,
}

impl Diagnostic {
    /// A finding with only its rule, severity, place and message.
    pub fn new(rule: Rule, severity: Severity, primary: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            primary,
            related: Vec::new(),
            help: None,
            task_definition: None,
            container: None,
            role: None,
            missing: Vec::new(),
            fix: None,
            logical: None,
        }
    }

    /// Sets the statement that would fix the finding.
    pub fn with_fix(&mut self, statement: serde_json::Value) -> &mut Self {
        self.fix = Some(Box::new(statement));
        self
    }

    pub fn with_related(&mut self, loc: Option<Loc>, message: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            loc,
            message: message.into(),
        });
        self
    }

    pub fn with_help(&mut self, help: impl Into<std::borrow::Cow<'static, str>>) -> &mut Self {
        self.help = Some(help.into());
        self
    }
}

/// Which rules run and at what severity.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    enabled: [bool; Rule::ALL.len()],
    severity: [Option<Severity>; Rule::ALL.len()],
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            enabled: [true; Rule::ALL.len()],
            severity: [None; Rule::ALL.len()],
        }
    }
}

fn rule_index(rule: Rule) -> usize {
    Rule::ALL.iter().position(|r| *r == rule).unwrap_or(0)
}

impl RuleSettings {
    /// Only these rules (ruff's `--select`).
    pub fn select(&mut self, rules: &[Rule]) {
        self.enabled = [false; Rule::ALL.len()];
        for r in rules {
            self.enabled[rule_index(*r)] = true;
        }
    }

    pub fn ignore(&mut self, rules: &[Rule]) {
        for r in rules {
            self.enabled[rule_index(*r)] = false;
        }
    }

    pub fn set_severity(&mut self, rule: Rule, severity: Severity) {
        self.severity[rule_index(rule)] = Some(severity);
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.enabled[rule_index(rule)]
    }

    /// The severity a rule reports at, before per-finding softenings.
    pub fn severity(&self, rule: Rule) -> Severity {
        self.severity[rule_index(rule)].unwrap_or(rule.default_severity())
    }

    /// Whether the severity of `rule` was set explicitly (then softenings do not apply).
    pub fn severity_overridden(&self, rule: Rule) -> bool {
        self.severity[rule_index(rule)].is_some()
    }
}

/// The one funnel through which findings are created (STYLE §2.3).
#[derive(Debug)]
pub struct Reporter<'s> {
    settings: &'s RuleSettings,
    diagnostics: Vec<Diagnostic>,
    /// A sink for findings of disabled rules, so callers can always get `&mut Diagnostic`.
    discarded: Option<Box<Diagnostic>>,
}

impl<'s> Reporter<'s> {
    pub fn new(settings: &'s RuleSettings) -> Self {
        Self {
            settings,
            diagnostics: Vec::new(),
            discarded: None,
        }
    }

    pub fn settings(&self) -> &RuleSettings {
        self.settings
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.settings.is_enabled(rule)
    }

    /// Reports a finding and returns it for the caller to add details.
    /// Findings of disabled rules go to a scratch slot and are dropped.
    pub fn report(
        &mut self,
        rule: Rule,
        primary: Loc,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let diagnostic = Diagnostic::new(rule, self.settings.severity(rule), primary, message);
        if self.settings.is_enabled(rule) {
            self.diagnostics.push(diagnostic);
            let last = self.diagnostics.len() - 1;
            &mut self.diagnostics[last]
        } else {
            self.discarded.insert(Box::new(diagnostic))
        }
    }

    /// Reports a finding at most as a warning (SPEC §3.3's softenings) when `soft`,
    /// unless the user set the rule's severity.
    pub fn report_soft(
        &mut self,
        rule: Rule,
        primary: Loc,
        message: impl Into<String>,
        soft: bool,
    ) -> &mut Diagnostic {
        let keep = self.settings.severity_overridden(rule);
        let d = self.report(rule, primary, message);
        if soft && !keep && d.severity > Severity::Warning {
            d.severity = Severity::Warning;
        }
        d
    }

    /// Appends findings made on another reporter (of the same settings), in order.
    pub fn extend(&mut self, diagnostics: Vec<Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

/// A failure of the run itself (exit 2), not a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    pub path: Option<String>,
    pub message: String,
}

/// Everything a run found, sorted, ready for an emitter.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    pub task_definitions: usize,
    pub run_errors: Vec<RunError>,
}

impl Report {
    /// Sorts by file name, line, column, code (SPEC §3.5) and drops exact duplicates.
    /// Sorts by file, line, column, code and message (stably: ties keep their
    /// order), then drops repeats of the same diagnostic. Sorts positions into
    /// a permutation instead of pairing each diagnostic with a copied key: this
    /// runs at a large run's high-water mark of memory.
    pub fn sort(&mut self, db: &crate::source::SourceDb) {
        let lines: Vec<(u32, u32)> = self
            .diagnostics
            .iter()
            .map(|d| {
                let lc = db.line_col(d.primary.file, d.primary.span.start);
                (lc.line, lc.column)
            })
            .collect();
        let key = |i: usize| {
            let d = &self.diagnostics[i];
            let (line, column) = lines[i];
            (
                db.name(d.primary.file),
                line,
                column,
                d.rule.code(),
                d.message.as_str(),
            )
        };
        let mut order: Vec<usize> = (0..self.diagnostics.len()).collect();
        order.sort_by(|&a, &b| key(a).cmp(&key(b)));
        let mut keep = vec![true; order.len()];
        for pair in order.windows(2) {
            if let [a, b] = *pair {
                keep[b] = !(key(a) == key(b) && self.diagnostics[a] == self.diagnostics[b]);
            }
        }
        permute(&mut self.diagnostics, &order);
        let mut kept = order.iter().map(|&i| keep[i]);
        self.diagnostics.retain(|_| kept.next().unwrap_or(true));
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Number of findings per rule, in code order.
    pub fn statistics(&self) -> Vec<(Rule, usize)> {
        let mut counts: HashMap<Rule, usize> = HashMap::new();
        for d in &self.diagnostics {
            *counts.entry(d.rule).or_default() += 1;
        }
        let mut out: Vec<(Rule, usize)> = counts.into_iter().collect();
        out.sort();
        out
    }
}

/// Reorders `items` so that position `k` holds what was at `order[k]` (`order` a
/// permutation of the positions), in place: each cycle of the permutation is
/// walked once with swaps.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        if placed[start] {
            continue;
        }
        // Walk the cycle through `start`: fill `k` from `order[k]`.
        let mut k = start;
        loop {
            placed[k] = true;
            let from = order[k];
            if from == start || placed[from] {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    /// A large run holds thousands of findings (six thousand on the 10,000-file corpus).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_diagnostic_stays_small() {
        assert!(std::mem::size_of::<super::Diagnostic>() <= 240);
    }

    /// Every permutation of up to six positions, against building the result by copying.
    #[test]
    fn permute_places_each_item_where_the_order_says() {
        fn all(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![Vec::new()];
            }
            let mut out = Vec::new();
            for p in all(n - 1) {
                for at in 0..=p.len() {
                    let mut q = p.clone();
                    q.insert(at, n - 1);
                    out.push(q);
                }
            }
            out
        }
        for n in 0..=6 {
            for order in all(n) {
                let items: Vec<String> = (0..n).map(|i| format!("item{i}")).collect();
                let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
                let mut got = items.clone();
                permute(&mut got, &order);
                assert_eq!(got, expected, "order {order:?}");
            }
        }
    }
}
