//! Suppressions: `[[suppress]]` entries of the config (a reason is required,
//! an `expires` date optional), template `Metadata: {ecslint: {ignore: [...]}}`
//! and YAML `# ecslint: ignore[CODE] reason` comments on the line before the
//! value; and ECS206 for every suppression that matches no finding (ruff's RUF100).

use globset::{Glob, GlobMatcher};

use crate::diagnostic::{Diagnostic, Loc, Report, Reporter};
use crate::parse::Span;
use crate::rules::Rule;
use crate::source::{FileId, SourceDb};

use super::Settings;
use super::load::World;

/// Where a suppression comes from.
#[derive(Debug, Clone)]
enum Origin {
    /// `[[suppress]]` entry N of the config.
    Config(usize),
    Metadata,
    Comment,
}

/// One suppression.
#[derive(Debug, Clone)]
struct Suppression {
    origin: Origin,
    rules: Vec<Rule>,
    /// Codes that name no rule (reported as unused).
    unknown_codes: Vec<String>,
    paths: Vec<GlobMatcher>,
    /// Only findings in this file (metadata, comments).
    file: Option<FileId>,
    /// Exact pointer (config) or pointer prefix (metadata).
    pointer: Option<String>,
    pointer_prefix: Option<String>,
    /// Only findings whose primary location starts on this 1-based line (comments).
    line: Option<u32>,
    /// `YYYY-MM-DD` after which the entry no longer applies.
    expired: Option<String>,
    loc: Option<Loc>,
    used: bool,
}

impl Suppression {
    fn matches(&self, d: &Diagnostic, db: &SourceDb) -> bool {
        if self.expired.is_some()
            || !self.rules.contains(&d.rule)
            || d.rule == Rule::UnusedSuppression
        {
            return false;
        }
        if let Some(f) = self.file
            && f != d.primary.file
        {
            return false;
        }
        if !self.paths.is_empty() {
            let name = db.name(d.primary.file);
            if !self.paths.iter().any(|g| g.is_match(name)) {
                return false;
            }
        }
        if let Some(p) = &self.pointer
            && d.primary.pointer != *p
        {
            return false;
        }
        if let Some(prefix) = &self.pointer_prefix
            && !d.primary.pointer.is_at_or_under(prefix)
        {
            return false;
        }
        if let Some(line) = self.line
            && db.line_col(d.primary.file, d.primary.span.start).line != line
        {
            return false;
        }
        true
    }
}

fn rules_of(codes: &[String]) -> (Vec<Rule>, Vec<String>) {
    let mut rules = Vec::new();
    let mut unknown = Vec::new();
    for c in codes {
        let found = Rule::matching(c);
        if found.is_empty() {
            unknown.push(c.clone());
        }
        rules.extend(found);
    }
    (rules, unknown)
}

/// Today's date as `YYYY-MM-DD` (UTC), from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The byte span of the Nth `[[suppress]]` table of the config text.
fn suppress_table_span(text: &str, n: usize) -> Span {
    let mut offset = 0usize;
    let mut count = 0usize;
    let mut start: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            if let Some(s) = start {
                return Span::from_usize(s, offset);
            }
            if t.starts_with("[[suppress]]") {
                if count == n {
                    start = Some(offset);
                }
                count += 1;
            }
        }
        offset += line.len();
    }
    start.map_or(Span::new(0, 0), |s| {
        Span::from_usize(s, text.trim_end().len().max(s))
    })
}

/// `# ecslint: ignore[ECS105, ECS106] reason` comments of one file: (line of the value, codes, span of the comment).
fn comment_ignores(text: &str) -> Vec<(u32, Vec<String>, Span, bool)> {
    let mut out = Vec::new();
    let mut offset = 0usize;
    let mut pending: Vec<(Vec<String>, Span, bool)> = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('#') {
            let rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix("ecslint:") {
                let after = after.trim_start();
                if let Some(inner) = after.strip_prefix("ignore[")
                    && let Some(close) = inner.find(']')
                {
                    let codes: Vec<String> = inner[..close]
                        .split(',')
                        .map(|c| c.trim().to_string())
                        .filter(|c| !c.is_empty())
                        .collect();
                    let reason = inner[close + 1..].trim();
                    let start = offset + (line.len() - trimmed.len());
                    let end = offset + line.trim_end().len();
                    pending.push((codes, Span::from_usize(start, end), !reason.is_empty()));
                }
            }
        } else if !trimmed.trim().is_empty() {
            for (codes, span, has_reason) in pending.drain(..) {
                out.push((line_no, codes, span, has_reason));
            }
        }
        offset += line.len();
    }
    out
}

/// Drops suppressed findings and reports the suppressions that matched nothing.
pub fn apply(report: &mut Report, world: &mut World, settings: &Settings) {
    let mut all: Vec<Suppression> = Vec::new();
    let config = &settings.config;
    let today = today();
    let mut config_file: Option<FileId> = None;
    for (i, s) in config.suppress.iter().flatten().enumerate() {
        let (rules, unknown_codes) = rules_of(&s.codes);
        let paths = s
            .paths
            .iter()
            .flatten()
            .filter_map(|p| Glob::new(p).ok().map(|g| g.compile_matcher()))
            .collect();
        let expired = s
            .expires
            .as_ref()
            .and_then(|d| {
                d.date
                    .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
            })
            .filter(|d| *d < today);
        all.push(Suppression {
            origin: Origin::Config(i),
            rules,
            unknown_codes,
            paths,
            file: None,
            pointer: s.pointer.clone(),
            pointer_prefix: None,
            line: None,
            expired,
            loc: None,
            used: false,
        });
    }
    for ig in &world.ignores {
        let (rules, unknown_codes) = rules_of(std::slice::from_ref(&ig.code));
        all.push(Suppression {
            origin: Origin::Metadata,
            rules,
            unknown_codes,
            paths: Vec::new(),
            file: Some(ig.loc.file),
            pointer: None,
            pointer_prefix: Some(ig.resource_pointer.clone()),
            line: None,
            expired: None,
            loc: Some(ig.loc.clone()),
            used: false,
        });
    }
    let yaml_files: Vec<(FileId, String)> = world
        .db
        .iter()
        // Files whose text was released have no `ecslint:` comment (`check::load`).
        .filter_map(|(id, f)| f.kept_text().map(|t| (id, t)))
        .filter(|(_, t)| t.contains("ecslint:"))
        .map(|(id, t)| (id, t.to_string()))
        .collect();
    for (id, text) in yaml_files {
        for (line, codes, span, _has_reason) in comment_ignores(&text) {
            let (rules, unknown_codes) = rules_of(&codes);
            all.push(Suppression {
                origin: Origin::Comment,
                rules,
                unknown_codes,
                paths: Vec::new(),
                file: Some(id),
                pointer: None,
                pointer_prefix: None,
                line: Some(line),
                expired: None,
                loc: Some(Loc::new(id, span, String::new())),
                used: false,
            });
        }
    }
    if all.is_empty() {
        return;
    }
    let db = &world.db;
    // Suppressions tied to a file are tried only on that file's findings (a run
    // over thousands of templates has thousands of them).
    let mut global: Vec<usize> = Vec::new();
    let mut by_file: std::collections::HashMap<FileId, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, s) in all.iter().enumerate() {
        match s.file {
            Some(f) => by_file.entry(f).or_default().push(i),
            None => global.push(i),
        }
    }
    report.diagnostics.retain(|d| {
        let mut suppressed = false;
        let own = by_file.get(&d.primary.file).map_or(&[][..], Vec::as_slice);
        for &i in global.iter().chain(own) {
            if let Some(s) = all.get_mut(i)
                && s.matches(d, db)
            {
                s.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    let mut reporter = Reporter::new(&settings.rules);
    if !reporter.is_enabled(Rule::UnusedSuppression) {
        return;
    }
    for s in &all {
        if s.used {
            continue;
        }
        let loc = match (&s.origin, &s.loc) {
            (Origin::Config(n), _) => {
                let file = *config_file.get_or_insert_with(|| {
                    let name = config.path.as_deref().map_or_else(
                        || "ecslint.toml".to_string(),
                        crate::input::walk::display_path,
                    );
                    world.db.add(name, config.text.clone())
                });
                Loc::new(
                    file,
                    suppress_table_span(&config.text, *n),
                    format!("/suppress/{n}"),
                )
            }
            (_, Some(l)) => l.clone(),
            (_, None) => continue,
        };
        let codes = s
            .rules
            .iter()
            .map(|r| r.code().to_string())
            .chain(s.unknown_codes.iter().cloned())
            .collect::<Vec<_>>()
            .join(", ");
        let why = if let Some(date) = &s.expired {
            format!("it expired on {date}")
        } else if !s.unknown_codes.is_empty() && s.rules.is_empty() {
            "it names no known rule".to_string()
        } else if s.rules.iter().all(|r| !settings.rules.is_enabled(*r)) {
            "its rules are not enabled in this run".to_string()
        } else {
            "it matches no finding".to_string()
        };
        let what = match s.origin {
            Origin::Config(_) => "`[[suppress]]` entry",
            Origin::Metadata => "template `Metadata` ignore",
            Origin::Comment => "`# ecslint: ignore` comment",
        };
        reporter
            .report(
                Rule::UnusedSuppression,
                loc,
                format!("unused {what} for {codes}: {why}"),
            )
            .with_help("remove it, or fix its codes, paths or pointer");
    }
    report.diagnostics.extend(reporter.into_diagnostics());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.as_str() > "2024-01-01");
    }

    #[test]
    fn comments_apply_to_the_next_value_line() {
        let text = "a:\n  # ecslint: ignore[ECS105, ECS106] shared parameter\n\n  ValueFrom: x\n";
        let found = comment_ignores(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, 4);
        assert_eq!(found[0].1, vec!["ECS105", "ECS106"]);
        assert!(found[0].3);
    }

    #[test]
    fn suppress_tables_are_located() {
        let text = "region = \"x\"\n[[suppress]]\ncodes = [\"A\"]\nreason = \"r\"\n\n[[suppress]]\ncodes = [\"B\"]\nreason = \"r\"\n[roles.x]\n";
        let s0 = suppress_table_span(text, 0);
        assert!(text[s0.range()].starts_with("[[suppress]]\ncodes = [\"A\"]"));
        let s1 = suppress_table_span(text, 1);
        assert!(text[s1.range()].contains("\"B\""));
        assert!(!text[s1.range()].contains("roles"));
    }
}
