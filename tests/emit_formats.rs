//! Every output format over one "kitchen-sink" report: snapshots plus the
//! invariants each format promises (SPEC §3.5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecslint::diagnostic::{
    Decision, Diagnostic, Loc, Missing, Related, Report, RunError, Severity,
};
use ecslint::emit::{EmitOptions, Format, emit, fingerprint};
use ecslint::parse::Span;
use ecslint::rules::Rule;
use ecslint::source::SourceDb;

const TASK: &str = r#"{
  "family": "web",
  "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "containerDefinitions": [
    {
      "name": "äpp — ünïcode", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
      "environment": [{"name": "API_TOKEN", "value": "hunter2"}]
    }
  ]
}
"#;

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImag"],
      "Resource": "*",
      "Condition": {
        "StringEquals": {"aws:SourceVpc": "vpc-1"}
      }
    }
  ]
}
"#;

const TASK_NAME: &str = "tasks/web.json";
const POLICY_NAME: &str = "policies/exec, role.json";

/// The span of the `nth` occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str, nth: usize) -> Span {
    let (start, _) = text.match_indices(needle).nth(nth).expect(needle);
    Span::from_usize(start, start + needle.len())
}

fn diagnostic(rule: Rule, severity: Severity, primary: Loc, message: &str) -> Diagnostic {
    Diagnostic::new(rule, severity, primary, message)
}

/// Builds the report with the task definition preceded by `shift` blank lines.
fn kitchen_sink_shifted(shift: usize) -> (Report, SourceDb) {
    let mut db = SourceDb::new();
    let task_text = format!("{}{TASK}", "\n".repeat(shift));
    let task = db.add(TASK_NAME, task_text.clone());
    let policy = db.add(POLICY_NAME, POLICY);
    let condition_start = POLICY.find("{\n        \"StringEquals\"").unwrap();
    let condition_end = POLICY.find("}\n    }\n  ]").unwrap() + 1;
    let condition = Span::from_usize(condition_start, condition_end);
    let image = Loc::new(
        task,
        span_of(
            &task_text,
            "\"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\"",
            0,
        ),
        "/containerDefinitions/0/image",
    );

    let mut ecr = diagnostic(
        Rule::EcrPull,
        Severity::Error,
        image.clone(),
        "the execution role cannot pull image `123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1`",
    );
    ecr.task_definition = Some("web:3".into());
    ecr.container = Some("äpp — ünïcode".into());
    ecr.role = Some("arn:aws:iam::123456789012:role/exec".into());
    ecr.logical = Some("aws_ecs_task_definition.web".into());
    ecr.missing = vec![
        Missing {
            action: "ecr:BatchGetImage".into(),
            resource: "arn:aws:ecr:us-east-1:123456789012:repository/app".into(),
            decision: Decision::ImplicitlyDenied,
        },
        Missing {
            action: "ecr:GetDownloadUrlForLayer".into(),
            resource: "arn:aws:ecr:us-east-1:123456789012:repository/app".into(),
            decision: Decision::ExplicitlyDenied,
        },
    ];
    ecr.related.push(Related {
        loc: Some(Loc::new(
            policy,
            span_of(POLICY, "\"Effect\": \"Allow\"", 0),
            "/Statement/0",
        )),
        message: "this statement grants only `ecr:GetAuthorizationToken`".into(),
    });
    ecr.related.push(Related {
        loc: None,
        message: "the AWS managed policy `AmazonECSTaskExecutionRolePolicy` is not attached".into(),
    });
    ecr.help = Some("add this statement to the execution role's policy:".into());
    ecr.with_fix(serde_json::json!({
        "Effect": "Allow",
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/app"
    }));

    let plaintext = diagnostic(
        Rule::PlaintextSecret,
        Severity::Warning,
        Loc::new(
            task,
            span_of(&task_text, "\"hunter2\"", 0),
            "/containerDefinitions/0/environment/0/value",
        ),
        "environment variable `API_TOKEN` holds a literal value: 100% plain, not a reference",
    );

    let mut vpc = diagnostic(
        Rule::EcrAuthVpcCondition,
        Severity::Error,
        Loc::new(policy, condition, "/Statement/0/Condition"),
        "`ecr:GetAuthorizationToken` is allowed only under `aws:SourceVpc`, which never holds for that call",
    );
    vpc.related.push(Related {
        loc: Some(image.clone()),
        message: "the image that needs the token".into(),
    });
    vpc.missing = vec![Missing {
        action: "ecr:GetAuthorizationToken".into(),
        resource: "*".into(),
        decision: Decision::Conditional,
    }];

    let unknown = diagnostic(
        Rule::UnknownAction,
        Severity::Warning,
        Loc::new(
            policy,
            span_of(POLICY, "\"ecr:BatchGetImag\"", 0),
            "/Statement/0/Action/1",
        ),
        "unknown action \"ecr:BatchGetImag\" <did you mean ecr:BatchGetImage & co?>",
    );

    let unused = diagnostic(
        Rule::UnusedGrant,
        Severity::Info,
        Loc::new(
            policy,
            span_of(POLICY, "\"ecr:GetAuthorizationToken\"", 0),
            "/Statement/0/Action/0",
        ),
        "`ecr:GetAuthorizationToken` is granted but no task definition needs it under this condition",
    );

    let mut report = Report {
        diagnostics: vec![vpc, unused, unknown, plaintext, ecr],
        files: 3,
        task_definitions: 1,
        run_errors: vec![RunError {
            path: Some("missing.json".into()),
            message: "no such file or directory".into(),
        }],
    };
    report.sort(&db);
    (report, db)
}

fn kitchen_sink() -> (Report, SourceDb) {
    kitchen_sink_shifted(0)
}

fn opts() -> EmitOptions {
    EmitOptions {
        color: false,
        quiet: false,
        statistics: false,
        tool_version: "0.0.0-test",
    }
}

fn render_with(format: Format, report: &Report, db: &SourceDb, opts: &EmitOptions) -> String {
    let mut out = Vec::new();
    emit(format, report, db, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn render(format: Format) -> String {
    let (report, db) = kitchen_sink();
    render_with(format, &report, &db, &opts())
}

// ---------------------------------------------------------------- snapshots

#[test]
fn human_snapshot() {
    insta::assert_snapshot!("human", render(Format::Human));
}

#[test]
fn human_quiet_statistics_snapshot() {
    let (report, db) = kitchen_sink();
    let o = EmitOptions {
        quiet: true,
        statistics: true,
        ..opts()
    };
    insta::assert_snapshot!(
        "human_statistics",
        render_with(Format::Human, &report, &db, &o)
    );
}

#[test]
fn gcc_snapshot() {
    insta::assert_snapshot!("gcc", render(Format::Gcc));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", render(Format::Json));
}

#[test]
fn sarif_snapshot() {
    // The rule descriptors embed the rule docs, which change on their own;
    // they are checked by `sarif_has_one_descriptor_per_rule`.
    let mut log: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).unwrap();
    let rules = &mut log["runs"][0]["tool"]["driver"]["rules"];
    let ids: Vec<serde_json::Value> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    *rules = serde_json::Value::Array(ids);
    insta::assert_snapshot!("sarif", serde_json::to_string_pretty(&log).unwrap());
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", render(Format::Github));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", render(Format::Junit));
}

#[test]
fn checkstyle_snapshot() {
    insta::assert_snapshot!("checkstyle", render(Format::Checkstyle));
}

// ---------------------------------------------------------------- human

#[test]
fn human_has_labels_notes_help_and_summary() {
    let out = render(Format::Human);
    assert!(out.contains("error[ECS101]: the execution role cannot pull image"));
    assert!(out.contains("= help: add this statement to the execution role's policy:"));
    assert!(out.contains("\"ecr:GetDownloadUrlForLayer\""));
    assert!(out.contains(
        "ecr:BatchGetImage → arn:aws:ecr:us-east-1:123456789012:repository/app (implicitly-denied)"
    ));
    assert!(out.contains(
        "= note: the AWS managed policy `AmazonECSTaskExecutionRolePolicy` is not attached"
    ));
    assert!(out.contains("= note: run `ecslint explain ECS101`"));
    // The primary label is at the character column, after "äpp — ünïcode".
    assert!(out.contains("┌─ tasks/web.json:7:41"), "{out}");
    assert!(out.contains("error: missing.json: no such file or directory\n"));
    assert!(out.ends_with(
        "Found 2 errors, 2 warnings, 1 info in 2 files (3 files, 1 task definition checked); the run failed with 1 error.\n"
    ));
    assert!(!out.contains('\u{1b}'));
}

#[test]
fn human_colour_uses_ansi_escapes_and_same_text() {
    let (report, db) = kitchen_sink();
    let colored = render_with(
        Format::Human,
        &report,
        &db,
        &EmitOptions {
            color: true,
            ..opts()
        },
    );
    assert!(colored.contains("\u{1b}["));
    let stripped = strip_ansi(&colored);
    assert_eq!(stripped, render(Format::Human));
}

fn strip_ansi(s: &str) -> String {
    let re = regex::Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
    re.replace_all(s, "").into_owned()
}

#[test]
fn human_quiet_drops_the_summary_and_clean_runs_pass() {
    let (report, db) = kitchen_sink();
    let quiet = render_with(
        Format::Human,
        &report,
        &db,
        &EmitOptions {
            quiet: true,
            ..opts()
        },
    );
    assert!(!quiet.contains("Found "));
    let clean = Report {
        files: 2,
        task_definitions: 2,
        ..Report::default()
    };
    assert_eq!(
        render_with(Format::Human, &clean, &db, &opts()),
        "All checks passed (2 files, 2 task definitions checked).\n"
    );
}

#[test]
fn human_statistics_counts_per_rule() {
    let (report, db) = kitchen_sink();
    let o = EmitOptions {
        statistics: true,
        quiet: true,
        ..opts()
    };
    let out = render_with(Format::Human, &report, &db, &o);
    let rows: Vec<&str> = out.lines().filter(|l| l.contains('\t')).collect();
    assert_eq!(rows.len(), 5);
    assert!(rows.contains(&"1\tECS101\tecr-pull"));
}

// ---------------------------------------------------------------- gcc

#[test]
fn gcc_lines_match_the_problem_matcher() {
    let re = regex::Regex::new(r"^(.+):(\d+):(\d+): (error|warning|note): (.+) \[(ECS\d{3})\]$")
        .unwrap();
    let out = render(Format::Gcc);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    for line in &lines {
        assert!(re.is_match(line), "{line}");
    }
    assert!(lines.contains(&"tasks/web.json:7:41: error: the execution role cannot pull image `123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1` [ECS101]"));
    assert!(
        out.lines()
            .any(|l| l.contains(": note: ") && l.ends_with("[ECS203]"))
    );
}

#[test]
fn gcc_messages_stay_on_one_line() {
    let mut db = SourceDb::new();
    let f = db.add("a.json", "{}");
    let report = Report {
        diagnostics: vec![diagnostic(
            Rule::InvalidInput,
            Severity::Error,
            Loc::new(f, Span::new(0, 2), ""),
            "two\nlines",
        )],
        ..Report::default()
    };
    assert_eq!(
        render_with(Format::Gcc, &report, &db, &opts()),
        "a.json:1:1: error: two lines [ECS002]\n"
    );
}

// ---------------------------------------------------------------- json

fn keys(v: &serde_json::Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn json_has_exactly_the_spec_keys_and_round_trips() {
    let out = render(Format::Json);
    assert!(out.ends_with("}\n"));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        serde_json::to_string_pretty(&v).unwrap() + "\n",
        out,
        "the output is serde_json's own pretty form"
    );
    assert_eq!(keys(&v), ["version", "tool", "summary", "diagnostics"]);
    assert_eq!(v["version"], 1);
    assert_eq!(keys(&v["tool"]), ["name", "version"]);
    assert_eq!(v["tool"]["name"], "ecslint");
    assert_eq!(
        keys(&v["summary"]),
        ["files", "task_definitions", "error", "warning", "info"]
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 3, "task_definitions": 1, "error": 2, "warning": 2, "info": 1})
    );
    let diagnostics = v["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 5);
    for d in diagnostics {
        assert_eq!(
            keys(d),
            [
                "code",
                "name",
                "severity",
                "message",
                "file",
                "pointer",
                "start",
                "end",
                "task_definition",
                "container",
                "role",
                "missing",
                "related",
                "fix"
            ]
        );
        assert_eq!(keys(&d["start"]), ["line", "column", "offset"]);
        assert_eq!(keys(&d["end"]), ["line", "column", "offset"]);
        for m in d["missing"].as_array().unwrap() {
            assert_eq!(keys(m), ["action", "resource", "decision"]);
        }
        for r in d["related"].as_array().unwrap() {
            assert_eq!(keys(r), ["file", "pointer", "start", "end", "message"]);
        }
        assert!(d["fix"].is_null() || keys(&d["fix"]) == ["statement"]);
    }
    // Sorted by file, line, column, code.
    let order: Vec<(&str, u64, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);
}

#[test]
fn json_columns_count_characters_and_offsets_bytes() {
    let v: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
    let ecr = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "ECS101")
        .unwrap();
    let offset = TASK.find("\"123456789012.dkr").unwrap();
    assert_eq!(ecr["start"]["offset"], offset);
    assert_eq!(ecr["start"]["line"], 7);
    assert_eq!(ecr["start"]["column"], 41);
    let byte_column = offset - TASK[..offset].rfind('\n').unwrap();
    assert_eq!(
        byte_column, 46,
        "the byte column differs from the character column"
    );
    assert_eq!(ecr["fix"]["statement"]["Effect"], "Allow");
    assert_eq!(ecr["missing"][1]["decision"], "explicitly-denied");
    assert_eq!(ecr["related"][1]["file"], serde_json::Value::Null);
    assert_eq!(ecr["related"][1]["start"], serde_json::Value::Null);
    assert_eq!(ecr["related"][0]["file"], POLICY_NAME);
    let plain = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "ECS204")
        .unwrap();
    assert_eq!(plain["missing"], serde_json::json!([]));
    assert_eq!(plain["role"], serde_json::Value::Null);
}

// ---------------------------------------------------------------- sarif

#[test]
fn sarif_has_one_descriptor_per_rule_and_consistent_results() {
    let log: serde_json::Value = serde_json::from_str(&render(Format::Sarif)).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Rule::ALL.len());
    for (descriptor, rule) in rules.iter().zip(Rule::ALL) {
        assert_eq!(descriptor["id"], rule.code());
        assert_eq!(descriptor["name"], rule.name());
        assert_eq!(descriptor["helpUri"], rule.url());
        assert_eq!(descriptor["help"]["markdown"], rule.doc());
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for r in results {
        let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let fp = r["partialFingerprints"]["ecslint/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 16);
    }
    let ecr = results.iter().find(|r| r["ruleId"] == "ECS101").unwrap();
    let loc = &ecr["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "tasks/web.json"
    );
    assert_eq!(loc["physicalLocation"]["region"]["startColumn"], 41);
    assert_eq!(loc["physicalLocation"]["region"]["endColumn"], 93);
    assert_eq!(
        loc["physicalLocation"]["region"]["byteOffset"],
        TASK.find("\"123456789012.dkr").unwrap()
    );
    assert_eq!(loc["physicalLocation"]["region"]["byteLength"], 52);
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "aws_ecs_task_definition.web"
    );
    assert_eq!(ecr["relatedLocations"].as_array().unwrap().len(), 1);
    assert_eq!(
        ecr["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "policies/exec,%20role.json"
    );
}

#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let (before, db_before) = kitchen_sink();
    let (after, db_after) = kitchen_sink_shifted(4);
    let find = |r: &Report| {
        r.diagnostics
            .iter()
            .position(|d| d.rule == Rule::EcrPull)
            .unwrap()
    };
    let (b, a) = (
        &before.diagnostics[find(&before)],
        &after.diagnostics[find(&after)],
    );
    assert_ne!(b.primary.span, a.primary.span);
    assert_eq!(fingerprint(b, &db_before), fingerprint(a, &db_after));

    let lines = |report: &Report, db: &SourceDb| {
        let log: serde_json::Value =
            serde_json::from_str(&render_with(Format::Sarif, report, db, &opts())).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["ecslint/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let (mut x, mut y) = (lines(&before, &db_before), lines(&after, &db_after));
    x.sort();
    y.sort();
    let fps = |v: &[(String, u64)]| v.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(fps(&x), fps(&y));
    assert_ne!(x, y, "the task definition's findings did move");

    // A different finding gets a different fingerprint.
    let mut other = b.clone();
    other.primary.pointer = "/containerDefinitions/1/image".into();
    assert_ne!(fingerprint(b, &db_before), fingerprint(&other, &db_before));
}

// ---------------------------------------------------------------- github

#[test]
fn github_commands_escape_and_drop_columns_across_lines() {
    let out = render(Format::Github);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(lines.contains(&"::warning file=tasks/web.json,line=8,col=54,endLine=8,endColumn=63,title=ECS204 plaintext-secret::environment variable `API_TOKEN` holds a literal value: 100%25 plain, not a reference"), "{out}");
    let vpc = lines.iter().find(|l| l.contains("ECS102")).unwrap();
    assert!(vpc.starts_with("::error file=policies/exec%2C role.json,line=8,endLine=10,title="));
    assert!(!vpc.contains("col="));
    assert!(lines.iter().any(|l| l.starts_with("::notice ")));
    assert_eq!(
        lines.last().unwrap(),
        &"::error file=missing.json,title=ecslint::no such file or directory"
    );
}

// ---------------------------------------------------------------- xml

/// Parses the whole document, checking it is well-formed, and returns the
/// unescaped attribute values of every element named `element`.
fn xml_attributes(xml: &str, element: &str, attribute: &str) -> Vec<String> {
    use quick_xml::events::{BytesStart, Event};
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut roots = 0;
    let mut values = Vec::new();
    let mut visit = |e: &BytesStart<'_>, depth: usize| {
        if depth == 0 {
            roots += 1;
        }
        if e.name().as_ref() == element {
            for a in e.attributes() {
                let a = a.unwrap();
                if a.key.as_ref() == attribute {
                    values.push(
                        a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .unwrap()
                            .into_owned(),
                    );
                }
            }
        }
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                visit(&e, depth);
                depth += 1;
            }
            Event::Empty(e) => visit(&e, depth),
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    assert_eq!(roots, 1, "one root element");
    values
}

#[test]
fn junit_is_well_formed_and_escaped() {
    let out = render(Format::Junit);
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    let messages = xml_attributes(&out, "failure", "message");
    assert_eq!(messages.len(), 5);
    assert!(messages.contains(
        &"unknown action \"ecr:BatchGetImag\" <did you mean ecr:BatchGetImage & co?>".to_string()
    ));
    let suites = xml_attributes(&out, "testsuite", "name");
    assert_eq!(suites, [POLICY_NAME, TASK_NAME, "ecslint"]);
    assert_eq!(xml_attributes(&out, "testsuites", "failures"), ["5"]);
    assert_eq!(
        xml_attributes(&out, "error", "message"),
        ["no such file or directory"]
    );
}

#[test]
fn junit_of_a_clean_run_has_a_passing_testcase() {
    let out = render_with(Format::Junit, &Report::default(), &SourceDb::new(), &opts());
    assert_eq!(xml_attributes(&out, "testcase", "name"), ["no findings"]);
    assert_eq!(xml_attributes(&out, "testsuites", "tests"), ["1"]);
    assert!(xml_attributes(&out, "failure", "message").is_empty());
}

#[test]
fn checkstyle_is_well_formed_and_escaped() {
    let out = render(Format::Checkstyle);
    assert_eq!(xml_attributes(&out, "checkstyle", "version"), ["4.3"]);
    assert_eq!(
        xml_attributes(&out, "file", "name"),
        ["missing.json", POLICY_NAME, TASK_NAME]
    );
    let severities = xml_attributes(&out, "error", "severity");
    assert_eq!(severities.len(), 6);
    for s in &severities {
        assert!(["error", "warning", "info"].contains(&s.as_str()));
    }
    let sources = xml_attributes(&out, "error", "source");
    assert!(sources.contains(&"ecslint.ECS101".to_string()));
    assert!(xml_attributes(&out, "error", "message").contains(
        &"unknown action \"ecr:BatchGetImag\" <did you mean ecr:BatchGetImage & co?>".to_string()
    ));
    let empty = render_with(
        Format::Checkstyle,
        &Report::default(),
        &SourceDb::new(),
        &opts(),
    );
    assert_eq!(xml_attributes(&empty, "checkstyle", "version"), ["4.3"]);
}

#[test]
fn xml_survives_control_characters() {
    let mut db = SourceDb::new();
    let f = db.add("a\u{1}.json", "{}");
    let report = Report {
        diagnostics: vec![diagnostic(
            Rule::InvalidInput,
            Severity::Error,
            Loc::new(f, Span::new(0, 2), ""),
            "bad \u{0}\u{1b} value",
        )],
        ..Report::default()
    };
    for format in [Format::Junit, Format::Checkstyle] {
        let out = render_with(format, &report, &db, &opts());
        let names = if format == Format::Junit {
            xml_attributes(&out, "testsuite", "name")
        } else {
            xml_attributes(&out, "file", "name")
        };
        assert_eq!(names, ["a\u{fffd}.json"]);
    }
}

#[test]
fn every_format_is_deterministic() {
    for format in Format::ALL {
        assert_eq!(render(*format), render(*format), "{format}");
    }
}

#[test]
fn odd_locations_do_not_break_any_format() {
    let mut db = SourceDb::new();
    let f = db.add("a.json", "{\"é\": 1}\n");
    let ghost = ecslint::source::FileId(99);
    let mut d = diagnostic(
        Rule::ParseError,
        Severity::Error,
        Loc::new(f, Span::new(3, 2), ""),
        "a span inside a character and reversed",
    );
    d.related.push(Related {
        loc: Some(Loc::new(ghost, Span::new(0, 5), "/x")),
        message: "a file the database does not know".into(),
    });
    let report = Report {
        diagnostics: vec![
            d,
            diagnostic(
                Rule::UnknownInput,
                Severity::Warning,
                Loc::new(f, Span::new(100, 200), ""),
                "a span past the end",
            ),
            diagnostic(
                Rule::UnknownInput,
                Severity::Info,
                Loc::new(ghost, Span::new(0, 1), ""),
                "a file the database does not know",
            ),
        ],
        ..Report::default()
    };
    for format in Format::ALL {
        let out = render_with(*format, &report, &db, &opts());
        assert!(!out.is_empty(), "{format}");
    }
    let gcc = render_with(Format::Gcc, &report, &db, &opts());
    assert_eq!(
        gcc.lines().collect::<Vec<_>>(),
        [
            "a.json:1:3: error: a span inside a character and reversed [ECS001]",
            "a.json:2:1: warning: a span past the end [ECS003]",
            ":1:1: note: a file the database does not know [ECS003]",
        ]
    );
}
