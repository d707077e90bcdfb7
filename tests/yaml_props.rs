//! Property test: in random small documents built from scalars, every scalar's span
//! slices back to text that parses to the same value, and values are what was written.

use std::fmt::Write as _;

use ecslint::parse::{Node, Span, Value, yaml};
use proptest::prelude::*;

/// A scalar as written in YAML, and the value it must read as.
#[derive(Debug, Clone)]
struct Scalar {
    text: String,
    value: Value,
    /// Whether it may appear inside a flow collection.
    flow_ok: bool,
}

fn plain_word() -> impl Strategy<Value = Scalar> {
    "[a-zA-Z][a-zA-Z0-9_./]{0,8}".prop_map(|w| {
        let value = match w.as_str() {
            "null" | "Null" | "NULL" => Value::Null,
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            _ => Value::String(w.clone().into()),
        };
        Scalar {
            text: w,
            value,
            flow_ok: true,
        }
    })
}

fn keyword() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        Just(("~", Value::Null)),
        Just(("null", Value::Null)),
        Just(("true", Value::Bool(true))),
        Just(("False", Value::Bool(false))),
        Just((".inf", Value::Number(".inf".into()))),
        Just(("0x1F", Value::Number("0x1F".into()))),
        Just(("yes", Value::String("yes".into()))),
    ]
    .prop_map(|(t, value)| Scalar {
        text: t.to_string(),
        value,
        flow_ok: true,
    })
}

fn number() -> impl Strategy<Value = Scalar> {
    "-?[0-9]{1,6}(\\.[0-9]{1,3})?(e[0-9])?".prop_map(|n| Scalar {
        value: Value::Number(n.clone().into()),
        text: n,
        flow_ok: true,
    })
}

fn single_quoted() -> impl Strategy<Value = Scalar> {
    "[ -~éü😀]{0,12}".prop_map(|s| Scalar {
        text: format!("'{}'", s.replace('\'', "''")),
        value: Value::String(s.into()),
        flow_ok: true,
    })
}

fn double_quoted() -> impl Strategy<Value = Scalar> {
    "[ -~é\t\n]{0,12}".prop_map(|s| {
        // JSON string syntax is valid YAML double-quoted syntax.
        let text = serde_json::to_string(&s).unwrap_or_default();
        Scalar {
            text,
            value: Value::String(s.into()),
            flow_ok: true,
        }
    })
}

/// A literal or folded block scalar; `{i}` stands for the indentation of its lines.
fn block() -> impl Strategy<Value = Scalar> {
    (
        prop::collection::vec("[a-z][a-z ]{0,8}[a-z]", 1..4),
        prop_oneof![Just("|"), Just("|-"), Just(">")],
    )
        .prop_map(|(lines, ind)| {
            let body = lines.iter().fold(String::new(), |mut acc, l| {
                let _ = writeln!(acc, "{{i}}{l}");
                acc
            });
            let value = match ind {
                "|" => format!("{}\n", lines.join("\n")),
                "|-" => lines.join("\n"),
                _ => format!("{}\n", lines.join(" ")),
            };
            Scalar {
                text: format!("{ind}\n{}", body.trim_end_matches('\n')),
                value: Value::String(value.into()),
                flow_ok: false,
            }
        })
}

fn scalar() -> impl Strategy<Value = Scalar> {
    let base = prop_oneof![
        3 => plain_word(),
        1 => keyword(),
        2 => number(),
        2 => single_quoted(),
        2 => double_quoted(),
        1 => block(),
    ];
    (base, prop::option::weighted(0.3, "(Ref|GetAtt|Sub|Base64)")).prop_map(|(s, tag)| match tag {
        Some(t) => Scalar {
            text: format!("!{t} {}", s.text),
            value: Value::Tagged(t.into(), Box::new(Node::new(s.value, Span::default()))),
            flow_ok: s.flow_ok,
        },
        None => s,
    })
}

/// Builds a document; returns it with the scalars in source order.
fn document(layout: u8, scalars: &[Scalar], crlf: bool, preamble: bool) -> (String, Vec<Scalar>) {
    let mut out = String::new();
    if preamble {
        out.push_str("# préambule — ✓\n");
    }
    let used: Vec<Scalar> = match layout {
        // Flow sequence inside a mapping.
        2 => scalars.iter().filter(|s| s.flow_ok).cloned().collect(),
        _ => scalars.to_vec(),
    };
    match layout {
        0 => {
            for (i, s) in used.iter().enumerate() {
                let text = s.text.replace("{i}", "  ");
                let _ = writeln!(out, "k{i}: {text}");
            }
        }
        1 => {
            out.push_str("Root:\n");
            for s in &used {
                let text = s.text.replace("{i}", "    ");
                let _ = writeln!(out, "  - {text}");
            }
        }
        _ => {
            let texts: Vec<&str> = used.iter().map(|s| s.text.as_str()).collect();
            let _ = write!(out, "Root: [{}]\nEnd: 1\n", texts.join(", "));
        }
    }
    if crlf {
        out = out.replace('\n', "\r\n");
    }
    (out, used)
}

/// Scalars (and tagged scalars) in source order.
fn leaves<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
    match &n.value {
        Value::Object(ms) => ms.iter().for_each(|m| leaves(&m.value, out)),
        Value::Array(xs) => xs.iter().for_each(|x| leaves(x, out)),
        _ => out.push(n),
    }
}

/// Equality that ignores the spans inside tagged values.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Tagged(t1, i1), Value::Tagged(t2, i2)) => t1 == t2 && same(&i1.value, &i2.value),
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn scalar_spans_slice_back_to_their_value(
        layout in 0u8..3,
        scalars in prop::collection::vec(scalar(), 1..8),
        crlf: bool,
        preamble: bool,
    ) {
        let (src, used) = document(layout, &scalars, crlf, preamble);
        let root = yaml::parse(&src).map_err(|e| TestCaseError::fail(format!("{src:?}: {e:?}")))?;
        let mut found = Vec::new();
        leaves(&root, &mut found);
        if layout == 2 {
            // The trailing `End: 1`.
            found.pop();
        }
        prop_assert_eq!(found.len(), used.len(), "{:?}", src);
        for (node, want) in found.iter().zip(&used) {
            prop_assert!(same(&node.value, &want.value), "{:?}: {:?} vs {:?}", src, node.value, want.value);
            let slice = &src[node.span.range()];
            // Reparse the slice alone (a block scalar needs its final line break back).
            let again = yaml::parse(&format!("{slice}\n"))
                .map_err(|e| TestCaseError::fail(format!("{slice:?} from {src:?}: {e:?}")))?;
            prop_assert!(same(&again.value, &node.value), "{:?} reparses to {:?}", slice, again.value);
            if let Value::Tagged(_, inner) = &node.value {
                prop_assert!(inner.span.start > node.span.start && inner.span.end == node.span.end);
                let inner_slice = &src[inner.span.range()];
                let again = yaml::parse(&format!("{inner_slice}\n"))
                    .map_err(|e| TestCaseError::fail(format!("{inner_slice:?}: {e:?}")))?;
                prop_assert_eq!(&again.value, &inner.value);
            }
        }
    }
}
