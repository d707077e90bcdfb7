//! The policy hygiene rules over a run's loaded policies: ECS201 unknown-action,
//! ECS202 broad-secret-access, ECS203 unused-grant and ECS205 resource-mismatch
//! (ECS204 plaintext-secret is per task definition and runs where they are loaded).
//!
//! Which policies each rule looks at:
//!
//! - ECS201 and ECS205: every policy document read from a file (inline and
//!   customer managed policies, `--policy` files, bare documents, template and plan
//!   policies; ECS201 also trust policies). AWS managed policies, and the stand-ins
//!   for policies that are not among the inputs, are never looked at.
//! - ECS202: the identity policies of roles that some task definition of the run
//!   uses as its execution role, `--policy` files and bare documents; not the
//!   policies of roles the run shows are not execution roles.
//! - ECS203: the identity policies of execution roles, judged against the needs of
//!   the task definitions of the run that use the role. A role used by at least one
//!   task definition of the run is taken as fully known (all its task definitions
//!   are among the inputs: SPEC "lint every task definition that uses the role in
//!   one run"). A policy is not judged when a role that holds it is used by no task
//!   definition of the run, or is some task definition's task role (the
//!   application may use the grant).

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Reporter;
use crate::model::arn::{is_wholly_unknown, parse_ecr_image, placeholders_to_holes};
use crate::model::policy::{Policy, PolicyKind};
use crate::model::task::{Field, TaskDefinition};
use crate::needs::Need;
use crate::rules::unused_grant::Usage;
use crate::rules::{broad_secret_access, resource_mismatch, unknown_action, unused_grant};
use crate::source::SourceDb;

use super::permissions::TaskResults;
use super::roles::{RoleSet, RoleSets};

/// A policy's identity across loads: the file's name (a file given both as an
/// input and with `--policy` is read twice), borrowed from the run's sources,
/// and the document's pointer.
type PolicyKey<'db> = (&'db str, String);

fn key<'db>(db: &'db SourceDb, p: &Policy) -> Option<PolicyKey<'db>> {
    p.source.map(|f| (db.name(f), p.pointer.as_string()))
}

/// What the task definitions using one execution role need.
///
/// A run keeps one of these per execution role until the hygiene rules run, so it
/// holds only what they read: the needed actions (ECS203) and, for the actions
/// ECS202 reports, the resources needed (to name narrower ones), each once.
#[derive(Debug, Clone, Default)]
pub struct RoleUse {
    /// The role's name, for messages.
    pub name: String,
    /// The role's identity policies read from files, by `(file, pointer)`: sorted,
    /// each once (see [`insert_sorted`]).
    pub policies: Vec<(crate::source::FileId, String)>,
    /// Every needed action, once each, in the order first needed.
    pub actions: Vec<&'static str>,
    /// The `(action, resource as granted)` needs whose action is one of ECS202's
    /// [`broad_secret_access::SECRET_ACTIONS`], sorted, each once; the grants of
    /// other actions are read by no rule and not kept.
    pub secret_grants: Vec<(&'static str, Box<str>)>,
    /// Some task definition reads a secret or a parameter (whose key may be unknown).
    pub reads_secrets: bool,
    /// Actions a value unknown offline may need (an image given by a template
    /// parameter may be an ECR image).
    pub maybe: Vec<&'static str>,
    /// A value unknown offline hides needs of other kinds: ECS203 does not judge the role.
    pub incomplete: bool,
}

impl RoleUse {
    /// Records that some task definition needs `action` on `grant`.
    fn add_need(&mut self, action: &'static str, grant: &str) {
        if !self.actions.contains(&action) {
            self.actions.push(action);
        }
        if broad_secret_access::SECRET_ACTIONS.contains(&action) {
            let found = self
                .secret_grants
                .binary_search_by(|(a, g)| (*a, &**g).cmp(&(action, grant)));
            if let Err(at) = found {
                self.secret_grants.insert(at, (action, grant.into()));
            }
        }
    }

    /// Every `(action, resource)` pair ECS202 may name, sorted.
    pub fn secret_needs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.secret_grants.iter().map(|(a, g)| (*a, &**g))
    }
}

/// Adds `item` to `set`, a sorted vector without repeats: a role's uses hold a few
/// policies and grants each, and a `BTreeSet` gives every one of thousands of roles
/// a whole node for them.
fn insert_sorted<T: Ord>(set: &mut Vec<T>, item: T) {
    if let Err(at) = set.binary_search(&item) {
        set.insert(at, item);
    }
}

/// The pull actions an image ecslint cannot see may need.
const ECR_PULL: [&str; 5] = [
    "ecr:GetAuthorizationToken",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchImportUpstreamImage",
    "ecr:CreateRepository",
];

fn wholly_unknown(f: Option<&Field>) -> bool {
    f.is_some_and(|f| is_wholly_unknown(&placeholders_to_holes(&f.value)))
}

/// Whether some image may be an ECR image that ecslint cannot see (missing, or
/// written with unresolved parts that do not parse as an ECR image), and whether
/// another need-giving field is wholly unknown (so its needs are unknown).
fn hidden_needs(task: &TaskDefinition) -> (bool, bool) {
    let mut ecr = false;
    let mut other = false;
    for c in &task.containers {
        ecr |= match &c.image {
            None => true,
            Some(f) => {
                let v = placeholders_to_holes(&f.value);
                !v.is_known() && parse_ecr_image(&v).is_none()
            }
        };
        let secrets = c
            .secrets
            .iter()
            .chain(c.log_configuration.iter().flat_map(|l| &l.secret_options));
        other |= wholly_unknown(c.credentials_parameter.as_deref())
            || secrets
                .into_iter()
                .any(|s| wholly_unknown(s.value_from.as_ref()))
            || c.environment_files
                .iter()
                .any(|e| wholly_unknown(e.value.as_ref()))
            || c.credential_specs.iter().any(|f| wholly_unknown(Some(f)))
            || c.log_configuration.as_ref().is_some_and(|l| {
                wholly_unknown(l.log_driver.as_ref())
                    || wholly_unknown(l.options.get("awslogs-group"))
            })
            || c.firelens_configuration
                .as_ref()
                .is_some_and(|fl| wholly_unknown(fl.options.get("config-file-value")));
    }
    other |= task
        .volumes
        .iter()
        .filter_map(|v| v.fsx.as_ref())
        .any(|fsx| wholly_unknown(fsx.credentials_parameter.as_ref()));
    (ecr, other)
}

/// The key of a role in `TaskResults::role_uses` and `task_roles`: its name, and for a
/// role described at some place (a template's role, whose logical id other templates
/// may reuse for other roles) that place too.
fn use_key(role: &RoleSet) -> String {
    match &role.loc {
        Some(loc) if !role.from_policy_flag => {
            format!("{}\0{}:{}", role.name, loc.file.0, loc.span.start)
        }
        _ => role.name.clone(),
    }
}

impl TaskResults {
    /// Records that a task definition uses `role` as its execution role and needs `needs`.
    pub fn record_use(&mut self, role: &RoleSet, task: &TaskDefinition, needs: &[Need]) {
        let entry = self.role_uses.entry(use_key(role)).or_default();
        if entry.name.is_empty() {
            entry.name.clone_from(&role.name);
        }
        let (ecr, other) = hidden_needs(task);
        if ecr {
            for a in ECR_PULL {
                if !entry.maybe.contains(&a) {
                    entry.maybe.push(a);
                }
            }
        }
        entry.incomplete |= other;
        for p in &role.identity {
            if let Some(f) = p.source {
                insert_sorted(&mut entry.policies, (f, p.pointer.as_string()));
            }
        }
        for n in needs {
            entry.reads_secrets |= matches!(
                n.action,
                "secretsmanager:GetSecretValue" | "ssm:GetParameters"
            );
            entry.add_need(n.action, &n.grant);
        }
    }

    /// Adds what later task definitions found (`other`) to these results, as if
    /// they had been recorded here one after the other.
    pub fn absorb(&mut self, other: TaskResults) {
        self.count += other.count;
        self.execution_roles.extend(other.execution_roles);
        self.task_roles.extend(other.task_roles);
        self.run_errors.extend(other.run_errors);
        for (key, u) in other.role_uses {
            // A role first seen here: its use as recorded there (the merge below would
            // rebuild the same value).
            let entry = match self.role_uses.entry(key) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(u);
                    continue;
                }
                std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            };
            if entry.name.is_empty() {
                entry.name = u.name;
            }
            for a in u.maybe {
                if !entry.maybe.contains(&a) {
                    entry.maybe.push(a);
                }
            }
            entry.incomplete |= u.incomplete;
            for p in u.policies {
                insert_sorted(&mut entry.policies, p);
            }
            entry.reads_secrets |= u.reads_secrets;
            for a in u.actions {
                if !entry.actions.contains(&a) {
                    entry.actions.push(a);
                }
            }
            for g in u.secret_grants {
                insert_sorted(&mut entry.secret_grants, g);
            }
        }
    }

    /// Records that a task definition uses `role` as its task role (roles described
    /// by the inputs only: the `--policy` stand-in is nobody's task role).
    pub fn record_task_role(&mut self, role: &RoleSet) {
        if !role.from_policy_flag {
            self.task_roles.insert(use_key(role));
        }
    }
}

/// Runs ECS201, ECS202, ECS203 and ECS205 over the run's policies.
pub fn check(roles: &RoleSets, tasks: &TaskResults, db: &SourceDb, reporter: &mut Reporter<'_>) {
    // Each document once.
    let mut seen: BTreeSet<PolicyKey> = BTreeSet::new();
    let policies: Vec<(PolicyKind, &Policy, PolicyKey)> = roles
        .loaded_policies()
        .iter()
        .filter_map(|(kind, p)| key(db, p).map(|k| (*kind, &**p, k)))
        .filter(|(_, _, k)| seen.insert(k.clone()))
        .collect();

    // Which execution roles hold each policy, and which described roles hold it
    // without being a (pure) execution role of this run.
    let mut exec_holders: BTreeMap<PolicyKey, Vec<(&str, &RoleUse)>> = BTreeMap::new();
    for use_ in tasks.role_uses.values() {
        for (file, pointer) in &use_.policies {
            let k = (db.name(*file), pointer.clone());
            exec_holders.entry(k).or_default().push((&use_.name, use_));
        }
    }
    let mut other_holders: BTreeSet<PolicyKey> = BTreeSet::new();
    let mut task_role_holders: BTreeSet<PolicyKey> = BTreeSet::new();
    for role in roles.described() {
        let k = use_key(role);
        let unused = !tasks.role_uses.contains_key(&k);
        let task_role = tasks.task_roles.contains(&k);
        for p in &role.identity {
            if let Some(k) = key(db, p) {
                if unused {
                    other_holders.insert(k.clone());
                }
                if task_role {
                    task_role_holders.insert(k);
                }
            }
        }
    }

    // Each policy on its own reporter, in parallel; the findings are kept in policy order.
    let settings = reporter.settings();
    let found: Vec<Vec<crate::diagnostic::Diagnostic>> =
        super::load::par_map(policies.iter().collect(), |_, (kind, policy, k)| {
            let mut own = Reporter::new(settings);
            check_one(
                *kind,
                policy,
                k,
                &exec_holders,
                &other_holders,
                &task_role_holders,
                &mut own,
            );
            own.into_diagnostics()
        });
    for d in found {
        reporter.extend(d);
    }
}

/// ECS201, ECS205, ECS202 and ECS203 for one policy.
fn check_one(
    kind: PolicyKind,
    policy: &Policy,
    k: &PolicyKey,
    exec_holders: &BTreeMap<PolicyKey, Vec<(&str, &RoleUse)>>,
    other_holders: &BTreeSet<PolicyKey>,
    task_role_holders: &BTreeSet<PolicyKey>,
    reporter: &mut Reporter<'_>,
) {
    unknown_action::check_policy(policy, reporter);
    if kind == PolicyKind::Trust {
        return;
    }
    resource_mismatch::check_policy(policy, reporter);
    if kind != PolicyKind::Identity {
        return;
    }
    let holders = exec_holders.get(k).map(Vec::as_slice).unwrap_or_default();
    // ECS202: execution roles' policies, `--policy` files and bare documents.
    if !holders.is_empty() || !other_holders.contains(k) {
        let used: Vec<(&str, &str)> = holders.iter().flat_map(|(_, u)| u.secret_needs()).collect();
        broad_secret_access::check_policy(policy, &used, reporter);
    }
    // ECS203: only where every role holding the policy is an execution role of this run.
    if !holders.is_empty()
        && !other_holders.contains(k)
        && !task_role_holders.contains(k)
        && !holders.iter().any(|(_, u)| u.incomplete)
    {
        let mut usage = Usage::default();
        for (name, u) in holders {
            usage.roles.push((*name).to_string());
            for a in u.actions.iter().chain(&u.maybe) {
                if !usage.actions.contains(a) {
                    usage.actions.push(a);
                }
            }
            usage.keys_unknown |= u.reads_secrets;
        }
        unused_grant::check_policy(policy, &usage, reporter);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::input::walk::Candidate;
    use crate::rules::Rule;

    fn template(secret: bool) -> String {
        let secrets = if secret {
            r#", "Secrets": [{"Name": "P", "ValueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/app/p"}]"#
        } else {
            ""
        };
        format!(
            r#"{{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {{
  "ExecRole": {{"Type": "AWS::IAM::Role", "Properties": {{
    "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ecs-tasks.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}},
    "Policies": [{{"PolicyName": "exec", "PolicyDocument": {{"Version": "2012-10-17", "Statement": [
      {{"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/app/p"}}
    ]}}}}]}}}},
  "TaskDef": {{"Type": "AWS::ECS::TaskDefinition", "Properties": {{
    "Family": "app", "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "512",
    "ExecutionRoleArn": {{"Fn::GetAtt": ["ExecRole", "Arn"]}},
    "ContainerDefinitions": [{{"Name": "c", "Image": "nginx:1", "Essential": true{secrets}}}]}}}}
}}}}"#
        )
    }

    /// `insert_sorted` keeps the vector sorted and each item once, whatever the order of insertion.
    #[test]
    fn insert_sorted_is_a_set_in_order() {
        let mut set = Vec::new();
        for x in [5, 1, 4, 1, 5, 9, 2, 6, 5, 3] {
            super::insert_sorted(&mut set, x);
        }
        assert_eq!(set, [1, 2, 3, 4, 5, 6, 9]);
    }

    /// Two templates whose roles share a logical id are two roles: the grant that only
    /// the other template's task definition uses is unused in the first.
    #[test]
    fn roles_of_different_templates_with_one_logical_id_are_judged_apart() {
        let dir = tempfile::tempdir().unwrap();
        let mut candidates = Vec::new();
        for (name, secret) in [("a.json", false), ("b.json", true)] {
            let path = dir.path().join(name);
            std::fs::write(&path, template(secret)).unwrap();
            candidates.push(Candidate {
                path,
                display: name.to_string(),
                explicit: true,
            });
        }
        let settings = crate::check::Settings {
            region: Some("us-east-1".to_string()),
            account: Some("123456789012".to_string()),
            ..crate::check::Settings::default()
        };
        let (report, db) = crate::check::run(&candidates, &settings);
        let unused: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::UnusedGrant)
            .map(|d| db.name(d.primary.file))
            .collect();
        assert_eq!(unused, ["a.json"], "{:#?}", report.diagnostics);
    }
}
