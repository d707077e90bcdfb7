//! `--format sarif` of a real run, validated against the official SARIF 2.1.0
//! schema (tests/data/sarif/, see SOURCE.md there) with `boon`, and with Microsoft's
//! SARIF Multitool when it is installed (scripts/install-sarif-multitool.sh).
//! Also: one `reportingDescriptor` per rule with the rule's doc as help, related
//! locations, and `partialFingerprints` that survive lines moving.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const SCHEMA: &str = "tests/data/sarif/sarif-schema-2.1.0.json";
const KITCHEN: &str = "tests/data/kitchen-sink";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sarif_of(dir: &Path, args: &[&str]) -> (Value, String) {
    let out = assert_cmd::cargo::cargo_bin_cmd!("ecslint")
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "sarif"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

fn kitchen_sink() -> (Value, String) {
    sarif_of(
        &root(),
        &["--policy", &format!("{KITCHEN}/exec-policy.json"), KITCHEN],
    )
}

/// Validates `instance` against the official schema; returns the errors, if any.
fn schema_errors(instance: &Value) -> Option<String> {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(root().join(SCHEMA)).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    // `format` is an assertion here (uri, uri-reference, date-time), not a note.
    compiler.enable_format_assertions();
    let url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    compiler.add_resource(url, schema).unwrap();
    let index = compiler.compile(url, &mut schemas).unwrap();
    schemas
        .validate(instance, index)
        .err()
        .map(|e| format!("{e:#}"))
}

#[test]
fn kitchen_sink_validates_against_the_official_schema() {
    let (sarif, text) = kitchen_sink();
    if let Some(e) = schema_errors(&sarif) {
        panic!("SARIF does not validate:\n{e}\n{text}");
    }
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let codes: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    for want in ["ECS001", "ECS102", "ECS110", "ECS105", "ECS103"] {
        assert!(codes.contains(&want), "{want} not in {codes:?}");
    }
}

#[test]
fn the_validator_bites() {
    // The same log with a wrong `level` and an unknown property must fail: the
    // schema test above is not vacuous.
    let (mut sarif, _) = kitchen_sink();
    sarif["runs"][0]["results"][0]["level"] = Value::from("fatal");
    let e = schema_errors(&sarif).expect("an invalid level must not validate");
    assert!(e.contains("/runs/0/results/0/level"), "{e}");
    let (mut sarif, _) = kitchen_sink();
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(schema_errors(&sarif).is_some());
}

#[test]
fn run_errors_validate_too() {
    // A path that does not exist is a run error: a tool execution notification.
    let (sarif, text) = sarif_of(&root(), &["no/such/file.json"]);
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    if let Some(e) = schema_errors(&sarif) {
        panic!("SARIF does not validate:\n{e}\n{text}");
    }
}

#[test]
fn one_reporting_descriptor_per_rule_with_its_doc_as_help() {
    let (sarif, _) = kitchen_sink();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate descriptors: {ids:?}");
    let docs: Vec<PathBuf> = fs::read_dir(root().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert_eq!(ids.len(), docs.len(), "one descriptor per rule doc");
    for doc in docs {
        let stem = doc.file_stem().unwrap().to_string_lossy().to_string();
        let code = stem.split('-').next().unwrap();
        let d = rules
            .iter()
            .find(|r| r["id"] == code)
            .unwrap_or_else(|| panic!("no descriptor for {code}"));
        let text = fs::read_to_string(&doc).unwrap();
        assert_eq!(d["help"]["markdown"].as_str().unwrap(), text, "{code}");
        assert!(
            d["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("{stem}.md"))
        );
        assert!(!d["shortDescription"]["text"].as_str().unwrap().is_empty());
    }
    // Every result's ruleIndex points at its descriptor.
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        let i = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
}

#[test]
fn related_locations_point_into_the_policy() {
    let (sarif, _) = kitchen_sink();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let denied = results.iter().find(|r| r["ruleId"] == "ECS105").unwrap();
    let related = denied["relatedLocations"]
        .as_array()
        .expect("ECS105 has related locations");
    assert!(
        related.iter().any(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("exec-policy.json")
                && l["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
                    > 1
                && l["message"]["text"].as_str().is_some()
        }),
        "{denied:#}"
    );
}

/// Inserts blank lines and a new first key: every finding moves down, none changes.
fn shift(text: &str) -> String {
    text.replacen('{', "{\n\n\n  \"tags\": [],", 1)
}

#[test]
fn partial_fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["task-definition.json", "exec-policy.json"] {
        fs::copy(root().join(KITCHEN).join(f), dir.path().join(f)).unwrap();
    }
    let args = ["--policy", "exec-policy.json", "task-definition.json"];
    let (before, _) = sarif_of(dir.path(), &args);
    let task = dir.path().join("task-definition.json");
    fs::write(&task, shift(&fs::read_to_string(&task).unwrap())).unwrap();
    let (after, _) = sarif_of(dir.path(), &args);
    let key = |v: &Value| -> Vec<(String, String, u64)> {
        let mut out: Vec<(String, String, u64)> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "task-definition.json"
            })
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["ecslint/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    };
    let (b, a) = (key(&before), key(&after));
    assert!(b.len() >= 2, "{b:?}");
    assert_eq!(b.len(), a.len());
    for (x, y) in b.iter().zip(&a) {
        assert_eq!(
            (&x.0, &x.1),
            (&y.0, &y.1),
            "fingerprint changed when lines moved"
        );
        assert_eq!(x.2 + 3, y.2, "the finding did move");
    }
}

// ---------------------------------------------------------------------------
// Microsoft's SARIF Multitool

/// The Multitool's executable: `$ECSLINT_SARIF_MULTITOOL`, else where
/// scripts/install-sarif-multitool.sh puts it.
fn multitool() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ECSLINT_SARIF_MULTITOOL") {
        return Some(PathBuf::from(p));
    }
    let p = root().join("target/tools/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    p.is_file().then_some(p)
}

#[test]
fn sarif_multitool_validate() {
    let Some(tool) = multitool() else {
        eprintln!(
            "SKIPPED: the SARIF Multitool is not installed; run scripts/install-sarif-multitool.sh (npm) or set ECSLINT_SARIF_MULTITOOL"
        );
        return;
    };
    // The Multitool's SARIF2006 rule fetches every URI in the log; a network
    // namespace keeps the test offline (it then only notes the URIs as unreachable).
    if !Command::new("unshare")
        .args(["-n", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        eprintln!("SKIPPED: `unshare -n` is not available to keep the Multitool offline");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, text) = kitchen_sink();
    let input = dir.path().join("ecslint.sarif");
    fs::write(&input, text).unwrap();
    let bad = dir.path().join("bad.sarif");
    // A control: a result property the schema does not allow.
    let mut v: Value = serde_json::from_str(&fs::read_to_string(&input).unwrap()).unwrap();
    v["runs"][0]["results"][0]["bogus"] = Value::from(1);
    fs::write(&bad, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let validate = |file: &Path| -> Vec<Value> {
        let out_file = dir.path().join("out.sarif");
        let out = Command::new("unshare")
            .arg("-n")
            .arg(&tool)
            .arg("validate")
            .arg(file)
            .arg("-o")
            .arg(&out_file)
            .args(["--log", "ForceOverwrite", "--level", "Error;Warning"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the Multitool failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let log: Value = serde_json::from_str(&fs::read_to_string(&out_file).unwrap()).unwrap();
        log["runs"][0]["results"].as_array().unwrap().clone()
    };
    let findings = validate(&input);
    assert!(
        findings.is_empty(),
        "the Multitool reports errors or warnings: {findings:#?}"
    );
    let control = validate(&bad);
    assert!(
        control.iter().any(|r| r["ruleId"] == "JSON1005"),
        "the control file should fail schema validation: {control:#?}"
    );
}
