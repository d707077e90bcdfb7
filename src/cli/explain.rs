//! `ecslint explain CODE|NAME` and `ecslint rules`.

use std::io::Write;
use std::process::ExitCode;

use super::args::{ExplainArgs, RulesArgs, SimulateFormat};
use crate::rules::Rule;

/// Levenshtein distance, for did-you-mean.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The rule whose code or name is closest to `s`, if close enough.
pub fn suggest_rule(s: &str) -> Option<Rule> {
    let lower = s.to_ascii_lowercase();
    Rule::ALL
        .iter()
        .map(|r| {
            let d = edit_distance(&lower, &r.code().to_ascii_lowercase())
                .min(edit_distance(&lower, r.name()));
            (d, *r)
        })
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

pub fn explain(
    args: &ExplainArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    if let Some(rule) = Rule::from_code_or_name(&args.rule) {
        stdout.write_all(rule.doc().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    match suggest_rule(&args.rule) {
        Some(r) => writeln!(
            stderr,
            "ecslint: error: unknown rule `{}`; did you mean `{}` ({})?",
            args.rule,
            r.code(),
            r.name()
        )?,
        None => writeln!(
            stderr,
            "ecslint: error: unknown rule `{}`; `ecslint rules` lists them",
            args.rule
        )?,
    }
    Ok(ExitCode::from(2))
}

pub fn rules(args: &RulesArgs, stdout: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match args.format {
        SimulateFormat::Json => {
            let list: Vec<serde_json::Value> = Rule::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code(),
                        "name": r.name(),
                        "severity": r.default_severity().as_str(),
                        "summary": r.summary(),
                        "since": r.since(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *stdout, &list)?;
            writeln!(stdout)?;
        }
        SimulateFormat::Human => {
            for r in Rule::ALL {
                writeln!(
                    stdout,
                    "{}  {:<24} {:<8} {}",
                    r.code(),
                    r.name(),
                    r.default_severity().as_str(),
                    r.summary()
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_for_rules() {
        assert_eq!(suggest_rule("ECS10l"), Some(Rule::EcrPull));
        assert_eq!(suggest_rule("ecr-pul"), Some(Rule::EcrPull));
        assert_eq!(suggest_rule("completely-unrelated-words"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
