//! The action and resource matchers against a regex reference built from R14 and R22, and the
//! compiled pattern shapes (string compare, prefix, segment search, NFA after the literal prefix)
//! against a plain NFA over the whole pattern and text, holes included (R62–R63).
#![allow(clippy::unwrap_used)] // test helpers

use ecslint::iam::Tri;
use ecslint::iam::matcher::{
    Pattern, RequestText, TextTok, Tok, action_matches, arn_like, hole_label, resource_text,
};
use ecslint::model::Sym;
use ecslint::parse::Piece;
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
        prop_assert_eq!(Pattern::string_like(&p).matches(&t), glob_reference(&p, &t));
    }
}

/// The plain NFA: every pattern position for every text token, over the whole pattern (the
/// matcher as it was before the shapes and the literal-prefix shortcut).
fn plain_nfa(toks: &[Tok], text: &[TextTok], certain: bool) -> bool {
    let n = toks.len();
    let closure = |set: &mut Vec<bool>| {
        for (j, t) in toks.iter().enumerate() {
            let skips = match t {
                Tok::Star { .. } => true,
                Tok::Hole { .. } => !certain,
                _ => false,
            };
            if set[j] && skips {
                set[j + 1] = true;
            }
        }
    };
    let mut cur = vec![false; n + 1];
    cur[0] = true;
    closure(&mut cur);
    for &t in text {
        let mut next = vec![false; n + 1];
        match t {
            TextTok::Char(c) => {
                for (j, tok) in toks.iter().enumerate() {
                    if !cur[j] {
                        continue;
                    }
                    match *tok {
                        Tok::Lit(l) if l == c => next[j + 1] = true,
                        Tok::One { cross } if cross || c != ':' => next[j + 1] = true,
                        Tok::Star { cross } if cross || c != ':' => next[j] = true,
                        Tok::Hole { colon_free, .. } if !(certain || colon_free && c == ':') => {
                            next[j] = true;
                        }
                        _ => {}
                    }
                }
            }
            TextTok::Hole { colon_free, label } if certain => {
                for (j, tok) in toks.iter().enumerate() {
                    if !cur[j] {
                        continue;
                    }
                    match *tok {
                        Tok::Star { cross } if cross || colon_free => next[j] = true,
                        Tok::Hole { label: l, .. } if l == label && l != 0 => next[j + 1] = true,
                        _ => {}
                    }
                }
            }
            TextTok::Hole { colon_free, .. } => {
                let mut reaching = false;
                for j in 0..=n {
                    reaching |= cur[j];
                    next[j] |= reaching;
                    if colon_free && toks.get(j) == Some(&Tok::Lit(':')) {
                        reaching = false;
                    }
                }
            }
        }
        closure(&mut next);
        cur = next;
        if !cur.iter().any(|b| *b) {
            return false;
        }
    }
    cur[n]
}

/// The three-valued reference: `*` alone matches everything; otherwise T when one run works for
/// every value of the holes, U when some value matches, F when none does.
fn plain_tri(toks: &[Tok], text: &[TextTok]) -> Tri {
    if toks == [Tok::Star { cross: true }] {
        return Tri::T;
    }
    let holes = toks.iter().any(|t| matches!(t, Tok::Hole { .. }))
        || text.iter().any(|t| matches!(t, TextTok::Hole { .. }));
    if !holes {
        return Tri::from(plain_nfa(toks, text, false));
    }
    if plain_nfa(toks, text, true) {
        Tri::T
    } else if plain_nfa(toks, text, false) {
        Tri::U
    } else {
        Tri::F
    }
}

/// One character or a labelled hole of a generated pattern or request string.
#[derive(Debug, Clone)]
enum Item {
    C(char),
    Hole(&'static str),
}

fn item(chars: &'static str) -> impl Strategy<Value = Item> {
    let chars: Vec<char> = chars.chars().collect();
    prop_oneof![
        8 => prop::sample::select(chars).prop_map(Item::C),
        1 => prop::sample::select(vec!["A", "B"]).prop_map(Item::Hole),
    ]
}

fn sym(items: &[Item]) -> Sym {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut lit = String::new();
    for i in items {
        match i {
            Item::C(c) => lit.push(*c),
            Item::Hole(h) => {
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit).into()));
                }
                pieces.push(Piece::Hole((*h).into()));
            }
        }
    }
    if pieces.is_empty() {
        return Sym::Known(lit.into());
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit.into()));
    }
    Sym::partial(pieces)
}

/// R22 tokens of a generated resource pattern, written from the rule, not from the matcher.
fn r22_toks(items: &[Item]) -> Vec<Tok> {
    let mut segment = 0;
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        out.push(match it {
            Item::Hole(h) => Tok::Hole {
                label: hole_label(h),
                colon_free: segment < 5,
            },
            Item::C(':') => {
                segment += 1;
                Tok::Lit(':')
            }
            Item::C('*') => Tok::Star {
                cross: matches!(items.get(i + 1), None | Some(Item::C(':'))),
            },
            Item::C('?') => Tok::One {
                cross: segment >= 5,
            },
            Item::C(c) => Tok::Lit(*c),
        });
    }
    out
}

fn any_tok() -> impl Strategy<Value = Tok> {
    prop_oneof![
        6 => prop::sample::select(vec!['a', 'b', ':', '*', 'é']).prop_map(Tok::Lit),
        3 => Just(Tok::Star { cross: true }),
        1 => Just(Tok::Star { cross: false }),
        1 => any::<bool>().prop_map(|cross| Tok::One { cross }),
        1 => (0u32..3, any::<bool>()).prop_map(|(label, colon_free)| Tok::Hole { label, colon_free }),
    ]
}

fn any_text_tok() -> impl Strategy<Value = TextTok> {
    prop_oneof![
        8 => prop::sample::select(vec!['a', 'b', ':', '*', 'é']).prop_map(TextTok::Char),
        1 => (0u32..3, any::<bool>()).prop_map(|(label, colon_free)| TextTok::Hole { colon_free, label }),
    ]
}

fn known(text: &[TextTok]) -> Option<String> {
    text.iter()
        .map(|t| match t {
            TextTok::Char(c) => Some(*c),
            TextTok::Hole { .. } => None,
        })
        .collect()
}

/// ArnLike reference (R49): six components, each a `.*`/`.` glob, the last one the rest.
fn arn_like_reference(pattern: &str, value: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let v: Vec<&str> = value.splitn(6, ':').collect();
    if p.len() != 6 || v.len() != 6 {
        return false;
    }
    p.iter().zip(&v).all(|(p, v)| glob_reference(p, v))
}

/// `*` any string, `?` any one character, everything else literal (StringLike, R48).
fn glob_reference(pattern: &str, text: &str) -> bool {
    let mut re = String::from("(?s)^");
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).unwrap().is_match(text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Resource patterns and request strings with labelled holes on both sides, through
    /// `matches_text` and `matches_request`, against the plain NFA over R22 tokens.
    #[test]
    fn resource_holes_agree_with_plain_nfa(
        p in prop::collection::vec(item("ab:/*?"), 0..14),
        t in prop::collection::vec(item("ab:/"), 0..16),
    ) {
        let (psym, tsym) = (sym(&p), sym(&t));
        let pattern = Pattern::resource_sym(&psym);
        let toks = r22_toks(&p);
        prop_assert_eq!(pattern.to_toks(), toks.clone());
        // The string shortcuts of `resource` build what the tokens build.
        prop_assert_eq!(&pattern, &Pattern::from_toks(toks.clone()));
        let text = resource_text(&tsym);
        let expected = plain_tri(&toks, &text);
        prop_assert_eq!(pattern.matches_text(&text), expected, "{:?} vs {:?}", psym, tsym);
        prop_assert_eq!(pattern.matches_request(&RequestText::new(&tsym)), expected);
    }

    /// ARN-like patterns: a shared literal head (the shortcut's prefix), then wildcards, with
    /// holes in the text inside and after the prefix.
    #[test]
    fn arn_prefix_holes_agree_with_plain_nfa(
        head in "arn:aws:logs:(us-east-1|\\*|us-\\?):(1|\\*):log-group:/ecs/a",
        rest in prop::collection::vec(item("ab:/*?"), 0..8),
        t_head in "arn:aws:logs:(us-east-1|eu):1:log-group:/ecs/a",
        t_rest in prop::collection::vec(item("ab:/"), 0..10),
        cut in 0usize..60,
    ) {
        let mut p: Vec<Item> = head.chars().map(Item::C).collect();
        p.extend(rest);
        let mut t: Vec<Item> = t_head.chars().map(Item::C).collect();
        // A hole replacing a known character inside the prefix sometimes.
        if cut < t.len() && cut % 3 == 0 {
            t[cut] = Item::Hole("A");
        }
        t.extend(t_rest);
        let (psym, tsym) = (sym(&p), sym(&t));
        let pattern = Pattern::resource_sym(&psym);
        let text = resource_text(&tsym);
        let expected = plain_tri(&r22_toks(&p), &text);
        prop_assert_eq!(pattern.matches_text(&text), expected, "{:?} vs {:?}", psym, tsym);
        prop_assert_eq!(pattern.matches_request(&RequestText::new(&tsym)), expected);
    }

    /// Arbitrary tokens (literal `*`, both kinds of `*` and `?`, anonymous and labelled holes,
    /// non-ASCII) through `from_toks`: every shape against the plain NFA.
    #[test]
    fn any_tokens_agree_with_plain_nfa(
        toks in prop::collection::vec(any_tok(), 0..10),
        text in prop::collection::vec(any_text_tok(), 0..12),
    ) {
        let pattern = Pattern::from_toks(toks.clone());
        prop_assert_eq!(pattern.to_toks(), toks.clone());
        prop_assert_eq!(pattern.is_star(), toks == [Tok::Star { cross: true }]);
        let expected = plain_tri(&toks, &text);
        prop_assert_eq!(pattern.matches_text(&text), expected, "{:?} vs {:?}", toks, text);
        if let Some(known) = known(&text) {
            let has_hole = toks.iter().any(|t| matches!(t, Tok::Hole { .. }));
            let expected = !has_hole && plain_nfa(&toks, &text, false);
            prop_assert_eq!(pattern.matches(&known), expected);
            prop_assert_eq!(ecslint::iam::matcher::toks_match(&toks, &known), expected);
        }
    }

    /// Prefix and segment shapes (every `*` crossing) on known text: many repeated pieces so the
    /// left-to-right search has wrong candidates to skip.
    #[test]
    fn crossing_star_shapes_agree_with_regex_and_plain_nfa(
        pieces in prop::collection::vec("[ab]{0,3}:?", 1..5),
        tail_star in any::<bool>(),
        t in "[ab:]{0,16}",
    ) {
        // Each `*` is followed by `:`, so it ends a segment and crosses (R22).
        let mut p = pieces.join("*:");
        if tail_star {
            p.push('*');
        }
        let pattern = Pattern::resource(&p);
        let toks = pattern.to_toks();
        let text: Vec<TextTok> = t.chars().map(TextTok::Char).collect();
        prop_assert_eq!(pattern.matches(&t), resource_reference(&p, &t), "{} vs {}", p, t);
        prop_assert_eq!(pattern.matches(&t), plain_nfa(&toks, &text, false));
        let sl = Pattern::string_like(&p);
        let sl_toks: Vec<Tok> = p
            .chars()
            .map(|c| if c == '*' { Tok::Star { cross: true } } else { Tok::Lit(c) })
            .collect();
        prop_assert_eq!(&sl, &Pattern::from_toks(sl_toks));
        prop_assert_eq!(sl.matches(&t), plain_nfa(&sl.to_toks(), &text, false), "{} vs {}", p, t);
    }

    /// Patterns past 63 positions after their literal prefix take the multi-word position set.
    #[test]
    fn long_patterns_agree_with_plain_nfa(
        body in prop::collection::vec(prop_oneof![
            4 => prop::sample::select(vec!['a', 'b']).prop_map(Tok::Lit),
            3 => Just(Tok::Star { cross: true }),
            1 => Just(Tok::Star { cross: false }),
            1 => Just(Tok::One { cross: false }),
            1 => Just(Tok::Hole { label: 1, colon_free: true }),
        ], 64..90),
        text in prop::collection::vec(prop_oneof![
            12 => prop::sample::select(vec!['a', 'b', ':']).prop_map(TextTok::Char),
            1 => Just(TextTok::Hole { colon_free: false, label: 1 }),
        ], 40..120),
    ) {
        let mut toks = vec![Tok::One { cross: true }];
        toks.extend(body);
        let pattern = Pattern::from_toks(toks.clone());
        prop_assert_eq!(pattern.matches_text(&text), plain_tri(&toks, &text));
    }

    #[test]
    fn arn_like_agrees_with_regex(
        p in "[ab*?]{0,2}(:[ab*?]{0,2}){4,7}",
        v in "[ab]{0,2}(:[ab]{0,2}){4,7}",
    ) {
        prop_assert_eq!(arn_like(&p, &v), arn_like_reference(&p, &v), "{} vs {}", p, v);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// A resource pattern detached from its value (as a loaded entry keeps it) and attached
    /// to that value again matches every text, known or with holes, as the pattern does.
    /// Without `?` most of these are the exact, prefix and segments shapes that detach.
    #[test]
    fn detached_patterns_match_as_the_pattern_does(
        ptext in prop_oneof!["[ab:/*]{0,12}", "[ab:/*?]{0,12}", "arn:aws:logs:[a*]{0,3}:1:log-group:/ecs/a[b*:]{0,4}"],
        t in prop::collection::vec(item("ab:/"), 0..16),
    ) {
        let pattern = Pattern::resource(&ptext);
        let detached = pattern.clone().detach(&ptext);
        let attached = detached.attach(&ptext);
        let tsym = sym(&t);
        let text = resource_text(&tsym);
        prop_assert_eq!(attached.matches_text(&text), pattern.matches_text(&text), "{:?} vs {:?}", ptext, tsym);
        prop_assert_eq!(
            attached.matches_request(&RequestText::new(&tsym)),
            pattern.matches_request(&RequestText::new(&tsym))
        );
        if let Some(known) = tsym.known() {
            prop_assert_eq!(attached.matches(known), pattern.matches(known));
        }
    }
}
