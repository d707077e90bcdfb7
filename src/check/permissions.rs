//! The permission rules (ECS101–ECS112, ECS110, ECS102) and the task-level
//! pipeline rules (ECS004, ECS010): every need of every task definition is
//! evaluated against its execution role, and what is not certainly allowed
//! becomes a finding at the field that needs it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostic::{Decision, Diagnostic, Loc, Missing, Report, Reporter};
use crate::iam::{Context, Evaluation, KeyPolicy, KeyState, Layers, Matched, Request, evaluate};
use crate::input::cloudformation::RoleLink;
use crate::model::Sym;
use crate::model::policy::{Effect, Policy, Statement};
use crate::model::role::{arn_account, arn_region};
use crate::model::task::TaskDefinition;
use crate::needs::{Need, NeedsContext, Softening, execution_role_required, needs};
use crate::parse::{Piece, Pointer, Span};
use crate::rules::Rule;
use crate::source::FileId;

use super::Settings;
use super::load::{TaskSource, World};
use super::roles::{ResolvedRole, RoleKey, RoleSet, RoleSets};

/// What checking the task definitions found out, for the later rules.
#[derive(Debug, Default)]
pub struct TaskResults {
    pub count: usize,
    pub execution_roles: BTreeSet<RoleKey>,
    /// Per execution role name: its policies and its task definitions' needs (ECS202, ECS203).
    pub role_uses: BTreeMap<String, super::hygiene::RoleUse>,
    /// Roles some task definition uses as its task role.
    pub task_roles: BTreeSet<String>,
    /// Task definitions whose check panicked (see `guard`).
    pub run_errors: Vec<crate::diagnostic::RunError>,
}

/// The keys ecslint knows for a request made with the execution role (IAM.md R62);
/// everything else is unknown.
fn context_for(
    role: &RoleSet,
    account: Option<&str>,
    resource: &Sym,
    action: &str,
    region: Option<&str>,
) -> Context {
    let mut cx = Context::unknown_by_default();
    if let Some(arn) = role.arn.as_deref().filter(|a| !a.contains("${")) {
        cx.add_value("aws:PrincipalArn", arn);
    }
    if let Some(a) = role.account().or(account) {
        cx.add_value("aws:PrincipalAccount", a);
    }
    cx.add_value("aws:PrincipalType", "AssumedRole");
    cx.set("aws:username", KeyState::Absent);
    cx.set("aws:MultiFactorAuthPresent", KeyState::Unknown);
    if let Some(r) = resource.known() {
        if let Some(a) = arn_account(r) {
            cx.add_value("aws:ResourceAccount", a);
        }
        if let Some(reg) = arn_region(r) {
            cx.add_value("aws:RequestedRegion", reg);
        } else if let Some(reg) =
            region.filter(|_| action.eq_ignore_ascii_case("ecr:GetAuthorizationToken"))
        {
            cx.add_value("aws:RequestedRegion", reg);
        }
    }
    cx
}

/// The contexts of one role's requests, built once per distinct pair of
/// resource account and requested region: [`context_for`] depends on nothing
/// else of a request, and a task definition's needs share a few.
struct Contexts<'r> {
    role: &'r RoleSet,
    account: Option<&'r str>,
    built: Vec<(ContextKey<'r>, Context)>,
}

/// What [`context_for`] reads of a request: `aws:ResourceAccount` and `aws:RequestedRegion`.
type ContextKey<'a> = (Option<&'a str>, Option<&'a str>);

impl<'r> Contexts<'r> {
    fn new(role: &'r RoleSet, account: Option<&'r str>) -> Self {
        Contexts {
            role,
            account,
            built: Vec::new(),
        }
    }

    /// [`context_for`] of `action` on `resource`, in the resource's own region;
    /// `arn` is the resource's `(arn_account, arn_region)` when it is known.
    /// The requested region passed is the resource's, so `context_for` reads
    /// nothing of the request but `arn`: that is the key.
    fn get(&mut self, resource: &'r Sym, arn: Option<ContextKey<'r>>, action: &str) -> &Context {
        let key = arn.unwrap_or((None, None));
        let at = if let Some(at) = self.built.iter().position(|(k, _)| *k == key) {
            at
        } else {
            let cx = context_for(self.role, self.account, resource, action, key.1);
            self.built.push((key, cx));
            self.built.len() - 1
        };
        // `at` is in range: found there, or just pushed.
        &self.built[at].1
    }
}

fn layers<'a>(identity: &'a [&'a Policy], boundary: Option<&'a [&'a Policy]>) -> Layers<'a> {
    Layers {
        identity,
        boundary,
        ..Layers::default()
    }
}

/// Evaluates one need against some layers, in the given context.
fn evaluate_need(layers: &Layers<'_>, need: &Need, ctx: &Context) -> Evaluation {
    evaluate(
        layers,
        &Request {
            action: need.action,
            resource: &need.resource,
            context: ctx,
        },
    )
}

/// A statement of the role, with where it is.
fn statement<'a>(role: &'a RoleSet, m: &Matched) -> Option<(&'a Policy, &'a Statement)> {
    use crate::iam::LayerKind;
    let policies: &[std::sync::Arc<Policy>] = match m.layer {
        LayerKind::Identity => &role.identity,
        LayerKind::Boundary => role.boundary.as_deref().unwrap_or(&[]),
        _ => return None,
    };
    let p = policies.get(m.policy)?;
    Some((&**p, p.statements.get(m.statement)?))
}

fn statement_loc(p: &Policy, st: &Statement) -> Option<Loc> {
    p.source.map(|f| Loc::new(f, st.span, st.pointer.clone()))
}

fn condition_loc(p: &Policy, st: &Statement) -> Option<Loc> {
    let file = p.source?;
    st.condition
        .as_ref()
        .map(|c| Loc::new(file, c.span, c.pointer.clone()))
}

/// One evaluated need.
struct Outcome<'n> {
    need: &'n Need,
    eval: Evaluation,
}

fn describe_statement(p: &Policy, st: &Statement) -> String {
    match &st.sid {
        Some(sid) => format!("statement `{sid}` of {}", p.name),
        None => format!("a statement of {}", p.name),
    }
}

/// Near misses: a statement that would grant the pair after a small, exact change.
fn near_miss(role: &RoleSet, need: &Need) -> Option<(Option<Loc>, String)> {
    let resource = need.resource.known().unwrap_or("");
    let text = crate::iam::matcher::RequestText::new(&need.resource);
    for p in &role.identity {
        for st in &p.statements {
            if st.effect != Effect::Allow || st.action.negated || st.resource.negated {
                continue;
            }
            let action_hit = st.action.entries.iter().any(|e| {
                e.value
                    .known()
                    .is_some_and(|a| crate::iam::matcher::action_matches(a, need.action))
            });
            for e in &st.resource.entries {
                let loc = p.source.map(|f| Loc::new(f, e.span, e.pointer.clone()));
                let fits_sym = |sym: &Sym| {
                    crate::iam::matcher::Pattern::resource_sym(sym).matches_request(&text)
                        == crate::iam::Tri::T
                };
                let with_suffix = |suffix: &str| {
                    let mut pieces = e.value.pieces();
                    pieces.push(Piece::Lit(suffix.into()));
                    Sym::from_pieces(pieces)
                };
                let shown = crate::model::arn::grant_text(&e.value);
                if action_hit && need.action.starts_with("logs:") && fits_sym(&with_suffix(":*")) {
                    return Some((
                        loc,
                        format!(
                            "`{shown}` names the log group, not its streams: grant `{shown}:*`"
                        ),
                    ));
                }
                if action_hit
                    && need.action == "secretsmanager:GetSecretValue"
                    && fits_sym(&with_suffix("-??????"))
                {
                    return Some((
                        loc,
                        format!(
                            "`{shown}` lacks the secret's random suffix: grant `{shown}-??????`"
                        ),
                    ));
                }
                let Some(pattern) = e.value.known() else {
                    continue;
                };
                let fits = |pat: &str| fits_sym(&Sym::Known(pat.into()));
                if action_hit {
                    if pattern.contains(":parameter//")
                        && fits(&pattern.replace(":parameter//", ":parameter/"))
                    {
                        return Some((
                            loc,
                            format!(
                                "`{pattern}` has a double slash after `parameter`: parameter ARNs have one (`{}`)",
                                pattern.replace(":parameter//", ":parameter/")
                            ),
                        ));
                    }
                    if need.action == "kms:Decrypt" && pattern.contains(":alias/") {
                        return Some((
                            loc,
                            format!(
                                "`{pattern}` is an alias ARN, which does not authorise the key: grant the key ARN `{}`",
                                need.grant
                            ),
                        ));
                    }
                    // Another region or partition.
                    if let (Some(want), Some(have)) = (arn_region(resource), arn_region(pattern))
                        && want != have
                        && fits(&pattern.replacen(&format!(":{have}:"), &format!(":{want}:"), 1))
                    {
                        return Some((
                            loc,
                            format!("`{pattern}` is in `{have}`, but the resource is in `{want}`"),
                        ));
                    }
                    let want_part = resource.split(':').nth(1).unwrap_or("");
                    let have_part = pattern.split(':').nth(1).unwrap_or("");
                    if resource.starts_with("arn:")
                        && pattern.starts_with("arn:")
                        && want_part != have_part
                        && have_part != "*"
                    {
                        let swapped = format!(
                            "arn:{want_part}:{}",
                            pattern.splitn(3, ':').nth(2).unwrap_or("")
                        );
                        if fits(&swapped) {
                            return Some((
                                loc,
                                format!(
                                    "`{pattern}` is in partition `{have_part}`, but the resource is in `{want_part}`"
                                ),
                            ));
                        }
                    }
                } else if need.action == "ssm:GetParameters" && fits(pattern) {
                    let singular = st.action.entries.iter().find(|e| {
                        e.value
                            .known()
                            .is_some_and(|a| a.eq_ignore_ascii_case("ssm:GetParameter"))
                    });
                    if let Some(a) = singular {
                        let aloc = p.source.map(|f| Loc::new(f, a.span, a.pointer.clone()));
                        return Some((aloc, "`ssm:GetParameter` does not cover `ssm:GetParameters`, which the agent calls: grant `ssm:GetParameters`".to_string()));
                    }
                }
            }
        }
    }
    None
}

/// The pointer and statement of the first condition that makes an evaluation conditional.
fn conditioning_statement<'a>(
    role: &'a RoleSet,
    eval: &Evaluation,
) -> Option<(&'a Policy, &'a Statement)> {
    eval.matched
        .iter()
        .filter(|m| !m.certain)
        .filter_map(|m| statement(role, m))
        .find(|(_, st)| st.condition.is_some())
}

fn grant_statement(pairs: &[&Need]) -> serde_json::Value {
    let mut actions: Vec<&str> = pairs.iter().map(|n| n.action).collect();
    actions.sort_unstable();
    actions.dedup();
    let mut resources: Vec<&str> = pairs.iter().map(|n| n.grant.as_str()).collect();
    resources.sort_unstable();
    resources.dedup();
    let one_or_list = |v: Vec<&str>| {
        if v.len() == 1 {
            serde_json::Value::String(v[0].to_string())
        } else {
            serde_json::Value::Array(
                v.into_iter()
                    .map(|s| serde_json::Value::String(s.to_string()))
                    .collect(),
            )
        }
    };
    serde_json::json!({"Effect": "Allow", "Action": one_or_list(actions), "Resource": one_or_list(resources)})
}

fn subject(need: &Need) -> &'static str {
    match need.rule {
        Rule::EcrPull => "pull the image",
        Rule::Logs => "write to the log group",
        Rule::RegistryCredentials => "read the registry credentials",
        Rule::SsmParameter => "read the SSM parameter",
        Rule::Secret => "read the secret",
        Rule::KmsDecrypt => "decrypt with the KMS key",
        Rule::EnvironmentFile => "read the environment file",
        Rule::FirelensConfig => "read the FireLens config file",
        Rule::CredentialSpec => "read the credential spec",
        Rule::FsxCredentials => "read the FSx credentials",
        _ => "use the resource",
    }
}

fn format_pairs(missing: &[Missing]) -> String {
    let mut by_resource: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for m in missing {
        by_resource.entry(&m.resource).or_default().push(&m.action);
    }
    by_resource
        .into_iter()
        .map(|(r, a)| {
            format!(
                "{} on `{r}`",
                a.iter()
                    .map(|x| format!("`{x}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

struct TaskChecker<'a, 'r, 's> {
    world: &'a World,
    settings: &'a Settings,
    reporter: &'r mut Reporter<'s>,
}

impl TaskChecker<'_, '_, '_> {
    fn task(&mut self, src: &TaskSource, roles: &RoleSets, results: &mut TaskResults) {
        let task = &src.task;
        results.count += 1;
        let role = roles.resolve(src, &src.execution_role);
        let role = match role {
            ResolvedRole::None => {
                if let Some(req) = execution_role_required(task) {
                    let d = self.reporter.report_soft(
                        Rule::MissingExecutionRole,
                        task.loc.clone(),
                        format!("`{}` needs an execution role: {}", src.name, req.reason),
                        req.likely,
                    );
                    d.task_definition = Some(src.name.clone());
                    d.logical.clone_from(&src.logical);
                    d.with_related(Some(req.feature.clone()), "this needs the execution role");
                    if req.likely {
                        d.message.push_str(
                            " (if it runs on Fargate, as `awsvpc` with task-level `cpu` and `memory` suggests; `requiresCompatibilities` does not say)",
                        );
                    }
                    if let Some(e) = req.aws_error {
                        d.with_help(format!(
                            "add `executionRoleArn`; without it AWS answers: {e}"
                        ));
                    } else {
                        d.with_help("add `executionRoleArn` naming a role that ECS can assume");
                    }
                }
                // Invalid values (ECS002) are reported whether or not there is a role.
                let _ = needs(task, &needs_context(self.settings, src), self.reporter);
                return;
            }
            ResolvedRole::NotFound { looked_for, loc } => {
                // The trust policy may still be known (`get-role` output).
                if let RoleLink::External(Sym::Known(arn), _) = &src.execution_role {
                    let name = crate::model::role::role_name_from_arn(arn);
                    results
                        .execution_roles
                        .insert(RoleKey::Named(name.to_string()));
                }
                // Only worth saying when something needs the role.
                let cx = needs_context(self.settings, src);
                let kms = kms_lookup(self.world, self.settings);
                let cx = NeedsContext {
                    kms_key_for: &kms,
                    ..cx
                };
                // Invalid values (ECS002) are reported whether or not the role is known.
                let found = needs(task, &cx, self.reporter);
                if !found.is_empty() {
                    // SPEC §3.2: at the `executionRoleArn` value.
                    let at = loc
                        .or_else(|| task.execution_role_arn.as_ref().map(|f| f.loc.clone()))
                        .unwrap_or_else(|| task.loc.clone());
                    let d = self.reporter.report(
                        Rule::RoleNotFound,
                        at,
                        format!("the execution role's policies are not among the inputs: looked for {looked_for}"),
                    );
                    d.task_definition = Some(src.name.clone());
                    d.logical.clone_from(&src.logical);
                    d.with_help("lint it together with the role's `get-account-authorization-details` or `get-role-policy` output, give its policies with `--policy FILE`, or describe it in `[roles.NAME]` of ecslint.toml");
                }
                return;
            }
            ResolvedRole::Found(r) => r,
        };
        let key = match &src.execution_role {
            RoleLink::Template(k) => RoleKey::Scoped(src.scope.unwrap_or(src.file), k.clone()),
            _ => RoleKey::Named(role.name.clone()),
        };
        results.execution_roles.insert(key);
        let task_role = match roles.resolve(src, &src.task_role) {
            ResolvedRole::Found(r) => Some(r),
            _ => None,
        };
        if let Some(tr) = task_role.as_deref() {
            results.record_task_role(tr);
        }
        let kms = kms_lookup(self.world, self.settings);
        let cx = needs_context(self.settings, src);
        let cx = NeedsContext {
            kms_key_for: &kms,
            ..cx
        };
        let all = needs(task, &cx, self.reporter);
        results.record_use(&role, task, &all);
        if all.is_empty() {
            return;
        }
        let identity: Vec<&Policy> = role.identity.iter().map(|p| &**p).collect();
        let boundary: Option<Vec<&Policy>> = role
            .boundary
            .as_ref()
            .map(|b| b.iter().map(|p| &**p).collect());
        let account = role
            .account()
            .map(str::to_string)
            .or_else(|| self.settings.account.clone());
        let mut contexts = Contexts::new(&role, account.as_deref());
        let outcomes: Vec<Outcome<'_>> = all
            .iter()
            .map(|need| {
                // The resource's account and region, read once for everything below.
                let arn = need
                    .resource
                    .known()
                    .map(|r| (arn_account(r), arn_region(r)));
                let ctx = contexts.get(&need.resource, arn, need.action);
                let key_split = (need.action == "kms:Decrypt")
                    .then(|| roles.key_policy(&need.resource))
                    .flatten()
                    .map(|kp| split_key_policy(kp, &role));
                let mut l = layers(&identity, boundary.as_deref());
                let cross =
                    cross_account_reason(account.as_deref(), arn.and_then(|(theirs, _)| theirs));
                l.cross_account = cross.as_deref();
                let (direct, via_iam);
                if let Some((d, v)) = &key_split {
                    direct = [d];
                    via_iam = [v];
                    l.key_policy = Some(KeyPolicy {
                        direct: &direct,
                        enables_iam: &via_iam,
                    });
                }
                let mut eval = evaluate_need(&l, need, ctx);
                if need.speculative && eval.decision != Decision::Allowed {
                    // Which service an unknown value names is a guess: never "missing".
                    eval.decision = Decision::Conditional;
                    eval.unknowns
                        .presence
                        .push(format!("the value `{}`, unknown offline", need.resource));
                }
                Outcome { need, eval }
            })
            .collect();
        self.report_outcomes(
            src,
            task,
            &role,
            task_role.as_deref(),
            &outcomes,
            &identity,
            boundary.as_deref(),
            roles,
        );
    }
}

/// Which key protects a secret or parameter: inventories, templates, plans, config `[[kms]]`.
pub(super) fn kms_lookup<'a>(
    world: &'a World,
    settings: &'a Settings,
) -> impl Fn(&Sym) -> Option<(Sym, Option<Loc>)> + 'a {
    move |resource: &Sym| {
        let text = resource.to_string();
        for e in world.kms_candidates(&text) {
            let entry = e.resource.to_string();
            // `describe-parameters` gives names, the need a parameter ARN.
            let same = entry == text
                || (!entry.starts_with("arn:")
                    && text.split_once(":parameter/").is_some_and(|(_, name)| {
                        entry.strip_prefix('/').unwrap_or(&entry) == name
                    }))
                || (resource.is_known()
                    && e.resource.known().is_some_and(|pat| {
                        crate::iam::matcher::Pattern::resource(pat).matches(&text)
                            || text.strip_suffix("-??????").is_some_and(|base| {
                                pat.starts_with(base) && pat.len() == base.len() + 7
                            })
                            || pat
                                .strip_prefix(&*text)
                                .is_some_and(|rest| rest.len() == 7 && rest.starts_with('-'))
                    }));
            if same && let Some(key) = key_arn(&e.key, resource) {
                return Some((key, e.loc.clone()));
            }
        }
        for k in settings.config.kms.iter().flatten() {
            if k.resources.iter().any(|pat| {
                crate::iam::matcher::Pattern::resource(pat).matches(&text)
                    || crate::iam::matcher::Pattern::resource(pat)
                        .matches(&text.replace("-??????", "-AbCdEf"))
            }) && let Some(key) = key_arn(&Sym::Known(k.key.as_str().into()), resource)
            {
                return Some((key, None));
            }
        }
        None
    }
}

impl TaskChecker<'_, '_, '_> {
    #[allow(
        clippy::too_many_arguments,
        reason = "one call site; the pieces are distinct"
    )]
    fn report_outcomes(
        &mut self,
        src: &TaskSource,
        task: &TaskDefinition,
        role: &RoleSet,
        task_role: Option<&RoleSet>,
        outcomes: &[Outcome<'_>],
        identity: &[&Policy],
        boundary: Option<&[&Policy]>,
        roles: &RoleSets,
    ) {
        let fargate = task.can_run_on_fargate();
        // Group by (field, rule), in need order.
        let mut groups: Vec<((Loc, Rule), Vec<&Outcome<'_>>)> = Vec::new();
        for o in outcomes {
            if o.eval.decision == Decision::Allowed {
                continue;
            }
            // ECS102: a VPC-conditioned GetAuthorizationToken on Fargate never works.
            if o.need.fargate_vpc_trap && fargate && o.eval.decision == Decision::Conditional {
                let region = o
                    .need
                    .resource
                    .known()
                    .and_then(arn_region)
                    .map(str::to_string);
                let mut ctx = context_for(
                    role,
                    role.account(),
                    &o.need.resource,
                    o.need.action,
                    region.as_deref(),
                );
                for k in ["aws:SourceVpc", "aws:SourceVpce"] {
                    ctx.set(k, KeyState::Absent);
                }
                let again = evaluate_need(&layers(identity, boundary), o.need, &ctx);
                if again.decision != Decision::Allowed && again.decision != Decision::Conditional {
                    let cond = conditioning_statement(role, &o.eval);
                    let at = cond
                        .and_then(|(p, st)| condition_loc(p, st))
                        .unwrap_or_else(|| o.need.origin.clone());
                    let d = self.reporter.report(
                        Rule::EcrAuthVpcCondition,
                        at,
                        "`ecr:GetAuthorizationToken` is allowed only under `aws:SourceVpc`/`aws:SourceVpce`, which never holds for that call on Fargate".to_string(),
                    );
                    d.task_definition = Some(src.name.clone());
                    d.container.clone_from(&o.need.container);
                    d.role = Some(role.name.clone());
                    d.logical.clone_from(&src.logical);
                    d.missing.push(Missing {
                        action: o.need.action.to_string(),
                        resource: o.need.grant.clone(),
                        decision: again.decision,
                    });
                    d.with_related(
                        Some(o.need.origin.clone()),
                        "the image that needs the token",
                    );
                    d.with_help("grant `ecr:GetAuthorizationToken` on `*` without the VPC condition: the call goes through the Fargate-owned network interface, not the task's");
                    d.with_fix(
                        serde_json::json!({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}),
                    );
                    continue;
                }
            }
            let key = (o.need.origin.clone(), o.need.rule);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(o),
                None => groups.push((key, vec![o])),
            }
        }
        for ((origin, rule), group) in groups {
            let definite: Vec<&&Outcome<'_>> = group
                .iter()
                .filter(|o| o.eval.decision != Decision::Conditional)
                .collect();
            if definite.is_empty() {
                self.conditional(src, role, &origin, rule, &group);
                continue;
            }
            let missing: Vec<Missing> = group
                .iter()
                .map(|o| Missing {
                    action: o.need.action.to_string(),
                    resource: o.need.grant.clone(),
                    decision: o.eval.decision,
                })
                .collect();
            let explicit = group
                .iter()
                .any(|o| o.eval.decision == Decision::ExplicitlyDenied);
            let need = group[0].need;
            let how = if explicit {
                "explicitly denied"
            } else {
                "not granted"
            };
            let message = format!(
                "the execution role `{}` cannot {}: {} {how}",
                role.name,
                subject(need),
                format_pairs(&missing)
            );
            let soft = definite.iter().all(|o| o.need.softening.is_some());
            let d = self
                .reporter
                .report_soft(rule, origin.clone(), message, soft);
            if soft {
                let reason = match definite.first().and_then(|o| o.need.softening) {
                    Some(Softening::BucketLocation) => {
                        "`s3:GetBucketLocation` is documented as required but not called by every agent"
                    }
                    _ => {
                        "the prefix may not be a pull-through cache rule, and the registry policy may grant it"
                    }
                };
                d.with_related(None, reason);
            }
            d.task_definition = Some(src.name.clone());
            d.container.clone_from(&need.container);
            d.role = Some(role.name.clone());
            d.logical.clone_from(&src.logical);
            d.missing = missing;
            let pairs: Vec<&Need> = group.iter().map(|o| o.need).collect();
            let stmt = grant_statement(&pairs);
            d.with_fix(stmt);
            d.with_help("add this statement to the execution role's policy:");
            // The role's own policies may grant it while a cap refuses it: say which cap.
            for o in &group {
                if o.eval.decision != Decision::ImplicitlyDenied {
                    continue;
                }
                let ctx = context_for(role, role.account(), &o.need.resource, o.need.action, None);
                let identity_only = evaluate_need(&layers(identity, None), o.need, &ctx);
                if identity_only.decision != Decision::Allowed {
                    continue;
                }
                if o.need.action == "kms:Decrypt"
                    && let Some(kp) = roles.key_policy(&o.need.resource)
                {
                    d.with_related(
                        kp.source.map(|f| Loc::new(f, kp.span, kp.pointer.clone())),
                        "the key policy neither names the role nor enables IAM policies for its account, so the role's own grant has no effect",
                    );
                    let principal = role.arn.clone().unwrap_or_else(|| "ROLE_ARN".to_string());
                    let stmt = serde_json::json!({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "kms:Decrypt", "Resource": "*"});
                    d.with_fix(stmt);
                    d.with_help("add this statement to the key policy (or a statement that enables IAM policies: principal `arn:aws:iam::ACCOUNT:root`):");
                } else if let Some(b) = role.boundary.as_ref().and_then(|b| b.first()) {
                    d.with_related(
                        b.source.map(|f| Loc::new(f, b.span, b.pointer.clone())),
                        format!("the permissions boundary does not allow `{}`: the role's own grant has no effect", o.need.action),
                    );
                    d.with_help("the role's policies grant it, but the permissions boundary caps it: add this statement to the boundary:");
                }
                break;
            }
            for o in &group {
                for m in &o.eval.matched {
                    if m.effect == Effect::Deny
                        && let Some((p, st)) = statement(role, m)
                    {
                        d.with_related(
                            statement_loc(p, st),
                            format!("{} denies `{}`", describe_statement(p, st), o.need.action),
                        );
                    }
                }
                if o.eval.decision == Decision::ImplicitlyDenied
                    && let Some((loc, msg)) = near_miss(role, o.need)
                {
                    d.with_related(loc, msg);
                }
            }
            if let Some(tr) = task_role {
                let tr_identity: Vec<&Policy> = tr.identity.iter().map(|p| &**p).collect();
                let all_granted = group.iter().all(|o| {
                    let ctx = context_for(tr, tr.account(), &o.need.resource, o.need.action, None);
                    evaluate_need(&layers(&tr_identity, None), o.need, &ctx).decision
                        == Decision::Allowed
                });
                if all_granted && tr.name != role.name {
                    d.with_related(
                        tr.loc.clone(),
                        format!("the task role `{}` grants this, but the agent uses the execution role: the grant is on the wrong role", tr.name),
                    );
                }
            }
            dedup_related(d);
        }
    }

    fn conditional(
        &mut self,
        src: &TaskSource,
        role: &RoleSet,
        origin: &Loc,
        field_rule: Rule,
        group: &[&Outcome<'_>],
    ) {
        // One finding per conditioning statement (several fields at one Condition give several findings).
        let mut at_conditions: Vec<(Loc, Vec<&Outcome<'_>>)> = Vec::new();
        let mut elsewhere: Vec<&Outcome<'_>> = Vec::new();
        for o in group {
            match conditioning_statement(role, &o.eval).and_then(|(p, st)| condition_loc(p, st)) {
                Some(loc) => match at_conditions.iter_mut().find(|(l, _)| *l == loc) {
                    Some((_, v)) => v.push(o),
                    None => at_conditions.push((loc, vec![o])),
                },
                None => elsewhere.push(o),
            }
        }
        let emit = |at: Loc, outs: &[&Outcome<'_>], this: &mut Self| {
            let missing: Vec<Missing> = outs
                .iter()
                .map(|o| Missing {
                    action: o.need.action.to_string(),
                    resource: o.need.grant.clone(),
                    decision: Decision::Conditional,
                })
                .collect();
            let mut why: Vec<String> = Vec::new();
            for o in outs {
                let u = &o.eval.unknowns;
                why.extend(u.keys.iter().map(|k| format!("the condition key `{k}`")));
                why.extend(u.holes.iter().filter_map(|h| settle(h)));
                why.extend(u.presence.iter().cloned());
            }
            why.sort();
            why.dedup();
            let why = if why.is_empty() {
                "something ecslint cannot know offline".to_string()
            } else {
                why.join(", ")
            };
            let need = outs[0].need;
            let d = this.reporter.report(
                Rule::ConditionalGrant,
                at,
                format!(
                    "whether the execution role `{}` can {} depends on {why}: {}",
                    role.name,
                    subject(need),
                    format_pairs(&missing)
                ),
            );
            d.task_definition = Some(src.name.clone());
            d.container.clone_from(&need.container);
            d.role = Some(role.name.clone());
            d.logical.clone_from(&src.logical);
            d.missing = missing;
            d.with_related(
                Some(origin.clone()),
                format!("the field that needs it ({})", field_rule.code()),
            );
            let pairs: Vec<&Need> = outs.iter().map(|o| o.need).collect();
            d.with_fix(grant_statement(&pairs));
        };
        for (loc, outs) in at_conditions {
            emit(loc, &outs, self);
        }
        if !elsewhere.is_empty() {
            emit(origin.clone(), &elsewhere, self);
        }
    }
}

fn dedup_related(d: &mut Diagnostic) {
    let mut seen = BTreeSet::new();
    d.related
        .retain(|r| seen.insert((r.loc.clone(), r.message.clone())));
}

/// What settles an unknown piece of an ARN.
fn settle(hole: &str) -> Option<String> {
    Some(match hole {
        // Generated at run time: never what decides a grant.
        "task-id" | "stream" => return None,
        "region" | "AWS::Region" => {
            "the region (give `--region` or `region` in ecslint.toml)".to_string()
        }
        "account" | "AWS::AccountId" => {
            "the account (give `--account` or `account` in ecslint.toml)".to_string()
        }
        other => format!("`{other}`, unknown offline"),
    })
}

/// A key ARN from what an input says (`alias/aws/...` is AWS managed: no need).
fn key_arn(key: &Sym, resource: &Sym) -> Option<Sym> {
    match key {
        Sym::Known(k) => {
            if k.is_empty() || k.contains("alias/aws/") {
                return None;
            }
            if k.starts_with("arn:") {
                return Some(Sym::Known(k.clone()));
            }
            // A bare key id or alias: in the resource's region and account.
            let r = resource.known().unwrap_or("");
            let region = arn_region(r)?;
            let account = arn_account(r)?;
            let partition = r.split(':').nth(1).unwrap_or("aws");
            let tail = if k.starts_with("alias/") {
                k.clone()
            } else {
                format!("key/{k}").into()
            };
            Some(Sym::Known(
                format!("arn:{partition}:kms:{region}:{account}:{tail}").into(),
            ))
        }
        Sym::Partial(p) => {
            if p.iter()
                .any(|x| matches!(x, Piece::Lit(l) if l.contains("alias/aws/")))
            {
                None
            } else {
                Some(key.clone())
            }
        }
    }
}

pub(super) fn needs_context<'x>(settings: &'x Settings, src: &'x TaskSource) -> NeedsContext<'x> {
    NeedsContext {
        region: src.region.as_deref().or(settings.region.as_deref()),
        account: src.account.as_deref().or(settings.account.as_deref()),
        pull_through_prefixes: &settings.pull_through_prefixes,
        kms_key_for: &crate::needs::no_kms_keys,
    }
}

/// R39: a resource in another account than the role's needs its own resource policy
/// to allow the role too; offline that policy is unknown. `theirs` is the resource's account.
fn cross_account_reason(role_account: Option<&str>, theirs: Option<&str>) -> Option<String> {
    let mine = role_account?;
    let theirs = theirs?;
    (mine != theirs).then(|| {
        format!("the resource policy in account {theirs} (the resource is in another account than the role)")
    })
}

/// The statements of a key policy that name the role (they grant directly) and
/// those that name the account root (they let IAM policies grant), R40.
fn split_key_policy(kp: &Policy, role: &RoleSet) -> (Policy, Policy) {
    use crate::parse::Value;
    let role_arn = role.arn.clone().unwrap_or_default();
    let role_account = role.account().map(str::to_string).or_else(|| {
        role_arn
            .split(':')
            .nth(4)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
    });
    let principals = |st: &Statement| -> Vec<String> {
        let Some(p) = &st.principal else {
            return Vec::new();
        };
        match &p.value {
            Value::String(s) => vec![s.to_string()],
            Value::Object(_) => p
                .get("AWS")
                .map(|a| match &a.value {
                    Value::Array(items) => items
                        .iter()
                        .filter_map(Sym::from_node)
                        .map(|s| s.to_string())
                        .collect(),
                    _ => Sym::from_node(a)
                        .map(|s| vec![s.to_string()])
                        .unwrap_or_default(),
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    };
    let names_root = |p: &str| {
        let account = p
            .strip_suffix(":root")
            .and_then(|x| x.split(':').nth(4))
            .unwrap_or(p);
        (p.ends_with(":root")
            || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())))
            && role_account.as_deref().is_none_or(|ra| ra == account)
    };
    let mut direct = kp.clone();
    let mut via_iam = kp.clone();
    direct.statements.retain(|st| {
        principals(st)
            .iter()
            .any(|p| p == "*" || (!role_arn.is_empty() && *p == role_arn))
    });
    via_iam
        .statements
        .retain(|st| principals(st).iter().any(|p| names_root(p)));
    (direct, via_iam)
}

/// Checks every task definition of the world.
///
/// The task definitions are taken by value: each one's trees are dropped as soon
/// as it is checked.
pub fn check_tasks(
    world: &World,
    tasks: Vec<TaskSource>,
    roles: &RoleSets,
    settings: &Settings,
    reporter: &mut Reporter<'_>,
) -> TaskResults {
    // Each task definition on its own reporter and results, merged in input order:
    // the same diagnostics in the same order as one after the other. The merge
    // happens as the task definitions are checked: holding every task's results
    // until the end was the peak of a large run's memory.
    let (diagnostics, results) = super::load::par_fold(
        tasks,
        || (Vec::new(), TaskResults::default()),
        |(mut diagnostics, mut results): (Vec<Diagnostic>, TaskResults), src| {
            let mut own = Reporter::new(&settings.rules);
            let mut one = TaskResults::default();
            let mut checker = TaskChecker {
                world,
                settings,
                reporter: &mut own,
            };
            let name = world.db.name(src.file);
            if let Err(e) = super::guard::catch("task", name, || {
                checker.task(&src, roles, &mut one);
            }) {
                one.run_errors.push(e);
            }
            diagnostics.extend(own.into_diagnostics());
            results.absorb(one);
            (diagnostics, results)
        },
        |(mut diagnostics, mut results), (later, other)| {
            diagnostics.extend(later);
            results.absorb(other);
            (diagnostics, results)
        },
    );
    reporter.extend(diagnostics);
    results
}

/// Locations inside an embedded JSON string report the string's pointer (SPEC §3.2).
pub fn pin_opaque_pointers(report: &mut Report, world: &World) {
    if world.opaque.is_empty() {
        return;
    }
    // The regions of each file, in input order (the first one that holds a location wins):
    // a run has a few per plan, and scanning all of them per location was quadratic.
    let mut by_file: HashMap<FileId, Vec<(Span, Pointer)>> = HashMap::new();
    for (f, s, p) in &world.opaque {
        by_file.entry(*f).or_default().push((*s, Pointer::from(p)));
    }
    let pin = |loc: &mut Loc| {
        if let Some((_, p)) = by_file.get(&loc.file).and_then(|regions| {
            regions
                .iter()
                .find(|(s, _)| s.start <= loc.span.start && loc.span.end <= s.end)
        }) {
            loc.pointer = p.clone();
        }
    };
    for d in &mut report.diagnostics {
        pin(&mut d.primary);
        for r in &mut d.related {
            if let Some(l) = &mut r.loc {
                pin(l);
            }
        }
    }
}
