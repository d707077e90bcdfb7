//! ARN derivation (FACTS.md §3): partitions, ARN parsing, ECR image URIs, SSM
//! names, Secrets Manager references, S3 objects and KMS keys.
//!
//! Every function works on [`Sym`] values, so a template value that is only
//! partly known (`${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app`)
//! is parsed as far as its literal text allows and its holes land in the
//! part of the result they stand for. Internally a hole is encoded as one
//! private-use character, so plain string code can split and test the text;
//! a hole is assumed not to contain the separator being split on.

use std::borrow::Cow;

use compact_str::CompactString;

use crate::parse::Piece;

use super::Sym;
use super::sym::PieceRef;

/// The partition of a region: `cn-*` → `aws-cn`, `us-gov-*` → `aws-us-gov`,
/// `us-iso-*` → `aws-iso`, `us-isob-*` → `aws-iso-b`, else `aws`.
pub fn partition_for_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// The partition for a region that may be unknown (`aws` by default, SPEC §3.3).
pub fn partition_for(region: &Sym) -> &'static str {
    region.known().map_or("aws", partition_for_region)
}

/// Whether a text has the shape of an AWS region (`eu-west-1`, `us-gov-east-1`, `cn-north-1`).
pub fn looks_like_region(s: &str) -> bool {
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let mut parts = s.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    if !(2..=4).contains(&first.len()) || !lower(first) {
        return false;
    }
    // Lower-case words, then a number of one or two digits: at least two parts after the first.
    let mut count = 0;
    let mut last = None;
    for part in parts {
        if last.is_some_and(|p| !lower(p)) {
            return false;
        }
        last = Some(part);
        count += 1;
    }
    count >= 2
        && last
            .is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a text is a 12-digit account id.
pub fn looks_like_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------
// Hole encoding

const HOLE_BASE: u32 = 0xF_0000;
const HOLE_MAX: usize = 0xFFFD;

/// A `Sym` as text, each hole one private-use character; a known value's text is borrowed.
struct Enc<'a> {
    text: Cow<'a, str>,
    holes: Vec<&'a str>,
}

fn hole_index(c: char) -> Option<usize> {
    let v = c as u32;
    (HOLE_BASE..HOLE_BASE + HOLE_MAX as u32)
        .contains(&v)
        .then(|| (v - HOLE_BASE) as usize)
}

fn is_hole(c: char) -> bool {
    hole_index(c).is_some()
}

/// The first UTF-8 byte of every character from U+C0000 to U+FFFFF, so of every hole.
const HOLE_LEAD_BYTE: u8 = 0xF3;

fn has_hole(s: &str) -> bool {
    // A byte scan first: almost no text holds a character of plane 15.
    s.as_bytes().contains(&HOLE_LEAD_BYTE) && s.chars().any(is_hole)
}

impl<'a> Enc<'a> {
    /// `None` when the literal text already holds characters of the encoding range.
    fn new(sym: &'a Sym) -> Option<Enc<'a>> {
        let pieces = match sym {
            Sym::Known(s) => {
                return (!has_hole(s)).then(|| Enc {
                    text: Cow::Borrowed(s.as_str()),
                    holes: Vec::new(),
                });
            }
            Sym::Partial(pieces) => pieces,
        };
        let len = pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(l) => l.len(),
                Piece::Hole(_) => 4,
            })
            .sum();
        let mut text = String::with_capacity(len);
        let mut holes = Vec::with_capacity(pieces.len());
        for piece in pieces {
            match piece {
                Piece::Lit(l) => {
                    if has_hole(l) {
                        return None;
                    }
                    text.push_str(l);
                }
                Piece::Hole(h) => {
                    if holes.len() >= HOLE_MAX {
                        return None;
                    }
                    let c = char::from_u32(HOLE_BASE + u32::try_from(holes.len()).ok()?)?;
                    text.push(c);
                    holes.push(&**h);
                }
            }
        }
        Some(Enc {
            text: Cow::Owned(text),
            holes,
        })
    }

    /// A piece of the encoded text to join with [`cat`], as [`Enc::sym`] would
    /// give it, without copying text that holds no hole.
    fn part<'s>(&self, s: &'s str) -> Part<'s> {
        if self.holes.is_empty() || !has_hole(s) {
            Part::Text(s)
        } else {
            Part::Sym(self.sym(s))
        }
    }

    /// Decodes a piece of the encoded text back into a `Sym`.
    fn sym(&self, s: &str) -> Sym {
        if self.holes.is_empty() || !has_hole(s) {
            return Sym::Known(s.into());
        }
        let mut pieces = Vec::new();
        // The start of the literal being read, and where to look for the next hole.
        let (mut start, mut at) = (0, 0);
        // A hole's first byte starts a character: never inside another one.
        while let Some(p) = s
            .as_bytes()
            .get(at..)
            .and_then(|b| b.iter().position(|&x| x == HOLE_LEAD_BYTE))
            .map(|off| at + off)
        {
            let Some(c) = s.get(p..).and_then(|r| r.chars().next()) else {
                break;
            };
            at = p + c.len_utf8();
            if let Some(h) = hole_index(c).and_then(|i| self.holes.get(i)) {
                if let Some(lit) = s.get(start..p).filter(|l| !l.is_empty()) {
                    pieces.push(Piece::Lit(lit.into()));
                }
                pieces.push(Piece::Hole((*h).into()));
                start = at;
            }
        }
        if let Some(lit) = s.get(start..).filter(|l| !l.is_empty()) {
            pieces.push(Piece::Lit(lit.into()));
        }
        // No adjacent or empty literals: normal as soon as it has a hole.
        if pieces.iter().any(|p| matches!(p, Piece::Hole(_))) {
            Sym::partial(pieces)
        } else {
            Sym::from_pieces(pieces)
        }
    }
}

/// A slice of encoded text as a [`cat`] part: borrowed when it holds no hole.
enum Part<'a> {
    Text(&'a str),
    Sym(Sym),
}

impl AsSymPart for Part<'_> {
    fn as_known(&self) -> Option<&str> {
        match self {
            Part::Text(t) => Some(t),
            Part::Sym(s) => s.known(),
        }
    }

    fn partial_pieces(&self) -> &[Piece] {
        match self {
            Part::Text(_) => &[],
            Part::Sym(s) => s.partial_pieces(),
        }
    }
}

/// Concatenates literal text and `Sym`s.
pub fn cat(parts: &[&dyn AsSymPart]) -> Sym {
    // All known (the common case): one string, no pieces.
    let mut len = 0;
    for p in parts {
        match p.as_known() {
            Some(k) => len += k.len(),
            None => return cat_partial(parts),
        }
    }
    let mut s = CompactString::with_capacity(len);
    for p in parts.iter().filter_map(|p| p.as_known()) {
        s.push_str(p);
    }
    Sym::Known(s)
}

/// [`cat`] when a part is not wholly known: as `Sym::from_pieces` of every
/// part's pieces, without those pieces (adjacent literals joined as they come
/// in one reused buffer, empty ones left out).
fn cat_partial(parts: &[&dyn AsSymPart]) -> Sym {
    let mut out = Vec::new();
    let mut lit = String::new();
    for p in parts {
        if let Some(k) = p.as_known() {
            lit.push_str(k);
            continue;
        }
        for piece in p.partial_pieces() {
            match piece {
                Piece::Lit(l) => lit.push_str(l),
                Piece::Hole(h) => {
                    if !lit.is_empty() {
                        out.push(Piece::Lit(lit.as_str().into()));
                        lit.clear();
                    }
                    out.push(Piece::Hole(h.clone()));
                }
            }
        }
    }
    if out.is_empty() {
        return Sym::Known(lit.into());
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit.as_str().into()));
    }
    Sym::partial(out)
}

/// Something [`cat`] can join: a `&str` or a `Sym`.
pub trait AsSymPart {
    /// The text, when it is wholly known.
    fn as_known(&self) -> Option<&str>;

    /// The pieces of a value that is not wholly known (none otherwise).
    fn partial_pieces(&self) -> &[Piece] {
        &[]
    }
}

impl AsSymPart for &str {
    fn as_known(&self) -> Option<&str> {
        Some(self)
    }
}

impl AsSymPart for String {
    fn as_known(&self) -> Option<&str> {
        Some(self)
    }
}

impl AsSymPart for Sym {
    fn as_known(&self) -> Option<&str> {
        self.known()
    }

    fn partial_pieces(&self) -> &[Piece] {
        match self {
            Sym::Known(_) => &[],
            Sym::Partial(p) => p,
        }
    }
}

/// A hole standing for something unknown (`region`, `account`).
pub fn hole(name: &str) -> Sym {
    Sym::partial(vec![Piece::Hole(name.into())])
}

/// Whether the value starts with a hole (nothing literal can be said of its start).
pub fn starts_with_hole(sym: &Sym) -> bool {
    matches!(sym.piece_refs().next(), Some(PieceRef::Hole(_)))
}

/// Whether the value has a literal prefix `prefix`.
pub fn has_literal_prefix(sym: &Sym, prefix: &str) -> bool {
    match sym.piece_refs().next() {
        Some(PieceRef::Lit(l)) => l.starts_with(prefix),
        _ => false,
    }
}

/// The value without a literal `prefix`, or `None` when it does not start with it.
pub fn strip_literal_prefix(sym: &Sym, prefix: &str) -> Option<Sym> {
    if !has_literal_prefix(sym, prefix) {
        return None;
    }
    match sym {
        Sym::Known(s) => s.strip_prefix(prefix).map(Sym::from),
        Sym::Partial(pieces) => {
            let Some(Piece::Lit(l)) = pieces.first() else {
                return None;
            };
            let rest = l.strip_prefix(prefix)?;
            let mut out = Vec::with_capacity(pieces.len());
            if !rest.is_empty() {
                out.push(Piece::Lit(rest.into()));
            }
            out.extend(pieces.iter().skip(1).cloned());
            Some(Sym::from_pieces(out))
        }
    }
}

/// Whether nothing of the value is known.
pub fn is_wholly_unknown(sym: &Sym) -> bool {
    match sym {
        Sym::Known(_) => false,
        Sym::Partial(p) => p.iter().all(|p| matches!(p, Piece::Hole(_))),
    }
}

/// Renders a value for a policy (SPEC §3.3): unknown region and account as
/// `REGION` and `ACCOUNT`, template holes as `${...}`, placeholders as written.
pub fn grant_text(sym: &Sym) -> String {
    if let Sym::Known(s) = sym {
        return s.to_string();
    }
    let mut out = String::new();
    for piece in sym.piece_refs() {
        match piece {
            PieceRef::Lit(l) => out.push_str(l),
            PieceRef::Hole(h) => {
                // The segment the hole stands in, for an ARN: 3 is the region, 4 the account.
                let segment = out.starts_with("arn:").then(|| memchr_count(b':', &out));
                let whole_segment = out.ends_with(':');
                if h.eq_ignore_ascii_case("region")
                    || h.eq_ignore_ascii_case("aws::region")
                    || (segment == Some(3) && whole_segment)
                {
                    out.push_str("REGION");
                } else if h.eq_ignore_ascii_case("account")
                    || h.eq_ignore_ascii_case("aws::accountid")
                    || (segment == Some(4) && whole_segment)
                {
                    out.push_str("ACCOUNT");
                } else if h.ends_with(".Suffix") {
                    // A template secret's random suffix: grant it as `-??????`.
                    out.push_str("??????");
                } else if is_placeholder(h) {
                    out.push_str(h);
                } else {
                    out.push_str("${");
                    out.push_str(h);
                    out.push('}');
                }
            }
        }
    }
    out
}

/// How many times the byte `b` occurs in `s`.
fn memchr_count(b: u8, s: &str) -> usize {
    s.bytes().filter(|&c| c == b).count()
}

// ---------------------------------------------------------------------------
// Placeholders

/// Whether the whole text is one templating placeholder (`{{x}}`, `<X>`, `${X}`, `$X`).
pub fn is_placeholder(s: &str) -> bool {
    placeholder_len(s) == Some(s.len())
}

/// Length of the placeholder starting at the beginning of `s`, if one does.
fn placeholder_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    match b.first()? {
        b'{' if b.get(1) == Some(&b'{') => s.find("}}").map(|i| i + 2).filter(|&n| n > 4),
        b'$' if b.get(1) == Some(&b'{') => s.find('}').map(|i| i + 1).filter(|&n| n > 3),
        b'$' => {
            let first = *b.get(1)?;
            if !(first.is_ascii_alphabetic() || first == b'_') {
                return None;
            }
            let n = b
                .iter()
                .skip(1)
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            Some(n + 1)
        }
        b'<' => {
            let end = s.find('>')?;
            let inner = s.get(1..end)?;
            (!inner.is_empty()
                && inner.len() <= 80
                && inner.bytes().any(|c| c.is_ascii_alphabetic())
                && inner.bytes().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b' ' | b'.' | b':')
                }))
            .then_some(end + 1)
        }
        _ => None,
    }
}

/// Whether `sym` is as [`Sym::from_pieces`] builds it: a partial value has a
/// hole, and no empty or adjacent literals.
fn is_normal(sym: &Sym) -> bool {
    match sym {
        Sym::Known(_) => true,
        Sym::Partial(pieces) => {
            pieces.iter().any(|p| matches!(p, Piece::Hole(_)))
                && pieces
                    .iter()
                    .all(|p| !matches!(p, Piece::Lit(l) if l.is_empty()))
                && pieces
                    .windows(2)
                    .all(|w| !matches!(w, [Piece::Lit(_), Piece::Lit(_)]))
        }
    }
}

/// Turns templating placeholders in the literal text (`{{image}}`, `<IMAGE>`,
/// `${ACCOUNT}`, `$NAME`: mustache, Go templates, envsubst, jq) into holes
/// named by the placeholder's text.
pub fn placeholders_to_holes(sym: &Sym) -> Sym {
    with_placeholder_holes(sym).into_owned()
}

/// [`placeholders_to_holes`], borrowing `sym` when it has no placeholder to turn
/// into a hole (most values).
pub fn with_placeholder_holes(sym: &Sym) -> Cow<'_, Sym> {
    // Every placeholder starts with one of these: without them, only the merging
    // of `Sym::from_pieces` could change the value, and a built value needs none.
    let may_hold = |l: &str| l.bytes().any(|b| matches!(b, b'{' | b'$' | b'<'));
    if is_normal(sym)
        && !sym
            .piece_refs()
            .any(|p| matches!(p, PieceRef::Lit(l) if may_hold(l)))
    {
        return Cow::Borrowed(sym);
    }
    let mut out = Vec::new();
    for piece in sym.pieces() {
        match piece {
            Piece::Hole(h) => out.push(Piece::Hole(h)),
            Piece::Lit(l) => {
                let mut lit = String::new();
                let mut i = 0;
                while let Some(rest) = l.get(i..) {
                    let Some(c) = rest.chars().next() else { break };
                    if let Some(n) = placeholder_len(rest) {
                        if !lit.is_empty() {
                            out.push(Piece::Lit(std::mem::take(&mut lit).into_boxed_str()));
                        }
                        out.push(Piece::Hole(rest.get(..n).unwrap_or(rest).into()));
                        i += n;
                    } else {
                        lit.push(c);
                        i += c.len_utf8();
                    }
                }
                if !lit.is_empty() {
                    out.push(Piece::Lit(lit.into_boxed_str()));
                }
            }
        }
    }
    Cow::Owned(Sym::from_pieces(out))
}

// ---------------------------------------------------------------------------
// ARNs

/// An ARN in its six parts; the resource part may hold `:` and `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    pub partition: Sym,
    pub service: Sym,
    pub region: Sym,
    pub account: Sym,
    pub resource: Sym,
}

impl Arn {
    /// The ARN written back.
    pub fn to_sym(&self) -> Sym {
        cat(&[
            &"arn:",
            &self.partition,
            &":",
            &self.service,
            &":",
            &self.region,
            &":",
            &self.account,
            &":",
            &self.resource,
        ])
    }

    /// Whether the service part is exactly `service`.
    pub fn is_service(&self, service: &str) -> bool {
        self.service.known() == Some(service)
    }

    /// The region, with a literal that is not region-shaped (`region`, `REGION`) made a hole.
    pub fn region_or_hole(&self) -> Sym {
        self.region_or_hole_ref().into_owned()
    }

    /// The account, with a literal that is not 12 digits (`aws_account_id`) made a hole.
    pub fn account_or_hole(&self) -> Sym {
        self.account_or_hole_ref().into_owned()
    }

    /// [`Arn::region_or_hole`], borrowed when the region stays as it is.
    fn region_or_hole_ref(&self) -> Cow<'_, Sym> {
        match self.region.known() {
            Some(r) if !looks_like_region(r) => {
                Cow::Owned(hole(if r.is_empty() { "region" } else { r }))
            }
            _ => Cow::Borrowed(&self.region),
        }
    }

    /// [`Arn::account_or_hole`], borrowed when the account stays as it is.
    fn account_or_hole_ref(&self) -> Cow<'_, Sym> {
        match self.account.known() {
            Some(a) if !looks_like_account(a) => {
                Cow::Owned(hole(if a.is_empty() { "account" } else { a }))
            }
            _ => Cow::Borrowed(&self.account),
        }
    }

    /// The ARN with region and account made holes where they are not region- or
    /// account-shaped, and `prefix` then `resource` in place of its resource.
    fn with_resource(&self, prefix: &str, resource: &dyn AsSymPart) -> Sym {
        cat(&[
            &"arn:",
            &self.partition,
            &":",
            &self.service,
            &":",
            &*self.region_or_hole_ref(),
            &":",
            &*self.account_or_hole_ref(),
            &":",
            &prefix,
            resource,
        ])
    }
}

/// Parses `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (the resource keeps its colons).
pub fn parse_arn(s: &Sym) -> Option<Arn> {
    let e = Enc::new(s)?;
    let rest = e.text.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: e.sym(partition),
        service: e.sym(service),
        region: e.sym(region),
        account: e.sym(account),
        resource: e.sym(resource),
    })
}

// ---------------------------------------------------------------------------
// ECR

/// A private Amazon ECR image (FACTS.md §3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrImage {
    pub account: Sym,
    pub region: Sym,
    /// The repository name, every `/` kept, without tag or digest.
    pub repository: Sym,
    pub partition: Sym,
    pub dual_stack: bool,
    pub fips: bool,
}

impl EcrImage {
    /// `arn:PARTITION:ecr:REGION:ACCOUNT:repository/REPO`.
    pub fn repository_arn(&self) -> Sym {
        cat(&[
            &"arn:",
            &self.partition,
            &":ecr:",
            &self.region,
            &":",
            &self.account,
            &":repository/",
            &self.repository,
        ])
    }
}

/// Parses a private ECR image URI; `None` for any other registry (Docker Hub,
/// `public.ecr.aws`, `quay.io`, an 11-digit "account", a wholly unknown value).
pub fn parse_ecr_image(image: &Sym) -> Option<EcrImage> {
    let e = Enc::new(image)?;
    let (host, path) = e.text.split_once('/')?;
    let mut labels = host.split('.');
    let account = labels.next()?;
    let service = labels.next()?;
    let (dual_stack, fips, region_at) = match (service, labels.next()) {
        ("dkr", Some("ecr")) => (false, false, 3),
        ("dkr", Some("ecr-fips")) => (false, true, 3),
        ("dkr-ecr", _) => (true, false, 2),
        ("dkr-ecr-fips", _) => (true, true, 2),
        _ => return None,
    };
    // The region label, and every label after it joined by `.` as written.
    let mut rest = host.splitn(region_at + 2, '.').skip(region_at);
    let region = rest.next()?;
    let suffix = rest.next().unwrap_or_default();
    let iso_partition = if dual_stack {
        if suffix != "on.aws" && !(suffix.chars().count() == 1 && has_hole(suffix)) {
            return None;
        }
        None
    } else {
        match suffix {
            "amazonaws.com" => None,
            "amazonaws.com.cn" => Some("aws-cn"),
            "c2s.ic.gov" => Some("aws-iso"),
            "sc2s.sgov.gov" => Some("aws-iso-b"),
            s if s.chars().count() == 1 && has_hole(s) => None,
            _ => return None,
        }
    };
    let account_ok = if has_hole(account) {
        account.chars().all(|c| is_hole(c) || c.is_ascii_digit())
    } else {
        looks_like_account(account)
    };
    let region_ok = !region.is_empty()
        && region
            .chars()
            .all(|c| is_hole(c) || c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !account_ok || !region_ok {
        return None;
    }
    let repo_end = path.find([':', '@']).unwrap_or(path.len());
    let repository = path.get(..repo_end)?;
    if repository.is_empty() {
        return None;
    }
    let region_sym = e.sym(region);
    let partition = match iso_partition {
        Some(p) => p,
        None => partition_for(&region_sym),
    };
    Some(EcrImage {
        account: e.sym(account),
        region: region_sym,
        repository: e.sym(repository),
        partition: Sym::from(partition),
        dual_stack,
        fips,
    })
}

/// Pull-through-cache namespaces ECR's console offers (SPEC §3.4).
pub const PULL_THROUGH_CACHE_PREFIXES: &[&str] = &[
    "ecr-public/",
    "docker-hub/",
    "quay/",
    "k8s/",
    "kubernetes/",
    "github/",
    "gitlab/",
    "azure/",
    "chainguard/",
];

/// The pull-through-cache prefix a repository name starts with, from the
/// default list or `extra` (a missing trailing `/` is added).
pub fn pull_through_cache_prefix(repository: &Sym, extra: &[String]) -> Option<String> {
    let Some(PieceRef::Lit(first)) = repository.piece_refs().next() else {
        return None;
    };
    if let Some(p) = PULL_THROUGH_CACHE_PREFIXES
        .iter()
        .find(|p| first.starts_with(**p) && first.len() > p.len())
    {
        return Some((*p).to_string());
    }
    extra
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.trim_start_matches('/'))
        .find(|p| starts_with_dir(first, p))
        .map(|p| {
            if p.ends_with('/') {
                p.to_string()
            } else {
                format!("{p}/")
            }
        })
}

/// Whether `name` starts with `prefix` followed by `/` (`prefix` may end with it
/// already) and has something after that.
fn starts_with_dir(name: &str, prefix: &str) -> bool {
    let slash = usize::from(!prefix.ends_with('/'));
    name.starts_with(prefix)
        && name.len() > prefix.len() + slash
        && (slash == 0 || name.as_bytes().get(prefix.len()) == Some(&b'/'))
}

// ---------------------------------------------------------------------------
// SSM

/// Splits a trailing `:version` / `:label` selector off a parameter name.
pub fn split_ssm_selector(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once(':') {
        Some((base, sel))
            if !base.is_empty()
                && !base.contains(':')
                && !sel.is_empty()
                && sel
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) =>
        {
            (base, Some(sel))
        }
        _ => (name, None),
    }
}

/// Why a bare SSM parameter name is invalid (SPEC §3.4), or `None` when it is valid.
/// Holes are accepted anywhere; the `aws`/`ssm` prefix rule needs a literal start.
pub fn ssm_name_error(name: &Sym) -> Option<&'static str> {
    let e = Enc::new(name)?;
    ssm_name_error_text(&e.text)
}

fn ssm_name_error_text(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("the parameter name is empty");
    }
    if !name
        .chars()
        .all(|c| is_hole(c) || c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'))
    {
        return Some("a parameter name may only contain letters, digits and `_.-/`");
    }
    if name.contains('/') && !name.starts_with('/') && !name.starts_with(is_hole) {
        return Some("a hierarchical parameter name must start with `/`");
    }
    let levels = name.trim_start_matches('/').split('/').count();
    if levels > 15 {
        return Some("a parameter name may have at most 15 levels");
    }
    let body = name.strip_prefix('/').unwrap_or(name);
    let lower: String = body
        .chars()
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    if (lower == "aws" || lower == "ssm") && !name.starts_with(SSM_SECRETS_MANAGER_REFERENCE) {
        return Some("a parameter name may not begin with `aws` or `ssm`");
    }
    None
}

/// The reserved path of SSM references to Secrets Manager secrets.
pub const SSM_SECRETS_MANAGER_REFERENCE: &str = "/aws/reference/secretsmanager/";

/// The parameter ARN of a name: `arn:P:ssm:R:A:parameter` + name with one leading `/`,
/// a `:version`/`:label` selector stripped.
pub fn ssm_parameter_arn(partition: &Sym, region: &Sym, account: &Sym, name: &Sym) -> Sym {
    ssm_parameter_arn_of_base(partition, region, account, &strip_ssm_selector_sym(name))
}

/// [`ssm_parameter_arn`] of a name whose selector is already stripped.
pub fn ssm_parameter_arn_of_base(partition: &Sym, region: &Sym, account: &Sym, name: &Sym) -> Sym {
    let slash = if has_literal_prefix(name, "/") {
        ""
    } else {
        "/"
    };
    cat(&[
        &"arn:",
        partition,
        &":ssm:",
        region,
        &":",
        account,
        &":parameter",
        &slash,
        name,
    ])
}

/// Strips a literal `:selector` at the end of a name or of a parameter ARN's resource.
pub fn strip_ssm_selector_sym(name: &Sym) -> Sym {
    let Some(e) = Enc::new(name) else {
        return name.clone();
    };
    let (base, _) = split_ssm_selector(&e.text);
    e.sym(base)
}

/// A parameter ARN with any `:selector` stripped, or `None` when `arn` is not
/// an SSM parameter ARN.
pub fn ssm_parameter_from_arn(arn: &Arn) -> Option<Sym> {
    ssm_parameter_and_name(arn).map(|(param, _)| param)
}

/// [`ssm_parameter_from_arn`] and the parameter name inside the ARN's resource
/// (`parameter/a/b:4` → `/a/b`), reading the resource once: `None` when `arn` is
/// not an SSM parameter ARN.
pub fn ssm_parameter_and_name(arn: &Arn) -> Option<(Sym, Sym)> {
    if !arn.is_service("ssm") {
        return None;
    }
    let e = Enc::new(&arn.resource)?;
    let (base, _) = split_ssm_selector(&e.text);
    let name = base.strip_prefix("parameter")?;
    if name.is_empty() || name.contains(':') {
        return None;
    }
    // `Arn::to_sym` of the ARN with this resource and region and account made holes
    // where they are not region- or account-shaped, without copying the ARN.
    Some((arn.with_resource("", &e.part(base)), e.sym(name)))
}

// ---------------------------------------------------------------------------
// Secrets Manager

/// Whether a secret ARN or name is full: its last `-` is followed by exactly
/// six letters or digits (SPEC §3.4). `None` when a hole makes it unknowable.
pub fn secret_is_full(id: &Sym) -> Option<bool> {
    secret_text_is_full(&Enc::new(id)?.text)
}

/// [`secret_is_full`] of encoded text.
fn secret_text_is_full(text: &str) -> Option<bool> {
    let Some((_, tail)) = text.rsplit_once('-') else {
        return if has_hole(text) { None } else { Some(false) };
    };
    if has_hole(tail) {
        return None;
    }
    Some(tail.len() == 6 && tail.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A reference to a Secrets Manager secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRef {
    /// The secret's ARN as written (full or partial), without json-key fields.
    pub arn: Sym,
    /// Full (ends in the six-character suffix), partial, or unknown (a hole at the end).
    pub full: Option<bool>,
    pub json_key: Option<Sym>,
    pub version_stage: Option<Sym>,
    pub version_id: Option<Sym>,
}

impl SecretRef {
    /// The ARN IAM evaluates: a partial ARN gets `-??????` (SPEC §3.3).
    pub fn into_resource(self) -> Sym {
        if self.full == Some(false) {
            cat(&[&self.arn, &"-??????"])
        } else {
            self.arn
        }
    }
}

/// Why a Secrets Manager reference is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretArnError {
    NotAnArn,
    /// An ARN of another service, or not a `secret:` resource.
    NotASecret,
    /// The resource has neither 2 nor 5 `:`-separated parts.
    BadFieldCount,
}

impl SecretArnError {
    /// One-line message (lower-case, no period).
    pub fn message(self) -> &'static str {
        match self {
            SecretArnError::NotAnArn => "not a Secrets Manager secret ARN",
            SecretArnError::NotASecret => "not a Secrets Manager `secret:` ARN",
            SecretArnError::BadFieldCount => {
                "a Secrets Manager reference must be `arn:…:secret:NAME` or `arn:…:secret:NAME:JSON-KEY:VERSION-STAGE:VERSION-ID` (unused fields left empty, colons kept)"
            }
        }
    }
}

/// Parses a `secrets`/`secretOptions` `valueFrom` that is a Secrets Manager ARN (FACTS.md §3.4).
pub fn parse_secret_arn(value_from: &Sym) -> Result<SecretRef, SecretArnError> {
    secret_of_arn(&parse_arn(value_from).ok_or(SecretArnError::NotAnArn)?)
}

/// [`parse_secret_arn`] of an ARN already parsed.
pub fn secret_of_arn(arn: &Arn) -> Result<SecretRef, SecretArnError> {
    if !arn.is_service("secretsmanager") {
        return Err(SecretArnError::NotASecret);
    }
    let e = Enc::new(&arn.resource).ok_or(SecretArnError::NotASecret)?;
    let mut parts = e.text.split(':');
    if parts.next() != Some("secret") {
        return Err(SecretArnError::NotASecret);
    }
    let id = parts.next().unwrap_or_default();
    if id.is_empty() {
        return Err(SecretArnError::NotASecret);
    }
    let opt = |s: &str| (!s.is_empty()).then(|| e.sym(s));
    let (json_key, version_stage, version_id) =
        match [parts.next(), parts.next(), parts.next(), parts.next()] {
            [None, ..] => (None, None, None),
            [Some(key), Some(stage), Some(version), None] => (opt(key), opt(stage), opt(version)),
            _ => return Err(SecretArnError::BadFieldCount),
        };
    Ok(SecretRef {
        arn: arn.with_resource("secret:", &e.part(id)),
        full: secret_text_is_full(id),
        json_key,
        version_stage,
        version_id,
    })
}

/// A secret given by name in the task's region and account (`repositoryCredentials`).
pub fn secret_from_name(partition: &Sym, region: &Sym, account: &Sym, name: &Sym) -> SecretRef {
    SecretRef {
        arn: cat(&[
            &"arn:",
            partition,
            &":secretsmanager:",
            region,
            &":",
            account,
            &":secret:",
            name,
        ]),
        full: secret_is_full(name),
        json_key: None,
        version_stage: None,
        version_id: None,
    }
}

/// Whether a secret name uses only the characters Secrets Manager allows (`a-zA-Z0-9/_+=.@-`, and `!` in managed secrets).
pub fn secret_name_valid(name: &Sym) -> bool {
    let Some(e) = Enc::new(name) else {
        return false;
    };
    !e.text.is_empty()
        && e.text.chars().all(|c| {
            is_hole(c)
                || c.is_ascii_alphanumeric()
                || matches!(c, '/' | '_' | '+' | '=' | '.' | '@' | '-' | '!')
        })
}

// ---------------------------------------------------------------------------
// S3

/// An S3 object named by `arn:P:s3:::BUCKET/KEY` (the agent's regex, FACTS.md §3.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Object {
    pub partition: Sym,
    pub bucket: Sym,
    /// May contain `/`.
    pub key: Sym,
}

impl S3Object {
    pub fn object_arn(&self) -> Sym {
        cat(&[
            &"arn:",
            &self.partition,
            &":s3:::",
            &self.bucket,
            &"/",
            &self.key,
        ])
    }

    pub fn bucket_arn(&self) -> Sym {
        cat(&[&"arn:", &self.partition, &":s3:::", &self.bucket])
    }
}

/// Parses `arn:P:s3:::BUCKET/KEY`.
pub fn parse_s3_object_arn(s: &Sym) -> Option<S3Object> {
    let e = Enc::new(s)?;
    let rest = e.text.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    let rest = rest.strip_prefix("s3:::")?;
    let (bucket, key) = rest.split_once('/')?;
    if partition.is_empty() || bucket.is_empty() || key.is_empty() {
        return None;
    }
    Some(S3Object {
        partition: e.sym(partition),
        bucket: e.sym(bucket),
        key: e.sym(key),
    })
}

// ---------------------------------------------------------------------------
// KMS

/// What a KMS key reference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KmsKind {
    /// `arn:P:kms:R:A:key/ID`.
    KeyArn,
    /// `arn:P:kms:R:A:alias/NAME`: does not authorise the key in a policy's `Resource`.
    AliasArn,
    /// A bare key id (`1234abcd-…`, `mrk-…`).
    KeyId,
    /// `alias/NAME`.
    AliasName,
    Other,
}

/// Classifies a KMS key reference.
pub fn kms_kind(s: &Sym) -> KmsKind {
    if let Some(arn) = parse_arn(s) {
        if !arn.is_service("kms") {
            return KmsKind::Other;
        }
        if has_literal_prefix(&arn.resource, "key/") {
            return KmsKind::KeyArn;
        }
        if has_literal_prefix(&arn.resource, "alias/") {
            return KmsKind::AliasArn;
        }
        return KmsKind::Other;
    }
    if has_literal_prefix(s, "alias/") {
        return KmsKind::AliasName;
    }
    match s.known() {
        Some(id)
            if !id.is_empty()
                && id.len() <= 64
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            KmsKind::KeyId
        }
        _ => KmsKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameter name inside a parameter ARN's resource (`parameter/a/b` → `/a/b`),
    /// read on its own: the reference [`ssm_parameter_and_name`] is checked against.
    fn ssm_name_of_arn(arn: &Arn) -> Option<Sym> {
        let e = Enc::new(&arn.resource)?;
        let (base, _) = split_ssm_selector(&e.text);
        let name = base.strip_prefix("parameter")?;
        (!name.is_empty()).then(|| e.sym(name))
    }

    fn k(s: &str) -> Sym {
        Sym::from(s)
    }

    fn p(pieces: &[(&str, bool)]) -> Sym {
        Sym::from_pieces(
            pieces
                .iter()
                .map(|(t, h)| {
                    if *h {
                        Piece::Hole((*t).into())
                    } else {
                        Piece::Lit((*t).into())
                    }
                })
                .collect(),
        )
    }

    #[test]
    fn partitions() {
        for (r, p) in [
            ("eu-west-1", "aws"),
            ("cn-north-1", "aws-cn"),
            ("cn-northwest-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("us-east-1", "aws"),
        ] {
            assert_eq!(partition_for_region(r), p, "{r}");
        }
        assert_eq!(partition_for(&hole("region")), "aws");
    }

    #[test]
    fn region_and_account_shapes() {
        assert!(looks_like_region("eu-west-1"));
        assert!(looks_like_region("us-gov-east-1"));
        assert!(looks_like_region("ap-southeast-5"));
        assert!(looks_like_region("eusc-de-east-1"));
        assert!(!looks_like_region("region"));
        assert!(!looks_like_region("REGION"));
        assert!(!looks_like_region(""));
        assert!(looks_like_account("123456789012"));
        assert!(!looks_like_account("11111111111"));
        assert!(!looks_like_account("aws_account_id"));
    }

    #[test]
    fn arn_parse_keeps_colons_in_resource() {
        let a = parse_arn(&k(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::",
        ))
        .unwrap();
        assert_eq!(a.partition, k("aws"));
        assert_eq!(a.service, k("secretsmanager"));
        assert_eq!(a.region, k("us-east-1"));
        assert_eq!(a.account, k("123456789012"));
        assert_eq!(a.resource, k("secret:db-AbCdEf:password::"));
        assert_eq!(
            a.to_sym(),
            k("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::")
        );
        assert!(parse_arn(&k("arn:aws:s3:::bucket/key")).is_some());
        assert!(parse_arn(&k("arn:aws:ssm:us-east-1")).is_none());
        assert!(parse_arn(&k("not-an-arn")).is_none());
        assert!(parse_arn(&k("arn:aws:ssm:us-east-1:1:")).is_none());
    }

    #[test]
    fn arn_parse_with_holes() {
        let s = p(&[
            ("arn:", false),
            ("AWS::Partition", true),
            (":ssm:", false),
            ("AWS::Region", true),
            (":", false),
            ("AWS::AccountId", true),
            (":parameter/app/db", false),
        ]);
        let a = parse_arn(&s).unwrap();
        assert_eq!(a.partition, hole("AWS::Partition"));
        assert_eq!(a.region, hole("AWS::Region"));
        assert_eq!(a.account, hole("AWS::AccountId"));
        assert_eq!(a.resource, k("parameter/app/db"));
        assert_eq!(a.to_sym(), s);
    }

    #[test]
    fn placeholder_literals_become_holes() {
        let a = parse_arn(&k(
            "arn:aws:secretsmanager:region:aws_account_id:secret:secret_name-AbCdEf",
        ))
        .unwrap();
        assert_eq!(a.region_or_hole(), hole("region"));
        assert_eq!(a.account_or_hole(), hole("aws_account_id"));
        let s = placeholders_to_holes(&k(
            "arn:aws:ssm:ap-northeast-1:{{must_env `AWS_ACCOUNT_ID`}}:parameter/x",
        ));
        assert_eq!(s.holes(), vec!["{{must_env `AWS_ACCOUNT_ID`}}"]);
        for (text, holes) in [
            ("<PLACEHOLDER>", vec!["<PLACEHOLDER>"]),
            ("{{image}}", vec!["{{image}}"]),
            ("${CREDSPECARN}", vec!["${CREDSPECARN}"]),
            ("arn:${Partition}:x", vec!["${Partition}"]),
            ("$APP_IMAGE", vec!["$APP_IMAGE"]),
            ("a-b/c_d.e", vec![]),
            ("x < y", vec![]),
            ("$", vec![]),
            ("{{}}", vec![]),
        ] {
            assert_eq!(placeholders_to_holes(&k(text)).holes(), holes, "{text}");
        }
        assert!(is_placeholder("<IMAGE>"));
        assert!(is_placeholder("{{ env `TAG` `latest` }}"));
        assert!(!is_placeholder("nginx"));
    }

    #[test]
    fn grant_text_renders_holes() {
        let s = cat(&[
            &"arn:aws:logs:",
            &hole("region"),
            &":",
            &hole("account"),
            &":log-group:",
            &hole("{{group}}"),
            &":",
            &hole("AWS::StackName"),
        ]);
        assert_eq!(
            grant_text(&s),
            "arn:aws:logs:REGION:ACCOUNT:log-group:{{group}}:${AWS::StackName}"
        );
    }

    fn ecr(image: &str) -> Option<(String, bool, bool)> {
        parse_ecr_image(&k(image)).map(|e| (e.repository_arn().to_string(), e.dual_stack, e.fips))
    }

    #[test]
    fn ecr_images() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1",
                Some("arn:aws:ecr:eu-west-1:123456789012:repository/web"),
            ),
            (
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/svc/api:latest",
                Some("arn:aws:ecr:eu-west-1:123456789012:repository/team/svc/api"),
            ),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                Some("arn:aws:ecr:us-east-1:123456789012:repository/app"),
            ),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                Some("arn:aws:ecr:us-east-1:123456789012:repository/app"),
            ),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app",
                Some("arn:aws:ecr:us-east-1:123456789012:repository/app"),
            ),
            (
                "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:1",
                Some("arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app"),
            ),
            (
                "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1",
                Some("arn:aws-cn:ecr:cn-north-1:123456789012:repository/app"),
            ),
            (
                "123456789012.dkr-ecr.eu-west-1.on.aws/app:1",
                Some("arn:aws:ecr:eu-west-1:123456789012:repository/app"),
            ),
            (
                "123456789012.dkr-ecr-fips.us-east-1.on.aws/app:1",
                Some("arn:aws:ecr:us-east-1:123456789012:repository/app"),
            ),
            (
                "906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:stable",
                Some("arn:aws:ecr:us-east-1:906394416424:repository/aws-for-fluent-bit"),
            ),
            (
                "123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/app",
                Some("arn:aws-iso-b:ecr:us-isob-east-1:123456789012:repository/app"),
            ),
            ("11111111111.dkr.ecr.us-east-1.amazonaws.com/app", None),
            ("nginx", None),
            ("nginx:1.25", None),
            ("library/nginx:latest", None),
            ("docker.io/library/nginx", None),
            ("public.ecr.aws/nginx/nginx:latest", None),
            ("quay.io/prometheus/node-exporter", None),
            ("ghcr.io/org/img:1", None),
            ("{{image}}", None),
            ("<IMAGE>", None),
            ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/", None),
            ("123456789012.dkr.ecr.eu-west-1.example.com/app", None),
        ];
        for (image, want) in cases {
            assert_eq!(ecr(image).map(|e| e.0), want.map(str::to_string), "{image}");
        }
        assert_eq!(
            ecr("123456789012.dkr-ecr.eu-west-1.on.aws/app:1").map(|e| (e.1, e.2)),
            Some((true, false))
        );
        assert_eq!(
            ecr("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app").map(|e| (e.1, e.2)),
            Some((false, true))
        );
    }

    #[test]
    fn ecr_images_with_holes() {
        let s = p(&[
            ("AWS::AccountId", true),
            (".dkr.ecr.", false),
            ("AWS::Region", true),
            (".amazonaws.com/app:", false),
            ("Tag", true),
        ]);
        let e = parse_ecr_image(&s).unwrap();
        assert_eq!(
            e.repository_arn().to_string(),
            "arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/app"
        );
        let cdk = p(&[
            ("acct", true),
            (".dkr.ecr.", false),
            ("region", true),
            (".", false),
            ("AWS::URLSuffix", true),
            ("/stack/phpfpm:stack/phpfpm", false),
        ]);
        assert_eq!(
            parse_ecr_image(&cdk).unwrap().repository.to_string(),
            "stack/phpfpm"
        );
        assert!(parse_ecr_image(&p(&[("RepoUri", true), (":latest", false)])).is_none());
    }

    #[test]
    fn pull_through_cache() {
        let extra = vec!["my-cache".to_string()];
        assert_eq!(
            pull_through_cache_prefix(&k("docker-hub/library/nginx"), &extra).as_deref(),
            Some("docker-hub/")
        );
        assert_eq!(
            pull_through_cache_prefix(&k("my-cache/x"), &extra).as_deref(),
            Some("my-cache/")
        );
        assert_eq!(pull_through_cache_prefix(&k("my-cachex/x"), &extra), None);
        assert_eq!(pull_through_cache_prefix(&k("team/svc"), &extra), None);
        assert_eq!(pull_through_cache_prefix(&k("quay"), &extra), None);
    }

    #[test]
    fn ssm_names() {
        for valid in [
            "MY_PARAM",
            "/prod/db/password",
            "a.b-c_d",
            "/aws/reference/secretsmanager/db",
            "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o",
        ] {
            assert_eq!(ssm_name_error(&k(valid)), None, "{valid}");
        }
        for invalid in [
            "mysecret:key::",
            "prod/db",
            "aws-param",
            "/AWS/x",
            "SSMthing",
            "/ssm/x",
            "/aws/x",
            "a b",
            "",
            "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p",
        ] {
            assert!(ssm_name_error(&k(invalid)).is_some(), "{invalid}");
        }
        assert_eq!(
            ssm_name_error(&p(&[("/", false), ("Env", true), ("/db", false)])),
            None
        );
    }

    #[test]
    fn ssm_selectors_and_arns() {
        assert_eq!(split_ssm_selector("name:3"), ("name", Some("3")));
        assert_eq!(split_ssm_selector("/a/b:prod"), ("/a/b", Some("prod")));
        assert_eq!(split_ssm_selector("name:key::"), ("name:key::", None));
        assert_eq!(split_ssm_selector("name"), ("name", None));
        let (pa, r, a) = (k("aws"), k("us-east-1"), k("123456789012"));
        assert_eq!(
            ssm_parameter_arn(&pa, &r, &a, &k("/JobSyncHub/email/AWS_SES_SENDER")).to_string(),
            "arn:aws:ssm:us-east-1:123456789012:parameter/JobSyncHub/email/AWS_SES_SENDER"
        );
        assert_eq!(
            ssm_parameter_arn(&pa, &r, &a, &k("GOOGLE_JAVASCIPT_MAP_KEY")).to_string(),
            "arn:aws:ssm:us-east-1:123456789012:parameter/GOOGLE_JAVASCIPT_MAP_KEY"
        );
        assert_eq!(
            ssm_parameter_arn(&pa, &r, &a, &k("name:prod")).to_string(),
            "arn:aws:ssm:us-east-1:123456789012:parameter/name"
        );
        let arn = parse_arn(&k("arn:aws:ssm:eu-west-1:123456789012:parameter/a/b:4")).unwrap();
        assert_eq!(
            ssm_parameter_from_arn(&arn).unwrap().to_string(),
            "arn:aws:ssm:eu-west-1:123456789012:parameter/a/b"
        );
        assert_eq!(ssm_name_of_arn(&arn).unwrap().to_string(), "/a/b");
        let bad = parse_arn(&k("arn:aws:ssm:eu-west-1:123456789012:document/x")).unwrap();
        assert_eq!(ssm_parameter_from_arn(&bad), None);
    }

    #[test]
    fn secrets() {
        let full = parse_secret_arn(&k(
            "arn:aws:secretsmanager:ap-south-1:123456789012:secret:awsExampleSecret-7qFlRJ",
        ))
        .unwrap();
        assert_eq!(full.full, Some(true));
        assert_eq!(
            full.into_resource().to_string(),
            "arn:aws:secretsmanager:ap-south-1:123456789012:secret:awsExampleSecret-7qFlRJ"
        );
        let keyed = parse_secret_arn(&k(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:ECS-API-LxUiIQ:DATABASE_URL::",
        ))
        .unwrap();
        assert_eq!(keyed.full, Some(true));
        assert_eq!(keyed.json_key, Some(k("DATABASE_URL")));
        assert_eq!(keyed.version_stage, None);
        assert_eq!(
            keyed.into_resource().to_string(),
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:ECS-API-LxUiIQ"
        );
        let partial = parse_secret_arn(&k(
            "arn:aws:secretsmanager:us-west-2:2222:secret:sdlc-stack-secrets/environment:FOO::",
        ))
        .unwrap();
        assert_eq!(partial.full, Some(false));
        assert_eq!(
            partial.into_resource().to_string(),
            "arn:aws:secretsmanager:us-west-2:${2222}:secret:sdlc-stack-secrets/environment-??????"
        );
        let versioned = parse_secret_arn(&k(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password:AWSCURRENT:v1",
        ))
        .unwrap();
        assert_eq!(versioned.version_stage, Some(k("AWSCURRENT")));
        assert_eq!(versioned.version_id, Some(k("v1")));
        assert_eq!(
            parse_secret_arn(&k(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password"
            )),
            Err(SecretArnError::BadFieldCount)
        );
        assert_eq!(
            parse_secret_arn(&k("arn:aws:ssm:us-east-1:123456789012:parameter/x")),
            Err(SecretArnError::NotASecret)
        );
        assert_eq!(
            parse_secret_arn(&k("db-AbCdEf")),
            Err(SecretArnError::NotAnArn)
        );
        let rds = parse_secret_arn(&k(
            "arn:aws:secretsmanager:us-east-1:913524921896:secret:rds!db-a57bd929-1234-abcdef",
        ))
        .unwrap();
        assert_eq!(rds.full, Some(true));
    }

    #[test]
    fn secret_fullness() {
        assert_eq!(secret_is_full(&k("db-AbCdEf")), Some(true));
        assert_eq!(secret_is_full(&k("db-AbCdE")), Some(false));
        assert_eq!(secret_is_full(&k("db-AbCdEfG")), Some(false));
        assert_eq!(secret_is_full(&k("db")), Some(false));
        assert_eq!(secret_is_full(&k("db-Ab_dEf")), Some(false));
        assert_eq!(secret_is_full(&hole("SecretId")), None);
        assert_eq!(
            secret_is_full(&p(&[("db-", false), ("suffix", true)])),
            None
        );
        let named = secret_from_name(
            &k("aws"),
            &k("eu-west-1"),
            &k("123456789012"),
            &k("dockerhub/creds"),
        );
        assert_eq!(
            named.into_resource().to_string(),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub/creds-??????"
        );
        assert!(secret_name_valid(&k("dockerhub/creds_1+=.@-")));
        assert!(!secret_name_valid(&k("bad name")));
    }

    #[test]
    fn s3_objects() {
        let o = parse_s3_object_arn(&k("arn:aws:s3:::my-bucket/path/to/app.env")).unwrap();
        assert_eq!(o.bucket, k("my-bucket"));
        assert_eq!(o.key, k("path/to/app.env"));
        assert_eq!(
            o.object_arn().to_string(),
            "arn:aws:s3:::my-bucket/path/to/app.env"
        );
        assert_eq!(o.bucket_arn().to_string(), "arn:aws:s3:::my-bucket");
        let cn = parse_s3_object_arn(&k("arn:aws-cn:s3:::b/k")).unwrap();
        assert_eq!(cn.bucket_arn().to_string(), "arn:aws-cn:s3:::b");
        for bad in [
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::/key",
            "arn:aws:s3:us-east-1::b/k",
            "s3://bucket/key",
            "arn:aws:s3:::bucket/",
        ] {
            assert!(parse_s3_object_arn(&k(bad)).is_none(), "{bad}");
        }
    }

    /// The former `cat`: every part's pieces, then `Sym::from_pieces`.
    fn cat_reference(parts: &[&Sym]) -> Sym {
        Sym::from_pieces(parts.iter().flat_map(|p| p.pieces()).collect())
    }

    /// The former `Enc::sym`: character by character.
    fn enc_sym_reference(e: &Enc<'_>, s: &str) -> Sym {
        let mut pieces = Vec::new();
        let mut lit = String::new();
        for c in s.chars() {
            match hole_index(c).and_then(|i| e.holes.get(i)) {
                Some(h) => {
                    if !lit.is_empty() {
                        pieces.push(Piece::Lit(std::mem::take(&mut lit).into_boxed_str()));
                    }
                    pieces.push(Piece::Hole((*h).into()));
                }
                None => lit.push(c),
            }
        }
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit.into_boxed_str()));
        }
        Sym::from_pieces(pieces)
    }

    /// The former `pull_through_cache_prefix`: every candidate written out.
    fn pull_through_reference(repository: &Sym, extra: &[String]) -> Option<String> {
        let Some(Piece::Lit(first)) = repository.pieces().into_iter().next() else {
            return None;
        };
        let defaults = PULL_THROUGH_CACHE_PREFIXES.iter().map(|p| (*p).to_string());
        let extras = extra.iter().filter(|p| !p.is_empty()).map(|p| {
            let p = p.trim_start_matches('/');
            if p.ends_with('/') {
                p.to_string()
            } else {
                format!("{p}/")
            }
        });
        defaults
            .chain(extras)
            .find(|p| first.starts_with(p.as_str()) && first.len() > p.len())
    }

    /// A value from pieces of ARN-ish text and holes (some named like the region
    /// and account), occasionally with a character of the hole encoding range.
    fn arb_sym() -> impl proptest::strategy::Strategy<Value = Sym> {
        use proptest::prelude::*;
        let lit = proptest::string::string_regex(
            "(arn|aws|:|/|\\.|-|secret|parameter|dkr|ecr|amazonaws|com|us-east-1|123456789012|[a-zA-Z0-9_]{1,4}|\u{F0001}|é)*",
        )
        .unwrap();
        let piece = prop_oneof![
            3 => lit.prop_map(|l| Piece::Lit(l.into())),
            1 => prop::sample::select(vec!["AWS::Region", "AWS::AccountId", "x", "Db.Suffix", "{{t}}"])
                .prop_map(|h| Piece::Hole(h.into())),
        ];
        prop::collection::vec(piece, 0..6).prop_map(Sym::from_pieces)
    }

    /// The former `looks_like_region`, collecting the parts.
    fn looks_like_region_reference(s: &str) -> bool {
        let mut parts = s.split('-');
        let Some(first) = parts.next() else {
            return false;
        };
        let rest: Vec<&str> = parts.collect();
        (2..=4).contains(&first.len())
            && first.bytes().all(|b| b.is_ascii_lowercase())
            && rest.len() >= 2
            && rest.last().is_some_and(|n| {
                !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit())
            })
            && rest
                .iter()
                .take(rest.len() - 1)
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
    }

    proptest::proptest! {
        #[test]
        fn region_shape_agrees_with_collecting_the_parts(s in "(us|eu|gov|a|east|1|12|123|-|X)*") {
            proptest::prop_assert_eq!(looks_like_region(&s), looks_like_region_reference(&s));
        }

        #[test]
        fn cat_agrees_with_joining_pieces(a in arb_sym(), b in arb_sym(), c in arb_sym()) {
            let lit = Sym::from(":x:");
            let got = cat(&[&a, &":x:", &b, &c]);
            proptest::prop_assert_eq!(&got, &cat_reference(&[&a, &lit, &b, &c]));
            proptest::prop_assert!(is_normal(&got));
        }

        #[test]
        fn enc_sym_agrees_with_the_character_scan(v in arb_sym(), from in 0usize..40, len in 0usize..40) {
            if let Some(e) = Enc::new(&v) {
                // Whole text round trips; any slice on character boundaries decodes as before.
                proptest::prop_assert_eq!(&e.sym(&e.text), &v);
                let chars: Vec<(usize, char)> = e.text.char_indices().collect();
                let start = chars.get(from).map_or(e.text.len(), |c| c.0);
                let end = chars.get(from + len).map_or(e.text.len(), |c| c.0);
                let s = &e.text[start..end];
                proptest::prop_assert_eq!(e.sym(s), enc_sym_reference(&e, s));
            }
        }

        #[test]
        fn has_hole_agrees_with_the_character_scan(s in "(a|\\u{F0000}|\\u{FFFFC}|\\u{FFFFD}|\\u{C0000}|\\u{F3}|é|-)*") {
            proptest::prop_assert_eq!(has_hole(&s), s.chars().any(is_hole));
        }

        #[test]
        fn pull_through_agrees_with_the_written_out_prefixes(
            repo in "(docker-hub|quay|my|cache|/|x|-)*",
            extra in proptest::collection::vec("(/|my|cache|x|quay)*", 0..3),
        ) {
            let repo = Sym::from(repo.as_str());
            proptest::prop_assert_eq!(
                pull_through_cache_prefix(&repo, &extra),
                pull_through_reference(&repo, &extra)
            );
        }

        #[test]
        fn secret_arns_parse_once_as_twice(v in arb_sym()) {
            // Reading an ARN already parsed gives what parsing the text gives.
            if let Some(a) = parse_arn(&v) {
                proptest::prop_assert_eq!(secret_of_arn(&a), parse_secret_arn(&v));
                let both = ssm_parameter_and_name(&a);
                proptest::prop_assert_eq!(both.as_ref().map(|b| b.0.clone()), ssm_parameter_from_arn(&a));
                if let Some((_, name)) = both {
                    proptest::prop_assert_eq!(Some(name), ssm_name_of_arn(&a));
                }
            }
        }
    }

    #[test]
    fn secret_suffix_on_the_encoded_text() {
        assert_eq!(secret_text_is_full("db-AbCdEf"), Some(true));
        assert_eq!(secret_text_is_full("db-\u{F0000}"), None);
        assert_eq!(secret_text_is_full("\u{F0000}"), None);
        assert_eq!(secret_text_is_full("db"), Some(false));
    }

    #[test]
    fn placeholder_free_values_are_borrowed() {
        let v = k("arn:aws:ssm:us-east-1:123456789012:parameter/a");
        assert!(matches!(with_placeholder_holes(&v), Cow::Borrowed(_)));
        let t = k("{{image}}");
        assert!(matches!(with_placeholder_holes(&t), Cow::Owned(_)));
        assert_eq!(*with_placeholder_holes(&t), placeholders_to_holes(&t));
    }

    #[test]
    fn region_and_account_made_holes_in_place() {
        let a = parse_arn(&k("arn:aws:ssm:region:acct:parameter/x")).unwrap();
        assert_eq!(
            a.with_resource("parameter/", &"y").to_string(),
            "arn:aws:ssm:${region}:${acct}:parameter/y"
        );
        assert!(matches!(a.region_or_hole_ref(), Cow::Owned(_)));
        let b = parse_arn(&k("arn:aws:ssm:us-east-1:123456789012:parameter/x")).unwrap();
        assert!(matches!(b.region_or_hole_ref(), Cow::Borrowed(_)));
        assert!(matches!(b.account_or_hole_ref(), Cow::Borrowed(_)));
        assert_eq!(
            b.with_resource("", &"r").to_string(),
            "arn:aws:ssm:us-east-1:123456789012:r"
        );
        let e = Enc::new(&a.resource).unwrap();
        assert!(matches!(e.part("parameter"), Part::Text("parameter")));
        let holed = p(&[("a", false), ("H", true)]);
        let e = Enc::new(&holed).unwrap();
        assert!(matches!(e.part(&e.text), Part::Sym(s) if s == holed));
        assert!(starts_with_dir("cache/x", "cache"));
        assert!(starts_with_dir("cache/x", "cache/"));
        assert!(!starts_with_dir("cache/", "cache"));
        assert!(!starts_with_dir("cachex/y", "cache"));
    }

    #[test]
    fn kms_kinds() {
        assert_eq!(
            kms_kind(&k(
                "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            )),
            KmsKind::KeyArn
        );
        assert_eq!(
            kms_kind(&k("arn:aws:kms:eu-west-1:123456789012:alias/app")),
            KmsKind::AliasArn
        );
        assert_eq!(kms_kind(&k("alias/app")), KmsKind::AliasName);
        assert_eq!(
            kms_kind(&k("1234abcd-12ab-34cd-56ef-1234567890ab")),
            KmsKind::KeyId
        );
        assert_eq!(kms_kind(&k("arn:aws:s3:::b/k")), KmsKind::Other);
    }
}
