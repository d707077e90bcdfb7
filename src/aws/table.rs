//! A sorted, embedded text table: `#` header lines, then one record per line,
//! with a generated index of where each record starts (`*.idx`: little-endian
//! `u32` byte offsets, one per record plus the text's length). The index makes
//! a lookup a binary search that touches a few pages of the data instead of
//! splitting megabytes into lines on every run.
//!
//! Should the index not fit the text (a checkout that rewrote line endings,
//! say), the table falls back to finding the line starts itself, once.

use std::cmp::Ordering;
use std::sync::OnceLock;

pub(super) struct Table {
    text: &'static str,
    idx: &'static [u8],
    /// `None` when the generated index fits; otherwise the starts worked out here.
    built: OnceLock<Option<Vec<u32>>>,
}

impl Table {
    pub(super) const fn new(text: &'static str, idx: &'static [u8]) -> Self {
        Table {
            text,
            idx,
            built: OnceLock::new(),
        }
    }

    fn embedded(&self, i: usize) -> Option<usize> {
        let bytes = self.idx.get(i * 4..i * 4 + 4)?;
        let word: [u8; 4] = bytes.try_into().ok()?;
        Some(u32::from_le_bytes(word) as usize)
    }

    /// Whether the generated index plausibly belongs to the text: its last
    /// entry is the text's length and its first is the start of the first
    /// record. (The tests check every entry.)
    fn embedded_fits(&self) -> bool {
        let n = self.idx.len() / 4;
        if !self.idx.len().is_multiple_of(4) || n == 0 {
            return false;
        }
        let header_end = self.header_end();
        self.embedded(n - 1) == Some(self.text.len()) && self.embedded(0) == Some(header_end)
    }

    fn header_end(&self) -> usize {
        let mut pos = 0;
        for line in self.text.split_inclusive('\n') {
            if !line.starts_with('#') {
                break;
            }
            pos += line.len();
        }
        pos
    }

    /// Record starts (plus the end), from the generated index or, if that does
    /// not fit, worked out from the text.
    fn starts(&self) -> Starts<'_> {
        let built = self.built.get_or_init(|| {
            if self.embedded_fits() {
                return None;
            }
            let mut pos = self.header_end();
            let mut v = vec![pos as u32];
            for line in self
                .text
                .get(pos..)
                .unwrap_or_default()
                .split_inclusive('\n')
            {
                pos += line.len();
                v.push(pos as u32);
            }
            Some(v)
        });
        match built {
            None => Starts::Embedded,
            Some(v) => Starts::Built(v),
        }
    }

    /// The number of records.
    pub(super) fn len(&self) -> usize {
        match self.starts() {
            Starts::Embedded => (self.idx.len() / 4).saturating_sub(1),
            Starts::Built(v) => v.len().saturating_sub(1),
        }
    }

    /// Record `i`, without its line break.
    pub(super) fn row(&self, i: usize) -> Option<&'static str> {
        let (start, end) = match self.starts() {
            Starts::Embedded => (self.embedded(i)?, self.embedded(i + 1)?),
            Starts::Built(v) => (*v.get(i)? as usize, *v.get(i + 1)? as usize),
        };
        let line = self.text.get(start..end)?;
        Some(line.strip_suffix('\n').unwrap_or(line))
    }

    /// Every record, in order.
    pub(super) fn rows(&self) -> impl Iterator<Item = &'static str> + '_ {
        (0..self.len()).filter_map(|i| self.row(i))
    }

    /// The first index whose record does not satisfy `before` (records that
    /// satisfy it must all come first).
    pub(super) fn partition_point(&self, before: impl FnMut(&str) -> bool) -> usize {
        self.partition_point_from(0, before)
    }

    /// [`Table::partition_point`] when the records before `from` are known to
    /// satisfy `before`.
    pub(super) fn partition_point_from(
        &self,
        from: usize,
        mut before: impl FnMut(&str) -> bool,
    ) -> usize {
        let (mut lo, mut hi) = (from.min(self.len()), self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.row(mid).is_some_and(&mut before) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The index of the record for which `cmp` says `Equal`, in a table sorted
    /// by `cmp`.
    pub(super) fn find(&self, mut cmp: impl FnMut(&str) -> Ordering) -> Option<usize> {
        let i = self.partition_point(|row| cmp(row) == Ordering::Less);
        self.row(i)
            .is_some_and(|row| cmp(row) == Ordering::Equal)
            .then_some(i)
    }

    #[cfg(test)]
    pub(super) fn check_index(&self) {
        assert!(
            self.embedded_fits(),
            "the generated index does not fit its table"
        );
        let n = self.idx.len() / 4;
        let mut expected = self.header_end();
        for i in 0..n {
            assert_eq!(self.embedded(i), Some(expected), "entry {i}");
            if let Some(line) = self
                .text
                .get(expected..)
                .and_then(|r| r.split_inclusive('\n').next())
            {
                expected += line.len();
            }
        }
        assert_eq!(expected, self.text.len());
    }
}

enum Starts<'a> {
    Embedded,
    Built(&'a [u32]),
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# header\n# more\na\t1\nb\t2\nd\t4\n";

    fn check(t: &Table) {
        assert_eq!(t.len(), 3);
        assert_eq!(t.rows().collect::<Vec<_>>(), ["a\t1", "b\t2", "d\t4"]);
        assert_eq!(t.find(|r| r.cmp("b\t2")), Some(1));
        assert_eq!(t.find(|r| r.cmp("c\t3")), None);
        assert_eq!(t.partition_point(|r| r < "c"), 2);
        assert_eq!(t.partition_point_from(1, |r| r < "c"), 2);
        assert_eq!(t.partition_point_from(9, |r| r < "c"), 3);
        assert_eq!(t.row(3), None);
    }

    #[test]
    fn embedded_index() {
        let mut idx = Vec::new();
        for off in [16u32, 20, 24, 28] {
            idx.extend_from_slice(&off.to_le_bytes());
        }
        let idx: &'static [u8] = Box::leak(idx.into_boxed_slice());
        let t = Table::new(TEXT, idx);
        t.check_index();
        check(&t);
    }

    #[test]
    fn falls_back_when_the_index_does_not_fit() {
        let t = Table::new(TEXT, &[]);
        check(&t);
        let t = Table::new(TEXT, &[1, 0, 0, 0, 2, 0, 0, 0]);
        check(&t);
    }
}
