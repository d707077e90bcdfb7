//! CloudFormation templates (JSON and YAML): intrinsic functions resolved as far
//! as they can be offline, and task definitions joined to their roles.
//!
//! Resolution rewrites a subtree into one where every intrinsic is replaced by
//! its value, in place, keeping the intrinsic's span, so that pointers and
//! locations stay those of the file. What cannot be known offline becomes a
//! `Value::Partial` with labelled holes (`AWS::Region`, `parameter Tag`,
//! `!ImportValue Shared-Role`), never a guess.

use std::collections::{BTreeMap, HashSet};

use crate::diagnostic::Loc;
use crate::model::Sym;
use crate::model::role::{ManagedRef, PolicySource, RoleInput, take_policy_document};
use crate::parse::node::{child_pointer, index_pointer};
use crate::parse::{Member, Node, Piece, Span, Value};
use crate::source::FileId;

use super::iam::KmsEntry;

/// Values for the pseudo parameters, when known (`--region`, `--account`, config).
#[derive(Debug, Clone, Default)]
pub struct CfnContext {
    pub region: Option<String>,
    pub account: Option<String>,
}

/// How a task definition names a role.
#[derive(Debug, Clone, PartialEq)]
pub enum RoleLink {
    /// No role property.
    None,
    /// A role defined in this template (key into [`Template::roles`]).
    Template(String),
    /// A name or ARN to look up among the other inputs.
    External(Sym, Loc),
    /// Cannot be known offline (`!ImportValue`, a parameter without default…).
    Unknown(String, Loc),
}

/// A task definition resource.
#[derive(Debug, Clone)]
pub struct TemplateTask {
    pub logical_id: String,
    /// Pointer of the resolved `Properties` object.
    pub pointer: String,
    /// The resolved `Properties` (or an empty object when absent).
    pub properties: Node,
    pub execution_role: RoleLink,
    pub task_role: RoleLink,
}

/// A suppression from a resource's `Metadata: {ecslint: {ignore: [...]}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataIgnore {
    pub code: String,
    pub reason: Option<String>,
    /// Pointer of the resource the ignore applies to (`/Resources/X`).
    pub resource_pointer: String,
    pub loc: Loc,
}

/// What a template contributes.
#[derive(Debug, Clone, Default)]
pub struct Template {
    pub tasks: Vec<TemplateTask>,
    /// Roles defined in the template, by key (`logical:ID` or `param:NAME`).
    pub roles: BTreeMap<String, RoleInput>,
    pub kms: Vec<KmsEntry>,
    /// Pointers of values present only under a condition that cannot be decided.
    pub conditional: Vec<(String, String)>,
    pub ignores: Vec<MetadataIgnore>,
    /// Key policies of `AWS::KMS::Key` resources, by the key's ARN.
    pub key_policies: Vec<(Sym, PolicySource)>,
}

/// A resolved value: a node, or `AWS::NoValue` (the member or element is removed).
enum R {
    Node(Node),
    NoValue,
}

struct Resolver<'a> {
    root: &'a Node,
    cx: &'a CfnContext,
    resources: BTreeMap<&'a str, &'a Node>,
    parameters: BTreeMap<&'a str, &'a Node>,
    conditions: BTreeMap<&'a str, &'a Node>,
    conditional: std::cell::RefCell<Vec<(String, String)>>,
}

fn hole(label: impl Into<String>, span: Span) -> Node {
    Node::new(
        Value::Partial(vec![Piece::Hole(label.into().into_boxed_str())]),
        span,
    )
}

fn string(s: impl Into<String>, span: Span) -> Node {
    Node::new(Value::String(s.into().into_boxed_str()), span)
}

fn sym_node(sym: Sym, span: Span) -> Node {
    match sym {
        Sym::Known(s) => string(s, span),
        Sym::Partial(p) => Node::new(Value::Partial(p.into_vec()), span),
    }
}

/// Pieces of a scalar-ish node; `None` for objects and arrays.
fn pieces_of(node: &Node) -> Option<Vec<Piece>> {
    match &node.value {
        Value::Partial(p) => Some(p.clone()),
        _ => node
            .scalar_text()
            .map(|t| vec![Piece::Lit(t.into_owned().into_boxed_str())]),
    }
}

/// Normalises a short-form tag to its long-form function name.
fn function_of(node: &Node) -> Option<(String, &Node)> {
    match &node.value {
        Value::Tagged(tag, inner) => {
            let name = match &**tag {
                "Ref" => "Ref".to_string(),
                "Condition" => "Condition".to_string(),
                t => format!("Fn::{t}"),
            };
            Some((name, inner))
        }
        Value::Object(members) if members.len() == 1 => {
            let m = &members[0];
            (m.key.as_ref() == "Ref" || m.key.as_ref() == "Condition" || m.key.starts_with("Fn::"))
                .then(|| (m.key.to_string(), &m.value))
        }
        _ => None,
    }
}

impl<'a> Resolver<'a> {
    fn new(root: &'a Node, cx: &'a CfnContext) -> Self {
        let section = |name: &str| -> BTreeMap<&'a str, &'a Node> {
            root.get(name)
                .and_then(Node::as_object)
                .map(|ms| ms.iter().map(|m| (&*m.key, &m.value)).collect())
                .unwrap_or_default()
        };
        Self {
            root,
            cx,
            resources: section("Resources"),
            parameters: section("Parameters"),
            conditions: section("Conditions"),
            conditional: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn pseudo(&self, name: &str, span: Span) -> Option<Node> {
        let region = self.cx.region.as_deref();
        Some(match name {
            "AWS::Region" => region.map_or_else(|| hole("AWS::Region", span), |r| string(r, span)),
            "AWS::AccountId" => self
                .cx
                .account
                .as_deref()
                .map_or_else(|| hole("AWS::AccountId", span), |a| string(a, span)),
            "AWS::Partition" => string(
                region.map_or("aws", crate::model::arn::partition_for_region),
                span,
            ),
            "AWS::URLSuffix" => string(
                if region.is_some_and(|r| r.starts_with("cn-")) {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                },
                span,
            ),
            "AWS::NoValue" => return None,
            other => hole(other, span),
        })
    }

    fn resource_type(&self, id: &str) -> Option<&'a str> {
        self.resources
            .get(id)
            .and_then(|r| r.get("Type"))
            .and_then(Node::as_str)
    }

    fn resource_prop(&self, id: &str, prop: &str, depth: usize) -> Option<Node> {
        let node = self.resources.get(id)?.get("Properties")?.get(prop)?;
        match self.resolve(node, &At::Pointer(""), depth + 1) {
            R::Node(n) => Some(n),
            R::NoValue => None,
        }
    }

    /// A pseudo parameter as pieces: its value, or a hole labelled with its name.
    fn pseudo_pieces(&self, name: &str, span: Span) -> Vec<Piece> {
        self.pseudo(name, span)
            .and_then(|n| pieces_of(&n))
            .unwrap_or_else(|| vec![Piece::Hole(name.into())])
    }

    /// `arn:PARTITION:service:REGION:ACCOUNT:` as pieces.
    fn arn_prefix(&self, service: &str, regional: bool, span: Span) -> Vec<Piece> {
        let mut p = vec![Piece::Lit("arn:".into())];
        p.extend(self.pseudo_pieces("AWS::Partition", span));
        p.push(Piece::Lit(format!(":{service}:").into()));
        if regional {
            p.extend(self.pseudo_pieces("AWS::Region", span));
        }
        p.push(Piece::Lit(":".into()));
        p.extend(self.pseudo_pieces("AWS::AccountId", span));
        p.push(Piece::Lit(":".into()));
        p
    }

    /// A resource's physical name property, or a hole naming it.
    fn name_pieces(&self, id: &str, prop: &str, depth: usize) -> Vec<Piece> {
        self.resource_prop(id, prop, depth)
            .and_then(|n| pieces_of(&n))
            .unwrap_or_else(|| vec![Piece::Hole(format!("{id}.{prop}").into())])
    }

    fn partial(pieces: Vec<Piece>, span: Span) -> Node {
        sym_node(Sym::from_pieces(pieces), span)
    }

    fn reference(&self, target: &str, span: Span, depth: usize) -> R {
        if target.starts_with("AWS::") {
            return self.pseudo(target, span).map_or(R::NoValue, R::Node);
        }
        if let Some(param) = self.parameters.get(target) {
            return R::Node(match param.get("Default") {
                Some(d)
                    if !param
                        .get("Type")
                        .and_then(Node::as_str)
                        .is_some_and(|t| t.starts_with("AWS::SSM::Parameter::Value")) =>
                {
                    let mut n = d.clone();
                    n.span = span;
                    n
                }
                _ => hole(format!("parameter {target}"), span),
            });
        }
        let Some(ty) = self.resource_type(target) else {
            return R::Node(hole(format!("Ref {target}"), span));
        };
        R::Node(match ty {
            "AWS::IAM::Role" => Self::partial(self.name_pieces(target, "RoleName", depth), span),
            "AWS::SSM::Parameter" => Self::partial(self.name_pieces(target, "Name", depth), span),
            "AWS::Logs::LogGroup" => {
                Self::partial(self.name_pieces(target, "LogGroupName", depth), span)
            }
            "AWS::ECR::Repository" => {
                Self::partial(self.name_pieces(target, "RepositoryName", depth), span)
            }
            "AWS::S3::Bucket" => Self::partial(self.name_pieces(target, "BucketName", depth), span),
            "AWS::KMS::Alias" => Self::partial(self.name_pieces(target, "AliasName", depth), span),
            "AWS::SecretsManager::Secret" => {
                let mut p = self.arn_prefix("secretsmanager", true, span);
                p.push(Piece::Lit("secret:".into()));
                p.extend(self.name_pieces(target, "Name", depth));
                p.push(Piece::Lit("-".into()));
                p.push(Piece::Hole(format!("{target}.Suffix").into()));
                Self::partial(p, span)
            }
            "AWS::IAM::ManagedPolicy" => {
                let mut p = self.arn_prefix("iam", false, span);
                p.push(Piece::Lit("policy/".into()));
                p.extend(self.name_pieces(target, "ManagedPolicyName", depth));
                Self::partial(p, span)
            }
            "AWS::KMS::Key" => hole(format!("{target}.KeyId"), span),
            _ => hole(format!("Ref {target}"), span),
        })
    }

    fn get_att(&self, id: &str, attr: &str, span: Span, depth: usize) -> Node {
        let ty = self.resource_type(id).unwrap_or("");
        let with = |service: &str, regional: bool, lit: &str, name: Vec<Piece>, tail: &str| {
            let mut p = self.arn_prefix(service, regional, span);
            p.push(Piece::Lit(lit.into()));
            p.extend(name);
            if !tail.is_empty() {
                p.push(Piece::Lit(tail.into()));
            }
            Self::partial(p, span)
        };
        match (ty, attr) {
            ("AWS::IAM::Role", "Arn") => {
                let path = self
                    .resource_prop(id, "Path", depth)
                    .and_then(|n| n.as_str().map(str::to_string))
                    .unwrap_or_else(|| "/".to_string());
                let lit = format!("role{path}");
                with(
                    "iam",
                    false,
                    &lit,
                    self.name_pieces(id, "RoleName", depth),
                    "",
                )
            }
            ("AWS::IAM::Role", "RoleId") => hole(format!("{id}.RoleId"), span),
            ("AWS::Logs::LogGroup", "Arn") => with(
                "logs",
                true,
                "log-group:",
                self.name_pieces(id, "LogGroupName", depth),
                ":*",
            ),
            ("AWS::ECR::Repository", "Arn") => with(
                "ecr",
                true,
                "repository/",
                self.name_pieces(id, "RepositoryName", depth),
                "",
            ),
            ("AWS::ECR::Repository", "RepositoryUri") => {
                let mut p = self.pseudo_pieces("AWS::AccountId", span);
                p.push(Piece::Lit(".dkr.ecr.".into()));
                p.extend(self.pseudo_pieces("AWS::Region", span));
                p.push(Piece::Lit(".".into()));
                p.extend(self.pseudo_pieces("AWS::URLSuffix", span));
                p.push(Piece::Lit("/".into()));
                p.extend(self.name_pieces(id, "RepositoryName", depth));
                Self::partial(p, span)
            }
            ("AWS::S3::Bucket", "Arn") => {
                let mut p = vec![Piece::Lit("arn:".into())];
                p.extend(self.pseudo_pieces("AWS::Partition", span));
                p.push(Piece::Lit(":s3:::".into()));
                p.extend(self.name_pieces(id, "BucketName", depth));
                Self::partial(p, span)
            }
            ("AWS::KMS::Key", "Arn") => with(
                "kms",
                true,
                "key/",
                vec![Piece::Hole(format!("{id}.KeyId").into())],
                "",
            ),
            ("AWS::KMS::Key", "KeyId") => hole(format!("{id}.KeyId"), span),
            ("AWS::SecretsManager::Secret", "Id") => {
                self.reference(id, span, depth).into_node(span)
            }
            _ => hole(format!("{id}.{attr}"), span),
        }
    }

    /// Evaluates a condition: `Some(bool)` when known.
    #[allow(
        clippy::many_single_char_names,
        reason = "a, b and l are the operands of Fn::Equals"
    )]
    fn condition(&self, node: &Node, depth: usize) -> Option<bool> {
        if depth > 64 {
            return None;
        }
        if let Some(name) = node.as_str() {
            return self.named_condition(name, depth);
        }
        let (f, args) = function_of(node)?;
        let list = args.as_array();
        match f.as_str() {
            "Condition" => args.as_str().and_then(|n| self.named_condition(n, depth)),
            "Fn::Equals" => {
                let l = list?;
                let (a, b) = (l.first()?, l.get(1)?);
                let (R::Node(a), R::Node(b)) = (
                    self.resolve(a, &At::Pointer(""), depth + 1),
                    self.resolve(b, &At::Pointer(""), depth + 1),
                ) else {
                    return None;
                };
                let (Some(a), Some(b)) = (pieces_of(&a), pieces_of(&b)) else {
                    return None;
                };
                let (a, b) = (Sym::from_pieces(a), Sym::from_pieces(b));
                match (a.known(), b.known()) {
                    (Some(x), Some(y)) => Some(x == y),
                    _ => None,
                }
            }
            "Fn::Not" => self.condition(list?.first()?, depth + 1).map(|b| !b),
            "Fn::And" => {
                let mut all = Some(true);
                for c in list? {
                    match self.condition(c, depth + 1) {
                        Some(false) => return Some(false),
                        None => all = None,
                        Some(true) => {}
                    }
                }
                all
            }
            "Fn::Or" => {
                let mut any = Some(false);
                for c in list? {
                    match self.condition(c, depth + 1) {
                        Some(true) => return Some(true),
                        None => any = None,
                        Some(false) => {}
                    }
                }
                any
            }
            _ => None,
        }
    }

    fn named_condition(&self, name: &str, depth: usize) -> Option<bool> {
        self.conditions
            .get(name)
            .and_then(|c| self.condition(c, depth + 1))
    }

    /// Resolves a node; `at` is where it sits (for recording conditional values).
    fn resolve(&self, node: &Node, at: &At<'_>, depth: usize) -> R {
        if depth > 200 {
            return R::Node(hole("nesting too deep", node.span));
        }
        if let Some((f, args)) = function_of(node) {
            return self.function(&f, args, node.span, at, depth);
        }
        let span = node.span;
        match &node.value {
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let p = At::Index(at, out.len());
                    if let R::Node(n) = self.resolve(item, &p, depth + 1) {
                        out.push(n);
                    }
                }
                R::Node(Node::new(Value::Array(out), span))
            }
            Value::Object(members) => {
                let mut out = Vec::with_capacity(members.len());
                for m in members {
                    let p = At::Key(at, &m.key);
                    if let R::Node(n) = self.resolve(&m.value, &p, depth + 1) {
                        out.push(Member {
                            key: m.key.clone(),
                            key_span: m.key_span,
                            value: n,
                        });
                    }
                }
                R::Node(Node::new(Value::Object(out), span))
            }
            Value::Tagged(_, inner) => self.resolve(inner, at, depth + 1),
            _ => R::Node(node.clone()),
        }
    }

    fn resolve_scalar(&self, node: &Node, depth: usize) -> Option<Vec<Piece>> {
        match self.resolve(node, &At::Pointer(""), depth + 1) {
            R::Node(n) => pieces_of(&n),
            R::NoValue => None,
        }
    }

    #[allow(
        clippy::many_single_char_names,
        reason = "one arm per intrinsic, each with its short operands"
    )]
    fn function(&self, f: &str, args: &Node, span: Span, at: &At<'_>, depth: usize) -> R {
        let list = args.as_array();
        match f {
            "Ref" => match args.as_str() {
                Some(target) => self.reference(target, span, depth),
                None => R::Node(hole("Ref", span)),
            },
            "Fn::GetAtt" => {
                let (id, attr) = match (&args.value, list) {
                    (Value::String(s), _) => match s.split_once('.') {
                        Some((a, b)) => (a.to_string(), b.to_string()),
                        None => (s.to_string(), String::new()),
                    },
                    (_, Some(l)) if l.len() == 2 => {
                        let attr = self
                            .resolve_scalar(&l[1], depth)
                            .map(Sym::from_pieces)
                            .and_then(|s| s.known().map(str::to_string))
                            .unwrap_or_default();
                        (l[0].as_str().unwrap_or("").to_string(), attr)
                    }
                    _ => return R::Node(hole("Fn::GetAtt", span)),
                };
                R::Node(self.get_att(&id, &attr, span, depth))
            }
            "Fn::Sub" => R::Node(self.sub(args, span, depth)),
            "Fn::Join" => {
                let Some([delim, items]) = list.and_then(|l| <&[Node; 2]>::try_from(l).ok()) else {
                    return R::Node(hole("Fn::Join", span));
                };
                let delim = delim.as_str().unwrap_or("");
                let R::Node(items) = self.resolve(items, &At::Pointer(""), depth + 1) else {
                    return R::Node(hole("Fn::Join", span));
                };
                let Some(items) = items.as_array() else {
                    return R::Node(hole("Fn::Join of an unknown list", span));
                };
                let mut pieces = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        pieces.push(Piece::Lit(delim.into()));
                    }
                    match pieces_of(item) {
                        Some(p) => pieces.extend(p),
                        None => return R::Node(hole("Fn::Join of a non-string", span)),
                    }
                }
                R::Node(Self::partial(pieces, span))
            }
            "Fn::Select" => {
                let Some([index, items]) = list.and_then(|l| <&[Node; 2]>::try_from(l).ok()) else {
                    return R::Node(hole("Fn::Select", span));
                };
                let index = self
                    .resolve_scalar(index, depth)
                    .map(Sym::from_pieces)
                    .and_then(|s| s.known().and_then(|t| t.trim().parse::<usize>().ok()));
                let R::Node(items) = self.resolve(items, &At::Pointer(""), depth + 1) else {
                    return R::Node(hole("Fn::Select", span));
                };
                match (index, items.as_array()) {
                    (Some(i), Some(l)) => l.get(i).map_or_else(
                        || R::Node(hole("Fn::Select out of range", span)),
                        |n| {
                            let mut n = n.clone();
                            n.span = span;
                            R::Node(n)
                        },
                    ),
                    _ => R::Node(hole("Fn::Select", span)),
                }
            }
            "Fn::Split" => {
                let Some([delim, source]) = list.and_then(|l| <&[Node; 2]>::try_from(l).ok())
                else {
                    return R::Node(hole("Fn::Split", span));
                };
                let (Some(delim), Some(pieces)) =
                    (delim.as_str(), self.resolve_scalar(source, depth))
                else {
                    return R::Node(hole("Fn::Split", span));
                };
                if delim.is_empty() {
                    return R::Node(hole("Fn::Split", span));
                }
                // Split literal pieces at the delimiter; holes stay inside one element
                // (pseudo parameters and names never contain the delimiters used here).
                let mut elements: Vec<Vec<Piece>> = vec![Vec::new()];
                for piece in pieces {
                    match piece {
                        Piece::Lit(l) => {
                            let mut parts = l.split(delim);
                            if let Some(first) = parts.next()
                                && let Some(last) = elements.last_mut()
                            {
                                last.push(Piece::Lit(first.into()));
                            }
                            for part in parts {
                                elements.push(vec![Piece::Lit(part.into())]);
                            }
                        }
                        h @ Piece::Hole(_) => {
                            if let Some(last) = elements.last_mut() {
                                last.push(h);
                            }
                        }
                    }
                }
                let items = elements
                    .into_iter()
                    .map(|p| Self::partial(p, span))
                    .collect();
                R::Node(Node::new(Value::Array(items), span))
            }
            "Fn::If" => {
                let Some(l) = list.filter(|l| l.len() == 3) else {
                    return R::Node(hole("Fn::If", span));
                };
                let name = l[0].as_str().unwrap_or("?");
                match self.named_condition(name, depth) {
                    Some(true) => self.resolve(&l[1], at, depth + 1),
                    Some(false) => self.resolve(&l[2], at, depth + 1),
                    None => {
                        let a = self.resolve(&l[1], at, depth + 1);
                        let b = self.resolve(&l[2], at, depth + 1);
                        match (a, b) {
                            (R::Node(a), R::Node(b)) if a.value == b.value => R::Node(a),
                            (R::Node(a), R::Node(b)) => {
                                if let (Some(_), Some(_)) = (pieces_of(&a), pieces_of(&b)) {
                                    R::Node(hole(format!("condition {name}"), span))
                                } else {
                                    // Objects or lists: keep the first, remember the doubt.
                                    let _ = b;
                                    self.note_conditional(at, name);
                                    R::Node(a)
                                }
                            }
                            (R::Node(n), R::NoValue) | (R::NoValue, R::Node(n)) => {
                                self.note_conditional(at, name);
                                R::Node(n)
                            }
                            (R::NoValue, R::NoValue) => R::NoValue,
                        }
                    }
                }
            }
            "Fn::FindInMap" => {
                let Some(l) = list.filter(|l| l.len() >= 3) else {
                    return R::Node(hole("Fn::FindInMap", span));
                };
                let keys: Vec<Option<String>> = l[..3]
                    .iter()
                    .map(|k| {
                        self.resolve_scalar(k, depth)
                            .map(Sym::from_pieces)
                            .and_then(|s| s.known().map(str::to_string))
                    })
                    .collect();
                let found = match (&keys[0], &keys[1], &keys[2]) {
                    (Some(m), Some(a), Some(b)) => self
                        .root
                        .get("Mappings")
                        .and_then(|x| x.get(m))
                        .and_then(|x| x.get(a))
                        .and_then(|x| x.get(b)),
                    _ => None,
                };
                match found {
                    Some(n) => {
                        let mut n = n.clone();
                        n.span = span;
                        R::Node(n)
                    }
                    None => R::Node(hole("Fn::FindInMap", span)),
                }
            }
            "Fn::ImportValue" => {
                let name = self
                    .resolve_scalar(args, depth)
                    .map_or_else(|| "?".to_string(), |p| Sym::from_pieces(p).to_string());
                R::Node(hole(format!("!ImportValue {name}"), span))
            }
            "Fn::Base64" => self.resolve(args, at, depth + 1),
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" => {
                let wrapped = Node::new(
                    Value::Object(vec![Member {
                        key: f.into(),
                        key_span: span,
                        value: args.clone(),
                    }]),
                    span,
                );
                match self.condition(&wrapped, depth + 1) {
                    Some(b) => R::Node(Node::new(Value::Bool(b), span)),
                    None => R::Node(hole(f, span)),
                }
            }
            other => R::Node(hole(other, span)),
        }
    }

    fn note_conditional(&self, at: &At<'_>, condition: &str) {
        self.conditional.borrow_mut().push((
            at.pointer(),
            format!("exists only when the template condition `{condition}` holds"),
        ));
    }

    fn sub(&self, args: &Node, span: Span, depth: usize) -> Node {
        let (template, vars) = match (&args.value, args.as_array()) {
            (Value::String(s), _) => (s.to_string(), None),
            (_, Some(l)) if !l.is_empty() => match l[0].as_str() {
                Some(s) => (s.to_string(), l.get(1)),
                None => return hole("Fn::Sub", span),
            },
            _ => return hole("Fn::Sub", span),
        };
        let mut pieces = Vec::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            pieces.push(Piece::Lit(rest[..start].into()));
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                pieces.push(Piece::Lit(rest[start..].into()));
                rest = "";
                break;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                pieces.push(Piece::Lit(format!("${{{literal}}}").into()));
                continue;
            }
            let name = name.trim();
            if let Some(v) = vars.and_then(|v| v.get(name)) {
                match self.resolve_scalar(v, depth) {
                    Some(p) => pieces.extend(p),
                    None => pieces.push(Piece::Hole(name.into())),
                }
                continue;
            }
            let value = match name.split_once('.') {
                Some((id, attr)) if !name.starts_with("AWS::") => {
                    Some(self.get_att(id, attr, span, depth))
                }
                _ => match self.reference(name, span, depth) {
                    R::Node(n) => Some(n),
                    R::NoValue => None,
                },
            };
            match value.as_ref().and_then(pieces_of) {
                Some(p) => pieces.extend(p),
                None => pieces.push(Piece::Hole(name.into())),
            }
        }
        pieces.push(Piece::Lit(rest.into()));
        Self::partial(pieces, span)
    }
}

impl R {
    fn into_node(self, span: Span) -> Node {
        match self {
            R::Node(n) => n,
            R::NoValue => hole("AWS::NoValue", span),
        }
    }
}

/// Where a value being resolved sits: a pointer and the steps below it. It is
/// written out only when something is recorded about the value (an undecidable
/// `Fn::If`), which most values never are, instead of a string per member.
#[derive(Debug, Clone, Copy)]
enum At<'a> {
    Pointer(&'a str),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    /// The RFC 6901 pointer, as `child_pointer` and `index_pointer` would write it.
    /// A loop, not recursion: the chain is as long as the resolver is deep (at most 200).
    fn pointer(&self) -> String {
        use std::fmt::Write as _;
        let mut steps: Vec<&At<'_>> = Vec::new();
        let mut at = self;
        let base = loop {
            match at {
                At::Pointer(p) => break *p,
                At::Key(parent, _) | At::Index(parent, _) => {
                    steps.push(at);
                    at = parent;
                }
            }
        };
        let mut out = base.to_string();
        for step in steps.iter().rev() {
            match step {
                At::Key(_, key) => crate::parse::node::push_token(&mut out, key),
                At::Index(_, i) => {
                    let _ = write!(out, "/{i}");
                }
                At::Pointer(_) => {}
            }
        }
        out
    }
}

/// Resolves a subtree of a template (exposed for tests and the Terraform front end's reuse).
pub fn resolve_subtree(root: &Node, node: &Node, pointer: &str, cx: &CfnContext) -> Option<Node> {
    Resolver::new(root, cx).subtree(node, pointer)
}

impl Resolver<'_> {
    fn subtree(&self, node: &Node, pointer: &str) -> Option<Node> {
        match self.resolve(node, &At::Pointer(pointer), 0) {
            R::Node(n) => Some(n),
            R::NoValue => None,
        }
    }
}

/// Both branches of an undecidable `Fn::If` around a role: the same role either way
/// (a role the template creates under the condition, or the same name given as an
/// ARN otherwise) links to it; anything else stays unknown.
fn undecided_role_link(
    r: &Resolver<'_>,
    a: &Node,
    b: &Node,
    file: FileId,
    pointer: &str,
    loc: Loc,
) -> RoleLink {
    let link = |n: &Node| role_link(r, Some(n), file, pointer, r.subtree(n, pointer).as_ref());
    let (la, lb) = (link(a), link(b));
    let name_of = |l: &RoleLink| -> Option<String> {
        match l {
            RoleLink::Template(key) => {
                let id = key.strip_prefix("logical:")?;
                Some(
                    r.resource_prop(id, "RoleName", 0)
                        .and_then(|n| Sym::from_node(&n))
                        .map_or_else(|| id.to_string(), |s| s.to_string()),
                )
            }
            RoleLink::External(sym, _) => sym.to_string().rsplit('/').next().map(str::to_string),
            _ => None,
        }
    };
    match (&la, &lb) {
        _ if la == lb => la,
        (RoleLink::Template(_), RoleLink::External(..))
        | (RoleLink::External(..), RoleLink::Template(_))
            if name_of(&la).is_some() && name_of(&la) == name_of(&lb) =>
        {
            if matches!(la, RoleLink::Template(_)) {
                la
            } else {
                lb
            }
        }
        _ => RoleLink::Unknown(
            "a role chosen by an undecidable template condition".to_string(),
            loc,
        ),
    }
}

/// How a role property names a role.
fn role_link(
    r: &Resolver<'_>,
    raw: Option<&Node>,
    file: FileId,
    pointer: &str,
    resolved: Option<&Node>,
) -> RoleLink {
    let Some(raw) = raw else {
        return RoleLink::None;
    };
    let loc = Loc::new(file, raw.span, pointer);
    // Follow a decidable Fn::If to the chosen branch.
    let mut node = raw;
    for _ in 0..8 {
        match function_of(node) {
            Some((f, args)) if f == "Fn::If" => {
                let Some(l) = args.as_array().filter(|l| l.len() == 3) else {
                    break;
                };
                match r.named_condition(l[0].as_str().unwrap_or(""), 0) {
                    Some(true) => node = &l[1],
                    Some(false) => node = &l[2],
                    None => return undecided_role_link(r, &l[1], &l[2], file, pointer, loc),
                }
            }
            _ => break,
        }
    }
    if let Some((f, args)) = function_of(node) {
        let target = match (f.as_str(), &args.value, args.as_array()) {
            ("Ref", Value::String(s), _) => Some(s.to_string()),
            ("Fn::GetAtt", Value::String(s), _) => s.split_once('.').map(|(a, _)| a.to_string()),
            ("Fn::GetAtt", _, Some(l)) => l.first().and_then(Node::as_str).map(str::to_string),
            _ => None,
        };
        if let Some(t) = target {
            if r.resource_type(&t) == Some("AWS::IAM::Role") {
                return RoleLink::Template(format!("logical:{t}"));
            }
            if f == "Ref" && r.parameters.contains_key(t.as_str()) {
                let has_default = r.parameters.get(t.as_str()).is_some_and(|p| {
                    p.get("Default")
                        .is_some_and(|d| d.as_str().is_some_and(|s| !s.is_empty()))
                });
                if !has_default {
                    return RoleLink::Template(format!("param:{t}"));
                }
            }
        }
    }
    match resolved.and_then(Sym::from_node) {
        Some(sym @ Sym::Known(_)) => RoleLink::External(sym, loc),
        Some(Sym::Partial(p)) => {
            // A role ARN whose name is known is enough to look the role up.
            let sym = Sym::Partial(p);
            let tail_known = sym.to_string().contains(":role/")
                || matches!(&sym, Sym::Partial(p) if matches!(p.last(), Some(Piece::Lit(l)) if !l.contains(':')));
            if tail_known {
                RoleLink::External(sym, loc)
            } else {
                RoleLink::Unknown(sym.to_string(), loc)
            }
        }
        None => RoleLink::Unknown("an unresolved value".to_string(), loc),
    }
}

/// Reads a template: resolves what it can and joins task definitions to roles.
pub fn template(root: &Node, file: FileId, cx: &CfnContext) -> Template {
    let r = Resolver::new(root, cx);
    let mut out = Template::default();
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        return out;
    };
    // Roles first, so that attachments can find them.
    let mut role_names: BTreeMap<String, String> = BTreeMap::new();
    for m in resources {
        let rp = child_pointer("/Resources", &m.key);
        let res = &m.value;
        if let Some(c) = res.get("Condition").and_then(Node::as_str)
            && r.named_condition(c, 0) == Some(false)
        {
            continue;
        }
        if res.get("Type").and_then(Node::as_str) != Some("AWS::IAM::Role") {
            continue;
        }
        let key = format!("logical:{}", m.key);
        let pp = child_pointer(&rp, "Properties");
        // Resolved into a tree of its own, from which the policy documents are moved.
        let mut props = res
            .get("Properties")
            .and_then(|p| r.subtree(p, &pp))
            .unwrap_or_else(|| Node::new(Value::Object(Vec::new()), res.span));
        let mut role = RoleInput {
            name: props
                .get("RoleName")
                .and_then(Node::as_str)
                .map_or_else(|| m.key.to_string(), str::to_string),
            arn: Sym::from_node(&r.get_att(&m.key, "Arn", res.span, 0)).map(|s| s.to_string()),
            loc: Some(Loc::new(file, res.span, rp.clone())),
            policies_listed: true,
            ..RoleInput::default()
        };
        if let Some(name) = props.get("RoleName").and_then(Node::as_str) {
            role_names.insert(name.to_string(), key.clone());
        }
        if let Some(doc) = props.get_mut("AssumeRolePolicyDocument")
            && let Ok((node, opaque)) = take_policy_document(doc)
        {
            role.trust = Some(Box::new(PolicySource {
                name: format!("{} trust policy", m.key),
                file: Some(file),
                pointer: child_pointer(&pp, "AssumeRolePolicyDocument"),
                node,
                opaque,
                preloaded: None,
            }));
        }
        if let Some(list) = props.get_mut("Policies").and_then(Node::as_array_mut) {
            for (i, p) in list.iter_mut().enumerate() {
                let ip = index_pointer(&child_pointer(&pp, "Policies"), i);
                let name = p
                    .get("PolicyName")
                    .and_then(Node::as_str)
                    .unwrap_or("inline policy")
                    .to_string();
                if let Some(doc) = p.get_mut("PolicyDocument")
                    && let Ok((node, opaque)) = take_policy_document(doc)
                {
                    role.inline.push(PolicySource {
                        name,
                        file: Some(file),
                        pointer: child_pointer(&ip, "PolicyDocument"),
                        node,
                        opaque,
                        preloaded: None,
                    });
                }
            }
        }
        let raw_props = res.get("Properties");
        if let Some(list) = props.get("ManagedPolicyArns").and_then(Node::as_array) {
            let raw_list = raw_props
                .and_then(|p| p.get("ManagedPolicyArns"))
                .and_then(Node::as_array);
            for (i, arn) in list.iter().enumerate() {
                let ap = index_pointer(&child_pointer(&pp, "ManagedPolicyArns"), i);
                // `!Ref SomeManagedPolicy` in the same template: attach its document directly.
                let raw = raw_list.and_then(|l| l.get(i));
                if let Some(target) = raw.and_then(|n| match function_of(n) {
                    Some((f, a)) if f == "Ref" => a.as_str(),
                    _ => None,
                }) && r.resource_type(target) == Some("AWS::IAM::ManagedPolicy")
                    && let Some(src) = managed_policy_document(&r, file, target)
                {
                    role.inline.push(src);
                    continue;
                }
                if let Some(sym) = Sym::from_node(arn) {
                    role.managed.push(ManagedRef {
                        arn: sym,
                        loc: Some(Loc::new(file, arn.span, ap)),
                    });
                }
            }
        }
        let boundary_ref = raw_props
            .and_then(|p| p.get("PermissionsBoundary"))
            .and_then(|n| match function_of(n) {
                Some((f, a)) if f == "Ref" => a.as_str(),
                _ => None,
            })
            .filter(|id| r.resource_type(id) == Some("AWS::IAM::ManagedPolicy"));
        if let Some(src) = boundary_ref.and_then(|id| managed_policy_document(&r, file, id)) {
            // A boundary defined in the template: its document is known.
            role.boundary_source = Some(Box::new(src));
        } else if let Some(b) = props.get("PermissionsBoundary")
            && let Some(sym) = Sym::from_node(b)
        {
            role.boundary = Some(ManagedRef {
                arn: sym,
                loc: Some(Loc::new(
                    file,
                    b.span,
                    child_pointer(&pp, "PermissionsBoundary"),
                )),
            });
        }
        out.roles.insert(key, role);
    }
    // Policies that attach to roles.
    for m in resources {
        let rp = child_pointer("/Resources", &m.key);
        let res = &m.value;
        let ty = res.get("Type").and_then(Node::as_str).unwrap_or("");
        if !matches!(
            ty,
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::IAM::RolePolicy"
        ) {
            continue;
        }
        if let Some(c) = res.get("Condition").and_then(Node::as_str)
            && r.named_condition(c, 0) == Some(false)
        {
            continue;
        }
        let Some(raw_props) = res.get("Properties") else {
            continue;
        };
        let pp = child_pointer(&rp, "Properties");
        let targets: Vec<&Node> = match ty {
            "AWS::IAM::RolePolicy" => raw_props.get("RoleName").into_iter().collect(),
            _ => raw_props
                .get("Roles")
                .and_then(Node::as_array)
                .map(|l| l.iter().collect())
                .unwrap_or_default(),
        };
        if targets.is_empty() {
            continue;
        }
        let Some(doc) = raw_props.get("PolicyDocument") else {
            continue;
        };
        let Some(mut resolved) = r.subtree(doc, &child_pointer(&pp, "PolicyDocument")) else {
            continue;
        };
        let Ok((node, opaque)) = take_policy_document(&mut resolved) else {
            continue;
        };
        let name = raw_props
            .get("PolicyName")
            .or_else(|| raw_props.get("ManagedPolicyName"))
            .and_then(Node::as_str)
            .unwrap_or(&m.key)
            .to_string();
        let source = PolicySource {
            name,
            file: Some(file),
            pointer: child_pointer(&pp, "PolicyDocument"),
            node,
            opaque,
            preloaded: None,
        };
        for t in targets {
            let key = match function_of(t) {
                Some((f, a)) if f == "Ref" => a.as_str().map(|id| {
                    if r.resource_type(id).is_some() {
                        format!("logical:{id}")
                    } else {
                        format!("param:{id}")
                    }
                }),
                _ => t.as_str().map(|name| {
                    role_names
                        .get(name)
                        .cloned()
                        .unwrap_or_else(|| format!("name:{name}"))
                }),
            };
            let Some(key) = key else { continue };
            let entry = out.roles.entry(key.clone()).or_insert_with(|| RoleInput {
                name: key
                    .split_once(':')
                    .map_or(key.as_str(), |(_, n)| n)
                    .to_string(),
                // Only extra policies of a role defined elsewhere: not its whole policy set.
                policies_listed: false,
                ..RoleInput::default()
            });
            entry.inline.push(source.clone());
        }
    }
    // Key policies.
    for m in resources {
        let res = &m.value;
        if res.get("Type").and_then(Node::as_str) != Some("AWS::KMS::Key") {
            continue;
        }
        let pp = child_pointer(&child_pointer("/Resources", &m.key), "Properties");
        let Some(doc) = res.get("Properties").and_then(|p| p.get("KeyPolicy")) else {
            continue;
        };
        let dp = child_pointer(&pp, "KeyPolicy");
        let Some(mut resolved) = r.subtree(doc, &dp) else {
            continue;
        };
        let Ok((node, opaque)) = take_policy_document(&mut resolved) else {
            continue;
        };
        if let Some(arn) = Sym::from_node(&r.get_att(&m.key, "Arn", res.span, 0)) {
            out.key_policies.push((
                arn,
                PolicySource {
                    name: format!("the key policy of {}", m.key),
                    file: Some(file),
                    pointer: dp,
                    node,
                    opaque,
                    preloaded: None,
                },
            ));
        }
    }
    // KMS keys of secrets.
    for m in resources {
        let res = &m.value;
        if res.get("Type").and_then(Node::as_str) != Some("AWS::SecretsManager::Secret") {
            continue;
        }
        let rp = child_pointer("/Resources", &m.key);
        let Some(key_node) = res.get("Properties").and_then(|p| p.get("KmsKeyId")) else {
            continue;
        };
        let kp = child_pointer(&child_pointer(&rp, "Properties"), "KmsKeyId");
        // `!Ref Key` is the key id: the key is the same as `!GetAtt Key.Arn`.
        let key_of_ref = match function_of(key_node) {
            Some((f, a)) if f == "Ref" => a
                .as_str()
                .filter(|id| r.resource_type(id) == Some("AWS::KMS::Key"))
                .map(|id| r.get_att(id, "Arn", key_node.span, 0)),
            _ => None,
        };
        let Some(key) = key_of_ref
            .or_else(|| r.subtree(key_node, &kp))
            .and_then(|n| Sym::from_node(&n))
        else {
            continue;
        };
        let secret = r.reference(&m.key, res.span, 0).into_node(res.span);
        if let Some(secret) = Sym::from_node(&secret) {
            out.kms.push(KmsEntry {
                resource: secret,
                key,
                loc: Some(Loc::new(file, key_node.span, kp)),
            });
        }
    }
    // Task definitions.
    for m in resources {
        let res = &m.value;
        if res.get("Type").and_then(Node::as_str) != Some("AWS::ECS::TaskDefinition") {
            continue;
        }
        if let Some(c) = res.get("Condition").and_then(Node::as_str)
            && r.named_condition(c, 0) == Some(false)
        {
            continue;
        }
        let rp = child_pointer("/Resources", &m.key);
        let pp = child_pointer(&rp, "Properties");
        let raw_props = res.get("Properties");
        let properties = raw_props
            .and_then(|p| r.subtree(p, &pp))
            .unwrap_or_else(|| Node::new(Value::Object(Vec::new()), res.span));
        let execution_role = role_link(
            &r,
            raw_props.and_then(|p| p.get("ExecutionRoleArn")),
            file,
            &child_pointer(&pp, "ExecutionRoleArn"),
            properties.get("ExecutionRoleArn"),
        );
        let task_role = role_link(
            &r,
            raw_props.and_then(|p| p.get("TaskRoleArn")),
            file,
            &child_pointer(&pp, "TaskRoleArn"),
            properties.get("TaskRoleArn"),
        );
        out.tasks.push(TemplateTask {
            logical_id: m.key.to_string(),
            pointer: pp,
            properties,
            execution_role,
            task_role,
        });
    }
    // Metadata ignores.
    for m in resources {
        let rp = child_pointer("/Resources", &m.key);
        let Some(list) = m
            .value
            .get("Metadata")
            .and_then(|md| md.get("ecslint"))
            .and_then(|e| e.get("ignore"))
            .and_then(Node::as_array)
        else {
            continue;
        };
        let lp = child_pointer(
            &child_pointer(&child_pointer(&rp, "Metadata"), "ecslint"),
            "ignore",
        );
        for (i, entry) in list.iter().enumerate() {
            let ep = index_pointer(&lp, i);
            let (code, reason) = match &entry.value {
                Value::String(s) => (s.to_string(), None),
                _ => (
                    entry
                        .get("code")
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    entry
                        .get("reason")
                        .and_then(Node::as_str)
                        .map(str::to_string),
                ),
            };
            if code.is_empty() {
                continue;
            }
            out.ignores.push(MetadataIgnore {
                code,
                reason,
                resource_pointer: rp.clone(),
                loc: Loc::new(file, entry.span, ep),
            });
        }
    }
    let mut seen = HashSet::new();
    out.conditional = r
        .conditional
        .take()
        .into_iter()
        .filter(|x| seen.insert(x.clone()))
        .collect();
    out
}

fn managed_policy_document(r: &Resolver<'_>, file: FileId, id: &str) -> Option<PolicySource> {
    let res = r.root.get("Resources")?.get(id)?;
    let props = res.get("Properties")?;
    let pp = child_pointer(&child_pointer("/Resources", id), "Properties");
    let dp = child_pointer(&pp, "PolicyDocument");
    let mut resolved = r.subtree(props.get("PolicyDocument")?, &dp)?;
    let (node, opaque) = take_policy_document(&mut resolved).ok()?;
    Some(PolicySource {
        name: props
            .get("ManagedPolicyName")
            .and_then(Node::as_str)
            .unwrap_or(id)
            .to_string(),
        file: Some(file),
        pointer: dp,
        node,
        opaque,
        preloaded: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::json::parse;

    #[test]
    fn a_lazy_path_writes_the_pointer_the_string_helpers_write() {
        let base = At::Pointer("/Resources");
        let key = At::Key(&base, "a/b~c");
        let index = At::Index(&key, 3);
        let leaf = At::Key(&index, "x");
        let expected = child_pointer(
            &index_pointer(&child_pointer("/Resources", "a/b~c"), 3),
            "x",
        );
        assert_eq!(leaf.pointer(), expected);
        assert_eq!(leaf.pointer(), "/Resources/a~1b~0c/3/x");
        assert_eq!(At::Pointer("").pointer(), "");
        assert_eq!(At::Index(&At::Pointer(""), 0).pointer(), "/0");
    }

    fn cx() -> CfnContext {
        CfnContext {
            region: Some("eu-west-1".into()),
            account: Some("123456789012".into()),
        }
    }

    fn resolve_str(template: &str, expr: &str, cx: &CfnContext) -> String {
        let root = parse(template).unwrap();
        let node = parse(expr).unwrap();
        let n = resolve_subtree(&root, &node, "", cx).unwrap();
        Sym::from_node(&n).unwrap().to_string()
    }

    const T: &str = r#"{
      "Parameters": {"Env": {"Type": "String", "Default": "prod"}, "NoDefault": {"Type": "String"}},
      "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
      "Mappings": {"M": {"eu-west-1": {"Acct": "111111111111"}}},
      "Resources": {
        "Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": "db", "KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}},
        "Key": {"Type": "AWS::KMS::Key"},
        "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/app/db"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/ecs/app"}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": []}}],
                  "ManagedPolicyArns": [{"Ref": "MP"}, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]}},
        "MP": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": []}}},
        "Extra": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "extra", "Roles": [{"Ref": "Role"}], "PolicyDocument": {"Statement": []}}},
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ExecutionRoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                  "TaskRoleArn": {"Fn::ImportValue": "shared-role"}, "ContainerDefinitions": [
                  {"Fn::If": ["IsProd", {"Name": "a"}, {"Ref": "AWS::NoValue"}]}]}}
      }}"#;

    #[test]
    fn refs_and_attributes() {
        let c = cx();
        assert_eq!(resolve_str(T, r#"{"Ref": "Param"}"#, &c), "/app/db");
        assert_eq!(resolve_str(T, r#"{"Ref": "Env"}"#, &c), "prod");
        assert_eq!(
            resolve_str(T, r#"{"Ref": "NoDefault"}"#, &c),
            "${parameter NoDefault}"
        );
        assert_eq!(
            resolve_str(T, r#"{"Ref": "Secret"}"#, &c),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-${Secret.Suffix}"
        );
        assert_eq!(
            resolve_str(T, r#"{"Fn::GetAtt": ["Logs", "Arn"]}"#, &c),
            "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app:*"
        );
        assert_eq!(
            resolve_str(
                T,
                r#"{"Fn::GetAtt": ["Key", "Arn"]}"#,
                &CfnContext::default()
            ),
            "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${Key.KeyId}"
        );
    }

    #[test]
    fn sub_join_select_split_findinmap() {
        let c = cx();
        assert_eq!(
            resolve_str(
                T,
                r#"{"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Param}"}"#,
                &c
            ),
            "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db"
        );
        assert_eq!(
            resolve_str(T, r#"{"Fn::Sub": ["${A}-x-${!Lit}", {"A": "v"}]}"#, &c),
            "v-x-${Lit}"
        );
        assert_eq!(
            resolve_str(T, r#"{"Fn::Join": [":", ["a", {"Ref": "Env"}]]}"#, &c),
            "a:prod"
        );
        assert_eq!(
            resolve_str(
                T,
                r#"{"Fn::Select": [1, {"Fn::Split": [":", "a:b:c"]}]}"#,
                &c
            ),
            "b"
        );
        assert_eq!(
            resolve_str(
                T,
                r#"{"Fn::Select": [4, {"Fn::Split": [":", {"Fn::GetAtt": ["Logs", "Arn"]}]}]}"#,
                &CfnContext::default()
            ),
            "${AWS::AccountId}"
        );
        assert_eq!(
            resolve_str(
                T,
                r#"{"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "Acct"]}"#,
                &c
            ),
            "111111111111"
        );
        assert_eq!(
            resolve_str(T, r#"{"Fn::ImportValue": {"Fn::Sub": "${Env}-role"}}"#, &c),
            "${!ImportValue prod-role}"
        );
    }

    #[test]
    fn conditions_and_novalue() {
        let c = cx();
        assert_eq!(
            resolve_str(T, r#"{"Fn::If": ["IsProd", "yes", "no"]}"#, &c),
            "yes"
        );
        let root = parse(T).unwrap();
        let t = template(&root, FileId(0), &c);
        assert_eq!(t.tasks.len(), 1);
        let containers = t.tasks[0].properties.get("ContainerDefinitions").unwrap();
        assert_eq!(containers.as_array().unwrap().len(), 1);
    }

    #[test]
    fn template_links_roles_policies_and_keys() {
        let root = parse(T).unwrap();
        let t = template(&root, FileId(0), &cx());
        let task = &t.tasks[0];
        assert_eq!(
            task.execution_role,
            RoleLink::Template("logical:Role".into())
        );
        assert!(matches!(task.task_role, RoleLink::Unknown(..)));
        let role = &t.roles["logical:Role"];
        // inline + managed policy by Ref + AWS::IAM::Policy
        assert_eq!(
            role.inline.len(),
            3,
            "{:?}",
            role.inline.iter().map(|p| &p.pointer).collect::<Vec<_>>()
        );
        assert_eq!(role.managed.len(), 1);
        assert_eq!(t.kms.len(), 1);
        assert!(
            t.kms[0]
                .key
                .to_string()
                .contains(":kms:eu-west-1:123456789012:key/")
        );
    }
}
