//! Message style over every snapshot (Clippy's lint_message_convention): a
//! finding's message starts lower-case (or with code in backticks), has no
//! trailing period and no line break; help lines follow the same rule.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

fn snapshots(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            snapshots(&p, out);
        } else if p.extension().is_some_and(|e| e == "snap") {
            out.push(p);
        }
    }
}

#[test]
fn messages_follow_the_convention() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    snapshots(&root.join("fixtures"), &mut files);
    snapshots(&root.join("tests/snapshots"), &mut files);
    assert!(files.len() > 100, "the fixtures' snapshots are found");
    let header =
        regex::Regex::new(r"^(?:error|warning|note|help)(?:\[ECS\d{3}\])?: (.*)$").unwrap();
    let gcc =
        regex::Regex::new(r"^.+:\d+:\d+: (?:error|warning|note): (.*) \[ECS\d{3}\]$").unwrap();
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for line in text.lines() {
            let message = header
                .captures(line)
                .or_else(|| gcc.captures(line))
                .map(|c| c[1].to_string());
            let Some(m) = message else { continue };
            let first = m.chars().next().unwrap_or(' ');
            if first.is_uppercase() {
                problems.push(format!("{}: starts with a capital: {m}", f.display()));
            }
            if m.ends_with('.') && !m.ends_with("...") {
                problems.push(format!("{}: ends with a period: {m}", f.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
