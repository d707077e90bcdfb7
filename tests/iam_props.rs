//! The action and resource matchers against a regex reference built from R14 and R22.
#![allow(clippy::unwrap_used)] // test helpers

use ecslint::iam::matcher::{Pattern, action_matches};
use proptest::prelude::*;

/// R14: `*` any sequence, `?` one character, case-insensitive, anchored.
fn action_reference(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (Some((ps, pn)), Some((as_, an))) = (pattern.split_once(':'), action.split_once(':'))
    else {
        return false;
    };
    if ps.contains(['*', '?']) || !ps.eq_ignore_ascii_case(as_) {
        return false;
    }
    let mut re = String::from("(?is)^");
    for c in pn.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).unwrap().is_match(an)
}

/// R22: split on `:`; a `*` that ends a segment is `.*`, any other `*` is `[^:]*`; `?` is `[^:]`
/// in the first five segments and `.` after; anchored, case-sensitive.
fn resource_reference(pattern: &str, text: &str) -> bool {
    let mut re = String::from("(?s)^");
    let segments: Vec<&str> = pattern.split(':').collect();
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            re.push(':');
        }
        let chars: Vec<char> = seg.chars().collect();
        for (j, c) in chars.iter().enumerate() {
            match c {
                '*' if j + 1 == chars.len() => re.push_str(".*"),
                '*' => re.push_str("[^:]*"),
                '?' if i < 5 => re.push_str("[^:]"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
    }
    re.push('$');
    regex::Regex::new(&re).unwrap().is_match(text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn action_matcher_agrees_with_regex(
        ps in "(ab|AB|a|\\*|a\\?)", pn in "[abAB*?:/]{0,8}",
        ts in "(ab|Ab|a|b)", tn in "[abAB:/]{0,10}",
    ) {
        let pattern = format!("{ps}:{pn}");
        let action = format!("{ts}:{tn}");
        prop_assert_eq!(action_matches(&pattern, &action), action_reference(&pattern, &action));
    }

    #[test]
    fn resource_matcher_agrees_with_regex(p in "[ab:/*?]{0,12}", t in "[ab:/]{0,14}") {
        prop_assert_eq!(Pattern::resource(&p).matches(&t), resource_reference(&p, &t), "{} vs {}", p, t);
    }

    #[test]
    fn resource_matcher_agrees_on_arn_shapes(
        head in "arn:(aws|\\*|a\\?s):(ssm|s\\*):[a-z1*?]{0,3}:[0-9*]{0,3}:",
        rest in "[ab:/*?]{0,10}",
        t in "arn:aws:(ssm|s3):[a-z1]{0,3}:[0-9]{0,3}:[ab:/]{0,10}",
    ) {
        let p = format!("{head}{rest}");
        prop_assert_eq!(Pattern::resource(&p).matches(&t), resource_reference(&p, &t), "{} vs {}", p, t);
    }

    #[test]
    fn string_like_agrees_with_regex(p in "[ab:*?]{0,10}", t in "[ab:]{0,12}") {
        let mut re = String::from("(?s)^");
        for c in p.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        prop_assert_eq!(Pattern::string_like(&p).matches(&t), regex::Regex::new(&re).unwrap().is_match(&t));
    }
}
