//! The per-rule fixtures (STYLE.md §2.6): `fixtures/<CODE>-<name>/{pass,fail}/<scenario>/`.
//!
//! Each case runs the binary from the case directory with only its rule selected
//! (`--select CODE`): a `pass/` case must yield no finding, a `fail/` case at least one,
//! all of that code, and the (code, file, pointer) set must equal the hand-written
//! `[[expect]]` list of `case.toml`. The `human` rendering is then snapshotted beside the
//! case as `expected.snap`. Every broken case is reported in one run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

/// `case.toml`: the hand-written truth of a case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseToml {
    /// Extra command-line arguments, e.g. `["--region", "eu-west-1"]`.
    #[serde(default)]
    args: Vec<String>,
    /// Files of the case passed as `--policy`; every other file is passed as a path.
    #[serde(default)]
    policy: Vec<String>,
    /// The exact set of findings expected (empty for a pass case).
    #[serde(default)]
    expect: Vec<Expect>,
    /// Why the case exists, when the scenario name is not enough.
    #[serde(default)]
    note: Option<String>,
}

/// One expected finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: String,
    file: String,
    pointer: String,
}

/// Files of a case directory that are not inputs.
const NOT_INPUTS: &[&str] = &[
    "case.toml",
    "expected.snap",
    "ecslint.toml",
    ".ecslint.toml",
];

/// The input files of a case (sorted), and whether it carries its own config.
fn case_inputs(dir: &Path) -> (Vec<String>, bool) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let config = names
        .iter()
        .any(|n| n == "ecslint.toml" || n == ".ecslint.toml");
    names.retain(|n| !NOT_INPUTS.contains(&n.as_str()));
    (names, config)
}

/// The rule code a fixture path belongs to: `fixtures/ECS105-ssm-parameter/...` → `ECS105`.
fn code_of(case_dir: &Path) -> (String, String) {
    let kind = case_dir.parent().unwrap();
    let rule_dir = kind
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    let code = rule_dir.split('-').next().unwrap().to_string();
    (
        code,
        kind.file_name().unwrap().to_str().unwrap().to_string(),
    )
}

fn run(
    case_dir: &Path,
    case: &CaseToml,
    code: &str,
    format: &str,
) -> (Option<i32>, String, String) {
    let (inputs, has_config) = case_inputs(case_dir);
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("ecslint"));
    cmd.current_dir(case_dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .args([
            "check", "--select", code, "--format", format, "--color", "never",
        ]);
    if !has_config {
        cmd.arg("--no-config");
    }
    for p in &case.policy {
        cmd.args(["--policy", p]);
    }
    cmd.args(&case.args);
    for input in inputs.iter().filter(|n| !case.policy.contains(n)) {
        cmd.arg(input);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Checks one case; returns what is wrong with it.
fn check_case(case_toml: &Path) -> Vec<String> {
    let dir = case_toml.parent().unwrap();
    let mut problems = Vec::new();
    let case: CaseToml = match toml::from_str(&std::fs::read_to_string(case_toml).unwrap()) {
        Ok(c) => c,
        Err(e) => return vec![format!("case.toml does not parse: {e}")],
    };
    let (code, kind) = code_of(dir);
    let (inputs, _) = case_inputs(dir);
    for p in &case.policy {
        if !inputs.contains(p) {
            problems.push(format!(
                "`policy` names `{p}`, which is not a file of the case"
            ));
        }
    }
    let (status, stdout, stderr) = run(dir, &case, &code, "json");
    if status == Some(2) || status.is_none() || !stderr.is_empty() {
        problems.push(format!("the run failed ({status:?}): {stderr}"));
        return problems;
    }
    let json: serde_json::Value = match serde_json::from_str(&stdout) {
        Ok(v) => v,
        Err(e) => return vec![format!("the JSON output does not parse: {e}\n{stdout}")],
    };
    let diagnostics = json["diagnostics"].as_array().unwrap();
    // Multisets: several ECS110 findings may share one `Condition`.
    let mut found: Vec<Expect> = diagnostics
        .iter()
        .map(|d| Expect {
            code: d["code"].as_str().unwrap().to_string(),
            file: d["file"].as_str().unwrap().to_string(),
            pointer: d["pointer"].as_str().unwrap().to_string(),
        })
        .collect();
    found.sort();
    let mut expected: Vec<Expect> = case.expect.clone();
    expected.sort();
    match kind.as_str() {
        "pass" => {
            if !diagnostics.is_empty() {
                problems.push(format!("a pass case has findings: {found:?}"));
            }
            if !case.expect.is_empty() {
                problems.push("a pass case must not list `[[expect]]`".to_string());
            }
        }
        "fail" => {
            if diagnostics.is_empty() {
                problems.push("a fail case has no finding".to_string());
            }
            if let Some(other) = found.iter().find(|f| f.code != code) {
                problems.push(format!("a finding of another rule: {other:?}"));
            }
            if case.expect.is_empty() {
                problems.push("a fail case must list its `[[expect]]` findings".to_string());
            }
        }
        other => problems.push(format!("`{other}` is neither `pass` nor `fail`")),
    }
    if found != expected {
        let missing: Vec<_> = expected.iter().filter(|e| !found.contains(e)).collect();
        let extra: Vec<_> = found.iter().filter(|f| !expected.contains(f)).collect();
        problems.push(format!(
            "findings differ from `[[expect]]`: expected but not found {missing:?}; found but not expected {extra:?} (all found: {found:?})"
        ));
    }
    let want_status = i32::from(diagnostics.iter().any(|d| d["severity"] == "error"));
    if status != Some(want_status) {
        problems.push(format!("exit code {status:?}, expected {want_status}"));
    }
    problems
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every `case.toml` under `fixtures/<rule>/{pass,fail}/`, sorted.
fn all_cases() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir(fixtures_dir()).unwrap() {
        let rule = rule.unwrap().path();
        for kind in ["pass", "fail"] {
            let Ok(cases) = std::fs::read_dir(rule.join(kind)) else {
                continue;
            };
            for case in cases {
                let case = case.unwrap().path().join("case.toml");
                if case.is_file() {
                    out.push(case);
                }
            }
        }
    }
    out.sort();
    out
}

fn case_name(case_toml: &Path) -> String {
    let dir = case_toml.parent().unwrap();
    dir.strip_prefix(fixtures_dir())
        .unwrap()
        .display()
        .to_string()
}

/// The JSON findings of every case against its `[[expect]]` list; all broken cases at once.
#[test]
fn every_fixture_meets_its_expectations() {
    let cases = all_cases();
    assert!(cases.len() > 50, "only {} fixture cases found", cases.len());
    let mut broken: Vec<String> = Vec::new();
    for path in &cases {
        let name = case_name(path);
        let note = toml::from_str::<CaseToml>(&std::fs::read_to_string(path).unwrap())
            .ok()
            .and_then(|c| c.note);
        for problem in check_case(path) {
            match &note {
                Some(note) => broken.push(format!("{name}: {problem} (the case: {note})")),
                None => broken.push(format!("{name}: {problem}")),
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken fixture expectations:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// The `human` rendering of every case, snapshotted beside it as `expected.snap`.
#[test]
fn every_fixture_renders_as_snapshotted() {
    insta::glob!("../fixtures", "*/*/*/case.toml", |path| {
        let dir = path.parent().unwrap();
        let case: CaseToml =
            toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap_or_default();
        let (code, _) = code_of(dir);
        let (_, human, _) = run(dir, &case, &code, "human");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.remove_snapshot_suffix();
        settings.set_input_file(path);
        settings.set_description(case_name(path));
        settings.bind(|| insta::assert_snapshot!("expected", human));
    });
}

#[test]
fn the_harness_rejects_unknown_case_keys() {
    let bad: Result<CaseToml, _> = toml::from_str("arg = [\"--region\"]\n");
    assert!(bad.is_err());
    let good: CaseToml = toml::from_str(
        "args = [\"--region\", \"eu-west-1\"]\n[[expect]]\ncode = \"ECS105\"\nfile = \"td.json\"\npointer = \"\"\n",
    )
    .unwrap();
    assert_eq!(good.args, ["--region", "eu-west-1"]);
    assert_eq!(good.expect.len(), 1);
}
