//! Infrastructure-as-code coverage of the fixtures (issue 4): every permission rule
//! ECS101–ECS112 has at least one `fail/` case whose inputs include a CloudFormation
//! template and one whose inputs include a Terraform plan, so that neither front end
//! can lose its coverage of a rule unnoticed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// The permission rules, each of which must be exercised through both front ends.
const RULES: &[&str] = &[
    "ECS101", "ECS102", "ECS103", "ECS104", "ECS105", "ECS106", "ECS107", "ECS108", "ECS109",
    "ECS110", "ECS111", "ECS112",
];

/// The front end a fixture input belongs to, told by content as ecslint does (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Front {
    CloudFormation,
    Terraform,
}

fn front_of(path: &Path) -> Option<Front> {
    let name = path.file_name()?.to_str()?;
    if matches!(name, "case.toml" | "expected.snap") {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext == "json" {
        let value: serde_json::Value = serde_json::from_str(&text).ok()?;
        if value.get("format_version").is_some() && value.get("planned_values").is_some() {
            return Some(Front::Terraform);
        }
        if value
            .get("Resources")
            .is_some_and(serde_json::Value::is_object)
        {
            return Some(Front::CloudFormation);
        }
        return None;
    }
    let yaml = matches!(ext.as_str(), "yaml" | "yml" | "template");
    // A top-level `Resources:` key (short-form tags make a YAML parser unhelpful here).
    (yaml && text.lines().any(|l| l.trim_end() == "Resources:")).then_some(Front::CloudFormation)
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `(rule code, front end, case directory)` for every input of every `fail/` case.
fn fail_cases() -> Vec<(String, Front, PathBuf)> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir(fixtures_dir()).unwrap() {
        let rule = rule.unwrap().path();
        let name = rule.file_name().unwrap().to_str().unwrap().to_string();
        let code = name.split('-').next().unwrap().to_string();
        let Ok(cases) = std::fs::read_dir(rule.join("fail")) else {
            continue;
        };
        for case in cases {
            let case = case.unwrap().path();
            if !case.join("case.toml").is_file() {
                continue;
            }
            for file in std::fs::read_dir(&case).unwrap() {
                if let Some(front) = front_of(&file.unwrap().path()) {
                    out.push((code.clone(), front, case.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn every_permission_rule_fails_through_both_front_ends() {
    let cases = fail_cases();
    let mut gaps = Vec::new();
    for rule in RULES {
        for front in [Front::CloudFormation, Front::Terraform] {
            if !cases.iter().any(|(c, f, _)| c == rule && *f == front) {
                gaps.push(format!("{rule}: no fail/ case with a {front:?} input"));
            }
        }
    }
    assert!(
        gaps.is_empty(),
        "IaC fixture coverage gaps:\n{}",
        gaps.join("\n")
    );
}

#[test]
fn the_front_end_detection_tells_templates_from_plans() {
    let dir = std::env::temp_dir().join(format!("ecslint-iac-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let plan = write(
        "plan.json",
        r#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#,
    );
    let cfn_json = write("template.json", r#"{"Resources": {}}"#);
    let cfn_yaml = write(
        "template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Role:\n    Type: AWS::IAM::Role\n",
    );
    let task = write("task-definition.json", r#"{"containerDefinitions": []}"#);
    let policy = write("policy.yaml", "Statement: []\n");
    assert_eq!(front_of(&plan), Some(Front::Terraform));
    assert_eq!(front_of(&cfn_json), Some(Front::CloudFormation));
    assert_eq!(front_of(&cfn_yaml), Some(Front::CloudFormation));
    assert_eq!(front_of(&task), None);
    assert_eq!(front_of(&policy), None);
    std::fs::remove_dir_all(&dir).unwrap();
}
