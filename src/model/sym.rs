//! Strings that may be only partly known offline.

use crate::parse::{Node, Piece, Value};

/// A string value from an input: fully known, or with unknown holes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sym {
    Known(String),
    /// Literal pieces and at least one hole, in order.
    Partial(Vec<Piece>),
}

impl Sym {
    /// The value of a scalar node: strings, numbers and booleans as text, partial strings as they are.
    pub fn from_node(node: &Node) -> Option<Sym> {
        match &node.value {
            Value::Partial(pieces) => Some(Sym::from_pieces(pieces.clone())),
            _ => node.scalar_text().map(|t| Sym::Known(t.into_owned())),
        }
    }

    /// Builds a `Sym`, merging adjacent literals; no holes gives `Known`.
    pub fn from_pieces(pieces: Vec<Piece>) -> Sym {
        let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
        for piece in pieces {
            match (out.last_mut(), piece) {
                (_, Piece::Lit(l)) if l.is_empty() => {}
                (Some(Piece::Lit(prev)), Piece::Lit(l)) => {
                    let mut s = prev.to_string();
                    s.push_str(&l);
                    *prev = s.into_boxed_str();
                }
                (_, p) => out.push(p),
            }
        }
        if out.iter().all(|p| matches!(p, Piece::Lit(_))) {
            let mut s = String::new();
            for p in &out {
                if let Piece::Lit(l) = p {
                    s.push_str(l);
                }
            }
            Sym::Known(s)
        } else {
            Sym::Partial(out)
        }
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
            Sym::Partial(p) => p.clone(),
        }
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
        Sym::Known(s.to_string())
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
    }
}
