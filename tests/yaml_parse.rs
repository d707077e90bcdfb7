//! The YAML front end: values, spans, tags, errors.

// Test helpers panic on purpose: that is how a test fails.
#![allow(clippy::panic)]

use std::fmt::Write as _;

use ecslint::parse::{MAX_DEPTH, Node, ParseError, Value, yaml};

fn parse(src: &str) -> Node {
    match yaml::parse(src) {
        Ok(n) => n,
        Err(e) => panic!("{src:?} should parse: {e:?}"),
    }
}

fn err(src: &str) -> ParseError {
    match yaml::parse(src) {
        Ok(n) => panic!("{src:?} should not parse, got {n:?}"),
        Err(e) => e,
    }
}

fn text<'a>(src: &'a str, n: &Node) -> &'a str {
    &src[n.span.range()]
}

/// The tag and inner node of a tagged node.
fn tagged(n: &Node) -> (&str, &Node) {
    match &n.value {
        Value::Tagged(t, inner) => (t, inner),
        other => panic!("expected a tagged node, got {other:?}"),
    }
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn num(v: &str) -> Value {
    Value::Number(v.into())
}

#[test]
fn short_form_tags_in_scalar_form() {
    let cases = [
        ("Ref", "!Ref TaskRole", "TaskRole", s("TaskRole")),
        ("GetAtt", "!GetAtt Role.Arn", "Role.Arn", s("Role.Arn")),
        (
            "Sub",
            "!Sub 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/x'",
            "'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/x'",
            s("arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/x"),
        ),
        ("Sub", "!Sub \"${A}-b\"", "\"${A}-b\"", s("${A}-b")),
        (
            "ImportValue",
            "!ImportValue Shared-Vpc",
            "Shared-Vpc",
            s("Shared-Vpc"),
        ),
        ("Base64", "!Base64 hello", "hello", s("hello")),
        ("GetAZs", "!GetAZs ''", "''", s("")),
        ("GetAZs", "!GetAZs us-east-1", "us-east-1", s("us-east-1")),
        ("Condition", "!Condition IsProd", "IsProd", s("IsProd")),
        (
            "Ref",
            "!Ref AWS::NoValue",
            "AWS::NoValue",
            s("AWS::NoValue"),
        ),
        ("Select", "!Select 0", "0", num("0")),
    ];
    for (tag, written, inner_text, inner_value) in cases {
        let src = format!("Resources:\n  X:\n    Value: {written}\n    Next: 1\n");
        let root = parse(&src);
        let node = root
            .get("Resources")
            .and_then(|r| r.get("X"))
            .and_then(|x| x.get("Value"))
            .unwrap();
        assert_eq!(text(&src, node), written, "{written}");
        let (t, inner) = tagged(node);
        assert_eq!(t, tag);
        assert_eq!(text(&src, inner), inner_text, "{written}");
        assert_eq!(inner.value, inner_value, "{written}");
    }
}

#[test]
fn short_form_tags_in_sequence_and_mapping_form() {
    let cases = [
        ("GetAtt", "!GetAtt [Role, Arn]", 2),
        ("Sub", "!Sub ['${Var}-x', {Var: !Ref X}]", 2),
        ("Join", "!Join [':', [!Ref Repo, latest]]", 2),
        ("If", "!If [IsProd, !Ref A, !Ref 'AWS::NoValue']", 3),
        ("Select", "!Select [0, !GetAZs '']", 2),
        ("Split", "!Split [',', !ImportValue Subnets]", 2),
        (
            "FindInMap",
            "!FindInMap [RegionMap, !Ref 'AWS::Region', Ami]",
            3,
        ),
        ("Equals", "!Equals [!Ref Env, prod]", 2),
        ("Not", "!Not [!Condition IsProd]", 1),
        ("And", "!And [!Condition A, !Condition B]", 2),
        ("Or", "!Or [!Condition A, !Equals [a, b]]", 2),
        ("Cidr", "!Cidr [!GetAtt Vpc.CidrBlock, 6, 5]", 3),
        ("GetAZs", "!GetAZs [x]", 1),
        ("Base64", "!Base64 [x]", 1),
        ("ImportValue", "!ImportValue [x]", 1),
        ("Ref", "!Ref [x]", 1),
        ("Condition", "!Condition [x]", 1),
        ("Transform", "!Transform [x]", 1),
    ];
    for (tag, written, len) in cases {
        let src = format!("Value: {written}\nNext: 1\n");
        let root = parse(&src);
        let node = root.get("Value").unwrap();
        assert_eq!(text(&src, node), written);
        let (t, inner) = tagged(node);
        assert_eq!(t, tag);
        assert_eq!(text(&src, inner), &written[tag.len() + 2..], "{written}");
        assert_eq!(inner.as_array().unwrap().len(), len, "{written}");
    }

    // Mapping form and nested tags inside flow collections.
    let src = "T: !Transform {Name: AWS::Include, Parameters: {Location: !Sub 's3://${B}/x'}}\n";
    let root = parse(src);
    let (t, inner) = tagged(root.get("T").unwrap());
    assert_eq!(t, "Transform");
    assert_eq!(
        text(src, inner),
        "{Name: AWS::Include, Parameters: {Location: !Sub 's3://${B}/x'}}"
    );
    let loc = inner.get("Parameters").unwrap().get("Location").unwrap();
    assert_eq!(text(src, loc), "!Sub 's3://${B}/x'");
    assert_eq!(text(src, tagged(loc).1), "'s3://${B}/x'");

    let src = "V: !Sub ['${Var}-x', {Var: !Ref X}]";
    let root = parse(src);
    let items = tagged(root.get("V").unwrap()).1.as_array().unwrap();
    assert_eq!(text(src, &items[0]), "'${Var}-x'");
    assert_eq!(text(src, &items[1]), "{Var: !Ref X}");
    let var = items[1].get("Var").unwrap();
    assert_eq!(text(src, var), "!Ref X");
}

#[test]
fn short_form_tags_in_block_form() {
    let src = "\
Image: !Join
  - ':'
  - - !Ref Repo
    - latest
Env: !If
  - IsProd   # comment with !Ref inside
  - prod
  - dev
Cmd: !Sub
  - 'echo ${X}'
  - X: !GetAtt [A, B]
Data: !Base64 |
  #!/bin/bash
  echo hi

Last: x
";
    let root = parse(src);
    let image = root.get("Image").unwrap();
    assert_eq!(
        text(src, image),
        "!Join\n  - ':'\n  - - !Ref Repo\n    - latest"
    );
    let (_, inner) = tagged(image);
    assert_eq!(text(src, inner), "- ':'\n  - - !Ref Repo\n    - latest");
    let parts = inner.as_array().unwrap();
    assert_eq!(text(src, &parts[1]), "- !Ref Repo\n    - latest");
    assert_eq!(text(src, &parts[1].as_array().unwrap()[0]), "!Ref Repo");

    let env = root.get("Env").unwrap();
    assert_eq!(
        text(src, env),
        "!If\n  - IsProd   # comment with !Ref inside\n  - prod\n  - dev"
    );
    let (t, inner) = tagged(env);
    assert_eq!(t, "If");
    assert_eq!(text(src, &inner.as_array().unwrap()[1]), "prod");

    let cmd = root.get("Cmd").unwrap();
    let x = tagged(cmd).1.as_array().unwrap()[1].get("X").unwrap();
    assert_eq!(text(src, x), "!GetAtt [A, B]");

    let data = root.get("Data").unwrap();
    assert_eq!(text(src, data), "!Base64 |\n  #!/bin/bash\n  echo hi");
    let (_, inner) = tagged(data);
    assert_eq!(text(src, inner), "|\n  #!/bin/bash\n  echo hi");
    assert_eq!(inner.value, s("#!/bin/bash\necho hi\n"));
}

#[test]
fn long_forms_are_plain_mappings() {
    let src = "A: {\"Fn::GetAtt\": [Role, Arn]}\nB:\n  Fn::Sub: '${X}'\nC: {Ref: X}\n";
    let root = parse(src);
    let a = root.get("A").unwrap();
    assert_eq!(text(src, a), "{\"Fn::GetAtt\": [Role, Arn]}");
    let m = &a.as_object().unwrap()[0];
    assert_eq!(&*m.key, "Fn::GetAtt");
    assert_eq!(&src[m.key_span.range()], "\"Fn::GetAtt\"");
    let b = root.get("B").unwrap();
    assert_eq!(text(src, b), "Fn::Sub: '${X}'");
    assert_eq!(b.get("Fn::Sub").unwrap().value, s("${X}"));
    assert_eq!(root.get("C").unwrap().get("Ref").unwrap().value, s("X"));
}

#[test]
fn plain_scalars_resolve_per_core_schema() {
    let cases = [
        ("null", Value::Null),
        ("Null", Value::Null),
        ("NULL", Value::Null),
        ("~", Value::Null),
        ("true", Value::Bool(true)),
        ("True", Value::Bool(true)),
        ("TRUE", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("False", Value::Bool(false)),
        ("FALSE", Value::Bool(false)),
        ("0", num("0")),
        ("-12", num("-12")),
        ("+7", num("+7")),
        ("012345678901", num("012345678901")),
        ("0x1F", num("0x1F")),
        ("0o17", num("0o17")),
        ("1.5", num("1.5")),
        (".5", num(".5")),
        ("1.", num("1.")),
        ("1e3", num("1e3")),
        ("-2.5E-3", num("-2.5E-3")),
        (".inf", num(".inf")),
        ("-.Inf", num("-.Inf")),
        (".nan", num(".nan")),
        ("yes", s("yes")),
        ("no", s("no")),
        ("on", s("on")),
        ("nULL", s("nULL")),
        ("tRUE", s("tRUE")),
        ("2010-09-09", s("2010-09-09")),
        ("0x", s("0x")),
        ("0o8", s("0o8")),
        ("1e", s("1e")),
        ("1.2.3", s("1.2.3")),
        (".", s(".")),
        ("-x", s("-x")),
        ("+.nan", s("+.nan")),
        ("1_000", s("1_000")),
        ("inf", s("inf")),
        ("arn:aws:iam::123:role/x", s("arn:aws:iam::123:role/x")),
    ];
    for (written, expected) in cases {
        let src = format!("k: {written}\n");
        let root = parse(&src);
        let v = root.get("k").unwrap();
        assert_eq!(v.value, expected, "{written}");
        assert_eq!(text(&src, v), written);
    }
    // An empty value is null with a zero-width span.
    let src = "a:\nb: 1\n";
    let a = parse(src).get("a").cloned().unwrap();
    assert!(a.is_null());
    assert_eq!(a.span.start, a.span.end);
}

#[test]
fn quoted_scalars_are_strings_with_their_quotes() {
    let src =
        "a: 'true'\nb: \"123\"\nc: 'it''s'\nd: \"tab\\there \\u00e9\"\ne: ''\nf: 'multi\n  line'\n";
    let root = parse(src);
    let want = [
        ("a", "'true'", "true"),
        ("b", "\"123\"", "123"),
        ("c", "'it''s'", "it's"),
        ("d", "\"tab\\there \\u00e9\"", "tab\there é"),
        ("e", "''", ""),
        ("f", "'multi\n  line'", "multi line"),
    ];
    for (k, written, value) in want {
        let n = root.get(k).unwrap();
        assert_eq!(text(src, n), written);
        assert_eq!(n.value, s(value));
    }
}

#[test]
fn block_scalars_span_indicator_to_last_content_line() {
    let src = "a: |\n  one\n  two\n\nb: >-\n  folded\n  text\n\n\nc: |+ # keep\n  kept\n\nd: |\ne: |2\n    indented\n";
    let root = parse(src);
    let lit = root.get("a").unwrap();
    assert_eq!(text(src, lit), "|\n  one\n  two");
    assert_eq!(lit.value, s("one\ntwo\n"));
    let fold = root.get("b").unwrap();
    assert_eq!(text(src, fold), ">-\n  folded\n  text");
    assert_eq!(fold.value, s("folded text"));
    let keep = root.get("c").unwrap();
    assert_eq!(text(src, keep), "|+ # keep\n  kept");
    assert_eq!(keep.value, s("kept\n\n"));
    let empty = root.get("d").unwrap();
    assert_eq!(text(src, empty), "|");
    assert_eq!(empty.value, s(""));
    let ind = root.get("e").unwrap();
    assert_eq!(text(src, ind), "|2\n    indented");
    assert_eq!(ind.value, s("  indented\n"));
}

#[test]
fn crlf_line_endings_give_byte_spans() {
    let src = "Resources:\r\n  Task:\r\n    Role: !GetAtt [Role, Arn]\r\n    Data: !Base64 |\r\n      #!/bin/bash\r\n      echo hi\r\n    Name: 'x'\r\n";
    let root = parse(src);
    let task = root.get("Resources").unwrap().get("Task").unwrap();
    assert_eq!(text(src, task.get("Role").unwrap()), "!GetAtt [Role, Arn]");
    let data = task.get("Data").unwrap();
    assert_eq!(
        text(src, data),
        "!Base64 |\r\n      #!/bin/bash\r\n      echo hi"
    );
    assert_eq!(tagged(data).1.value, s("#!/bin/bash\necho hi\n"));
    assert_eq!(text(src, task.get("Name").unwrap()), "'x'");
    assert_eq!(
        text(src, task),
        "Role: !GetAtt [Role, Arn]\r\n    Data: !Base64 |\r\n      #!/bin/bash\r\n      echo hi\r\n    Name: 'x'"
    );
}

#[test]
fn non_ascii_text_before_nodes_gives_byte_spans() {
    let src = "# Überblick — déploiement 🚀\nDescription: 'Größe ✓'\nTags: [ä, !Ref ö, \"😀\"]\nLast: !Sub 'ü${X}'\n";
    let root = parse(src);
    let d = root.get("Description").unwrap();
    assert_eq!(text(src, d), "'Größe ✓'");
    assert_eq!(d.value, s("Größe ✓"));
    let tags = root.get("Tags").unwrap();
    assert_eq!(text(src, tags), "[ä, !Ref ö, \"😀\"]");
    let items = tags.as_array().unwrap();
    assert_eq!(text(src, &items[0]), "ä");
    assert_eq!(text(src, &items[1]), "!Ref ö");
    assert_eq!(text(src, tagged(&items[1]).1), "ö");
    assert_eq!(text(src, &items[2]), "\"😀\"");
    assert_eq!(text(src, root.get("Last").unwrap()), "!Sub 'ü${X}'");
    let m = root.member("Last").unwrap();
    assert_eq!(&src[m.key_span.range()], "Last");
}

#[test]
fn bom_is_skipped_and_offsets_stay_in_file_bytes() {
    let src = "\u{feff}a: !Ref b\n";
    let root = parse(src);
    let m = &root.as_object().unwrap()[0];
    assert_eq!(&*m.key, "a");
    assert_eq!(m.key_span.start, 3);
    assert_eq!(text(src, &m.value), "!Ref b");
}

#[test]
fn duplicate_keys_are_kept() {
    let src = "a: 1\nb: 2\na: 3\n";
    let root = parse(src);
    assert_eq!(root.as_object().unwrap().len(), 3);
    assert_eq!(root.get("a").unwrap().value, num("3"));
    let dups = root.duplicate_keys();
    assert_eq!(dups.len(), 1);
    assert_eq!(&src[dups[0].key_span.range()], "a");
    assert_eq!(dups[0].key_span.start, 0);
}

#[test]
fn mapping_keys_are_strings() {
    let src = "123: a\ntrue: b\n\"q\": c\n~: d\n!!str 7: e\n? explicit\n: f\n";
    let root = parse(src);
    let keys: Vec<&str> = root.as_object().unwrap().iter().map(|m| &*m.key).collect();
    assert_eq!(keys, ["123", "true", "q", "~", "7", "explicit"]);
    let spans: Vec<&str> = root
        .as_object()
        .unwrap()
        .iter()
        .map(|m| &src[m.key_span.range()])
        .collect();
    assert_eq!(spans, ["123", "true", "\"q\"", "~", "7", "explicit"]);
}

#[test]
fn non_scalar_keys_are_errors() {
    for src in ["? [a, b]\n: c\n", "{a: 1}: x\n", "x:\n  ? {a: 1}\n  : y\n"] {
        let e = err(src);
        assert!(e.message.contains("key must be a scalar"), "{src}: {e:?}");
    }
    let e = err("x:\n  ? [a]\n  : y\n");
    assert_eq!(e.pointer, "/x");
    assert_eq!(e.span.start, 7);
    let e = err("!Ref a: b\n");
    assert!(e.message.contains("cannot have a tag"), "{e:?}");
}

#[test]
fn nested_flow_collections() {
    let src = "x: [[1, [2, {a: [3, {}], b: []}]], {c: [d, e]}]\n";
    let root = parse(src);
    let x = root.get("x").unwrap();
    assert_eq!(text(src, x), "[[1, [2, {a: [3, {}], b: []}]], {c: [d, e]}]");
    let outer = x.as_array().unwrap();
    assert_eq!(text(src, &outer[0]), "[1, [2, {a: [3, {}], b: []}]]");
    let inner = &outer[0].as_array().unwrap()[1];
    assert_eq!(text(src, inner), "[2, {a: [3, {}], b: []}]");
    let map = &inner.as_array().unwrap()[1];
    assert_eq!(text(src, map), "{a: [3, {}], b: []}");
    assert_eq!(text(src, map.get("a").unwrap()), "[3, {}]");
    assert_eq!(text(src, map.get("b").unwrap()), "[]");
    assert_eq!(text(src, &outer[1]), "{c: [d, e]}");
    // A single-pair mapping inside a flow sequence has no braces.
    let src = "[a: 1, b]";
    let root = parse(src);
    let items = root.as_array().unwrap();
    assert_eq!(text(src, &items[0]), "a: 1");
    assert_eq!(items[0].get("a").unwrap().value, num("1"));
    assert_eq!(text(src, &root), src);
}

#[test]
fn block_collection_spans() {
    let src = "# head\nRoot:\n  - a: 1\n    b: [x]   # trailing\n  - - y\n    - z\n# tail\n";
    let root = parse(src);
    assert_eq!(
        text(src, &root),
        "Root:\n  - a: 1\n    b: [x]   # trailing\n  - - y\n    - z"
    );
    let seq = root.get("Root").unwrap();
    assert_eq!(
        text(src, seq),
        "- a: 1\n    b: [x]   # trailing\n  - - y\n    - z"
    );
    let items = seq.as_array().unwrap();
    assert_eq!(text(src, &items[0]), "a: 1\n    b: [x]");
    assert_eq!(text(src, &items[1]), "- y\n    - z");
    // An indentless sequence.
    let src = "k:\n- a\n- b\nl: 1\n";
    let k = parse(src).get("k").cloned().unwrap();
    assert_eq!(text(src, &k), "- a\n- b");
}

#[test]
fn explicit_core_tags_are_resolved() {
    let src = "a: !!str 123\nb: !!int \"7\"\nc: !!bool true\nd: !!null ''\ne: !!float 1\nf: !!map {x: 1}\ng: !!seq [1]\nh: ! 12\n";
    let root = parse(src);
    assert_eq!(root.get("a").unwrap().value, s("123"));
    assert_eq!(text(src, root.get("a").unwrap()), "123");
    assert_eq!(root.get("b").unwrap().value, num("7"));
    assert_eq!(root.get("c").unwrap().value, Value::Bool(true));
    assert_eq!(root.get("d").unwrap().value, Value::Null);
    assert_eq!(root.get("e").unwrap().value, num("1"));
    assert!(root.get("f").unwrap().is_object());
    assert_eq!(root.get("g").unwrap().as_array().unwrap().len(), 1);
    assert_eq!(root.get("h").unwrap().value, s("12"));
    assert!(err("a: !!bool yes\n").message.contains("!!bool"));
    assert!(err("a: !!int x\n").message.contains("!!int"));
    assert!(err("a: !!seq {x: 1}\n").message.contains("!!seq"));
}

#[test]
fn local_tags_keep_their_name_verbatim() {
    let src = "a: !Custom::Thing x\nb: !<!Ref> y\nc: !Ref\nd: &anc !Ref z\ne: !Ref &anc2 w\n";
    let root = parse(src);
    assert_eq!(tagged(root.get("a").unwrap()).0, "Custom::Thing");
    assert_eq!(tagged(root.get("b").unwrap()).0, "Ref");
    // A tag with no value: the inner node is an empty null right after the tag.
    let c = root.get("c").unwrap();
    assert_eq!(text(src, c), "!Ref");
    let (_, inner) = tagged(c);
    assert!(inner.is_null());
    assert_eq!(inner.span.start, inner.span.end);
    assert_eq!(inner.span.start, c.span.end);
    let d = root.get("d").unwrap();
    assert_eq!(text(src, d), "!Ref z");
    assert_eq!(text(src, tagged(d).1), "z");
    let e = root.get("e").unwrap();
    assert_eq!(text(src, e), "!Ref &anc2 w");
    assert_eq!(text(src, tagged(e).1), "w");
}

#[test]
fn aliases_clone_the_anchored_node_with_its_spans() {
    let src =
        "base: &b\n  Image: nginx\n  Role: !Ref R\nother: *b\nlist: [&s one, *s]\n*s : keyed\n";
    let root = parse(src);
    let base = root.get("base").unwrap();
    let other = root.get("other").unwrap();
    assert_eq!(other, base);
    assert_eq!(text(src, other), "Image: nginx\n  Role: !Ref R");
    let list = root.get("list").unwrap().as_array().unwrap();
    assert_eq!(list[1].value, s("one"));
    assert_eq!(text(src, &list[1]), "one");
    let m = root.member("one").unwrap();
    assert_eq!(&src[m.key_span.range()], "*s");
    assert_eq!(m.value.value, s("keyed"));
    let e = err("a: &x [1, *x]\n");
    assert!(e.message.contains("contains it"), "{e:?}");
    assert_eq!(e.pointer, "/a/1");
    assert!(err("a: *nope\n").message.contains("unknown anchor"));
}

#[test]
fn merge_keys_are_applied() {
    let src = "base: &b {Cpu: 256, Memory: 512}\nextra: &e {Family: f, Cpu: 1}\ntask:\n  <<: [*b, *e]\n  Memory: 1024\nquoted:\n  '<<': *b\n";
    let root = parse(src);
    let task = root.get("task").unwrap();
    let keys: Vec<&str> = task.as_object().unwrap().iter().map(|m| &*m.key).collect();
    assert_eq!(keys, ["Cpu", "Family", "Memory"]);
    assert_eq!(task.get("Cpu").unwrap().value, num("256"));
    assert_eq!(task.get("Memory").unwrap().value, num("1024"));
    assert!(task.duplicate_keys().is_empty());
    // Merged members keep the spans of the text that defines them.
    assert_eq!(
        &src[task.member("Family").unwrap().key_span.range()],
        "Family"
    );
    assert_eq!(text(src, task.get("Cpu").unwrap()), "256");
    // A quoted key is not a merge key.
    let quoted = root.get("quoted").unwrap();
    assert!(quoted.get("<<").unwrap().is_object());
    // A merge of something that is not a mapping stays a literal member.
    let root = parse("a:\n  <<: 3\n");
    assert_eq!(root.get("a").unwrap().get("<<").unwrap().value, num("3"));
}

#[test]
fn billion_laughs_is_an_error() {
    let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        let _ = writeln!(
            src,
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
        );
    }
    let e = err(&src);
    assert!(e.message.contains("too many nodes"), "{e:?}");
    // Modest reuse is fine.
    let ok = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\nc: [*a, *a]\n";
    assert_eq!(parse(ok).get("b").unwrap().as_array().unwrap().len(), 3);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 100_000;
    let e = err(&"[".repeat(n));
    assert!(e.message.contains("nesting deeper than"), "{e:?}");
    let e = err(&"{a: ".repeat(n));
    assert!(e.message.contains("nesting deeper than"), "{e:?}");
    let e = err(&"- ".repeat(n));
    assert_eq!(e.message, format!("nesting deeper than {MAX_DEPTH} levels"));
    let e = err(&"? ".repeat(n));
    assert!(
        e.message.contains("nesting deeper than") || e.message.contains("key must be a scalar"),
        "{e:?}"
    );
    // Block mappings, indented one more space per level.
    let mut src = String::new();
    for i in 0..(MAX_DEPTH + 10) {
        src.push_str(&" ".repeat(i));
        src.push_str("a:\n");
    }
    let e = err(&src);
    assert_eq!(e.message, format!("nesting deeper than {MAX_DEPTH} levels"));
    assert!(e.pointer.starts_with("/a/a/a/"));
    // Sequences nested to exactly the limit parse.
    let ok = format!("{}x\n", "- ".repeat(MAX_DEPTH));
    let mut node = &parse(&ok);
    let mut depth = 0;
    while let Some(items) = node.as_array() {
        depth += 1;
        node = &items[0];
    }
    assert_eq!(depth, MAX_DEPTH);
    assert!(yaml::parse(&format!("{}x\n", "- ".repeat(MAX_DEPTH + 1))).is_err());
}

#[test]
fn one_document_only() {
    let e = err("a: 1\n---\nb: 2\n");
    assert_eq!(e.message, "more than one YAML document in the file");
    assert_eq!(e.span.start, 5);
    assert_eq!(e.span.end, 8);
    // Empty documents around the one that counts are fine.
    assert_eq!(parse("---\na: 1\n...\n").get("a").unwrap().value, num("1"));
    assert_eq!(parse("a: 1\n---\n").get("a").unwrap().value, num("1"));
    assert_eq!(
        parse("---\n# nothing\n---\na: 1\n").get("a").unwrap().value,
        num("1")
    );
    let root = parse("%YAML 1.2\n--- !Ref x\n");
    assert_eq!(tagged(&root).0, "Ref");
}

#[test]
fn empty_file_is_an_error() {
    for src in [
        "",
        "   \n",
        "# only a comment\n# and another\n",
        "---\n",
        "---\n...\n",
        "\u{feff}",
    ] {
        assert_eq!(err(src).message, "the file is empty", "{src:?}");
    }
    // An explicit null is not empty.
    assert!(parse("~").is_null());
}

#[test]
fn error_pointers_and_spans() {
    let src = "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Family: 'unterminated\n";
    let e = err(src);
    assert_eq!(e.pointer, "/Resources/Task/Properties/Family");
    assert_eq!(&src[e.span.range()], "'");
    assert!(e.message.contains("quoted scalar"), "{e:?}");

    // Bad indentation: saphyr has closed `Properties` when it sees the misplaced key.
    let src = "Resources:\n  Task:\n    Properties:\n      Cpu: 1\n     Bad: 2\n";
    let e = err(src);
    assert_eq!(e.pointer, "/Resources/Task");

    let src = "a:\n\t- b\n";
    let e = err(src);
    assert!(e.message.contains("tab"), "{e:?}");
    assert_eq!(e.pointer, "/a");

    let src = "a: [b, c\nd: 1\n";
    assert_eq!(err(src).pointer, "/a");

    let src = "list:\n  - x\n  - {a: [1, 2}\n";
    let e = err(src);
    assert_eq!(e.pointer, "/list/1/a");

    // Non-ASCII before the error: the span is in bytes.
    let src = "d: 'é'\ne: \"open\n";
    let e = err(src);
    assert_eq!(&src[e.span.range()], "\"");
    assert_eq!(e.pointer, "/e");

    let src = "a: b\nc\n";
    assert_eq!(err(src).pointer, "");
}
