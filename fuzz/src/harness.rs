//! What each fuzz target does with its bytes, and the invariants it asserts.
//!
//! Only public entry points of `ecslint` are used. Every function panics (so
//! libFuzzer reports a crash, and the replay test fails) when the library
//! panics or when an invariant below does not hold:
//!
//! - parsers (`json`, `yaml`): every node's span and every key span lies inside
//!   the text, on character boundaries, start before end; a parse error's span
//!   starts inside the text (or at its end); in JSON every child lies inside its
//!   parent (YAML aliases repeat the anchor's node, so there only the first holds);
//! - `terraform_plan`: the spans the plan front end hands on (embedded container
//!   definitions moved into the file, opaque regions) lie inside the text;
//! - `check`: no panic was caught by the pipeline's own guards (they turn one into
//!   an "internal error" run error), every output format renders, and every
//!   location of every finding lies inside its file (not necessarily on a
//!   character boundary of the lossily decoded text: see `check_loc`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use ecslint::check::{Settings, run};
use ecslint::emit::{EmitOptions, Format, emit};
use ecslint::input::read::{ReadFile, from_bytes};
use ecslint::input::terraform;
use ecslint::input::walk::Candidate;
use ecslint::parse::{Node, Span, Value};
use ecslint::source::{FileId, SourceDb};

/// Most files the `check` target splits its input into (at NUL bytes).
pub const MAX_FILES: usize = 4;

/// `start <= end <= text.len()`.
fn assert_in_text(span: Span, text: &str, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(start <= end, "{what}: span {start}..{end} runs backwards");
    assert!(
        end <= text.len(),
        "{what}: span {start}..{end} ends past the text ({} bytes)",
        text.len()
    );
}

/// Inside the text and on character boundaries.
fn assert_span(span: Span, text: &str, what: &str) {
    assert_in_text(span, text, what);
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} splits a character"
    );
}

fn inside(inner: Span, outer: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Asserts the span invariants of a parse tree over `text`. With `nested`, every
/// child must also lie inside its parent.
pub fn check_tree(root: &Node, text: &str, nested: bool) {
    let mut stack: Vec<&Node> = vec![root];
    while let Some(node) = stack.pop() {
        assert_span(node.span, text, "node");
        match &node.value {
            Value::Array(items) => {
                for item in items {
                    if nested {
                        assert!(
                            inside(item.span, node.span),
                            "array item {:?} outside its array {:?}",
                            item.span,
                            node.span
                        );
                    }
                    stack.push(item);
                }
            }
            Value::Object(members) => {
                for m in members {
                    assert_span(m.key_span, text, "key");
                    if nested {
                        assert!(
                            inside(m.key_span, node.span) && inside(m.value.span, node.span),
                            "member {:?} outside its object {:?}",
                            m.key,
                            node.span
                        );
                    }
                    stack.push(&m.value);
                }
            }
            Value::Tagged(_, inner) => stack.push(inner),
            Value::Null
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_)
            | Value::Partial(_) => {}
        }
    }
}

/// Reads `bytes` as the file `name` through the real front end (UTF-8 check,
/// syntax by extension, parser) and asserts the parse invariants.
pub fn read(name: &str, bytes: &[u8]) -> ReadFile {
    let file = from_bytes(name.to_string(), Path::new(name), bytes.to_vec(), true);
    let text = file.source.text();
    match &file.tree {
        Ok(root) => check_tree(
            root,
            text,
            Path::new(name).extension().is_some_and(|e| e == "json"),
        ),
        Err(e) => {
            assert!(
                e.span.start as usize <= text.len() && e.span.start <= e.span.end,
                "parse error span {:?} outside the text ({} bytes): {}",
                e.span,
                text.len(),
                e.message
            );
            assert!(!e.message.is_empty(), "a parse error without a message");
        }
    }
    file
}

/// Target `json`: the JSON front end.
pub fn json(data: &[u8]) {
    read("fuzz.json", data);
}

/// Target `yaml`: the YAML front end.
pub fn yaml(data: &[u8]) {
    read("fuzz.yaml", data);
}

/// Target `terraform_plan`: the JSON front end, then the Terraform plan reader.
pub fn terraform_plan(data: &[u8]) {
    let file = read("plan.json", data);
    let Ok(root) = &file.tree else { return };
    let text = file.source.text();
    let plan = terraform::plan(root, text, FileId(0));
    for task in &plan.tasks {
        if let Some(containers) = &task.containers {
            check_tree(containers, text, false);
        }
        if let Some(span) = task.containers_span {
            assert_span(span, text, "container_definitions string");
        }
        if let Some((_, loc)) = &task.containers_error {
            assert_span(loc.span, text, "container_definitions error");
        }
    }
    for (span, _) in &plan.opaque {
        assert_span(*span, text, "opaque region");
    }
}

/// A scratch directory for the `check` target, removed on drop. Under
/// `/dev/shm` when there is one (tmpfs), else the system temporary directory.
#[derive(Debug)]
pub struct Workdir {
    path: PathBuf,
}

impl Workdir {
    pub fn new() -> std::io::Result<Self> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        let path = base.join(format!(
            "ecslint-fuzz-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)?;
        Ok(Self { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Target `check`: the whole pipeline with every rule on. The input is split at
/// NUL bytes into at most [`MAX_FILES`] files `fN.template` (syntax by content);
/// with two or more, the last is passed as a `--policy` file, or dropped when empty.
pub fn check(data: &[u8], dir: &Workdir) {
    let parts: Vec<&[u8]> = data.splitn(MAX_FILES, |b| *b == 0).collect();
    let mut candidates = Vec::new();
    let mut settings = Settings::default();
    for (i, part) in parts.iter().enumerate() {
        let name = format!("f{i}.template");
        let path = dir.path().join(&name);
        std::fs::write(&path, part).expect("the scratch file is writable");
        if parts.len() > 1 && i == parts.len() - 1 {
            if !part.is_empty() {
                settings.policy_files.push(path);
            }
        } else {
            candidates.push(Candidate {
                path,
                display: name,
                explicit: true,
            });
        }
    }
    let (report, db) = run(&candidates, &settings);
    let opts = EmitOptions::default();
    for format in Format::ALL {
        let mut out = Vec::new();
        let rendered = emit(*format, &report, &db, &opts, &mut out);
        assert!(rendered.is_ok(), "format {format} failed: {rendered:?}");
    }
    for e in &report.run_errors {
        assert!(
            !e.message.contains("internal error"),
            "the pipeline caught a panic: {}",
            e.message
        );
    }
    for d in &report.diagnostics {
        check_loc(&db, d.primary.file, d.primary.span, d.rule.code());
        for r in &d.related {
            if let Some(loc) = &r.loc {
                check_loc(&db, loc.file, loc.span, d.rule.code());
            }
        }
    }
    for i in 0..parts.len() {
        let _ = std::fs::remove_file(dir.path().join(format!("f{i}.template")));
    }
}

fn check_loc(db: &SourceDb, file: FileId, span: Span, code: &str) {
    let text = db.get(file).map(ecslint::source::SourceFile::text);
    let Some(text) = text else {
        return;
    };
    // Only inside the text: the location of invalid UTF-8 (ECS001) is the bad byte
    // of the file as read, which the text (decoded lossily) holds as a 3-byte U+FFFD.
    assert_in_text(span, text, &format!("{code} location in {}", db.name(file)));
}
