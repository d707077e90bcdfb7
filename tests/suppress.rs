//! Suppressions end to end: `[[suppress]]` config entries (reason, paths,
//! pointer, expiry), template `Metadata` ignores, YAML comments, and ECS206
//! for the ones that match nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

const TASK: &str = r#"{
  "family": "web",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "nginx:1.27",
      "secrets": [
        {"name": "DB", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db"}
      ]
    }
  ]
}
"#;

const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;

fn codes(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_ecslint"))
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["pointer"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn case(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("task.json"), TASK).unwrap();
    std::fs::write(dir.path().join("policy.json"), POLICY).unwrap();
    std::fs::write(dir.path().join("ecslint.toml"), config).unwrap();
    dir
}

#[test]
fn a_config_entry_suppresses_and_an_unused_one_is_reported() {
    let dir = case(
        r#"
[[suppress]]
codes = ["ECS105"]
paths = ["task.json"]
pointer = "/containerDefinitions/0/secrets/0/valueFrom"
reason = "granted by the parameter's resource policy"

[[suppress]]
codes = ["ssm-parameter"]
paths = ["other/**"]
reason = "does not match this file"
"#,
    );
    let found = codes(dir.path(), &["task.json", "--policy", "policy.json"]);
    // ECS203: nothing the task needs is `s3:GetObject`.
    assert_eq!(
        found,
        vec![
            ("ECS206".to_string(), "/suppress/1".to_string()),
            ("ECS203".to_string(), "/Statement/0/Action".to_string())
        ]
    );
}

#[test]
fn without_the_suppression_the_finding_is_reported() {
    let dir = case("");
    let found = codes(dir.path(), &["task.json", "--policy", "policy.json"]);
    assert_eq!(
        found,
        vec![
            ("ECS203".to_string(), "/Statement/0/Action".to_string()),
            (
                "ECS105".to_string(),
                "/containerDefinitions/0/secrets/0/valueFrom".to_string()
            )
        ]
    );
}

#[test]
fn an_expired_entry_no_longer_applies_and_says_so() {
    let dir = case(
        r#"
[[suppress]]
codes = ["ECS105"]
reason = "temporary"
expires = 2020-01-31
"#,
    );
    let found = codes(dir.path(), &["task.json", "--policy", "policy.json"]);
    assert!(found.contains(&(
        "ECS105".to_string(),
        "/containerDefinitions/0/secrets/0/valueFrom".to_string()
    )));
    assert!(found.contains(&("ECS206".to_string(), "/suppress/0".to_string())));
}

#[test]
fn a_suppression_without_reason_is_a_config_error() {
    let dir = case("[[suppress]]\ncodes = [\"ECS105\"]\n");
    let out = Command::new(env!("CARGO_BIN_EXE_ecslint"))
        .current_dir(dir.path())
        .args(["check", "task.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reason"));
}

const TEMPLATE: &str = r"Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
            Condition: {StringEquals: {aws:SourceAccount: '123456789012'}}
  Task:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      ecslint:
        ignore:
          - code: ECS106
            reason: the secret's resource policy grants it
    Properties:
      ExecutionRoleArn: !GetAtt Role.Arn
      ContainerDefinitions:
        - Name: app
          Image: nginx
          Secrets:
            # ecslint: ignore[ECS105] granted by a shared parameter policy
            - {Name: A, ValueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/a'}
            - {Name: B, ValueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:b-AbCdEf'}
            # ecslint: ignore[ECS105] nothing on the next line needs it
            - {Name: C, ValueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:c-AbCdEf'}
";

#[test]
fn template_metadata_and_yaml_comments_suppress() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.yaml"), TEMPLATE).unwrap();
    let found = codes(dir.path(), &["--no-config", "stack.yaml"]);
    // ECS105 on A is suppressed by the comment, ECS106 on B and C by the metadata;
    // the second comment matches nothing.
    assert_eq!(
        found,
        vec![("ECS206".to_string(), String::new())],
        "{found:?}"
    );
}
