//! The rule documentation pages, `rules/<CODE>-<name>.md` (STYLE.md §2.2): one per
//! rule, embedded as `Rule::doc()`, with a fixed skeleton and executable examples.
//!
//! [`example_cases`] extracts a page's examples as a failing and a passing case, so
//! that a harness can write their files to a directory and run
//! `ecslint check --select CODE` on them: the failing case must yield exactly one
//! finding of the page's rule, the passing case none.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

use ecslint::rules::Rule;

/// One fenced block of a page's `## Example` section: a file of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFile {
    /// The fence's language, `json` or `toml`.
    pub lang: String,
    /// The file name the block is written under (`title="…"`).
    pub title: String,
    /// The block's text, every line ending in `\n`.
    pub content: String,
    /// The rule code of `expect="…"`: the failing case yields exactly one finding of it.
    pub expect: Option<String>,
    /// 1-based line of the opening fence in the page, for messages.
    pub line: usize,
}

/// The two cases of a page's `## Example` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cases {
    /// The blocks before `Use instead:`.
    pub failing: Vec<ExampleFile>,
    /// The blocks after `Use instead:`, followed by the failing blocks whose titles they
    /// do not redefine (those copies carry no `expect`: the passing case expects nothing).
    pub passing: Vec<ExampleFile>,
}

impl Cases {
    /// The code the failing case expects, when exactly one of its blocks names one.
    pub fn expect(&self) -> Option<&str> {
        let mut codes = self.failing.iter().filter_map(|f| f.expect.as_deref());
        match (codes.next(), codes.next()) {
            (Some(code), None) => Some(code),
            _ => None,
        }
    }
}

/// Extracts the cases of a rule page's `## Example` section: `Ok(None)` when the page has
/// no such section; an error when the section is malformed (a block without a title, an
/// unknown attribute or language, a repeated title, `expect` after `Use instead:`, more
/// than one `Use instead:`, an unclosed fence).
pub fn example_cases(page: &str) -> Result<Option<Cases>, String> {
    let mut in_example = false;
    let mut seen_example = false;
    let mut after_use_instead = false;
    let mut failing: Vec<ExampleFile> = Vec::new();
    let mut fixed: Vec<ExampleFile> = Vec::new();
    let mut open: Option<ExampleFile> = None;
    for (index, line) in page.lines().enumerate() {
        let number = index + 1;
        if let Some(mut block) = open.take() {
            if line.trim_end() == "```" {
                if in_example {
                    let case = if after_use_instead {
                        &mut fixed
                    } else {
                        &mut failing
                    };
                    if case.iter().any(|f| f.title == block.title) {
                        return Err(format!(
                            "line {number}: `{}` is defined twice in one case",
                            block.title
                        ));
                    }
                    case.push(block);
                }
            } else {
                block.content.push_str(line);
                block.content.push('\n');
                open = Some(block);
            }
            continue;
        }
        if let Some(info) = line.strip_prefix("```") {
            let block = if in_example {
                parse_info(info, number)?
            } else {
                // Blocks outside `## Example` are prose; keep only their extent.
                ExampleFile {
                    lang: info.trim().to_string(),
                    title: String::new(),
                    content: String::new(),
                    expect: None,
                    line: number,
                }
            };
            if in_example && after_use_instead && block.expect.is_some() {
                return Err(format!("line {number}: `expect` after `Use instead:`"));
            }
            open = Some(block);
            continue;
        }
        if let Some(heading) = line.strip_prefix("## ") {
            in_example = heading.trim() == "Example";
            seen_example |= in_example;
            continue;
        }
        if in_example && line.trim() == "Use instead:" {
            if after_use_instead {
                return Err(format!("line {number}: a second `Use instead:`"));
            }
            after_use_instead = true;
        }
    }
    if let Some(block) = open {
        return Err(format!("line {}: the fence is never closed", block.line));
    }
    if !seen_example {
        return Ok(None);
    }
    let mut passing = fixed.clone();
    for file in &failing {
        if !fixed.iter().any(|f| f.title == file.title) {
            passing.push(ExampleFile {
                expect: None,
                ..file.clone()
            });
        }
    }
    Ok(Some(Cases { failing, passing }))
}

/// Parses an info string such as `json title="task-definition.json" expect="ECS101"`.
fn parse_info(info: &str, line: usize) -> Result<ExampleFile, String> {
    let info = info.trim();
    let (lang, mut rest) = info.split_once(' ').unwrap_or((info, ""));
    if lang != "json" && lang != "toml" {
        return Err(format!(
            "line {line}: only json and toml blocks may appear under `## Example`, found `{lang}`"
        ));
    }
    let mut title = None;
    let mut expect = None;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let Some((key, value_and_more)) = rest.split_once("=\"") else {
            return Err(format!("line {line}: malformed attribute in `{info}`"));
        };
        let Some((value, more)) = value_and_more.split_once('"') else {
            return Err(format!(
                "line {line}: unterminated attribute value in `{info}`"
            ));
        };
        let slot = match key {
            "title" => &mut title,
            "expect" => &mut expect,
            other => return Err(format!("line {line}: unknown attribute `{other}`")),
        };
        if slot.replace(value.to_string()).is_some() {
            return Err(format!("line {line}: attribute `{key}` given twice"));
        }
        rest = more;
    }
    let Some(title) = title else {
        return Err(format!("line {line}: an example block needs a `title`"));
    };
    if title.is_empty()
        || title.starts_with('.')
        || title.contains(['/', '\\'])
        || title.chars().any(char::is_whitespace)
    {
        return Err(format!("line {line}: `{title}` is not a plain file name"));
    }
    Ok(ExampleFile {
        lang: lang.to_string(),
        title,
        content: String::new(),
        expect,
        line,
    })
}

/// The `##` headings a page must have, in order.
fn required_sections(rule: Rule) -> [&'static [&'static str]; 5] {
    let why: &'static [&'static str] = match rule {
        Rule::BroadSecretAccess | Rule::PlaintextSecret => {
            &["Why is this bad?", "Why restrict this?"]
        }
        _ => &["Why is this bad?"],
    };
    [
        &["What it does"],
        why,
        &["Example"],
        &["How to fix"],
        &["References"],
    ]
}

/// Lines of `page` outside fenced blocks, with their 1-based numbers.
fn prose_lines(page: &str) -> Vec<(usize, &str)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (index, line) in page.lines().enumerate() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push((index + 1, line));
        }
    }
    out
}

/// Everything wrong with `page` as the documentation of `rule`; empty when it is well-formed.
fn page_problems(rule: Rule, page: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let prose = prose_lines(page);

    let h1 = format!("# {} ({})", rule.name(), rule.code());
    if page.lines().next() != Some(h1.as_str()) {
        problems.push(format!("the first line must be `{h1}`"));
    }
    if prose.iter().filter(|(_, l)| l.starts_with("# ")).count() != 1 {
        problems.push("there must be exactly one `# ` heading".to_string());
    }

    let severity = format!(
        "Default severity: **{}** · Since: {}",
        rule.default_severity().as_str(),
        rule.since()
    );
    let first_prose = page.lines().skip(1).find(|l| !l.trim().is_empty());
    if first_prose != Some(severity.as_str()) {
        problems.push(format!(
            "the line after the title must be `{severity}`, found {first_prose:?}"
        ));
    }

    let headings: Vec<&str> = prose
        .iter()
        .filter_map(|(_, l)| l.strip_prefix("## "))
        .map(str::trim)
        .collect();
    let required = required_sections(rule);
    let shape_ok = headings.len() == required.len()
        && headings
            .iter()
            .zip(required.iter())
            .all(|(found, allowed)| allowed.contains(found));
    if !shape_ok {
        problems.push(format!(
            "the `##` sections must be exactly {required:?} in this order, found {headings:?}"
        ));
    }

    let references: Vec<&str> = prose
        .iter()
        .map(|(_, l)| *l)
        .skip_while(|l| l.trim() != "## References")
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| !l.trim().is_empty())
        .collect();
    if references.is_empty() {
        problems.push("`## References` lists nothing".to_string());
    }
    for item in &references {
        if !item.starts_with("- ") || !item.contains("https://") {
            problems.push(format!(
                "a reference must be a `- ` item with an https link: `{item}`"
            ));
        }
    }

    match example_cases(page) {
        Err(e) => problems.push(e),
        Ok(None) => problems.push("the page has no `## Example` section".to_string()),
        Ok(Some(cases)) => problems.extend(case_problems(rule, &cases)),
    }
    problems
}

/// What is wrong with the example cases of `rule`'s page.
fn case_problems(rule: Rule, cases: &Cases) -> Vec<String> {
    let mut problems = Vec::new();
    if cases.failing.is_empty() {
        problems.push("the example has no failing blocks".to_string());
    }
    if cases.passing.len() == cases.failing.len()
        && cases
            .passing
            .iter()
            .zip(&cases.failing)
            .all(|(p, f)| p.title == f.title && p.content == f.content)
    {
        problems.push("the passing case is missing or identical to the failing one".to_string());
    }
    let expects: Vec<&ExampleFile> = cases
        .failing
        .iter()
        .filter(|f| f.expect.is_some())
        .collect();
    if expects.len() != 1 {
        problems.push(format!(
            "the failing case needs exactly one `expect=`, found {}",
            expects.len()
        ));
    }
    if let Some(code) = cases.expect()
        && code != rule.code()
    {
        problems.push(format!(
            "the failing case expects `{code}` but the page is {}",
            rule.code()
        ));
    }
    if cases.passing.iter().any(|f| f.expect.is_some()) {
        problems.push("the passing case must not carry `expect=`".to_string());
    }
    for file in cases.failing.iter().chain(&cases.passing) {
        let deliberately_broken = file.expect.as_deref() == Some(Rule::ParseError.code());
        let parsed = match file.lang.as_str() {
            "json" => ecslint::parse::json::parse(&file.content)
                .map(drop)
                .map_err(|e| e.message),
            "toml" => toml::from_str::<toml::Table>(&file.content)
                .map(drop)
                .map_err(|e| e.to_string()),
            other => Err(format!("unexpected language `{other}`")),
        };
        match (parsed, deliberately_broken) {
            (Ok(()), false) | (Err(_), true) => {}
            (Ok(()), true) => problems.push(format!(
                "line {}: `{}` is marked `expect=\"ECS001\"` but parses",
                file.line, file.title
            )),
            (Err(e), false) => problems.push(format!(
                "line {}: `{}` does not parse: {e}",
                file.line, file.title
            )),
        }
    }
    problems
}

fn rules_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

#[test]
fn every_rule_has_a_well_formed_page() {
    let mut report = Vec::new();
    for &rule in Rule::ALL {
        let file = format!("{}-{}.md", rule.code(), rule.name());
        let path = rules_dir().join(&file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            report.push(format!("{file}: missing"));
            continue;
        };
        if text != rule.doc() {
            report.push(format!("{file}: differs from `Rule::doc()`"));
        }
        for problem in page_problems(rule, &text) {
            report.push(format!("{file}: {problem}"));
        }
    }
    assert!(report.is_empty(), "rule pages:\n{}", report.join("\n"));
}

#[test]
fn no_orphan_pages() {
    let expected: BTreeSet<String> = Rule::ALL
        .iter()
        .map(|r| format!("{}-{}.md", r.code(), r.name()))
        .collect();
    let found: BTreeSet<String> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let orphans: Vec<&String> = found.difference(&expected).collect();
    assert!(
        orphans.is_empty(),
        "files in rules/ that no rule documents: {orphans:?}"
    );
    assert_eq!(
        expected.len(),
        Rule::ALL.len(),
        "two rules share a page name"
    );
}

#[test]
fn every_failing_case_names_its_own_rule_and_file() {
    for &rule in Rule::ALL {
        let cases = example_cases(rule.doc()).unwrap().unwrap();
        assert_eq!(cases.expect(), Some(rule.code()), "{rule}");
        // The passing case writes every file the failing case writes, plus its own.
        for file in &cases.failing {
            assert!(
                cases.passing.iter().any(|p| p.title == file.title),
                "{rule}: the passing case lost `{}`",
                file.title
            );
        }
    }
}

const GOOD_PAGE: &str = r#"# ecr-pull (ECS101)

Default severity: **error** · Since: 0.1.0

## What it does
Checks pulls.

## Why is this bad?
The task stops.

## Example
```json title="task-definition.json" expect="ECS101"
{"family": "web", "containerDefinitions": []}
```
```json title="exec-policy.json"
{"Version": "2012-10-17", "Statement": []}
```
Use instead:
```json title="exec-policy.json"
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}
```

## How to fix
Grant it.

## References
- [ECR on ECS](https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_ECS.html)
"#;

#[test]
fn a_good_page_passes_and_its_cases_are_extracted() {
    assert_eq!(
        page_problems(Rule::EcrPull, GOOD_PAGE),
        Vec::<String>::new()
    );
    let cases = example_cases(GOOD_PAGE).unwrap().unwrap();
    let titles = |files: &[ExampleFile]| files.iter().map(|f| f.title.clone()).collect::<Vec<_>>();
    assert_eq!(
        titles(&cases.failing),
        ["task-definition.json", "exec-policy.json"]
    );
    assert_eq!(
        titles(&cases.passing),
        ["exec-policy.json", "task-definition.json"]
    );
    assert_eq!(cases.expect(), Some("ECS101"));
    assert_eq!(cases.failing[0].lang, "json");
    assert_eq!(cases.failing[0].line, 12);
    assert_eq!(
        cases.failing[0].content,
        "{\"family\": \"web\", \"containerDefinitions\": []}\n"
    );
    assert!(cases.passing[0].content.contains("ecr:*"));
    assert!(cases.passing.iter().all(|f| f.expect.is_none()));
}

#[test]
fn each_kind_of_broken_page_is_caught() {
    let broken = |from: &str, to: &str| {
        assert!(GOOD_PAGE.contains(from), "{from}");
        page_problems(Rule::EcrPull, &GOOD_PAGE.replacen(from, to, 1))
    };
    let cases: &[(&str, &str, &str)] = &[
        (
            "# ecr-pull (ECS101)",
            "# ECR pull (ECS101)",
            "the first line",
        ),
        ("**error**", "**warning**", "the line after the title"),
        ("Since: 0.1.0", "Since: 0.2.0", "the line after the title"),
        (
            "## Why is this bad?",
            "## Why restrict this?",
            "`##` sections",
        ),
        ("## How to fix", "## Fix", "`##` sections"),
        (
            "## References\n",
            "## Notes\n\n## References\n",
            "`##` sections",
        ),
        (
            "- [ECR on ECS](https://",
            "- [ECR on ECS](http://",
            "https link",
        ),
        (" expect=\"ECS101\"", "", "exactly one `expect=`"),
        ("expect=\"ECS101\"", "expect=\"ECS103\"", "expects `ECS103`"),
        (
            "\"exec-policy.json\"\n{\"Version\": \"2012-10-17\", \"Statement\": [{",
            "\"exec-policy.json\" expect=\"ECS101\"\n{\"Version\": \"2012-10-17\", \"Statement\": [{",
            "after `Use instead:`",
        ),
        (
            "```json title=\"exec-policy.json\"\n{\"Version\": \"2012-10-17\", \"Statement\": []}",
            "```json\n{}",
            "needs a `title`",
        ),
        (
            "title=\"task-definition.json\"",
            "title=\"td/task-definition.json\"",
            "plain file name",
        ),
        (
            "title=\"task-definition.json\"",
            "name=\"task-definition.json\"",
            "unknown attribute",
        ),
        (
            "```json title=\"task-definition.json\"",
            "```yaml title=\"task-definition.json\"",
            "only json and toml",
        ),
        (
            "{\"family\": \"web\", \"containerDefinitions\": []}",
            "{\"family\": \"web\",}",
            "does not parse",
        ),
        (
            "Use instead:",
            "Use instead:\nUse instead:",
            "second `Use instead:`",
        ),
        (
            "\"exec-policy.json\"\n{\"Version\": \"2012-10-17\", \"Statement\": []}",
            "\"task-definition.json\"\n{}",
            "defined twice",
        ),
    ];
    for (from, to, expected) in cases {
        let problems = broken(from, to);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "replacing {from:?} with {to:?} should report {expected:?}, got {problems:?}"
        );
    }
    let fixed_block = "Use instead:\n```json title=\"exec-policy.json\"\n{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ecr:*\", \"Resource\": \"*\"}]}\n```\n";
    assert!(
        broken(fixed_block, "")
            .iter()
            .any(|p| p.contains("identical to the failing one"))
    );
    let no_example = GOOD_PAGE.replace("## Example", "## Examples");
    assert_eq!(example_cases(&no_example), Ok(None));
    let unclosed = format!("{GOOD_PAGE}```json title=\"x.json\"\n{{}}\n");
    assert!(
        page_problems(Rule::EcrPull, &unclosed)
            .iter()
            .any(|p| p.contains("never closed"))
    );
}

#[test]
fn a_parse_error_example_must_really_be_broken() {
    let page = Rule::ParseError.doc();
    let cases = example_cases(page).unwrap().unwrap();
    let broken = cases.failing.iter().find(|f| f.expect.is_some()).unwrap();
    assert!(ecslint::parse::json::parse(&broken.content).is_err());
    let fixed = page.replacen(" },\n  ]", " }\n  ]", 1);
    assert_ne!(fixed, page, "the broken block changed: update this test");
    assert!(
        page_problems(Rule::ParseError, &fixed)
            .iter()
            .any(|p| p.contains("marked `expect=\"ECS001\"` but parses")),
    );
}

#[test]
fn only_restriction_rules_may_say_why_restrict_this() {
    let page = GOOD_PAGE.replace("## Why is this bad?", "## Why restrict this?");
    assert!(!page_problems(Rule::EcrPull, &page).is_empty());
    let as_ecs204 = page
        .replace("# ecr-pull (ECS101)", "# plaintext-secret (ECS204)")
        .replace("**error**", "**warning**")
        .replace("ECS101", "ECS204");
    assert_eq!(
        page_problems(Rule::PlaintextSecret, &as_ecs204),
        Vec::<String>::new()
    );
}

/// Rules whose examples cannot run yet because the rule is not implemented. This list
/// must only shrink: the test fails when a listed rule's failing example starts to
/// report its finding.
const EXAMPLES_NOT_RUNNABLE_YET: &[Rule] = &[];

/// Whether an example file goes to `--policy`: its title says `policy` and it is a JSON
/// object with a top-level `Statement`.
fn is_policy_file(file: &ExampleFile) -> bool {
    file.lang == "json"
        && file.title.contains("policy")
        && serde_json::from_str::<serde_json::Value>(&file.content)
            .is_ok_and(|v| v.get("Statement").is_some())
}

/// Writes a case's files to a fresh directory and runs `ecslint check --select CODE
/// --format json` there; returns the codes found, or what went wrong.
fn run_example(rule: Rule, files: &[ExampleFile]) -> Result<Vec<String>, String> {
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        std::fs::write(dir.path().join(&file.title), &file.content).unwrap();
    }
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("ecslint"));
    cmd.current_dir(dir.path()).args([
        "check",
        "--select",
        rule.code(),
        "--format",
        "json",
        "--color",
        "never",
    ]);
    if !files.iter().any(|f| f.title == "ecslint.toml") {
        cmd.arg("--no-config");
    }
    for file in files.iter().filter(|f| is_policy_file(f)) {
        cmd.args(["--policy", &file.title]);
    }
    for file in files
        .iter()
        .filter(|f| !is_policy_file(f) && f.title != "ecslint.toml")
    {
        cmd.arg(&file.title);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2) || !stderr.is_empty() {
        return Err(format!(
            "the run failed ({:?}): {stderr}",
            out.status.code()
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    Ok(json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["pointer"].as_str().unwrap()
            )
        })
        .collect())
}

#[test]
fn every_example_runs_as_documented() {
    let mut problems = Vec::new();
    for &rule in Rule::ALL {
        let cases = example_cases(rule.doc()).unwrap().unwrap();
        let failing = run_example(rule, &cases.failing);
        let waiting = EXAMPLES_NOT_RUNNABLE_YET.contains(&rule);
        match (&failing, waiting) {
            (Ok(found), false) if found.len() == 1 && found[0].starts_with(rule.code()) => {}
            (Ok(found), false) => problems.push(format!(
                "{rule}: the failing example should give exactly one {rule} finding, got {found:?}"
            )),
            (Ok(found), true) if found.iter().any(|f| f.starts_with(rule.code())) => {
                problems.push(format!(
                    "{rule}: its example now reports: remove it from EXAMPLES_NOT_RUNNABLE_YET"
                ));
            }
            (Ok(_), true) => continue,
            (Err(e), _) => problems.push(format!("{rule}: failing example: {e}")),
        }
        match run_example(rule, &cases.passing) {
            Ok(found) if found.is_empty() => {}
            Ok(found) => problems.push(format!(
                "{rule}: the passing example should give no finding, got {found:?}"
            )),
            Err(e) => problems.push(format!("{rule}: passing example: {e}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn policy_files_are_told_apart() {
    let file = |title: &str, content: &str| ExampleFile {
        lang: "json".into(),
        title: title.into(),
        content: content.into(),
        expect: None,
        line: 1,
    };
    assert!(is_policy_file(&file(
        "exec-policy.json",
        r#"{"Statement": []}"#
    )));
    assert!(!is_policy_file(&file("trust.json", r#"{"Statement": []}"#)));
    assert!(!is_policy_file(&file(
        "get-role-policy.json",
        r#"{"RoleName": "r", "PolicyDocument": {"Statement": []}}"#
    )));
}
