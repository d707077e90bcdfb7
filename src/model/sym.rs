//! Strings that may be only partly known offline.

use compact_str::CompactString;

use crate::parse::{Node, Piece, Value};

/// A string value from an input: fully known, or with unknown holes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sym {
    /// Short strings (most names, actions, options) are stored inline.
    Known(CompactString),
    /// Literal pieces and at least one hole, in order. A boxed slice, not a
    /// `Vec`: it fits beside `Known`'s inline string, so a `Sym` is 24 bytes,
    /// not 32 (a large run keeps about a million of them).
    Partial(Box<[Piece]>),
}

impl Sym {
    /// A `Partial` of these pieces, as they are (see [`Sym::from_pieces`] to merge them).
    pub fn partial(pieces: Vec<Piece>) -> Sym {
        Sym::Partial(pieces.into_boxed_slice())
    }

    /// The value of a scalar node: strings, numbers and booleans as text, partial strings as they are.
    pub fn from_node(node: &Node) -> Option<Sym> {
        match &node.value {
            Value::Partial(pieces) => Some(Sym::from_pieces(pieces.clone())),
            _ => node
                .scalar_text()
                .map(|t| Sym::Known(CompactString::from(t))),
        }
    }

    /// Builds a `Sym`, merging adjacent literals; no holes gives `Known`.
    pub fn from_pieces(pieces: Vec<Piece>) -> Sym {
        let mut out: Vec<Piece> = Vec::new();
        // The literal text since the last hole.
        let mut lit = String::new();
        for piece in pieces {
            match piece {
                Piece::Lit(l) if lit.is_empty() => lit = l.into_string(),
                Piece::Lit(l) => lit.push_str(&l),
                Piece::Hole(h) => {
                    if !lit.is_empty() {
                        out.push(Piece::Lit(std::mem::take(&mut lit).into_boxed_str()));
                    }
                    out.push(Piece::Hole(h));
                }
            }
        }
        if out.is_empty() {
            return Sym::Known(lit.into());
        }
        if !lit.is_empty() {
            out.push(Piece::Lit(lit.into_boxed_str()));
        }
        Sym::partial(out)
    }

    pub fn known(&self) -> Option<&str> {
        match self {
            Sym::Known(s) => Some(s),
            Sym::Partial(_) => None,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Sym::Known(_))
    }

    /// The pieces, a known string being one literal.
    pub fn pieces(&self) -> Vec<Piece> {
        match self {
            Sym::Known(s) => vec![Piece::Lit(s.as_str().into())],
            Sym::Partial(p) => p.to_vec(),
        }
    }

    /// The pieces, borrowed, a known string being one literal (as [`Sym::pieces`]).
    pub fn piece_refs(&self) -> impl Iterator<Item = PieceRef<'_>> {
        let (known, pieces) = match self {
            Sym::Known(s) => (Some(PieceRef::Lit(s)), &[][..]),
            Sym::Partial(p) => (None, &p[..]),
        };
        known.into_iter().chain(pieces.iter().map(|p| match p {
            Piece::Lit(l) => PieceRef::Lit(l),
            Piece::Hole(h) => PieceRef::Hole(h),
        }))
    }

    /// What is unknown, for messages.
    pub fn holes(&self) -> Vec<&str> {
        match self {
            Sym::Known(_) => Vec::new(),
            Sym::Partial(p) => p
                .iter()
                .filter_map(|p| match p {
                    Piece::Hole(h) => Some(&**h),
                    Piece::Lit(_) => None,
                })
                .collect(),
        }
    }
}

/// A borrowed [`Piece`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceRef<'a> {
    Lit(&'a str),
    Hole(&'a str),
}

impl std::fmt::Display for Sym {
    /// Holes print as `${...}` with what they stand for.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Sym::Known(s) => f.write_str(s),
            Sym::Partial(pieces) => {
                for p in pieces {
                    match p {
                        Piece::Lit(l) => f.write_str(l)?,
                        Piece::Hole(h) => write!(f, "${{{h}}}")?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Self {
        Sym::Known(s.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_merge_and_collapse() {
        let s = Sym::from_pieces(vec![Piece::Lit("a".into()), Piece::Lit("b".into())]);
        assert_eq!(s, Sym::Known("ab".into()));
        let p = Sym::from_pieces(vec![
            Piece::Lit("arn:".into()),
            Piece::Hole("AWS::Partition".into()),
            Piece::Lit(":x".into()),
        ]);
        assert_eq!(p.to_string(), "arn:${AWS::Partition}:x");
        assert_eq!(p.holes(), vec!["AWS::Partition"]);
        let q = Sym::from_pieces(vec![
            Piece::Lit(String::new().into()),
            Piece::Hole("A".into()),
            Piece::Lit("x".into()),
            Piece::Lit(String::new().into()),
            Piece::Lit("y".into()),
            Piece::Hole("B".into()),
            Piece::Hole("C".into()),
        ]);
        assert_eq!(
            q,
            Sym::partial(vec![
                Piece::Hole("A".into()),
                Piece::Lit("xy".into()),
                Piece::Hole("B".into()),
                Piece::Hole("C".into()),
            ])
        );
        assert_eq!(Sym::from_pieces(Vec::new()), Sym::from(""));
    }

    #[test]
    fn piece_refs_borrow_what_pieces_copies() {
        let p = Sym::partial(vec![Piece::Lit("a".into()), Piece::Hole("H".into())]);
        assert_eq!(
            p.piece_refs().collect::<Vec<_>>(),
            [PieceRef::Lit("a"), PieceRef::Hole("H")]
        );
        assert_eq!(
            Sym::from("k").piece_refs().collect::<Vec<_>>(),
            [PieceRef::Lit("k")]
        );
    }
}
