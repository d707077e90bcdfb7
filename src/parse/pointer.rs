//! RFC 6901 JSON pointers, stored compactly.
//!
//! Every located value of a run (each field of a task definition, each
//! statement and entry of a policy) carries the pointer a finding would show.
//! Written out as strings, those pointers were the largest single share of a
//! large run's memory, and building them a large share of loading: most are
//! never shown. A [`Pointer`] is instead a node in a tree shared by the
//! pointers of one document (one token and a parent index each), and is
//! written out only when a finding or an emitter asks for it.
//!
//! Pointers compare, hash and order as the strings they stand for, whatever
//! tree they live in.

use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The id of the root node in every tree.
const ROOT: u32 = 0;

/// A node below the root. Tokens are appended to the text in node order, so
/// a node's token (escaped, with its leading `/`) runs from where the previous
/// node's (or the root's) ends to its `end`.
#[derive(Debug, Clone, Copy)]
struct TreeNode {
    parent: u32,
    end: u32,
}

/// The pointers of one document. The root is the document's own pointer,
/// `text[..root_end]`; node `id` (from 1) is `nodes[id - 1]`.
#[derive(Debug, Default)]
struct Table {
    text: String,
    root_end: u32,
    nodes: Vec<TreeNode>,
}

impl Table {
    fn with_root(root: &str) -> Self {
        Table {
            text: root.to_string(),
            root_end: u32::try_from(root.len()).unwrap_or(u32::MAX),
            nodes: Vec::new(),
        }
    }

    fn node(&self, id: u32) -> Option<&TreeNode> {
        id.checked_sub(1).and_then(|i| self.nodes.get(i as usize))
    }

    fn token(&self, id: u32) -> &str {
        let (start, end) = match self.node(id) {
            Some(n) => (self.node(id - 1).map_or(self.root_end, |p| p.end), n.end),
            None => (0, self.root_end),
        };
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    fn parent(&self, id: u32) -> u32 {
        self.node(id).map_or(ROOT, |n| n.parent)
    }

    /// The tokens from the root down to `id` (the root's text first).
    fn chain(&self, id: u32) -> Vec<&str> {
        let mut out = Vec::with_capacity(8);
        let mut at = id;
        // A node's parent always has a smaller index, so this ends.
        while at != ROOT {
            out.push(self.token(at));
            let parent = self.parent(at);
            if parent >= at {
                break;
            }
            at = parent;
        }
        out.push(self.token(ROOT));
        out.reverse();
        out
    }

    /// Adds the token `write` appends (escaped, with its `/`) under `parent`.
    fn push(&mut self, parent: u32, write: impl FnOnce(&mut String)) -> u32 {
        // Text past the last node's token (a write that panicked) is dropped,
        // so that it cannot become part of the next token.
        let last = self.nodes.last().map_or(self.root_end, |n| n.end);
        self.text.truncate(last as usize);
        write(&mut self.text);
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.nodes.push(TreeNode { parent, end });
        u32::try_from(self.nodes.len()).unwrap_or(u32::MAX)
    }
}

#[derive(Debug)]
struct Tree(Mutex<Table>);

impl Tree {
    fn lock(&self) -> MutexGuard<'_, Table> {
        // A panic while a tree was locked leaves it consistent: a node is
        // added after its text, and `push` drops text no node ends.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// An RFC 6901 JSON pointer (`""` is the whole document).
#[derive(Clone)]
pub struct Pointer {
    tree: Arc<Tree>,
    id: u32,
}

impl Pointer {
    /// The pointer `text` (already in RFC 6901 form), as the root of a new tree:
    /// children made from it share that tree.
    pub fn new(text: &str) -> Pointer {
        Pointer {
            tree: Arc::new(Tree(Mutex::new(Table::with_root(text)))),
            id: ROOT,
        }
    }

    /// The whole document, `""`.
    pub fn root() -> Pointer {
        Pointer::new("")
    }

    /// This pointer extended by one member name (escaped as RFC 6901 says: `~` → `~0`, `/` → `~1`).
    #[must_use]
    pub fn child(&self, token: &str) -> Pointer {
        let id = self
            .tree
            .lock()
            .push(self.id, |text| super::node::push_token(text, token));
        Pointer {
            tree: Arc::clone(&self.tree),
            id,
        }
    }

    /// This pointer extended by an array index.
    #[must_use]
    pub fn index(&self, index: usize) -> Pointer {
        let id = self.tree.lock().push(self.id, |text| {
            let _ = write!(text, "/{index}");
        });
        Pointer {
            tree: Arc::clone(&self.tree),
            id,
        }
    }

    /// Gives back the spare capacity of this pointer's tree: call it once a
    /// document is loaded (its tree is then kept for the rest of the run).
    pub fn shrink_tree(&self) {
        let mut table = self.tree.lock();
        table.text.shrink_to_fit();
        table.nodes.shrink_to_fit();
    }

    /// Whether this is `""`, the whole document.
    pub fn is_empty(&self) -> bool {
        // Every token below the root starts with `/`.
        self.id == ROOT && self.tree.lock().token(ROOT).is_empty()
    }

    /// Whether this pointer is `prefix` or lies under it (`/a/b` is under `/a`, `/ab` is not).
    pub fn is_at_or_under(&self, prefix: &str) -> bool {
        let text = self.as_string();
        text.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// The pointer written out.
    pub fn as_string(&self) -> String {
        let table = self.tree.lock();
        let chain = table.chain(self.id);
        let mut out = String::with_capacity(chain.iter().map(|t| t.len()).sum());
        for token in chain {
            out.push_str(token);
        }
        out
    }

    /// Calls `f` with the written-out pointer's bytes, in pieces, without building it.
    fn with_bytes<R>(&self, f: impl FnOnce(&mut dyn Iterator<Item = u8>) -> R) -> R {
        let table = self.tree.lock();
        let chain = table.chain(self.id);
        f(&mut chain.iter().flat_map(|t| t.bytes()))
    }

    fn same_node(&self, other: &Pointer) -> bool {
        self.id == other.id && Arc::ptr_eq(&self.tree, &other.tree)
    }
}

impl Default for Pointer {
    fn default() -> Self {
        Pointer::root()
    }
}

impl From<&str> for Pointer {
    fn from(text: &str) -> Self {
        Pointer::new(text)
    }
}

impl From<String> for Pointer {
    fn from(text: String) -> Self {
        Pointer::new(&text)
    }
}

impl From<&String> for Pointer {
    fn from(text: &String) -> Self {
        Pointer::new(text)
    }
}

impl From<&Pointer> for Pointer {
    fn from(p: &Pointer) -> Self {
        p.clone()
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = self.tree.lock();
        for token in table.chain(self.id) {
            f.write_str(token)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_string(), f)
    }
}

impl PartialEq for Pointer {
    fn eq(&self, other: &Self) -> bool {
        self.same_node(other) || self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pointer {}

impl PartialEq<str> for Pointer {
    fn eq(&self, other: &str) -> bool {
        self.with_bytes(|bytes| bytes.eq(other.bytes()))
    }
}

impl PartialEq<&str> for Pointer {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<String> for Pointer {
    fn eq(&self, other: &String) -> bool {
        *self == **other
    }
}

impl PartialEq<Pointer> for &str {
    fn eq(&self, other: &Pointer) -> bool {
        *other == **self
    }
}

impl PartialEq<Pointer> for str {
    fn eq(&self, other: &Pointer) -> bool {
        *other == *self
    }
}

impl Ord for Pointer {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.same_node(other) {
            return Ordering::Equal;
        }
        // Two pointers of one tree cannot be written out under one lock
        // twice (the lock is not reentrant): write one out first.
        let mine = self.as_string();
        other.with_bytes(|theirs| mine.bytes().cmp(theirs))
    }
}

impl PartialOrd for Pointer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Pointer {
    /// Hashes as the written-out string does.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_string().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(v: &impl Hash) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    #[test]
    fn children_write_out_as_rfc_6901() {
        let root = Pointer::new("/Resources/Task/Properties");
        let defs = root.child("ContainerDefinitions");
        let first = defs.index(0);
        let odd = first.child("a/b~c");
        assert_eq!(root.as_string(), "/Resources/Task/Properties");
        assert_eq!(
            defs.to_string(),
            "/Resources/Task/Properties/ContainerDefinitions"
        );
        assert_eq!(first, "/Resources/Task/Properties/ContainerDefinitions/0");
        assert_eq!(
            odd.as_string(),
            "/Resources/Task/Properties/ContainerDefinitions/0/a~1b~0c"
        );
        assert_eq!(format!("{odd:?}"), format!("{:?}", odd.as_string()));
        // Siblings made later do not disturb earlier pointers.
        let second = defs.index(1);
        assert_eq!(second, "/Resources/Task/Properties/ContainerDefinitions/1");
        assert_eq!(first, "/Resources/Task/Properties/ContainerDefinitions/0");
    }

    #[test]
    fn the_root_is_empty_and_children_are_not() {
        assert!(Pointer::root().is_empty());
        assert!(Pointer::default().is_empty());
        assert!(
            !Pointer::root().child("").is_empty(),
            "\"/\" names the key \"\""
        );
        assert_eq!(Pointer::root().child("").as_string(), "/");
        assert!(!Pointer::new("/a").is_empty());
    }

    #[test]
    fn equality_order_and_hash_follow_the_string_across_trees() {
        let built = Pointer::root().child("x").index(2);
        let parsed = Pointer::new("/x/2");
        let ten = Pointer::new("/x").index(10);
        assert_eq!(built, parsed);
        assert_eq!(hash_of(&built), hash_of(&parsed));
        assert_eq!(hash_of(&built), hash_of(&"/x/2".to_string()));
        assert_ne!(built, ten);
        // As strings: "/x/10" < "/x/2".
        assert_eq!(built.cmp(&ten), "/x/2".cmp("/x/10"));
        assert_eq!(ten.cmp(&built), Ordering::Less);
        assert_eq!(built.cmp(&built.clone()), Ordering::Equal);
        // Two pointers of the same tree.
        let root = Pointer::root();
        let (b, a) = (root.child("b"), root.child("a"));
        assert_eq!(b.cmp(&a), Ordering::Greater);
        assert!(b != a);
        assert!("/b" == b);
        assert!(b == "/b");
        let owned = String::from("/b");
        assert!(b == owned);
    }

    /// A path step: a member name (any characters, `~` and `/` included) or an index.
    fn step() -> impl proptest::strategy::Strategy<Value = Result<String, usize>> {
        use proptest::prelude::*;
        prop_oneof![
            "[a-z~/]{0,4}".prop_map(Ok),
            "\\PC{0,6}".prop_map(Ok),
            (0usize..12).prop_map(Err),
        ]
    }

    /// A pointer grown from `start` (whose text is `start_text`), and the same
    /// pointer built as a string with the string helpers the front ends use.
    fn grow(
        start: &Pointer,
        start_text: &str,
        steps: &[Result<String, usize>],
    ) -> (Pointer, String) {
        let mut tree = start.clone();
        let mut text = start_text.to_string();
        for s in steps {
            match s {
                Ok(key) => {
                    tree = tree.child(key);
                    text = crate::parse::node::child_pointer(&text, key);
                }
                Err(i) => {
                    tree = tree.index(*i);
                    text = crate::parse::node::index_pointer(&text, *i);
                }
            }
        }
        (tree, text)
    }

    proptest::proptest! {
        /// Written out, compared, ordered and hashed, a tree pointer is its string,
        /// against a pointer of the same tree and one of another tree alike.
        #[test]
        fn a_tree_pointer_is_its_string(
            root in proptest::prop_oneof!["", "/Resources/T/Properties"],
            a in proptest::collection::vec(step(), 0..6),
            b in proptest::collection::vec(step(), 0..6),
        ) {
            let start = Pointer::new(&root);
            let (pa, sa) = grow(&start, &root, &a);
            let (same_tree, sb) = grow(&start, &root, &b);
            let (other_tree, _) = grow(&Pointer::new(&root), &root, &b);
            proptest::prop_assert_eq!(pa.as_string(), sa.clone());
            proptest::prop_assert_eq!(pa.to_string(), sa.clone());
            proptest::prop_assert_eq!(pa.is_empty(), sa.is_empty());
            proptest::prop_assert_eq!(hash_of(&pa), hash_of(&sa));
            for pb in [&same_tree, &other_tree] {
                proptest::prop_assert_eq!(pa.cmp(pb), sa.cmp(&sb));
                proptest::prop_assert_eq!(&pa == pb, sa == sb);
            }
            proptest::prop_assert_eq!(pa == sb.as_str(), sa == sb);
            proptest::prop_assert_eq!(
                pa.is_at_or_under(&sb),
                sa == sb || sa.starts_with(&format!("{sb}/"))
            );
        }
    }

    #[test]
    fn a_write_that_panicked_leaves_no_text_behind() {
        let mut table = Table::with_root("/r");
        let first = table.push(ROOT, |text| text.push_str("/a"));
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            table.push(first, |text| {
                text.push_str("/junk");
                panic!("a write that fails half way");
            })
        }));
        assert!(panicked.is_err());
        let next = table.push(first, |text| text.push_str("/b"));
        assert_eq!(table.chain(next), ["/r", "/a", "/b"]);
        assert_eq!(table.chain(first), ["/r", "/a"]);
    }

    #[test]
    fn pointers_are_shared_across_threads() {
        let root = Pointer::root().child("r");
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let r = root.clone();
                std::thread::spawn(move || r.index(i).as_string())
            })
            .collect();
        let mut got: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        got.sort();
        assert_eq!(got, ["/r/0", "/r/1", "/r/2", "/r/3"]);
    }
}
