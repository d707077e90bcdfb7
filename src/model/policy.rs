//! Typed IAM policy documents, built from a [`Node`] with every entry's location kept.
//!
//! The loader validates per IAM.md §2.A (R1–R11, R55): an invalid statement is reported as
//! `ECS002` at its location and contributes nothing (it is not in [`Policy::statements`]); the rest
//! of the policy still counts.
//!
//! A policy document given as a JSON **string** (the IAM CLI, CloudFormation `PolicyDocument`
//! strings, Terraform plans) is parsed with [`policy_node_from_string`] by the caller first.

use crate::diagnostic::{Loc, Reporter};
use crate::iam::matcher::{Detached, Pattern, PatternRef};
use crate::iam::variables::{TplPiece, parse_template};
use crate::parse::{Node, Pointer, Span, Value, json};
use crate::rules::Rule;
use crate::source::FileId;

use compact_str::CompactString;

use super::Sym;

/// The version that enables policy variables (R57).
pub const VERSION_2012: &str = "2012-10-17";

/// `Allow` or `Deny` (exactly, R5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub const fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// What kind of document a policy is; resource policies may (must) name principals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Identity policies and permissions boundaries: no `Principal` (R1).
    Identity,
    /// Resource policies (a secret's policy, a KMS key policy): `Principal` is kept, not checked.
    Resource,
    /// Role trust policies: `Principal` is kept and `Resource` is not required.
    Trust,
}

/// One `Action`/`Resource` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: Sym,
    pub span: Span,
    pub pointer: Pointer,
    pub(crate) compiled: Compiled,
}

impl Entry {
    /// The compiled pattern of a resource entry without variables.
    pub fn pattern(&self) -> Option<PatternRef<'_>> {
        match &self.compiled {
            Compiled::Pattern(d) => Some(d.attach(self.value.known().unwrap_or(""))),
            _ => None,
        }
    }

    /// Whether this `Action`/`NotAction` entry matches the requested `action`
    /// (R13–R16); `None` when the entry has template holes. A literal entry is
    /// compared as a whole, which is what [`action_matches`] answers for it.
    ///
    /// [`action_matches`]: crate::iam::matcher::action_matches
    pub fn matches_action(&self, action: &str) -> Option<bool> {
        let pattern = self.value.known()?;
        Some(match self.compiled {
            Compiled::Action { literal: true } => pattern.eq_ignore_ascii_case(action),
            _ => crate::iam::matcher::action_matches(pattern, action),
        })
    }
}

/// How an entry is matched, worked out once when it is loaded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Compiled {
    /// An action entry, matched by name; `literal` when it has a service and no
    /// wildcard, so that it matches exactly the actions equal to it ignoring case.
    Action { literal: bool },
    /// A resource entry without variables: its compiled pattern, detached from
    /// the entry's value where it would copy it (see [`Entry::pattern`]).
    Pattern(Detached),
    /// A resource entry with variables under `2012-10-17`: the value split into them.
    Template(Box<[TplPiece]>),
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// `NotAction` / `NotResource`.
    pub negated: bool,
    pub entries: Box<[Entry]>,
    pub span: Span,
    pub pointer: Pointer,
}

/// The set qualifier of a condition operator (R54).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// The operator family (R48–R53).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnLike,
    Null,
}

/// A parsed condition operator, e.g. `ForAllValues:StringNotLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub kind: OpKind,
    /// `StringNotEquals`, `NumericNotEquals`, `NotIpAddress`, `ArnNotLike`, …
    pub negated: bool,
    pub if_exists: bool,
    pub set: Option<SetQualifier>,
}

impl Operator {
    /// Parses an operator name (case-insensitively, as iam-simulate does, R47). `None` if unknown (R55).
    pub fn parse(name: &str) -> Option<Operator> {
        let lower = name.to_ascii_lowercase();
        let (set, rest) = if let Some(r) = lower.strip_prefix("foranyvalue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else if let Some(r) = lower.strip_prefix("forallvalues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else {
            (None, lower.as_str())
        };
        let (if_exists, base) = match rest.strip_suffix("ifexists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let (kind, negated) = match base {
            "stringequals" => (OpKind::StringEquals, false),
            "stringnotequals" => (OpKind::StringEquals, true),
            "stringequalsignorecase" => (OpKind::StringEqualsIgnoreCase, false),
            "stringnotequalsignorecase" => (OpKind::StringEqualsIgnoreCase, true),
            "stringlike" => (OpKind::StringLike, false),
            "stringnotlike" => (OpKind::StringLike, true),
            "numericequals" => (OpKind::NumericEquals, false),
            "numericnotequals" => (OpKind::NumericEquals, true),
            "numericlessthan" => (OpKind::NumericLessThan, false),
            "numericlessthanequals" => (OpKind::NumericLessThanEquals, false),
            "numericgreaterthan" => (OpKind::NumericGreaterThan, false),
            "numericgreaterthanequals" => (OpKind::NumericGreaterThanEquals, false),
            "dateequals" => (OpKind::DateEquals, false),
            "datenotequals" => (OpKind::DateEquals, true),
            "datelessthan" => (OpKind::DateLessThan, false),
            "datelessthanequals" => (OpKind::DateLessThanEquals, false),
            "dategreaterthan" => (OpKind::DateGreaterThan, false),
            "dategreaterthanequals" => (OpKind::DateGreaterThanEquals, false),
            "bool" => (OpKind::Bool, false),
            "binaryequals" => (OpKind::BinaryEquals, false),
            "ipaddress" => (OpKind::IpAddress, false),
            "notipaddress" => (OpKind::IpAddress, true),
            "arnequals" | "arnlike" => (OpKind::ArnLike, false),
            "arnnotequals" | "arnnotlike" => (OpKind::ArnLike, true),
            "null" => (OpKind::Null, false),
            _ => return None,
        };
        Some(Operator {
            kind,
            negated,
            if_exists,
            set,
        })
    }

    /// Whether policy variables are substituted in this operator's values (R50).
    pub fn takes_variables(self) -> bool {
        matches!(
            self.kind,
            OpKind::StringEquals
                | OpKind::StringEqualsIgnoreCase
                | OpKind::StringLike
                | OpKind::ArnLike
                | OpKind::Bool
        )
    }
}

/// One `operator: { key: values }` pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The operator as written.
    pub operator: String,
    pub op: Operator,
    /// The condition key as written (compared ignoring case, R47).
    pub key: String,
    /// Values normalised to text (R11).
    pub values: Vec<Sym>,
    pub pointer: Pointer,
    pub span: Span,
}

/// A statement's `Condition` block.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionBlock {
    pub pointer: Pointer,
    pub span: Span,
    pub clauses: Vec<Clause>,
}

/// One valid statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub pointer: Pointer,
    pub span: Span,
    /// Inline up to 24 bytes (most `Sid`s): a statement is kept per policy entry of a run.
    pub sid: Option<CompactString>,
    pub effect: Effect,
    pub action: Targets,
    pub resource: Targets,
    /// Boxed, as most statements have none (a statement is kept per policy entry of a run).
    pub condition: Option<Box<ConditionBlock>>,
    /// `Some(reason)`: the statement exists only under a template condition ecslint cannot decide;
    /// it applies at most as Unknown.
    pub presence: Option<Box<str>>,
    /// The raw `Principal`/`NotPrincipal` member of a resource policy (`PolicyKind::Resource`).
    pub principal: Option<Box<Node>>,
}

/// A policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `None` for AWS managed policies (no file).
    pub source: Option<FileId>,
    pub pointer: Pointer,
    pub span: Span,
    /// `pointer` + `/Statement`, made while loading: a pointer made later grows
    /// the policy's shrunk tree (a copy of it, for one finding).
    pub statement_pointer: Pointer,
    pub name: String,
    pub version: Option<String>,
    /// The valid statements only (invalid ones were reported and dropped).
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Whether policy variables are substituted (R57).
    pub fn variables_enabled(&self) -> bool {
        self.version.as_deref() == Some(VERSION_2012)
    }
}

/// Parses a policy document given as a JSON string (e.g. an IAM CLI `PolicyDocument`). The spans
/// of the returned tree are relative to `text`, not to the file that contained the string.
pub fn policy_node_from_string(text: &str) -> Result<Node, json::ParseError> {
    json::parse(text)
}

/// Whether a node looks like a policy document: an object with a `Statement` member.
pub fn is_policy_document(node: &Node) -> bool {
    node.is_object() && node.get("Statement").is_some()
}

/// Loads an identity policy (or a permissions boundary); see [`load_policy_as`].
pub fn load_policy(
    node: &Node,
    source: Option<FileId>,
    pointer: &str,
    name: &str,
    reporter: Option<&mut Reporter>,
) -> Policy {
    load_policy_as(node, source, pointer, name, PolicyKind::Identity, reporter)
}

struct Loader<'r, 's> {
    source: Option<FileId>,
    reporter: Option<&'r mut Reporter<'s>>,
    version_2012: bool,
}

impl Loader<'_, '_> {
    fn error(&mut self, span: Span, pointer: &Pointer, message: String) {
        if let (Some(r), Some(file)) = (self.reporter.as_deref_mut(), self.source) {
            r.report(
                Rule::InvalidInput,
                Loc::new(file, span, pointer.clone()),
                message,
            );
        }
    }
}

/// Loads a policy document of the given kind, reporting invalid parts through `reporter`
/// (`None` for AWS managed policies, which have no file).
pub fn load_policy_as(
    node: &Node,
    source: Option<FileId>,
    pointer: &str,
    name: &str,
    kind: PolicyKind,
    reporter: Option<&mut Reporter>,
) -> Policy {
    let pointer = &Pointer::new(pointer);
    let sp = pointer.child("Statement");
    let mut policy = Policy {
        source,
        pointer: pointer.clone(),
        statement_pointer: sp.clone(),
        span: node.span,
        name: name.to_string(),
        version: None,
        statements: Vec::new(),
    };
    let mut ld = Loader {
        source,
        reporter,
        version_2012: false,
    };
    let Some(members) = node.as_object() else {
        ld.error(
            node.span,
            pointer,
            format!(
                "a policy document must be an object, not {}",
                node.kind_name()
            ),
        );
        return policy;
    };
    for dup in node.duplicate_keys() {
        ld.error(
            dup.key_span,
            &pointer.child(&dup.key),
            format!("duplicate key `{}` in the policy document", dup.key),
        );
    }
    for m in members {
        match &*m.key {
            "Version" | "Statement" | "Id" => {}
            other => ld.error(
                m.key_span,
                &pointer.child(other),
                format!("unknown policy element `{other}`"),
            ),
        }
    }
    if let Some(v) = node.get("Version") {
        let vp = pointer.child("Version");
        match v.as_str() {
            Some(s) if s == VERSION_2012 || s == "2008-10-17" => {
                policy.version = Some(s.to_string());
            }
            _ => ld.error(
                v.span,
                &vp,
                "invalid policy version: use \"2012-10-17\"".to_string(),
            ),
        }
    }
    ld.version_2012 = policy.variables_enabled();
    match node.get("Statement") {
        None => ld.error(
            node.span,
            pointer,
            "the policy document has no `Statement`".to_string(),
        ),
        Some(st) => match &st.value {
            Value::Array(items) => {
                if items.is_empty() {
                    ld.error(
                        st.span,
                        &sp,
                        "the `Statement` array is empty: the policy grants nothing".to_string(),
                    );
                }
                for (i, item) in items.iter().enumerate() {
                    if let Some(s) = load_statement(&mut ld, item, &sp.index(i), kind) {
                        policy.statements.push(s);
                    }
                }
            }
            Value::Object(_) => {
                if let Some(s) = load_statement(&mut ld, st, &sp, kind) {
                    policy.statements.push(s);
                }
            }
            Value::Partial(_) => {}
            _ => ld.error(
                st.span,
                &sp,
                format!(
                    "`Statement` must be an object or an array, not {}",
                    st.kind_name()
                ),
            ),
        },
    }
    policy.statements.shrink_to_fit();
    pointer.shrink_tree();
    policy
}

const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Principal",
    "NotPrincipal",
];

fn load_statement(
    ld: &mut Loader,
    node: &Node,
    pointer: &Pointer,
    kind: PolicyKind,
) -> Option<Statement> {
    let members = match &node.value {
        Value::Object(m) => m,
        Value::Partial(_) => return None,
        _ => {
            ld.error(
                node.span,
                pointer,
                format!("a statement must be an object, not {}", node.kind_name()),
            );
            return None;
        }
    };
    let mut valid = true;
    for dup in node.duplicate_keys() {
        ld.error(
            dup.key_span,
            &pointer.child(&dup.key),
            format!("duplicate key `{}` in a statement", dup.key),
        );
        valid = false;
    }
    for m in members {
        if !STATEMENT_KEYS.contains(&&*m.key) {
            ld.error(
                m.key_span,
                &pointer.child(&m.key),
                format!("unknown statement element `{}`", m.key),
            );
            valid = false;
        }
    }
    let mut principal = None;
    for key in ["Principal", "NotPrincipal"] {
        if let Some(m) = node.member(key) {
            if kind == PolicyKind::Identity {
                ld.error(
                    m.key_span,
                    &pointer.child(key),
                    format!("`{key}` is not allowed in an identity policy"),
                );
                valid = false;
            } else {
                principal = Some(Box::new(m.value.clone()));
            }
        }
    }
    let sid = node
        .get("Sid")
        .and_then(|s| s.as_str().map(CompactString::from));
    let effect = match node.get("Effect") {
        None => {
            ld.error(
                node.span,
                pointer,
                "the statement has no `Effect`".to_string(),
            );
            None
        }
        Some(e) => match e.as_str() {
            Some("Allow") => Some(Effect::Allow),
            Some("Deny") => Some(Effect::Deny),
            _ => {
                ld.error(
                    e.span,
                    &pointer.child("Effect"),
                    format!(
                        "invalid `Effect` {}: must be exactly \"Allow\" or \"Deny\"",
                        e.scalar_text()
                            .map_or_else(|| e.kind_name().to_string(), |t| format!("\"{t}\""))
                    ),
                );
                None
            }
        },
    };
    let action = load_targets(ld, node, pointer, ("Action", "NotAction"), false);
    let resource = if kind == PolicyKind::Trust
        && node.get("Resource").is_none()
        && node.get("NotResource").is_none()
    {
        Some(Targets {
            negated: false,
            entries: Box::new([make_entry(
                Sym::Known("*".into()),
                node.span,
                pointer.clone(),
                true,
                false,
            )]),
            span: node.span,
            pointer: pointer.clone(),
        })
    } else {
        load_targets(ld, node, pointer, ("Resource", "NotResource"), true)
    };
    let condition = match node.get("Condition") {
        None => Some(None),
        Some(c) => load_condition(ld, c, &pointer.child("Condition")).map(Some),
    };
    let (Some(effect), Some(action), Some(resource), Some(condition)) =
        (effect, action, resource, condition)
    else {
        return None;
    };
    if !valid {
        return None;
    }
    // R9: an empty `Action`/`Resource` grants nothing; an empty `NotAction`/`NotResource` is
    // undocumented: no grant for an Allow, applies for a Deny (conservative).
    for t in [&action, &resource] {
        if t.entries.is_empty() && (!t.negated || effect == Effect::Allow) {
            return None;
        }
    }
    Some(Statement {
        pointer: pointer.clone(),
        span: node.span,
        sid,
        effect,
        action,
        resource,
        condition: condition.map(Box::new),
        presence: None,
        principal,
    })
}

fn load_targets(
    ld: &mut Loader,
    node: &Node,
    pointer: &Pointer,
    (plain, not): (&str, &str),
    is_resource: bool,
) -> Option<Targets> {
    let (key, negated, value) = match (node.get(plain), node.get(not)) {
        (Some(_), Some(_)) => {
            ld.error(
                node.span,
                pointer,
                format!("a statement cannot have both `{plain}` and `{not}`"),
            );
            return None;
        }
        (None, None) => {
            ld.error(
                node.span,
                pointer,
                format!("the statement has neither `{plain}` nor `{not}`"),
            );
            return None;
        }
        (Some(v), None) => (plain, false, v),
        (None, Some(v)) => (not, true, v),
    };
    let tp = pointer.child(key);
    let mut entries = Vec::with_capacity(match &value.value {
        Value::Array(items) => items.len(),
        _ => 1,
    });
    let mut ok = true;
    let mut push = |ld: &mut Loader, item: &Node, p: Pointer| match &item.value {
        Value::String(_) | Value::Partial(_) => {
            if let Some(value) = Sym::from_node(item) {
                let mut entry = make_entry(value, item.span, p, is_resource, ld.version_2012);
                if is_resource && entry.value.known().is_some_and(wildcard_in_resource_type) {
                    ld.error(
                        item.span,
                        &entry.pointer,
                        "a wildcard in the resource type of an ARN is not allowed: this entry matches nothing"
                            .to_string(),
                    );
                    entry.compiled = Compiled::Pattern(Pattern::from_toks(Vec::new()).into());
                }
                entries.push(entry);
            }
        }
        _ => {
            ld.error(
                item.span,
                &p,
                format!("`{key}` entries must be strings, not {}", item.kind_name()),
            );
            ok = false;
        }
    };
    match &value.value {
        Value::Array(items) => {
            if items.is_empty() {
                ld.error(
                    value.span,
                    &tp,
                    format!("`{key}` is an empty list: the statement does not affect the policy"),
                );
            }
            for (i, item) in items.iter().enumerate() {
                push(ld, item, tp.index(i));
            }
        }
        _ => push(ld, value, tp.clone()),
    }
    ok.then_some(Targets {
        negated,
        entries: entries.into_boxed_slice(),
        span: value.span,
        pointer: tp,
    })
}

fn make_entry(value: Sym, span: Span, pointer: Pointer, is_resource: bool, vars: bool) -> Entry {
    if !is_resource {
        let literal = value
            .known()
            .is_some_and(|s| s.contains(':') && !s.contains(['*', '?']));
        return Entry {
            value,
            span,
            pointer,
            compiled: Compiled::Action { literal },
        };
    }
    // Variables only in the resource part, after the fifth colon (R58).
    let template = match (&value, vars) {
        (Sym::Known(s), true) => {
            let (head, tail) = split_resource_part(s);
            parse_template(tail).map(|mut t| {
                if !head.is_empty() {
                    t.insert(0, TplPiece::Text(head.to_string()));
                }
                t
            })
        }
        _ => None,
    };
    let compiled = if let Some(t) = template {
        Compiled::Template(t.into_boxed_slice())
    } else {
        let pattern = Pattern::resource_sym(&value);
        Compiled::Pattern(match value.known() {
            Some(text) => pattern.detach(text),
            None => pattern.into(),
        })
    };
    Entry {
        value,
        span,
        pointer,
        compiled,
    }
}

/// Services whose resource part starts with a resource type (`repository/`, `secret:`, …).
const TYPED_SERVICES: &[&str] = &[
    "ecr",
    "ecs",
    "logs",
    "ssm",
    "secretsmanager",
    "kms",
    "iam",
    "sts",
    "lambda",
    "events",
    "states",
];

/// R26: a wildcard inside the resource-type part (`arn:aws:iam::123456789012:u*`) is not allowed.
/// Checked for services whose resources are typed; a resource part that is all `*` is fine.
pub fn wildcard_in_resource_type(arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    let (Some(_), Some(_), Some(service), Some(_), Some(_), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    if !TYPED_SERVICES.contains(&service) || resource.chars().all(|c| c == '*') {
        return false;
    }
    let type_part = resource.split(['/', ':']).next().unwrap_or("");
    resource.contains(['/', ':']) && type_part.contains(['*', '?'])
        || !resource.contains(['/', ':']) && resource.contains(['*', '?'])
}

/// Splits an ARN after its fifth colon: (`arn:p:s:r:a:`, resource part). A string with fewer
/// colons is all head.
pub fn split_resource_part(arn: &str) -> (&str, &str) {
    let mut colons = 0;
    for (i, c) in arn.char_indices() {
        if c == ':' {
            colons += 1;
            if colons == 5 {
                return arn.split_at(i + 1);
            }
        }
    }
    (arn, "")
}

fn load_condition(ld: &mut Loader, node: &Node, pointer: &Pointer) -> Option<ConditionBlock> {
    let Some(ops) = node.as_object() else {
        ld.error(
            node.span,
            pointer,
            format!("`Condition` must be an object, not {}", node.kind_name()),
        );
        return None;
    };
    let mut ok = true;
    for dup in node.duplicate_keys() {
        ld.error(
            dup.key_span,
            &pointer.child(&dup.key),
            format!("duplicate condition operator `{}`", dup.key),
        );
        ok = false;
    }
    let mut clauses = Vec::new();
    for opm in ops {
        let op_pointer = pointer.child(&opm.key);
        let Some(op) = Operator::parse(&opm.key) else {
            ld.error(
                opm.key_span,
                &op_pointer,
                format!("unknown condition operator `{}`", opm.key),
            );
            ok = false;
            continue;
        };
        if op.kind == OpKind::Null && op.if_exists {
            ld.error(
                opm.key_span,
                &op_pointer,
                "`NullIfExists` is not a valid condition operator: use `Null`".to_string(),
            );
            ok = false;
            continue;
        }
        let Some(keys) = opm.value.as_object() else {
            ld.error(
                opm.value.span,
                &op_pointer,
                format!(
                    "a condition operator takes an object of keys, not {}",
                    opm.value.kind_name()
                ),
            );
            ok = false;
            continue;
        };
        for (i, km) in keys.iter().enumerate() {
            let key_pointer = op_pointer.child(&km.key);
            if keys
                .iter()
                .take(i)
                .any(|prev| prev.key.eq_ignore_ascii_case(&km.key))
            {
                ld.error(
                    km.key_span,
                    &key_pointer,
                    format!("duplicate condition key `{}` (keys ignore case)", km.key),
                );
                ok = false;
                continue;
            }
            let mut values = Vec::new();
            let items: &[Node] = match &km.value.value {
                Value::Array(items) => items,
                _ => std::slice::from_ref(&km.value),
            };
            for (j, item) in items.iter().enumerate() {
                if let (
                    Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Partial(_),
                    Some(s),
                ) = (&item.value, Sym::from_node(item))
                {
                    values.push(s);
                } else {
                    let p = if matches!(km.value.value, Value::Array(_)) {
                        key_pointer.index(j)
                    } else {
                        key_pointer.clone()
                    };
                    ld.error(
                        item.span,
                        &p,
                        format!(
                            "condition values must be strings, numbers or booleans, not {}",
                            item.kind_name()
                        ),
                    );
                    ok = false;
                }
            }
            clauses.push(Clause {
                operator: opm.key.to_string(),
                op,
                key: km.key.to_string(),
                values,
                pointer: key_pointer,
                span: km.value.span,
            });
        }
    }
    ok.then(|| ConditionBlock {
        pointer: pointer.clone(),
        span: node.span,
        clauses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::RuleSettings;
    use crate::source::SourceDb;

    fn load(text: &str) -> (Policy, Vec<String>) {
        let mut db = SourceDb::new();
        let id = db.add("p.json", text);
        let node = json::parse(text).unwrap();
        let settings = RuleSettings::default();
        let mut reporter = Reporter::new(&settings);
        let p = load_policy(&node, Some(id), "", "p", Some(&mut reporter));
        let msgs = reporter
            .into_diagnostics()
            .into_iter()
            .map(|d| format!("{} {}", d.primary.pointer, d.message))
            .collect();
        (p, msgs)
    }

    #[test]
    fn r1_principal_is_invalid_in_identity_policy() {
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
        );
        assert!(p.statements.is_empty());
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].starts_with("/Statement/0/Principal "));
    }

    #[test]
    fn r2_statement_object_or_array() {
        let (a, _) = load(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
        let (b, _) = load(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#);
        assert_eq!(a.statements.len(), 1);
        assert_eq!(b.statements.len(), 1);
        assert_eq!(a.statements[0].pointer, "/Statement");
        assert_eq!(b.statements[0].pointer, "/Statement/0");
    }

    #[test]
    fn r3_string_or_array_of_strings() {
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}"#,
        );
        assert!(msgs.is_empty());
        let s = &p.statements[0];
        assert_eq!(s.action.entries.len(), 2);
        assert_eq!(s.action.entries[1].pointer, "/Statement/0/Action/1");
        assert_eq!(s.resource.entries[0].pointer, "/Statement/0/Resource");
    }

    #[test]
    fn r4_exactly_one_of_each_pair_and_effect_required() {
        let (p, msgs) = load(
            r#"{"Statement":[
                {"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"},
                {"Effect":"Allow","Action":"s3:*"},
                {"Action":"s3:*","Resource":"*"},
                {"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        );
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.statements[0].pointer, "/Statement/3");
        assert_eq!(msgs.len(), 3, "{msgs:?}");
    }

    #[test]
    fn r5_effect_is_case_sensitive() {
        for e in ["allow", "ALLOW", "Permit", "deny"] {
            let (p, msgs) = load(&format!(
                r#"{{"Statement":[{{"Effect":"{e}","Action":"s3:*","Resource":"*"}}]}}"#
            ));
            assert!(p.statements.is_empty(), "{e}");
            assert_eq!(msgs.len(), 1);
            assert!(msgs[0].starts_with("/Statement/0/Effect "), "{msgs:?}");
        }
    }

    #[test]
    fn r6_version_values() {
        let (p, msgs) = load(r#"{"Version":"2012-10-17","Statement":[]}"#);
        assert_eq!(p.version.as_deref(), Some("2012-10-17"));
        assert_eq!(msgs.len(), 1); // empty statement (R8)
        let (p, msgs) = load(
            r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        );
        assert_eq!(p.version, None);
        assert!(msgs[0].starts_with("/Version "));
        assert_eq!(p.statements.len(), 1);
        let (p, msgs) = load(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
        assert!(msgs.is_empty());
        assert_eq!(p.version, None);
    }

    #[test]
    fn r7_duplicate_keys_are_errors() {
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#,
        );
        assert!(p.statements.is_empty());
        assert_eq!(msgs.len(), 1);
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",
               "Condition":{"StringEquals":{"aws:SourceVpc":"a","AWS:sourcevpc":"b"}}}]}"#,
        );
        assert!(p.statements.is_empty());
        assert!(msgs[0].contains("duplicate condition key"), "{msgs:?}");
    }

    #[test]
    fn r8_empty_statement_array_grants_nothing() {
        let (p, msgs) = load(r#"{"Statement":[]}"#);
        assert!(p.statements.is_empty());
        assert_eq!(msgs.len(), 1);
    }

    #[test]
    fn r9_empty_action_or_resource_is_a_no_op() {
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"},
               {"Effect":"Allow","Action":"s3:*","Resource":[]},
               {"Effect":"Allow","NotAction":[],"Resource":"*"},
               {"Effect":"Deny","NotAction":[],"Resource":"*"}]}"#,
        );
        assert_eq!(msgs.len(), 4);
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.statements[0].effect, Effect::Deny);
    }

    #[test]
    fn r11_non_string_entries_are_invalid_condition_values_normalised() {
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:*", 3],"Resource":"*"},
               {"Effect":"Allow","Action":"s3:*","Resource":"*",
                "Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}}]}"#,
        );
        assert_eq!(msgs.len(), 1);
        assert_eq!(p.statements.len(), 1);
        let c = p.statements[0].condition.as_ref().unwrap();
        assert_eq!(c.clauses[0].values, vec![Sym::from("10")]);
        assert_eq!(c.clauses[1].values, vec![Sym::from("true")]);
    }

    #[test]
    fn r26_wildcard_in_resource_type_matches_nothing() {
        assert!(wildcard_in_resource_type("arn:aws:iam::123456789012:u*"));
        assert!(wildcard_in_resource_type(
            "arn:aws:ssm:us-east-1:1:param*/x"
        ));
        assert!(!wildcard_in_resource_type("arn:aws:ssm:us-east-1:1:*"));
        assert!(!wildcard_in_resource_type(
            "arn:aws:ssm:us-east-1:1:parameter/*"
        ));
        assert!(!wildcard_in_resource_type("arn:aws:s3:::bucket*"));
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::1:u*"}]}"#,
        );
        assert_eq!(msgs.len(), 1);
        let e = &p.statements[0].resource.entries[0];
        let Some(p) = e.pattern() else {
            panic!("not compiled to a pattern: {e:?}");
        };
        assert!(!p.matches("arn:aws:iam::1:user/x"));
    }

    #[test]
    fn r10_sid_is_kept() {
        let (p, _) =
            load(r#"{"Statement":{"Sid":"A1","Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
        assert_eq!(p.statements[0].sid.as_deref(), Some("A1"));
    }

    #[test]
    fn r52_null_if_exists_is_invalid() {
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:x":"true"}}}]}"#,
        );
        assert!(p.statements.is_empty());
        assert!(msgs[0].contains("NullIfExists"));
    }

    #[test]
    fn r55_unknown_operator_is_invalid() {
        let (p, msgs) = load(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"aws:x":"a"}}}]}"#,
        );
        assert!(p.statements.is_empty());
        assert!(msgs[0].contains("unknown condition operator"));
        let op = Operator::parse("ForAllValues:stringnotlikeifexists").unwrap();
        assert_eq!(
            op,
            Operator {
                kind: OpKind::StringLike,
                negated: true,
                if_exists: true,
                set: Some(SetQualifier::ForAllValues)
            }
        );
    }

    #[test]
    fn policy_document_as_string() {
        let inner = r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
        let node = policy_node_from_string(inner).unwrap();
        assert!(is_policy_document(&node));
        let p = load_policy(&node, None, "", "managed", None);
        assert_eq!(p.statements.len(), 1);
    }

    #[test]
    fn partial_statement_is_skipped() {
        let node = Node::new(
            Value::Object(vec![crate::parse::Member {
                key: "Statement".into(),
                key_span: Span::default(),
                value: Node::new(
                    Value::Array(vec![Node::new(
                        Value::Partial(vec![crate::parse::Piece::Hole("x".into())]),
                        Span::default(),
                    )]),
                    Span::default(),
                ),
            }]),
            Span::default(),
        );
        let p = load_policy(&node, None, "", "t", None);
        assert!(p.statements.is_empty());
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod size_tests {
    /// A run keeps one `Entry` per `Action`/`Resource` entry and one `Statement`
    /// per statement of every policy it reads, and every container until it is
    /// checked (docs/performance.md): growing them costs memory on every large run.
    #[test]
    fn entries_and_statements_stay_small() {
        assert!(std::mem::size_of::<super::Entry>() <= 72);
        // Every located value of a task definition or policy holds one.
        assert!(std::mem::size_of::<crate::model::Sym>() <= 24);
        assert!(std::mem::size_of::<Option<crate::model::Sym>>() <= 24);
        assert!(std::mem::size_of::<super::Statement>() <= 184);
        // A run holds every container of every task definition until they are checked.
        assert!(std::mem::size_of::<crate::model::task::Container>() <= 456);
    }
}

#[cfg(test)]
mod action_entry_tests {
    use super::*;
    use crate::iam::matcher::action_matches;

    fn entry(p: &str) -> Entry {
        make_entry(
            Sym::Known(p.into()),
            Span::new(0, 0),
            Pointer::root(),
            false,
            true,
        )
    }

    #[test]
    fn literal_entries_are_the_ones_without_wildcards_and_with_a_service() {
        let literal = |p: &str| matches!(entry(p).compiled, Compiled::Action { literal: true });
        assert!(literal("ecr:BatchGetImage"));
        assert!(!literal("ecr:Batch*"));
        assert!(!literal("ecr:Get?"));
        assert!(!literal("*"));
        assert!(!literal("ecr"));
        assert!(entry("ECR:batchgetimage").matches_action("ecr:BatchGetImage") == Some(true));
        assert!(entry("ecr:BatchGetImage").matches_action("ecr:BatchGetImages") == Some(false));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// An entry answers as `action_matches` does on its text, literal or not.
        #[test]
        fn an_entry_matches_as_action_matches(
            pattern in "(ecr|ECR|s3|logs|:|\\*|\\?|Get|get|Batch|Image|é|x){0,6}",
            action in "(ecr|ECR|s3|logs|:|\\*|\\?|Get|get|Batch|Image|é|x){0,6}",
        ) {
            proptest::prop_assert_eq!(
                entry(&pattern).matches_action(&action),
                Some(action_matches(&pattern, &action))
            );
        }
    }
}
