//! IAM roles as the inputs describe them: trust policy, inline and attached
//! policies, permissions boundary. Policies are kept as their document nodes
//! here and turned into [`crate::model::policy::Policy`] values when linked.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Loc};
use crate::model::Sym;
use crate::model::policy::{Policy, PolicyKind};
use crate::parse::{Node, Span, Value};
use crate::source::FileId;

/// A policy document found in an input, not yet evaluated.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// A name for messages: the policy name, or the file.
    pub name: String,
    pub file: Option<FileId>,
    /// Pointer of the document in its file.
    pub pointer: String,
    /// The document (an object), already decoded when the input held it as a string.
    pub node: Node,
    /// The document was embedded as a string: every location in it is the string's.
    pub opaque: Option<Span>,
    /// The document loaded while its file was read (`node` is then `null`): see
    /// `check::load`, which does this so that no policy tree outlives its file.
    pub preloaded: Option<Preloaded>,
}

/// A policy document loaded ahead of its use, with what loading it reported:
/// the findings are reported when (and if) a role uses the document, as when
/// it is loaded on first use.
#[derive(Debug, Clone)]
pub struct Preloaded {
    pub kind: PolicyKind,
    pub policy: Arc<Policy>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A managed policy attached by ARN (or a permissions boundary).
#[derive(Debug, Clone)]
pub struct ManagedRef {
    pub arn: Sym,
    pub loc: Option<Loc>,
}

/// A role described by some input.
#[derive(Debug, Clone, Default)]
pub struct RoleInput {
    pub name: String,
    pub arn: Option<String>,
    /// Where the role is described.
    pub loc: Option<Loc>,
    /// Boxed, like `boundary_source`: a run keeps thousands of roles until they are linked.
    pub trust: Option<Box<PolicySource>>,
    pub inline: Vec<PolicySource>,
    pub managed: Vec<ManagedRef>,
    pub boundary: Option<ManagedRef>,
    /// A permissions boundary whose document is among the inputs (a template's
    /// `AWS::IAM::ManagedPolicy`, a plan's `aws_iam_policy`); takes precedence over `boundary`.
    pub boundary_source: Option<Box<PolicySource>>,
    /// Its permission policies are among the inputs (SPEC §4): authorisation
    /// details, a template, `get-role-policy` output or a config entry list them.
    pub policies_listed: bool,
}

impl RoleInput {
    /// Merges what another input says about the same role.
    pub fn merge(&mut self, other: RoleInput) {
        if self.arn.is_none() {
            self.arn = other.arn;
        }
        if self.loc.is_none() {
            self.loc = other.loc;
        }
        if self.trust.is_none() {
            self.trust = other.trust;
        }
        self.inline.extend(other.inline);
        self.managed.extend(other.managed);
        if self.boundary.is_none() {
            self.boundary = other.boundary;
        }
        if self.boundary_source.is_none() {
            self.boundary_source = other.boundary_source;
        }
        self.policies_listed |= other.policies_listed;
    }
}

/// The role name of a role ARN (`arn:aws:iam::123456789012:role/path/name` → `name`),
/// or the value itself when it is a plain name.
pub fn role_name_from_arn(arn: &str) -> &str {
    if let Some(rest) = arn.strip_prefix("arn:") {
        let resource = rest.splitn(5, ':').nth(4).unwrap_or(rest);
        let resource = resource.strip_prefix("role/").unwrap_or(resource);
        resource.rsplit('/').next().unwrap_or(resource)
    } else {
        arn.rsplit('/').next().unwrap_or(arn)
    }
}

/// The account of an ARN (`""` for none).
pub fn arn_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let account = parts.nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// The region of an ARN, when it has one.
pub fn arn_region(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let region = parts.nth(2)?;
    (!region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    .then_some(region)
}

/// Decodes `%XX` escapes (the IAM Query API returns policy documents URL-encoded).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Replaces every span in a tree by `span` (for documents embedded as strings).
pub fn flatten_spans(node: &mut Node, span: Span) {
    let mut stack: Vec<&mut Node> = vec![node];
    while let Some(n) = stack.pop() {
        n.span = span;
        match &mut n.value {
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(members) => {
                for m in members {
                    m.key_span = span;
                    stack.push(&mut m.value);
                }
            }
            Value::Tagged(_, inner) => stack.push(inner),
            _ => {}
        }
    }
}

/// [`policy_document`], moving an object out of its tree (leaving `null`)
/// instead of copying it.
pub fn take_policy_document(node: &mut Node) -> Result<(Node, Option<Span>), String> {
    if matches!(node.value, Value::Object(_) | Value::Partial(_)) {
        let span = node.span;
        return Ok((std::mem::replace(node, Node::new(Value::Null, span)), None));
    }
    policy_document(node)
}

/// A policy document given either as an object or as a JSON string (possibly
/// URL-encoded). `Err` carries a message for an ECS002 at the value.
pub fn policy_document(node: &Node) -> Result<(Node, Option<Span>), String> {
    match &node.value {
        Value::Object(_) | Value::Partial(_) => Ok((node.clone(), None)),
        Value::String(s) => {
            let trimmed = s.trim_start();
            let text = if trimmed.starts_with('{') {
                s.to_string()
            } else if trimmed.starts_with("%7B") || trimmed.starts_with("%7b") {
                percent_decode(s)
            } else {
                return Err("the policy document is a string that is not JSON".to_string());
            };
            let mut doc = crate::parse::json::parse(&text).map_err(|e| {
                format!(
                    "the policy document string is not valid JSON: {}",
                    e.message
                )
            })?;
            flatten_spans(&mut doc, node.span);
            Ok((doc, Some(node.span)))
        }
        _ => Err(format!(
            "the policy document must be an object or a JSON string, found {}",
            node.kind_name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_from_arns() {
        assert_eq!(
            role_name_from_arn("arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
            "ecsTaskExecutionRole"
        );
        assert_eq!(
            role_name_from_arn("arn:aws:iam::123456789012:role/service/path/exec"),
            "exec"
        );
        assert_eq!(role_name_from_arn("exec"), "exec");
    }

    #[test]
    fn arn_parts() {
        assert_eq!(
            arn_account("arn:aws:iam::123456789012:role/x"),
            Some("123456789012")
        );
        assert_eq!(arn_account("arn:aws:iam::XXXXXXXXXXXX:role/x"), None);
        assert_eq!(
            arn_region("arn:aws:ecs:eu-west-1:123456789012:task-definition/a:1"),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("arn:aws:iam::123456789012:role/x"), None);
    }

    #[test]
    fn taking_a_document_moves_an_object_and_decodes_a_string_in_place() {
        let mut node =
            crate::parse::json::parse(r#"{"Statement": [{"Effect": "Allow"}]}"#).unwrap();
        let copied = policy_document(&node).unwrap().0;
        let (taken, opaque) = take_policy_document(&mut node).unwrap();
        assert_eq!(taken, copied);
        assert_eq!(opaque, None);
        assert!(node.is_null());
        assert_eq!(node.span, taken.span);
        let text = r#""{\"Statement\": []}""#;
        let mut node = crate::parse::json::parse(text).unwrap();
        let (doc, opaque) = take_policy_document(&mut node).unwrap();
        assert!(doc.get("Statement").is_some());
        assert_eq!(opaque, Some(node.span));
        assert_eq!(node, crate::parse::json::parse(text).unwrap());
        let mut node = crate::parse::json::parse("42").unwrap();
        assert!(take_policy_document(&mut node).is_err());
    }

    #[test]
    fn embedded_documents_decode() {
        let node = crate::parse::json::parse(r#""%7B%22Statement%22%3A%5B%5D%7D""#).unwrap();
        let (doc, opaque) = policy_document(&node).unwrap();
        assert!(doc.get("Statement").is_some());
        assert_eq!(opaque, Some(node.span));
        assert_eq!(doc.get("Statement").unwrap().span, node.span);
        let node = crate::parse::json::parse(r#""{\"Statement\": []}""#).unwrap();
        assert!(policy_document(&node).is_ok());
        let node = crate::parse::json::parse(r#""nope""#).unwrap();
        assert!(policy_document(&node).is_err());
    }
}
