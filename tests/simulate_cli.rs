//! `ecslint simulate` end to end: exit codes, JSON shape, multi-valued context, boundary.
#![allow(clippy::unwrap_used)] // test helpers

use assert_cmd::Command;
use predicates::prelude::*;

const DIR: &str = "tests/fixtures-simulate";
const REPO: &str = "arn:aws:ecr:us-east-1:123456789012:repository/app/web";
const SECRET_REPO: &str = "arn:aws:ecr:us-east-1:123456789012:repository/app/secret";

fn cmd() -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("ecslint");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn simulate(args: &[&str]) -> Command {
    let mut c = cmd();
    c.arg("simulate");
    for a in args {
        c.arg(a.replace('@', DIR));
    }
    c
}

fn json_of(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap()
}

#[test]
fn allowed_exits_0_with_json_shape() {
    let out = simulate(&[
        "--policy",
        "@/ecr.json",
        "--action",
        "ecr:BatchGetImage",
        "--resource",
        REPO,
        "--format",
        "json",
    ])
    .assert()
    .code(0)
    .get_output()
    .stdout
    .clone();
    let v = json_of(&out);
    assert_eq!(
        v,
        serde_json::json!({
            "decision": "allowed",
            "matched": [{"file": "tests/fixtures-simulate/ecr.json", "pointer": "/Statement/0", "sid": "Pull", "effect": "Allow"}]
        })
    );
}

#[test]
fn wildcard_only_action_on_star() {
    let out = simulate(&[
        "--policy",
        "@/ecr.json",
        "--action",
        "ecr:GetAuthorizationToken",
        "--resource",
        "*",
        "--format",
        "json",
    ])
    .assert()
    .code(0)
    .get_output()
    .stdout
    .clone();
    let v = json_of(&out);
    assert_eq!(v["matched"][0]["sid"], serde_json::Value::Null);
    assert_eq!(v["matched"][0]["pointer"], "/Statement/1");
}

#[test]
fn implicitly_denied_exits_1_with_empty_matched() {
    let out = simulate(&[
        "--policy",
        "@/ecr.json",
        "--action",
        "logs:PutLogEvents",
        "--resource",
        "arn:aws:logs:us-east-1:123456789012:log-group:x:log-stream:y",
        "--format",
        "json",
    ])
    .assert()
    .code(1)
    .get_output()
    .stdout
    .clone();
    assert_eq!(
        json_of(&out),
        serde_json::json!({"decision": "implicitly-denied", "matched": []})
    );
}

#[test]
fn multi_valued_context_triggers_for_any_value_deny() {
    let base = [
        "--policy",
        "@/ecr.json",
        "--action",
        "ecr:BatchGetImage",
        "--resource",
        SECRET_REPO,
        "--format",
        "json",
    ];
    // Absent key: ForAnyValue is false, the deny does not apply.
    simulate(&base).assert().code(0);
    let mut args = base.to_vec();
    args.extend([
        "--context",
        "aws:CalledVia=glue.amazonaws.com",
        "--context",
        "aws:calledvia=s3.amazonaws.com",
    ]);
    let out = simulate(&args).assert().code(1).get_output().stdout.clone();
    let v = json_of(&out);
    assert_eq!(v["decision"], "explicitly-denied");
    assert_eq!(v["matched"][0]["effect"], "Deny");
    assert_eq!(v["matched"][0]["pointer"], "/Statement/2");
}

#[test]
fn boundary_caps_identity_policies() {
    let logs = [
        "--policy",
        "@/logs.json",
        "--policy",
        "@/ecr.json",
        "--boundary",
        "@/boundary.json",
        "--action",
        "logs:PutLogEvents",
        "--resource",
        "arn:aws:logs:us-east-1:123456789012:log-group:x:log-stream:y",
        "--format",
        "json",
    ];
    simulate(&logs)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("implicitly-denied"));
    let ecr = [
        "--policy",
        "@/logs.json",
        "--policy",
        "@/ecr.json",
        "--boundary",
        "@/boundary.json",
        "--action",
        "ecr:BatchGetImage",
        "--resource",
        REPO,
        "--format",
        "json",
    ];
    let out = simulate(&ecr).assert().code(0).get_output().stdout.clone();
    let v = json_of(&out);
    let files: Vec<&str> = v["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        vec![
            "tests/fixtures-simulate/ecr.json",
            "tests/fixtures-simulate/boundary.json"
        ]
    );
    assert_eq!(v["matched"][1]["sid"], "OnlyEcr");
}

#[test]
fn invalid_statement_is_reported_and_grants_nothing() {
    let assert = simulate(&[
        "--policy",
        "@/invalid-effect.json",
        "--action",
        "logs:PutLogEvents",
        "--resource",
        "*",
        "--format",
        "json",
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains(
        "tests/fixtures-simulate/invalid-effect.json:4:16: error: invalid `Effect` \"allow\"",
    ))
    .stderr(predicate::str::contains("[ECS002]"));
    assert.stdout(predicate::str::contains("implicitly-denied"));
    simulate(&[
        "--policy",
        "@/invalid-effect.json",
        "--action",
        "ecr:BatchGetImage",
        "--resource",
        REPO,
    ])
    .assert()
    .code(0);
}

#[test]
fn human_output_shows_the_statement() {
    simulate(&[
        "--policy",
        "@/ecr.json",
        "--action",
        "ecr:BatchGetImage",
        "--resource",
        REPO,
    ])
    .assert()
    .code(0)
    .stdout(predicate::str::starts_with("allowed\n"))
    .stdout(predicate::str::contains("Allow statement `Pull`"))
    .stdout(predicate::str::contains("ecr.json:4:5"));
}

#[test]
fn policy_given_as_json_string() {
    simulate(&[
        "--policy",
        "@/as-string.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    ])
    .assert()
    .code(0);
}

#[test]
fn bad_inputs_exit_2() {
    simulate(&[
        "--policy",
        "@/broken.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("[ECS001]"));
    simulate(&[
        "--policy",
        "@/not-policy.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("not an IAM policy document"));
    simulate(&[
        "--policy",
        "@/missing.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ])
    .assert()
    .code(2);
    simulate(&[
        "--policy",
        "@/ecr.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
        "--context",
        "novalue",
    ])
    .assert()
    .code(2);
    simulate(&["--action", "s3:GetObject", "--resource", "*"])
        .assert()
        .code(2);
}
