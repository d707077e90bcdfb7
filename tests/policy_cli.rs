//! `ecslint policy` end to end: the three formats, exit codes, and the round trip
//! SPEC §2 promises: the printed policy, fed back with `--policy`, leaves no
//! missing-permission finding (ECS101–ECS112). The round trip runs over every
//! failing example of the rule docs, the cases below, and `fixtures/**` when present.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn cmd() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("ecslint")
}

const TASK: &str = r#"{
  "family": "web",
  "requiresCompatibilities": ["EC2"],
  "executionRoleArn": "arn:aws:iam::123456789012:role/web-execution",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1",
      "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"},
      "secrets": [
        {"name": "DB", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/web/db-password"},
        {"name": "API", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api"},
        {"name": "BARE", "valueFrom": "BARE_NAME"},
        {"name": "REF", "valueFrom": "/aws/reference/secretsmanager/prod/ref"}
      ],
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/ecs/web", "awslogs-create-group": "true"}
      },
      "environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::env-bucket/web.env"}]
    },
    {
      "name": "router",
      "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1",
      "firelensConfiguration": {
        "type": "fluentbit",
        "options": {"config-file-type": "s3", "config-file-value": "arn:aws:s3:::cfg-bucket/fluent.conf"}
      }
    }
  ]
}
"#;

/// A task definition with no ARN to take a region or account from.
const BARE_TASK: &str = r#"{
  "family": "bare",
  "executionRoleArn": "web-execution",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "nginx:1.27",
      "secrets": [{"name": "P", "valueFrom": "/prod/p"}],
      "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g"}}
    }
  ]
}
"#;

/// A template whose execution role is a parameter (so `--policy` applies) and whose
/// ARNs use pseudo parameters.
const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ExecutionRoleArn:
    Type: String
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: tpl
      ExecutionRoleArn: !Ref ExecutionRoleArn
      ContainerDefinitions:
        - Name: app
          Image: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:1"
          Secrets:
            - Name: DB
              ValueFrom: !Sub "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tpl/db"
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/tpl
              awslogs-region: !Ref AWS::Region
          EnvironmentFiles:
            - Type: s3
              Value: !Sub "arn:${AWS::Partition}:s3:::tpl-bucket/app.env"
"#;

fn is_permission_code(code: &str) -> bool {
    code.strip_prefix("ECS")
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (101..=112).contains(&n))
}

/// Runs `policy` in `dir` over `inputs`, then `check --policy` with what it printed;
/// returns the policy JSON and the check's JSON report.
fn round_trip(
    dir: &Path,
    inputs: &[PathBuf],
    extra: &[&str],
) -> (serde_json::Value, serde_json::Value) {
    let out = cmd()
        .current_dir(dir)
        .arg("policy")
        .args(extra)
        .args(inputs)
        .output()
        .unwrap();
    let policy = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "policy failed in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let policy_json: serde_json::Value = serde_json::from_str(&policy)
        .unwrap_or_else(|e| panic!("policy output is not JSON ({e}):\n{policy}"));
    let policy_path = dir.join("ecslint-generated-policy.json.out");
    fs::write(&policy_path, &policy).unwrap();
    let out = cmd()
        .current_dir(dir)
        .args(["check", "--format", "json", "--policy"])
        .arg(&policy_path)
        .args(extra)
        .args(inputs)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (policy_json, report)
}

fn assert_no_missing_permission(
    report: &serde_json::Value,
    policy: &serde_json::Value,
    what: &str,
) {
    let bad: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        // ECS004 too: it would mean `--policy` was not used, and the round trip proved nothing.
        .filter(|d| {
            let code = d["code"].as_str().unwrap();
            // A cross-account resource stays conditional whatever the role grants: the
            // other account's resource policy decides too (IAM.md R39).
            let cross_account = code == "ECS110"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("the resource policy in account");
            (is_permission_code(code) && !cross_account) || code == "ECS004"
        })
        .map(|d| format!("{} {} {}", d["code"], d["message"], d["missing"]))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: the generated policy leaves findings:\n{}\npolicy:\n{policy:#}",
        bad.join("\n")
    );
}

#[test]
fn json_is_a_least_privilege_document() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("task.json"), TASK).unwrap();
    let (policy, report) = round_trip(dir.path(), &["task.json".into()], &["--no-config"]);
    assert_eq!(policy["Version"], "2012-10-17");
    let statements = policy["Statement"].as_array().unwrap();
    // Every statement allows, has a unique Sid, and names one service.
    let mut sids = std::collections::BTreeSet::new();
    for st in statements {
        assert_eq!(st["Effect"], "Allow");
        assert!(sids.insert(st["Sid"].as_str().unwrap().to_string()));
        let services: std::collections::BTreeSet<&str> = st["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().split(':').next().unwrap())
            .collect();
        assert_eq!(services.len(), 1, "{st}");
    }
    // `ecr:GetAuthorizationToken` alone on `*`; nothing else on `*`.
    for st in statements {
        let actions = st["Action"].as_array().unwrap();
        let star = st["Resource"].as_array().unwrap().iter().any(|r| r == "*");
        assert_eq!(
            star,
            actions.iter().any(|a| a == "ecr:GetAuthorizationToken"),
            "{st}"
        );
        if star {
            assert_eq!(actions.len(), 1);
        }
    }
    let text = policy.to_string();
    for want in [
        "arn:aws:ecr:eu-west-1:123456789012:repository/app",
        "arn:aws:ecr:eu-west-1:123456789012:repository/docker-hub/library/nginx",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-??????",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/web/db-password",
        "parameter/aws/reference/secretsmanager/prod/ref",
        "secret:prod/ref-??????",
        "log-group:/ecs/web:*",
        "logs:CreateLogGroup",
        "arn:aws:s3:::env-bucket/web.env",
        "arn:aws:s3:::cfg-bucket/fluent.conf",
        "ecr:BatchImportUpstreamImage",
    ] {
        assert!(text.contains(want), "missing {want} in {policy:#}");
    }
    assert_no_missing_permission(&report, &policy, "kitchen-sink task");
}

#[test]
fn unknown_region_and_account_become_wildcards_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bare.json"), BARE_TASK).unwrap();
    let (policy, report) = round_trip(dir.path(), &["bare.json".into()], &["--no-config"]);
    let text = policy.to_string();
    assert!(
        text.contains("arn:aws:ssm:*:*:parameter/prod/p"),
        "{policy:#}"
    );
    assert!(
        text.contains("arn:aws:logs:*:*:log-group:g:*"),
        "{policy:#}"
    );
    assert!(
        !text.contains("REGION") && !text.contains("ACCOUNT"),
        "{policy:#}"
    );
    assert_no_missing_permission(&report, &policy, "bare task");
    // Given a region and account, the policy names them.
    let (policy, report) = round_trip(
        dir.path(),
        &["bare.json".into()],
        &[
            "--no-config",
            "--region",
            "eu-north-1",
            "--account",
            "111122223333",
        ],
    );
    assert!(
        policy
            .to_string()
            .contains("arn:aws:ssm:eu-north-1:111122223333:parameter/prod/p"),
        "{policy:#}"
    );
    assert_no_missing_permission(&report, &policy, "bare task with region");
}

#[test]
fn template_round_trip_and_cfn_yaml() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("stack.yaml"), TEMPLATE).unwrap();
    let (policy, report) = round_trip(dir.path(), &["stack.yaml".into()], &["--no-config"]);
    assert!(
        policy
            .to_string()
            .contains("arn:aws:s3:::tpl-bucket/app.env"),
        "{policy:#}"
    );
    assert_no_missing_permission(&report, &policy, "template");
    let out = cmd()
        .current_dir(dir.path())
        .args([
            "policy",
            "--no-config",
            "--format",
            "cfn-yaml",
            "stack.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let yaml = String::from_utf8(out.stdout).unwrap();
    assert!(yaml.starts_with("- PolicyName: "), "{yaml}");
    assert!(yaml.contains("    Version: \"2012-10-17\"\n"), "{yaml}");
    assert!(
        yaml.contains("- !Sub \"arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/tpl/db\""),
        "{yaml}"
    );
    assert!(
        yaml.contains("${AWS::Region}:${AWS::AccountId}:log-group:/ecs/tpl:*"),
        "{yaml}"
    );
    // The YAML is a list with one entry, as `Policies` wants: ecslint's own YAML
    // front end reads it back (it knows `!Sub`).
    let back = dir.path().join("policies.yaml");
    fs::write(
        &back,
        format!(
            "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n{}",
            indent(&yaml, 8)
        ),
    )
    .unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "ECS001,ECS002",
            "policies.yaml",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["diagnostics"], serde_json::json!([]), "{yaml}");
}

fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::new();
    for l in text.lines() {
        out.push_str(&pad);
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[test]
fn hcl_is_a_policy_document_data_source() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("task.json"), TASK).unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["policy", "--no-config", "--format", "hcl", "task.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let hcl = String::from_utf8(out.stdout).unwrap();
    assert!(hcl.starts_with("data \"aws_iam_policy_document\" \"ecs_task_execution\" {\n"));
    assert!(hcl.ends_with("}\n"));
    // Balanced braces, and every statement has the four attributes.
    assert_eq!(hcl.matches('{').count(), hcl.matches('}').count());
    let n = hcl.matches("  statement {").count();
    assert!(n >= 5, "{hcl}");
    for attr in [
        "    sid       = \"",
        "    effect    = \"Allow\"",
        "    actions   = [\"",
        "    resources = [\"",
    ] {
        assert_eq!(hcl.matches(attr).count(), n, "{attr} in {hcl}");
    }
    assert!(hcl.contains("resources = [\"*\"]"));
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("broken.json"),
        "{\"containerDefinitions\": [",
    )
    .unwrap();
    fs::write(dir.path().join("task.json"), BARE_TASK).unwrap();
    // A file that does not parse: the policy is still printed, the error goes to stderr, exit 1.
    let out = cmd()
        .current_dir(dir.path())
        .args(["policy", "--no-config", "broken.json", "task.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("broken.json:") && stderr.contains("[ECS001]"),
        "{stderr}"
    );
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(policy.to_string().contains("parameter/prod/p"));
    // A path that does not exist: exit 2.
    cmd()
        .current_dir(dir.path())
        .args(["policy", "--no-config", "nope.json"])
        .assert()
        .code(2);
    // No task definition: an empty document and a warning.
    let empty = tempfile::tempdir().unwrap();
    let out = cmd()
        .current_dir(empty.path())
        .args(["policy", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(policy["Statement"], serde_json::json!([]));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("no task definition")
    );
}

// ---------------------------------------------------------------------------
// The round trip over the rule docs' examples and fixtures/**

/// Whether an input describes IAM (a role or its policies): those are left out, so
/// that the execution role's policies come from `--policy`.
fn is_iam_input(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => [
            "Statement",
            "PolicyDocument",
            "Role",
            "RoleDetailList",
            "AssumeRolePolicyDocument",
            "PolicyVersion",
        ]
        .iter()
        .any(|k| v.get(k).is_some()),
        // YAML: a template that describes roles or policies.
        Err(_) => text.contains("AWS::IAM::"),
    }
}

/// The `(title, content)` blocks of each case of a rule page's `## Example`.
fn example_cases(page: &str) -> Vec<Vec<(String, String)>> {
    let mut cases: Vec<Vec<(String, String)>> = vec![Vec::new()];
    let mut in_example = false;
    let mut open: Option<(String, String)> = None;
    for line in page.lines() {
        if let Some((title, mut content)) = open.take() {
            if line.trim_end() == "```" {
                if in_example && !title.is_empty() {
                    cases.last_mut().unwrap().push((title, content));
                }
            } else {
                content.push_str(line);
                content.push('\n');
                open = Some((title, content));
            }
            continue;
        }
        if let Some(info) = line.strip_prefix("```") {
            let title = info
                .split("title=\"")
                .nth(1)
                .and_then(|t| t.split('"').next())
                .unwrap_or("")
                .to_string();
            open = Some((title, String::new()));
        } else if let Some(h) = line.strip_prefix("## ") {
            in_example = h.trim() == "Example";
        } else if in_example && line.trim() == "Use instead:" {
            cases.push(Vec::new());
        }
    }
    cases.retain(|c| !c.is_empty());
    cases
}

fn check_case(files: &[(String, String)], what: &str) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    let mut has_task = false;
    for (title, content) in files {
        if Path::new(title).extension().is_some_and(|e| e == "toml") {
            // A config that describes roles would bypass `--policy`.
            if !content.contains("[roles.") {
                fs::write(dir.path().join(title), content).unwrap();
            }
            continue;
        }
        if is_iam_input(content) {
            continue;
        }
        has_task |=
            content.contains("containerDefinitions") || content.contains("ContainerDefinitions");
        fs::write(dir.path().join(title), content).unwrap();
        inputs.push(PathBuf::from(title));
    }
    if !has_task {
        return 0;
    }
    let (policy, report) = round_trip(dir.path(), &inputs, &[]);
    assert_no_missing_permission(&report, &policy, what);
    1
}

#[test]
fn round_trip_over_rule_doc_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut pages: Vec<PathBuf> = fs::read_dir(root.join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    for page in pages {
        let text = fs::read_to_string(&page).unwrap();
        for (i, case) in example_cases(&text).iter().enumerate() {
            checked += check_case(case, &format!("{} case {i}", page.display()));
        }
    }
    // Every permission rule's page has a task definition example.
    assert!(
        checked >= 12,
        "only {checked} example cases had a task definition"
    );
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .is_some_and(|x| x == "json" || x == "yaml" || x == "yml" || x == "template")
        {
            out.push(p);
        }
    }
}

/// Each task-definition file under `fixtures/` on its own (none yet in some branches).
#[test]
fn round_trip_over_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    if files.is_empty() {
        eprintln!("no fixtures/ in this checkout: nothing to round-trip");
        return;
    }
    for f in files {
        let Ok(text) = fs::read_to_string(&f) else {
            continue;
        };
        // A template or plan that defines its own role: `--policy` does not apply to it.
        if is_iam_input(&text)
            || text.contains("AWS::IAM::Role")
            || text.contains("\"aws_iam_role\"")
        {
            continue;
        }
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        check_case(&[(name, text)], &f.display().to_string());
    }
}
