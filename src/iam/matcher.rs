//! Wildcard matching for actions (R13–R16), resources (R19–R29) and `StringLike`/`ArnLike` values.
//!
//! Actions use a classic iterative two-pointer glob with one backtrack point.
//! ARN patterns mix two kinds of `*` (R22: one that may cross `:` and one that
//! may not), for which the single-backtrack argument does not hold, so they run
//! a bit-parallel NFA over the pattern positions: iterative, no recursion,
//! linear in the text for a fixed pattern (`a*a*a*…b` included), and each
//! step visits only the active positions.
//!
//! Most patterns never reach the NFA: a compiled [`Pattern`] has a shape.
//! Without wildcards it is a plain string (`==`); a literal prefix with one
//! crossing `*` at the end is `starts_with`; when every wildcard is a crossing
//! `*` it is a segment search (prefix, suffix, middle pieces left to right).
//! The NFA also starts after the literal prefix, which is compared first.
//!
//! Both sides may contain unknown holes (template values only partly known);
//! matching is then three-valued (R62–R63): `T` only when every value of the
//! holes matches, `F` only when none does.

use std::borrow::Cow;

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
    shape: Shape,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// No wildcard and no hole: compare as a string.
    Exact(Box<str>),
    /// A single crossing `*`: matches everything.
    Any,
    /// Literal text, then one crossing `*` at the end: `starts_with`. Holds the text.
    Prefix(Box<str>),
    /// Literal pieces separated by crossing `*`, the only wildcard (at least one, and not just
    /// a final one); no piece contains a literal `*`. Holds the pattern with its `*`.
    Segments(Box<str>),
    /// Anything else: the tokens in the compact form of [`Compact`], for the NFA.
    Glob {
        toks: Box<[u32]>,
        /// The number of tokens (the hole labels follow them in `toks`).
        len: u32,
        has_hole: bool,
    },
}

impl Pattern {
    /// Builds a pattern from tokens.
    #[allow(clippy::needless_pass_by_value)] // callers build the vector for it; kept for them
    pub fn from_toks(toks: Vec<Tok>) -> Pattern {
        let mut stars = 0usize;
        let mut literal_star = false;
        let mut other = false;
        for t in &toks {
            match t {
                Tok::Lit(c) => literal_star |= *c == '*',
                Tok::Star { cross: true } => stars += 1,
                _ => other = true,
            }
        }
        let last_star = matches!(toks.last(), Some(Tok::Star { cross: true }));
        let lits = |toks: &[Tok]| -> Box<str> {
            toks.iter()
                .map(|t| match t {
                    Tok::Lit(c) => *c,
                    _ => '*',
                })
                .collect::<String>()
                .into_boxed_str()
        };
        let shape = if other {
            Shape::Glob {
                has_hole: toks.iter().any(|t| matches!(t, Tok::Hole { .. })),
                len: toks.len() as u32,
                toks: Compact::encode(&toks),
            }
        } else if stars == 0 {
            Shape::Exact(lits(&toks))
        } else if stars == 1 && last_star {
            match toks.split_last() {
                Some((_, [])) => Shape::Any,
                Some((_, head)) => Shape::Prefix(lits(head)),
                None => Shape::Exact(Box::from("")),
            }
        } else if literal_star {
            // A literal `*` would be read back as a wildcard by the segment search.
            Shape::Glob {
                has_hole: false,
                len: toks.len() as u32,
                toks: Compact::encode(&toks),
            }
        } else {
            Shape::Segments(lits(&toks))
        };
        Pattern { shape }
    }

    /// A pattern whose text has no `?` and whose every `*` is a crossing one, built without
    /// tokens: the same shape [`Pattern::from_toks`] gives.
    fn crossing_stars(text: &str) -> Pattern {
        let shape = match text.strip_suffix('*') {
            _ if !text.contains('*') => Shape::Exact(Box::from(text)),
            Some("") => Shape::Any,
            Some(head) if !head.contains('*') => Shape::Prefix(Box::from(head)),
            _ => Shape::Segments(Box::from(text)),
        };
        Pattern { shape }
    }

    /// A `StringLike` pattern: `*` and `?` match anything, everything else literal (R48).
    pub fn string_like(text: &str) -> Pattern {
        if !text.contains('?') {
            return Pattern::crossing_stars(text);
        }
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
        Pattern {
            shape: Shape::Exact(Box::from(text)),
        }
    }

    /// A `Resource` pattern per R22: split on `:`; a `*` that ends a segment may cross `:`, any
    /// other `*` may not; `?` matches one non-`:` character in the first five segments and any
    /// character in the resource part.
    pub fn resource(text: &str) -> Pattern {
        let bytes = text.as_bytes();
        let crossing = |(i, _)| matches!(bytes.get(i + 1), None | Some(b':'));
        if !text.contains('?') && text.match_indices('*').all(crossing) {
            return Pattern::crossing_stars(text);
        }
        Pattern::from_toks(resource_toks(text.chars().map(Ok), 0))
    }

    /// A resource pattern from a partly known string: holes are [`Tok::Hole`].
    pub fn resource_sym(sym: &Sym) -> Pattern {
        match sym {
            Sym::Known(s) => Pattern::resource(s),
            Sym::Partial(pieces) => {
                let stream = pieces.iter().flat_map(|p| {
                    let (lit, hole) = match p {
                        Piece::Lit(l) => (Some(l.chars().map(Ok)), None),
                        Piece::Hole(h) => (None, Some(Err(hole_label(h)))),
                    };
                    lit.into_iter().flatten().chain(hole)
                });
                Pattern::from_toks(resource_toks(stream, 0))
            }
        }
    }

    /// The tokens of the pattern (as [`Pattern::from_toks`] was given them).
    pub fn to_toks(&self) -> Vec<Tok> {
        match &self.shape {
            Shape::Exact(s) => s.chars().map(Tok::Lit).collect(),
            Shape::Any => vec![Tok::Star { cross: true }],
            Shape::Prefix(s) => s
                .chars()
                .map(Tok::Lit)
                .chain([Tok::Star { cross: true }])
                .collect(),
            Shape::Segments(s) => StrToks::new(s, true, false).collect(),
            Shape::Glob { toks, len, .. } => {
                let c = Compact::new(toks, *len);
                (0..c.len()).filter_map(|j| c.get(j)).collect()
            }
        }
    }

    /// Whether the pattern is the literal `*` (R19/R20).
    pub fn is_star(&self) -> bool {
        matches!(self.shape, Shape::Any)
    }

    /// The pattern as a [`PatternRef`], which does the matching.
    pub fn as_ref(&self) -> PatternRef<'_> {
        PatternRef {
            shape: match &self.shape {
                Shape::Exact(s) => ShapeRef::Exact(s),
                Shape::Any => ShapeRef::Any,
                Shape::Prefix(s) => ShapeRef::Prefix(s),
                Shape::Segments(s) => ShapeRef::Segments(s),
                Shape::Glob {
                    toks,
                    len,
                    has_hole,
                } => ShapeRef::Glob {
                    toks,
                    len: *len,
                    has_hole: *has_hole,
                },
            },
        }
    }

    /// Matches a fully known string.
    pub fn matches(&self, text: &str) -> bool {
        self.as_ref().matches(text)
    }

    /// Three-valued match against a request string that may contain holes.
    pub fn matches_text(&self, text: &[TextTok]) -> Tri {
        self.as_ref().matches_text(text)
    }

    /// [`Pattern::matches_text`] on a request string prepared once for many patterns.
    pub fn matches_request(&self, text: &RequestText) -> Tri {
        self.as_ref().matches_request(text)
    }

    /// This pattern without its copy of `value`'s text, where that copy is `value`
    /// itself (an exact or a segments pattern) or `value` without its final `*`
    /// (a prefix): a loaded policy's resource entry holds its value already, and a
    /// large run holds a hundred thousand of them. Any other pattern is kept whole.
    pub fn detach(self, value: &str) -> Detached {
        let kind = match &self.shape {
            Shape::Exact(s) if **s == *value => DetachedKind::Exact,
            Shape::Prefix(s) if value.strip_suffix('*') == Some(&**s) => DetachedKind::Prefix,
            Shape::Segments(s) if **s == *value => DetachedKind::Segments,
            _ => DetachedKind::Whole(self),
        };
        Detached(kind)
    }
}

/// A [`Pattern`] that may leave its text to its owner: see [`Pattern::detach`].
/// [`Detached::attach`] gives it back the same text to match with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detached(DetachedKind);

#[derive(Debug, Clone, PartialEq, Eq)]
enum DetachedKind {
    /// [`Shape::Exact`] of the whole value.
    Exact,
    /// [`Shape::Prefix`] of the value without its final `*`.
    Prefix,
    /// [`Shape::Segments`] of the whole value.
    Segments,
    Whole(Pattern),
}

impl From<Pattern> for Detached {
    fn from(p: Pattern) -> Detached {
        Detached(DetachedKind::Whole(p))
    }
}

impl Detached {
    /// The pattern, with `value` the text it was detached from.
    pub fn attach<'a>(&'a self, value: &'a str) -> PatternRef<'a> {
        let shape = match &self.0 {
            DetachedKind::Exact => ShapeRef::Exact(value),
            DetachedKind::Prefix => ShapeRef::Prefix(value.strip_suffix('*').unwrap_or(value)),
            DetachedKind::Segments => ShapeRef::Segments(value),
            DetachedKind::Whole(p) => return p.as_ref(),
        };
        PatternRef { shape }
    }
}

/// A compiled pattern whose text is borrowed: what every match runs on.
#[derive(Debug, Clone, Copy)]
pub struct PatternRef<'a> {
    shape: ShapeRef<'a>,
}

/// [`Shape`] with its text borrowed.
#[derive(Debug, Clone, Copy)]
enum ShapeRef<'a> {
    Exact(&'a str),
    Any,
    Prefix(&'a str),
    Segments(&'a str),
    Glob {
        toks: &'a [u32],
        len: u32,
        has_hole: bool,
    },
}

impl PatternRef<'_> {
    fn has_hole(&self) -> bool {
        matches!(self.shape, ShapeRef::Glob { has_hole: true, .. })
    }

    /// Matches a fully known string.
    pub fn matches(&self, text: &str) -> bool {
        match self.shape {
            ShapeRef::Exact(s) => s == text,
            ShapeRef::Any => true,
            ShapeRef::Prefix(p) => text.starts_with(p),
            ShapeRef::Segments(s) => segments_match(s, text),
            ShapeRef::Glob { has_hole: true, .. } => false,
            ShapeRef::Glob { toks, len, .. } => {
                let text = text.chars().map(TextTok::Char);
                tri(&Compact::new(toks, len), false, text, false) == Tri::T
            }
        }
    }

    /// Three-valued match against a request string that may contain holes.
    pub fn matches_text(&self, text: &[TextTok]) -> Tri {
        let text_has_hole = text.iter().any(|t| matches!(t, TextTok::Hole { .. }));
        if !text_has_hole && !self.has_hole() {
            let known: String = text
                .iter()
                .filter_map(|t| match t {
                    TextTok::Char(c) => Some(*c),
                    TextTok::Hole { .. } => None,
                })
                .collect();
            return Tri::from(self.matches(&known));
        }
        self.matches_with_holes(text.iter().copied())
    }

    /// [`PatternRef::matches_text`] on a request string prepared once for many patterns.
    pub fn matches_request(&self, text: &RequestText) -> Tri {
        match &text.repr {
            Repr::Known(known) if self.has_hole() => {
                self.matches_with_holes(known.chars().map(TextTok::Char))
            }
            Repr::Known(known) => Tri::from(self.matches(known)),
            Repr::Holes(toks) => self.matches_with_holes(toks.iter().copied()),
        }
    }

    /// The three-valued match when the text or the pattern has a hole.
    fn matches_with_holes<I>(&self, text: I) -> Tri
    where
        I: Iterator<Item = TextTok> + Clone,
    {
        match self.shape {
            ShapeRef::Any => Tri::T,
            ShapeRef::Exact(s) => str_tri(s, false, false, text),
            ShapeRef::Prefix(s) => str_tri(s, false, true, text),
            ShapeRef::Segments(s) => str_tri(s, true, false, text),
            ShapeRef::Glob {
                toks,
                len,
                has_hole,
            } => tri(&Compact::new(toks, len), has_hole, text, true),
        }
    }
}

/// Whether every wildcard of the pattern being a crossing `*` (and none of its pieces a literal
/// `*`), the text matches: the first piece is a prefix, the last a suffix, and the middle pieces
/// occur in order in between (the leftmost occurrence of each is always the best choice).
fn segments_match(pattern: &str, text: &str) -> bool {
    let Some((head, last)) = pattern.rsplit_once('*') else {
        return pattern == text;
    };
    let (first, middle) = match head.split_once('*') {
        Some((first, middle)) => (first, Some(middle)),
        None => (head, None),
    };
    let Some(mut rest) = text.strip_prefix(first).and_then(|r| r.strip_suffix(last)) else {
        return false;
    };
    for piece in middle.into_iter().flat_map(|m| m.split('*')) {
        match rest.find(piece).and_then(|i| rest.get(i + piece.len()..)) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    true
}

/// The three-valued match of a string-held pattern: over its bytes when it is ASCII (nearly
/// always), over decoded tokens otherwise.
fn str_tri<I>(s: &str, stars: bool, trailing_star: bool, text: I) -> Tri
where
    I: Iterator<Item = TextTok> + Clone,
{
    if s.is_ascii() {
        let src = AsciiToks {
            bytes: s.as_bytes(),
            stars,
            trailing_star,
        };
        tri(&src, false, text, true)
    } else {
        let toks: Vec<Tok> = StrToks::new(s, stars, trailing_star).collect();
        tri(toks.as_slice(), false, text, true)
    }
}

/// Tokenises a resource pattern; `Err(label)` in the stream is a hole. `start_segment` is the
/// segment index of the first character.
fn resource_toks(
    stream: impl Iterator<Item = Result<char, u32>>,
    start_segment: usize,
) -> Vec<Tok> {
    let mut segment = start_segment;
    let mut stream = stream.peekable();
    let mut out = Vec::with_capacity(stream.size_hint().0);
    while let Some(c) = stream.next() {
        match c {
            Err(label) => out.push(Tok::Hole {
                label,
                colon_free: segment < 5,
            }),
            Ok(':') => {
                segment += 1;
                out.push(Tok::Lit(':'));
            }
            Ok('*') => {
                let ends_segment = matches!(stream.peek(), None | Some(Ok(':')));
                out.push(Tok::Star {
                    cross: ends_segment,
                });
            }
            Ok('?') => out.push(Tok::One {
                cross: segment >= 5,
            }),
            Ok(c) => out.push(Tok::Lit(c)),
        }
    }
    out
}

/// A request string prepared once per request: the string itself when it has no hole (matched
/// without the NFA where the pattern allows), its tokens otherwise.
#[derive(Debug, Clone)]
pub struct RequestText<'a> {
    repr: Repr<'a>,
}

#[derive(Debug, Clone)]
enum Repr<'a> {
    Known(Cow<'a, str>),
    Holes(Vec<TextTok>),
}

impl<'a> RequestText<'a> {
    /// Prepares the request string of a resource.
    pub fn new(sym: &'a Sym) -> RequestText<'a> {
        let repr = match sym {
            Sym::Known(s) => Repr::Known(Cow::Borrowed(s)),
            Sym::Partial(pieces) if pieces.iter().any(|p| matches!(p, Piece::Hole(_))) => {
                Repr::Holes(resource_text(sym))
            }
            // A `Partial` may hold only literal pieces.
            Sym::Partial(pieces) => Repr::Known(Cow::Owned(
                pieces
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Lit(l) => Some(&**l),
                        Piece::Hole(_) => None,
                    })
                    .collect(),
            )),
        };
        RequestText { repr }
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

/// Random access to the tokens of a pattern, whatever its storage.
trait Toks {
    fn len(&self) -> usize;
    fn get(&self, j: usize) -> Option<Tok>;
}

impl Toks for [Tok] {
    fn len(&self) -> usize {
        <[Tok]>::len(self)
    }
    fn get(&self, j: usize) -> Option<Tok> {
        <[Tok]>::get(self, j).copied()
    }
}

/// The tokens of an ASCII string-held pattern: each byte a literal, or a crossing `*` when
/// `stars`; `trailing_star` adds a crossing `*` after the last byte.
struct AsciiToks<'a> {
    bytes: &'a [u8],
    stars: bool,
    trailing_star: bool,
}

impl Toks for AsciiToks<'_> {
    fn len(&self) -> usize {
        self.bytes.len() + usize::from(self.trailing_star)
    }
    fn get(&self, j: usize) -> Option<Tok> {
        match self.bytes.get(j) {
            Some(b'*') if self.stars => Some(Tok::Star { cross: true }),
            Some(&b) => Some(Tok::Lit(char::from(b))),
            None if j == self.bytes.len() && self.trailing_star => Some(Tok::Star { cross: true }),
            None => None,
        }
    }
}

/// The tokens of a string-held pattern, decoded in order (see [`AsciiToks`]).
struct StrToks<'a> {
    chars: std::str::Chars<'a>,
    stars: bool,
    trailing_star: bool,
}

impl<'a> StrToks<'a> {
    fn new(s: &'a str, stars: bool, trailing_star: bool) -> StrToks<'a> {
        StrToks {
            chars: s.chars(),
            stars,
            trailing_star,
        }
    }
}

impl Iterator for StrToks<'_> {
    type Item = Tok;
    fn next(&mut self) -> Option<Tok> {
        match self.chars.next() {
            Some('*') if self.stars => Some(Tok::Star { cross: true }),
            Some(c) => Some(Tok::Lit(c)),
            None if self.trailing_star => {
                self.trailing_star = false;
                Some(Tok::Star { cross: true })
            }
            None => None,
        }
    }
}

/// Tokens as one `u32` each: a character is itself (at most `0x10FFFF`), the four wildcards
/// follow it, and a hole sets the top bit, bit 30 when colon-free, and numbers its label, which
/// is stored after the tokens.
struct Compact<'a> {
    toks: &'a [u32],
    len: usize,
}

const STAR: u32 = 0x11_0000;
const STAR_CROSS: u32 = 0x11_0001;
const ONE: u32 = 0x11_0002;
const ONE_CROSS: u32 = 0x11_0003;
const HOLE: u32 = 1 << 31;
const HOLE_COLON_FREE: u32 = 1 << 30;
const HOLE_INDEX: u32 = HOLE_COLON_FREE - 1;

impl<'a> Compact<'a> {
    fn new(toks: &'a [u32], len: u32) -> Compact<'a> {
        Compact {
            toks,
            len: len as usize,
        }
    }

    fn encode(toks: &[Tok]) -> Box<[u32]> {
        let mut out = Vec::with_capacity(toks.len());
        let mut labels = Vec::new();
        for t in toks {
            out.push(match *t {
                Tok::Lit(c) => u32::from(c),
                Tok::Star { cross: false } => STAR,
                Tok::Star { cross: true } => STAR_CROSS,
                Tok::One { cross: false } => ONE,
                Tok::One { cross: true } => ONE_CROSS,
                Tok::Hole { label, colon_free } => {
                    let index = labels.len() as u32 & HOLE_INDEX;
                    labels.push(label);
                    HOLE | (if colon_free { HOLE_COLON_FREE } else { 0 }) | index
                }
            });
        }
        out.extend(labels);
        out.into_boxed_slice()
    }
}

impl Toks for Compact<'_> {
    fn len(&self) -> usize {
        self.len
    }
    fn get(&self, j: usize) -> Option<Tok> {
        if j >= self.len {
            return None;
        }
        let v = *self.toks.get(j)?;
        Some(match v {
            STAR => Tok::Star { cross: false },
            STAR_CROSS => Tok::Star { cross: true },
            ONE => Tok::One { cross: false },
            ONE_CROSS => Tok::One { cross: true },
            v if v & HOLE != 0 => Tok::Hole {
                label: self
                    .toks
                    .get(self.len + (v & HOLE_INDEX) as usize)
                    .copied()
                    .unwrap_or(0),
                colon_free: v & HOLE_COLON_FREE != 0,
            },
            v => Tok::Lit(char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER)),
        })
    }
}

/// The three-valued match of pattern tokens against a text. The literal prefix of the pattern
/// is compared first: until a wildcard or hole, the NFA has a single active position, so a
/// known character that differs rejects at once, and the NFA starts after the prefix (or at
/// the first text hole inside it). `text_holes` is false when the text surely has none.
fn tri<S, I>(src: &S, src_has_hole: bool, mut text: I, text_holes: bool) -> Tri
where
    S: Toks + ?Sized,
    I: Iterator<Item = TextTok> + Clone,
{
    let mut j = 0;
    while let Some(Tok::Lit(p)) = src.get(j) {
        let before = text.clone();
        match text.next() {
            Some(TextTok::Char(c)) if c == p => j += 1,
            Some(TextTok::Hole { .. }) => {
                text = before;
                break;
            }
            _ => return Tri::F,
        }
    }
    if j + 1 == src.len() && src.get(j) == Some(Tok::Star { cross: true }) {
        // Only a crossing `*` is left: it takes the rest, whatever the holes hold.
        return Tri::T;
    }
    let holes =
        src_has_hole || (text_holes && text.clone().any(|t| matches!(t, TextTok::Hole { .. })));
    if !holes {
        // Without holes, "for every value" and "for some value" agree.
        return Tri::from(nfa(src, j, text, Mode::Possible));
    }
    if nfa(src, j, text.clone(), Mode::Certain) {
        Tri::T
    } else if nfa(src, j, text, Mode::Possible) {
        Tri::U
    } else {
        Tri::F
    }
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

/// A set of pattern positions `0..=n`.
trait PosSet {
    fn with_len(n: usize) -> Self;
    fn get(&self, i: usize) -> bool;
    fn set(&mut self, i: usize);
    fn clear(&mut self);
    fn is_empty(&self) -> bool;
    /// Calls `f` on every member, in increasing order.
    fn for_each(&self, f: impl FnMut(usize));
}

/// The positions of a pattern of fewer than 64 tokens: one word.
struct Word(u64);

impl PosSet for Word {
    fn with_len(_: usize) -> Word {
        Word(0)
    }
    fn get(&self, i: usize) -> bool {
        i < 64 && self.0 >> i & 1 == 1
    }
    fn set(&mut self, i: usize) {
        if i < 64 {
            self.0 |= 1 << i;
        }
    }
    fn clear(&mut self) {
        self.0 = 0;
    }
    fn is_empty(&self) -> bool {
        self.0 == 0
    }
    fn for_each(&self, mut f: impl FnMut(usize)) {
        let mut word = self.0;
        while word != 0 {
            f(word.trailing_zeros() as usize);
            word &= word - 1;
        }
    }
}

/// A small bitset over pattern positions: inline for short patterns, on the heap otherwise.
struct Bits {
    inline: [u64; INLINE_WORDS],
    /// The number of words in use when the set fits `inline`.
    used: usize,
    /// Empty when the set fits `inline`.
    heap: Vec<u64>,
}

impl PosSet for Bits {
    fn with_len(n: usize) -> Bits {
        let words = n / 64 + 1;
        Bits {
            inline: [0; INLINE_WORDS],
            used: words.min(INLINE_WORDS),
            heap: if words > INLINE_WORDS {
                vec![0; words]
            } else {
                Vec::new()
            },
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
    fn for_each(&self, mut f: impl FnMut(usize)) {
        for (w, &word) in self.words().iter().enumerate() {
            let mut word = word;
            while word != 0 {
                f(w * 64 + word.trailing_zeros() as usize);
                word &= word - 1;
            }
        }
    }
}

impl Bits {
    fn words(&self) -> &[u64] {
        if self.heap.is_empty() {
            self.inline.get(..self.used).unwrap_or(&self.inline)
        } else {
            &self.heap
        }
    }
    fn words_mut(&mut self) -> &mut [u64] {
        if self.heap.is_empty() {
            let used = self.used;
            match self.inline.get_mut(..used) {
                Some(w) => w,
                None => &mut [],
            }
        } else {
            &mut self.heap
        }
    }
}

/// Runs the NFA of the pattern tokens from position `base` on over the text; true when the end
/// of the pattern is reachable. Each step visits only the active positions.
fn nfa<S: Toks + ?Sized>(
    src: &S,
    base: usize,
    text: impl Iterator<Item = TextTok>,
    mode: Mode,
) -> bool {
    if src.len().saturating_sub(base) < 64 {
        run_nfa::<Word, S>(src, base, text, mode)
    } else {
        run_nfa::<Bits, S>(src, base, text, mode)
    }
}

/// [`nfa`] over a given kind of position set.
fn run_nfa<P: PosSet, S: Toks + ?Sized>(
    src: &S,
    base: usize,
    text: impl Iterator<Item = TextTok>,
    mode: Mode,
) -> bool {
    let n = src.len().saturating_sub(base);
    let tok = |j: usize| src.get(base + j);
    // Adds a position and those reachable from it by skipping stars (and, when only a possible
    // match is asked for, pattern holes: they may match nothing). A position already in the set
    // brought its own skips with it.
    let add = |set: &mut P, mut k: usize| {
        while !set.get(k) {
            set.set(k);
            match tok(k) {
                Some(Tok::Star { .. }) => k += 1,
                Some(Tok::Hole { .. }) if mode == Mode::Possible => k += 1,
                _ => break,
            }
        }
    };
    let mut cur = P::with_len(n + 1);
    let mut next = P::with_len(n + 1);
    add(&mut cur, 0);
    for t in text {
        next.clear();
        match t {
            TextTok::Char(c) => cur.for_each(|j| match tok(j) {
                Some(Tok::Lit(l)) if l == c => add(&mut next, j + 1),
                Some(Tok::One { cross }) if cross || c != ':' => add(&mut next, j + 1),
                Some(Tok::Star { cross }) if cross || c != ':' => add(&mut next, j),
                // An unknown pattern piece may contain anything, but not for certain.
                Some(Tok::Hole { colon_free, .. })
                    if mode == Mode::Possible && !(colon_free && c == ':') =>
                {
                    add(&mut next, j);
                }
                _ => {}
            }),
            TextTok::Hole { colon_free, label } => match mode {
                Mode::Certain => cur.for_each(|j| match tok(j) {
                    Some(Tok::Star { cross }) if cross || colon_free => add(&mut next, j),
                    // The same unknown value on both sides.
                    Some(Tok::Hole { label: l, .. }) if l == label && l != 0 => {
                        add(&mut next, j + 1);
                    }
                    _ => {}
                }),
                Mode::Possible => {
                    // The hole may produce any string (without `:` when colon-free): every
                    // position from an active one up to the next literal `:` becomes reachable.
                    let mut filled = 0usize;
                    cur.for_each(|j| {
                        if j < filled {
                            return;
                        }
                        let mut k = j;
                        loop {
                            add(&mut next, k);
                            if k >= n || (colon_free && tok(k) == Some(Tok::Lit(':'))) {
                                break;
                            }
                            k += 1;
                        }
                        filled = k + 1;
                    });
                }
            },
        }
        std::mem::swap(&mut cur, &mut next);
        if cur.is_empty() {
            return false;
        }
    }
    cur.get(n)
}

/// Whether pattern tokens match a fully known string, as [`Pattern::matches`] of
/// [`Pattern::from_toks`] would say, without compiling them.
pub fn toks_match(toks: &[Tok], text: &str) -> bool {
    if toks.iter().any(|t| matches!(t, Tok::Hole { .. })) {
        return false;
    }
    tri(toks, false, text.chars().map(TextTok::Char), false) == Tri::T
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
    // The request's service and name, split at its first colon (a byte scan: these
    // strings are short, and this runs for every action entry of every statement).
    let Some(colon) = action.bytes().position(|b| b == b':') else {
        return false;
    };
    let (Some(a_service), Some(a_name)) = (action.get(..colon), action.get(colon + 1..)) else {
        return false;
    };
    // The pattern's service is its text up to its first colon: it equals the
    // request's (which has no colon) ignoring case exactly when the pattern
    // starts with it and a colon. Compared in place, without splitting the pattern.
    let n = a_service.len();
    if pattern.as_bytes().get(n) != Some(&b':')
        || !pattern
            .get(..n)
            .is_some_and(|p_service| p_service.eq_ignore_ascii_case(a_service))
    {
        return false;
    }
    // A wildcard in the pattern's service never matches (R15); that service equals the
    // request's ignoring case, so it has one exactly when the request's has.
    if a_service.bytes().any(|b| b == b'*' || b == b'?') {
        return false;
    }
    glob_ignore_case(pattern.get(n + 1..).unwrap_or_default(), a_name)
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
                if !toks_match(ps, vs) {
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

    /// The matcher as written before it compared the service in place.
    fn action_matches_by_splitting(pattern: &str, action: &str) -> bool {
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

    #[test]
    fn action_matches_agrees_with_splitting_both_sides() {
        let texts = [
            "*",
            "ecr:*",
            "ECR:Get*",
            "ecr",
            "ecr:",
            ":",
            ":x",
            "*:x",
            "e*r:x",
            "e?r:GetX",
            "ecr-public:*",
            "ec:*",
            "ecr:GetAuthorizationToken",
            "ecr:Get:Thing",
            "ecré:x",
            "s3:Get?bject",
            "s3:GetObject",
            "kms:Decrypt",
            "KMS:DECRYPT",
        ];
        for p in texts {
            for a in texts {
                assert_eq!(
                    action_matches(p, a),
                    action_matches_by_splitting(p, a),
                    "{p} {a}"
                );
            }
        }
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
        let req = Sym::partial(vec![
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
        let tail = Sym::partial(vec![
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
        let pat = Pattern::resource_sym(&Sym::partial(vec![
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

    fn lit_sym(pieces: &[(&str, bool)]) -> Sym {
        Sym::Partial(
            pieces
                .iter()
                .map(|(s, hole)| {
                    if *hole {
                        Piece::Hole((*s).into())
                    } else {
                        Piece::Lit((*s).into())
                    }
                })
                .collect(),
        )
    }

    #[test]
    fn shapes_are_chosen_by_wildcards() {
        let shape = |p: &str| Pattern::resource(p).shape;
        assert!(matches!(
            shape("arn:aws:ssm:r:1:parameter/a"),
            Shape::Exact(_)
        ));
        assert!(matches!(shape("*"), Shape::Any));
        assert!(matches!(
            shape("arn:aws:logs:r:1:log-group:/ecs/a:*"),
            Shape::Prefix(_)
        ));
        assert!(matches!(
            shape("arn:aws:logs:*:1:log-group:/ecs/a:*"),
            Shape::Segments(_)
        ));
        assert!(matches!(
            shape("arn:aws:logs:r:1:log-group:/ecs/*"),
            Shape::Prefix(_)
        ));
        // A `*` inside a segment may not cross `:`; `?` needs the NFA too.
        assert!(matches!(
            shape("arn:aws:logs:r:1:log-group:/e*s/a"),
            Shape::Glob { .. }
        ));
        assert!(matches!(
            shape("arn:aws:sm:r:1:secret:db-??????"),
            Shape::Glob { .. }
        ));
        assert!(matches!(
            Pattern::resource_sym(&lit_sym(&[("arn:aws:s3:::", false), ("B", true)])).shape,
            Shape::Glob { has_hole: true, .. }
        ));
        // A literal `*` (a substituted value) is never read back as a wildcard.
        let toks = vec![Tok::Lit('*'), Tok::Star { cross: true }, Tok::Lit('a')];
        let p = Pattern::from_toks(toks.clone());
        assert!(matches!(p.shape, Shape::Glob { .. }));
        assert_eq!(p.to_toks(), toks);
        assert!(p.matches("*xa") && !p.matches("xa"));
        let p = Pattern::from_toks(vec![Tok::Lit('*'), Tok::Star { cross: true }]);
        assert!(matches!(p.shape, Shape::Prefix(_)));
        assert!(p.matches("*x") && !p.matches("x*"));
    }

    #[test]
    fn compiled_patterns_are_small() {
        assert!(std::mem::size_of::<Pattern>() <= 24);
        assert_eq!(
            std::mem::size_of::<Option<Pattern>>(),
            std::mem::size_of::<Pattern>()
        );
        let Shape::Glob { toks, len, .. } = Pattern::resource_sym(&lit_sym(&[
            ("arn:aws:sm:r:1:secret:", false),
            ("N", true),
            ("-??????", false),
        ]))
        .shape
        else {
            panic!("a pattern with `?` and a hole needs the NFA");
        };
        // One `u32` per token, and the label of the one hole after them.
        assert_eq!(toks.len(), len as usize + 1);
        assert_eq!(toks.last(), Some(&hole_label("N")));
    }

    /// The shapes whose text is the value (or the value without its final `*`) leave
    /// it to the value when detached; the others keep their own.
    #[test]
    fn detach_drops_only_text_the_value_holds() {
        let kind = |p: &str| Pattern::resource(p).detach(p).0;
        assert_eq!(kind("arn:aws:s3:::bucket/key"), DetachedKind::Exact);
        assert_eq!(
            kind("arn:aws:logs:r:1:log-group:/ecs/a:*"),
            DetachedKind::Prefix
        );
        assert_eq!(kind("arn:aws:ecs:r:1:*:task/x*"), DetachedKind::Segments);
        assert!(matches!(kind("*"), DetachedKind::Whole(_)));
        assert!(matches!(kind("arn:aws:s3:::b?"), DetachedKind::Whole(_)));
        // Detached from another text, a pattern keeps its own.
        let p = Pattern::resource("arn:aws:s3:::a");
        assert!(matches!(
            p.detach("arn:aws:s3:::b").0,
            DetachedKind::Whole(_)
        ));
    }

    #[test]
    fn prefix_shape_with_and_without_holes() {
        let p = Pattern::resource("arn:aws:logs:us-east-1:1:log-group:/ecs/app1:*");
        assert!(p.matches("arn:aws:logs:us-east-1:1:log-group:/ecs/app1:log-stream:x"));
        assert!(p.matches("arn:aws:logs:us-east-1:1:log-group:/ecs/app1:"));
        assert!(!p.matches("arn:aws:logs:us-east-1:1:log-group:/ecs/app1"));
        assert!(!p.matches("arn:aws:logs:us-east-1:1:log-group:/ecs/app10:x"));
        let req = |pieces: &[(&str, bool)]| p.matches_request(&RequestText::new(&lit_sym(pieces)));
        // The hot case: a hole after the shared prefix.
        let stream = "arn:aws:logs:us-east-1:1:log-group:/ecs/app1:log-stream:c1/c1/";
        assert_eq!(req(&[(stream, false), ("Task", true)]), Tri::T);
        // A known character that differs rejects at once, hole or not.
        assert_eq!(
            req(&[
                ("arn:aws:logs:us-east-1:1:log-group:/ecs/app2:", false),
                ("T", true)
            ]),
            Tri::F
        );
        // A hole inside the prefix: the NFA decides from there.
        assert_eq!(
            req(&[
                ("arn:aws:logs:", false),
                ("Region", true),
                (":1:log-group:/ecs/app1:x", false)
            ]),
            Tri::U
        );
        assert_eq!(
            req(&[
                ("arn:aws:logs:", false),
                ("Region", true),
                (":2:log-group:/ecs/app1:x", false)
            ]),
            Tri::F
        );
        // The text ends inside the prefix.
        assert_eq!(
            req(&[("arn:aws:logs:us-east-1:1:", false), ("G", true)]),
            Tri::U
        );
        assert_eq!(
            req(&[("arn:aws:logs:us-east-1:1:log-group:/ecs/app1", false)]),
            Tri::F
        );
    }

    #[test]
    fn segment_shape_searches_pieces_in_order() {
        let p = Pattern::resource("arn:aws:logs:*:1:log-group:/ecs/app:*");
        assert!(p.matches("arn:aws:logs:us-east-1:1:log-group:/ecs/app:log-stream:x"));
        assert!(p.matches("arn:aws:logs::1:log-group:/ecs/app:"));
        assert!(!p.matches("arn:aws:logs:us-east-1:2:log-group:/ecs/app:x"));
        let p = Pattern::string_like("a*ab*b");
        assert!(p.matches("aabb") && p.matches("aaabbb") && p.matches("aabab"));
        // Prefix and suffix may not overlap; a middle piece may not reach into the suffix.
        assert!(!p.matches("aab") && !p.matches("abb") && !p.matches("aabba"));
        let p = Pattern::string_like("*:*:*");
        assert!(p.matches("::") && p.matches("a:b:c:d") && !p.matches("a:b"));
        let p = Pattern::string_like("**");
        assert!(matches!(p.shape, Shape::Segments(_)));
        assert!(p.matches("") && p.matches("x"));
        let text = resource_text(&lit_sym(&[
            ("arn:aws:logs:", false),
            ("R", true),
            (":1:log-group:/ecs/app:s", false),
        ]));
        assert_eq!(
            Pattern::resource("arn:aws:logs:*:1:log-group:/ecs/app:*").matches_text(&text),
            Tri::T
        );
    }

    #[test]
    fn exact_shape_with_holes_in_the_text() {
        let p = Pattern::resource("arn:aws:s3:::b/k");
        let tri = |pieces: &[(&str, bool)]| p.matches_text(&resource_text(&lit_sym(pieces)));
        assert_eq!(tri(&[("arn:aws:s3:::b/k", false), ("H", true)]), Tri::U);
        assert_eq!(
            tri(&[("arn:aws:s3:::", false), ("H", true), ("/k", false)]),
            Tri::U
        );
        assert_eq!(
            tri(&[("arn:aws:s3:::", false), ("H", true), ("/j", false)]),
            Tri::F
        );
        // Non-ASCII patterns take decoded tokens instead of bytes.
        let p = Pattern::resource("arn:aws:s3:::bé/*");
        let text = resource_text(&lit_sym(&[
            ("arn:aws:s3:::", false),
            ("H", true),
            ("é/k", false),
        ]));
        assert_eq!(p.matches_text(&text), Tri::U);
    }

    #[test]
    fn labelled_holes_on_both_sides_match_for_certain() {
        let p = Pattern::resource_sym(&lit_sym(&[
            ("arn:aws:secretsmanager:r:1:secret:", false),
            ("${Name}", true),
            ("-??????", false),
        ]));
        let same = resource_text(&lit_sym(&[
            ("arn:aws:secretsmanager:r:1:secret:", false),
            ("${Name}", true),
            ("-AbCdEf", false),
        ]));
        assert_eq!(p.matches_text(&same), Tri::T);
        let other = resource_text(&lit_sym(&[
            ("arn:aws:secretsmanager:r:1:secret:", false),
            ("${Other}", true),
            ("-AbCdEf", false),
        ]));
        assert_eq!(p.matches_text(&other), Tri::U);
        assert!(!p.matches("arn:aws:secretsmanager:r:1:secret:x-AbCdEf"));
    }
}
