//! Wildcard matching for actions (R13–R16), resources (R19–R29) and `StringLike`/`ArnLike` values.
//!
//! Actions use a classic iterative two-pointer glob with one backtrack point.
//! ARN patterns mix two kinds of `*` (R22: one that may cross `:` and one that
//! may not), for which the single-backtrack argument does not hold, so they run
//! a bit-parallel NFA over the pattern positions: iterative, no recursion,
//! O(text × pattern / 64), linear in the text for a fixed pattern
//! (`a*a*a*…b` included). Patterns without wildcards take a plain string
//! comparison, and literal prefixes reject early.
//!
//! Both sides may contain unknown holes (template values only partly known);
//! matching is then three-valued (R62–R63): `T` only when every value of the
//! holes matches, `F` only when none does.

use super::Tri;
use crate::model::Sym;
use crate::parse::Piece;

/// One token of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A literal character (a substituted variable value is all literals, R60).
    Lit(char),
    /// `*`; `cross` when it may span `:` (R22).
    Star { cross: bool },
    /// `?`; `cross` when it may match `:` (the resource part of an ARN).
    One { cross: bool },
    /// Something unknown in the pattern itself: any string (without `:` when it lies in
    /// the first five ARN segments). The label identifies the unknown value (see
    /// [`hole_label`]); `0` is an anonymous unknown.
    Hole { label: u32, colon_free: bool },
}

/// An identity for a labelled hole: two holes with the same label stand for the
/// same unknown value (`${Secret.Name}` in a grant and in a `valueFrom`), so a
/// pattern hole matches an equal request hole for certain.
pub fn hole_label(label: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in label.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h.max(1)
}

/// One token of a request string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextTok {
    Char(char),
    /// An unknown piece; `colon_free` when it lies in the first five ARN segments (a whole segment value).
    Hole {
        colon_free: bool,
        /// See [`hole_label`].
        label: u32,
    },
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    toks: Vec<Tok>,
    shape: Shape,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// No wildcard and no hole: compare as a string.
    Exact(String),
    /// A single crossing `*`: matches everything.
    Any,
    /// Needs the NFA; `prefix` is the literal text before the first wildcard.
    Glob { prefix: String, has_hole: bool },
}

impl Pattern {
    /// Builds a pattern from tokens.
    pub fn from_toks(toks: Vec<Tok>) -> Pattern {
        let shape = if toks.iter().all(|t| matches!(t, Tok::Lit(_))) {
            Shape::Exact(
                toks.iter()
                    .filter_map(|t| match t {
                        Tok::Lit(c) => Some(*c),
                        _ => None,
                    })
                    .collect(),
            )
        } else if toks.len() == 1 && matches!(toks.first(), Some(Tok::Star { cross: true })) {
            Shape::Any
        } else {
            let prefix = toks
                .iter()
                .map_while(|t| match t {
                    Tok::Lit(c) => Some(*c),
                    _ => None,
                })
                .collect();
            let has_hole = toks.iter().any(|t| matches!(t, Tok::Hole { .. }));
            Shape::Glob { prefix, has_hole }
        };
        Pattern { toks, shape }
    }

    /// A `StringLike` pattern: `*` and `?` match anything, everything else literal (R48).
    pub fn string_like(text: &str) -> Pattern {
        Pattern::from_toks(
            text.chars()
                .map(|c| match c {
                    '*' => Tok::Star { cross: true },
                    '?' => Tok::One { cross: true },
                    c => Tok::Lit(c),
                })
                .collect(),
        )
    }

    /// A literal pattern (`StringEquals`, a substituted value).
    pub fn literal(text: &str) -> Pattern {
        Pattern::from_toks(text.chars().map(Tok::Lit).collect())
    }

    /// A `Resource` pattern per R22: split on `:`; a `*` that ends a segment may cross `:`, any
    /// other `*` may not; `?` matches one non-`:` character in the first five segments and any
    /// character in the resource part.
    pub fn resource(text: &str) -> Pattern {
        Pattern::from_toks(resource_toks(text.chars().map(Ok), 0))
    }

    /// A resource pattern from a partly known string: holes are [`Tok::Hole`].
    pub fn resource_sym(sym: &Sym) -> Pattern {
        match sym {
            Sym::Known(s) => Pattern::resource(s),
            Sym::Partial(pieces) => {
                let stream = pieces.iter().flat_map(|p| match p {
                    Piece::Lit(l) => l.chars().map(Ok).collect::<Vec<_>>(),
                    Piece::Hole(h) => vec![Err(hole_label(h))],
                });
                Pattern::from_toks(resource_toks(stream, 0))
            }
        }
    }

    pub fn toks(&self) -> &[Tok] {
        &self.toks
    }

    /// Whether the pattern is the literal `*` (R19/R20).
    pub fn is_star(&self) -> bool {
        matches!(self.shape, Shape::Any)
    }

    /// Matches a fully known string.
    pub fn matches(&self, text: &str) -> bool {
        match &self.shape {
            Shape::Exact(s) => s == text,
            Shape::Any => true,
            Shape::Glob { prefix, has_hole } => {
                if *has_hole || !text.starts_with(prefix.as_str()) {
                    return false;
                }
                let tail = &self.toks[prefix.chars().count()..];
                let text_toks = text[prefix.len()..].chars().map(TextTok::Char);
                nfa(tail, text_toks, Mode::Possible)
            }
        }
    }

    /// Three-valued match against a request string that may contain holes.
    pub fn matches_text(&self, text: &[TextTok]) -> Tri {
        let text_has_hole = text.iter().any(|t| matches!(t, TextTok::Hole { .. }));
        let pattern_has_hole = matches!(self.shape, Shape::Glob { has_hole: true, .. });
        if !text_has_hole && !pattern_has_hole {
            let known: String = text
                .iter()
                .filter_map(|t| match t {
                    TextTok::Char(c) => Some(*c),
                    TextTok::Hole { .. } => None,
                })
                .collect();
            return Tri::from(self.matches(&known));
        }
        self.matches_with_holes(text)
    }

    /// [`Pattern::matches_text`] on a request string prepared once for many patterns.
    pub fn matches_request(&self, text: &RequestText) -> Tri {
        let pattern_has_hole = matches!(self.shape, Shape::Glob { has_hole: true, .. });
        match &text.known {
            Some(known) if !pattern_has_hole => Tri::from(self.matches(known)),
            _ => self.matches_with_holes(&text.toks),
        }
    }

    /// The three-valued match when the text or the pattern has a hole.
    fn matches_with_holes(&self, text: &[TextTok]) -> Tri {
        if matches!(self.shape, Shape::Any) {
            return Tri::T;
        }
        if nfa(&self.toks, text.iter().copied(), Mode::Certain) {
            return Tri::T;
        }
        if nfa(&self.toks, text.iter().copied(), Mode::Possible) {
            Tri::U
        } else {
            Tri::F
        }
    }
}

/// Tokenises a resource pattern; `Err(label)` in the stream is a hole. `start_segment` is the
/// segment index of the first character.
fn resource_toks(
    stream: impl Iterator<Item = Result<char, u32>>,
    start_segment: usize,
) -> Vec<Tok> {
    let chars: Vec<Result<char, u32>> = stream.collect();
    let mut segment = start_segment;
    let mut out = Vec::with_capacity(chars.len());
    for (i, c) in chars.iter().enumerate() {
        match c {
            Err(label) => out.push(Tok::Hole {
                label: *label,
                colon_free: segment < 5,
            }),
            Ok(':') => {
                segment += 1;
                out.push(Tok::Lit(':'));
            }
            Ok('*') => {
                let next = chars.get(i + 1);
                let ends_segment = matches!(next, None | Some(Ok(':')));
                out.push(Tok::Star {
                    cross: ends_segment,
                });
            }
            Ok('?') => out.push(Tok::One {
                cross: segment >= 5,
            }),
            Ok(c) => out.push(Tok::Lit(*c)),
        }
    }
    out
}

/// A request string prepared once per request: its tokens and, when it has no
/// hole, the string itself (matched without the NFA where the pattern allows).
#[derive(Debug, Clone)]
pub struct RequestText {
    toks: Vec<TextTok>,
    known: Option<String>,
}

impl RequestText {
    /// Prepares the request string of a resource.
    pub fn new(sym: &Sym) -> RequestText {
        let toks = resource_text(sym);
        // Without a hole, the string itself (a `Partial` may hold only literal pieces).
        let known = match sym {
            Sym::Known(s) => Some(s.clone()),
            Sym::Partial(_) => toks
                .iter()
                .map(|t| match t {
                    TextTok::Char(c) => Some(*c),
                    TextTok::Hole { .. } => None,
                })
                .collect(),
        };
        RequestText { toks, known }
    }

    /// The tokens of the request string.
    pub fn toks(&self) -> &[TextTok] {
        &self.toks
    }
}

/// The request string of a resource, with each hole marked colon-free when it lies in the first
/// five ARN segments.
pub fn resource_text(sym: &Sym) -> Vec<TextTok> {
    let mut out = Vec::with_capacity(match sym {
        Sym::Known(s) => s.len(),
        Sym::Partial(pieces) => pieces.len() * 8,
    });
    let mut colons = 0usize;
    let push_lit = |out: &mut Vec<TextTok>, l: &str, colons: &mut usize| {
        for c in l.chars() {
            if c == ':' {
                *colons += 1;
            }
            out.push(TextTok::Char(c));
        }
    };
    match sym {
        Sym::Known(s) => push_lit(&mut out, s, &mut colons),
        Sym::Partial(pieces) => {
            for p in pieces {
                match p {
                    Piece::Lit(l) => push_lit(&mut out, l, &mut colons),
                    Piece::Hole(h) => out.push(TextTok::Hole {
                        colon_free: colons < 5,
                        label: hole_label(h),
                    }),
                }
            }
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Some value of the holes matches (holes in the text may be anything).
    Possible,
    /// One run works for every value of the text's holes.
    Certain,
}

/// How many words [`Bits`] holds without allocating (patterns of up to 255 tokens).
const INLINE_WORDS: usize = 4;

/// A small bitset over pattern positions: inline for short patterns, on the heap otherwise.
struct Bits {
    inline: [u64; INLINE_WORDS],
    /// Empty when the set fits `inline`.
    heap: Vec<u64>,
}

impl Bits {
    fn new(n: usize) -> Bits {
        let words = n / 64 + 1;
        Bits {
            inline: [0; INLINE_WORDS],
            heap: if words > INLINE_WORDS {
                vec![0; words]
            } else {
                Vec::new()
            },
        }
    }
    fn words(&self) -> &[u64] {
        if self.heap.is_empty() {
            &self.inline
        } else {
            &self.heap
        }
    }
    fn words_mut(&mut self) -> &mut [u64] {
        if self.heap.is_empty() {
            &mut self.inline
        } else {
            &mut self.heap
        }
    }
    fn get(&self, i: usize) -> bool {
        self.words()
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }
    fn set(&mut self, i: usize) {
        if let Some(w) = self.words_mut().get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    fn clear(&mut self) {
        self.words_mut().iter_mut().for_each(|w| *w = 0);
    }
    fn is_empty(&self) -> bool {
        self.words().iter().all(|w| *w == 0)
    }
}

/// Adds the positions reachable by skipping stars (and, when only a possible match is
/// asked for, pattern holes: they may match nothing).
fn closure(toks: &[Tok], set: &mut Bits, mode: Mode) {
    for (j, t) in toks.iter().enumerate() {
        let skips = match t {
            Tok::Star { .. } => true,
            Tok::Hole { .. } => mode == Mode::Possible,
            _ => false,
        };
        if set.get(j) && skips {
            set.set(j + 1);
        }
    }
}

/// Runs the pattern NFA over the text; true when the end of the pattern is reachable.
fn nfa(toks: &[Tok], text: impl Iterator<Item = TextTok>, mode: Mode) -> bool {
    let n = toks.len();
    let mut cur = Bits::new(n + 1);
    let mut next = Bits::new(n + 1);
    cur.set(0);
    closure(toks, &mut cur, mode);
    for t in text {
        next.clear();
        match t {
            TextTok::Char(c) => {
                for (j, tok) in toks.iter().enumerate() {
                    if !cur.get(j) {
                        continue;
                    }
                    match *tok {
                        Tok::Lit(l) if l == c => next.set(j + 1),
                        Tok::One { cross } if cross || c != ':' => next.set(j + 1),
                        Tok::Star { cross } if cross || c != ':' => next.set(j),
                        // An unknown pattern piece may contain anything, but not for certain.
                        Tok::Hole { colon_free, .. }
                            if mode == Mode::Possible && !(colon_free && c == ':') =>
                        {
                            next.set(j);
                        }
                        _ => {}
                    }
                }
            }
            TextTok::Hole { colon_free, label } => match mode {
                Mode::Certain => {
                    for (j, tok) in toks.iter().enumerate() {
                        if !cur.get(j) {
                            continue;
                        }
                        match *tok {
                            Tok::Star { cross } if cross || colon_free => next.set(j),
                            // The same unknown value on both sides.
                            Tok::Hole { label: l, .. } if l == label && l != 0 => next.set(j + 1),
                            _ => {}
                        }
                    }
                }
                Mode::Possible => {
                    // The hole may produce any string (without `:` when colon-free): every
                    // position up to the next literal `:` stays reachable.
                    let mut reaching = false;
                    for j in 0..=n {
                        if cur.get(j) {
                            reaching = true;
                        }
                        if reaching {
                            next.set(j);
                        }
                        if colon_free && matches!(toks.get(j), Some(Tok::Lit(':'))) {
                            reaching = false;
                        }
                    }
                }
            },
        }
        closure(toks, &mut next, mode);
        std::mem::swap(&mut cur, &mut next);
        if cur.is_empty() {
            return false;
        }
    }
    cur.get(n)
}

/// Case-insensitive glob with only `*` and `?`, iterative two-pointer with one backtrack point.
pub fn glob_ignore_case(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&pc) if pc == b'?' || pc.eq_ignore_ascii_case(&t[ti]) => {
                if pc == b'?' {
                    // `?` is one character, not one byte.
                    ti += utf8_len(t[ti]);
                } else {
                    ti += 1;
                }
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    let st = st + utf8_len(t[st]);
                    star = Some((sp, st));
                    pi = sp + 1;
                    ti = st;
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Matches a requested action against a policy action pattern (R13–R16).
///
/// `*` alone matches every action; otherwise the service prefix must equal the request's
/// ignoring case, and a wildcard inside the prefix never matches (R15). No trimming (R16).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (Some((p_service, p_name)), Some((a_service, a_name))) =
        (pattern.split_once(':'), action.split_once(':'))
    else {
        return false;
    };
    if p_service.contains(['*', '?']) || !p_service.eq_ignore_ascii_case(a_service) {
        return false;
    }
    glob_ignore_case(p_name, a_name)
}

/// `ArnLike`/`ArnEquals` (R49): each of the six colon-separated components separately, so a `*`
/// never crosses the component boundaries; the sixth component is the rest of the ARN.
pub fn arn_like(pattern: &str, value: &str) -> bool {
    let toks: Vec<Tok> = pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star { cross: true },
            '?' => Tok::One { cross: true },
            c => Tok::Lit(c),
        })
        .collect();
    arn_like_toks(&toks, value)
}

/// [`arn_like`] over tokens (substituted variable values are literal).
pub fn arn_like_toks(toks: &[Tok], value: &str) -> bool {
    let mut p = toks.splitn(6, |t| *t == Tok::Lit(':'));
    let mut v = value.splitn(6, ':');
    for _ in 0..6 {
        match (p.next(), v.next()) {
            (Some(ps), Some(vs)) => {
                if !Pattern::from_toks(ps.to_vec()).matches(vs) {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn(p: &str, t: &str) -> bool {
        Pattern::resource(p).matches(t)
    }

    #[test]
    fn r13_actions_are_case_insensitive() {
        assert!(action_matches("iam:ListAccessKeys", "IAM:listaccesskeys"));
        assert!(action_matches("ECR:get*", "ecr:GetAuthorizationToken"));
    }

    #[test]
    fn r14_action_wildcards_star_and_question_mark() {
        assert!(action_matches("iam:*AccessKey*", "iam:ListAccessKeys"));
        assert!(action_matches(
            "ecr:Get?uthorizationToken",
            "ecr:GetAuthorizationToken"
        ));
        assert!(!action_matches("ecr:Get?", "ecr:GetAuthorizationToken"));
        assert!(!action_matches("ecr:[G]et*", "ecr:GetAuthorizationToken"));
        assert!(action_matches("ecr:*", "ecr:BatchGetImage"));
        assert!(action_matches("*", "kms:Decrypt"));
    }

    #[test]
    fn r15_service_prefix_must_match_exactly() {
        assert!(!action_matches("ecr:*", "ecr-public:GetAuthorizationToken"));
        assert!(!action_matches("ec*:Get*", "ecr:GetAuthorizationToken"));
        assert!(!action_matches(
            "*:GetAuthorizationToken",
            "ecr:GetAuthorizationToken"
        ));
    }

    #[test]
    fn r16_no_trimming_and_commas_are_literal() {
        assert!(!action_matches(
            "ecr:GetAuthorizationToken ",
            "ecr:GetAuthorizationToken"
        ));
        assert!(!action_matches(
            "ecr: GetAuthorizationToken",
            "ecr:GetAuthorizationToken"
        ));
        assert!(!action_matches(
            "ecr:GetAuthorizationToken,BatchGetImage",
            "ecr:BatchGetImage"
        ));
    }

    #[test]
    fn r19_star_matches_every_resource() {
        assert!(arn(
            "*",
            "arn:aws:ecr:us-east-1:123456789012:repository/app"
        ));
        assert!(arn("*", "*"));
    }

    #[test]
    fn r21_resource_part_may_contain_colons_and_slashes() {
        assert!(arn(
            "arn:aws:logs:us-east-1:1:log-group:/ecs/app:log-stream:x",
            "arn:aws:logs:us-east-1:1:log-group:/ecs/app:log-stream:x"
        ));
    }

    #[test]
    fn r22_star_at_segment_end_crosses_colon() {
        assert!(arn(
            "arn:aws:logs:*:*:log-group:/ecs/app:*",
            "arn:aws:logs:us-east-1:1:log-group:/ecs/app:log-stream:x"
        ));
        assert!(!arn(
            "arn:aws:logs:*:*:log-group:/ecs/app",
            "arn:aws:logs:us-east-1:1:log-group:/ecs/app:log-stream:x"
        ));
        assert!(arn("arn:aws:ssm:*", "arn:aws:ssm:us-east-1:1:parameter/a"));
        assert!(arn("arn:aws:s3:::*", "arn:aws:s3:::bucket/key"));
    }

    #[test]
    fn r22_star_inside_segment_does_not_cross_colon() {
        assert!(!arn(
            "arn:aws:logs:*:*:log-group:/ecs/*app",
            "arn:aws:logs:us-east-1:1:log-group:/ecs/x:app"
        ));
        assert!(arn(
            "arn:aws:logs:*:*:log-group:/ecs/*app",
            "arn:aws:logs:us-east-1:1:log-group:/ecs/xapp"
        ));
        assert!(!arn(
            "arn:aws:e*r:us-east-1:1:x",
            "arn:aws:e:cr:us-east-1:1:x"
        ));
    }

    #[test]
    fn r22_star_spans_slash() {
        assert!(arn(
            "arn:aws:ssm:*:*:parameter/app/*",
            "arn:aws:ssm:us-east-1:1:parameter/app/db/password"
        ));
        assert!(!arn(
            "arn:aws:ssm:*:*:parameter/app/*",
            "arn:aws:ssm:us-east-1:1:parameter/app"
        ));
    }

    #[test]
    fn r22_question_mark_is_one_char_not_colon_in_first_segments() {
        assert!(arn(
            "arn:aws:ecr:us-east-?:1:x",
            "arn:aws:ecr:us-east-1:1:x"
        ));
        assert!(!arn(
            "arn:aws:ecr:us-east-1?1:x",
            "arn:aws:ecr:us-east-1:1:x"
        ));
        assert!(arn("arn:aws:logs:r:1:a?b", "arn:aws:logs:r:1:a:b"));
    }

    #[test]
    fn r23_resources_are_case_sensitive() {
        assert!(!arn("arn:aws:iam::1:role/App", "arn:aws:iam::1:role/app"));
    }

    #[test]
    fn r24_partition_region_account_must_match() {
        assert!(!arn(
            "arn:aws:ecr:*:*:repository/x",
            "arn:aws-cn:ecr:cn-north-1:1:repository/x"
        ));
        assert!(arn(
            "arn:*:ecr:*:*:repository/x",
            "arn:aws-cn:ecr:cn-north-1:1:repository/x"
        ));
        assert!(!arn("arn:aws:s3:::b/*", "arn:aws:s3:us-east-1::b/k"));
    }

    #[test]
    fn r27_secret_arn_needs_suffix() {
        let arn_text = "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf";
        assert!(!arn(
            "arn:aws:secretsmanager:us-east-1:1:secret:prod/db",
            arn_text
        ));
        assert!(arn(
            "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-??????",
            arn_text
        ));
        assert!(arn(
            "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-*",
            arn_text
        ));
    }

    #[test]
    fn r28_double_slash_parameter_never_matches() {
        assert!(!arn(
            "arn:aws:ssm:*:*:parameter//app/*",
            "arn:aws:ssm:us-east-1:1:parameter/app/db"
        ));
    }

    #[test]
    fn r49_arn_like_components_separately() {
        let v = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
        assert!(!arn_like("arn:aws:someservice:*:111122223333:finance/*", v));
        assert!(Pattern::string_like("arn:aws:someservice:*:111122223333:finance/*").matches(v));
        assert!(arn_like("arn:aws:s*:*:9*:store/*", v));
    }

    #[test]
    fn pathological_pattern_is_fast_enough() {
        let p = "a*".repeat(200) + "b";
        let t = "a".repeat(5000);
        assert!(!Pattern::string_like(&p).matches(&t));
        assert!(!glob_ignore_case(&p, &t));
        assert!(Pattern::resource(&p[..p.len() - 1]).matches(&t));
    }

    #[test]
    fn r63_holes_are_three_valued() {
        let req = Sym::Partial(vec![
            Piece::Lit("arn:aws:secretsmanager:".into()),
            Piece::Hole("AWS::Region".into()),
            Piece::Lit(":1:secret:db-AbCdEf".into()),
        ]);
        let text = resource_text(&req);
        assert_eq!(
            Pattern::resource("arn:aws:secretsmanager:*:1:secret:db-*").matches_text(&text),
            Tri::T
        );
        assert_eq!(
            Pattern::resource("arn:aws:secretsmanager:us-east-1:1:secret:db-*").matches_text(&text),
            Tri::U
        );
        assert_eq!(
            Pattern::resource("arn:aws:secretsmanager:*:1:secret:other-*").matches_text(&text),
            Tri::F
        );
        let tail = Sym::Partial(vec![
            Piece::Lit("arn:aws:secretsmanager:us-east-1:1:secret:".into()),
            Piece::Hole("Name".into()),
        ]);
        let text = resource_text(&tail);
        assert_eq!(
            Pattern::resource("arn:aws:secretsmanager:us-east-1:1:secret:*").matches_text(&text),
            Tri::T
        );
        assert_eq!(
            Pattern::resource("arn:aws:secretsmanager:us-east-1:1:secret:a*").matches_text(&text),
            Tri::U
        );
        assert_eq!(
            Pattern::resource("arn:aws:ssm:us-east-1:1:parameter/*").matches_text(&text),
            Tri::F
        );
        let pat = Pattern::resource_sym(&Sym::Partial(vec![
            Piece::Lit("arn:aws:s3:::".into()),
            Piece::Hole("Bucket".into()),
            Piece::Lit("/*".into()),
        ]));
        assert_eq!(
            pat.matches_text(&resource_text(&"arn:aws:s3:::b/k".into())),
            Tri::U
        );
        assert_eq!(
            pat.matches_text(&resource_text(&"arn:aws:ssm:::b/k".into())),
            Tri::F
        );
    }
}
