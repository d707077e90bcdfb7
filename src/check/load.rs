//! Loading a run's inputs: read and parse every file (in parallel), recognise
//! each by content, and gather what each contributes into one [`World`].

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Loc, Reporter, RuleSettings, RunError};

use super::{guard, roles};
use crate::input::cloudformation::{self, CfnContext, MetadataIgnore, RoleLink};
use crate::input::iam::{self, IamInputs, KmsEntry, ManagedPolicyInput};
use crate::input::read;
use crate::input::walk::Candidate;
use crate::input::{Shape, recognise, task_definition_pointers, terraform};
use crate::model::Sym;
use crate::model::policy::{PolicyKind, load_policy_as};
use crate::model::role::{PolicySource, Preloaded, RoleInput, role_name_from_arn};
use crate::model::task::{Style, TaskDefinition};
use crate::parse::node::child_pointer;
use crate::parse::{Node, Span, Value};
use crate::rules::Rule;
use crate::source::{FileId, SourceDb, SourceFile};

/// A task definition found in some input, typed as soon as its file is read
/// (so that no parse tree outlives its file).
#[derive(Debug, Clone)]
pub struct TaskSource {
    pub file: FileId,
    /// Pointer of the task definition object (a template's `Properties`, a plan's `values`).
    pub pointer: String,
    pub task: Box<TaskDefinition>,
    pub style: Style,
    /// Family, logical id or resource address, for messages.
    pub name: String,
    pub execution_role: RoleLink,
    pub task_role: RoleLink,
    /// Key of the role scope: template roles are looked up in their own file's scope.
    pub scope: Option<FileId>,
    /// A Terraform resource address.
    pub logical: Option<String>,
    /// Region known from the input itself (a plan's provider).
    pub region: Option<String>,
    /// Account known from the input itself (a plan's `aws_caller_identity`).
    pub account: Option<String>,
}

/// Everything the inputs of a run say.
#[derive(Debug, Default)]
pub struct World {
    pub db: SourceDb,
    pub tasks: Vec<TaskSource>,
    /// Roles described by IAM inputs and the config, by role name.
    pub roles: BTreeMap<String, RoleInput>,
    /// Roles of templates and plans, by (file, key).
    pub scoped_roles: BTreeMap<(FileId, String), RoleInput>,
    /// Customer-managed policies by ARN.
    pub managed: BTreeMap<String, PolicySource>,
    /// Bare policy documents among the inputs.
    pub documents: Vec<PolicySource>,
    /// `--policy` files (and the config's `policy`).
    pub policy_files: Vec<PolicySource>,
    pub kms: Vec<KmsEntry>,
    /// `kms` indexed by the strings each entry can match (built on first use).
    pub kms_index: std::sync::OnceLock<KmsIndex>,
    /// Regions whose inner locations all report one pointer (embedded JSON strings).
    pub opaque: Vec<(FileId, Span, String)>,
    /// Values present only under an undecidable template condition.
    pub conditional: Vec<(FileId, String, String)>,
    pub ignores: Vec<MetadataIgnore>,
    /// Key policies of KMS keys defined in templates, by key ARN.
    pub key_policies: Vec<(Sym, PolicySource)>,
    pub diagnostics: Vec<Diagnostic>,
    pub run_errors: Vec<RunError>,
    /// Files read (parsed or not).
    pub files: usize,
}

/// From how many items [`par_map`] and [`par_fold`] use the thread pool: below,
/// waking it costs more than checking the items on this thread.
pub(super) const PARALLEL_FROM: usize = 4;

/// Maps `f` over `items` in parallel, in order; below [`PARALLEL_FROM`] items, on
/// this thread.
pub(super) fn par_map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(usize, T) -> R + Sync + Send,
{
    if items.len() < PARALLEL_FROM {
        items
            .into_iter()
            .enumerate()
            .map(|(i, t)| f(i, t))
            .collect()
    } else {
        items
            .into_par_iter()
            .enumerate()
            .map(|(i, t)| f(i, t))
            .collect()
    }
}

/// Folds `items` in order with `step`, in parallel: each thread folds a run of
/// consecutive items from `init()`, and `merge` joins the runs' results left to
/// right (rayon keeps the sequence order of `fold` and `reduce`; `merge` must be
/// associative and `init()` its identity). Unlike [`par_map`], no result of a
/// single item waits for the others. Below [`PARALLEL_FROM`] items, on this thread.
pub(super) fn par_fold<T, A, I, F, M>(items: Vec<T>, init: I, step: F, merge: M) -> A
where
    T: Send,
    A: Send,
    I: Fn() -> A + Sync + Send,
    F: Fn(A, T) -> A + Sync + Send,
    M: Fn(A, A) -> A + Sync + Send,
{
    if items.len() < PARALLEL_FROM {
        items.into_iter().fold(init(), step)
    } else {
        items.into_par_iter().fold(&init, step).reduce(&init, merge)
    }
}

/// [`World::kms`] indexed by the request strings each entry can match, so that
/// looking up the key of a secret does not scan every entry of the run.
#[derive(Debug, Default)]
pub struct KmsIndex {
    /// By the entry as a string.
    exact: HashMap<String, Vec<usize>>,
    /// Entries that are not ARNs, by the name without its leading `/`.
    by_name: HashMap<String, Vec<usize>>,
    /// Known entries of 7 characters or more, by all but their last 7 bytes.
    by_base: HashMap<String, Vec<usize>>,
    /// Known entries with wildcards: always candidates.
    scan: Vec<usize>,
}

impl KmsIndex {
    fn build(entries: &[KmsEntry]) -> Self {
        let mut ix = KmsIndex::default();
        for (i, e) in entries.iter().enumerate() {
            let text = e.resource.to_string();
            if !text.starts_with("arn:") {
                let name = text.strip_prefix('/').unwrap_or(&text);
                ix.by_name.entry(name.to_string()).or_default().push(i);
            }
            if let Some(pat) = e.resource.known() {
                if pat.contains(['*', '?']) {
                    ix.scan.push(i);
                } else if let Some(base) = pat.len().checked_sub(7).and_then(|n| pat.get(..n)) {
                    ix.by_base.entry(base.to_string()).or_default().push(i);
                }
            }
            ix.exact.entry(text).or_default().push(i);
        }
        ix
    }

    /// Indices (ascending) of the entries that may match the request string
    /// `text`: a superset of those that do, for the caller's own test.
    pub fn candidates(&self, text: &str) -> Vec<usize> {
        let mut out: Vec<usize> = self.scan.clone();
        let mut add = |m: &HashMap<String, Vec<usize>>, k: &str| {
            if let Some(v) = m.get(k) {
                out.extend_from_slice(v);
            }
        };
        add(&self.exact, text);
        if let Some((_, name)) = text.split_once(":parameter/") {
            add(&self.by_name, name);
        }
        if let Some(base) = text.strip_suffix("-??????") {
            add(&self.by_base, base);
        }
        add(&self.by_base, text);
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl World {
    /// The entries of `kms` that may match the request string `text`, in order.
    pub fn kms_candidates(&self, text: &str) -> impl Iterator<Item = &KmsEntry> {
        self.kms_index
            .get_or_init(|| KmsIndex::build(&self.kms))
            .candidates(text)
            .into_iter()
            .filter_map(|i| self.kms.get(i))
    }
}

/// What one file contributes; built in parallel, merged in order.
#[derive(Debug, Default)]
struct Contribution {
    tasks: Vec<TaskSource>,
    iam: IamInputs,
    scoped_roles: Vec<(String, RoleInput)>,
    opaque: Vec<(Span, String)>,
    conditional: Vec<(String, String)>,
    ignores: Vec<MetadataIgnore>,
    key_policies: Vec<(Sym, PolicySource)>,
    diagnostics: Vec<Diagnostic>,
    /// A panic while contributing (see `guard`).
    run_errors: Vec<RunError>,
}

/// Defaults the inputs leave implicit.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub region: Option<String>,
    pub account: Option<String>,
}

fn link_from_node(
    node: Option<&Node>,
    file: FileId,
    pointer: &str,
    reporter: &mut Reporter<'_>,
) -> RoleLink {
    match node {
        None => RoleLink::None,
        Some(n) if n.is_null() => RoleLink::None,
        Some(n) => match Sym::from_node(n) {
            Some(Sym::Known(s)) if s.is_empty() => RoleLink::None,
            Some(sym) => RoleLink::External(sym, Loc::new(file, n.span, pointer)),
            None => {
                reporter.report(
                    Rule::InvalidInput,
                    Loc::new(file, n.span, pointer),
                    format!("a role ARN must be a string, found {}", n.kind_name()),
                );
                RoleLink::None
            }
        },
    }
}

/// A typed task definition as the world keeps it. What only its own values
/// decide, ECS204 (plaintext secrets in `environment`), is checked now, and the
/// `environment` entries, which nothing else reads, are dropped: every task
/// definition of a run is alive at once until the tasks are checked.
fn settle(
    mut task: TaskDefinition,
    name: &str,
    reporter: &mut Reporter<'_>,
) -> Box<TaskDefinition> {
    crate::rules::plaintext_secret::check_task(&task, name, reporter);
    for c in &mut task.containers {
        c.environment = Vec::new();
    }
    Box::new(task)
}

/// One file's share of the world. Takes the parse tree so that task
/// definitions are moved out of it, not cloned.
fn contribute(
    file: FileId,
    read: &Parsed<'_>,
    tree: Result<Node, crate::parse::ParseError>,
    settings: &RuleSettings,
    opts: &LoadOptions,
) -> Contribution {
    let mut out = Contribution::default();
    let mut reporter = Reporter::new(settings);
    let mut root = match tree {
        Ok(root) => root,
        Err(e) => {
            reporter.report(
                Rule::ParseError,
                Loc::new(file, e.span, e.pointer),
                e.message,
            );
            out.diagnostics = reporter.into_diagnostics();
            return out;
        }
    };
    let root_ref = &root;
    for dup in duplicate_keys_everywhere(root_ref) {
        reporter.report(
            Rule::InvalidInput,
            Loc::new(file, dup.1, dup.0.clone()),
            format!("duplicate key `{}`: only the last one counts", dup.2),
        );
    }
    let shape = recognise(&root);
    match shape {
        Shape::TaskDefinitions => {
            for pointer in task_definition_pointers(&root) {
                let Some(node) = take_pointer(&mut root, &pointer) else {
                    continue;
                };
                let name = node
                    .get("family")
                    .and_then(Node::as_str)
                    .map_or_else(|| read.name.to_string(), str::to_string);
                let task = TaskDefinition::load(&node, file, &*pointer, Style::Api, &mut reporter);
                out.tasks.push(TaskSource {
                    file,
                    execution_role: link_from_node(
                        node.get("executionRoleArn"),
                        file,
                        &child_pointer(&pointer, "executionRoleArn"),
                        &mut reporter,
                    ),
                    task_role: link_from_node(
                        node.get("taskRoleArn"),
                        file,
                        &child_pointer(&pointer, "taskRoleArn"),
                        &mut reporter,
                    ),
                    task: settle(task, &name, &mut reporter),
                    pointer,
                    style: Style::Api,
                    name,
                    scope: None,
                    logical: None,
                    region: None,
                    account: None,
                });
            }
        }
        Shape::PolicyDocument => iam::policy_file(root, file, read.name, &mut out.iam),
        Shape::RolePolicy => iam::role_policy(&mut root, file, &mut reporter, &mut out.iam),
        Shape::Role => iam::role(&mut root, file, &mut reporter, &mut out.iam),
        Shape::AuthorizationDetails => {
            iam::authorization_details(&mut root, file, &mut reporter, &mut out.iam);
        }
        Shape::Inventory => iam::inventory(&root, file, &mut out.iam),
        Shape::CloudFormation => {
            let cx = CfnContext {
                region: opts.region.clone(),
                account: opts.account.clone(),
            };
            let t = cloudformation::template(&root, file, &cx);
            for task in t.tasks {
                let typed = TaskDefinition::load(
                    &task.properties,
                    file,
                    &*task.pointer,
                    Style::CloudFormation,
                    &mut reporter,
                );
                out.tasks.push(TaskSource {
                    file,
                    pointer: task.pointer,
                    task: settle(typed, &task.logical_id, &mut reporter),
                    style: Style::CloudFormation,
                    name: task.logical_id,
                    execution_role: task.execution_role,
                    task_role: task.task_role,
                    scope: Some(file),
                    logical: None,
                    region: None,
                    account: None,
                });
            }
            out.scoped_roles.extend(t.roles);
            out.iam.kms.extend(t.kms);
            out.conditional.extend(t.conditional);
            out.ignores.extend(t.ignores);
            out.key_policies.extend(t.key_policies);
        }
        Shape::TerraformPlan => {
            let p = terraform::plan(&root, read.text, file);
            for task in p.tasks {
                if let Some((message, loc)) = task.containers_error {
                    reporter.report(Rule::InvalidInput, loc, message);
                }
                let name = task.address.clone();
                let mut typed = TaskDefinition::load(
                    &task.values,
                    file,
                    &*task.pointer,
                    Style::Terraform,
                    &mut reporter,
                );
                if let (Some(node), Some(pointer)) = (&task.containers, &task.containers_pointer) {
                    typed.containers = TaskDefinition::load_containers(
                        node,
                        file,
                        &**pointer,
                        None,
                        &mut reporter,
                    );
                }
                out.tasks.push(TaskSource {
                    file,
                    pointer: task.pointer,
                    task: settle(typed, &name, &mut reporter),
                    style: Style::Terraform,
                    name,
                    execution_role: task.execution_role,
                    task_role: task.task_role,
                    scope: Some(file),
                    logical: Some(task.address),
                    region: p.region.clone(),
                    account: p.account.clone(),
                });
            }
            out.scoped_roles.extend(p.roles);
            out.iam.kms.extend(p.kms);
            out.key_policies.extend(p.key_policies);
            out.opaque.extend(p.opaque);
        }
        Shape::Unknown => {
            if read.explicit {
                reporter.report(
                    Rule::UnknownInput,
                    Loc::new(file, Span::new(0, 0), ""),
                    "not a task definition, IAM document, inventory, CloudFormation template or Terraform plan",
                );
            }
        }
    }
    out.diagnostics = reporter.into_diagnostics();
    preload_policies(&mut out, file, settings);
    // Every contribution of a run is alive at once before they are merged.
    out.tasks.shrink_to_fit();
    out.iam.roles.shrink_to_fit();
    out.scoped_roles.shrink_to_fit();
    out
}

/// Loads every policy document of a contribution now, while its file is being
/// read in parallel, and drops its tree. What loading reports stays with the
/// policy until a role uses it (`roles::Loader::source`), as if loaded then.
fn preload_policies(out: &mut Contribution, file: FileId, settings: &RuleSettings) {
    let conditional: Vec<(FileId, String, String)> = out
        .conditional
        .iter()
        .map(|(p, r)| (file, p.clone(), r.clone()))
        .collect();
    // A document attached to several roles of one file is loaded once.
    let mut cache: HashMap<(String, u8), Preloaded> = HashMap::new();
    let mut preload = |src: &mut PolicySource, kind: PolicyKind| {
        if src.file != Some(file) || src.preloaded.is_some() {
            return;
        }
        let key = (src.pointer.clone(), kind as u8);
        let pre = cache.entry(key).or_insert_with(|| {
            let mut reporter = Reporter::new(settings);
            let mut policy = load_policy_as(
                &src.node,
                src.file,
                &src.pointer,
                &src.name,
                kind,
                Some(&mut reporter),
            );
            roles::mark_conditional(&mut policy, file, &conditional);
            Preloaded {
                kind,
                policy: Arc::new(policy),
                diagnostics: reporter.into_diagnostics(),
            }
        });
        src.preloaded = Some(pre.clone());
        src.node = Node::new(Value::Null, src.node.span);
    };
    let roles = out
        .iam
        .roles
        .iter_mut()
        .chain(out.scoped_roles.iter_mut().map(|(_, r)| r));
    for role in roles {
        if let Some(t) = &mut role.trust {
            preload(t, PolicyKind::Trust);
        }
        for s in &mut role.inline {
            preload(s, PolicyKind::Identity);
        }
        if let Some(b) = &mut role.boundary_source {
            preload(b, PolicyKind::Identity);
        }
    }
    for m in &mut out.iam.managed {
        preload(&mut m.source, PolicyKind::Identity);
    }
    for d in &mut out.iam.documents {
        let kind = roles::document_kind(&d.node);
        preload(d, kind);
    }
    for (_, k) in &mut out.key_policies {
        preload(k, PolicyKind::Resource);
    }
}

/// What `contribute` needs of a read file besides its tree.
struct Parsed<'a> {
    name: &'a str,
    text: &'a str,
    explicit: bool,
}

/// Moves the node at `pointer` out of the tree (leaving `null`).
fn take_pointer(root: &mut Node, pointer: &str) -> Option<Node> {
    let tokens: Vec<String> = match pointer.strip_prefix('/') {
        Some(rest) => rest
            .split('/')
            .map(|raw| raw.replace("~1", "/").replace("~0", "~"))
            .collect(),
        None if pointer.is_empty() => Vec::new(),
        None => return None,
    };
    take_in(root, &tokens)
}

/// Recursion as deep as the pointer, which is a path in a tree bounded to 512 levels.
fn take_in(node: &mut Node, tokens: &[String]) -> Option<Node> {
    use crate::parse::Value;
    let Some((first, rest)) = tokens.split_first() else {
        let span = node.span;
        return Some(std::mem::replace(
            node,
            Node {
                value: Value::Null,
                span,
            },
        ));
    };
    match &mut node.value {
        Value::Tagged(_, inner) => take_in(inner, tokens),
        Value::Object(members) => take_in(
            &mut members.iter_mut().rev().find(|m| *m.key == **first)?.value,
            rest,
        ),
        Value::Array(items) => take_in(items.get_mut(first.parse::<usize>().ok()?)?, rest),
        _ => None,
    }
}

/// A step of a path in the duplicate-key walk: (parent step, key or index).
enum Step<'a> {
    Key(usize, &'a str),
    Index(usize, usize),
    Root,
}

fn step_pointer(steps: &[Step<'_>], mut at: usize) -> String {
    let mut tokens = Vec::new();
    while let Some(step) = steps.get(at) {
        match step {
            Step::Key(parent, k) => {
                tokens.push((*k).to_string());
                at = *parent;
            }
            Step::Index(parent, i) => {
                tokens.push(i.to_string());
                at = *parent;
            }
            Step::Root => break,
        }
    }
    let mut p = String::new();
    for t in tokens.iter().rev() {
        crate::parse::node::push_token(&mut p, t);
    }
    p
}

/// Whether any object of the tree has a duplicate key (the common answer, no, costs no paths).
fn any_duplicate_keys(root: &Node) -> bool {
    use crate::parse::Value;
    let mut stack: Vec<&Node> = vec![root];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Object(members) => {
                if !n.duplicate_keys().is_empty() {
                    return true;
                }
                stack.extend(members.iter().map(|m| &m.value));
            }
            Value::Array(items) => stack.extend(items.iter()),
            Value::Tagged(_, inner) => stack.push(inner),
            _ => {}
        }
    }
    false
}

/// Duplicate keys anywhere in a tree: (pointer, key span, key). Pointers are
/// built only for the duplicates found.
fn duplicate_keys_everywhere(root: &Node) -> Vec<(String, Span, String)> {
    use crate::parse::Value;
    let mut out = Vec::new();
    if !any_duplicate_keys(root) {
        return out;
    }
    let mut steps: Vec<Step<'_>> = vec![Step::Root];
    let mut stack: Vec<(&Node, usize)> = vec![(root, 0)];
    while let Some((n, at)) = stack.pop() {
        match &n.value {
            Value::Object(members) => {
                for d in n.duplicate_keys() {
                    out.push((
                        child_pointer(&step_pointer(&steps, at), &d.key),
                        d.key_span,
                        d.key.to_string(),
                    ));
                }
                for m in members.iter().rev() {
                    if matches!(
                        m.value.value,
                        Value::Object(_) | Value::Array(_) | Value::Tagged(..)
                    ) {
                        steps.push(Step::Key(at, &m.key));
                        stack.push((&m.value, steps.len() - 1));
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    if matches!(
                        item.value,
                        Value::Object(_) | Value::Array(_) | Value::Tagged(..)
                    ) {
                        steps.push(Step::Index(at, i));
                        stack.push((item, steps.len() - 1));
                    }
                }
            }
            Value::Tagged(_, inner) => stack.push((inner, at)),
            _ => {}
        }
    }
    out
}

/// Why a candidate gave nothing: it could not be read, or reading it panicked.
enum Lost {
    Unreadable(RunError),
    Panicked(RunError),
}

/// How many candidates [`load`] reads in one parallel pass before merging what
/// they contributed: every contribution of a pass is alive at once (about 430
/// bytes each even when empty), so one pass over a large run held 4 MB more at
/// the peak than merging as it goes.
const LOAD_CHUNK: usize = 512;

/// Reads, decodes, parses and loads the candidates in one parallel pass: a
/// file's bytes and parse tree are dropped as soon as its contribution is
/// extracted, so that no more than a few files' bytes live at once. Candidate
/// `i` of `candidates` is file `first + i` of the run, whether or not it could
/// be read.
fn contribute_all(
    candidates: &[Candidate],
    first: usize,
    settings: &RuleSettings,
    opts: &LoadOptions,
) -> Vec<Result<(SourceFile, Contribution), Lost>> {
    par_map(candidates.iter().collect(), |i, candidate| {
        let bytes = match guard::catch("read", &candidate.display, || read::read_bytes(candidate)) {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => return Err(Lost::Unreadable(e.into())),
            Err(e) => return Err(Lost::Unreadable(e)),
        };
        let f = guard::catch("read", &candidate.display, || {
            read::from_bytes(
                candidate.display.clone(),
                &candidate.path,
                bytes,
                candidate.explicit,
            )
        })
        .map_err(Lost::Panicked)?;
        let id = FileId(u32::try_from(first + i).unwrap_or(u32::MAX));
        let parsed = Parsed {
            name: &f.source.name,
            text: f.source.text(),
            explicit: f.explicit,
        };
        let c = guard::catch("load", parsed.name, || {
            contribute(id, &parsed, f.tree, settings, opts)
        })
        .unwrap_or_else(|e| Contribution {
            run_errors: vec![e],
            ..Contribution::default()
        });
        let mut source = f.source;
        // Texts are read again only for snippets; a file with an `ecslint:`
        // comment keeps its text for `suppress` (which reads kept texts only).
        if !source.text().contains("ecslint:") {
            source.release_text_of_regular_file(&candidate.path);
        }
        Ok((source, c))
    })
}

/// Reads every candidate (in parallel) and gathers the world. `extra_policies`
/// are the `--policy` files, read like the others but used as role policies.
pub fn load(
    candidates: &[Candidate],
    extra_policies: &[PathBuf],
    settings: &RuleSettings,
    opts: &LoadOptions,
) -> World {
    let mut world = World::default();
    world
        .db
        .reserve_exact(candidates.len() + extra_policies.len());
    // Unreadable files first, then files whose reading panicked, each in input order.
    let mut panicked = Vec::new();
    for (n, chunk) in candidates.chunks(LOAD_CHUNK).enumerate() {
        let contributions = contribute_all(chunk, n * LOAD_CHUNK, settings, opts);
        world.files += contributions.iter().filter(|r| r.is_ok()).count();
        world.tasks.reserve(
            contributions
                .iter()
                .flatten()
                .map(|(_, c)| c.tasks.len())
                .sum(),
        );
        for (candidate, r) in chunk.iter().zip(contributions) {
            match r {
                Ok((source, c)) => {
                    let id = world.db.push(source);
                    merge(&mut world, id, c);
                }
                Err(lost) => {
                    // Keeps the numbering: candidate `i` is file `i`. Nothing points into it.
                    world
                        .db
                        .push(SourceFile::new(candidate.display.clone(), String::new()));
                    match lost {
                        Lost::Unreadable(e) => world.run_errors.push(e),
                        Lost::Panicked(e) => panicked.push(e),
                    }
                }
            }
        }
    }
    world.run_errors.append(&mut panicked);
    for path in extra_policies {
        let display = crate::input::walk::display_path(path);
        let candidate = Candidate {
            path: path.clone(),
            display: display.clone(),
            explicit: true,
        };
        match read::read(&candidate) {
            Err(e) => world.run_errors.push(e.into()),
            Ok(f) => {
                let tree = f.tree;
                let id = world.db.push(f.source);
                match tree {
                    Err(e) => world.run_errors.push(RunError {
                        path: Some(display),
                        message: format!(
                            "{} (line {})",
                            e.message,
                            world.db.line_col(id, e.span.start).line
                        ),
                    }),
                    Ok(root) if root.get("Statement").is_some() => {
                        world.policy_files.push(PolicySource {
                            name: display,
                            file: Some(id),
                            pointer: String::new(),
                            node: root,
                            opaque: None,
                            preloaded: None,
                        });
                    }
                    Ok(_) => world.run_errors.push(RunError {
                        path: Some(display),
                        message: "not an IAM policy document (no `Statement`)".to_string(),
                    }),
                }
            }
        }
    }
    world
}

fn merge(world: &mut World, id: FileId, c: Contribution) {
    world.tasks.extend(c.tasks);
    for role in c.iam.roles {
        let key = role_name_from_arn(&role.name).to_string();
        match world.roles.get_mut(&key) {
            Some(existing) => existing.merge(role),
            None => {
                world.roles.insert(key, role);
            }
        }
    }
    for ManagedPolicyInput { arn, source } in c.iam.managed {
        world.managed.insert(arn, source);
    }
    world.documents.extend(c.iam.documents);
    world.kms.extend(c.iam.kms);
    for (key, role) in c.scoped_roles {
        world.scoped_roles.insert((id, key), role);
    }
    world
        .opaque
        .extend(c.opaque.into_iter().map(|(s, p)| (id, s, p)));
    world
        .conditional
        .extend(c.conditional.into_iter().map(|(p, r)| (id, p, r)));
    world.ignores.extend(c.ignores);
    world.key_policies.extend(c.key_policies);
    world.diagnostics.extend(c.diagnostics);
    world.run_errors.extend(c.run_errors);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecs204_is_checked_while_loading_and_the_environment_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("td.json");
        std::fs::write(
            &path,
            r#"{"family": "app", "containerDefinitions": [{"name": "web", "image": "nginx",
               "environment": [{"name": "DB_PASSWORD", "value": "hunter2hunter2"},
                               {"name": "MODE", "value": "prod"}]}]}"#,
        )
        .unwrap();
        let candidates = [Candidate {
            path: path.clone(),
            display: "td.json".to_string(),
            explicit: true,
        }];
        let world = load(
            &candidates,
            &[],
            &RuleSettings::default(),
            &LoadOptions::default(),
        );
        assert_eq!(world.tasks.len(), 1);
        let containers = &world.tasks[0].task.containers;
        assert_eq!(containers.len(), 1);
        assert!(containers[0].environment.is_empty());
        let ecs204: Vec<&Diagnostic> = world
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::PlaintextSecret)
            .collect();
        assert_eq!(ecs204.len(), 1, "{:?}", world.diagnostics);
        assert!(ecs204[0].message.contains("DB_PASSWORD"));
        assert_eq!(ecs204[0].task_definition.as_deref(), Some("app"));
        assert_eq!(ecs204[0].container.as_deref(), Some("web"));
    }

    /// Files are read a chunk at a time: each keeps its number across the chunks,
    /// unreadable ones included, and run errors stay in input order.
    #[test]
    fn files_keep_their_numbers_across_load_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let n = LOAD_CHUNK * 2 + 3;
        let missing = [1, LOAD_CHUNK - 1, LOAD_CHUNK, 2 * LOAD_CHUNK + 1];
        let candidates: Vec<Candidate> = (0..n)
            .map(|i| {
                let path = dir.path().join(format!("td{i}.json"));
                if !missing.contains(&i) {
                    std::fs::write(
                        &path,
                        format!(r#"{{"family": "app{i}", "containerDefinitions": [{{"name": "web", "image": "nginx"}}]}}"#),
                    )
                    .unwrap();
                }
                Candidate {
                    path,
                    display: format!("td{i}.json"),
                    explicit: true,
                }
            })
            .collect();
        let world = load(
            &candidates,
            &[],
            &RuleSettings::default(),
            &LoadOptions::default(),
        );
        assert_eq!(world.files, n - missing.len());
        assert_eq!(world.db.len(), n);
        for (i, c) in candidates.iter().enumerate() {
            let id = FileId(u32::try_from(i).unwrap());
            assert_eq!(world.db.name(id), c.display);
        }
        assert_eq!(world.tasks.len(), n - missing.len());
        for t in &world.tasks {
            assert_eq!(t.name, format!("app{}", t.file.0), "{}", t.name);
        }
        let errors: Vec<&str> = world
            .run_errors
            .iter()
            .filter_map(|e| e.path.as_deref())
            .collect();
        let expected: Vec<String> = missing.iter().map(|i| format!("td{i}.json")).collect();
        assert_eq!(errors, expected);
    }
}
