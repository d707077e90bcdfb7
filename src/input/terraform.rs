//! Terraform plans and state (`terraform show -json`): task definitions, roles
//! and their policies from `planned_values` (each resource once), joined
//! through the `configuration` section when a value is unknown until apply.

use std::collections::BTreeMap;

use crate::diagnostic::Loc;
use crate::model::Sym;
use crate::model::role::{ManagedRef, PolicySource, RoleInput, policy_document};
use crate::parse::json::{decode_string_with_map, remap_spans};
use crate::parse::node::{child_pointer, index_pointer};
use crate::parse::{Node, Piece, Span, Value};
use crate::source::FileId;

use super::cloudformation::RoleLink;
use super::iam::KmsEntry;

/// A task definition resource of a plan.
#[derive(Debug, Clone)]
pub struct PlanTask {
    /// `module.app.aws_ecs_task_definition.this`
    pub address: String,
    /// Pointer of the resource's `values` object.
    pub pointer: String,
    /// The `values` object.
    pub values: Node,
    /// The parsed `container_definitions` array, its spans moved into the file.
    pub containers: Option<Node>,
    /// Pointer of the `container_definitions` string (every location inside it reports this pointer).
    pub containers_pointer: Option<String>,
    /// Span of the `container_definitions` string.
    pub containers_span: Option<Span>,
    /// The string did not parse: message and location, for an ECS002.
    pub containers_error: Option<(String, Loc)>,
    pub execution_role: RoleLink,
    pub task_role: RoleLink,
}

/// What a plan contributes.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub tasks: Vec<PlanTask>,
    /// Roles by key `tf:ADDRESS`.
    pub roles: BTreeMap<String, RoleInput>,
    pub kms: Vec<KmsEntry>,
    /// The provider's region, when the configuration names it.
    pub region: Option<String>,
    /// The account, from a `data.aws_caller_identity` in the plan's state.
    pub account: Option<String>,
    /// Key policies of `aws_kms_key` resources, by the key's ARN.
    pub key_policies: Vec<(Sym, PolicySource)>,
    /// Regions of the file whose inner locations all report one pointer (embedded JSON strings).
    pub opaque: Vec<(Span, String)>,
}

/// A resource found in `planned_values`.
struct Res<'a> {
    address: String,
    ty: &'a str,
    values: &'a Node,
    pointer: String,
}

/// Walks `root_module` and its `child_modules` (iteratively).
fn resources(module: &Node, pointer: String) -> Vec<Res<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![(module, pointer)];
    while let Some((m, p)) = stack.pop() {
        if let Some(list) = m.get("resources").and_then(Node::as_array) {
            let lp = child_pointer(&p, "resources");
            for (i, r) in list.iter().enumerate() {
                if r.get("mode").and_then(Node::as_str) == Some("data")
                    && !matches!(
                        r.get("type").and_then(Node::as_str),
                        Some("aws_iam_policy_document" | "aws_caller_identity")
                    )
                {
                    continue;
                }
                let (Some(address), Some(ty), Some(values)) = (
                    r.get("address").and_then(Node::as_str),
                    r.get("type").and_then(Node::as_str),
                    r.get("values"),
                ) else {
                    continue;
                };
                let address = if r.get("mode").and_then(Node::as_str) == Some("data")
                    && !address.contains("data.")
                {
                    format!("data.{address}")
                } else {
                    address.to_string()
                };
                out.push(Res {
                    address,
                    ty,
                    values,
                    pointer: child_pointer(&index_pointer(&lp, i), "values"),
                });
            }
        }
        if let Some(children) = m.get("child_modules").and_then(Node::as_array) {
            let cp = child_pointer(&p, "child_modules");
            for (i, c) in children.iter().enumerate().rev() {
                stack.push((c, index_pointer(&cp, i)));
            }
        }
    }
    out
}

/// The configuration module that `module.a.module.b.…` addresses (walking the
/// `module_calls`, leaving at least `keep` parts), the address prefix of that module
/// (`module.a.module.b.`, with any instance index as written) and how many parts it took.
fn module_scope<'a>(
    root: &'a Node,
    parts: &[&str],
    keep: usize,
) -> (Option<&'a Node>, String, usize) {
    let mut module = root.get("configuration").and_then(|c| c.get("root_module"));
    let mut prefix = String::new();
    let mut i = 0;
    while i + 2 + keep <= parts.len() && parts.get(i) == Some(&"module") {
        let Some(raw) = parts.get(i + 1) else { break };
        let name = raw.split('[').next().unwrap_or(raw);
        module = module
            .and_then(|m| m.get("module_calls"))
            .and_then(|c| c.get(name))
            .and_then(|c| c.get("module"));
        prefix.push_str("module.");
        prefix.push_str(raw);
        prefix.push('.');
        i += 2;
    }
    (module, prefix, i)
}

/// The `references` of an expression, each with the module prefix.
fn prefixed_references(expression: Option<&Node>, prefix: &str) -> Vec<String> {
    expression
        .and_then(|x| x.get("references"))
        .and_then(Node::as_array)
        .map(|refs| {
            refs.iter()
                .filter_map(Node::as_str)
                .map(|r| format!("{prefix}{r}"))
                .collect()
        })
        .unwrap_or_default()
}

/// References of a configuration expression, by resource address and attribute
/// (`module.app.aws_iam_role.exec` + `execution_role_arn` → `["aws_iam_role.x.arn", …]`).
fn config_references(root: &Node, address: &str, attribute: &str) -> Vec<String> {
    // Split `module.a.module.b.type.name` into module path and local address.
    let parts: Vec<&str> = address.split('.').collect();
    let (module, prefix, i) = module_scope(root, &parts, 2);
    let local = parts.get(i..).unwrap_or_default().join(".");
    let local = local.split('[').next().unwrap_or(&local).to_string();
    let Some(list) = module
        .and_then(|m| m.get("resources"))
        .and_then(Node::as_array)
    else {
        return Vec::new();
    };
    let expression = list
        .iter()
        .find(|r| r.get("address").and_then(Node::as_str) == Some(local.as_str()))
        .and_then(|r| r.get("expressions"))
        .and_then(|e| e.get(attribute));
    prefixed_references(expression, &prefix)
}

fn string_at<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str)
}

/// What a module output refers to: `module.iam.arn` → the references of output `arn`
/// in `module_calls.iam`, prefixed with the module's address (nested modules too).
fn module_output_references(root: &Node, reference: &str) -> Vec<String> {
    let parts: Vec<&str> = reference.split('.').collect();
    let (module, prefix, i) = module_scope(root, &parts, 1);
    // `module.a.out`: after the module path, one output name is left.
    if i == 0 || module.is_none() || parts.len() != i + 1 {
        return Vec::new();
    }
    let expression = module
        .and_then(|m| m.get("outputs"))
        .and_then(|o| o.get(parts[i]))
        .and_then(|o| o.get("expression"));
    prefixed_references(expression, &prefix)
}

/// Parses a JSON string embedded in the plan, with spans moved into the file.
fn embedded(src: &str, node: &Node) -> Result<Node, String> {
    let (text, map) =
        decode_string_with_map(src, node.span).ok_or("the string cannot be decoded")?;
    let mut doc = crate::parse::json::parse(&text).map_err(|e| e.message)?;
    remap_spans(&mut doc, &map);
    Ok(doc)
}

fn policy_from_string(
    src: &str,
    file: FileId,
    node: &Node,
    pointer: &str,
    name: &str,
    opaque: &mut Vec<(Span, String)>,
) -> Option<PolicySource> {
    let doc = match &node.value {
        Value::String(_) => embedded(src, node).ok()?,
        _ => policy_document(node).ok()?.0,
    };
    opaque.push((node.span, pointer.to_string()));
    Some(PolicySource {
        name: name.to_string(),
        file: Some(file),
        pointer: pointer.to_string(),
        node: doc,
        opaque: Some(node.span),
        preloaded: None,
    })
}

fn link(
    root: &Node,
    file: FileId,
    res: &Res<'_>,
    attribute: &str,
    role_keys: &BTreeMap<String, String>,
) -> RoleLink {
    let pointer = child_pointer(&res.pointer, attribute);
    match res.values.get(attribute) {
        Some(n) if n.is_null() => RoleLink::None,
        Some(n) => match n.as_str() {
            Some("") => RoleLink::None,
            Some(s) => {
                // A known ARN of a role in this plan links to it directly.
                if let Some(key) = role_keys.get(s) {
                    return RoleLink::Template(key.clone());
                }
                RoleLink::External(Sym::Known(s.into()), Loc::new(file, n.span, pointer))
            }
            None => RoleLink::Unknown(
                format!("a {}", n.kind_name()),
                Loc::new(file, n.span, pointer),
            ),
        },
        None => {
            // Unknown until apply: follow the configuration's references.
            let references = config_references(root, &res.address, attribute);
            let mut expanded = references.clone();
            for r in &references {
                expanded.extend(module_output_references(root, r));
            }
            for r in &expanded {
                let target = r
                    .strip_suffix(".arn")
                    .or_else(|| r.strip_suffix(".name"))
                    .unwrap_or(r);
                let key = format!("tf:{target}");
                if role_keys.values().any(|k| *k == key) {
                    return RoleLink::Template(key);
                }
            }
            if references.is_empty() {
                RoleLink::None
            } else {
                RoleLink::Unknown(
                    format!("a value known only after apply ({})", references.join(", ")),
                    Loc::new(file, res.values.span, res.pointer.clone()),
                )
            }
        }
    }
}

/// Reads a plan (or state) file.
pub fn plan(root: &Node, src: &str, file: FileId) -> Plan {
    let mut out = Plan {
        region: root
            .get("configuration")
            .and_then(|c| c.get("provider_config"))
            .and_then(|p| p.get("aws"))
            .and_then(|a| a.get("expressions"))
            .and_then(|e| e.get("region"))
            .and_then(|r| r.get("constant_value"))
            .and_then(Node::as_str)
            .map(str::to_string),
        ..Plan::default()
    };
    for state in [
        root.get("prior_state").and_then(|p| p.get("values")),
        root.get("values"),
    ]
    .into_iter()
    .flatten()
    {
        if let Some(m) = state.get("root_module") {
            for r in resources(m, String::new()) {
                if r.ty == "aws_caller_identity"
                    && let Some(a) = string_at(r.values, "account_id")
                {
                    out.account = Some(a.to_string());
                }
            }
        }
    }
    let (module, mp) = if let Some(m) = root
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    {
        (m, "/planned_values/root_module".to_string())
    } else if let Some(m) = root.get("values").and_then(|p| p.get("root_module")) {
        (m, "/values/root_module".to_string())
    } else {
        return out;
    };
    let all = resources(module, mp);
    // Customer-managed policies of the plan, by address and by ARN.
    let mut policies: BTreeMap<String, PolicySource> = BTreeMap::new();
    for r in all.iter().filter(|r| r.ty == "aws_iam_policy") {
        if let Some(doc) = r.values.get("policy") {
            let name = string_at(r.values, "name").unwrap_or(&r.address);
            if let Some(s) = policy_from_string(
                src,
                file,
                doc,
                &child_pointer(&r.pointer, "policy"),
                name,
                &mut out.opaque,
            ) {
                if let Some(arn) = string_at(r.values, "arn") {
                    policies.insert(arn.to_string(), s.clone());
                }
                policies.insert(r.address.clone(), s);
            }
        }
    }
    // Roles.
    let mut role_keys: BTreeMap<String, String> = BTreeMap::new(); // name or ARN -> key
    for r in all.iter().filter(|r| r.ty == "aws_iam_role") {
        let key = format!("tf:{}", r.address);
        let name = string_at(r.values, "name")
            .unwrap_or(&r.address)
            .to_string();
        role_keys.insert(name.clone(), key.clone());
        if let Some(arn) = string_at(r.values, "arn") {
            role_keys.insert(arn.to_string(), key.clone());
        }
        let mut role = RoleInput {
            name,
            arn: string_at(r.values, "arn").map(str::to_string),
            loc: Some(Loc::new(file, r.values.span, r.pointer.clone())),
            policies_listed: true,
            ..RoleInput::default()
        };
        if let Some(t) = r.values.get("assume_role_policy") {
            role.trust = policy_from_string(
                src,
                file,
                t,
                &child_pointer(&r.pointer, "assume_role_policy"),
                "trust policy",
                &mut out.opaque,
            )
            .map(Box::new);
        }
        if let Some(list) = r.values.get("inline_policy").and_then(Node::as_array) {
            for (i, p) in list.iter().enumerate() {
                let pp = child_pointer(
                    &index_pointer(&child_pointer(&r.pointer, "inline_policy"), i),
                    "policy",
                );
                if let Some(doc) = p.get("policy") {
                    let name = string_at(p, "name").unwrap_or("inline policy");
                    if let Some(s) = policy_from_string(src, file, doc, &pp, name, &mut out.opaque)
                    {
                        role.inline.push(s);
                    }
                }
            }
        }
        if let Some(list) = r.values.get("managed_policy_arns").and_then(Node::as_array) {
            for (i, a) in list.iter().enumerate() {
                if let Some(arn) = a.as_str() {
                    role.managed.push(ManagedRef {
                        arn: Sym::Known(arn.into()),
                        loc: Some(Loc::new(
                            file,
                            a.span,
                            index_pointer(&child_pointer(&r.pointer, "managed_policy_arns"), i),
                        )),
                    });
                }
            }
        }
        // A boundary that is a policy of this plan, by ARN or (unknown until apply) by reference.
        let boundary_in_plan = r
            .values
            .get("permissions_boundary")
            .and_then(Node::as_str)
            .and_then(|arn| policies.get(arn))
            .or_else(|| {
                config_references(root, &r.address, "permissions_boundary")
                    .iter()
                    .find_map(|x| policies.get(x.trim_end_matches(".arn")))
            });
        if let Some(src) = boundary_in_plan {
            role.boundary_source = Some(Box::new(src.clone()));
        } else if let Some(b) = r
            .values
            .get("permissions_boundary")
            .filter(|b| b.as_str().is_some_and(|s| !s.is_empty()))
        {
            role.boundary = Some(ManagedRef {
                arn: Sym::from_node(b).unwrap_or(Sym::from("")),
                loc: Some(Loc::new(
                    file,
                    b.span,
                    child_pointer(&r.pointer, "permissions_boundary"),
                )),
            });
        }
        out.roles.insert(key, role);
    }
    let role_key_for = |root: &Node, r: &Res<'_>, attr: &str| -> Option<String> {
        if let Some(name) = string_at(r.values, attr) {
            return role_keys
                .get(name)
                .cloned()
                .or_else(|| Some(format!("name:{name}")));
        }
        config_references(root, &r.address, attr)
            .iter()
            .map(|x| {
                x.trim_end_matches(".name")
                    .trim_end_matches(".id")
                    .to_string()
            })
            .map(|x| format!("tf:{x}"))
            .find(|k| role_keys.values().any(|v| v == k))
    };
    for r in &all {
        match r.ty {
            "aws_iam_role_policy" => {
                let Some(key) = role_key_for(root, r, "role") else {
                    continue;
                };
                if let Some(doc) = r.values.get("policy") {
                    let name = string_at(r.values, "name")
                        .unwrap_or(&r.address)
                        .to_string();
                    if let Some(s) = policy_from_string(
                        src,
                        file,
                        doc,
                        &child_pointer(&r.pointer, "policy"),
                        &name,
                        &mut out.opaque,
                    ) {
                        attach(&mut out.roles, &key, s);
                    }
                }
            }
            "aws_iam_role_policy_attachment" => {
                let Some(key) = role_key_for(root, r, "role") else {
                    continue;
                };
                let arn = string_at(r.values, "policy_arn").map(str::to_string);
                let by_ref = config_references(root, &r.address, "policy_arn")
                    .into_iter()
                    .map(|x| x.trim_end_matches(".arn").to_string())
                    .find(|a| policies.contains_key(a));
                if let Some(source) = arn
                    .as_ref()
                    .and_then(|a| policies.get(a))
                    .or_else(|| by_ref.as_ref().and_then(|a| policies.get(a)))
                {
                    attach(&mut out.roles, &key, source.clone());
                } else if let Some(arn) = arn {
                    let n = r.values.get("policy_arn");
                    let entry = out
                        .roles
                        .entry(key.clone())
                        .or_insert_with(|| external_role(&key));
                    entry.managed.push(ManagedRef {
                        arn: Sym::Known(arn.into()),
                        loc: n.map(|n| {
                            Loc::new(file, n.span, child_pointer(&r.pointer, "policy_arn"))
                        }),
                    });
                } else {
                    // Unknown policy: the role's grants cannot be decided.
                    let entry = out
                        .roles
                        .entry(key.clone())
                        .or_insert_with(|| external_role(&key));
                    entry.managed.push(ManagedRef {
                        arn: Sym::partial(vec![Piece::Hole(
                            format!("{}.policy_arn", r.address).into(),
                        )]),
                        loc: Some(Loc::new(file, r.values.span, r.pointer.clone())),
                    });
                }
            }
            "aws_iam_role_policy_attachments_exclusive" | "aws_iam_role_policies_exclusive" => {
                if let Some(key) = role_key_for(root, r, "role_name")
                    && let Some(role) = out.roles.get_mut(&key)
                {
                    role.policies_listed = true;
                }
            }
            "aws_secretsmanager_secret" | "aws_ssm_parameter" => {
                let (key_attr, id) = if r.ty == "aws_ssm_parameter" {
                    (
                        "key_id",
                        string_at(r.values, "arn").or_else(|| string_at(r.values, "name")),
                    )
                } else {
                    ("kms_key_id", string_at(r.values, "arn"))
                };
                let resource = id.map_or_else(
                    || Sym::partial(vec![Piece::Hole(format!("{}.arn", r.address).into())]),
                    |s| Sym::Known(s.into()),
                );
                if let Some(k) = r
                    .values
                    .get(key_attr)
                    .filter(|k| k.as_str().is_some_and(|s| !s.is_empty()))
                {
                    out.kms.push(KmsEntry {
                        resource,
                        key: Sym::from_node(k).unwrap_or(Sym::from("")),
                        loc: Some(Loc::new(file, k.span, child_pointer(&r.pointer, key_attr))),
                    });
                } else if let Some(key) = config_references(root, &r.address, key_attr)
                    .into_iter()
                    .find(|x| x.starts_with("aws_kms_key.") || x.contains(".aws_kms_key."))
                {
                    // Known only after apply: the key's ARN stays a labelled hole, the
                    // same one its key policy is filed under.
                    let key = key.trim_end_matches(".key_id").trim_end_matches(".arn");
                    out.kms.push(KmsEntry {
                        resource,
                        key: Sym::partial(vec![Piece::Hole(format!("{key}.arn").into())]),
                        loc: Some(Loc::new(file, r.values.span, r.pointer.clone())),
                    });
                }
            }
            "aws_kms_key" => {
                if let Some(doc) = r
                    .values
                    .get("policy")
                    .filter(|p| p.as_str().is_some_and(|s| !s.is_empty()))
                {
                    let arn = string_at(r.values, "arn").map_or_else(
                        || Sym::partial(vec![Piece::Hole(format!("{}.arn", r.address).into())]),
                        |a| Sym::Known(a.into()),
                    );
                    let name = format!("the key policy of {}", r.address);
                    if let Some(src) = policy_from_string(
                        src,
                        file,
                        doc,
                        &child_pointer(&r.pointer, "policy"),
                        &name,
                        &mut out.opaque,
                    ) {
                        out.key_policies.push((arn, src));
                    }
                }
            }
            _ => {}
        }
    }
    // Task definitions.
    for r in all.iter().filter(|r| r.ty == "aws_ecs_task_definition") {
        let mut task = PlanTask {
            address: r.address.clone(),
            pointer: r.pointer.clone(),
            values: r.values.clone(),
            containers: None,
            containers_pointer: None,
            containers_span: None,
            containers_error: None,
            execution_role: link(root, file, r, "execution_role_arn", &role_keys),
            task_role: link(root, file, r, "task_role_arn", &role_keys),
        };
        if let Some(cd) = r.values.get("container_definitions") {
            let cp = child_pointer(&r.pointer, "container_definitions");
            if cd.as_str().is_some() {
                match embedded(src, cd) {
                    Ok(doc) => {
                        task.containers = Some(doc);
                        out.opaque.push((cd.span, cp.clone()));
                    }
                    Err(message) => {
                        task.containers_error = Some((
                            format!("`container_definitions` is not valid JSON: {message}"),
                            Loc::new(file, cd.span, cp.clone()),
                        ));
                    }
                }
                task.containers_pointer = Some(cp);
                task.containers_span = Some(cd.span);
            }
        }
        out.tasks.push(task);
    }
    out
}

fn external_role(key: &str) -> RoleInput {
    RoleInput {
        name: key.split_once(':').map_or(key, |(_, n)| n).to_string(),
        policies_listed: false,
        ..RoleInput::default()
    }
}

fn attach(roles: &mut BTreeMap<String, RoleInput>, key: &str, source: PolicySource) {
    roles
        .entry(key.to_string())
        .or_insert_with(|| external_role(key))
        .inline
        .push(source);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::json::parse;

    const PLAN: &str = r#"{"format_version": "1.2",
      "planned_values": {"root_module": {"resources": [
        {"address": "aws_iam_role.exec", "mode": "managed", "type": "aws_iam_role", "name": "exec",
         "values": {"name": "exec", "assume_role_policy": "{\"Statement\":[]}", "inline_policy": [], "managed_policy_arns": ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]}},
        {"address": "aws_iam_policy.extra", "mode": "managed", "type": "aws_iam_policy", "name": "extra",
         "values": {"name": "extra", "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ssm:GetParameters\",\"Resource\":\"*\"}]}"}},
        {"address": "aws_iam_role_policy_attachment.a", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a",
         "values": {"role": "exec"}}
      ], "child_modules": [{"address": "module.app", "resources": [
        {"address": "module.app.aws_ecs_task_definition.this", "mode": "managed", "type": "aws_ecs_task_definition", "name": "this",
         "values": {"family": "app", "container_definitions": "[{\"name\":\"app\",\"image\":\"nginx\"}]"}}]}]}},
      "configuration": {"provider_config": {"aws": {"expressions": {"region": {"constant_value": "eu-west-1"}}}},
        "root_module": {"resources": [
          {"address": "aws_iam_role_policy_attachment.a", "expressions": {"policy_arn": {"references": ["aws_iam_policy.extra.arn", "aws_iam_policy.extra"]}}}],
        "module_calls": {"app": {"module": {"resources": [
          {"address": "aws_ecs_task_definition.this", "expressions": {"execution_role_arn": {"references": ["aws_iam_role.exec.arn", "aws_iam_role.exec"]}}}]}}}}}}"#;

    #[test]
    fn plan_tasks_roles_and_attachments() {
        let root = parse(PLAN).unwrap();
        let p = plan(&root, PLAN, FileId(0));
        assert_eq!(p.region.as_deref(), Some("eu-west-1"));
        assert_eq!(p.tasks.len(), 1);
        let t = &p.tasks[0];
        assert_eq!(t.address, "module.app.aws_ecs_task_definition.this");
        let containers = t.containers.as_ref().unwrap().as_array().unwrap();
        let image = containers[0].get("image").unwrap();
        assert_eq!(&PLAN[image.span.range()], r#"\"nginx\""#);
        // module.app's reference is relative to the module: not a role of the root module.
        assert!(
            matches!(t.execution_role, RoleLink::Unknown(..)),
            "{:?}",
            t.execution_role
        );
        let role = &p.roles["tf:aws_iam_role.exec"];
        assert!(role.trust.is_some());
        assert_eq!(role.managed.len(), 1);
        assert_eq!(
            role.inline.len(),
            1,
            "attachment by reference to aws_iam_policy.extra"
        );
    }
}
