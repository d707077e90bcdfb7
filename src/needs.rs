//! What a task definition needs from its execution role (FACTS.md §2): every
//! `(action, resource)` the ECS agent or Fargate requests with the execution
//! role's credentials at task start, the resource derived as FACTS.md §3 says,
//! with the field a finding points at (SPEC §3.2) and the resource written as
//! a policy should grant it (SPEC §3.3).
//!
//! Decisions:
//! - ECR pulls and `awslogs` use the execution role on Fargate, Managed
//!   Instances and External always, and on EC2 whenever `executionRoleArn` is
//!   set; on EC2 without one the instance role is used, so they are no needs.
//!   An unknown launch type counts as EC2.
//! - Every other row (secrets, registry credentials, environment files,
//!   FireLens S3 config, credential specs, FSx) is a need on every launch type;
//!   without `executionRoleArn` the caller reports ECS010 instead of evaluating.
//! - Templating placeholders (`{{x}}`, `<X>`, `${X}`, `$X`) are unknown holes;
//!   values with holes never give ECS002, and a value nothing is known of gives
//!   no need.
//! - Non-region-shaped regions and non-12-digit accounts written in ARNs
//!   (`region`, `aws_account_id`) are holes too.

use std::borrow::Cow;

use crate::diagnostic::{Loc, Reporter};
use crate::model::Sym;
use crate::model::arn::{
    self, Arn, SSM_SECRETS_MANAGER_REFERENCE, SecretRef, cat, grant_text, hole, is_wholly_unknown,
    looks_like_region, parse_arn, parse_ecr_image, parse_s3_object_arn, partition_for,
    secret_of_arn, with_placeholder_holes,
};
use crate::model::task::{Container, Field, SecretEntry, TaskDefinition};
use crate::parse::Piece;
use crate::rules::Rule;

/// Why a need's finding may be a warning rather than an error (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Softening {
    /// `s3:GetBucketLocation`: documented as required, not called by every agent.
    BucketLocation,
    /// `ecr:BatchImportUpstreamImage` / `ecr:CreateRepository`: the prefix may not be a cache rule.
    PullThroughCache,
}

/// One request the execution role must be allowed to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    /// ECS101, ECS103–ECS109, ECS111 or ECS112.
    pub rule: Rule,
    /// Exactly the action the agent calls, e.g. `ssm:GetParameters`.
    pub action: &'static str,
    /// The ARN IAM evaluates; holes for what is unknown (region, account, stream).
    pub resource: Sym,
    /// The resource as a policy should grant it (SPEC §3.3).
    pub grant: String,
    /// The field the finding points at (SPEC §3.2).
    pub origin: Loc,
    pub container: Option<String>,
    /// Set on the pairs whose absence alone makes the finding a warning.
    pub softening: Option<Softening>,
    /// `ecr:GetAuthorizationToken` of a task that can run on Fargate (ECS102).
    pub fargate_vpc_trap: bool,
    /// For `kms:Decrypt`: where the key was declared, when known.
    pub key_origin: Option<Loc>,
    /// The field's value is wholly unknown offline (a template import), so even
    /// which service it names is a guess: the need can be found granted, never
    /// found missing (at most `conditional`).
    pub speculative: bool,
}

/// Which key protects a secret or parameter: `(key, where it was declared)`.
pub type KmsLookup<'a> = &'a dyn Fn(&Sym) -> Option<(Sym, Option<Loc>)>;

/// What the inputs and options say beyond the task definition.
pub struct NeedsContext<'a> {
    /// `--region`, else the config's `region`.
    pub region: Option<&'a str>,
    /// `--account`, else the config's `account`.
    pub account: Option<&'a str>,
    /// The config's `pull-through-cache-prefixes`, added to the defaults.
    pub pull_through_prefixes: &'a [String],
    /// Which customer-managed key protects a secret or parameter ARN, if known.
    pub kms_key_for: KmsLookup<'a>,
}

/// A [`NeedsContext::kms_key_for`] that knows no keys.
pub fn no_kms_keys(_: &Sym) -> Option<(Sym, Option<Loc>)> {
    None
}

impl Default for NeedsContext<'_> {
    fn default() -> Self {
        NeedsContext {
            region: None,
            account: None,
            pull_through_prefixes: &[],
            kms_key_for: &no_kms_keys,
        }
    }
}

/// Why a task definition needs an execution role (FACTS.md §4), for ECS010.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleRequirement {
    /// One line, lower-case, no period.
    pub reason: &'static str,
    /// The error AWS gives at registration, verbatim, when one is known (FACTS.md §7).
    pub aws_error: Option<&'static str>,
    /// The field that needs the role.
    pub feature: Loc,
    /// Only if the task runs on Fargate, which it looks like without saying so
    /// (FACTS.md §4: `awsvpc` with task-level `cpu` and `memory`, no
    /// `requiresCompatibilities`): a warning, not an error.
    pub likely: bool,
}

/// The registration error for secrets without an execution role (FACTS.md §7).
const SECRETS: &str = "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.";

/// Whether the task definition needs an execution role (FACTS.md §4), whether
/// or not it has one; the caller reports ECS010 when `executionRoleArn` is absent.
pub fn execution_role_required(task: &TaskDefinition) -> Option<RoleRequirement> {
    // FACTS.md §4: without `requiresCompatibilities`, a task that looks like a Fargate
    // task (awsvpc, task-level cpu and memory) gets the Fargate rules as warnings.
    let looks_fargate = task.requires_compatibilities.is_empty()
        && task.network_mode.as_ref().and_then(Field::known) == Some("awsvpc")
        && task.cpu.is_some()
        && task.memory.is_some();
    let likely = looks_fargate && !task.always_uses_execution_role();
    let req = |reason, aws_error, feature: &Loc| {
        Some(RoleRequirement {
            reason,
            aws_error,
            feature: feature.clone(),
            likely,
        })
    };
    let always = task.always_uses_execution_role() || looks_fargate;
    let fargate = task.can_run_on_fargate() || looks_fargate;
    for c in &task.containers {
        if always
            && let Some(image) = &c.image
            && parse_ecr_image(&with_placeholder_holes(&image.value)).is_some()
        {
            return if fargate {
                req(
                    "Fargate needs an execution role to pull Amazon ECR images",
                    Some(
                        "Fargate requires task definition to have execution role ARN to support ECR images.",
                    ),
                    &image.loc,
                )
            } else {
                req(
                    "tasks on managed or external instances pull Amazon ECR images with the execution role",
                    None,
                    &image.loc,
                )
            };
        }
        if always
            && let Some(lc) = &c.log_configuration
            && lc.log_driver.as_ref().and_then(Field::known) == Some("awslogs")
        {
            let at = lc.log_driver.as_ref().map_or(&lc.loc, |f| &f.loc);
            return if fargate {
                req(
                    "Fargate needs an execution role for the `awslogs` log driver",
                    Some(
                        "Fargate requires task definition to have execution role ARN to support log driver awslogs.",
                    ),
                    at,
                )
            } else {
                req(
                    "tasks on managed or external instances send `awslogs` logs with the execution role",
                    None,
                    at,
                )
            };
        }
    }
    let req_always = |reason, aws_error, feature: &Loc| {
        Some(RoleRequirement {
            reason,
            aws_error,
            feature: feature.clone(),
            likely: false,
        })
    };
    for c in &task.containers {
        let secret = c.secrets.first().or_else(|| {
            c.log_configuration
                .as_ref()
                .and_then(|l| l.secret_options.first())
        });
        if let Some(s) = secret {
            return req_always(
                "container secrets are read with the execution role",
                Some(SECRETS),
                &s.loc,
            );
        }
        if let Some(f) = &c.credentials_parameter {
            return req_always(
                "private registry credentials are read with the execution role",
                None,
                &f.loc,
            );
        }
        if let Some(f) = c.environment_files.first() {
            return req_always(
                "environment files are downloaded with the execution role",
                None,
                &f.loc,
            );
        }
        if !task.can_run_on_fargate()
            && let Some(fl) = &c.firelens_configuration
            && fl.options.get("config-file-type").and_then(Field::known) == Some("s3")
        {
            let at = fl
                .options
                .get("config-file-value")
                .map_or(&fl.loc, |f| &f.loc);
            return req_always(
                "a FireLens config file in S3 is downloaded with the execution role",
                None,
                at,
            );
        }
        if let Some(f) = c
            .credential_specs
            .iter()
            .chain(&c.docker_security_options)
            .find(|f| credspec_location(&f.value).is_some())
        {
            return req_always(
                "credential specs in S3 or SSM are read with the execution role",
                None,
                &f.loc,
            );
        }
    }
    if let Some(v) = task.volumes.iter().find_map(|v| v.fsx.as_ref()) {
        let at = v.credentials_parameter.as_ref().map_or(&v.loc, |f| &f.loc);
        return req_always(
            "FSx for Windows File Server volumes are mounted with the execution role",
            None,
            at,
        );
    }
    None
}

/// The S3 or SSM reference of a `credentialspec:` / `credentialspecdomainless:` entry.
fn credspec_location(value: &Sym) -> Option<Sym> {
    let v = with_placeholder_holes(value);
    let rest = arn::strip_literal_prefix(&v, "credentialspecdomainless:")
        .or_else(|| arn::strip_literal_prefix(&v, "credentialspec:"))?;
    arn::has_literal_prefix(&rest, "arn:").then_some(rest)
}

/// Every request the execution role must allow for this task definition.
/// Invalid values are reported as ECS002 (call once per task definition).
pub fn needs(
    task: &TaskDefinition,
    cx: &NeedsContext<'_>,
    reporter: &mut Reporter<'_>,
) -> Vec<Need> {
    let mut b = Builder::new(task, cx, reporter);
    for c in &task.containers {
        b.container(c);
    }
    b.volumes();
    b.out
}

/// The task's region and accounts (SPEC §3.3).
struct Env {
    region: Sym,
    account: Sym,
    /// The execution role's account (where `awslogs` log groups live).
    role_account: Sym,
}

impl Env {
    fn new(task: &TaskDefinition, cx: &NeedsContext<'_>) -> Env {
        let arn_of = |f: &Option<Field>| {
            f.as_ref()
                .and_then(|f| parse_arn(&with_placeholder_holes(&f.value)))
        };
        let task_arn = arn_of(&task.task_definition_arn);
        let role_arn = arn_of(&task.execution_role_arn);
        let known = |s: Sym| s.is_known().then_some(s);
        // A partly known value from a template keeps its labelled hole (`AWS::AccountId`),
        // so that it lines up with the same hole in the template's policies.
        let labelled = |s: Sym| {
            matches!(&s, Sym::Partial(p) if p.iter().all(|x| matches!(x, Piece::Hole(h) if h.starts_with("AWS::")))).then_some(s)
        };
        let task_region = task_arn.as_ref().and_then(|a| known(a.region_or_hole()));
        let task_account = task_arn.as_ref().and_then(|a| known(a.account_or_hole()));
        let role_account = role_arn.as_ref().and_then(|a| known(a.account_or_hole()));
        let role_account_partial = role_arn.as_ref().and_then(|a| labelled(a.account.clone()));
        let region = task_region
            .or_else(|| cx.region.map(Sym::from))
            .unwrap_or_else(|| hole("AWS::Region"));
        let account = task_account
            .clone()
            .or_else(|| role_account.clone())
            .or_else(|| cx.account.map(Sym::from))
            .or_else(|| role_account_partial.clone())
            .unwrap_or_else(|| hole("AWS::AccountId"));
        let role_account = role_account
            .or(role_account_partial)
            .unwrap_or_else(|| account.clone());
        Env {
            region,
            account,
            role_account,
        }
    }

    fn partition(&self) -> Sym {
        Sym::from(partition_for(&self.region))
    }
}

struct Builder<'t, 'c, 'r, 's> {
    task: &'t TaskDefinition,
    cx: &'c NeedsContext<'c>,
    reporter: &'r mut Reporter<'s>,
    env: Env,
    /// ECR and awslogs go through the execution role (FACTS.md §4).
    role_for_pull_and_logs: bool,
    out: Vec<Need>,
}

/// The field's value with templating placeholders made holes, borrowed when it has none.
fn val(f: &Field) -> Cow<'_, Sym> {
    with_placeholder_holes(&f.value)
}

impl<'t, 'c, 'r, 's> Builder<'t, 'c, 'r, 's> {
    fn new(
        task: &'t TaskDefinition,
        cx: &'c NeedsContext<'c>,
        reporter: &'r mut Reporter<'s>,
    ) -> Self {
        Builder {
            task,
            cx,
            reporter,
            env: Env::new(task, cx),
            role_for_pull_and_logs: task.execution_role_arn.is_some()
                || task.always_uses_execution_role(),
            out: Vec::new(),
        }
    }

    fn push(
        &mut self,
        rule: Rule,
        action: &'static str,
        resource: Sym,
        grant: String,
        origin: &Loc,
        container: Option<&str>,
    ) -> &mut Need {
        self.out.push(Need {
            rule,
            action,
            resource,
            grant,
            origin: origin.clone(),
            container: container.map(str::to_string),
            softening: None,
            fargate_vpc_trap: false,
            key_origin: None,
            speculative: false,
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }

    /// One need per action, all on `resource` (moved into the last), from `origin`;
    /// the index of the first.
    fn push_all(
        &mut self,
        rule: Rule,
        actions: &[&'static str],
        resource: Sym,
        grant: String,
        origin: &Loc,
        container: Option<&str>,
    ) -> usize {
        let first = self.out.len();
        if let Some((last, rest)) = actions.split_last() {
            for action in rest {
                self.push(
                    rule,
                    action,
                    resource.clone(),
                    grant.clone(),
                    origin,
                    container,
                );
            }
            self.push(rule, last, resource, grant, origin, container);
        }
        first
    }

    fn invalid(&mut self, loc: &Loc, message: String) {
        self.reporter
            .report(Rule::InvalidInput, loc.clone(), message);
    }

    fn container(&mut self, c: &'t Container) {
        let name = c.name_str();
        if self.role_for_pull_and_logs {
            self.ecr(c, name);
            self.awslogs(c, name);
        }
        if let Some(f) = &c.credentials_parameter {
            self.registry_credentials(f, name);
        }
        for s in &c.secrets {
            self.secret(s, name, "secrets");
        }
        if let Some(lc) = &c.log_configuration {
            for s in &lc.secret_options {
                self.secret(s, name, "secretOptions");
            }
        }
        for ef in &c.environment_files {
            if let Some(kind) = &ef.kind
                && let Some(k) = kind.known()
                && !k.eq_ignore_ascii_case("s3")
                && !arn::is_placeholder(k)
            {
                self.invalid(
                    &kind.loc,
                    format!("environment file type `{k}` is not `s3`, the only type ECS supports"),
                );
            }
            match &ef.value {
                Some(v) => {
                    self.s3_pair(Rule::EnvironmentFile, v, name, true, "an environment file");
                }
                None => self.invalid(
                    &ef.loc,
                    "an `environmentFiles` entry needs a `value` (an S3 object ARN)".to_string(),
                ),
            }
        }
        self.firelens(c, name);
        for f in c.credential_specs.iter().chain(&c.docker_security_options) {
            self.credential_spec(f, name);
        }
    }

    fn ecr(&mut self, c: &Container, name: Option<&str>) {
        let Some(image) = &c.image else {
            return;
        };
        let Some(ecr) = parse_ecr_image(&val(image)) else {
            return;
        };
        let repo = ecr.repository_arn();
        let repo_grant = grant_text(&repo);
        let fargate = self.task.can_run_on_fargate();
        let n = self.push(
            Rule::EcrPull,
            "ecr:GetAuthorizationToken",
            Sym::from("*"),
            "*".to_string(),
            &image.loc,
            name,
        );
        n.fargate_vpc_trap = fargate;
        let cache = arn::pull_through_cache_prefix(&ecr.repository, self.cx.pull_through_prefixes)
            .is_some();
        let actions: &[&'static str] = if cache {
            &[
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchImportUpstreamImage",
                "ecr:CreateRepository",
            ]
        } else {
            &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        };
        let first = self.push_all(Rule::EcrPull, actions, repo, repo_grant, &image.loc, name);
        for n in self.out.iter_mut().skip(first + 2) {
            n.softening = Some(Softening::PullThroughCache);
        }
    }

    fn awslogs(&mut self, c: &Container, name: Option<&str>) {
        let Some(lc) = &c.log_configuration else {
            return;
        };
        if lc.log_driver.as_ref().and_then(Field::known) != Some("awslogs") {
            return;
        }
        let Some(group_field) = lc.options.get("awslogs-group") else {
            let at = lc.options_loc.as_ref().unwrap_or(&lc.loc).clone();
            self.invalid(
                &at,
                "the `awslogs` log driver needs an `awslogs-group` option".to_string(),
            );
            return;
        };
        let group = val(group_field);
        let region = match lc.options.get("awslogs-region").map(val) {
            Some(r) => match r.known() {
                Some(k) if !looks_like_region(k) => Cow::Owned(hole(k)),
                _ => r,
            },
            None => Cow::Borrowed(&self.env.region),
        };
        let partition = Sym::from(partition_for(&region));
        let stream = match (lc.options.get("awslogs-stream-prefix").map(val), name) {
            (Some(prefix), Some(n)) if !arn::is_placeholder(n) => {
                cat(&[&*prefix, &"/", &n, &"/", &hole("task-id")])
            }
            _ => hole("stream"),
        };
        let base = cat(&[
            &"arn:",
            &partition,
            &":logs:",
            &*region,
            &":",
            &self.env.role_account,
            &":log-group:",
            &*group,
        ]);
        let grant = grant_text(&cat(&[&base, &":*"]));
        let stream_arn = cat(&[&base, &":log-stream:", &stream]);
        let create = lc.options.get("awslogs-create-group").filter(|create| {
            create
                .known()
                .is_some_and(|v| matches!(v, "1" | "t" | "T" | "TRUE" | "true" | "True"))
        });
        // `CreateLogGroup` takes the same grant: a copy only when it is needed.
        let create = create.map(|c| (c, grant.clone()));
        self.push_all(
            Rule::Logs,
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            stream_arn,
            grant,
            &group_field.loc,
            name,
        );
        if let Some((create, grant)) = create {
            let arn = cat(&[&base, &":log-stream:"]);
            self.push(
                Rule::Logs,
                "logs:CreateLogGroup",
                arn,
                grant,
                &create.loc,
                name,
            );
        }
    }

    /// A `valueFrom` known only as an unknown (`!ImportValue`, a parameter without
    /// default): which service it names is guessed from the unknown's name, else
    /// both are asked for; either way the need can only be conditional.
    fn unknown_secret(&mut self, v: &Sym, f: &Field, name: Option<&str>) {
        // Template placeholders in raw task definitions (`{{x}}`, `<X>`) are not imports.
        if v.holes().iter().any(|h| arn::is_placeholder(h)) {
            return;
        }
        let hint = v.holes().join(" ").to_ascii_lowercase();
        let secrets_manager = hint.contains("secret") && !hint.contains("param");
        let ssm = hint.contains("param") || hint.contains("ssm");
        let grant = arn::grant_text(v);
        if secrets_manager || !ssm {
            self.push(
                Rule::Secret,
                "secretsmanager:GetSecretValue",
                v.clone(),
                grant.clone(),
                &f.loc,
                name,
            )
            .speculative = true;
        }
        if ssm || !secrets_manager {
            self.push(
                Rule::SsmParameter,
                "ssm:GetParameters",
                v.clone(),
                grant,
                &f.loc,
                name,
            )
            .speculative = true;
        }
    }

    /// The ARN of the customer-managed key protecting `resource`, and where the
    /// key was declared, when the key is known.
    fn kms_key(&self, resource: &Sym) -> Option<(Sym, Option<Loc>)> {
        let (key, key_origin) = (self.cx.kms_key_for)(resource)?;
        let key_arn = match arn::kms_kind(&key) {
            arn::KmsKind::KeyArn => key,
            // A key known only as a whole unknown (a plan's key created in the same apply):
            // the hole stands for the key's ARN, as its key policy is filed.
            _ if is_wholly_unknown(&key) => key,
            arn::KmsKind::KeyId => {
                let (region, account) = parse_arn(resource)
                    .map_or((self.env.region.clone(), self.env.account.clone()), |a| {
                        (a.region_or_hole(), a.account_or_hole())
                    });
                cat(&[
                    &"arn:",
                    &Sym::from(partition_for(&region)),
                    &":kms:",
                    &region,
                    &":",
                    &account,
                    &":key/",
                    &key,
                ])
            }
            _ => {
                let (region, account) = parse_arn(&key)
                    .map_or((self.env.region.clone(), self.env.account.clone()), |a| {
                        (a.region_or_hole(), a.account_or_hole())
                    });
                let behind = format!("key behind {key}");
                cat(&[
                    &"arn:",
                    &Sym::from(partition_for(&region)),
                    &":kms:",
                    &region,
                    &":",
                    &account,
                    &":key/",
                    &hole(&behind),
                ])
            }
        };
        Some((key_arn, key_origin))
    }

    /// `kms:Decrypt` on a key from [`Builder::kms_key`], unless the field already needs it.
    fn push_kms(&mut self, key: Option<(Sym, Option<Loc>)>, origin: &Loc, name: Option<&str>) {
        let Some((key_arn, key_origin)) = key else {
            return;
        };
        if self
            .out
            .iter()
            .any(|n| n.action == "kms:Decrypt" && n.origin == *origin && n.resource == key_arn)
        {
            return;
        }
        let grant = grant_text(&key_arn);
        let n = self.push(
            Rule::KmsDecrypt,
            "kms:Decrypt",
            key_arn,
            grant,
            origin,
            name,
        );
        n.key_origin = key_origin;
    }

    fn ssm_parameter(
        &mut self,
        rule: Rule,
        param: Sym,
        origin: &Loc,
        name: Option<&str>,
        kms: bool,
    ) {
        // The key is looked up before the need takes the resource: no copy of it.
        let key = if kms { self.kms_key(&param) } else { None };
        let grant = grant_text(&param);
        self.push(rule, "ssm:GetParameters", param, grant, origin, name);
        self.push_kms(key, origin, name);
    }

    fn secret_value(&mut self, rule: Rule, secret: SecretRef, origin: &Loc, name: Option<&str>) {
        let resource = secret.into_resource();
        let key = self.kms_key(&resource);
        let grant = grant_text(&resource);
        self.push(
            rule,
            "secretsmanager:GetSecretValue",
            resource,
            grant,
            origin,
            name,
        );
        self.push_kms(key, origin, name);
    }

    /// The secret behind `/aws/reference/secretsmanager/NAME` in the parameter's region and account.
    fn referenced_secret(
        &mut self,
        param_name: &Sym,
        region: &Sym,
        account: &Sym,
        origin: &Loc,
        name: Option<&str>,
    ) {
        if let Some(id) = arn::strip_literal_prefix(param_name, SSM_SECRETS_MANAGER_REFERENCE)
            && !is_wholly_unknown(&id)
        {
            let partition = Sym::from(partition_for(region));
            let secret = arn::secret_from_name(&partition, region, account, &id);
            self.secret_value(Rule::Secret, secret, origin, name);
        }
    }

    fn secret(&mut self, s: &SecretEntry, name: Option<&str>, list: &str) {
        let Some(f) = &s.value_from else {
            self.invalid(&s.loc, format!("a `{list}` entry needs a `valueFrom`"));
            return;
        };
        let v = val(f);
        if is_wholly_unknown(&v) {
            self.unknown_secret(&v, f, name);
            return;
        }
        if let Some(a) = parse_arn(&v) {
            self.secret_arn(&a, &v, f, name);
            return;
        }
        let lits: Cow<'_, str> = match v.known() {
            Some(k) => Cow::Borrowed(k),
            None => v
                .piece_refs()
                .filter_map(|p| match p {
                    crate::model::sym::PieceRef::Lit(l) => Some(l),
                    crate::model::sym::PieceRef::Hole(_) => None,
                })
                .collect(),
        };
        let stripped = arn::strip_ssm_selector_sym(&v);
        if !v.is_known() {
            // A value only partly known: a bare SSM name if nothing says otherwise.
            if lits.contains(':') || arn::has_literal_prefix(&v, "arn") {
                return;
            }
        } else if lits.starts_with("arn:") {
            self.invalid(&f.loc, format!("`valueFrom` `{lits}` is not a valid ARN"));
            return;
        } else if let Some(why) = arn::ssm_name_error(&stripped) {
            self.invalid(
                &f.loc,
                format!(
                    "`valueFrom` `{lits}` is neither an ARN nor a valid SSM parameter name: {why}"
                ),
            );
            return;
        }
        let param = arn::ssm_parameter_arn_of_base(
            &self.env.partition(),
            &self.env.region,
            &self.env.account,
            &stripped,
        );
        self.ssm_parameter(Rule::SsmParameter, param, &f.loc, name, true);
        if arn::has_literal_prefix(&stripped, SSM_SECRETS_MANAGER_REFERENCE) {
            let (region, account) = (self.env.region.clone(), self.env.account.clone());
            self.referenced_secret(&stripped, &region, &account, &f.loc, name);
        }
    }

    fn secret_arn(&mut self, a: &Arn, v: &Sym, f: &Field, name: Option<&str>) {
        if a.is_service("ssm") {
            match arn::ssm_parameter_and_name(a) {
                Some((param, pname)) => {
                    self.ssm_parameter(Rule::SsmParameter, param, &f.loc, name, true);
                    if arn::has_literal_prefix(&pname, SSM_SECRETS_MANAGER_REFERENCE) {
                        let (region, account) = (a.region_or_hole(), a.account_or_hole());
                        self.referenced_secret(&pname, &region, &account, &f.loc, name);
                    }
                }
                None if v.is_known() => {
                    self.invalid(
                        &f.loc,
                        format!("`valueFrom` `{v}` is not an SSM parameter ARN"),
                    );
                }
                None => {}
            }
        } else if a.is_service("secretsmanager") {
            match secret_of_arn(a) {
                Ok(secret) => self.secret_value(Rule::Secret, secret, &f.loc, name),
                Err(e) if v.is_known() => {
                    self.invalid(&f.loc, format!("`valueFrom` `{v}`: {}", e.message()));
                }
                Err(_) => {}
            }
        } else if a.service.is_known() {
            self.invalid(
                &f.loc,
                format!("`valueFrom` must be an SSM parameter name or ARN, or a Secrets Manager secret ARN, not an ARN of `{}`", a.service),
            );
        }
    }

    fn registry_credentials(&mut self, f: &Field, name: Option<&str>) {
        let v = val(f);
        if is_wholly_unknown(&v) {
            return;
        }
        let secret = if let Some(a) = parse_arn(&v) {
            if !a.is_service("secretsmanager") {
                if a.service.is_known() {
                    self.invalid(
                        &f.loc,
                        "`credentialsParameter` must be a Secrets Manager secret ARN or name"
                            .to_string(),
                    );
                }
                return;
            }
            match secret_of_arn(&a) {
                Ok(s) => s,
                Err(e) => {
                    if v.is_known() {
                        self.invalid(
                            &f.loc,
                            format!("`credentialsParameter` `{v}`: {}", e.message()),
                        );
                    }
                    return;
                }
            }
        } else {
            if v.is_known() && !arn::secret_name_valid(&v) {
                self.invalid(&f.loc, format!("`credentialsParameter` `{v}` is neither a secret ARN nor a valid secret name"));
                return;
            }
            if !v.is_known() && (arn::starts_with_hole(&v) || arn::has_literal_prefix(&v, "arn")) {
                return;
            }
            arn::secret_from_name(
                &self.env.partition(),
                &self.env.region,
                &self.env.account,
                &v,
            )
        };
        self.secret_value(Rule::RegistryCredentials, secret, &f.loc, name);
    }

    /// `s3:GetObject` on the object and (softened) `s3:GetBucketLocation` on its bucket.
    fn s3_pair(
        &mut self,
        rule: Rule,
        f: &Field,
        name: Option<&str>,
        bucket_location: bool,
        what: &str,
    ) {
        let v = val(f);
        let Some(obj) = parse_s3_object_arn(&v) else {
            if v.is_known() {
                self.invalid(
                    &f.loc,
                    format!(
                        "{what} must be an S3 object ARN (`arn:aws:s3:::BUCKET/KEY`), not `{v}`"
                    ),
                );
            }
            return;
        };
        let object = obj.object_arn();
        let grant = grant_text(&object);
        self.push(rule, "s3:GetObject", object, grant, &f.loc, name);
        if bucket_location {
            let bucket = obj.bucket_arn();
            let grant = grant_text(&bucket);
            let n = self.push(rule, "s3:GetBucketLocation", bucket, grant, &f.loc, name);
            n.softening = Some(Softening::BucketLocation);
        }
    }

    fn firelens(&mut self, c: &Container, name: Option<&str>) {
        let Some(fl) = &c.firelens_configuration else {
            return;
        };
        let Some(kind) = fl.options.get("config-file-type") else {
            return;
        };
        if kind.known() != Some("s3") {
            return;
        }
        if self.task.can_run_on_fargate() {
            self.invalid(
                &kind.loc,
                "`config-file-type` `s3` is not supported by FireLens on Fargate, only `file`"
                    .to_string(),
            );
            return;
        }
        match fl.options.get("config-file-value") {
            Some(v) => self.s3_pair(
                Rule::FirelensConfig,
                v,
                name,
                true,
                "a FireLens `config-file-value`",
            ),
            None => self.invalid(
                &kind.loc,
                "FireLens `config-file-type` `s3` needs a `config-file-value` option".to_string(),
            ),
        }
    }

    fn credential_spec(&mut self, f: &Field, name: Option<&str>) {
        let Some(rest) = credspec_location(&f.value) else {
            return;
        };
        let Some(a) = parse_arn(&rest) else {
            if rest.is_known() {
                self.invalid(
                    &f.loc,
                    format!("credential spec `{}` is not a valid ARN", f.value),
                );
            }
            return;
        };
        if a.is_service("s3") {
            let field = Field {
                value: rest,
                loc: f.loc.clone(),
            };
            self.s3_pair(
                Rule::CredentialSpec,
                &field,
                name,
                false,
                "a credential spec in S3",
            );
        } else if a.is_service("ssm") {
            match arn::ssm_parameter_from_arn(&a) {
                Some(param) => self.ssm_parameter(Rule::CredentialSpec, param, &f.loc, name, false),
                None if rest.is_known() => {
                    self.invalid(
                        &f.loc,
                        format!("credential spec `{}` is not an SSM parameter ARN", f.value),
                    );
                }
                None => {}
            }
        } else if a.service.is_known() {
            self.invalid(
                &f.loc,
                format!(
                    "credential spec `{}` must be an S3 object ARN or an SSM parameter ARN",
                    f.value
                ),
            );
        }
    }

    fn volumes(&mut self) {
        let task = self.task;
        for vol in &task.volumes {
            let Some(fsx) = &vol.fsx else {
                continue;
            };
            let origin = fsx
                .credentials_parameter
                .as_ref()
                .map_or(&fsx.loc, |f| &f.loc);
            if let Some(f) = &fsx.credentials_parameter {
                self.fsx_credentials(f);
            }
            self.push(
                Rule::FsxCredentials,
                "fsx:DescribeFileSystems",
                Sym::from("*"),
                "*".to_string(),
                origin,
                None,
            );
        }
    }

    fn fsx_credentials(&mut self, f: &Field) {
        let v = val(f);
        if is_wholly_unknown(&v) {
            return;
        }
        let Some(a) = parse_arn(&v) else {
            if v.is_known() {
                self.invalid(&f.loc, format!("`credentialsParameter` `{v}` must be the ARN of a Secrets Manager secret or an SSM parameter"));
            }
            return;
        };
        if a.is_service("secretsmanager") {
            match secret_of_arn(&a) {
                Ok(s) => self.secret_value(Rule::FsxCredentials, s, &f.loc, None),
                Err(e) if v.is_known() => self.invalid(
                    &f.loc,
                    format!("`credentialsParameter` `{v}`: {}", e.message()),
                ),
                Err(_) => {}
            }
        } else if a.is_service("ssm") {
            match arn::ssm_parameter_from_arn(&a) {
                Some(param) => self.ssm_parameter(Rule::FsxCredentials, param, &f.loc, None, true),
                None if v.is_known() => self.invalid(
                    &f.loc,
                    format!("`credentialsParameter` `{v}` is not an SSM parameter ARN"),
                ),
                None => {}
            }
        } else if a.service.is_known() {
            self.invalid(&f.loc, format!("`credentialsParameter` `{v}` must be the ARN of a Secrets Manager secret or an SSM parameter"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, RuleSettings};
    use crate::model::task::Style;
    use crate::parse::{Node, Piece, Value, json};
    use crate::source::FileId;

    /// Strings holding `((name))` become partial values with a hole `name`, as the template resolver would give.
    fn holes(node: &mut Node) {
        match &mut node.value {
            Value::String(s) if s.contains("((") => {
                let mut pieces = Vec::new();
                let mut rest: &str = s;
                while let Some(i) = rest.find("((") {
                    pieces.push(Piece::Lit(rest[..i].into()));
                    let j = rest[i..].find("))").unwrap() + i;
                    pieces.push(Piece::Hole(rest[i + 2..j].into()));
                    rest = &rest[j + 2..];
                }
                pieces.push(Piece::Lit(rest.into()));
                node.value = Value::Partial(pieces);
            }
            Value::Array(items) => items.iter_mut().for_each(holes),
            Value::Object(members) => members.iter_mut().for_each(|m| holes(&mut m.value)),
            _ => {}
        }
    }

    fn load(src: &str, style: Style) -> (TaskDefinition, Vec<Diagnostic>) {
        let mut node = json::parse(src).unwrap();
        holes(&mut node);
        let settings = RuleSettings::default();
        let mut r = Reporter::new(&settings);
        let td = TaskDefinition::load(&node, FileId(0), "", style, &mut r);
        (td, r.into_diagnostics())
    }

    fn run_cx(src: &str, style: Style, cx: &NeedsContext<'_>) -> (Vec<Need>, Vec<Diagnostic>) {
        let (td, mut diags) = load(src, style);
        let settings = RuleSettings::default();
        let mut r = Reporter::new(&settings);
        let out = needs(&td, cx, &mut r);
        diags.extend(r.into_diagnostics());
        (out, diags)
    }

    fn run(src: &str) -> (Vec<Need>, Vec<Diagnostic>) {
        run_cx(src, Style::Api, &NeedsContext::default())
    }

    type Want<'a> = &'a [(&'a str, &'a str, &'a str)];

    type Row = (&'static str, &'static str, String, String, String);

    fn rows(needs: &[Need]) -> Vec<Row> {
        needs
            .iter()
            .map(|n| {
                (
                    n.rule.code(),
                    n.action,
                    n.resource.to_string(),
                    n.grant.clone(),
                    n.origin.pointer.as_string(),
                )
            })
            .collect()
    }

    fn row(
        code: &'static str,
        action: &'static str,
        resource: &str,
        grant: &str,
        pointer: &str,
    ) -> Row {
        (code, action, resource.into(), grant.into(), pointer.into())
    }

    fn invalid(diags: &[Diagnostic]) -> Vec<(String, String)> {
        diags
            .iter()
            .filter(|d| d.rule == Rule::InvalidInput)
            .map(|d| (d.primary.pointer.as_string(), d.message.clone()))
            .collect()
    }

    const ROLE: &str = "arn:aws:iam::111122223333:role/exec";
    const TD_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3";

    fn td(containers: &str) -> String {
        format!(
            r#"{{"family":"web","taskDefinitionArn":"{TD_ARN}","executionRoleArn":"{ROLE}","requiresCompatibilities":["FARGATE"],"containerDefinitions":[{containers}]}}"#
        )
    }

    #[test]
    fn ecr_pull_rows() {
        let (n, d) = run(&td(
            r#"{"name":"app","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}"#,
        ));
        assert!(d.is_empty(), "{d:?}");
        let repo = "arn:aws:ecr:us-east-1:123456789012:repository/team/api";
        let p = "/containerDefinitions/0/image";
        assert_eq!(
            rows(&n),
            vec![
                row("ECS101", "ecr:GetAuthorizationToken", "*", "*", p),
                row("ECS101", "ecr:BatchGetImage", repo, repo, p),
                row("ECS101", "ecr:GetDownloadUrlForLayer", repo, repo, p),
            ]
        );
        assert!(n[0].fargate_vpc_trap);
        assert!(!n[1].fargate_vpc_trap);
        assert_eq!(n[0].container.as_deref(), Some("app"));
        assert!(n.iter().all(|n| n.softening.is_none()));
    }

    #[test]
    fn ecr_cross_partition_and_dual_stack() {
        for (image, repo) in [
            (
                "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1",
                "arn:aws-cn:ecr:cn-north-1:123456789012:repository/app",
            ),
            (
                "444455556666.dkr-ecr.ap-south-1.on.aws/app:1",
                "arn:aws:ecr:ap-south-1:444455556666:repository/app",
            ),
            (
                "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app",
                "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app",
            ),
        ] {
            let (n, _) = run(&td(&format!(r#"{{"name":"a","image":"{image}"}}"#)));
            assert_eq!(n.len(), 3, "{image}");
            assert_eq!(n[1].resource.to_string(), repo);
        }
    }

    #[test]
    fn non_ecr_images_need_nothing() {
        for image in [
            "nginx",
            "public.ecr.aws/nginx/nginx:latest",
            "quay.io/x/y",
            "11111111111.dkr.ecr.us-east-1.amazonaws.com/app",
            "{{demo-app-image}}",
            "<PLACEHOLDER>",
            "$APP_IMAGE",
        ] {
            let (n, d) = run(&td(&format!(r#"{{"name":"a","image":"{image}"}}"#)));
            assert!(n.is_empty() && d.is_empty(), "{image}: {n:?} {d:?}");
        }
        let (n, d) = run(&td(r#"{"name":"a"}"#));
        assert!(n.is_empty() && d.is_empty());
    }

    #[test]
    fn pull_through_cache_is_softened() {
        let extra = vec!["my-cache".to_string()];
        let cx = NeedsContext {
            pull_through_prefixes: &extra,
            ..NeedsContext::default()
        };
        for image in [
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-cache/x:1",
        ] {
            let (n, _) = run_cx(
                &td(&format!(r#"{{"name":"a","image":"{image}"}}"#)),
                Style::Api,
                &cx,
            );
            let soft: Vec<_> = n
                .iter()
                .filter(|n| n.softening == Some(Softening::PullThroughCache))
                .map(|n| n.action)
                .collect();
            assert_eq!(
                soft,
                vec!["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
                "{image}"
            );
            assert_eq!(n.len(), 5);
        }
    }

    #[test]
    fn ec2_without_role_uses_instance_role_for_pull_and_logs() {
        let src = r#"{"family":"x","containerDefinitions":[{"name":"a","image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app",
            "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"g","awslogs-region":"eu-west-1"}}}]}"#;
        let (n, d) = run(src);
        assert!(n.is_empty() && d.is_empty());
        let (td, _) = load(src, Style::Api);
        assert_eq!(execution_role_required(&td), None);
        // With a role, EC2 uses it (FACTS §4).
        let with_role = src.replace(
            r#""family":"x""#,
            &format!(r#""family":"x","executionRoleArn":"{ROLE}""#),
        );
        let (n, _) = run(&with_role);
        assert_eq!(n.len(), 5);
        // Fargate without a role: ECS010's reason.
        let fargate = src.replace(
            r#""family":"x""#,
            r#""family":"x","requiresCompatibilities":["FARGATE"]"#,
        );
        let (td, _) = load(&fargate, Style::Api);
        let why = execution_role_required(&td).unwrap();
        assert_eq!(
            why.aws_error,
            Some(
                "Fargate requires task definition to have execution role ARN to support ECR images."
            )
        );
        assert_eq!(why.feature.pointer, "/containerDefinitions/0/image");
        let (n, _) = run(&fargate);
        assert_eq!(n.len(), 5, "fargate needs are listed even without a role");
    }

    #[test]
    fn role_requirement_table() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                r#""secrets":[{"name":"A","valueFrom":"p"}]"#,
                Some("/containerDefinitions/0/secrets/0"),
            ),
            (
                r#""logConfiguration":{"logDriver":"splunk","secretOptions":[{"name":"t","valueFrom":"p"}]}"#,
                Some("/containerDefinitions/0/logConfiguration/secretOptions/0"),
            ),
            (
                r#""repositoryCredentials":{"credentialsParameter":"creds"}"#,
                Some("/containerDefinitions/0/repositoryCredentials/credentialsParameter"),
            ),
            (
                r#""environmentFiles":[{"value":"arn:aws:s3:::b/a.env","type":"s3"}]"#,
                Some("/containerDefinitions/0/environmentFiles/0"),
            ),
            (
                r#""firelensConfiguration":{"type":"fluentbit","options":{"config-file-type":"s3","config-file-value":"arn:aws:s3:::b/f.conf"}}"#,
                Some("/containerDefinitions/0/firelensConfiguration/options/config-file-value"),
            ),
            (
                r#""dockerSecurityOptions":["credentialspec:arn:aws:s3:::b/cs.json"]"#,
                Some("/containerDefinitions/0/dockerSecurityOptions/0"),
            ),
            (
                r#""dockerSecurityOptions":["credentialspec:file://cs.json"]"#,
                None,
            ),
            (
                r#""logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"g"}}"#,
                None,
            ),
            (r#""logConfiguration":{"logDriver":"splunk"}"#, None),
        ];
        for (fields, want) in cases {
            let src =
                format!(r#"{{"containerDefinitions":[{{"name":"a","image":"nginx",{fields}}}]}}"#);
            let (td, _) = load(&src, Style::Api);
            assert_eq!(
                execution_role_required(&td).map(|r| r.feature.pointer.as_string()),
                want.map(str::to_string),
                "{fields}"
            );
        }
        let fsx = r#"{"containerDefinitions":[],"volumes":[{"name":"v","fsxWindowsFileServerVolumeConfiguration":{"fileSystemId":"fs-1","authorizationConfig":{"credentialsParameter":"arn:aws:secretsmanager:us-east-1:123456789012:secret:fsx-AbCdEf"}}}]}"#;
        let (td, _) = load(fsx, Style::Api);
        assert!(execution_role_required(&td).is_some());
        let secrets =
            r#"{"containerDefinitions":[{"name":"a","secrets":[{"name":"A","valueFrom":"p"}]}]}"#;
        let (td, _) = load(secrets, Style::Api);
        assert_eq!(
            execution_role_required(&td).unwrap().aws_error,
            Some(
                "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'."
            )
        );
        let logs = r#"{"requiresCompatibilities":["FARGATE"],"containerDefinitions":[{"name":"a","image":"nginx","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"g"}}}]}"#;
        let (td, _) = load(logs, Style::Api);
        assert_eq!(
            execution_role_required(&td).unwrap().aws_error,
            Some(
                "Fargate requires task definition to have execution role ARN to support log driver awslogs."
            )
        );
    }

    fn logs_src(options: &str) -> String {
        td(&format!(
            r#"{{"name":"app","image":"nginx","logConfiguration":{{"logDriver":"awslogs","options":{{{options}}}}}}}"#
        ))
    }

    #[test]
    fn awslogs_rows() {
        let (n, d) = run(&logs_src(
            r#""awslogs-group":"/ecs/web","awslogs-region":"us-east-2","awslogs-stream-prefix":"web""#,
        ));
        assert!(d.is_empty());
        let stream =
            "arn:aws:logs:us-east-2:111122223333:log-group:/ecs/web:log-stream:web/app/${task-id}";
        let grant = "arn:aws:logs:us-east-2:111122223333:log-group:/ecs/web:*";
        let p = "/containerDefinitions/0/logConfiguration/options/awslogs-group";
        assert_eq!(
            rows(&n),
            vec![
                row("ECS103", "logs:CreateLogStream", stream, grant, p),
                row("ECS103", "logs:PutLogEvents", stream, grant, p),
            ]
        );
    }

    #[test]
    fn awslogs_defaults_to_task_region_and_role_account() {
        let (n, _) = run(&logs_src(r#""awslogs-group":"g""#));
        assert_eq!(
            n[0].resource.to_string(),
            "arn:aws:logs:eu-west-1:111122223333:log-group:g:log-stream:${stream}"
        );
        // No ARNs at all: holes, written as REGION/ACCOUNT in the grant.
        let (n, _) = run(
            r#"{"requiresCompatibilities":["FARGATE"],"containerDefinitions":[{"name":"a","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"g"}}}]}"#,
        );
        assert_eq!(n[0].grant, "arn:aws:logs:REGION:ACCOUNT:log-group:g:*");
        assert_eq!(
            n[0].resource.holes(),
            vec!["AWS::Region", "AWS::AccountId", "stream"]
        );
        // The context fills them.
        let cx = NeedsContext {
            region: Some("cn-north-1"),
            account: Some("999988887777"),
            ..NeedsContext::default()
        };
        let (n, _) = run_cx(
            r#"{"requiresCompatibilities":["FARGATE"],"containerDefinitions":[{"name":"a","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"g"}}}]}"#,
            Style::Api,
            &cx,
        );
        assert_eq!(
            n[0].grant,
            "arn:aws-cn:logs:cn-north-1:999988887777:log-group:g:*"
        );
    }

    #[test]
    fn awslogs_create_group_spellings() {
        for (value, creates) in [
            (r#""true""#, true),
            (r#""True""#, true),
            (r#""TRUE""#, true),
            (r#""t""#, true),
            (r#""T""#, true),
            (r#""1""#, true),
            ("true", true),
            ("1", true),
            (r#""false""#, false),
            (r#""yes""#, false),
            (r#""tRuE""#, false),
            ("false", false),
            (r#""0""#, false),
        ] {
            let (n, d) = run(&logs_src(&format!(
                r#""awslogs-group":"/ecs/web","awslogs-region":"us-east-2","awslogs-create-group":{value}"#
            )));
            assert!(d.is_empty(), "{value}");
            let create: Vec<_> = n
                .iter()
                .filter(|n| n.action == "logs:CreateLogGroup")
                .collect();
            assert_eq!(create.len(), usize::from(creates), "{value}");
            if let Some(c) = create.first() {
                assert_eq!(
                    c.resource.to_string(),
                    "arn:aws:logs:us-east-2:111122223333:log-group:/ecs/web:log-stream:"
                );
                assert_eq!(
                    c.grant,
                    "arn:aws:logs:us-east-2:111122223333:log-group:/ecs/web:*"
                );
                assert_eq!(
                    c.origin.pointer,
                    "/containerDefinitions/0/logConfiguration/options/awslogs-create-group"
                );
            }
        }
    }

    #[test]
    fn awslogs_without_group_is_invalid() {
        let (n, d) = run(&logs_src(r#""awslogs-region":"us-east-2""#));
        assert!(n.is_empty());
        assert_eq!(invalid(&d).len(), 1);
        assert_eq!(
            invalid(&d)[0].0,
            "/containerDefinitions/0/logConfiguration/options"
        );
    }

    fn secrets_src(value_from: &str) -> String {
        td(&format!(
            r#"{{"name":"app","secrets":[{{"name":"S","valueFrom":"{value_from}"}}]}}"#
        ))
    }

    #[test]
    fn secret_rows() {
        let p = "/containerDefinitions/0/secrets/0/valueFrom";
        let cases: &[(&str, Want<'_>)] = &[
            (
                "MY_PARAM",
                &[(
                    "ECS105",
                    "ssm:GetParameters",
                    "arn:aws:ssm:eu-west-1:123456789012:parameter/MY_PARAM",
                )],
            ),
            (
                "/prod/db/password",
                &[(
                    "ECS105",
                    "ssm:GetParameters",
                    "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password",
                )],
            ),
            (
                "/prod/db/password:3",
                &[(
                    "ECS105",
                    "ssm:GetParameters",
                    "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password",
                )],
            ),
            (
                "arn:aws:ssm:us-west-2:444455556666:parameter/other/region",
                &[(
                    "ECS105",
                    "ssm:GetParameters",
                    "arn:aws:ssm:us-west-2:444455556666:parameter/other/region",
                )],
            ),
            (
                "arn:aws:ssm:us-west-2:444455556666:parameter/x:prod",
                &[(
                    "ECS105",
                    "ssm:GetParameters",
                    "arn:aws:ssm:us-west-2:444455556666:parameter/x",
                )],
            ),
            (
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                &[(
                    "ECS106",
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                )],
            ),
            (
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
                &[(
                    "ECS106",
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                )],
            ),
            (
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password:AWSCURRENT:",
                &[(
                    "ECS106",
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
                )],
            ),
            (
                "arn:aws:secretsmanager:us-west-2:123456789012:secret:sdlc-stack-secrets/environment:FOO::",
                &[(
                    "ECS106",
                    "secretsmanager:GetSecretValue",
                    "arn:aws:secretsmanager:us-west-2:123456789012:secret:sdlc-stack-secrets/environment-??????",
                )],
            ),
            (
                "/aws/reference/secretsmanager/NewRelicLicenseKeySecret",
                &[
                    (
                        "ECS105",
                        "ssm:GetParameters",
                        "arn:aws:ssm:eu-west-1:123456789012:parameter/aws/reference/secretsmanager/NewRelicLicenseKeySecret",
                    ),
                    (
                        "ECS106",
                        "secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:NewRelicLicenseKeySecret-??????",
                    ),
                ],
            ),
            (
                "arn:aws:ssm:us-east-1:444455556666:parameter/aws/reference/secretsmanager/app/db",
                &[
                    (
                        "ECS105",
                        "ssm:GetParameters",
                        "arn:aws:ssm:us-east-1:444455556666:parameter/aws/reference/secretsmanager/app/db",
                    ),
                    (
                        "ECS106",
                        "secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:us-east-1:444455556666:secret:app/db-??????",
                    ),
                ],
            ),
        ];
        for (value_from, want) in cases {
            let (n, d) = run(&secrets_src(value_from));
            assert!(d.is_empty(), "{value_from}: {d:?}");
            let want: Vec<Row> = want.iter().map(|(c, a, r)| row(c, a, r, r, p)).collect();
            assert_eq!(rows(&n), want, "{value_from}");
        }
    }

    #[test]
    fn secret_options_point_at_their_value_from() {
        let (n, _) = run(&td(
            r#"{"name":"app","logConfiguration":{"logDriver":"splunk","secretOptions":[{"name":"splunk-token","valueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:tok-AbCdEf"}]}}"#,
        ));
        assert_eq!(
            rows(&n),
            vec![row(
                "ECS106",
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:tok-AbCdEf",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:tok-AbCdEf",
                "/containerDefinitions/0/logConfiguration/secretOptions/0/valueFrom"
            )]
        );
    }

    #[test]
    fn invalid_secret_values() {
        for value_from in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password",
            "mysecret:key::",
            "prod/db",
            "aws-thing",
            "arn:aws:s3:::bucket/key",
            "arn:aws:ssm:us-east-1:123456789012:document/x",
            "arn:broken",
        ] {
            let (n, d) = run(&secrets_src(value_from));
            assert!(n.is_empty(), "{value_from}");
            let inv = invalid(&d);
            assert_eq!(inv.len(), 1, "{value_from}: {d:?}");
            assert_eq!(inv[0].0, "/containerDefinitions/0/secrets/0/valueFrom");
            assert!(!inv[0].1.ends_with('.'));
            assert!(inv[0].1.chars().next().unwrap().is_lowercase() || inv[0].1.starts_with('`'));
        }
    }

    #[test]
    fn placeholders_give_no_invalid_input() {
        for value_from in [
            "{{ssm-prometheus-config}}",
            "${GMSASQLSASECRETPARAM}",
            "<PLACEHOLDER>",
            "arn:${Partition}:secretsmanager:${RegionID}:${AccountID}:secret:${SecretId}",
        ] {
            let (_, d) = run(&secrets_src(value_from));
            assert!(d.is_empty(), "{value_from}: {d:?}");
        }
        let (n, _) = run(&secrets_src(
            "arn:${Partition}:secretsmanager:${RegionID}:${AccountID}:secret:${SecretId}",
        ));
        assert_eq!(n.len(), 1);
        assert_eq!(
            n[0].resource.holes(),
            vec!["${Partition}", "${RegionID}", "${AccountID}", "${SecretId}"]
        );
        let (n, d) = run(&secrets_src(
            "arn:aws:ssm:ap-northeast-1:ACCOUNT:parameter/ecspresso-test/bar",
        ));
        assert!(d.is_empty());
        assert_eq!(
            n[0].grant,
            "arn:aws:ssm:ap-northeast-1:ACCOUNT:parameter/ecspresso-test/bar"
        );
        // Literal stand-ins for region and account are unknown too.
        let (n, d) = run(&secrets_src(
            "arn:aws:secretsmanager:region:aws_account_id:secret:secret_name-AbCdEf",
        ));
        assert!(d.is_empty());
        assert_eq!(n[0].resource.holes(), vec!["region", "aws_account_id"]);
    }

    #[test]
    fn registry_credentials_rows() {
        let p = "/containerDefinitions/0/repositoryCredentials/credentialsParameter";
        for (param, resource) in [
            (
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub-AbCdEf",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub-AbCdEf",
            ),
            (
                "dockerhub/creds",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub/creds-??????",
            ),
        ] {
            let (n, d) = run(&td(&format!(
                r#"{{"name":"a","image":"org/img","repositoryCredentials":{{"credentialsParameter":"{param}"}}}}"#
            )));
            assert!(d.is_empty());
            assert_eq!(
                rows(&n),
                vec![row(
                    "ECS104",
                    "secretsmanager:GetSecretValue",
                    resource,
                    resource,
                    p
                )]
            );
        }
        let (n, d) = run(&td(
            r#"{"name":"a","repositoryCredentials":{"credentialsParameter":"arn:aws:ssm:us-east-1:123456789012:parameter/x"}}"#,
        ));
        assert!(n.is_empty());
        assert_eq!(invalid(&d).len(), 1);
    }

    #[test]
    fn environment_file_rows() {
        let (n, d) = run(&td(
            r#"{"name":"a","environmentFiles":[{"value":"arn:aws:s3:::my-bucket/path/to/app.env","type":"s3"}]}"#,
        ));
        assert!(d.is_empty());
        let p = "/containerDefinitions/0/environmentFiles/0/value";
        assert_eq!(
            rows(&n),
            vec![
                row(
                    "ECS108",
                    "s3:GetObject",
                    "arn:aws:s3:::my-bucket/path/to/app.env",
                    "arn:aws:s3:::my-bucket/path/to/app.env",
                    p
                ),
                row(
                    "ECS108",
                    "s3:GetBucketLocation",
                    "arn:aws:s3:::my-bucket",
                    "arn:aws:s3:::my-bucket",
                    p
                ),
            ]
        );
        assert_eq!(n[0].softening, None);
        assert_eq!(n[1].softening, Some(Softening::BucketLocation));
        let (n, d) = run(&td(
            r#"{"name":"a","environmentFiles":[{"value":"s3://my-bucket/app.env","type":"s3"},{"value":"arn:aws:s3:::b/k.env","type":"file"}]}"#,
        ));
        assert_eq!(n.len(), 2);
        let inv = invalid(&d);
        assert_eq!(
            inv.iter().map(|i| i.0.as_str()).collect::<Vec<_>>(),
            vec![
                "/containerDefinitions/0/environmentFiles/0/value",
                "/containerDefinitions/0/environmentFiles/1/type"
            ]
        );
    }

    fn firelens(compat: &str) -> String {
        format!(
            r#"{{"executionRoleArn":"{ROLE}","requiresCompatibilities":[{compat}],"containerDefinitions":[{{"name":"log_router","image":"amazon/aws-for-fluent-bit",
            "firelensConfiguration":{{"type":"fluentbit","options":{{"config-file-type":"s3","config-file-value":"arn:aws:s3:::yourbucket/yourdirectory/extra.conf"}}}}}}]}}"#
        )
    }

    #[test]
    fn firelens_s3_config() {
        let (n, d) = run(&firelens(r#""EC2""#));
        assert!(d.is_empty());
        let p = "/containerDefinitions/0/firelensConfiguration/options/config-file-value";
        assert_eq!(
            rows(&n),
            vec![
                row(
                    "ECS109",
                    "s3:GetObject",
                    "arn:aws:s3:::yourbucket/yourdirectory/extra.conf",
                    "arn:aws:s3:::yourbucket/yourdirectory/extra.conf",
                    p
                ),
                row(
                    "ECS109",
                    "s3:GetBucketLocation",
                    "arn:aws:s3:::yourbucket",
                    "arn:aws:s3:::yourbucket",
                    p
                ),
            ]
        );
        let (n, d) = run(&firelens(r#""EC2","FARGATE""#));
        assert!(n.is_empty());
        assert_eq!(
            invalid(&d),
            vec![(
                "/containerDefinitions/0/firelensConfiguration/options/config-file-type"
                    .to_string(),
                "`config-file-type` `s3` is not supported by FireLens on Fargate, only `file`"
                    .to_string()
            )]
        );
    }

    #[test]
    fn credential_specs() {
        let (n, d) = run(&td(
            r#"{"name":"a","credentialSpecs":["credentialspecdomainless:arn:aws:ssm:us-east-1:111111111111:parameter/credspec"],
               "dockerSecurityOptions":["no-new-privileges","credentialspec:arn:aws:s3:::b/dir/credspec.json","credentialspec:file://x.json","credentialspec:${CREDSPECARN}"]}"#,
        ));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            rows(&n),
            vec![
                row(
                    "ECS111",
                    "ssm:GetParameters",
                    "arn:aws:ssm:us-east-1:111111111111:parameter/credspec",
                    "arn:aws:ssm:us-east-1:111111111111:parameter/credspec",
                    "/containerDefinitions/0/credentialSpecs/0"
                ),
                row(
                    "ECS111",
                    "s3:GetObject",
                    "arn:aws:s3:::b/dir/credspec.json",
                    "arn:aws:s3:::b/dir/credspec.json",
                    "/containerDefinitions/0/dockerSecurityOptions/1"
                ),
            ]
        );
    }

    #[test]
    fn fsx_volume() {
        let src = format!(
            r#"{{"executionRoleArn":"{ROLE}","containerDefinitions":[],"volumes":[{{"name":"v","fsxWindowsFileServerVolumeConfiguration":{{"fileSystemId":"fs-0123","rootDirectory":"share",
            "authorizationConfig":{{"credentialsParameter":"arn:aws:secretsmanager:us-east-1:123456789012:secret:fsx-AbCdEf","domain":"example.com"}}}}}}]}}"#
        );
        let (n, d) = run(&src);
        assert!(d.is_empty());
        let p = "/volumes/0/fsxWindowsFileServerVolumeConfiguration/authorizationConfig/credentialsParameter";
        let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:fsx-AbCdEf";
        assert_eq!(
            rows(&n),
            vec![
                row("ECS112", "secretsmanager:GetSecretValue", secret, secret, p),
                row("ECS112", "fsx:DescribeFileSystems", "*", "*", p),
            ]
        );
        let ssm = src.replace(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:fsx-AbCdEf",
            "arn:aws:ssm:us-east-1:123456789012:parameter/fsx/creds",
        );
        let (n, _) = run(&ssm);
        assert_eq!(n[0].action, "ssm:GetParameters");
        assert_eq!(
            n[0].resource.to_string(),
            "arn:aws:ssm:us-east-1:123456789012:parameter/fsx/creds"
        );
        let bare = src.replace(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:fsx-AbCdEf",
            "fsx-creds",
        );
        let (n, d) = run(&bare);
        assert_eq!(n.len(), 1);
        assert_eq!(invalid(&d).len(), 1);
    }

    #[test]
    fn kms_keys_when_known() {
        let lookup = |r: &Sym| {
            r.known()
                .filter(|r| r.contains(":secret:db-"))
                .map(|_| (Sym::from("1234abcd-12ab-34cd-56ef-1234567890ab"), None))
        };
        let cx = NeedsContext {
            kms_key_for: &lookup,
            ..NeedsContext::default()
        };
        let (n, _) = run_cx(
            &secrets_src(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
            ),
            Style::Api,
            &cx,
        );
        assert_eq!(n.len(), 2);
        assert_eq!(n[1].rule, Rule::KmsDecrypt);
        assert_eq!(n[1].action, "kms:Decrypt");
        assert_eq!(
            n[1].resource.to_string(),
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        );
        assert_eq!(
            n[1].origin.pointer,
            "/containerDefinitions/0/secrets/0/valueFrom"
        );
        let (n, _) = run_cx(&secrets_src("MY_PARAM"), Style::Api, &cx);
        assert_eq!(n.len(), 1);
    }

    #[test]
    fn wrong_types_are_invalid_input_and_the_rest_loads() {
        let src = format!(
            r#"{{"executionRoleArn":"{ROLE}","requiresCompatibilities":"FARGATE","containerDefinitions":[
              {{"name":"a","image":7,"secrets":{{"name":"x"}},"environment":[{{"name":"A","value":"1"}}],
                "logConfiguration":{{"logDriver":"awslogs","options":["x"],"secretOptions":[{{"name":"t","valueFrom":5}}]}}}},
              {{"name":"b","image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/b","portMappings":{{"containerPort":80}},
                "logConfiguration":{{"logDriver":"awslogs","options":{{"awslogs-group":"g","awslogs-region":"eu-west-1","bad":{{"x":1}}}}}}}}
            ]}}"#
        );
        let (n, d) = run(&src);
        let inv = invalid(&d);
        let pointers: Vec<&str> = inv.iter().map(|i| i.0.as_str()).collect();
        assert!(pointers.contains(&"/requiresCompatibilities"), "{inv:?}");
        assert!(pointers.contains(&"/containerDefinitions/0/image"));
        assert!(pointers.contains(&"/containerDefinitions/0/secrets"));
        assert!(pointers.contains(&"/containerDefinitions/0/logConfiguration/options"));
        assert!(
            pointers
                .contains(&"/containerDefinitions/0/logConfiguration/secretOptions/0/valueFrom")
        );
        assert!(pointers.contains(&"/containerDefinitions/1/logConfiguration/options/bad"));
        assert!(
            inv.iter()
                .any(|i| i.1 == "`secrets` must be an array, not an object")
        );
        // Container b still yields its needs.
        assert!(n.iter().any(|n| n.action == "ecr:BatchGetImage"));
        assert!(
            n.iter()
                .any(|n| n.action == "logs:PutLogEvents" && n.container.as_deref() == Some("b"))
        );
    }

    const API_TD: &str = r#"{
      "family":"app","executionRoleArn":"arn:aws:iam::123456789012:role/exec","requiresCompatibilities":["FARGATE"],
      "networkMode":"awsvpc","cpu":"256","memory":"512",
      "containerDefinitions":[{"name":"app","image":"((AWS::AccountId)).dkr.ecr.((AWS::Region)).amazonaws.com/app:((Tag))",
        "repositoryCredentials":{"credentialsParameter":"arn:aws:secretsmanager:us-east-1:123456789012:secret:reg-AbCdEf"},
        "secrets":[{"name":"DB_PASSWORD","valueFrom":"/app/db"},{"name":"API_KEY","valueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:api:apiKey::"}],
        "environmentFiles":[{"type":"s3","value":"arn:((AWS::Partition)):s3:::env-bucket/app.env"}],
        "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"app-logs","awslogs-region":"((AWS::Region))","awslogs-stream-prefix":"app","awslogs-create-group":true},
          "secretOptions":[{"name":"splunk-token","valueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:splunk-AbCdEf"}]},
        "firelensConfiguration":{"type":"fluentbit","options":{"config-file-type":"file","config-file-value":"/fluent.conf"}},
        "dockerSecurityOptions":["credentialspec:arn:aws:s3:::b/credspec.json"],
        "credentialSpecs":["credentialspecdomainless:arn:aws:ssm:us-east-1:111111111111:parameter/credspec"]}],
      "volumes":[{"name":"fsx","fsxWindowsFileServerVolumeConfiguration":{"fileSystemId":"fs-0123","rootDirectory":"share",
        "authorizationConfig":{"credentialsParameter":"arn:aws:secretsmanager:us-east-1:123456789012:secret:fsx-AbCdEf","domain":"example.com"}}},
        {"name":"efs","efsVolumeConfiguration":{"fileSystemId":"fs-abc"}}]
    }"#;

    const CFN_TD: &str = r#"{
      "Family":"app","ExecutionRoleArn":"arn:aws:iam::123456789012:role/exec","RequiresCompatibilities":["FARGATE"],
      "NetworkMode":"awsvpc","Cpu":"256","Memory":"512",
      "ContainerDefinitions":[{"Name":"app","Image":"((AWS::AccountId)).dkr.ecr.((AWS::Region)).amazonaws.com/app:((Tag))",
        "RepositoryCredentials":{"CredentialsParameter":"arn:aws:secretsmanager:us-east-1:123456789012:secret:reg-AbCdEf"},
        "Secrets":[{"Name":"DB_PASSWORD","ValueFrom":"/app/db"},{"Name":"API_KEY","ValueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:api:apiKey::"}],
        "EnvironmentFiles":[{"Type":"s3","Value":"arn:((AWS::Partition)):s3:::env-bucket/app.env"}],
        "LogConfiguration":{"LogDriver":"awslogs","Options":{"awslogs-group":"app-logs","awslogs-region":"((AWS::Region))","awslogs-stream-prefix":"app","awslogs-create-group":true},
          "SecretOptions":[{"Name":"splunk-token","ValueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:splunk-AbCdEf"}]},
        "FirelensConfiguration":{"Type":"fluentbit","Options":{"config-file-type":"file","config-file-value":"/fluent.conf"}},
        "DockerSecurityOptions":["credentialspec:arn:aws:s3:::b/credspec.json"],
        "CredentialSpecs":["credentialspecdomainless:arn:aws:ssm:us-east-1:111111111111:parameter/credspec"]}],
      "Volumes":[{"Name":"fsx","FSxWindowsFileServerVolumeConfiguration":{"FileSystemId":"fs-0123","RootDirectory":"share",
        "AuthorizationConfig":{"CredentialsParameter":"arn:aws:secretsmanager:us-east-1:123456789012:secret:fsx-AbCdEf","Domain":"example.com"}}},
        {"Name":"efs","EFSVolumeConfiguration":{"FilesystemId":"fs-abc"}}]
    }"#;

    fn summary(needs: &[Need]) -> Vec<(&'static str, &'static str, String, String)> {
        needs
            .iter()
            .map(|n| {
                (
                    n.rule.code(),
                    n.action,
                    n.resource.to_string(),
                    n.grant.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn camel_and_pascal_case_give_the_same_needs() {
        let (api, d1) = run_cx(API_TD, Style::Api, &NeedsContext::default());
        let (cfn, d2) = run_cx(CFN_TD, Style::CloudFormation, &NeedsContext::default());
        assert!(d1.is_empty() && d2.is_empty(), "{d1:?} {d2:?}");
        assert_eq!(summary(&api), summary(&cfn));
        let codes: Vec<&str> = api.iter().map(|n| n.rule.code()).collect();
        for code in [
            "ECS101", "ECS103", "ECS104", "ECS105", "ECS106", "ECS108", "ECS111", "ECS112",
        ] {
            assert!(codes.contains(&code), "{code}: {codes:?}");
        }
        let repo = api
            .iter()
            .find(|n| n.action == "ecr:BatchGetImage")
            .unwrap();
        assert_eq!(
            repo.resource.to_string(),
            "arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/app"
        );
        assert_eq!(repo.grant, "arn:aws:ecr:REGION:ACCOUNT:repository/app");
        let env = api
            .iter()
            .find(|n| n.rule == Rule::EnvironmentFile)
            .unwrap();
        assert_eq!(
            env.resource.to_string(),
            "arn:${AWS::Partition}:s3:::env-bucket/app.env"
        );
        let partial = api
            .iter()
            .find(|n| n.resource.to_string().contains("secret:api"))
            .unwrap();
        assert_eq!(
            partial.grant,
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-??????"
        );
        let create = api
            .iter()
            .find(|n| n.action == "logs:CreateLogGroup")
            .unwrap();
        assert_eq!(
            create.origin.pointer,
            "/containerDefinitions/0/logConfiguration/options/awslogs-create-group"
        );
        let create = cfn
            .iter()
            .find(|n| n.action == "logs:CreateLogGroup")
            .unwrap();
        assert_eq!(
            create.origin.pointer,
            "/ContainerDefinitions/0/LogConfiguration/Options/awslogs-create-group"
        );
        let (td, _) = load(CFN_TD, Style::CloudFormation);
        assert_eq!(td.volumes.len(), 2);
        assert!(td.volumes[0].fsx.is_some());
        assert_eq!(td.cpu.as_ref().and_then(Field::known), Some("256"));
    }

    #[test]
    fn cloudformation_scalars_are_strings() {
        let src = r#"{"ExecutionRoleArn":"((Role.Arn))","ContainerDefinitions":[{"Name":"a","Image":"nginx",
          "Environment":[{"Name":"DEBUG","Value":true},{"Name":"N","Value":3}],"Cpu":256,
          "Secrets":[{"Name":"S","ValueFrom":"((DbParam))"},{"Name":"T","ValueFrom":"((ApiSecret)):apiKey::"},{"Name":"U","ValueFrom":"/((Env))/db"}]}],
          "Cpu":1024,"Memory":2048}"#;
        let (n, d) = run_cx(src, Style::CloudFormation, &NeedsContext::default());
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            rows(&n),
            vec![
                // A wholly unknown value: a speculative need, named after the unknown.
                row(
                    "ECS105",
                    "ssm:GetParameters",
                    "${DbParam}",
                    "${DbParam}",
                    "/ContainerDefinitions/0/Secrets/0/ValueFrom"
                ),
                row(
                    "ECS105",
                    "ssm:GetParameters",
                    "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${Env}/db",
                    "arn:aws:ssm:REGION:ACCOUNT:parameter/${Env}/db",
                    "/ContainerDefinitions/0/Secrets/2/ValueFrom"
                )
            ]
        );
        assert!(n[0].speculative && !n[1].speculative);
        let (td, _) = load(src, Style::CloudFormation);
        assert_eq!(
            td.containers[0].environment[0]
                .value
                .as_ref()
                .and_then(Field::known),
            Some("true")
        );
        assert_eq!(td.memory.as_ref().and_then(Field::known), Some("2048"));
        // The same boolean in the API spelling is a wrong type.
        let (_, d) = load(
            r#"{"containerDefinitions":[{"name":"a","environment":[{"name":"DEBUG","value":true}]}]}"#,
            Style::Api,
        );
        assert_eq!(invalid(&d).len(), 1);
    }

    #[test]
    fn terraform_attributes_and_separate_containers() {
        let tf = r#"{"family":"app","arn":"arn:aws:ecs:us-east-1:123456789012:task-definition/app:1","execution_role_arn":"arn:aws:iam::123456789012:role/exec",
          "requires_compatibilities":["FARGATE"],"network_mode":"awsvpc","cpu":"256","memory":"512",
          "container_definitions":"[]",
          "volume":[{"name":"fsx","fsx_windows_file_server_volume_configuration":[{"file_system_id":"fs-1","root_directory":"share",
            "authorization_config":[{"credentials_parameter":"arn:aws:ssm:us-east-1:123456789012:parameter/fsx","domain":"d"}]}]}]}"#;
        let (mut td, d) = load(tf, Style::Terraform);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            td.task_definition_arn.as_ref().and_then(Field::known),
            Some("arn:aws:ecs:us-east-1:123456789012:task-definition/app:1")
        );
        let fsx = td.volumes[0].fsx.as_ref().unwrap();
        assert_eq!(
            fsx.credentials_parameter.as_ref().unwrap().loc.pointer,
            "/volume/0/fsx_windows_file_server_volume_configuration/0/authorization_config/0/credentials_parameter"
        );
        let defs = json::parse(
            r#"[{"name":"app","secrets":[{"name":"S","valueFrom":"P"}],"image":"nginx"}]"#,
        )
        .unwrap();
        let pin = Loc::new(
            FileId(0),
            crate::parse::Span::new(200, 204),
            "/container_definitions",
        );
        let settings = RuleSettings::default();
        let mut r = Reporter::new(&settings);
        td.containers = TaskDefinition::load_containers(&defs, FileId(1), "", Some(&pin), &mut r);
        let n = needs(&td, &NeedsContext::default(), &mut r);
        assert!(r.diagnostics().is_empty());
        let fsx_p = "/volume/0/fsx_windows_file_server_volume_configuration/0/authorization_config/0/credentials_parameter";
        let param = "arn:aws:ssm:us-east-1:123456789012:parameter/fsx";
        let p = "arn:aws:ssm:us-east-1:123456789012:parameter/P";
        assert_eq!(
            rows(&n),
            vec![
                row(
                    "ECS105",
                    "ssm:GetParameters",
                    p,
                    p,
                    "/container_definitions"
                ),
                row("ECS112", "ssm:GetParameters", param, param, fsx_p),
                row("ECS112", "fsx:DescribeFileSystems", "*", "*", fsx_p),
            ]
        );
        assert_eq!(n[0].origin.file, FileId(0));
    }
}
