//! `ecslint simulate`: evaluate identity policies (and a boundary) for one request (SPEC §2).
//!
//! Exit 0 allowed, 1 explicitly or implicitly denied, 2 usage error or an input that cannot be
//! read, parsed, or is not a policy document. Invalid statements are printed as `ECS002` on stderr
//! and grant nothing. A policy document given as a JSON string is parsed again; its locations are
//! then relative to the string's text.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

use super::args::{SimulateArgs, SimulateFormat};
use crate::diagnostic::{Decision, Reporter, RuleSettings};
use crate::iam::{Context, KeyState, LayerKind, Layers, Request, evaluate};
use crate::model::Sym;
use crate::model::policy::{Policy, is_policy_document, load_policy, policy_node_from_string};
use crate::parse::{Node, Value, json};
use crate::rules::Rule;
use crate::source::{FileId, SourceDb};

/// A usage or input failure: message for stderr, exit 2.
struct Fail(String);

struct Loaded {
    db: SourceDb,
    files: SimpleFiles<String, String>,
    policies: Vec<Policy>,
    boundary: Vec<Policy>,
}

fn read_policy(path: &Path, loaded: &mut Loaded, reporter: &mut Reporter) -> Result<Policy, Fail> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Fail(format!("cannot read {name}: {e}")))?;
    let (text, bad) = crate::source::decode(bytes);
    if let Some(at) = bad {
        return Err(Fail(format!("{name}: invalid UTF-8 at byte {at}")));
    }
    let mut id = add_file(loaded, &name, text.clone());
    let mut node = parse_or_fail(&loaded.db, id, &text)?;
    if let Value::String(inner) = &node.value {
        // A policy document given as a JSON string: parse the string itself.
        let inner = inner.to_string();
        id = add_file(loaded, &name, inner.clone());
        node = policy_node_from_string(&inner).map_err(|e| {
            let lc = loaded.db.line_col(id, e.span.start);
            Fail(format!(
                "{name}:{}:{}: error: {} [{}]",
                lc.line,
                lc.column,
                e.message,
                Rule::ParseError.code()
            ))
        })?;
    }
    if !is_policy_document(&node) {
        return Err(Fail(format!(
            "{name}: not an IAM policy document (an object with a `Statement`)"
        )));
    }
    Ok(load_policy(&node, Some(id), "", &name, Some(reporter)))
}

fn add_file(loaded: &mut Loaded, name: &str, text: String) -> FileId {
    loaded.files.add(name.to_string(), text.clone());
    loaded.db.add(name, text)
}

fn parse_or_fail(db: &SourceDb, id: FileId, text: &str) -> Result<Node, Fail> {
    json::parse(text).map_err(|e| {
        let lc = db.line_col(id, e.span.start);
        Fail(format!(
            "{}:{}:{}: error: {} [{}]",
            db.name(id),
            lc.line,
            lc.column,
            e.message,
            Rule::ParseError.code()
        ))
    })
}

/// Runs `ecslint simulate`.
pub fn run(
    args: &SimulateArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let mut pairs = Vec::new();
    for c in &args.context {
        match c.split_once('=') {
            Some((k, v)) if !k.is_empty() => pairs.push((k, v)),
            _ => {
                writeln!(
                    stderr,
                    "ecslint: error: --context expects KEY=VALUE, got `{c}`"
                )?;
                return Ok(ExitCode::from(2));
            }
        }
    }
    let settings = RuleSettings::default();
    let mut reporter = Reporter::new(&settings);
    let mut loaded = Loaded {
        db: SourceDb::new(),
        files: SimpleFiles::new(),
        policies: Vec::new(),
        boundary: Vec::new(),
    };
    let result = (|| -> Result<(), Fail> {
        for p in &args.policies {
            let policy = read_policy(p, &mut loaded, &mut reporter)?;
            loaded.policies.push(policy);
        }
        if let Some(b) = &args.boundary {
            let policy = read_policy(b, &mut loaded, &mut reporter)?;
            loaded.boundary.push(policy);
        }
        Ok(())
    })();
    if let Err(Fail(message)) = result {
        writeln!(stderr, "ecslint: error: {message}")?;
        return Ok(ExitCode::from(2));
    }
    for d in reporter.diagnostics() {
        let lc = loaded.db.line_col(d.primary.file, d.primary.span.start);
        writeln!(
            stderr,
            "{}:{}:{}: {}: {} [{}]",
            loaded.db.name(d.primary.file),
            lc.line,
            lc.column,
            d.severity,
            d.message,
            d.rule.code()
        )?;
    }

    let context = Context::from_pairs(pairs, KeyState::Absent);
    let resource = Sym::Known(args.resource.as_str().into());
    let identity: Vec<&Policy> = loaded.policies.iter().collect();
    let boundary: Vec<&Policy> = loaded.boundary.iter().collect();
    let layers = Layers {
        identity: &identity,
        boundary: args.boundary.as_ref().map(|_| boundary.as_slice()),
        ..Layers::default()
    };
    let request = Request {
        action: &args.action,
        resource: &resource,
        context: &context,
    };
    let evaluation = evaluate(&layers, &request);

    let statement_of = |layer: LayerKind, pi: usize, si: usize| {
        let policies = match layer {
            LayerKind::Boundary => &loaded.boundary,
            _ => &loaded.policies,
        };
        policies
            .get(pi)
            .and_then(|p| p.statements.get(si).map(|s| (p, s)))
    };

    match args.format {
        SimulateFormat::Json => {
            let matched: Vec<serde_json::Value> = evaluation
                .matched
                .iter()
                .filter_map(|m| statement_of(m.layer, m.policy, m.statement))
                .map(|(p, s)| {
                    serde_json::json!({
                        "file": p.name,
                        "pointer": s.pointer.as_string(),
                        "sid": s.sid.as_deref(),
                        "effect": s.effect.as_str(),
                    })
                })
                .collect();
            let out = serde_json::json!({
                "decision": evaluation.decision.as_str(),
                "matched": matched,
            });
            writeln!(stdout, "{}", serde_json::to_string_pretty(&out)?)?;
        }
        SimulateFormat::Human => {
            writeln!(stdout, "{}", evaluation.decision)?;
            let config = term::Config::default();
            for m in &evaluation.matched {
                let Some((p, s)) = statement_of(m.layer, m.policy, m.statement) else {
                    continue;
                };
                let Some(file) = p.source else { continue };
                let what = match m.layer {
                    LayerKind::Boundary => "permissions boundary",
                    _ => "identity policy",
                };
                let sid = s
                    .sid
                    .as_deref()
                    .map(|x| format!(" `{x}`"))
                    .unwrap_or_default();
                let message = format!("{} statement{sid} of the {what}", s.effect.as_str());
                let label = match evaluation.decision {
                    Decision::ExplicitlyDenied => "this statement denies the request",
                    _ => "this statement allows the request",
                };
                let diag = CsDiagnostic::note().with_message(message).with_labels(vec![
                    Label::primary(file.0 as usize, s.span.range()).with_message(label),
                ]);
                let text = term::emit_into_string(&config, &loaded.files, &diag)
                    .context("rendering a statement")?;
                write!(stdout, "{text}")?;
            }
        }
    }
    Ok(match evaluation.decision {
        Decision::Allowed => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    })
}
