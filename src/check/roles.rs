//! Roles as policy sets: every role description of the inputs (and the config,
//! and `--policy`) turned into loaded identity policies, a boundary and a trust
//! policy; and the trust-policy rules (ECS011, ECS012).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::diagnostic::{Loc, Reporter};
use crate::input::cloudformation::RoleLink;
use crate::model::Sym;
use crate::model::policy::{Effect, Policy, PolicyKind, Statement, load_policy, load_policy_as};
use crate::model::role::{ManagedRef, PolicySource, RoleInput, arn_account, role_name_from_arn};
use crate::parse::{Node, Piece, Span, Value};
use crate::rules::Rule;
use crate::source::FileId;

use super::Settings;
use super::load::{TaskSource, World};

/// A role's policies, ready for evaluation.
#[derive(Debug, Clone, Default)]
pub struct RoleSet {
    pub name: String,
    pub arn: Option<String>,
    pub identity: Vec<Arc<Policy>>,
    pub boundary: Option<Vec<Arc<Policy>>>,
    pub trust: Option<Arc<Policy>>,
    /// Where the role is described.
    pub loc: Option<Loc>,
    /// The policies are the `--policy` files (for messages).
    pub from_policy_flag: bool,
}

impl RoleSet {
    /// The account of the role, from its ARN.
    pub fn account(&self) -> Option<&str> {
        self.arn.as_deref().and_then(arn_account)
    }
}

/// How a task's role reference resolved.
#[derive(Debug, Clone)]
pub enum Resolution<'a> {
    Found(&'a RoleSet),
    /// The task names no role.
    None,
    /// Not among the inputs: what was looked for, and where the reference is.
    NotFound {
        looked_for: String,
        loc: Option<Loc>,
    },
}

/// All roles of a run.
#[derive(Debug, Default)]
pub struct RoleSets {
    by_name: BTreeMap<String, RoleSet>,
    scoped: BTreeMap<(FileId, String), RoleSet>,
    /// Roles known only by their trust policy (`get-role`), for ECS011/ECS012.
    trust_only: BTreeMap<String, RoleSet>,
    /// The `--policy` files as one role.
    fallback: Option<RoleSet>,
    /// Key policies of KMS keys the inputs define, by key ARN (as displayed).
    key_policies: Vec<(String, Arc<Policy>)>,
    /// Every policy document read from a file, once, with its kind (for the hygiene rules).
    loaded: Vec<(PolicyKind, Arc<Policy>)>,
}

/// A statement that grants everything, present only as Unknown: stands for a
/// policy whose document ecslint does not have (SPEC §4: its possible grants are conditional).
fn unknown_policy(reason: &str, loc: Option<&Loc>) -> Policy {
    const ALLOW_ALL: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let node = crate::parse::json::parse(ALLOW_ALL)
        .unwrap_or_else(|_| Node::new(Value::Null, Span::default()));
    let mut policy = load_policy(&node, None, "", reason, None);
    policy.source = loc.map(|l| l.file);
    if let Some(l) = loc {
        policy.span = l.span;
        policy.pointer = l.pointer.clone();
    }
    for st in &mut policy.statements {
        st.presence = Some(reason.into());
        if let Some(l) = loc {
            st.span = l.span;
            st.pointer = l.pointer.clone();
        }
    }
    policy
}

/// A policy that grants nothing (an attachment that cannot work).
fn empty_policy(name: &str) -> Policy {
    let node = Node::new(Value::Object(Vec::new()), Span::default());
    let mut p = load_policy(&node, None, "", name, None);
    p.statements.clear();
    p
}

/// Marks the statements of a policy that a template includes only under an
/// undecidable condition (`conditional`: file, pointer, reason).
pub(super) fn mark_conditional(
    policy: &mut Policy,
    file: FileId,
    conditional: &[(FileId, String, String)],
) {
    if conditional.iter().all(|(f, _, _)| *f != file) {
        return;
    }
    for st in &mut policy.statements {
        if let Some((_, _, reason)) = conditional
            .iter()
            .find(|(f, p, _)| *f == file && st.pointer.is_at_or_under(p))
        {
            st.presence.get_or_insert_with(|| reason.as_str().into());
        }
    }
}

/// The kind of a bare policy document: a trust policy when it names principals.
pub(super) fn document_kind(node: &Node) -> PolicyKind {
    if crate::input::iam::names_principals(node) {
        PolicyKind::Trust
    } else {
        PolicyKind::Identity
    }
}

/// Loads policy sources once each (a document shared by several roles is reported once).
struct Loader<'w, 'r, 's> {
    world: &'w mut World,
    reporter: &'r mut Reporter<'s>,
    loaded: HashMap<(Option<FileId>, String), Arc<Policy>>,
    managed: HashMap<String, Option<Arc<Policy>>>,
    /// The customer managed policies of the inputs, by ARN, each taken out when first loaded.
    managed_sources: BTreeMap<String, PolicySource>,
    /// What `loaded` holds, in load order, with each document's kind.
    order: Vec<(PolicyKind, Arc<Policy>)>,
}

impl Loader<'_, '_, '_> {
    fn source(&mut self, src: &PolicySource, kind: PolicyKind) -> Arc<Policy> {
        let key = (src.file, src.pointer.clone());
        if let Some(p) = self.loaded.get(&key) {
            return Arc::clone(p);
        }
        if let (Some(file), Some(span)) = (src.file, src.opaque) {
            self.world.opaque.push((file, span, src.pointer.clone()));
        }
        let policy = if let Some(pre) = &src.preloaded {
            self.reporter.extend(pre.diagnostics.clone());
            Arc::clone(&pre.policy)
        } else {
            let reporter = src.file.map(|_| &mut *self.reporter);
            let mut policy =
                load_policy_as(&src.node, src.file, &src.pointer, &src.name, kind, reporter);
            if let Some(file) = src.file {
                mark_conditional(&mut policy, file, &self.world.conditional);
            }
            Arc::new(policy)
        };
        self.loaded.insert(key, Arc::clone(&policy));
        self.order.push((kind, Arc::clone(&policy)));
        policy
    }

    /// An attached managed policy (or boundary) by ARN.
    fn managed(&mut self, r: &ManagedRef) -> Arc<Policy> {
        let arn = match &r.arn {
            Sym::Known(a) if a.contains("${") => {
                // A template variable left in a plain string (no `!Sub`): IAM rejects the ARN.
                if let Some(loc) = &r.loc {
                    self.reporter
                        .report(
                            Rule::InvalidInput,
                            loc.clone(),
                            format!("`{a}` is not a valid policy ARN: `${{...}}` is substituted only inside `Fn::Sub`"),
                        )
                        .with_help("write it as `!Sub 'arn:${AWS::Partition}:iam::aws:policy/...'`");
                }
                return Arc::new(empty_policy(a));
            }
            Sym::Known(a) => a.clone(),
            Sym::Partial(pieces) => {
                // `arn:${AWS::Partition}:iam::aws:policy/...`: the document is the same in every partition.
                let only_partition = pieces.iter().all(|p| {
                    matches!(p, Piece::Lit(_))
                        || matches!(p, Piece::Hole(h) if &**h == "AWS::Partition")
                });
                if only_partition {
                    Sym::Partial(pieces.clone())
                        .to_string()
                        .replace("${AWS::Partition}", "aws")
                } else {
                    return Arc::new(unknown_policy(
                        &format!("the managed policy `{}` cannot be resolved offline", r.arn),
                        r.loc.as_ref(),
                    ));
                }
                .into()
            }
        };
        if let Some(p) = self.managed.get(arn.as_str()) {
            return p.clone().unwrap_or_else(|| {
                Arc::new(unknown_policy(
                    &format!("the policy `{arn}` is not among the inputs"),
                    r.loc.as_ref(),
                ))
            });
        }
        let loaded = if crate::aws::is_aws_managed_arn(&arn) {
            crate::aws::managed_policy(&arn).and_then(|m| {
                crate::parse::json::parse(m.document)
                    .ok()
                    .map(|node| Arc::new(load_policy(&node, None, "", m.name, None)))
            })
        } else {
            // Each ARN is looked up here once (then `self.managed` answers): the
            // source tree is not needed again.
            self.managed_sources
                .remove(arn.as_str())
                .map(|src| self.source(&src, PolicyKind::Identity))
        };
        self.managed.insert(arn.to_string(), loaded.clone());
        loaded.unwrap_or_else(|| {
            let what = if crate::aws::is_aws_managed_arn(&arn) {
                format!("`{arn}` is not a known AWS managed policy")
            } else {
                format!("the policy `{arn}` is not among the inputs")
            };
            Arc::new(unknown_policy(&what, r.loc.as_ref()))
        })
    }

    fn role(&mut self, input: &RoleInput) -> RoleSet {
        let mut identity: Vec<Arc<Policy>> = input
            .inline
            .iter()
            .map(|s| self.source(s, PolicyKind::Identity))
            .collect();
        identity.extend(input.managed.iter().map(|m| self.managed(m)));
        RoleSet {
            name: input.name.clone(),
            arn: input.arn.clone(),
            boundary: match (&input.boundary_source, &input.boundary) {
                (Some(src), _) => Some(vec![self.source(src, PolicyKind::Identity)]),
                (None, Some(b)) => Some(vec![self.managed(b)]),
                (None, None) => None,
            },
            trust: input
                .trust
                .as_ref()
                .map(|t| self.source(t, PolicyKind::Trust)),
            identity,
            loc: input.loc.clone(),
            from_policy_flag: false,
        }
    }

    /// Reads a file named by the config (`[roles.NAME]`).
    fn config_file(&mut self, path: &std::path::Path) -> Option<PolicySource> {
        let candidate = crate::input::walk::Candidate {
            path: path.to_path_buf(),
            display: crate::input::walk::display_path(path),
            explicit: true,
        };
        match crate::input::read::read(&candidate) {
            Err(e) => {
                self.world.run_errors.push(e.into());
                None
            }
            Ok(f) => {
                let name = f.source.name.clone();
                let tree = f.tree;
                let id = self.world.db.push(f.source);
                match tree {
                    Ok(node) => Some(PolicySource {
                        name,
                        file: Some(id),
                        pointer: String::new(),
                        node,
                        opaque: None,
                        preloaded: None,
                    }),
                    Err(e) => {
                        self.reporter.report(
                            Rule::ParseError,
                            Loc::new(id, e.span, e.pointer),
                            e.message,
                        );
                        None
                    }
                }
            }
        }
    }
}

impl RoleSets {
    /// Loads every role of the run.
    pub fn build(world: &mut World, settings: &Settings, reporter: &mut Reporter<'_>) -> RoleSets {
        let roles = std::mem::take(&mut world.roles);
        let scoped = std::mem::take(&mut world.scoped_roles);
        let policy_files = std::mem::take(&mut world.policy_files);
        let documents = std::mem::take(&mut world.documents);
        let key_policies = std::mem::take(&mut world.key_policies);
        let managed_sources = std::mem::take(&mut world.managed);
        // Each source tree is dropped as soon as its policy is loaded (peak memory).
        let mut out = RoleSets::default();
        let mut ld = Loader {
            world,
            reporter,
            loaded: HashMap::new(),
            managed: HashMap::new(),
            managed_sources,
            order: Vec::new(),
        };
        for (arn, src) in key_policies {
            let policy = ld.source(&src, PolicyKind::Resource);
            out.key_policies.push((arn.to_string(), policy));
        }
        // Bare policy documents are validated even though no role uses them.
        for doc in documents {
            let kind = match &doc.preloaded {
                Some(pre) => pre.kind,
                None => document_kind(&doc.node),
            };
            ld.source(&doc, kind);
        }
        // Config roles first: an input describing the same role adds to them.
        let mut config_roles: BTreeMap<String, RoleInput> = BTreeMap::new();
        for (name, rc) in settings.config.roles.iter().flatten() {
            let mut role = RoleInput {
                name: name.clone(),
                policies_listed: true,
                ..RoleInput::default()
            };
            for p in &rc.policies {
                if let Some(src) = ld.config_file(&settings.config.resolve(p)) {
                    role.inline.push(src);
                }
            }
            role.managed = rc
                .managed
                .iter()
                .map(|a| ManagedRef {
                    arn: Sym::Known(a.as_str().into()),
                    loc: None,
                })
                .collect();
            role.boundary = rc.boundary.as_ref().map(|a| ManagedRef {
                arn: Sym::Known(a.as_str().into()),
                loc: None,
            });
            if let Some(t) = &rc.trust {
                role.trust = ld.config_file(&settings.config.resolve(t)).map(Box::new);
            }
            config_roles.insert(name.clone(), role);
        }
        let mut all = roles;
        for (name, role) in config_roles {
            match all.get_mut(&name) {
                Some(existing) => existing.merge(role),
                None => {
                    all.insert(name, role);
                }
            }
        }
        for (name, input) in all {
            let set = ld.role(&input);
            if input.policies_listed {
                out.by_name.insert(name, set);
            } else {
                out.trust_only.insert(name, set);
            }
        }
        for ((file, key), input) in scoped {
            let set = ld.role(&input);
            if input.policies_listed {
                out.scoped.insert((file, key), set);
            } else {
                // Extra policies of a role defined elsewhere: usable together with --policy.
                out.scoped.insert((file, format!("partial:{key}")), set);
            }
        }
        if !policy_files.is_empty() {
            let identity = policy_files
                .into_iter()
                .map(|s| ld.source(&s, PolicyKind::Identity))
                .collect();
            out.fallback = Some(RoleSet {
                name: "--policy".to_string(),
                identity,
                from_policy_flag: true,
                ..RoleSet::default()
            });
        }
        out.loaded = std::mem::take(&mut ld.order);
        out
    }

    /// Every policy document read from a file (identity, trust, `--policy`, bare
    /// documents, customer managed), once each, in load order; never AWS managed ones.
    pub fn loaded_policies(&self) -> &[(PolicyKind, Arc<Policy>)] {
        &self.loaded
    }

    /// The roles whose policies the inputs describe (by name and in templates).
    pub fn described(&self) -> impl Iterator<Item = &RoleSet> {
        self.by_name.values().chain(self.scoped.values())
    }

    fn fallback_for(&self, name: Option<&str>, extra: Option<&RoleSet>) -> Option<RoleSet> {
        let fb = self.fallback.as_ref()?;
        let mut set = fb.clone();
        if let Some(n) = name {
            set.name = n.to_string();
            if let Some(t) = self.trust_only.get(n) {
                set.trust.clone_from(&t.trust);
                set.arn.clone_from(&t.arn);
                set.loc.clone_from(&t.loc);
            }
        }
        if let Some(e) = extra {
            set.identity.extend(e.identity.iter().cloned());
        }
        Some(set)
    }

    /// Resolves a task's role reference. A role that only `--policy` describes is
    /// returned owned (built on the fly), hence the `Cow`.
    pub fn resolve(&self, task: &TaskSource, link: &RoleLink) -> ResolvedRole<'_> {
        match link {
            RoleLink::None => ResolvedRole::None,
            RoleLink::Template(key) => {
                let scope = task.scope.unwrap_or(task.file);
                if let Some(set) = self.scoped.get(&(scope, key.clone())) {
                    return ResolvedRole::Found(std::borrow::Cow::Borrowed(set));
                }
                let partial = self.scoped.get(&(scope, format!("partial:{key}")));
                let name = key.split_once(':').map_or(key.as_str(), |(_, n)| n);
                if let Some(set) = self.by_name.get(name) {
                    let mut set = set.clone();
                    if let Some(p) = partial {
                        set.identity.extend(p.identity.iter().cloned());
                    }
                    return ResolvedRole::Found(std::borrow::Cow::Owned(set));
                }
                match self.fallback_for(Some(name), partial) {
                    Some(set) => ResolvedRole::Found(std::borrow::Cow::Owned(set)),
                    None => ResolvedRole::NotFound {
                        looked_for: format!(
                            "the role `{name}` of this template, whose policies are defined elsewhere"
                        ),
                        loc: None,
                    },
                }
            }
            RoleLink::External(sym, loc) => {
                let name = match sym {
                    Sym::Known(s) => Some(role_name_from_arn(s).to_string()),
                    Sym::Partial(pieces) => match pieces.last() {
                        Some(Piece::Lit(l)) if l.contains('/') || !l.contains(':') => {
                            let tail = l.rsplit('/').next().unwrap_or(l);
                            (!tail.is_empty()).then(|| tail.to_string())
                        }
                        _ => None,
                    },
                };
                if let Some(n) = &name
                    && let Some(set) = self.by_name.get(n)
                {
                    return ResolvedRole::Found(std::borrow::Cow::Borrowed(set));
                }
                match self.fallback_for(name.as_deref(), None) {
                    Some(mut set) => {
                        // `aws:PrincipalArn` is the role's ARN, known from `executionRoleArn`.
                        if let (None, Sym::Known(s)) = (&set.arn, sym)
                            && s.starts_with("arn:")
                        {
                            set.arn = Some(s.to_string());
                        }
                        ResolvedRole::Found(std::borrow::Cow::Owned(set))
                    }
                    None => ResolvedRole::NotFound {
                        looked_for: match &name {
                            Some(n) => format!("the role `{n}` (from `{sym}`)"),
                            None => format!("the role `{sym}`"),
                        },
                        loc: Some(loc.clone()),
                    },
                }
            }
            RoleLink::Unknown(what, loc) => match self.fallback_for(None, None) {
                Some(set) => ResolvedRole::Found(std::borrow::Cow::Owned(set)),
                None => ResolvedRole::NotFound {
                    looked_for: format!("the role given by {what}"),
                    loc: Some(loc.clone()),
                },
            },
        }
    }

    /// The key policy of a KMS key defined among the inputs.
    pub fn key_policy(&self, key_arn: &Sym) -> Option<&Policy> {
        let text = key_arn.to_string();
        self.key_policies
            .iter()
            .find(|(a, _)| *a == text)
            .map(|(_, p)| &**p)
    }

    /// ECS011 and ECS012 for every role some task definition uses as its execution role.
    pub fn check_trust(
        &self,
        world: &World,
        used: &BTreeSet<RoleKey>,
        reporter: &mut Reporter<'_>,
    ) {
        let _ = world;
        for key in used {
            let set = match key {
                RoleKey::Named(n) => self.by_name.get(n).or_else(|| self.trust_only.get(n)),
                RoleKey::Scoped(f, k) => self.scoped.get(&(*f, k.clone())),
            };
            let Some(set) = set else { continue };
            let Some(trust) = &set.trust else { continue };
            check_trust_policy(&set.name, trust, reporter);
        }
    }
}

/// The identity of a role, for "used as an execution role" bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RoleKey {
    Named(String),
    Scoped(FileId, String),
}

/// A resolved role: borrowed from the run's roles, or built for `--policy`.
#[derive(Debug, Clone)]
pub enum ResolvedRole<'a> {
    Found(std::borrow::Cow<'a, RoleSet>),
    None,
    NotFound {
        looked_for: String,
        loc: Option<Loc>,
    },
}

fn principal_names_service(principal: &Node, service: &str) -> bool {
    match &principal.value {
        Value::String(s) => &**s == "*",
        Value::Object(_) => principal.get("Service").is_some_and(|s| match &s.value {
            Value::String(v) => v.eq_ignore_ascii_case(service),
            Value::Array(items) => items
                .iter()
                .any(|i| i.as_str().is_some_and(|v| v.eq_ignore_ascii_case(service))),
            _ => false,
        }),
        _ => false,
    }
}

/// ECS011 / ECS012 on one trust policy.
fn check_trust_policy(role: &str, trust: &Policy, reporter: &mut Reporter<'_>) {
    let Some(file) = trust.source else { return };
    let loc = Loc::new(file, trust.span, trust.statement_pointer.clone());
    let assumes: Vec<&Statement> = trust
        .statements
        .iter()
        .filter(|st| {
            st.effect == Effect::Allow
                && st
                    .principal
                    .as_ref()
                    .is_some_and(|p| principal_names_service(p, "ecs-tasks.amazonaws.com"))
                && !st.action.negated
                && st.action.entries.iter().any(|e| {
                    e.value
                        .known()
                        .is_some_and(|a| crate::iam::matcher::action_matches(a, "sts:AssumeRole"))
                })
        })
        .collect();
    if assumes.is_empty() {
        reporter.report(
            Rule::RoleTrust,
            loc,
            format!("the trust policy of `{role}` does not let `ecs-tasks.amazonaws.com` call `sts:AssumeRole`"),
        )
        .with_help(
            "add a statement: {\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ecs-tasks.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}",
        );
        return;
    }
    let guarded = assumes.iter().any(|st| {
        st.condition.as_ref().is_some_and(|c| {
            c.clauses.iter().any(|cl| {
                cl.key.eq_ignore_ascii_case("aws:SourceAccount")
                    || cl.key.eq_ignore_ascii_case("aws:SourceArn")
            })
        })
    });
    if !guarded {
        reporter
            .report(
                Rule::TrustConfusedDeputy,
                loc,
                format!("the trust policy of `{role}` has no `aws:SourceAccount` or `aws:SourceArn` condition"),
            )
            .with_help("add \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"ACCOUNT\"}, \"ArnLike\": {\"aws:SourceArn\": \"arn:aws:ecs:REGION:ACCOUNT:*\"}}");
    }
}
