//! The hygiene rules' fixtures (`fixtures/ECS201-*` … `fixtures/ECS205-*`) run through
//! the binary, as the fixture harness runs them (STYLE.md §2.6): only the case's rule
//! selected, `pass/` cases without findings, `fail/` cases with exactly the
//! `[[expect]]` (code, file, pointer) findings. Also each rule doc's example: the
//! failing files give exactly one finding of the rule, the "Use instead" files none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseToml {
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    policy: Vec<String>,
    #[serde(default)]
    expect: Vec<Expect>,
    #[serde(default)]
    #[allow(dead_code, reason = "documentation for readers of the case")]
    note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: String,
    file: String,
    pointer: String,
}

const CODES: [&str; 5] = ["ECS201", "ECS202", "ECS203", "ECS204", "ECS205"];

/// Runs `ecslint check --select CODE --format json` in `dir`; returns the findings and the raw JSON.
fn run(
    dir: &Path,
    code: &str,
    inputs: &[String],
    policy: &[String],
    args: &[String],
) -> (Vec<Expect>, serde_json::Value) {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("ecslint"));
    cmd.current_dir(dir).args([
        "check",
        "--no-config",
        "--select",
        code,
        "--format",
        "json",
        "--color",
        "never",
    ]);
    for p in policy {
        cmd.args(["--policy", p]);
    }
    cmd.args(args);
    cmd.args(inputs);
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)) && stderr.is_empty(),
        "{}: the run failed ({:?}): {stderr}",
        dir.display(),
        out.status.code()
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<Expect> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| Expect {
            code: d["code"].as_str().unwrap().to_string(),
            file: d["file"].as_str().unwrap().to_string(),
            pointer: d["pointer"].as_str().unwrap().to_string(),
        })
        .collect();
    found.sort();
    (found, json)
}

fn cases() -> Vec<(String, String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap() {
        let rule = rule.unwrap().path();
        let name = rule.file_name().unwrap().to_str().unwrap().to_string();
        let code = name.split('-').next().unwrap().to_string();
        if !CODES.contains(&code.as_str()) {
            continue;
        }
        for kind in ["pass", "fail"] {
            let Ok(entries) = std::fs::read_dir(rule.join(kind)) else {
                continue;
            };
            for case in entries {
                out.push((code.clone(), kind.to_string(), case.unwrap().path()));
            }
        }
    }
    out.sort();
    out
}

fn check_case(code: &str, kind: &str, dir: &Path) -> Vec<String> {
    let case: CaseToml =
        toml::from_str(&std::fs::read_to_string(dir.join("case.toml")).unwrap()).unwrap();
    let mut inputs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "case.toml" && n != "expected.snap" && !case.policy.contains(n))
        .collect();
    inputs.sort();
    let (found, json) = run(dir, code, &inputs, &case.policy, &case.args);
    let mut problems = Vec::new();
    let mut expected = case.expect.clone();
    expected.sort();
    if kind == "pass" && !expected.is_empty() {
        problems.push("a pass case lists `[[expect]]`".to_string());
    }
    if kind == "fail" && found.is_empty() {
        problems.push("a fail case has no finding".to_string());
    }
    if found != expected {
        problems.push(format!(
            "found {found:?}, expected {expected:?}; messages: {:?}",
            json["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["message"].as_str().unwrap_or_default())
                .collect::<Vec<_>>()
        ));
    }
    problems
        .into_iter()
        .map(|p| format!("{}: {p}", dir.display()))
        .collect()
}

#[test]
fn every_hygiene_fixture_case() {
    let all = cases();
    for code in CODES {
        for kind in ["pass", "fail"] {
            assert!(
                all.iter().any(|(c, k, _)| c == code && k == kind),
                "{code} has no {kind} case"
            );
        }
    }
    let broken: Vec<String> = all
        .iter()
        .flat_map(|(code, kind, dir)| check_case(code, kind, dir))
        .collect();
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn plaintext_secret_values_never_appear_in_any_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ECS204-plaintext-secret/fail/api-key-token-and-secret-key");
    for format in [
        "human",
        "json",
        "gcc",
        "sarif",
        "github",
        "junit",
        "checkstyle",
    ] {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("ecslint"))
            .current_dir(&dir)
            .args([
                "check",
                "--no-config",
                "--select",
                "ECS204",
                "--format",
                format,
                "task-definition.json",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("STRIPE_API_KEY"), "{format}: {text}");
        for secret in ["sk_live_abcdef", "ghp_abcdef", "wJalrXUtnFEMI"] {
            assert!(!text.contains(secret), "{format} echoes a secret: {text}");
        }
    }
}

/// `(title, body)` of each file of an example.
type Files = Vec<(String, String)>;

/// The example of a rule doc, split into its failing and passing files.
fn doc_example(code: &str) -> (Files, Files) {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let page = std::fs::read_dir(&rules)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(code))
        .unwrap();
    let text = std::fs::read_to_string(page).unwrap();
    let example = text
        .split("## Example")
        .nth(1)
        .unwrap()
        .split("## How to fix")
        .next()
        .unwrap();
    let (failing, passing) = example.split_once("Use instead:").unwrap();
    let blocks = |part: &str| -> Files {
        part.split("```json title=\"")
            .skip(1)
            .map(|b| {
                let (title, rest) = b.split_once('"').unwrap();
                let body = rest.split_once('\n').unwrap().1;
                let body = body.split("```").next().unwrap();
                (title.to_string(), body.to_string())
            })
            .collect()
    };
    (blocks(failing), blocks(passing))
}

#[test]
fn rule_doc_examples_behave_as_documented() {
    for code in CODES {
        let (failing, passing) = doc_example(code);
        for (kind, files) in [("fail", &failing), ("pass", &passing)] {
            let dir = tempfile::tempdir().unwrap();
            // The passing example repeats only the files it changes.
            for (name, body) in failing.iter().chain(files.iter()) {
                std::fs::write(dir.path().join(name), body).unwrap();
            }
            let policy: Vec<String> = ["exec-policy.json"]
                .into_iter()
                .filter(|p| dir.path().join(p).exists())
                .map(str::to_string)
                .collect();
            let (found, _) = run(
                dir.path(),
                code,
                &["task-definition.json".to_string()],
                &policy,
                &[],
            );
            let want = usize::from(kind == "fail");
            assert_eq!(found.len(), want, "{code} {kind} example: {found:?}");
        }
    }
}
