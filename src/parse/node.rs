//! The one tree both front ends (JSON and YAML) lower into.
//!
//! Every node keeps the byte range of its value in the source file. The tree
//! depth is bounded by the parsers ([`MAX_DEPTH`]), so code that walks it
//! recursively cannot be driven into a stack overflow by a hostile file.

use std::fmt::Write as _;

/// Deepest nesting a front end accepts; deeper input is a parse error (SPEC §2).
pub const MAX_DEPTH: usize = 512;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    /// Builds a span from `usize` offsets; front ends reject files over 4 GiB first.
    pub fn from_usize(start: usize, end: usize) -> Self {
        Self {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value of the tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number exactly as written (`1`, `1.50`, `-2e3`).
    Number(Box<str>),
    String(Box<str>),
    Array(Vec<Node>),
    /// Members in source order; duplicate keys are kept (see [`Node::duplicate_keys`]).
    Object(Vec<Member>),
    /// A YAML local tag on a value (`!Ref X`, `!Sub '...'`): the tag without its `!`.
    Tagged(Box<str>, Box<Node>),
    /// A string only partly known. Never produced by a parser: template resolution
    /// (CloudFormation intrinsics, Terraform unknowns) puts it where a value could
    /// not be worked out offline.
    Partial(Vec<Piece>),
}

/// A piece of a partly known string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Piece {
    Lit(Box<str>),
    /// Something unknown offline; the text says what (`AWS::Region`, `!ImportValue Foo`).
    Hole(Box<str>),
}

/// One node: a value and the byte range it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// One `key: value` member of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: Box<str>,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Self { value, span }
    }

    /// The member `key` of an object; with duplicate keys, the last one (as AWS's parsers do).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    /// [`Node::get`], mutably (to move a subtree out of a tree that is about to be dropped).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Object(members) => members
                .iter_mut()
                .rev()
                .find(|m| &*m.key == key)
                .map(|m| &mut m.value),
            _ => None,
        }
    }

    /// The member `key` of an object, with its key span.
    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members.iter().rev().find(|m| &*m.key == key),
            _ => None,
        }
    }

    /// The member whose key equals `key` ignoring ASCII case (last one wins).
    pub fn get_ignore_case(&self, key: &str) -> Option<&Member> {
        match &self.value {
            Value::Object(members) => members
                .iter()
                .rev()
                .find(|m| m.key.eq_ignore_ascii_case(key)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// [`Node::as_array`], mutably.
    pub fn as_array_mut(&mut self) -> Option<&mut [Node]> {
        match &mut self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, Value::Object(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A scalar as text: strings as they are, numbers as written, booleans as `true`/`false`.
    pub fn scalar_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match &self.value {
            Value::String(s) | Value::Number(s) => Some(Cow::Borrowed(s)),
            Value::Bool(true) => Some(Cow::Borrowed("true")),
            Value::Bool(false) => Some(Cow::Borrowed("false")),
            _ => None,
        }
    }

    /// What kind of value this is, for messages (`"a string"`, `"an object"`).
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) | Value::Partial(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Tagged(..) => "a tagged value",
        }
    }

    /// Members whose key appears more than once in this object: every occurrence but the last.
    pub fn duplicate_keys(&self) -> Vec<&Member> {
        let Value::Object(members) = &self.value else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if members.len() < 2 {
            return out;
        }
        // Small objects (nearly all): no set to allocate.
        if members.len() <= 16 {
            for (i, m) in members.iter().enumerate() {
                if members.iter().skip(i + 1).any(|later| later.key == m.key) {
                    out.push(m);
                }
            }
            return out;
        }
        let mut seen: std::collections::HashSet<&str> =
            std::collections::HashSet::with_capacity(members.len());
        for m in members.iter().rev() {
            if !seen.insert(&m.key) {
                out.push(m);
            }
        }
        out.reverse();
        out
    }
}

/// Appends one RFC 6901 reference token (`~` → `~0`, `/` → `~1`) to a pointer.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if !token.bytes().any(|b| b == b'~' || b == b'/') {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            _ => pointer.push(c),
        }
    }
}

/// `pointer` extended by one token.
pub fn child_pointer(pointer: &str, token: &str) -> String {
    let mut p = String::with_capacity(pointer.len() + token.len() + 1);
    p.push_str(pointer);
    push_token(&mut p, token);
    p
}

/// `pointer` extended by an array index.
pub fn index_pointer(pointer: &str, index: usize) -> String {
    let mut p = String::with_capacity(pointer.len() + 4);
    p.push_str(pointer);
    let _ = write!(p, "/{index}");
    p
}

/// Resolves an RFC 6901 pointer in the tree (tags are looked through).
pub fn resolve_pointer<'a>(root: &'a Node, pointer: &str) -> Option<&'a Node> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut node = root;
    for raw in rest.split('/') {
        let token = raw.replace("~1", "/").replace("~0", "~");
        while let Value::Tagged(_, inner) = &node.value {
            node = inner;
        }
        node = match &node.value {
            Value::Object(_) => node.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        let mut p = String::new();
        push_token(&mut p, "a/b~c");
        assert_eq!(p, "/a~1b~0c");
        assert_eq!(index_pointer("/x", 3), "/x/3");
    }
}
