//! IAM.md R45 (the permissions an ECS task needs) and R30 (every request the
//! linter makes fits the action's resource type), through the public API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecslint::diagnostic::{Reporter, RuleSettings};
use ecslint::model::task::{Style, TaskDefinition};
use ecslint::needs::{NeedsContext, needs};
use ecslint::parse::json;
use ecslint::source::FileId;

const TASK: &str = r#"{
  "family": "web",
  "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "requiresCompatibilities": ["FARGATE"],
  "volumes": [{"name": "share", "fsxWindowsFileServerVolumeConfiguration": {"fileSystemId": "fs-0123456789abcdef0", "rootDirectory": "share",
      "authorizationConfig": {"credentialsParameter": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fsx-AbCdEf", "domain": "corp"}}}],
  "containerDefinitions": [{
    "name": "app",
    "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1",
    "repositoryCredentials": {"credentialsParameter": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-AbCdEf"},
    "secrets": [
      {"name": "A", "valueFrom": "/prod/a"},
      {"name": "B", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/b:key::"},
      {"name": "C", "valueFrom": "/aws/reference/secretsmanager/prod/c"}
    ],
    "environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::config/web.env"}],
    "credentialSpecs": ["credentialspecdomainless:arn:aws:ssm:eu-west-1:123456789012:parameter/credspec"],
    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1",
      "awslogs-stream-prefix": "web", "awslogs-create-group": "true"}}
  }]
}"#;

fn all_needs() -> Vec<(String, String)> {
    let node = json::parse(TASK).unwrap();
    let settings = RuleSettings::default();
    let mut reporter = Reporter::new(&settings);
    let task = TaskDefinition::load(&node, FileId(0), "", Style::Api, &mut reporter);
    let found = needs(&task, &NeedsContext::default(), &mut reporter);
    assert!(
        reporter.diagnostics().is_empty(),
        "{:?}",
        reporter.diagnostics()
    );
    found
        .iter()
        .map(|n| (n.action.to_string(), n.grant.clone()))
        .collect()
}

#[test]
fn r45_the_required_set_of_an_ecs_task() {
    let got = all_needs();
    let has = |a: &str, r: &str| got.iter().any(|(x, y)| x == a && y == r);
    let repo = "arn:aws:ecr:eu-west-1:123456789012:repository/team/web";
    assert!(has("ecr:GetAuthorizationToken", "*"));
    assert!(has("ecr:BatchGetImage", repo) && has("ecr:GetDownloadUrlForLayer", repo));
    // In the managed policy, but not needed to pull (FACTS §2 row 1b).
    assert!(
        !got.iter()
            .any(|(a, _)| a == "ecr:BatchCheckLayerAvailability")
    );
    let logs = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/web:*";
    assert!(
        has("logs:CreateLogStream", logs)
            && has("logs:PutLogEvents", logs)
            && has("logs:CreateLogGroup", logs)
    );
    assert!(has(
        "ssm:GetParameters",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/a"
    ));
    assert!(has(
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/b-??????"
    ));
    assert!(has(
        "ssm:GetParameters",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/aws/reference/secretsmanager/prod/c"
    ));
    assert!(has(
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/c-??????"
    ));
    assert!(has(
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-AbCdEf"
    ));
    assert!(
        has("s3:GetObject", "arn:aws:s3:::config/web.env")
            && has("s3:GetBucketLocation", "arn:aws:s3:::config")
    );
    assert!(has(
        "ssm:GetParameters",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/credspec"
    ));
    assert!(has("fsx:DescribeFileSystems", "*"));
    // Never the singular action the agent does not call.
    assert!(!got.iter().any(|(a, _)| a == "ssm:GetParameter"));
}

#[test]
fn r30_every_request_fits_its_actions_resource_type() {
    for (action, grant) in all_needs() {
        let a = ecslint::aws::actions::lookup(&action)
            .unwrap_or_else(|| panic!("{action} is a real action"));
        assert!(
            a.accepts_resource(&grant),
            "{action} cannot be requested on {grant}"
        );
    }
}
