//! IAM inputs: `get-role`, `get-role-policy`, `get-account-authorization-details`,
//! bare policy documents, and secret/parameter inventories (which KMS key
//! protects what).

use crate::diagnostic::{Loc, Reporter};
use crate::model::Sym;
use crate::model::role::{ManagedRef, PolicySource, RoleInput, take_policy_document};
use crate::parse::node::{child_pointer, index_pointer};
use crate::parse::{Node, Value};
use crate::rules::Rule;
use crate::source::FileId;

/// A customer-managed policy from authorisation details, by ARN.
#[derive(Debug, Clone)]
pub struct ManagedPolicyInput {
    pub arn: String,
    pub source: PolicySource,
}

/// Which customer-managed KMS key protects which secret or parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsEntry {
    /// A secret ARN, a parameter name or ARN, or (from the config) a pattern.
    pub resource: Sym,
    /// A key ARN, key id or alias (as the input gives it).
    pub key: Sym,
    pub loc: Option<Loc>,
}

/// What IAM-related inputs contribute to a run.
#[derive(Debug, Clone, Default)]
pub struct IamInputs {
    pub roles: Vec<RoleInput>,
    pub managed: Vec<ManagedPolicyInput>,
    /// Bare policy documents (checked on their own; not attached to any role).
    pub documents: Vec<PolicySource>,
    pub kms: Vec<KmsEntry>,
}

fn loc(file: FileId, node: &Node, pointer: &str) -> Loc {
    Loc::new(file, node.span, pointer)
}

fn str_at<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Node::as_str)
}

/// Decodes a policy document member (object, JSON string or URL-encoded string),
/// moving it out of `parent`; reports ECS002 when it is none of them.
fn document(
    parent: &mut Node,
    key: &str,
    file: FileId,
    parent_pointer: &str,
    name: &str,
    reporter: &mut Reporter<'_>,
) -> Option<PolicySource> {
    let node = parent.get_mut(key)?;
    let pointer = child_pointer(parent_pointer, key);
    match take_policy_document(node) {
        Ok((doc, opaque)) => Some(PolicySource {
            name: name.to_string(),
            file: Some(file),
            pointer,
            node: doc,
            opaque,
            preloaded: None,
        }),
        Err(message) => {
            reporter.report(Rule::InvalidInput, loc(file, node, &pointer), message);
            None
        }
    }
}

/// `get-role-policy` output: an inline policy of the named role (its document
/// is moved out of `root`).
pub fn role_policy(
    root: &mut Node,
    file: FileId,
    reporter: &mut Reporter<'_>,
    out: &mut IamInputs,
) {
    let Some(role_name) = str_at(root, "RoleName") else {
        if let Some(n) = root.get("RoleName") {
            reporter.report(
                Rule::InvalidInput,
                loc(file, n, "/RoleName"),
                "`RoleName` must be a string",
            );
        }
        return;
    };
    let mut role = RoleInput {
        name: role_name.to_string(),
        policies_listed: true,
        ..RoleInput::default()
    };
    let policy_name = str_at(root, "PolicyName")
        .unwrap_or("inline policy")
        .to_string();
    if let Some(doc) = document(root, "PolicyDocument", file, "", &policy_name, reporter) {
        role.inline.push(doc);
    }
    out.roles.push(role);
}

fn boundary(node: &Node, file: FileId, pointer: &str) -> Option<ManagedRef> {
    let b = node.get("PermissionsBoundary")?;
    let arn = b.get("PermissionsBoundaryArn")?;
    let p = child_pointer(
        &child_pointer(pointer, "PermissionsBoundary"),
        "PermissionsBoundaryArn",
    );
    Some(ManagedRef {
        arn: Sym::from_node(arn)?,
        loc: Some(loc(file, arn, &p)),
    })
}

/// `get-role` output: the role's ARN, trust policy and boundary (not its
/// permission policies). The trust policy is moved out of `root`.
pub fn role(root: &mut Node, file: FileId, reporter: &mut Reporter<'_>, out: &mut IamInputs) {
    let Some(r) = root.get_mut("Role") else {
        return;
    };
    let Some(name) = str_at(r, "RoleName").map(str::to_string) else {
        return;
    };
    let arn = str_at(r, "Arn").map(str::to_string);
    let at = loc(file, r, "/Role");
    let boundary = boundary(r, file, "/Role");
    let trust = document(
        r,
        "AssumeRolePolicyDocument",
        file,
        "/Role",
        "trust policy",
        reporter,
    );
    out.roles.push(RoleInput {
        name,
        arn,
        loc: Some(at),
        trust: trust.map(Box::new),
        inline: Vec::new(),
        managed: Vec::new(),
        boundary,
        boundary_source: None,
        policies_listed: false,
    });
}

/// `get-account-authorization-details` output: roles with all their policies, and
/// customer-managed policies (their default version). Policy documents are moved out of `root`.
pub fn authorization_details(
    root: &mut Node,
    file: FileId,
    reporter: &mut Reporter<'_>,
    out: &mut IamInputs,
) {
    if let Some(list) = root.get_mut("RoleDetailList") {
        let kind = list.kind_name();
        let at = loc(file, list, "/RoleDetailList");
        let Some(items) = list.as_array_mut() else {
            reporter.report(
                Rule::InvalidInput,
                at,
                format!("`RoleDetailList` must be an array, found {kind}"),
            );
            return;
        };
        for (i, r) in items.iter_mut().enumerate() {
            let rp = index_pointer("/RoleDetailList", i);
            let Some(name) = str_at(r, "RoleName").map(str::to_string) else {
                reporter.report(
                    Rule::InvalidInput,
                    loc(file, r, &rp),
                    "a role detail needs a string `RoleName`",
                );
                continue;
            };
            let arn = str_at(r, "Arn").map(str::to_string);
            let at = loc(file, r, &rp);
            let boundary = boundary(r, file, &rp);
            let trust = document(
                r,
                "AssumeRolePolicyDocument",
                file,
                &rp,
                "trust policy",
                reporter,
            );
            let mut role = RoleInput {
                name,
                arn,
                loc: Some(at),
                trust: trust.map(Box::new),
                boundary,
                policies_listed: true,
                ..RoleInput::default()
            };
            if let Some(list) = r.get_mut("RolePolicyList").and_then(Node::as_array_mut) {
                let lp = child_pointer(&rp, "RolePolicyList");
                for (j, p) in list.iter_mut().enumerate() {
                    let pp = index_pointer(&lp, j);
                    let pname = str_at(p, "PolicyName")
                        .unwrap_or("inline policy")
                        .to_string();
                    if let Some(doc) = document(p, "PolicyDocument", file, &pp, &pname, reporter) {
                        role.inline.push(doc);
                    }
                }
            }
            if let Some(list) = r.get("AttachedManagedPolicies").and_then(Node::as_array) {
                let lp = child_pointer(&rp, "AttachedManagedPolicies");
                for (j, p) in list.iter().enumerate() {
                    if let Some(arn) = p.get("PolicyArn")
                        && let Some(sym) = Sym::from_node(arn)
                    {
                        let ap = child_pointer(&index_pointer(&lp, j), "PolicyArn");
                        role.managed.push(ManagedRef {
                            arn: sym,
                            loc: Some(loc(file, arn, &ap)),
                        });
                    }
                }
            }
            out.roles.push(role);
        }
    }
    if let Some(list) = root.get_mut("Policies").and_then(Node::as_array_mut) {
        for (i, p) in list.iter_mut().enumerate() {
            let pp = index_pointer("/Policies", i);
            let Some(arn) = str_at(p, "Arn").map(str::to_string) else {
                continue;
            };
            let name = str_at(p, "PolicyName").unwrap_or(&arn).to_string();
            let default_id = str_at(p, "DefaultVersionId").map(str::to_string);
            let Some(versions) = p.get_mut("PolicyVersionList").and_then(Node::as_array_mut) else {
                continue;
            };
            let chosen = versions.iter_mut().enumerate().find(|(_, v)| {
                v.get("IsDefaultVersion").and_then(Node::as_bool) == Some(true)
                    || (default_id.is_some() && str_at(v, "VersionId") == default_id.as_deref())
            });
            if let Some((j, v)) = chosen {
                let vp = index_pointer(&child_pointer(&pp, "PolicyVersionList"), j);
                if let Some(source) = document(v, "Document", file, &vp, &name, reporter) {
                    out.managed.push(ManagedPolicyInput { arn, source });
                }
            }
        }
    }
}

/// A bare policy document.
pub fn policy_file(root: Node, file: FileId, name: &str, out: &mut IamInputs) {
    out.documents.push(PolicySource {
        name: name.to_string(),
        file: Some(file),
        pointer: String::new(),
        node: root,
        opaque: None,
        preloaded: None,
    });
}

/// Whether a policy document is a trust or resource policy (it names principals).
pub fn names_principals(doc: &Node) -> bool {
    let statements: Vec<&Node> = match doc.get("Statement").map(|s| &s.value) {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Object(_)) => doc.get("Statement").into_iter().collect(),
        _ => Vec::new(),
    };
    statements
        .iter()
        .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some())
}

/// `list-secrets`, `describe-secret` and `ssm describe-parameters` output.
pub fn inventory(root: &Node, file: FileId, out: &mut IamInputs) {
    let mut add = |item: &Node, pointer: &str, resource_key: &str, key_key: &str| {
        let (Some(resource), Some(key_node)) = (str_at(item, resource_key), item.get(key_key))
        else {
            return;
        };
        let Some(key) = key_node.as_str() else { return };
        out.kms.push(KmsEntry {
            resource: Sym::Known(resource.into()),
            key: Sym::Known(key.into()),
            loc: Some(loc(file, key_node, &child_pointer(pointer, key_key))),
        });
    };
    if let Some(list) = root.get("SecretList").and_then(Node::as_array) {
        for (i, s) in list.iter().enumerate() {
            add(s, &index_pointer("/SecretList", i), "ARN", "KmsKeyId");
        }
    } else if let Some(list) = root.get("Parameters").and_then(Node::as_array) {
        for (i, p) in list.iter().enumerate() {
            let pointer = index_pointer("/Parameters", i);
            if str_at(p, "ARN").is_some() {
                add(p, &pointer, "ARN", "KeyId");
            } else {
                add(p, &pointer, "Name", "KeyId");
            }
        }
    } else {
        add(root, "", "ARN", "KmsKeyId");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::RuleSettings;
    use crate::parse::json::parse;

    #[test]
    fn authorization_details_roles_and_default_versions() {
        let src = r#"{"RoleDetailList": [{"RoleName": "exec", "Arn": "arn:aws:iam::123456789012:role/exec",
            "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D",
            "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": []}}],
            "AttachedManagedPolicies": [{"PolicyName": "m", "PolicyArn": "arn:aws:iam::123456789012:policy/m"}],
            "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::123456789012:policy/b"}}],
          "Policies": [{"PolicyName": "m", "Arn": "arn:aws:iam::123456789012:policy/m", "DefaultVersionId": "v2",
            "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": [1]}},
                                  {"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Statement": []}}]}]}"#;
        let mut root = parse(src).unwrap();
        let settings = RuleSettings::default();
        let mut reporter = Reporter::new(&settings);
        let mut out = IamInputs::default();
        authorization_details(&mut root, FileId(0), &mut reporter, &mut out);
        assert!(reporter.diagnostics().is_empty());
        let role = &out.roles[0];
        assert_eq!(role.name, "exec");
        assert!(role.policies_listed);
        assert!(role.trust.as_ref().unwrap().opaque.is_some());
        assert_eq!(role.inline.len(), 1);
        assert_eq!(
            role.managed[0].arn,
            Sym::from("arn:aws:iam::123456789012:policy/m")
        );
        assert!(role.boundary.is_some());
        assert_eq!(out.managed.len(), 1);
        assert_eq!(
            out.managed[0].source.pointer,
            "/Policies/0/PolicyVersionList/1/Document"
        );
        // The documents were moved out of the tree, not copied; the others stay.
        assert!(out.managed[0].source.node.get("Statement").is_some());
        assert!(role.inline[0].node.get("Statement").is_some());
        let versions = root.get("Policies").unwrap().as_array().unwrap()[0]
            .get("PolicyVersionList")
            .unwrap()
            .as_array()
            .unwrap();
        assert!(versions[0].get("Document").unwrap().is_object());
        assert!(versions[1].get("Document").unwrap().is_null());
    }

    #[test]
    fn get_role_gives_trust_only() {
        let mut root = parse(r#"{"Role": {"RoleName": "exec", "Arn": "arn:aws:iam::1:role/exec", "AssumeRolePolicyDocument": {"Statement": []}}}"#).unwrap();
        let settings = RuleSettings::default();
        let mut reporter = Reporter::new(&settings);
        let mut out = IamInputs::default();
        role(&mut root, FileId(0), &mut reporter, &mut out);
        assert!(!out.roles[0].policies_listed);
        assert_eq!(out.roles[0].name, "exec");
        assert_eq!(
            out.roles[0].arn.as_deref(),
            Some("arn:aws:iam::1:role/exec")
        );
        let trust = out.roles[0].trust.as_ref().unwrap();
        assert!(trust.node.get("Statement").is_some());
        assert_eq!(trust.pointer, "/Role/AssumeRolePolicyDocument");
    }

    #[test]
    fn inventories_map_keys() {
        let root = parse(r#"{"SecretList": [{"ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:a-AbCdEf", "KmsKeyId": "k"}, {"ARN": "x"}]}"#).unwrap();
        let mut out = IamInputs::default();
        inventory(&root, FileId(0), &mut out);
        assert_eq!(out.kms.len(), 1);
        assert_eq!(
            out.kms[0].loc.as_ref().unwrap().pointer,
            "/SecretList/0/KmsKeyId"
        );
    }
}
