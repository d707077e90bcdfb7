//! The rule registry against the repository (STYLE.md §2.6, rule 5): every rule has
//! its doc page and at least one `pass/` and one `fail/` fixture; no fixture directory
//! is an orphan; codes are unique and names kebab-case.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ecslint::rules::Rule;

/// Rules that may still lack fixtures. This list must only shrink: the test fails when a
/// rule listed here has fixtures (remove it from the list) or a rule not listed has none.
/// ECS201–ECS206 are being implemented; their fixtures land with them.
const STILL_WITHOUT_FIXTURES: &[&str] = &[];

/// Top-level directories of `fixtures/` that are not rule directories.
const OTHER_FIXTURE_DIRS: &[&str] = &["e2e", "regressions"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn dir_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn rule_dir(rule: Rule) -> String {
    format!("{}-{}", rule.code(), rule.name())
}

#[test]
fn codes_are_unique_and_well_formed_and_names_kebab_case() {
    let codes: BTreeSet<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
    let names: BTreeSet<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    assert_eq!(codes.len(), Rule::ALL.len(), "two rules share a code");
    assert_eq!(names.len(), Rule::ALL.len(), "two rules share a name");
    for rule in Rule::ALL {
        let code = rule.code();
        assert!(
            code.len() == 6
                && code.starts_with("ECS")
                && code[3..].bytes().all(|b| b.is_ascii_digit()),
            "{code} is not ECS + three digits"
        );
        assert!(
            is_kebab(rule.name()),
            "{code}: `{}` is not kebab-case",
            rule.name()
        );
        assert_eq!(Rule::from_code_or_name(code), Some(*rule));
        assert_eq!(Rule::from_code_or_name(rule.name()), Some(*rule));
    }
    let mut sorted = Rule::ALL.to_vec();
    sorted.sort_by_key(|r| r.code());
    assert_eq!(sorted, Rule::ALL, "Rule::ALL is not in code order");
}

#[test]
fn every_rule_has_a_doc_page() {
    for rule in Rule::ALL {
        let path = root().join("rules").join(format!("{}.md", rule_dir(*rule)));
        assert!(
            path.is_file(),
            "{} has no page {}",
            rule.code(),
            path.display()
        );
    }
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    let mut problems = Vec::new();
    for rule in Rule::ALL {
        let dir = root().join("fixtures").join(rule_dir(*rule));
        let pass = dir_names(&dir.join("pass"));
        let fail = dir_names(&dir.join("fail"));
        let exempt = STILL_WITHOUT_FIXTURES.contains(&rule.code());
        match (pass.is_empty() || fail.is_empty(), exempt) {
            (true, false) => problems.push(format!(
                "{}: needs at least one case in fixtures/{}/pass and one in fixtures/{}/fail (found {} and {})",
                rule.code(),
                rule_dir(*rule),
                rule_dir(*rule),
                pass.len(),
                fail.len()
            )),
            (false, true) => problems.push(format!(
                "{}: has fixtures now: remove it from STILL_WITHOUT_FIXTURES",
                rule.code()
            )),
            _ => {}
        }
    }
    for code in STILL_WITHOUT_FIXTURES {
        if Rule::from_code_or_name(code).is_none() {
            problems.push(format!(
                "STILL_WITHOUT_FIXTURES names `{code}`, which is no rule"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_orphan_fixture_directories() {
    let known: BTreeSet<String> = Rule::ALL.iter().map(|r| rule_dir(*r)).collect();
    let mut problems = Vec::new();
    let fixtures = root().join("fixtures");
    for top in dir_names(&fixtures) {
        if OTHER_FIXTURE_DIRS.contains(&top.as_str()) {
            continue;
        }
        if !known.contains(&top) {
            problems.push(format!("fixtures/{top}: no rule is called that"));
            continue;
        }
        for kind in dir_names(&fixtures.join(&top)) {
            if kind != "pass" && kind != "fail" {
                problems.push(format!(
                    "fixtures/{top}/{kind}: only `pass` and `fail` may be here"
                ));
                continue;
            }
            for scenario in dir_names(&fixtures.join(&top).join(&kind)) {
                let case = fixtures.join(&top).join(&kind).join(&scenario);
                if !is_kebab(&scenario) {
                    problems.push(format!(
                        "fixtures/{top}/{kind}/{scenario}: not a kebab-case name"
                    ));
                }
                if !case.join("case.toml").is_file() {
                    problems.push(format!("fixtures/{top}/{kind}/{scenario}: no case.toml"));
                }
                if !case.join("expected.snap").is_file() {
                    problems.push(format!(
                        "fixtures/{top}/{kind}/{scenario}: no expected.snap"
                    ));
                }
                if !dir_names(&case).is_empty() {
                    problems.push(format!(
                        "fixtures/{top}/{kind}/{scenario}: a case holds files, not directories"
                    ));
                }
            }
        }
    }
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            problems.push(format!(
                "fixtures/{}: a stray file",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn kebab_case_check_can_fail() {
    assert!(is_kebab("secret-arn-granted"));
    for bad in [
        "Secret-arn",
        "secret_arn",
        "-secret",
        "secret-",
        "secret--arn",
        "",
    ] {
        assert!(!is_kebab(bad), "{bad}");
    }
}
