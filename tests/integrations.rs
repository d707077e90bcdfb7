//! The shipped integration files and the formats they read, checked against real
//! runs: GitHub workflow commands, the VS Code problem matcher (its regular
//! expression read from the shipped files), `--statistics`/`--quiet`, and the
//! shapes of action.yml and .pre-commit-hooks.yaml.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::PathBuf;

use ecslint::parse::Node;
use regex::Regex;
use serde_json::Value;

const KITCHEN: &str = "tests/data/kitchen-sink";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `ecslint check` over the kitchen sink: (exit code, stdout, stderr).
fn check(args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::cargo::cargo_bin_cmd!("ecslint")
        .current_dir(root())
        .env_remove("NO_COLOR")
        .args(["check", "--no-config", "--color", "never"])
        .args(["--policy", &format!("{KITCHEN}/exec-policy.json"), KITCHEN])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The kitchen sink's findings as the `json` format reports them.
fn json_diagnostics() -> Vec<Value> {
    let (code, out, _) = check(&["--format", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let d = v["diagnostics"].as_array().unwrap().clone();
    assert!(
        d.len() >= 5,
        "the kitchen sink should have findings: {d:#?}"
    );
    d
}

// ---------------------------------------------------------------------------
// GitHub workflow commands

/// Decodes a workflow-command value; `None` when it holds a character GitHub's
/// grammar requires escaped (or a `%` that starts no escape).
fn unescape(s: &str, property: bool) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '%' {
            let code = rest.get(..3)?;
            out.push(match code {
                "%25" => '%',
                "%0D" => '\r',
                "%0A" => '\n',
                "%3A" if property => ':',
                "%2C" if property => ',',
                _ => return None,
            });
            rest = &rest[3..];
            continue;
        }
        if c == '\r' || c == '\n' || (property && (c == ':' || c == ',')) {
            return None;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

#[test]
fn github_lines_follow_the_workflow_command_grammar() {
    // https://docs.github.com/actions/reference/workflow-commands-for-github-actions:
    // `::COMMAND key=value,key=value::message`, COMMAND one of error, warning,
    // notice; the properties file, line, col, endLine, endColumn, title.
    let (code, out, _) = check(&["--format", "github"]);
    assert_eq!(code, 1);
    let diagnostics = json_diagnostics();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), diagnostics.len(), "{out}");
    let command = Regex::new(r"^::(error|warning|notice) ([^:]*)::(.*)$").unwrap();
    for (line, d) in lines.iter().zip(&diagnostics) {
        let caps = command
            .captures(line)
            .unwrap_or_else(|| panic!("not a workflow command: {line}"));
        let level = &caps[1];
        let want = match d["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        assert_eq!(level, want, "{line}");
        let mut props = std::collections::BTreeMap::new();
        for pair in caps[2].split(',') {
            let (k, v) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("bad property `{pair}` in {line}"));
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&k),
                "unknown property {k} in {line}"
            );
            let v = unescape(v, true).unwrap_or_else(|| panic!("badly escaped `{v}` in {line}"));
            assert!(
                props.insert(k.to_string(), v).is_none(),
                "repeated {k} in {line}"
            );
        }
        let message =
            unescape(&caps[3], false).unwrap_or_else(|| panic!("badly escaped message in {line}"));
        assert_eq!(props["file"], d["file"].as_str().unwrap());
        assert_eq!(props["line"], d["start"]["line"].to_string());
        assert_eq!(props["endLine"], d["end"]["line"].to_string());
        if d["start"]["line"] == d["end"]["line"] {
            assert_eq!(props["col"], d["start"]["column"].to_string());
            assert_eq!(props["endColumn"], d["end"]["column"].to_string());
        }
        assert_eq!(
            props["title"],
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["name"].as_str().unwrap()
            )
        );
        assert_eq!(message, d["message"].as_str().unwrap());
    }
}

#[test]
fn the_grammar_checker_rejects_what_github_would_misread() {
    assert_eq!(unescape("a%3Ab", true).as_deref(), Some("a:b"));
    assert_eq!(unescape("a:b", true), None);
    assert_eq!(unescape("a,b", true), None);
    assert_eq!(unescape("50%", false), None);
    assert_eq!(unescape("a:b, c", false).as_deref(), Some("a:b, c"));
}

// ---------------------------------------------------------------------------
// VS Code problem matcher

fn matcher_regex(file: &str, pointer: &str) -> (Regex, Value) {
    let text = fs::read_to_string(root().join(file)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let pattern = v
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{file}: no {pointer}"))
        .clone();
    (
        Regex::new(pattern["regexp"].as_str().unwrap()).unwrap(),
        pattern,
    )
}

#[test]
fn problem_matcher_reads_every_gcc_line() {
    let (code, out, _) = check(&["--format", "gcc"]);
    assert_eq!(code, 1);
    let diagnostics = json_diagnostics();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), diagnostics.len());
    for (file, pointer) in [
        (
            "editors/vscode/problem-matcher.json",
            "/problemMatchers/0/pattern",
        ),
        (
            "editors/vscode/tasks.json",
            "/tasks/0/problemMatcher/pattern",
        ),
    ] {
        let (re, pattern) = matcher_regex(file, pointer);
        let group = |name: &str| usize::try_from(pattern[name].as_u64().unwrap()).unwrap();
        for (line, d) in lines.iter().zip(&diagnostics) {
            let caps = re
                .captures(line)
                .unwrap_or_else(|| panic!("{file} does not match `{line}`"));
            assert_eq!(&caps[group("file")], d["file"].as_str().unwrap(), "{line}");
            assert_eq!(
                caps[group("line")].parse::<u64>().unwrap(),
                d["start"]["line"].as_u64().unwrap()
            );
            assert_eq!(
                caps[group("column")].parse::<u64>().unwrap(),
                d["start"]["column"].as_u64().unwrap()
            );
            let severity = match d["severity"].as_str().unwrap() {
                "info" => "note",
                s => s,
            };
            assert_eq!(&caps[group("severity")], severity);
            assert_eq!(&caps[group("message")], d["message"].as_str().unwrap());
            assert_eq!(&caps[group("code")], d["code"].as_str().unwrap());
        }
    }
    // Both shipped copies are the same matcher.
    let (a, _) = matcher_regex(
        "editors/vscode/problem-matcher.json",
        "/problemMatchers/0/pattern",
    );
    let (b, _) = matcher_regex(
        "editors/vscode/tasks.json",
        "/tasks/0/problemMatcher/pattern",
    );
    assert_eq!(a.as_str(), b.as_str());
}

#[test]
fn problem_matcher_handles_awkward_names_and_messages() {
    let (re, _) = matcher_regex(
        "editors/vscode/problem-matcher.json",
        "/problemMatchers/0/pattern",
    );
    let caps = re
        .captures("C:/odd dir/a:b.json:12:7: note: `x` [y]: z [ECS012]")
        .unwrap();
    assert_eq!(&caps[1], "C:/odd dir/a:b.json");
    assert_eq!(&caps[2], "12");
    assert_eq!(&caps[5], "`x` [y]: z");
    assert_eq!(&caps[6], "ECS012");
    assert!(re.captures("Found 4 errors in 3 files.").is_none());
}

// ---------------------------------------------------------------------------
// --statistics and --quiet (as ruff has them)

#[test]
fn statistics_prints_a_count_per_rule_instead_of_the_findings() {
    let (code, out, _) = check(&["--statistics"]);
    assert_eq!(code, 1, "--statistics does not change the exit code");
    let diagnostics = json_diagnostics();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for d in &diagnostics {
        *counts.entry(d["code"].as_str().unwrap()).or_default() += 1;
    }
    let table: Vec<&str> = out.lines().filter(|l| l.contains('\t')).collect();
    assert_eq!(table.len(), counts.len(), "{out}");
    for row in table {
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!(cols.len(), 3, "{row}");
        assert_eq!(
            cols[0].trim().parse::<usize>().unwrap(),
            counts[cols[1]],
            "{row}"
        );
    }
    assert!(
        !out.contains("explain"),
        "no findings with --statistics: {out}"
    );
    assert!(out.contains("Found "), "{out}");
}

#[test]
fn quiet_prints_the_findings_without_the_summary() {
    let (code, loud, _) = check(&[]);
    let (quiet_code, quiet, _) = check(&["--quiet"]);
    assert_eq!((code, quiet_code), (1, 1));
    assert!(loud.contains("Found "));
    assert!(!quiet.contains("Found "), "{quiet}");
    assert!(
        quiet.contains("[ECS105]") || quiet.contains("ECS105"),
        "{quiet}"
    );
    // With --statistics, only the table.
    let (_, both, _) = check(&["--quiet", "--statistics"]);
    assert!(!both.contains("Found "));
    assert!(both.lines().all(|l| l.split('\t').count() == 3), "{both}");
    // A clean run with --quiet prints nothing at all.
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::cargo::cargo_bin_cmd!("ecslint")
        .current_dir(dir.path())
        .args(["check", "--no-config", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// ---------------------------------------------------------------------------
// action.yml and .pre-commit-hooks.yaml

fn yaml(file: &str) -> Node {
    let text = fs::read_to_string(root().join(file)).unwrap();
    ecslint::parse::yaml::parse(&text).unwrap_or_else(|e| panic!("{file}: {e:?}"))
}

fn text_at<'a>(node: &'a Node, path: &[&str]) -> &'a str {
    let mut n = node;
    for key in path {
        n = n.get(key).unwrap_or_else(|| panic!("no {key} in {path:?}"));
    }
    n.as_str()
        .unwrap_or_else(|| panic!("{path:?} is not a string"))
}

#[test]
fn action_yml_is_a_composite_action_that_uploads_sarif() {
    let action = yaml("action.yml");
    assert_eq!(text_at(&action, &["runs", "using"]), "composite");
    assert!(!text_at(&action, &["name"]).is_empty());
    assert!(!text_at(&action, &["description"]).is_empty());
    let steps = action
        .get("runs")
        .unwrap()
        .get("steps")
        .unwrap()
        .as_array()
        .unwrap();
    // Composite `run` steps must name their shell.
    for s in steps {
        if s.get("run").is_some() {
            assert_eq!(s.get("shell").and_then(Node::as_str), Some("bash"));
        } else {
            assert!(s.get("uses").is_some());
        }
    }
    let runs: String = steps
        .iter()
        .filter_map(|s| s.get("run").and_then(Node::as_str))
        .collect();
    assert!(runs.contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\""));
    assert!(runs.contains("--format sarif"));
    assert!(runs.contains("--format github"));
    let upload = steps
        .iter()
        .find(|s| {
            s.get("uses")
                .and_then(Node::as_str)
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert_eq!(
        text_at(upload, &["with", "sarif_file"]),
        "${{ inputs.sarif-file }}"
    );
    // Every `inputs.X` used is declared.
    let text = fs::read_to_string(root().join("action.yml")).unwrap();
    let inputs = action.get("inputs").unwrap();
    let used = Regex::new(r"inputs\.([a-z-]+)").unwrap();
    for caps in used.captures_iter(&text) {
        assert!(
            inputs.get(&caps[1]).is_some(),
            "undeclared input {}",
            &caps[1]
        );
    }
}

#[test]
fn pre_commit_hooks_yaml_declares_the_hook() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    assert_eq!(hooks.len(), 1);
    let h = &hooks[0];
    assert_eq!(text_at(h, &["id"]), "ecslint");
    assert_eq!(text_at(h, &["language"]), "rust");
    assert_eq!(text_at(h, &["entry"]), "ecslint check --force-exclude");
    let types: Vec<&str> = h
        .get("types_or")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(types, ["json", "yaml"]);
    let files = Regex::new(text_at(h, &["files"])).unwrap();
    for ok in ["task.json", "a/b/stack.yaml", "t.yml", "x.template"] {
        assert!(files.is_match(ok), "{ok}");
    }
    assert!(!files.is_match("main.rs"));
}
