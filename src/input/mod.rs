//! Inputs recognised by content (SPEC §4): which shape a parsed file has.

pub mod cloudformation;
pub mod iam;
pub mod read;
pub mod terraform;
pub mod walk;

use crate::parse::{Node, Value};

/// The shape of a parsed input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Task definitions (registered or described shape, one or a list).
    TaskDefinitions,
    /// An IAM policy document (`Statement`).
    PolicyDocument,
    /// `get-role-policy` output.
    RolePolicy,
    /// `get-role` output.
    Role,
    /// `get-account-authorization-details` output.
    AuthorizationDetails,
    /// `list-secrets`, `describe-secret` or `ssm describe-parameters` output.
    Inventory,
    /// A CloudFormation template.
    CloudFormation,
    /// `terraform show -json` output.
    TerraformPlan,
    /// None of the above.
    Unknown,
}

impl Shape {
    pub const fn describe(self) -> &'static str {
        match self {
            Shape::TaskDefinitions => "task definitions",
            Shape::PolicyDocument => "an IAM policy document",
            Shape::RolePolicy => "get-role-policy output",
            Shape::Role => "get-role output",
            Shape::AuthorizationDetails => "get-account-authorization-details output",
            Shape::Inventory => "a secrets or parameters inventory",
            Shape::CloudFormation => "a CloudFormation template",
            Shape::TerraformPlan => "a Terraform plan",
            Shape::Unknown => "unknown",
        }
    }
}

fn is_task_definition(node: &Node) -> bool {
    node.get("containerDefinitions").is_some()
        || node
            .get("taskDefinition")
            .is_some_and(|t| t.get("containerDefinitions").is_some())
}

/// Where the task definition objects of a [`Shape::TaskDefinitions`] file are:
/// their pointers, each to the object that holds `containerDefinitions`.
pub fn task_definition_pointers(root: &Node) -> Vec<String> {
    use crate::parse::node::{child_pointer, index_pointer};
    fn one(node: &Node, pointer: &str, out: &mut Vec<String>) {
        if node.get("containerDefinitions").is_some() {
            out.push(pointer.to_string());
        } else if let Some(t) = node.get("taskDefinition")
            && t.get("containerDefinitions").is_some()
        {
            out.push(child_pointer(pointer, "taskDefinition"));
        }
    }
    let mut out = Vec::new();
    match &root.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                one(item, &index_pointer("", i), &mut out);
            }
        }
        Value::Object(_) => {
            if let Some(list) = root.get("taskDefinitions").and_then(Node::as_array) {
                for (i, item) in list.iter().enumerate() {
                    one(item, &index_pointer("/taskDefinitions", i), &mut out);
                }
            } else {
                one(root, "", &mut out);
            }
        }
        _ => {}
    }
    out
}

/// Recognises a parsed file by its content.
pub fn recognise(root: &Node) -> Shape {
    match &root.value {
        Value::Array(items) => {
            if !items.is_empty() && items.iter().all(is_task_definition) {
                Shape::TaskDefinitions
            } else {
                Shape::Unknown
            }
        }
        Value::Object(_) => {
            if is_task_definition(root)
                || root
                    .get("taskDefinitions")
                    .and_then(Node::as_array)
                    .is_some_and(|l| !l.is_empty() && l.iter().all(is_task_definition))
            {
                Shape::TaskDefinitions
            } else if root.get("Resources").is_some_and(Node::is_object) {
                Shape::CloudFormation
            } else if root.get("format_version").is_some()
                && (root.get("planned_values").is_some() || root.get("values").is_some())
            {
                Shape::TerraformPlan
            } else if root.get("RoleDetailList").is_some()
                || root
                    .get("Policies")
                    .and_then(Node::as_array)
                    .is_some_and(|l| l.iter().any(|p| p.get("PolicyVersionList").is_some()))
            {
                Shape::AuthorizationDetails
            } else if root.get("RoleName").is_some()
                && root.get("PolicyName").is_some()
                && root.get("PolicyDocument").is_some()
            {
                Shape::RolePolicy
            } else if root
                .get("Role")
                .is_some_and(|r| r.get("RoleName").is_some() && r.get("Arn").is_some())
            {
                Shape::Role
            } else if root.get("Statement").is_some() {
                Shape::PolicyDocument
            } else if root
                .get("SecretList")
                .is_some_and(|l| l.as_array().is_some())
                || root.get("Parameters").is_some_and(|l| {
                    l.as_array()
                        .is_some_and(|items| items.iter().all(|p| p.get("Name").is_some()))
                })
                || (root
                    .get("ARN")
                    .and_then(Node::as_str)
                    .is_some_and(|a| a.contains(":secretsmanager:"))
                    && root.get("Name").is_some())
            {
                Shape::Inventory
            } else {
                Shape::Unknown
            }
        }
        _ => Shape::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::json::parse;

    fn shape(src: &str) -> Shape {
        recognise(&parse(src).unwrap())
    }

    #[test]
    fn recognises_every_shape() {
        assert_eq!(
            shape(r#"{"containerDefinitions": []}"#),
            Shape::TaskDefinitions
        );
        assert_eq!(
            shape(r#"{"taskDefinition": {"containerDefinitions": []}}"#),
            Shape::TaskDefinitions
        );
        assert_eq!(
            shape(r#"[{"containerDefinitions": []}]"#),
            Shape::TaskDefinitions
        );
        assert_eq!(
            shape(r#"{"taskDefinitions": [{"containerDefinitions": []}]}"#),
            Shape::TaskDefinitions
        );
        assert_eq!(
            shape(r#"{"Version": "2012-10-17", "Statement": []}"#),
            Shape::PolicyDocument
        );
        assert_eq!(
            shape(r#"{"RoleName": "r", "PolicyName": "p", "PolicyDocument": {}}"#),
            Shape::RolePolicy
        );
        assert_eq!(
            shape(r#"{"Role": {"RoleName": "r", "Arn": "a", "AssumeRolePolicyDocument": {}}}"#),
            Shape::Role
        );
        assert_eq!(
            shape(r#"{"RoleDetailList": [], "Policies": []}"#),
            Shape::AuthorizationDetails
        );
        assert_eq!(shape(r#"{"SecretList": []}"#), Shape::Inventory);
        assert_eq!(
            shape(r#"{"Parameters": [{"Name": "/a", "KeyId": "k"}]}"#),
            Shape::Inventory
        );
        assert_eq!(shape(r#"{"Resources": {}}"#), Shape::CloudFormation);
        assert_eq!(
            shape(r#"{"format_version": "1.2", "planned_values": {}}"#),
            Shape::TerraformPlan
        );
        assert_eq!(shape(r#"{"a": 1}"#), Shape::Unknown);
        assert_eq!(shape("[]"), Shape::Unknown);
        assert_eq!(shape("\"x\""), Shape::Unknown);
    }

    #[test]
    fn task_definition_pointers_for_each_shape() {
        let p = |s: &str| task_definition_pointers(&parse(s).unwrap());
        assert_eq!(p(r#"{"containerDefinitions": []}"#), vec![""]);
        assert_eq!(
            p(r#"{"taskDefinition": {"containerDefinitions": []}}"#),
            vec!["/taskDefinition"]
        );
        assert_eq!(
            p(
                r#"[{"containerDefinitions": []}, {"taskDefinition": {"containerDefinitions": []}}]"#
            ),
            vec!["/0", "/1/taskDefinition"]
        );
        assert_eq!(
            p(r#"{"taskDefinitions": [{"containerDefinitions": []}]}"#),
            vec!["/taskDefinitions/0"]
        );
    }
}
