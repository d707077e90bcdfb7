//! A deterministic, seeded generator of realistic inputs: task definitions with
//! their execution roles (a `get-role` and a `get-role-policy` file each),
//! CloudFormation templates (JSON and YAML) and Terraform plans.
//!
//! Shared by the benchmarks, the tests (`#[path]`) and the `gen-corpus` example.
//! Some roles miss a grant on purpose, so the corpus has findings too.
#![allow(dead_code, reason = "each user takes the parts it needs")]
#![allow(clippy::unused_self, reason = "methods read better at the call sites")]

use std::fmt::Write as _;
use std::path::Path;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

/// xorshift64*: tiny, deterministic, good enough to vary the inputs.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What one generated application uses.
#[derive(Debug, Clone)]
pub(crate) struct App {
    pub(crate) name: String,
    pub(crate) containers: Vec<Container>,
    /// Grants left out of the role's policy (indices into `needs()`).
    pub(crate) missing: Vec<usize>,
    pub(crate) fargate: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub(crate) name: String,
    pub(crate) repo: String,
    pub(crate) secrets: Vec<String>,
    pub(crate) params: Vec<String>,
    pub(crate) log_group: Option<String>,
}

impl App {
    pub(crate) fn new(i: usize, rng: &mut Rng) -> Self {
        let name = format!("app{i}");
        let n = 1 + rng.below(3) as usize;
        let containers = (0..n)
            .map(|c| Container {
                name: format!("c{c}"),
                repo: format!("team{}/svc{i}-{c}", rng.below(20)),
                secrets: (0..rng.below(4))
                    .map(|s| format!("prod/{name}/s{s}-{:06X}", rng.below(0xFF_FFFF)))
                    .collect(),
                params: (0..rng.below(4))
                    .map(|p| format!("/{name}/c{c}/p{p}"))
                    .collect(),
                log_group: rng.chance(80).then(|| format!("/ecs/{name}")),
            })
            .collect();
        let mut app = App {
            name,
            containers,
            missing: Vec::new(),
            fargate: rng.chance(70),
        };
        // Leave out the image pull of the first container (a unique grant) for some.
        if rng.chance(30) {
            app.missing.push(1);
        }
        app
    }

    fn image(&self, c: &Container) -> String {
        format!(
            "{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{}:1.{}",
            c.repo,
            self.name.len()
        )
    }

    fn role_name(&self) -> String {
        format!("{}-exec", self.name)
    }

    fn role_arn(&self) -> String {
        format!("arn:aws:iam::{ACCOUNT}:role/{}", self.role_name())
    }

    /// (actions, resource) pairs the role grants when nothing is missing.
    pub(crate) fn needs(&self) -> Vec<(Vec<&'static str>, String)> {
        let mut out = vec![(vec!["ecr:GetAuthorizationToken"], "*".to_string())];
        for c in &self.containers {
            out.push((
                vec!["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                format!("arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{}", c.repo),
            ));
            if let Some(g) = &c.log_group {
                out.push((
                    vec!["logs:CreateLogStream", "logs:PutLogEvents"],
                    format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{g}:*"),
                ));
            }
            for s in &c.secrets {
                out.push((vec!["secretsmanager:GetSecretValue"], self.secret_arn(s)));
            }
            for p in &c.params {
                out.push((vec!["ssm:GetParameters"], self.param_arn(p)));
            }
        }
        out
    }

    fn secret_arn(&self, s: &str) -> String {
        format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{s}")
    }

    fn param_arn(&self, p: &str) -> String {
        format!("arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{p}")
    }

    /// The identity policy document (JSON).
    pub(crate) fn policy_json(&self) -> String {
        let mut statements = Vec::new();
        for (k, (actions, resource)) in self.needs().into_iter().enumerate() {
            if self.missing.contains(&k) {
                continue;
            }
            let actions: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
            statements.push(format!(
                "{{\"Sid\": \"S{k}\", \"Effect\": \"Allow\", \"Action\": [{}], \"Resource\": \"{resource}\"}}",
                actions.join(", ")
            ));
        }
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [\n    {}\n  ]}}",
            statements.join(",\n    ")
        )
    }

    fn trust_json() -> &'static str {
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#
    }

    fn container_json(&self, c: &Container, indent: &str) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "{indent}{{\n{indent}  \"name\": \"{}\",\n{indent}  \"image\": \"{}\",\n{indent}  \"essential\": true,\n{indent}  \"portMappings\": [{{\"containerPort\": 8080, \"protocol\": \"tcp\"}}],\n{indent}  \"environment\": [{{\"name\": \"APP\", \"value\": \"{}\"}}, {{\"name\": \"PORT\", \"value\": \"8080\"}}]",
            c.name,
            self.image(c),
            self.name
        );
        if !c.secrets.is_empty() || !c.params.is_empty() {
            let items: Vec<String> = c
                .secrets
                .iter()
                .enumerate()
                .map(|(k, x)| {
                    format!(
                        "{{\"name\": \"SECRET_{k}\", \"valueFrom\": \"{}\"}}",
                        self.secret_arn(x)
                    )
                })
                .chain(c.params.iter().enumerate().map(|(k, p)| {
                    format!(
                        "{{\"name\": \"PARAM_{k}\", \"valueFrom\": \"{}\"}}",
                        self.param_arn(p)
                    )
                }))
                .collect();
            let _ = write!(
                s,
                ",\n{indent}  \"secrets\": [\n{indent}    {}\n{indent}  ]",
                items.join(&format!(",\n{indent}    "))
            );
        }
        if let Some(g) = &c.log_group {
            let _ = write!(
                s,
                ",\n{indent}  \"logConfiguration\": {{\"logDriver\": \"awslogs\", \"options\": {{\"awslogs-group\": \"{g}\", \"awslogs-region\": \"{REGION}\", \"awslogs-stream-prefix\": \"{}\"}}}}",
                c.name
            );
        }
        let _ = write!(s, "\n{indent}}}");
        s
    }

    fn containers_json(&self, indent: &str) -> String {
        let items: Vec<String> = self
            .containers
            .iter()
            .map(|c| self.container_json(c, indent))
            .collect();
        items.join(",\n")
    }

    /// `aws ecs describe-task-definition`-style JSON (the bare task definition).
    pub(crate) fn task_definition_json(&self) -> String {
        let compat = if self.fargate {
            "\"requiresCompatibilities\": [\"FARGATE\"],\n  \"networkMode\": \"awsvpc\",\n  \"cpu\": \"256\",\n  \"memory\": \"512\",\n  "
        } else {
            ""
        };
        format!(
            "{{\n  \"family\": \"{}\",\n  {compat}\"executionRoleArn\": \"{}\",\n  \"containerDefinitions\": [\n{}\n  ]\n}}\n",
            self.name,
            self.role_arn(),
            self.containers_json("    ")
        )
    }

    /// `aws iam get-role` output.
    pub(crate) fn role_json(&self) -> String {
        format!(
            "{{\"Role\": {{\"Path\": \"/\", \"RoleName\": \"{}\", \"RoleId\": \"AROA{:016}\", \"Arn\": \"{}\", \"CreateDate\": \"2024-01-01T00:00:00Z\", \"AssumeRolePolicyDocument\": {}}}}}\n",
            self.role_name(),
            self.name.len(),
            self.role_arn(),
            Self::trust_json()
        )
    }

    /// `aws iam get-role-policy` output.
    pub(crate) fn role_policy_json(&self) -> String {
        format!(
            "{{\"RoleName\": \"{}\", \"PolicyName\": \"exec\", \"PolicyDocument\": {}}}\n",
            self.role_name(),
            self.policy_json()
        )
    }

    /// A CloudFormation template (JSON) with the task definition and its role.
    pub(crate) fn cloudformation_json(&self) -> String {
        let compat = if self.fargate {
            "\"RequiresCompatibilities\": [\"FARGATE\"], \"NetworkMode\": \"awsvpc\", \"Cpu\": \"256\", \"Memory\": \"512\",\n        "
        } else {
            ""
        };
        format!(
            "{{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {{\n    \"ExecRole\": {{\n      \"Type\": \"AWS::IAM::Role\",\n      \"Properties\": {{\n        \"AssumeRolePolicyDocument\": {},\n        \"Policies\": [{{\"PolicyName\": \"exec\", \"PolicyDocument\": {}}}]\n      }}\n    }},\n    \"TaskDef\": {{\n      \"Type\": \"AWS::ECS::TaskDefinition\",\n      \"Properties\": {{\n        \"Family\": \"{}\",\n        {compat}\"ExecutionRoleArn\": {{\"Fn::GetAtt\": [\"ExecRole\", \"Arn\"]}},\n        \"ContainerDefinitions\": [\n{}\n        ]\n      }}\n    }}\n  }}\n}}\n",
            Self::trust_json(),
            self.policy_json(),
            self.name,
            self.cfn_containers("          ")
        )
    }

    /// CloudFormation spells container properties in PascalCase.
    fn cfn_containers(&self, indent: &str) -> String {
        let json = self.containers_json(indent);
        let mut out = json;
        for (from, to) in [
            ("\"name\":", "\"Name\":"),
            ("\"image\":", "\"Image\":"),
            ("\"essential\":", "\"Essential\":"),
            ("\"portMappings\":", "\"PortMappings\":"),
            ("\"containerPort\":", "\"ContainerPort\":"),
            ("\"protocol\":", "\"Protocol\":"),
            ("\"environment\":", "\"Environment\":"),
            ("\"value\":", "\"Value\":"),
            ("\"secrets\":", "\"Secrets\":"),
            ("\"valueFrom\":", "\"ValueFrom\":"),
            ("\"logConfiguration\":", "\"LogConfiguration\":"),
            ("\"logDriver\":", "\"LogDriver\":"),
            ("\"options\":", "\"Options\":"),
        ] {
            out = out.replace(from, to);
        }
        out
    }

    /// The same template in YAML with short-form intrinsics.
    pub(crate) fn cloudformation_yaml(&self) -> String {
        let mut s = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
        s.push_str("  ExecRole:\n    Type: AWS::IAM::Role\n    Properties:\n");
        s.push_str("      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {Service: ecs-tasks.amazonaws.com}\n            Action: sts:AssumeRole\n");
        s.push_str("      Policies:\n        - PolicyName: exec\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n");
        for (k, (actions, resource)) in self.needs().into_iter().enumerate() {
            if self.missing.contains(&k) {
                continue;
            }
            let _ = write!(
                s,
                "              - Effect: Allow\n                Action: [{}]\n                Resource: '{resource}'\n",
                actions.join(", ")
            );
        }
        let _ = write!(
            s,
            "  TaskDef:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: {}\n      ExecutionRoleArn: !GetAtt ExecRole.Arn\n",
            self.name
        );
        if self.fargate {
            s.push_str("      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n");
        }
        s.push_str("      ContainerDefinitions:\n");
        for c in &self.containers {
            let _ = write!(
                s,
                "        - Name: {}\n          Image: !Sub '${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.amazonaws.com/{}:1'\n          Essential: true\n",
                c.name, c.repo
            );
            if !c.secrets.is_empty() || !c.params.is_empty() {
                s.push_str("          Secrets:\n");
                for (k, x) in c.secrets.iter().enumerate() {
                    let _ = write!(
                        s,
                        "            - Name: SECRET_{k}\n              ValueFrom: {}\n",
                        self.secret_arn(x)
                    );
                }
                for (k, p) in c.params.iter().enumerate() {
                    let _ = write!(
                        s,
                        "            - Name: PARAM_{k}\n              ValueFrom: {}\n",
                        self.param_arn(p)
                    );
                }
            }
            if let Some(g) = &c.log_group {
                let _ = write!(
                    s,
                    "          LogConfiguration:\n            LogDriver: awslogs\n            Options:\n              awslogs-group: {g}\n              awslogs-region: !Ref AWS::Region\n              awslogs-stream-prefix: {}\n",
                    c.name
                );
            }
        }
        s
    }

    /// A `terraform show -json` plan with the task definition and its role.
    pub(crate) fn terraform_plan(&self) -> String {
        let containers = format!("[\n{}\n]", self.containers_json(""));
        let containers = json_string(&containers);
        let policy = json_string(&self.policy_json());
        let trust = json_string(Self::trust_json());
        let compat = if self.fargate {
            "\"requires_compatibilities\": [\"FARGATE\"], \"network_mode\": \"awsvpc\", \"cpu\": \"256\", \"memory\": \"512\", "
        } else {
            ""
        };
        format!(
            "{{\"format_version\": \"1.2\", \"terraform_version\": \"1.9.0\",\n \"planned_values\": {{\"root_module\": {{\"resources\": [\n  {{\"address\": \"aws_iam_role.exec\", \"mode\": \"managed\", \"type\": \"aws_iam_role\", \"name\": \"exec\", \"values\": {{\"name\": \"{}\", \"arn\": \"{}\", \"assume_role_policy\": {trust}, \"inline_policy\": [{{\"name\": \"exec\", \"policy\": {policy}}}]}}}},\n  {{\"address\": \"aws_ecs_task_definition.app\", \"mode\": \"managed\", \"type\": \"aws_ecs_task_definition\", \"name\": \"app\", \"values\": {{\"family\": \"{}\", {compat}\"execution_role_arn\": \"{}\", \"container_definitions\": {containers}}}}}\n ]}}}},\n \"configuration\": {{\"provider_config\": {{\"aws\": {{\"name\": \"aws\", \"expressions\": {{\"region\": {{\"constant_value\": \"{REGION}\"}}}}}}}}}}\n}}\n",
            self.role_name(),
            self.role_arn(),
            self.name,
            self.role_arn()
        )
    }
}

/// A JSON string literal.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `k`-th file of a corpus: (relative path, contents). Files cycle through
/// task definition, role, role policy, CloudFormation (JSON, then YAML) and
/// Terraform plan, 5 files per application; apps are seeded by `seed` and their
/// index, so any prefix of a corpus is the same whatever its size.
pub(crate) fn file(seed: u64, k: usize) -> (String, String) {
    let app_index = k / 5;
    let mut rng = Rng::new(seed ^ (app_index as u64).wrapping_mul(0x1000_0000_01B3));
    let app = App::new(app_index, &mut rng);
    let dir = format!("d{:03}", app_index / 100);
    match k % 5 {
        0 => (
            format!("{dir}/{}-taskdef.json", app.name),
            app.task_definition_json(),
        ),
        1 => (format!("{dir}/{}-role.json", app.name), app.role_json()),
        2 => (
            format!("{dir}/{}-role-policy.json", app.name),
            app.role_policy_json(),
        ),
        3 if app_index.is_multiple_of(2) => (
            format!("{dir}/{}-stack.json", app.name),
            app.cloudformation_json(),
        ),
        3 => (
            format!("{dir}/{}-stack.yaml", app.name),
            app.cloudformation_yaml(),
        ),
        _ => (
            format!("{dir}/{}-plan.json", app.name),
            app.terraform_plan(),
        ),
    }
}

/// Writes `n` files of the corpus under `dir`.
pub(crate) fn write(dir: &Path, seed: u64, n: usize) -> std::io::Result<()> {
    for k in 0..n {
        let (rel, text) = file(seed, k);
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// `n` CloudFormation templates (alternating JSON and YAML) in memory.
pub(crate) fn templates(seed: u64, n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| file(seed, i * 5 + 3)).collect()
}
