//! One CloudFormation stack written in YAML with short-form tags and in JSON
//! with long-form intrinsics gives the same findings at the corresponding
//! places (same codes, pointers and missing pairs).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const YAML: &str = r"AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
    Default: prod
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Mappings:
  Accounts:
    prod: {Registry: '111122223333'}
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub '/ecs/${Env}/api'
  Token:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Join ['/', ['', !Ref Env, api, token]]
      Type: String
      Value: x
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: exec
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: [logs:CreateLogStream, logs:PutLogEvents]
                Resource: !GetAtt Logs.Arn
              - Effect: Allow
                Action: ssm:GetParameter
                Resource: !Sub 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Token}'
              - !If
                - IsProd
                - Effect: Allow
                  Action: ecr:GetAuthorizationToken
                  Resource: '*'
                - !Ref AWS::NoValue
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      ExecutionRoleArn: !GetAtt [Role, Arn]
      ContainerDefinitions:
        - Name: api
          Image: !Sub
            - '${Registry}.dkr.ecr.${AWS::Region}.amazonaws.com/api:${Env}'
            - Registry: !FindInMap [Accounts, !Ref Env, Registry]
          Secrets:
            - Name: TOKEN
              ValueFrom: !Ref Token
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: !Ref Logs
              awslogs-region: !Ref AWS::Region
              awslogs-stream-prefix: !Select [0, !Split ['-', 'api-v2']]
";

const JSON: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
  "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
  "Mappings": {"Accounts": {"prod": {"Registry": "111122223333"}}},
  "Resources": {
    "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/ecs/${Env}/api"}}},
    "Token": {"Type": "AWS::SSM::Parameter", "Properties": {
      "Name": {"Fn::Join": ["/", ["", {"Ref": "Env"}, "api", "token"]]}, "Type": "String", "Value": "x"}},
    "Role": {"Type": "AWS::IAM::Role", "Properties": {
      "AssumeRolePolicyDocument": {"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
      "Policies": [{"PolicyName": "exec", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": {"Fn::GetAtt": ["Logs", "Arn"]}},
        {"Effect": "Allow", "Action": "ssm:GetParameter",
         "Resource": {"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Token}"}},
        {"Fn::If": ["IsProd", {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}, {"Ref": "AWS::NoValue"}]}
      ]}}]}},
    "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
      "RequiresCompatibilities": ["FARGATE"],
      "ExecutionRoleArn": {"Fn::GetAtt": "Role.Arn"},
      "ContainerDefinitions": [{
        "Name": "api",
        "Image": {"Fn::Sub": ["${Registry}.dkr.ecr.${AWS::Region}.amazonaws.com/api:${Env}",
                              {"Registry": {"Fn::FindInMap": ["Accounts", {"Ref": "Env"}, "Registry"]}}]},
        "Secrets": [{"Name": "TOKEN", "ValueFrom": {"Ref": "Token"}}],
        "LogConfiguration": {"LogDriver": "awslogs", "Options": {
          "awslogs-group": {"Ref": "Logs"}, "awslogs-region": {"Ref": "AWS::Region"},
          "awslogs-stream-prefix": {"Fn::Select": [0, {"Fn::Split": ["-", "api-v2"]}]}}}
      }]}}
  }
}
"#;

/// (code, pointer, missing pairs) of every finding.
fn findings(name: &str, text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ecslint"))
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--region",
            "eu-west-1",
            "--account",
            "123456789012",
            name,
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut out: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {} {}", d["code"], d["pointer"], d["missing"]))
        .collect();
    out.sort();
    out
}

#[test]
fn yaml_and_json_templates_give_the_same_findings() {
    let yaml = findings("stack.yaml", YAML);
    let json = findings("stack.json", JSON);
    assert_eq!(yaml, json);
    // The stack's real problems: GetParameter for GetParameters, and the cross-account
    // image's repository is not granted.
    let codes: Vec<&str> = yaml.iter().map(|f| &f[1..7]).collect();
    assert!(codes.contains(&"ECS105"), "{yaml:#?}");
    assert!(codes.contains(&"ECS101"), "{yaml:#?}");
    assert!(
        !codes.contains(&"ECS103"),
        "the log group ARN from GetAtt ends in :*: {yaml:#?}"
    );
    assert!(yaml.iter().any(|f| {
        f.contains("/Resources/Task/Properties/ContainerDefinitions/0/Secrets/0/ValueFrom")
    }));
    assert!(
        yaml.iter()
            .any(|f| f.contains("arn:aws:ecr:eu-west-1:111122223333:repository/api"))
    );
}
