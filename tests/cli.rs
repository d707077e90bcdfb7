//! The binary's contract (SPEC §2, STYLE.md §2.6 rule 7): exit codes, `--fail-on`,
//! `--format gcc` lines, colour, `explain` and `rules`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use ecslint::rules::Rule;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

/// `ecslint ARGS...` run inside `dir`, without any config file or colour from the environment.
fn ecslint(dir: &Path, args: &[&str]) -> Output {
    Command::new(assert_cmd::cargo::cargo_bin!("ecslint"))
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const CLEAN: &str = "ECS101-ecr-pull/pass/nested-repository-granted-exactly";
const FAILING: &str = "ECS101-ecr-pull/fail/nested-repository-nothing-granted";
/// Only a warning: the pull-through-cache actions are missing.
const WARNING_ONLY: &str = "ECS101-ecr-pull/fail/pull-through-cache-without-import";

fn check_case(case: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "--no-config",
        "--policy",
        "exec-policy.json",
        "task-definition.json",
    ];
    args.extend_from_slice(extra);
    ecslint(&fixture(case), &args)
}

#[test]
fn exit_0_when_clean() {
    let o = check_case(CLEAN, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("All checks passed"), "{}", stdout(&o));
    assert!(stderr(&o).is_empty());
}

#[test]
fn exit_1_on_a_finding() {
    let o = check_case(FAILING, &["--color", "never"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("error[ECS101]"), "{out}");
    assert!(out.contains("task-definition.json:"), "{out}");
}

#[test]
fn bare_ecslint_is_check() {
    let o = ecslint(
        &fixture(FAILING),
        &[
            "--no-config",
            "--format",
            "gcc",
            "--policy",
            "exec-policy.json",
            "task-definition.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("[ECS101]"));
}

#[test]
fn exit_2_on_a_path_that_does_not_exist() {
    let o = check_case(CLEAN, &["no-such-file.json"]);
    assert_eq!(o.status.code(), Some(2));
    // `human` reports the failure among its output; the other formats on stderr.
    assert!(stdout(&o).contains("no-such-file.json"), "{}", stdout(&o));
    let o = check_case(CLEAN, &["no-such-file.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-file.json"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn exit_2_on_an_unknown_rule_with_a_suggestion() {
    for (bad, suggested) in [("ECS999", "ECS109"), ("ecr-pul", "ECS101")] {
        let o = check_case(CLEAN, &["--select", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let err = stderr(&o);
        assert!(err.contains(bad), "{err}");
        assert!(
            err.contains(&format!("did you mean `{suggested}`")),
            "{err}"
        );
        assert!(stdout(&o).is_empty());
    }
    let o = check_case(CLEAN, &["--ignore", "nonsense"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn exit_2_on_an_unknown_config_key_naming_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ecslint.toml"),
        "region = \"eu-west-1\"\nregoin = \"eu-west-1\"\n",
    )
    .unwrap();
    std::fs::copy(
        fixture(CLEAN).join("task-definition.json"),
        dir.path().join("task-definition.json"),
    )
    .unwrap();
    let o = ecslint(dir.path(), &["check", "task-definition.json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("regoin"), "{err}");
    assert!(err.contains("ecslint.toml"), "{err}");
    // With the key fixed, the same run works.
    std::fs::write(dir.path().join("ecslint.toml"), "region = \"eu-west-1\"\n").unwrap();
    let o = ecslint(dir.path(), &["check", "task-definition.json"]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn fail_on_sets_the_threshold() {
    let o = check_case(WARNING_ONLY, &["--format", "gcc"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a warning alone passes by default"
    );
    assert!(stdout(&o).contains(": warning: "), "{}", stdout(&o));
    let o = check_case(WARNING_ONLY, &["--format", "gcc", "--fail-on", "warning"]);
    assert_eq!(o.status.code(), Some(1));
    let o = check_case(WARNING_ONLY, &["--format", "gcc", "--fail-on", "info"]);
    assert_eq!(o.status.code(), Some(1));
    let o = check_case(FAILING, &["--format", "gcc", "--fail-on", "error"]);
    assert_eq!(o.status.code(), Some(1));
    let o = check_case(CLEAN, &["--fail-on", "info"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn severity_override_changes_the_exit_code() {
    let o = check_case(
        FAILING,
        &["--format", "gcc", "--severity", "ECS101=warning"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(": warning: "), "{}", stdout(&o));
}

/// `FILE:LINE:COL: SEVERITY: MESSAGE [CODE]`, one line per finding, nothing else.
fn is_gcc_line(line: &str) -> bool {
    let re = regex::Regex::new(r"^[^:\s][^:]*:\d+:\d+: (error|warning|note): \S.* \[ECS\d{3}\]$")
        .unwrap();
    re.is_match(line)
}

#[test]
fn gcc_lines_have_the_documented_shape() {
    let o = ecslint(
        &fixture("ECS103-logs/fail/stream-and-group-grants-both-missing"),
        &[
            "check",
            "--no-config",
            "--select",
            "ECS103",
            "--format",
            "gcc",
            "--policy",
            "exec-policy.json",
            "task-definition.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 2, "{out}");
    for line in &lines {
        assert!(is_gcc_line(line), "not a gcc line: {line:?}");
        assert!(line.starts_with("task-definition.json:"), "{line}");
    }
    assert!(!out.contains('\x1b'));
    // An info finding uses `note`.
    let o = ecslint(
        &fixture("ECS012-trust-confused-deputy/fail/get-role-trust-without-source-condition"),
        &[
            "check",
            "--no-config",
            "--format",
            "gcc",
            "--select",
            "ECS012",
            "--policy",
            "exec-policy.json",
            "task-definition.json",
            "get-role.json",
        ],
    );
    let out = stdout(&o);
    assert!(out.lines().all(is_gcc_line), "{out}");
    assert!(out.contains(": note: "), "{out}");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn gcc_line_check_can_fail() {
    assert!(is_gcc_line("a.json:3:5: error: bad thing [ECS101]"));
    assert!(!is_gcc_line("a.json:3: error: bad thing [ECS101]"));
    assert!(!is_gcc_line("a.json:3:5: Error: bad thing [ECS101]"));
    assert!(!is_gcc_line("a.json:3:5: error: bad thing"));
}

#[test]
fn colour_follows_color_and_no_color() {
    let always = check_case(FAILING, &["--color", "always"]);
    assert!(stdout(&always).contains('\x1b'), "--color always colours");
    let never = check_case(FAILING, &["--color", "never"]);
    assert!(!stdout(&never).contains('\x1b'));
    let no_color = Command::new(assert_cmd::cargo::cargo_bin!("ecslint"))
        .current_dir(fixture(FAILING))
        .env("NO_COLOR", "1")
        .args([
            "check",
            "--no-config",
            "--policy",
            "exec-policy.json",
            "task-definition.json",
        ])
        .output()
        .unwrap();
    assert_eq!(no_color.status.code(), Some(1));
    assert!(!stdout(&no_color).contains('\x1b'), "NO_COLOR is honoured");
    assert!(stdout(&no_color).contains("error[ECS101]"));
}

#[test]
fn explain_by_code_and_by_name() {
    let dir = fixture("");
    for query in ["ECS101", "ecr-pull", "ecs101"] {
        let o = ecslint(&dir, &["explain", query]);
        assert_eq!(o.status.code(), Some(0), "{query}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("ecr-pull (ECS101)"), "{query}: {out}");
        assert!(out.contains("## What it does"), "{query}");
    }
}

#[test]
fn explain_unknown_rule_exits_2_with_did_you_mean() {
    let dir = fixture("");
    for (query, suggested) in [
        ("ECS1O1", "ECS101"),
        ("ecr-pul", "ECS101"),
        ("sercet", "ECS106"),
    ] {
        let o = ecslint(&dir, &["explain", query]);
        assert_eq!(o.status.code(), Some(2), "{query}");
        let err = stderr(&o);
        assert!(err.contains(query), "{err}");
        assert!(err.contains("did you mean"), "{err}");
        assert!(err.contains(suggested), "{query}: {err}");
    }
}

#[test]
fn rules_lists_every_rule() {
    let o = ecslint(&fixture(""), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for rule in Rule::ALL {
        let line = out
            .lines()
            .find(|l| l.starts_with(rule.code()))
            .unwrap_or_else(|| panic!("{} is not listed:\n{out}", rule.code()));
        assert!(line.contains(rule.name()), "{line}");
        assert!(line.contains(rule.default_severity().as_str()), "{line}");
    }
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ECS")).count(),
        Rule::ALL.len()
    );
}

#[test]
fn json_output_has_the_documented_envelope() {
    // Only ECS101: with every rule on, the unused logs grant of this case is an ECS203 note too.
    let o = check_case(FAILING, &["--format", "json", "--select", "ECS101"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "ecslint");
    assert_eq!(v["summary"]["task_definitions"], 1);
    assert_eq!(v["summary"]["error"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "ECS101");
    assert_eq!(d["file"], "task-definition.json");
    assert_eq!(d["pointer"], "/containerDefinitions/0/image");
    let fix = d["fix"].as_object().unwrap();
    assert_eq!(fix.keys().collect::<Vec<_>>(), ["statement"]);
    assert_eq!(d["fix"]["statement"]["Effect"], "Allow", "{}", d["fix"]);
}

/// The softenings of SPEC §3.3 (a warning when only `s3:GetBucketLocation` is missing,
/// or when a task only looks like a Fargate task) yield to a severity the user sets.
#[test]
fn softened_findings_keep_a_severity_the_user_sets() {
    let severity_of = |case: &str, extra: &[&str]| -> String {
        let dir = fixture(case);
        let inputs: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| {
                Path::new(n).extension().is_some_and(|e| e == "json") && n != "exec-policy.json"
            })
            .collect();
        let mut args = vec!["check", "--no-config", "--format", "json"];
        if dir.join("exec-policy.json").exists() {
            args.extend(["--policy", "exec-policy.json"]);
        }
        args.extend(extra);
        args.extend(inputs.iter().map(String::as_str));
        let o = ecslint(&dir, &args);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["diagnostics"][0]["severity"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let bucket = "ECS108-environment-file/fail/only-get-bucket-location-missing";
    assert_eq!(severity_of(bucket, &["--select", "ECS108"]), "warning");
    assert_eq!(
        severity_of(
            bucket,
            &["--select", "ECS108", "--severity", "ECS108=error"]
        ),
        "error"
    );
    let fargate = "ECS010-missing-execution-role/fail/looks-like-fargate-without-compatibilities";
    assert_eq!(severity_of(fargate, &["--select", "ECS010"]), "warning");
    assert_eq!(
        severity_of(
            fargate,
            &["--select", "ECS010", "--severity", "ECS010=error"]
        ),
        "error"
    );
}
