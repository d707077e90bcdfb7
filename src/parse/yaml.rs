//! YAML (CloudFormation templates) into a [`Node`] tree with byte spans.
//!
//! Built from the `saphyr-parser` event stream with an explicit stack, so the
//! nesting depth is ours to bound ([`MAX_DEPTH`]) and duplicate keys are kept
//! (the input layer reports them). Conventions match the JSON front end:
//! byte spans into the source (a leading BOM is skipped), and on error the
//! RFC 6901 pointer of the innermost value whose reading had started.
//!
//! Spans:
//! - a scalar covers its source text: quotes included for quoted scalars; a
//!   block scalar (`|`, `>`) runs from its indicator to the end of its last
//!   non-blank content line (no trailing line break); an empty value (`key:`)
//!   is zero-width;
//! - a flow collection includes its brackets; a block mapping or sequence runs
//!   from its first key or `-` to the end of its last value;
//! - a local tag (`!Ref X`) gives `Value::Tagged("Ref", inner)`: the tagged
//!   node's span starts at the `!` and ends with the inner node, whose span is
//!   the value after the tag (and after an anchor, if any);
//! - an anchor (`&a`) is not part of the node's span;
//! - an alias (`*a`) becomes a clone of the anchored node, **with the anchored
//!   node's spans** (findings point at the text that defines the value);
//! - merge keys (`<<: *base`, `<<: [*a, *b]`) are applied: the merged members
//!   take the place of the `<<` member, keep their own spans, and never
//!   override a key written in the mapping itself. A quoted `'<<'` is an
//!   ordinary key.
//!
//! Errors: scanner errors keep saphyr's message with a one-character span at
//! its marker. The pointer includes the key of a mapping value being read
//! (`Image: 'unclosed` gives `.../Image`) but not the index of a sequence item,
//! since saphyr does not say whether the item had started. saphyr caps flow
//! collections at 255 levels (its own error, reworded); block nesting is
//! capped by us at [`MAX_DEPTH`]. Aliases are charged to a budget of
//! 10 × the source length + 10,000 nodes.

use std::borrow::Cow;
use std::collections::HashSet;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::json::ParseError;
use super::node::{MAX_DEPTH, Member, Node, Span, Value, push_token};

/// The handle saphyr gives core-schema tags (`!!str` and friends).
const CORE: &str = "tag:yaml.org,2002:";

/// saphyr-parser stores the flow level in a `u8`: deeper flow nesting is its error.
const SAPHYR_FLOW_LIMIT: usize = 255;

/// Parses one CloudFormation YAML document. A leading UTF-8 byte-order mark is skipped.
pub fn parse(src: &str) -> Result<Node, ParseError> {
    let base = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let text = src.get(base..).unwrap_or_default();
    let mut b = Builder {
        src,
        bytes: src.as_bytes(),
        chars: CharMap::new(text, base),
        stack: Vec::new(),
        anchors: Vec::new(),
        used: 0,
        budget: src.len().saturating_mul(10).saturating_add(10_000),
        cursor: base,
        root: None,
    };
    b.run(text)
}

/// Char index (what saphyr's markers count) to byte offset in the whole source.
struct CharMap {
    base: usize,
    /// `None` for ASCII text, where the two are equal.
    table: Option<Vec<u32>>,
}

impl CharMap {
    fn new(text: &str, base: usize) -> Self {
        if text.is_ascii() {
            return Self { base, table: None };
        }
        let mut v: Vec<u32> = Vec::with_capacity(text.len() + 1);
        v.extend(text.char_indices().map(|(b, _)| b as u32));
        v.push(text.len() as u32);
        Self {
            base,
            table: Some(v),
        }
    }

    fn byte(&self, ch: usize) -> usize {
        self.base
            + match &self.table {
                None => ch,
                Some(v) => v.get(ch).or_else(|| v.last()).map_or(0, |&b| b as usize),
            }
    }
}

/// A node stored under an anchor: the node, its size in nodes, and for a scalar
/// its text (to use it as a mapping key).
struct Anchored {
    node: Node,
    count: usize,
    key_text: Option<Box<str>>,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        members: Vec<Member>,
        /// The key read, waiting for its value.
        key: Option<(Box<str>, Span)>,
        /// Indexes of `<<` members (merge keys).
        merges: Vec<usize>,
        /// Whether the pending key is a merge key.
        key_is_merge: bool,
    },
}

struct Frame {
    body: Body,
    /// Byte offset where the collection starts (its bracket, or its first key or `-`).
    start: usize,
    /// End of the last child read (block collections end there).
    last_end: usize,
    /// A local tag and the byte offset of its `!`.
    tag: Option<(Box<str>, usize)>,
    anchor: usize,
    /// Nodes in this subtree so far, the collection itself included.
    count: usize,
}

/// What a scalar or collection event carries before it becomes a node.
struct Props {
    /// Byte offset of the `!` of a local tag.
    tag_start: Option<usize>,
    /// Byte offset of a block scalar's `|` or `>`.
    block_indicator: Option<usize>,
    /// End of the node's properties (tag, anchor, block header), if any.
    end: Option<usize>,
}

/// How an event's tag resolves.
enum TagKind {
    None,
    /// `!Ref`: kept as `Value::Tagged`.
    Local(Box<str>),
    /// `!!str`, `!!int`, ...: resolved.
    Core(String),
    /// `! x`: a non-specific tag, which makes a scalar a string.
    NonSpecific,
}

fn tag_kind(tag: Option<Cow<'_, Tag>>) -> TagKind {
    let Some(tag) = tag else {
        return TagKind::None;
    };
    let tag = tag.into_owned();
    if tag.handle == CORE {
        return TagKind::Core(tag.suffix);
    }
    if tag.handle.is_empty() {
        // Verbatim `!<...>`; saphyr reports the bare `!` the same way.
        if tag.suffix == "!" {
            return TagKind::NonSpecific;
        }
        if let Some(core) = tag.suffix.strip_prefix(CORE) {
            return TagKind::Core(core.to_string());
        }
        let name = tag.suffix.strip_prefix('!').unwrap_or(&tag.suffix);
        return TagKind::Local(name.into());
    }
    if tag.handle == "!" {
        if tag.suffix.is_empty() {
            return TagKind::NonSpecific;
        }
        return TagKind::Local(tag.suffix.into_boxed_str());
    }
    let full = format!("{}{}", tag.handle, tag.suffix);
    let name = full.strip_prefix('!').unwrap_or(&full);
    TagKind::Local(name.into())
}

/// Resolves a plain scalar per the YAML 1.2 core schema.
fn plain_value(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ if is_core_int(s) || is_core_float(s) => Value::Number(s.into()),
        _ => Value::String(s.into()),
    }
}

fn all_digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn is_core_int(s: &str) -> bool {
    if let Some(oct) = s.strip_prefix("0o") {
        return all_digits(oct, 8);
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return all_digits(hex, 16);
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    all_digits(digits, 10)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.inf`, `\.nan` (three casings).
fn is_core_float(s: &str) -> bool {
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => all_digits(frac, 10),
        Some((int, frac)) => all_digits(int, 10) && (frac.is_empty() || all_digits(frac, 10)),
        None => all_digits(mantissa, 10),
    };
    let exponent_ok =
        exponent.is_none_or(|e| all_digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    mantissa_ok && exponent_ok
}

/// A scalar with an explicit core tag (`!!int 3`).
fn core_scalar(suffix: &str, text: &str) -> Result<Value, String> {
    let bad = || format!("`{text}` is not a valid `!!{suffix}` value");
    match suffix {
        "null" => match text {
            "" | "~" | "null" | "Null" | "NULL" => Ok(Value::Null),
            _ => Err(bad()),
        },
        "bool" => match text {
            "true" | "True" | "TRUE" => Ok(Value::Bool(true)),
            "false" | "False" | "FALSE" => Ok(Value::Bool(false)),
            _ => Err(bad()),
        },
        "int" if is_core_int(text) => Ok(Value::Number(text.into())),
        "float" if is_core_int(text) || is_core_float(text) => Ok(Value::Number(text.into())),
        "int" | "float" => Err(bad()),
        "map" | "seq" => Err(format!("`!!{suffix}` on a scalar")),
        // `!!str`, and types CloudFormation has no use for (`!!binary`, `!!timestamp`): text.
        _ => Ok(Value::String(text.into())),
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

struct Builder<'a> {
    src: &'a str,
    bytes: &'a [u8],
    chars: CharMap,
    stack: Vec<Frame>,
    /// Indexed by saphyr's anchor id (`None` while the anchored node is being read).
    anchors: Vec<Option<Anchored>>,
    /// Nodes created so far, alias expansions included.
    used: usize,
    budget: usize,
    /// Byte offset of the end of the last text consumed: node properties are searched after it.
    cursor: usize,
    root: Option<Node>,
}

impl Builder<'_> {
    fn run(&mut self, text: &str) -> Result<Node, ParseError> {
        let mut parser = Parser::new_from_str(text);
        // Whether a non-empty document has been read completely.
        let mut done = false;
        loop {
            let (event, span) = match parser.next_event() {
                None => break,
                Some(Ok(x)) => x,
                Some(Err(e)) => return Err(self.scan_error(&e)),
            };
            let start = self.chars.byte(span.start.index());
            let end = self.chars.byte(span.end.index());
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    self.cursor = start;
                    if done {
                        // A later document is fine only if it is empty.
                        match parser.next_event() {
                            Some(Ok((Event::Scalar(v, ScalarStyle::Plain, 0, None), s)))
                                if self.is_empty_scalar(&v, &s) => {}
                            Some(Err(e)) => return Err(self.scan_error(&e)),
                            _ => {
                                return Err(ParseError {
                                    message: "more than one YAML document in the file".into(),
                                    span: Span::from_usize(start, end.max(start)),
                                    pointer: String::new(),
                                });
                            }
                        }
                    }
                }
                Event::DocumentEnd => {
                    // An empty document (nothing, or only comments) leaves a zero-width null.
                    match &self.root {
                        Some(root) if root.is_null() && root.span.start == root.span.end => {
                            self.root = None;
                        }
                        Some(_) => done = true,
                        None => {}
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let empty = style == ScalarStyle::Plain && self.is_empty_scalar(&value, &span);
                    self.scalar(&value, style, anchor, tag, start, end, empty)?;
                }
                Event::Alias(id) => self.alias(id, start, end)?,
                Event::SequenceStart(anchor, tag) => {
                    self.open(Body::Seq(Vec::new()), anchor, tag, start)?;
                }
                Event::MappingStart(anchor, tag) => {
                    let body = Body::Map {
                        members: Vec::new(),
                        key: None,
                        merges: Vec::new(),
                        key_is_merge: false,
                    };
                    self.open(body, anchor, tag, start)?;
                }
                Event::SequenceEnd => self.close(start, end, b']')?,
                Event::MappingEnd => self.close(start, end, b'}')?,
            }
        }
        if !self.stack.is_empty() {
            return Err(self.error_at("unexpected end of file", self.src.len(), false));
        }
        match self.root.take() {
            Some(root) => Ok(root),
            None => Err(ParseError {
                message: "the file is empty".into(),
                span: Span::from_usize(self.src.len(), self.src.len()),
                pointer: String::new(),
            }),
        }
    }

    /// Whether a plain scalar event is an empty value (`key:`), not a written `~`.
    fn is_empty_scalar(&self, value: &str, span: &saphyr_parser::Span) -> bool {
        if value.is_empty() {
            return true;
        }
        if value != "~" {
            return false;
        }
        let s = self.chars.byte(span.start.index());
        let e = self.chars.byte(span.end.index());
        self.src.get(s..e) != Some("~")
    }

    /// The pointer of the innermost value being read. `child` adds the token of the
    /// child the top frame is reading: always for a mapping value whose key was read,
    /// for a sequence only when `seq_child` (the value is known to have started).
    fn pointer(&self, seq_child: bool) -> String {
        let mut pointer = String::new();
        let n = self.stack.len();
        for (i, frame) in self.stack.iter().enumerate() {
            let top = i + 1 == n;
            match &frame.body {
                Body::Seq(items) => {
                    if top && !seq_child {
                        break;
                    }
                    pointer.push('/');
                    pointer.push_str(&items.len().to_string());
                }
                Body::Map { key, .. } => match key {
                    Some((k, _)) => push_token(&mut pointer, k),
                    None => break,
                },
            }
        }
        pointer
    }

    fn error_at(&self, message: impl Into<String>, at: usize, seq_child: bool) -> ParseError {
        let end = self
            .src
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        ParseError {
            message: message.into(),
            span: Span::from_usize(at, end),
            pointer: self.pointer(seq_child),
        }
    }

    fn scan_error(&self, e: &ScanError) -> ParseError {
        let at = self.chars.byte(e.marker().index());
        let message = if e.info() == "recursion limit exceeded" {
            format!(
                "nesting deeper than {SAPHYR_FLOW_LIMIT} levels of flow collections (`[`, `{{`)"
            )
        } else {
            e.info().to_string()
        };
        self.error_at(message, at, false)
    }

    fn charge(&mut self, nodes: usize, at: usize) -> Result<(), ParseError> {
        self.used = self.used.saturating_add(nodes);
        if self.used > self.budget {
            return Err(self.error_at(
                "aliases expand to too many nodes (a \"billion laughs\" document?)",
                at,
                true,
            ));
        }
        Ok(())
    }

    /// Finds a node's properties between the cursor and `value_start`: the `!` of its
    /// tag and a block scalar's indicator. Skips indentation, indicators, comments and
    /// anchors; stops at anything else.
    fn props(&self, value_start: usize) -> Props {
        let mut p = Props {
            tag_start: None,
            block_indicator: None,
            end: None,
        };
        let b = self.bytes;
        let mut i = self.cursor;
        while i < value_start {
            let Some(&c) = b.get(i) else { break };
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b'{' | b':' | b'-' | b'?' => i += 1,
                b'#' => {
                    while i < value_start && b.get(i).is_some_and(|&c| c != b'\n') {
                        i += 1;
                    }
                }
                b'!' | b'&' => {
                    if c == b'!' && p.tag_start.is_none() {
                        p.tag_start = Some(i);
                    }
                    while i < value_start && b.get(i).is_some_and(|&c| !is_ws(c)) {
                        i += 1;
                    }
                    p.end = Some(i);
                }
                b'|' | b'>' => {
                    p.block_indicator = Some(i);
                    i += 1;
                    // The header: chomping and indentation indicators.
                    while b
                        .get(i)
                        .is_some_and(|&c| matches!(c, b'+' | b'-' | b'0'..=b'9'))
                    {
                        i += 1;
                    }
                    p.end = Some(i);
                    while i < value_start && b.get(i).is_some_and(|&c| c != b'\n') {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
        p
    }

    fn advance(&mut self, to: usize) {
        if to > self.cursor {
            self.cursor = to;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        start: usize,
        end: usize,
        empty: bool,
    ) -> Result<(), ParseError> {
        let kind = tag_kind(tag);
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        let props = if matches!(kind, TagKind::None) && !block {
            None
        } else {
            Some(self.props(start))
        };
        // The span of the value itself.
        let span = if let Some(ind) = props.as_ref().and_then(|p| p.block_indicator) {
            let header_end = props.as_ref().and_then(|p| p.end).unwrap_or(ind + 1);
            let mut e = end.max(header_end);
            while e > header_end && self.bytes.get(e - 1).is_some_and(|&c| is_ws(c)) {
                e -= 1;
            }
            Span::from_usize(ind, e)
        } else if empty {
            let at = props.as_ref().and_then(|p| p.end).unwrap_or(start);
            Span::from_usize(at, at)
        } else {
            Span::from_usize(start, end)
        };
        if let Some(e) = props.as_ref().and_then(|p| p.end) {
            self.advance(e);
        }
        if !empty {
            self.advance(span.end as usize);
        }
        let plain = style == ScalarStyle::Plain;
        let value = match &kind {
            TagKind::Core(suffix) => {
                core_scalar(suffix, text).map_err(|m| self.error_at(m, start, true))?
            }
            TagKind::NonSpecific => Value::String(text.into()),
            TagKind::None | TagKind::Local(_) => {
                if empty {
                    Value::Null
                } else if plain {
                    plain_value(text)
                } else {
                    Value::String(text.into())
                }
            }
        };
        // A mapping key?
        if let Some(Frame {
            body: Body::Map {
                key, key_is_merge, ..
            },
            ..
        }) = self.stack.last_mut()
            && key.is_none()
        {
            if let TagKind::Local(t) = &kind {
                let message = format!("a mapping key cannot have a tag (`!{t}`)");
                return Err(self.error_at(message, start, false));
            }
            let key_text: Box<str> = if empty { "".into() } else { text.into() };
            *key_is_merge = plain && matches!(kind, TagKind::None) && text == "<<";
            *key = Some((key_text, span));
            self.charge(1, start)?;
            return self.register(anchor, || {
                (
                    Node::new(value, span),
                    1,
                    Some(if empty { "" } else { text }.into()),
                )
            });
        }
        let mut node = Node::new(value, span);
        let mut count = 1;
        if let (TagKind::Local(t), Some(p)) = (kind, &props) {
            let tag_start = p.tag_start.unwrap_or(span.start as usize);
            let outer = Span::new(tag_start as u32, span.end);
            node = Node::new(Value::Tagged(t, Box::new(node)), outer);
            count += 1;
        }
        self.charge(count, start)?;
        let key_text = if anchor > 0 && !empty {
            Some(text)
        } else {
            None
        };
        self.register(anchor, || (node.clone(), count, key_text.map(Into::into)))?;
        self.attach(node, count);
        Ok(())
    }

    /// Stores the node read under anchor `id` (0: no anchor).
    fn register(
        &mut self,
        id: usize,
        make: impl FnOnce() -> (Node, usize, Option<Box<str>>),
    ) -> Result<(), ParseError> {
        if id == 0 {
            return Ok(());
        }
        let (node, count, key_text) = make();
        let at = node.span.start as usize;
        self.charge(count, at)?;
        if self.anchors.len() <= id {
            self.anchors.resize_with(id + 1, || None);
        }
        if let Some(slot) = self.anchors.get_mut(id) {
            *slot = Some(Anchored {
                node,
                count,
                key_text,
            });
        }
        Ok(())
    }

    fn alias(&mut self, id: usize, start: usize, end: usize) -> Result<(), ParseError> {
        self.advance(end);
        let Some(Some(anchored)) = self.anchors.get(id) else {
            return Err(self.error_at("an alias refers to a node that contains it", start, true));
        };
        let count = anchored.count;
        let key_text = anchored.key_text.clone();
        // A mapping key?
        if let Some(Frame {
            body: Body::Map { key, .. },
            ..
        }) = self.stack.last_mut()
            && key.is_none()
        {
            let Some(text) = key_text else {
                return Err(self.error_at(
                    "a mapping key must be a scalar (complex keys are not supported)",
                    start,
                    false,
                ));
            };
            *key = Some((text, Span::from_usize(start, end)));
            return self.charge(1, start);
        }
        self.charge(count, start)?;
        let Some(Some(anchored)) = self.anchors.get(id) else {
            return Ok(());
        };
        let node = anchored.node.clone();
        self.attach(node, count);
        Ok(())
    }

    fn open(
        &mut self,
        body: Body,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        start: usize,
    ) -> Result<(), ParseError> {
        if let Some(Frame {
            body: Body::Map { key: None, .. },
            ..
        }) = self.stack.last()
        {
            return Err(self.error_at(
                "a mapping key must be a scalar (complex keys are not supported)",
                start,
                false,
            ));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error_at(
                format!("nesting deeper than {MAX_DEPTH} levels"),
                start,
                true,
            ));
        }
        let kind = tag_kind(tag);
        let mut tag = None;
        match kind {
            TagKind::None | TagKind::NonSpecific => {}
            TagKind::Core(suffix) => {
                let ok = match &body {
                    Body::Seq(_) => suffix == "seq",
                    Body::Map { .. } => suffix == "map",
                };
                if !ok {
                    return Err(self.error_at(
                        format!("`!!{suffix}` on a collection"),
                        start,
                        true,
                    ));
                }
            }
            TagKind::Local(t) => {
                let p = self.props(start);
                tag = Some((t, p.tag_start.unwrap_or(start)));
                if let Some(e) = p.end {
                    self.advance(e);
                }
            }
        }
        self.charge(1, start)?;
        // An indentless sequence (`key:\n- a`) starts after its first `-`: move back to it.
        let mut start = start;
        if matches!(body, Body::Seq(_)) && !matches!(self.bytes.get(start), Some(b'-' | b'[')) {
            let mut s = start;
            while s > 0 && matches!(self.bytes.get(s - 1), Some(b' ' | b'\t')) {
                s -= 1;
            }
            if s > 0 && self.bytes.get(s - 1) == Some(&b'-') {
                start = s - 1;
            }
        }
        // A flow collection's start event covers its bracket.
        if matches!(self.bytes.get(start), Some(b'[' | b'{')) {
            self.advance(start + 1);
        }
        self.stack.push(Frame {
            body,
            start,
            last_end: start,
            tag,
            anchor,
            count: 1,
        });
        Ok(())
    }

    fn close(&mut self, start: usize, end: usize, bracket: u8) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        // A flow collection ends with its bracket; a block one with its last value.
        // (The end event's own span runs on over trailing blanks and comments.)
        let end = if end > start && self.bytes.get(start) == Some(&bracket) {
            self.advance(start + 1);
            start + 1
        } else {
            frame.last_end
        };
        let span = Span::from_usize(frame.start, end);
        let value = match frame.body {
            Body::Seq(items) => Value::Array(items),
            Body::Map {
                members, merges, ..
            } => Value::Object(if merges.is_empty() {
                members
            } else {
                merge(members, &merges)
            }),
        };
        let mut node = Node::new(value, span);
        let mut count = frame.count;
        if let Some((t, tag_start)) = frame.tag {
            node = Node::new(
                Value::Tagged(t, Box::new(node)),
                Span::from_usize(tag_start, end),
            );
            count += 1;
        }
        self.register(frame.anchor, || (node.clone(), count, None))?;
        self.attach(node, count);
        Ok(())
    }

    fn attach(&mut self, node: Node, count: usize) {
        let end = node.span.end as usize;
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        top.count += count;
        top.last_end = top.last_end.max(end);
        match &mut top.body {
            Body::Seq(items) => items.push(node),
            Body::Map {
                members,
                key,
                merges,
                key_is_merge,
            } => {
                let (k, key_span) = key.take().unwrap_or_default();
                if std::mem::take(key_is_merge) {
                    merges.push(members.len());
                }
                members.push(Member {
                    key: k,
                    key_span,
                    value: node,
                });
            }
        }
    }
}

/// Applies merge keys: each `<<` member whose value is a mapping (or a sequence of
/// mappings) is replaced by the members of those mappings that the mapping does not
/// define itself; earlier sources win. Other `<<` members stay as they are.
fn merge(members: Vec<Member>, merges: &[usize]) -> Vec<Member> {
    let explicit: HashSet<Box<str>> = members
        .iter()
        .enumerate()
        .filter(|(i, _)| !merges.contains(i))
        .map(|(_, m)| m.key.clone())
        .collect();
    let mut taken: HashSet<Box<str>> = HashSet::new();
    let mut out = Vec::with_capacity(members.len());
    for (i, m) in members.into_iter().enumerate() {
        if !merges.contains(&i) {
            out.push(m);
            continue;
        }
        let sources = match m.value.value {
            Value::Object(_) => vec![m.value],
            Value::Array(items) if items.iter().all(Node::is_object) => items,
            value => {
                out.push(Member {
                    value: Node::new(value, m.value.span),
                    ..m
                });
                continue;
            }
        };
        for source in sources {
            if let Value::Object(inner) = source.value {
                for member in inner {
                    if !explicit.contains(&member.key) && taken.insert(member.key.clone()) {
                        out.push(member);
                    }
                }
            }
        }
    }
    out
}
