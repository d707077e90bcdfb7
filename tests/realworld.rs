//! The real-world corpus (fixtures/e2e/realworld, sources and licences in its
//! SOURCES.md): every file, and every companion group, is checked without a crash,
//! and the findings are pinned by a snapshot that was reviewed finding by finding
//! (no false "missing": what remains are true findings, `conditional` ones where
//! a tag condition or an import cannot be known offline, and ECS004 where the
//! role lives elsewhere).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn run(dir: &Path, files: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ecslint"))
        .current_dir(dir)
        .args(["check", "--no-config", "--format", "gcc"])
        .args(files)
        .output()
        .expect("run ecslint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn realworld_corpus_has_no_crash_and_pinned_findings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/e2e/realworld");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SOURCES.md")
        .collect();
    names.sort();
    assert_eq!(names.len(), 41, "the corpus has 41 files");
    let mut groups: Vec<Vec<String>> = names.iter().map(|n| vec![n.clone()]).collect();
    for companions in [
        ["005", "006"].as_slice(),
        &["007", "008"],
        &["015", "016"],
        &["035", "036", "037"],
    ] {
        groups.push(
            companions
                .iter()
                .map(|p| names.iter().find(|n| n.starts_with(p)).unwrap().clone())
                .collect(),
        );
    }
    let mut transcript = String::new();
    for g in &groups {
        let files: Vec<&str> = g.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&dir, &files);
        assert!(code == 0 || code == 1, "{g:?}: exit {code}\n{stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("bug"),
            "{g:?}: {stderr}"
        );
        let _ = write!(transcript, "== {} (exit {code})\n{stdout}", files.join(" "));
    }
    insta::assert_snapshot!("realworld", transcript);
}
