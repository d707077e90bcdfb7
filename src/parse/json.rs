//! Strict JSON (RFC 8259) into a [`Node`] tree with byte spans.
//!
//! Hand-written rather than taken from a crate for three reasons: it is
//! iterative (a file nested 100,000 levels deep cannot overflow the stack),
//! it keeps duplicate keys (IAM rejects them, R7), and on error it knows the
//! JSON pointer of the innermost value it had started to read (SPEC §3.2).

use super::node::{MAX_DEPTH, Member, Node, Span, Value};

/// Why and where a document failed to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset where parsing stopped (a zero-width or one-character span).
    pub span: Span,
    /// Pointer of the innermost value whose first character had been read (`""` if none).
    pub pointer: String,
}

enum Frame {
    Array {
        start: usize,
        items: Vec<Node>,
    },
    Object {
        start: usize,
        members: Vec<Member>,
        key: Option<(Box<str>, Span)>,
    },
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
}

/// Parses one JSON document. A leading UTF-8 byte-order mark is skipped.
pub fn parse(src: &str) -> Result<Node, ParseError> {
    let mut p = Parser {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        stack: Vec::new(),
    };
    if src.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.document()
}

fn describe(b: Option<u8>, src: &str, pos: usize) -> String {
    match b {
        None => "end of file".to_string(),
        Some(_) => match src.get(pos..).and_then(|s| s.chars().next()) {
            Some(c) if c.is_control() => format!("{c:?}"),
            Some(c) => format!("`{c}`"),
            None => "an invalid byte".to_string(),
        },
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The pointer of the innermost value started so far; `scalar` adds the token
    /// of a scalar whose reading has begun at the top of the stack.
    fn pointer(&self, scalar: bool) -> String {
        let mut pointer = String::new();
        let n = self.stack.len();
        for (i, frame) in self.stack.iter().enumerate() {
            // Frame i's own token lives in frame i-1; the child being read of the top
            // frame is included only for scalars.
            let include_child = i + 1 < n || scalar;
            if !include_child {
                break;
            }
            match frame {
                Frame::Array { items, .. } => {
                    pointer.push('/');
                    pointer.push_str(&items.len().to_string());
                }
                Frame::Object { key, .. } => match key {
                    Some((k, _)) => super::node::push_token(&mut pointer, k),
                    None => break,
                },
            }
        }
        pointer
    }

    fn error(&self, message: impl Into<String>, at: usize, scalar: bool) -> ParseError {
        let end = if at < self.bytes.len() {
            self.src
                .get(at..)
                .and_then(|s| s.chars().next())
                .map_or(at + 1, |c| at + c.len_utf8())
        } else {
            at
        };
        ParseError {
            message: message.into(),
            span: Span::from_usize(at, end),
            pointer: self.pointer(scalar),
        }
    }

    fn unexpected(&self, expected: &str, scalar: bool) -> ParseError {
        let found = describe(self.peek(), self.src, self.pos);
        self.error(
            format!("expected {expected}, found {found}"),
            self.pos,
            scalar,
        )
    }

    fn document(&mut self) -> Result<Node, ParseError> {
        self.skip_ws();
        if self.peek().is_none() {
            return Err(self.error("the file is empty", self.pos, false));
        }
        let root = 'outer: loop {
            // Read one value: a scalar, or the opening of a container.
            self.skip_ws();
            let mut node = match self.peek() {
                Some(b'{') => {
                    self.push_frame(Frame::Object {
                        start: self.pos,
                        members: Vec::new(),
                        key: None,
                    })?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        self.pop_frame()
                    } else {
                        self.object_key()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.push_frame(Frame::Array {
                        start: self.pos,
                        items: Vec::new(),
                    })?;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        self.pop_frame()
                    } else {
                        continue;
                    }
                }
                _ => self.scalar()?,
            };
            // Attach the finished value to its parent; close parents as they end.
            loop {
                let Some(top) = self.stack.last_mut() else {
                    break 'outer node;
                };
                match top {
                    Frame::Array { items, .. } => items.push(node),
                    Frame::Object { members, key, .. } => {
                        let (k, key_span) = key.take().unwrap_or_default();
                        members.push(Member {
                            key: k,
                            key_span,
                            value: node,
                        });
                    }
                }
                self.skip_ws();
                let is_array = matches!(self.stack.last(), Some(Frame::Array { .. }));
                match (self.peek(), is_array) {
                    (Some(b','), true) => {
                        self.pos += 1;
                        continue 'outer;
                    }
                    (Some(b','), false) => {
                        self.pos += 1;
                        self.skip_ws();
                        self.object_key()?;
                        continue 'outer;
                    }
                    (Some(b']'), true) | (Some(b'}'), false) => {
                        self.pos += 1;
                        node = self.pop_frame();
                    }
                    (_, true) => {
                        return Err(self.unexpected("`,` or `]` after an array element", false));
                    }
                    (_, false) => {
                        return Err(self.unexpected("`,` or `}` after an object member", false));
                    }
                }
            }
        };
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.error(
                format!(
                    "unexpected {} after the end of the document",
                    describe(self.peek(), self.src, self.pos)
                ),
                self.pos,
                false,
            ));
        }
        Ok(root)
    }

    fn push_frame(&mut self, frame: Frame) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                format!("nesting deeper than {MAX_DEPTH} levels"),
                self.pos,
                false,
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn pop_frame(&mut self) -> Node {
        let end = self.pos;
        match self.stack.pop() {
            Some(Frame::Array { start, items }) => {
                Node::new(Value::Array(items), Span::from_usize(start, end))
            }
            Some(Frame::Object { start, members, .. }) => {
                Node::new(Value::Object(members), Span::from_usize(start, end))
            }
            None => Node::new(Value::Null, Span::from_usize(end, end)),
        }
    }

    /// Reads `"key" :` inside the object on top of the stack.
    fn object_key(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string key", false));
        }
        let start = self.pos;
        let key = self.string(false)?;
        let span = Span::from_usize(start, self.pos);
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("`:` after an object key", false));
        }
        self.pos += 1;
        if let Some(Frame::Object { key: slot, .. }) = self.stack.last_mut() {
            *slot = Some((key, span));
        }
        Ok(())
    }

    fn scalar(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'"') => Value::String(self.string(true)?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.unexpected("a value", false)),
        };
        Ok(Node::new(value, Span::from_usize(start, self.pos)))
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(
                format!("invalid literal, expected `{word}`"),
                self.pos,
                true,
            ))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error(
                        "leading zeros are not allowed in numbers",
                        self.pos,
                        true,
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number", self.pos, true)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after the decimal point", self.pos, true));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent", self.pos, true));
            }
        }
        Ok(Value::Number(self.src[start..self.pos].into()))
    }

    fn hex4(&mut self, scalar: bool) -> Result<u32, ParseError> {
        let Some(hex) = self.src.get(self.pos..self.pos + 4) else {
            return Err(self.error("incomplete `\\u` escape", self.pos, scalar));
        };
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("invalid `\\u` escape", self.pos, scalar));
        }
        self.pos += 4;
        u32::from_str_radix(hex, 16)
            .map_err(|_| self.error("invalid `\\u` escape", self.pos, scalar))
    }

    /// Reads a string starting at `"`; `scalar` says whether it is a value (for the error pointer).
    fn string(&mut self, scalar: bool) -> Result<Box<str>, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let mut run = self.pos;
        // Most strings have no escape: find the first byte that needs a look
        // (all ASCII, so every cut below is on a character boundary) and, when
        // it is the closing quote, copy the string once at its exact length.
        let plain = self.bytes.get(self.pos..).and_then(|rest| {
            rest.iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        });
        if let Some(n) = plain {
            self.pos += n;
            if self.peek() == Some(b'"') {
                let text = Box::from(&self.src[run..self.pos]);
                self.pos += 1;
                return Ok(text);
            }
        }
        let mut out = String::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("unterminated string", open, scalar));
            };
            match b {
                b'"' => {
                    out.push_str(&self.src[run..self.pos]);
                    self.pos += 1;
                    return Ok(out.into_boxed_str());
                }
                b'\\' => {
                    out.push_str(&self.src[run..self.pos]);
                    let esc_at = self.pos;
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.error("unterminated string", open, scalar));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4(scalar)?;
                            let c = if (0xD800..0xDC00).contains(&hi)
                                && self.bytes[self.pos..].starts_with(b"\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4(scalar)?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            // A lone surrogate cannot live in a Rust string: keep U+FFFD.
                            out.push(c.unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(self.error("invalid escape sequence", esc_at, scalar)),
                    }
                    run = self.pos;
                }
                0x00..=0x1f => {
                    return Err(self.error(
                        "control character in a string (escape it)",
                        self.pos,
                        scalar,
                    ));
                }
                _ => self.pos += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> ParseError {
        parse(src).unwrap_err()
    }

    #[test]
    fn parses_nested_values_with_spans() {
        let src = r#"{"a": [1, "x", true, null], "b": {"c": -1.5e3}}"#;
        let node = parse(src).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(&src[a.span.range()], r#"[1, "x", true, null]"#);
        let x = &a.as_array().unwrap()[1];
        assert_eq!(&src[x.span.range()], r#""x""#);
        assert_eq!(x.as_str(), Some("x"));
        let c = node.get("b").unwrap().get("c").unwrap();
        assert_eq!(c.value, Value::Number("-1.5e3".into()));
    }

    #[test]
    fn keeps_duplicate_keys_and_last_wins() {
        let node = parse(r#"{"k": 1, "k": 2}"#).unwrap();
        assert_eq!(node.get("k").unwrap().value, Value::Number("2".into()));
        assert_eq!(node.duplicate_keys().len(), 1);
    }

    #[test]
    fn escapes_and_surrogates() {
        let node = parse(r#""a\n\u00e9\ud83d\ude00\ud800""#).unwrap();
        assert_eq!(node.as_str(), Some("a\né😀\u{fffd}"));
    }

    #[test]
    fn error_pointer_is_innermost_value_started() {
        assert_eq!(err(r#"{"a": tru}"#).pointer, "/a");
        assert_eq!(err(r#"{"a": }"#).pointer, "");
        assert_eq!(err(r#"{"a": [1, 2,]}"#).pointer, "/a");
        assert_eq!(err(r#"{"a": {"b": "open"#).pointer, "/a/b");
        assert_eq!(err("").message, "the file is empty");
    }

    #[test]
    fn error_offsets() {
        let e = err("{\n  \"a\": 1,\n}");
        assert_eq!(e.span.start, 12);
        assert!(e.message.contains("string key"), "{}", e.message);
        let e = err("[1] x");
        assert!(e.message.contains("after the end"));
    }

    #[test]
    fn rejects_non_strict_json() {
        for bad in [
            "[1,]",
            "{'a': 1}",
            "[01]",
            "[1.]",
            "[.5]",
            "[+1]",
            "[NaN]",
            "// c\n{}",
            "{a: 1}",
            "[\"\t\"]",
            "[\"\\x\"]",
        ] {
            assert!(parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn bom_is_skipped_and_offsets_stay_in_file_bytes() {
        let src = "\u{feff}{\"a\": 1}";
        let node = parse(src).unwrap();
        assert_eq!(node.span.start, 3);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "[".repeat(100_000);
        let e = err(&src);
        assert!(e.message.contains("nesting deeper than 512"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(&too_deep).is_err());
    }
}

/// Decodes the JSON string literal at `span` of `src` (quotes included) and maps
/// every byte of the decoded text back to the source byte it came from, so that
/// a document embedded in a string (a Terraform `container_definitions`) can be
/// parsed and its spans moved into the file.
pub fn decode_string_with_map(src: &str, span: Span) -> Option<(String, Vec<u32>)> {
    let raw = src.get(span.start as usize..span.end as usize)?;
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    let base = span.start as usize + 1;
    let mut out = String::with_capacity(inner.len());
    let mut map: Vec<u32> = Vec::with_capacity(inner.len() + 1);
    let bytes = inner.as_bytes();
    let mut i = 0;
    let push = |out: &mut String, map: &mut Vec<u32>, c: char, at: usize| {
        let before = out.len();
        out.push(c);
        for _ in before..out.len() {
            map.push(u32::try_from(base + at).unwrap_or(u32::MAX));
        }
    };
    while i < bytes.len() {
        // A run without escapes is copied as it is: each byte maps to itself.
        let run_end = bytes
            .get(i..)?
            .iter()
            .position(|&b| b == b'\\')
            .map_or(bytes.len(), |k| i + k);
        if run_end > i {
            out.push_str(inner.get(i..run_end)?);
            map.extend((i..run_end).map(|k| u32::try_from(base + k).unwrap_or(u32::MAX)));
            i = run_end;
            continue;
        }
        let e = *bytes.get(i + 1)?;
        let decoded = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = u32::from_str_radix(inner.get(i + 2..i + 6)?, 16).ok()?;
                if (0xD800..0xDC00).contains(&hi) && inner.get(i + 6..i + 8) == Some("\\u") {
                    let lo = u32::from_str_radix(inner.get(i + 8..i + 12)?, 16).ok()?;
                    let c = char::from_u32(
                        0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3ff),
                    )
                    .unwrap_or('\u{fffd}');
                    push(&mut out, &mut map, c, i);
                    i += 12;
                    continue;
                }
                let c = char::from_u32(hi).unwrap_or('\u{fffd}');
                push(&mut out, &mut map, c, i);
                i += 6;
                continue;
            }
            _ => return None,
        };
        push(&mut out, &mut map, decoded, i);
        i += 2;
    }
    map.push(u32::try_from(base + inner.len()).unwrap_or(u32::MAX));
    Some((out, map))
}

/// Moves every span of a tree parsed from decoded text into file offsets.
pub fn remap_spans(node: &mut Node, map: &[u32]) {
    let at = |o: u32| {
        map.get(o as usize)
            .copied()
            .unwrap_or_else(|| map.last().copied().unwrap_or(0))
    };
    let mut stack: Vec<&mut Node> = vec![node];
    while let Some(n) = stack.pop() {
        n.span = Span::new(at(n.span.start), at(n.span.end));
        match &mut n.value {
            Value::Array(items) => stack.extend(items.iter_mut()),
            Value::Object(members) => {
                for m in members {
                    m.key_span = Span::new(at(m.key_span.start), at(m.key_span.end));
                    stack.push(&mut m.value);
                }
            }
            Value::Tagged(_, inner) => stack.push(inner),
            _ => {}
        }
    }
}

#[cfg(test)]
mod embedded_tests {
    use super::*;

    #[test]
    fn embedded_documents_map_back_to_file_offsets() {
        let src = r#"{"cd": "[{\"image\":\"a\\/b\",\"name\":\"x\u00e9\"}]"}"#;
        let root = parse(src).unwrap();
        let s = root.get("cd").unwrap();
        let (text, map) = decode_string_with_map(src, s.span).unwrap();
        assert_eq!(text, r#"[{"image":"a\/b","name":"xé"}]"#);
        let mut doc = parse(&text).unwrap();
        remap_spans(&mut doc, &map);
        let image = doc.as_array().unwrap()[0].get("image").unwrap();
        assert_eq!(image.as_str(), Some("a/b"));
        assert_eq!(&src[image.span.range()], r#"\"a\\/b\""#);
        let name = doc.as_array().unwrap()[0].get("name").unwrap();
        assert_eq!(&src[name.span.range()], r#"\"x\u00e9\""#);
    }

    proptest::proptest! {
        /// Decoding agrees with serde_json, and every decoded character maps to the
        /// first source byte of its spelling (itself or its escape).
        #[test]
        fn decoding_agrees_with_serde_and_maps_each_char(value in "\\PC{0,40}") {
            let literal = serde_json::to_string(&value).unwrap();
            let src = format!("[{literal}]");
            let span = Span::from_usize(1, 1 + literal.len());
            let (text, map) = decode_string_with_map(&src, span).unwrap();
            proptest::prop_assert_eq!(&text, &value);
            proptest::prop_assert_eq!(map.len(), text.len() + 1);
            proptest::prop_assert_eq!(*map.last().unwrap() as usize, literal.len());
            for (k, c) in text.char_indices() {
                let at = &src[map[k] as usize..];
                proptest::prop_assert!(at.starts_with(c) || at.starts_with('\\'), "{k} {c:?} {at:?}");
            }
            proptest::prop_assert!(map.windows(2).all(|w| w[0] <= w[1]));
        }
    }
}
