//! The typed task definition: only the fields the execution role's needs and
//! ECS010 depend on, each carrying the [`Loc`] a finding points at.
//!
//! One loader reads three spellings (FACTS.md §8): the ECS API's camelCase
//! (`register-task-definition` input and the `taskDefinition` of `describe`
//! output), CloudFormation's PascalCase properties (map keys such as
//! `awslogs-group` unchanged), and Terraform's snake_case attributes, whose
//! `container_definitions` is a separate camelCase JSON array the front end
//! parses and hands to [`TaskDefinition::load_containers`]. Field names come
//! from an explicit table, not from mechanical capitalisation
//! (`FSxWindowsFileServerVolumeConfiguration`).
//!
//! Values of the wrong type are reported as ECS002 at the offending value and
//! left out; everything else is still loaded. `null` is the same as absent.
//! CloudFormation intrinsics the template resolver left in place (a YAML tag,
//! `{"Ref": …}`, `{"Fn::…": …}`) are unknown values, never errors.

use compact_str::CompactString;

use crate::diagnostic::{Loc, Reporter};
use crate::parse::{Node, Piece, Pointer, Value};
use crate::rules::Rule;
use crate::source::FileId;

use super::Sym;

/// Which spelling of field names the input uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// ECS API / CLI camelCase (`containerDefinitions`).
    Api,
    /// `AWS::ECS::TaskDefinition` properties (`ContainerDefinitions`).
    CloudFormation,
    /// `aws_ecs_task_definition` attributes (`execution_role_arn`, `volume` blocks).
    Terraform,
}

/// A scalar value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub value: Sym,
    pub loc: Loc,
}

impl Field {
    pub fn known(&self) -> Option<&str> {
        self.value.known()
    }
}

/// A map of string options (`logConfiguration.options`, `firelensConfiguration.options`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    /// Keys as written, in source order; values may have been YAML booleans or numbers.
    pub entries: Vec<(CompactString, Field)>,
}

impl Options {
    /// The value of `key`; with duplicate keys the last one.
    pub fn get(&self, key: &str) -> Option<&Field> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, f)| f)
    }
}

/// A `secrets` or `secretOptions` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretEntry {
    pub loc: Loc,
    pub name: Option<Field>,
    pub value_from: Option<Field>,
}

/// An `environment` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub loc: Loc,
    pub name: Option<Field>,
    pub value: Option<Field>,
}

/// An `environmentFiles` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvFile {
    pub loc: Loc,
    pub value: Option<Field>,
    /// `type` (only `s3` exists).
    pub kind: Option<Field>,
}

/// A container's `logConfiguration`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogConfiguration {
    pub loc: Loc,
    pub log_driver: Option<Field>,
    pub options: Options,
    /// Where `options` is, when present.
    pub options_loc: Option<Loc>,
    pub secret_options: Vec<SecretEntry>,
}

/// A container's `firelensConfiguration`.
#[derive(Debug, Clone, PartialEq)]
pub struct FirelensConfiguration {
    pub loc: Loc,
    /// `type` (`fluentd`, `fluentbit`).
    pub kind: Option<Field>,
    pub options: Options,
}

/// One container definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub loc: Loc,
    pub index: usize,
    pub name: Option<Field>,
    /// May be missing (filled in by CI).
    pub image: Option<Field>,
    /// `repositoryCredentials.credentialsParameter`. Boxed, like
    /// `firelens_configuration`: few containers have one, and a run holds every
    /// container of every task definition until they are checked.
    pub credentials_parameter: Option<Box<Field>>,
    pub secrets: Vec<SecretEntry>,
    pub environment: Vec<EnvVar>,
    pub environment_files: Vec<EnvFile>,
    pub log_configuration: Option<LogConfiguration>,
    pub firelens_configuration: Option<Box<FirelensConfiguration>>,
    pub credential_specs: Vec<Field>,
    pub docker_security_options: Vec<Field>,
}

impl Container {
    /// The container's name when known.
    pub fn name_str(&self) -> Option<&str> {
        self.name.as_ref().and_then(Field::known)
    }
}

/// `fsxWindowsFileServerVolumeConfiguration`.
#[derive(Debug, Clone, PartialEq)]
pub struct FsxVolume {
    pub loc: Loc,
    pub file_system_id: Option<Field>,
    /// `authorizationConfig.credentialsParameter`.
    pub credentials_parameter: Option<Field>,
}

/// A task-level volume.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub loc: Loc,
    pub name: Option<Field>,
    pub fsx: Option<FsxVolume>,
}

/// A task definition.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDefinition {
    /// The task definition object itself (ECS010 points here).
    pub loc: Loc,
    pub style: Style,
    pub family: Option<Field>,
    /// `taskDefinitionArn` (describe output) or Terraform's `arn`: the task's region and account.
    pub task_definition_arn: Option<Field>,
    pub execution_role_arn: Option<Field>,
    pub task_role_arn: Option<Field>,
    pub requires_compatibilities: Vec<Field>,
    /// Describe output only; what the definition is compatible with, not where it runs.
    pub compatibilities: Vec<Field>,
    pub network_mode: Option<Field>,
    pub cpu: Option<Field>,
    pub memory: Option<Field>,
    pub containers: Vec<Container>,
    pub volumes: Vec<Volume>,
}

impl TaskDefinition {
    /// Loads the task definition object `node` at `pointer` in `file`.
    ///
    /// In [`Style::Terraform`] `container_definitions` is not read: the front
    /// end parses that JSON string and fills `containers` with
    /// [`TaskDefinition::load_containers`].
    pub fn load(
        node: &Node,
        file: FileId,
        pointer: impl Into<Pointer>,
        style: Style,
        reporter: &mut Reporter<'_>,
    ) -> TaskDefinition {
        let mut ld = Loader {
            file,
            style,
            pin: None,
            reporter,
        };
        let pointer = pointer.into();
        let td = ld.task(node, &pointer);
        pointer.shrink_tree();
        td
    }

    /// Loads an array of camelCase container definitions (Terraform's
    /// `container_definitions`). With `pin`, every location (findings and
    /// ECS002 alike) is `pin`, e.g. the `container_definitions` string in a plan.
    pub fn load_containers(
        node: &Node,
        file: FileId,
        pointer: impl Into<Pointer>,
        pin: Option<&Loc>,
        reporter: &mut Reporter<'_>,
    ) -> Vec<Container> {
        let mut ld = Loader {
            file,
            style: Style::Api,
            pin,
            reporter,
        };
        let pointer = pointer.into();
        let containers = ld.container_array(node, &pointer, "containerDefinitions");
        pointer.shrink_tree();
        containers
    }

    /// Whether `requiresCompatibilities` lists `launch_type` (ASCII case ignored).
    pub fn requires(&self, launch_type: &str) -> bool {
        self.requires_compatibilities.iter().any(|f| {
            f.known()
                .is_some_and(|v| v.eq_ignore_ascii_case(launch_type))
        })
    }

    /// Whether the task can run on Fargate: `requiresCompatibilities` contains
    /// `FARGATE` (describe's `compatibilities` does not count, SPEC §3.3).
    pub fn can_run_on_fargate(&self) -> bool {
        self.requires("FARGATE")
    }

    /// Whether the agent always uses the execution role for ECR and awslogs:
    /// Fargate, Managed Instances or External (FACTS.md §4).
    pub fn always_uses_execution_role(&self) -> bool {
        self.requires("FARGATE") || self.requires("MANAGED_INSTANCES") || self.requires("EXTERNAL")
    }
}

#[derive(Clone, Copy)]
enum Key {
    Family,
    TaskDefinitionArn,
    ExecutionRoleArn,
    TaskRoleArn,
    RequiresCompatibilities,
    Compatibilities,
    NetworkMode,
    Cpu,
    Memory,
    ContainerDefinitions,
    Volumes,
    Name,
    Image,
    RepositoryCredentials,
    CredentialsParameter,
    Secrets,
    ValueFrom,
    Environment,
    Value,
    EnvironmentFiles,
    Type,
    LogConfiguration,
    LogDriver,
    Options,
    SecretOptions,
    FirelensConfiguration,
    CredentialSpecs,
    DockerSecurityOptions,
    FsxConfiguration,
    FileSystemId,
    AuthorizationConfig,
}

/// `(API, CloudFormation, Terraform)`; `""` when the spelling has no such field.
const fn names(key: Key) -> (&'static str, &'static str, &'static str) {
    match key {
        Key::Family => ("family", "Family", "family"),
        Key::TaskDefinitionArn => ("taskDefinitionArn", "", "arn"),
        Key::ExecutionRoleArn => ("executionRoleArn", "ExecutionRoleArn", "execution_role_arn"),
        Key::TaskRoleArn => ("taskRoleArn", "TaskRoleArn", "task_role_arn"),
        Key::RequiresCompatibilities => (
            "requiresCompatibilities",
            "RequiresCompatibilities",
            "requires_compatibilities",
        ),
        Key::Compatibilities => ("compatibilities", "", ""),
        Key::NetworkMode => ("networkMode", "NetworkMode", "network_mode"),
        Key::Cpu => ("cpu", "Cpu", "cpu"),
        Key::Memory => ("memory", "Memory", "memory"),
        Key::ContainerDefinitions => ("containerDefinitions", "ContainerDefinitions", ""),
        Key::Volumes => ("volumes", "Volumes", "volume"),
        Key::Name => ("name", "Name", "name"),
        Key::Image => ("image", "Image", "image"),
        Key::RepositoryCredentials => ("repositoryCredentials", "RepositoryCredentials", ""),
        Key::CredentialsParameter => (
            "credentialsParameter",
            "CredentialsParameter",
            "credentials_parameter",
        ),
        Key::Secrets => ("secrets", "Secrets", ""),
        Key::ValueFrom => ("valueFrom", "ValueFrom", ""),
        Key::Environment => ("environment", "Environment", ""),
        Key::Value => ("value", "Value", ""),
        Key::EnvironmentFiles => ("environmentFiles", "EnvironmentFiles", ""),
        Key::Type => ("type", "Type", ""),
        Key::LogConfiguration => ("logConfiguration", "LogConfiguration", ""),
        Key::LogDriver => ("logDriver", "LogDriver", ""),
        Key::Options => ("options", "Options", ""),
        Key::SecretOptions => ("secretOptions", "SecretOptions", ""),
        Key::FirelensConfiguration => ("firelensConfiguration", "FirelensConfiguration", ""),
        Key::CredentialSpecs => ("credentialSpecs", "CredentialSpecs", ""),
        Key::DockerSecurityOptions => ("dockerSecurityOptions", "DockerSecurityOptions", ""),
        Key::FsxConfiguration => (
            "fsxWindowsFileServerVolumeConfiguration",
            "FSxWindowsFileServerVolumeConfiguration",
            "fsx_windows_file_server_volume_configuration",
        ),
        Key::FileSystemId => ("fileSystemId", "FileSystemId", "file_system_id"),
        Key::AuthorizationConfig => (
            "authorizationConfig",
            "AuthorizationConfig",
            "authorization_config",
        ),
    }
}

/// Whether a node is a value only known after template resolution.
fn is_unresolved(node: &Node) -> bool {
    match &node.value {
        Value::Tagged(..) | Value::Partial(_) => true,
        Value::Object(members) => {
            members.len() == 1
                && members
                    .first()
                    .is_some_and(|m| &*m.key == "Ref" || m.key.starts_with("Fn::"))
        }
        _ => false,
    }
}

/// A hole naming an unresolved template value.
fn unresolved_sym(node: &Node) -> Sym {
    let name = match &node.value {
        Value::Tagged(tag, inner) => match inner.scalar_text() {
            Some(t) => format!("!{tag} {t}"),
            None => format!("!{tag}"),
        },
        Value::Object(members) => members
            .first()
            .map(|m| match m.value.scalar_text() {
                Some(t) => format!("{} {t}", m.key),
                None => m.key.to_string(),
            })
            .unwrap_or_default(),
        _ => String::from("unknown"),
    };
    Sym::partial(vec![Piece::Hole(name.into_boxed_str())])
}

/// What a scalar is, for the message when it is not one (written only then).
#[derive(Clone, Copy)]
enum What {
    /// A member: "`name`".
    Member(&'static str),
    /// An item of an array member: "each `name` entry".
    Each(&'static str),
}

impl std::fmt::Display for What {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Member(name) => write!(f, "`{name}`"),
            What::Each(name) => write!(f, "each `{name}` entry"),
        }
    }
}

struct Loader<'a, 'r, 's> {
    file: FileId,
    style: Style,
    pin: Option<&'a Loc>,
    reporter: &'r mut Reporter<'s>,
}

impl Loader<'_, '_, '_> {
    fn loc(&self, node: &Node, pointer: &Pointer) -> Loc {
        match self.pin {
            Some(l) => l.clone(),
            None => Loc::new(self.file, node.span, pointer.clone()),
        }
    }

    fn name(&self, key: Key) -> &'static str {
        let (api, cfn, tf) = names(key);
        match self.style {
            Style::Api => api,
            Style::CloudFormation => cfn,
            Style::Terraform => tf,
        }
    }

    fn invalid(&mut self, node: &Node, pointer: &Pointer, message: String) {
        let loc = self.loc(node, pointer);
        self.reporter.report(Rule::InvalidInput, loc, message);
    }

    /// The member for `key` (absent or `null` → `None`).
    fn child<'n>(&self, obj: &'n Node, pointer: &Pointer, key: Key) -> Option<(&'n Node, Pointer)> {
        let name = self.name(key);
        if name.is_empty() {
            return None;
        }
        let node = obj.get(name)?;
        if node.is_null() {
            return None;
        }
        Some((node, pointer.child(name)))
    }

    /// A string value; numbers are accepted when `numbers` is set.
    fn scalar(
        &mut self,
        node: &Node,
        pointer: &Pointer,
        what: What,
        numbers: bool,
    ) -> Option<Field> {
        let loc = self.loc(node, pointer);
        match &node.value {
            Value::String(_) | Value::Partial(_) => {
                Sym::from_node(node).map(|value| Field { value, loc })
            }
            Value::Number(_) if numbers || self.style == Style::CloudFormation => {
                Sym::from_node(node).map(|value| Field { value, loc })
            }
            Value::Bool(_) if self.style == Style::CloudFormation => {
                // CloudFormation turns YAML scalars into the strings its properties want.
                Sym::from_node(node).map(|value| Field { value, loc })
            }
            Value::Null => None,
            _ if is_unresolved(node) => Some(Field {
                value: unresolved_sym(node),
                loc,
            }),
            _ => {
                let kind = node.kind_name();
                self.invalid(
                    node,
                    pointer,
                    format!("{what} must be a string, not {kind}"),
                );
                None
            }
        }
    }

    fn string(&mut self, obj: &Node, pointer: &Pointer, key: Key) -> Option<Field> {
        let (node, ptr) = self.child(obj, pointer, key)?;
        let what = What::Member(self.name(key));
        self.scalar(node, &ptr, what, false)
    }

    fn number_or_string(&mut self, obj: &Node, pointer: &Pointer, key: Key) -> Option<Field> {
        let (node, ptr) = self.child(obj, pointer, key)?;
        let what = What::Member(self.name(key));
        self.scalar(node, &ptr, what, true)
    }

    /// The items of an array member, with their pointers.
    fn list<'n>(&mut self, obj: &'n Node, pointer: &Pointer, key: Key) -> Vec<(&'n Node, Pointer)> {
        let Some((node, ptr)) = self.child(obj, pointer, key) else {
            return Vec::new();
        };
        let name = self.name(key);
        self.items(node, &ptr, name)
    }

    fn items<'n>(
        &mut self,
        node: &'n Node,
        pointer: &Pointer,
        name: &str,
    ) -> Vec<(&'n Node, Pointer)> {
        match &node.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .filter(|(_, n)| !n.is_null())
                .map(|(i, n)| (n, pointer.index(i)))
                .collect(),
            _ if is_unresolved(node) => Vec::new(),
            _ => {
                let kind = node.kind_name();
                self.invalid(
                    node,
                    pointer,
                    format!("`{name}` must be an array, not {kind}"),
                );
                Vec::new()
            }
        }
    }

    /// An object member; a Terraform block (an array of one object) gives its first element.
    fn object<'n>(
        &mut self,
        obj: &'n Node,
        pointer: &Pointer,
        key: Key,
    ) -> Option<(&'n Node, Pointer)> {
        let (node, ptr) = self.child(obj, pointer, key)?;
        let name = self.name(key);
        self.as_object(node, &ptr, name)
    }

    fn as_object<'n>(
        &mut self,
        node: &'n Node,
        pointer: &Pointer,
        name: &str,
    ) -> Option<(&'n Node, Pointer)> {
        match &node.value {
            _ if is_unresolved(node) => None,
            Value::Object(_) => Some((node, pointer.clone())),
            Value::Array(items) if self.style == Style::Terraform => {
                let first = items.first()?;
                self.as_object(first, &pointer.index(0), name)
            }
            _ => {
                let kind = node.kind_name();
                self.invalid(
                    node,
                    pointer,
                    format!("`{name}` must be an object, not {kind}"),
                );
                None
            }
        }
    }

    /// An entry of an array that must be an object.
    fn entry<'n>(&mut self, node: &'n Node, pointer: &Pointer, list: &str) -> Option<&'n Node> {
        match &node.value {
            Value::Object(_) if !is_unresolved(node) => Some(node),
            _ if is_unresolved(node) => None,
            _ => {
                let kind = node.kind_name();
                self.invalid(
                    node,
                    pointer,
                    format!("each `{list}` entry must be an object, not {kind}"),
                );
                None
            }
        }
    }

    fn strings(&mut self, obj: &Node, pointer: &Pointer, key: Key) -> Vec<Field> {
        let name = self.name(key);
        let items = self.list(obj, pointer, key);
        items
            .into_iter()
            .filter_map(|(n, p)| self.scalar(n, &p, What::Each(name), false))
            .collect()
    }

    fn options(&mut self, obj: &Node, pointer: &Pointer) -> (Options, Option<Loc>) {
        let Some((node, ptr)) = self.object(obj, pointer, Key::Options) else {
            return (Options::default(), None);
        };
        let loc = self.loc(node, &ptr);
        let mut entries = Vec::new();
        for m in node.as_object().unwrap_or_default() {
            let p = ptr.child(&m.key);
            let v = &m.value;
            let field_loc = self.loc(v, &p);
            let value = match &v.value {
                Value::Null => continue,
                Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Partial(_) => {
                    Sym::from_node(v)
                }
                _ if is_unresolved(v) => Some(unresolved_sym(v)),
                _ => {
                    let kind = v.kind_name();
                    self.invalid(
                        v,
                        &p,
                        format!("the `{}` option must be a string, not {kind}", m.key),
                    );
                    None
                }
            };
            if let Some(value) = value {
                entries.push((
                    CompactString::from(&*m.key),
                    Field {
                        value,
                        loc: field_loc,
                    },
                ));
            }
        }
        (Options { entries }, Some(loc))
    }

    fn secret_entries(&mut self, obj: &Node, pointer: &Pointer, key: Key) -> Vec<SecretEntry> {
        let name = self.name(key);
        let mut out = Vec::new();
        for (n, p) in self.list(obj, pointer, key) {
            let Some(e) = self.entry(n, &p, name) else {
                continue;
            };
            out.push(SecretEntry {
                loc: self.loc(e, &p),
                name: self.string(e, &p, Key::Name),
                value_from: self.string(e, &p, Key::ValueFrom),
            });
        }
        out.shrink_to_fit();
        out
    }

    fn task(&mut self, node: &Node, pointer: &Pointer) -> TaskDefinition {
        let mut td = TaskDefinition {
            loc: self.loc(node, pointer),
            style: self.style,
            family: None,
            task_definition_arn: None,
            execution_role_arn: None,
            task_role_arn: None,
            requires_compatibilities: Vec::new(),
            compatibilities: Vec::new(),
            network_mode: None,
            cpu: None,
            memory: None,
            containers: Vec::new(),
            volumes: Vec::new(),
        };
        if !node.is_object() {
            let kind = node.kind_name();
            self.invalid(
                node,
                pointer,
                format!("a task definition must be an object, not {kind}"),
            );
            return td;
        }
        td.family = self.string(node, pointer, Key::Family);
        td.task_definition_arn = self.string(node, pointer, Key::TaskDefinitionArn);
        td.execution_role_arn = self.string(node, pointer, Key::ExecutionRoleArn);
        td.task_role_arn = self.string(node, pointer, Key::TaskRoleArn);
        td.requires_compatibilities = self.strings(node, pointer, Key::RequiresCompatibilities);
        td.compatibilities = self.strings(node, pointer, Key::Compatibilities);
        td.network_mode = self.string(node, pointer, Key::NetworkMode);
        td.cpu = self.number_or_string(node, pointer, Key::Cpu);
        td.memory = self.number_or_string(node, pointer, Key::Memory);
        if let Some((defs, ptr)) = self.child(node, pointer, Key::ContainerDefinitions) {
            let name = self.name(Key::ContainerDefinitions);
            td.containers = self.container_array(defs, &ptr, name);
        }
        for (n, p) in self.list(node, pointer, Key::Volumes) {
            let name = self.name(Key::Volumes);
            let Some(v) = self.entry(n, &p, name) else {
                continue;
            };
            let fsx = self.object(v, &p, Key::FsxConfiguration).map(|(f, fp)| {
                let credentials_parameter = self
                    .object(f, &fp, Key::AuthorizationConfig)
                    .and_then(|(a, ap)| self.string(a, &ap, Key::CredentialsParameter));
                FsxVolume {
                    loc: self.loc(f, &fp),
                    file_system_id: self.string(f, &fp, Key::FileSystemId),
                    credentials_parameter,
                }
            });
            td.volumes.push(Volume {
                loc: self.loc(v, &p),
                name: self.string(v, &p, Key::Name),
                fsx,
            });
        }
        td.volumes.shrink_to_fit();
        td
    }

    fn container_array(&mut self, node: &Node, pointer: &Pointer, name: &str) -> Vec<Container> {
        let mut out = Vec::new();
        for (index, (n, p)) in self.items(node, pointer, name).into_iter().enumerate() {
            if let Some(c) = self.entry(n, &p, name) {
                out.push(self.container(c, &p, index));
            }
        }
        out.shrink_to_fit();
        out
    }

    fn container(&mut self, node: &Node, p: &Pointer, index: usize) -> Container {
        let credentials_parameter = self
            .object(node, p, Key::RepositoryCredentials)
            .and_then(|(r, rp)| self.string(r, &rp, Key::CredentialsParameter))
            .map(Box::new);
        let secrets = self.secret_entries(node, p, Key::Secrets);
        let mut environment = Vec::new();
        for (n, ep) in self.list(node, p, Key::Environment) {
            if let Some(e) = self.entry(n, &ep, self.name(Key::Environment)) {
                environment.push(EnvVar {
                    loc: self.loc(e, &ep),
                    name: self.string(e, &ep, Key::Name),
                    value: self.number_or_string(e, &ep, Key::Value),
                });
            }
        }
        let mut environment_files = Vec::new();
        for (n, ep) in self.list(node, p, Key::EnvironmentFiles) {
            if let Some(e) = self.entry(n, &ep, self.name(Key::EnvironmentFiles)) {
                environment_files.push(EnvFile {
                    loc: self.loc(e, &ep),
                    value: self.string(e, &ep, Key::Value),
                    kind: self.string(e, &ep, Key::Type),
                });
            }
        }
        environment.shrink_to_fit();
        environment_files.shrink_to_fit();
        let log_configuration = self.object(node, p, Key::LogConfiguration).map(|(l, lp)| {
            let (options, options_loc) = self.options(l, &lp);
            LogConfiguration {
                loc: self.loc(l, &lp),
                log_driver: self.string(l, &lp, Key::LogDriver),
                options,
                options_loc,
                secret_options: self.secret_entries(l, &lp, Key::SecretOptions),
            }
        });
        let firelens_configuration =
            self.object(node, p, Key::FirelensConfiguration)
                .map(|(f, fp)| {
                    Box::new(FirelensConfiguration {
                        loc: self.loc(f, &fp),
                        kind: self.string(f, &fp, Key::Type),
                        options: self.options(f, &fp).0,
                    })
                });
        Container {
            loc: self.loc(node, p),
            index,
            name: self.string(node, p, Key::Name),
            image: self.string(node, p, Key::Image),
            credentials_parameter,
            secrets,
            environment,
            environment_files,
            log_configuration,
            firelens_configuration,
            credential_specs: self.strings(node, p, Key::CredentialSpecs),
            docker_security_options: self.strings(node, p, Key::DockerSecurityOptions),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, RuleSettings};
    use crate::parse::{Member, Span, json};

    fn load(node: &Node, pointer: &str, style: Style) -> (TaskDefinition, Vec<Diagnostic>) {
        let settings = RuleSettings::default();
        let mut r = Reporter::new(&settings);
        let td = TaskDefinition::load(node, FileId(3), pointer, style, &mut r);
        (td, r.into_diagnostics())
    }

    #[test]
    fn describe_shape_keeps_pointers_and_compatibilities_do_not_count() {
        let root = json::parse(
            r#"{"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-2:644160558196:task-definition/x:1",
              "compatibilities":["EC2","FARGATE"],"requiresCompatibilities":null,"secrets":null,
              "containerDefinitions":[{"name":"a","image":"nginx","environmentFiles":[],"secrets":null}]}}"#,
        )
        .unwrap();
        let node = root.get("taskDefinition").unwrap();
        let (td, d) = load(node, "/taskDefinition", Style::Api);
        assert!(d.is_empty());
        assert_eq!(td.loc.pointer, "/taskDefinition");
        assert_eq!(td.loc.file, FileId(3));
        assert_eq!(td.compatibilities.len(), 2);
        assert!(!td.can_run_on_fargate());
        assert_eq!(
            td.containers[0].loc.pointer,
            "/taskDefinition/containerDefinitions/0"
        );
        assert_eq!(
            td.containers[0].image.as_ref().unwrap().loc.pointer,
            "/taskDefinition/containerDefinitions/0/image"
        );
    }

    #[test]
    fn unresolved_intrinsics_are_unknown_not_invalid() {
        let s = |t: &str| Node::new(Value::String(t.into()), Span::new(0, 1));
        let member = |k: &str, v: Node| Member {
            key: k.into(),
            key_span: Span::new(0, 1),
            value: v,
        };
        let obj = |m: Vec<Member>| Node::new(Value::Object(m), Span::new(0, 1));
        let tagged =
            |t: &str, v: Node| Node::new(Value::Tagged(t.into(), Box::new(v)), Span::new(0, 1));
        let props = obj(vec![
            member("ExecutionRoleArn", tagged("GetAtt", s("Role.Arn"))),
            member(
                "ContainerDefinitions",
                Node::new(
                    Value::Array(vec![obj(vec![
                        member("Name", s("app")),
                        member("Secrets", obj(vec![member("Fn::If", s("x"))])),
                        member("Image", obj(vec![member("Ref", s("ImageParam"))])),
                    ])]),
                    Span::new(0, 1),
                ),
            ),
        ]);
        let (td, d) = load(&props, "/Resources/TD/Properties", Style::CloudFormation);
        assert!(d.is_empty(), "{d:?}");
        let role = td.execution_role_arn.unwrap();
        assert_eq!(role.value.holes(), vec!["!GetAtt Role.Arn"]);
        assert_eq!(
            role.loc.pointer,
            "/Resources/TD/Properties/ExecutionRoleArn"
        );
        let c = &td.containers[0];
        assert!(c.secrets.is_empty());
        assert_eq!(
            c.image.as_ref().unwrap().value.holes(),
            vec!["Ref ImageParam"]
        );
    }

    #[test]
    fn pinned_containers_point_at_the_pin() {
        let defs = json::parse(r#"[{"name":"a","secrets":"oops"}]"#).unwrap();
        let pin = Loc::new(
            FileId(0),
            Span::new(10, 20),
            "/planned_values/x/container_definitions",
        );
        let settings = RuleSettings::default();
        let mut r = Reporter::new(&settings);
        let cs = TaskDefinition::load_containers(&defs, FileId(9), "", Some(&pin), &mut r);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].name.as_ref().unwrap().loc, pin);
        let d = r.into_diagnostics();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].primary, pin);
        assert_eq!(
            d[0].message,
            "`containerDefinitions` must be an array, not a string"
                .replace("containerDefinitions", "secrets")
        );
    }
}
