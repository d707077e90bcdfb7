//! Could a policy `Resource` pattern name a resource of a given ARN format?
//!
//! Both sides are patterns: the policy's `*`/`?` wildcards, and the format's
//! `${...}` placeholders. The answer is whether some ARN matches both, worked
//! out on the product of the two automata (a reachability search over pairs
//! of positions, iterative, `O(len(pattern) * len(format))`). It leans towards
//! "fits": a policy `*` may span `:` and `/` anywhere, and placeholders may be
//! empty, so ECS205 only fires when no ARN of the type can possibly match.

/// One step of either pattern.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// This byte.
    Lit(u8),
    /// Any one character (policy `?`).
    One,
    /// Any run, possibly empty, of any characters (policy `*` or variable, format `*`
    /// or a final placeholder).
    Any,
    /// Any run, possibly empty, without `:` (a placeholder inside a format).
    NoColon,
    /// Any run, possibly empty, without `:` or `/` (`${BucketName}`: bucket
    /// names have no `/`, so an object ARN never fits a bucket).
    NoColonSlash,
}

impl Tok {
    /// Whether the token repeats (stays in place after consuming a character).
    fn repeats(self) -> bool {
        matches!(self, Tok::Any | Tok::NoColon | Tok::NoColonSlash)
    }
}

/// Whether some character can be consumed by both tokens.
fn compatible(a: Tok, b: Tok) -> bool {
    let allows = |t: Tok, c: u8| match t {
        Tok::Lit(x) => x == c,
        Tok::One | Tok::Any => true,
        Tok::NoColon => c != b':',
        Tok::NoColonSlash => c != b':' && c != b'/',
    };
    match (a, b) {
        (Tok::Lit(c), other) | (other, Tok::Lit(c)) => allows(other, c),
        // Two classes: both admit ordinary letters.
        _ => true,
    }
}

/// The policy side: `*` and `?` are wildcards; a policy variable `${...}`
/// stands for an unknown value (any run), except the escapes `${*}`, `${?}`
/// and `${$}`, which are those characters.
fn policy_tokens(pattern: &str) -> Vec<Tok> {
    let bytes = pattern.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'*' => out.push(Tok::Any),
            b'?' => out.push(Tok::One),
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                if let Some(close) = bytes
                    .get(i..)
                    .and_then(|r| r.iter().position(|&b| b == b'}'))
                {
                    let inner = bytes.get(i + 2..i + close).unwrap_or_default();
                    match inner {
                        b"*" | b"?" | b"$" => out.extend(inner.iter().map(|&b| Tok::Lit(b))),
                        _ => out.push(Tok::Any),
                    }
                    i += close + 1;
                    continue;
                }
                out.push(Tok::Lit(c));
            }
            _ => out.push(Tok::Lit(c)),
        }
        i += 1;
    }
    out
}

/// The format side: `${Name}` placeholders, any characters but `:` (the last
/// one, ending the format, may hold `:` and `/` too); a literal `*` in a few
/// formats is a run of anything.
fn format_tokens(format: &str) -> Vec<Tok> {
    let bytes = format.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == b'$'
            && bytes.get(i + 1) == Some(&b'{')
            && let Some(close) = bytes
                .get(i..)
                .and_then(|r| r.iter().position(|&b| b == b'}'))
        {
            let name = bytes.get(i + 2..i + close).unwrap_or_default();
            let last = i + close + 1 == bytes.len();
            out.push(if name == b"BucketName" {
                Tok::NoColonSlash
            } else if last {
                Tok::Any
            } else {
                Tok::NoColon
            });
            i += close + 1;
            continue;
        }
        out.push(if c == b'*' { Tok::Any } else { Tok::Lit(c) });
        i += 1;
    }
    out
}

/// Whether the policy resource `pattern` (with `*`/`?` wildcards and policy
/// variables) could match some ARN of `format` (an ARN format of the Service
/// Authorization Reference, such as
/// `arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}`).
/// `*` fits every format. Case-sensitive, as resource matching is (IAM R23).
///
/// To fit one pattern against many formats, split each once: [`SplitPattern`],
/// [`SplitFormat`].
pub fn pattern_fits_format(pattern: &str, format: &str) -> bool {
    SplitPattern::new(pattern).fits(&SplitFormat::new(format))
}

/// Text between these characters is literal on the format side.
const FORMAT_SPECIAL: &[u8] = b"*$}";

/// A policy `Resource` pattern split into its ARN fields once, with what
/// [`SplitPattern::fits`] asks of each, to be fitted against many formats.
#[derive(Debug, Clone, Copy)]
pub struct SplitPattern<'a> {
    /// The pattern is `*`, which fits every format.
    star: bool,
    text: &'a str,
    /// The ARN fields, or the whole pattern when it has fewer.
    split: Split<PatternPart<'a>>,
}

/// A text split at its first five `:` (outside `${...}`), or the whole of one with fewer.
#[derive(Debug, Clone, Copy)]
enum Split<T> {
    Fields([T; 6]),
    Whole(T),
}

/// An ARN format split into its fields once, with what [`SplitPattern::fits`]
/// asks of each.
#[derive(Debug, Clone, Copy)]
pub struct SplitFormat<'a> {
    whole: FormatPart<'a>,
    fields: Option<[FormatPart<'a>; 6]>,
}

/// One field (or the whole) of a policy pattern, for [`fits_part`].
#[derive(Debug, Clone, Copy)]
struct PatternPart<'a> {
    text: &'a str,
    /// No wildcard, variable or `}`: the text is all there is.
    literal: bool,
    /// The text up to its first special character.
    head: &'a str,
    /// The text after its last special character.
    tail: &'a str,
}

/// One field (or the whole) of an ARN format, for [`fits_part`].
#[derive(Debug, Clone, Copy)]
struct FormatPart<'a> {
    text: &'a str,
    /// No placeholder, `*` or `}`: the text is all there is.
    literal: bool,
    /// One placeholder (not `${BucketName}`) and nothing else: any run.
    any_run: bool,
    /// A literal and one final placeholder (not `${BucketName}`): that literal.
    lead: Option<&'a str>,
    /// The text up to its first special character.
    head: &'a str,
    /// The text after its last special character.
    tail: &'a str,
}

impl<'a> PatternPart<'a> {
    fn new(text: &'a str) -> Self {
        // Text between these characters is literal on the policy side.
        let (literal, head, tail) = literal_ends(text, |b| matches!(b, b'*' | b'?' | b'$' | b'}'));
        PatternPart {
            text,
            literal,
            head,
            tail,
        }
    }
}

/// Whether `s` has no byte that `special` picks (ASCII only, so never inside a
/// multi-byte character), `s` up to its first such byte and `s` after its last
/// (all of it when there is none), in one scan of the literal text.
fn literal_ends(s: &str, special: impl Fn(u8) -> bool) -> (bool, &str, &str) {
    let bytes = s.as_bytes();
    let Some(first) = bytes.iter().position(|&b| special(b)) else {
        return (true, s, s);
    };
    let last = bytes.iter().rposition(|&b| special(b)).unwrap_or(first);
    (
        false,
        s.get(..first).unwrap_or_default(),
        s.get(last + 1..).unwrap_or_default(),
    )
}

impl<'a> FormatPart<'a> {
    fn new(text: &'a str) -> Self {
        let any_run = text
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .is_some_and(|name| !name.contains('}') && name != "BucketName");
        let lead = text
            .strip_suffix('}')
            .and_then(|r| r.rsplit_once("${"))
            .filter(|(lit, name)| {
                !has_any(lit, FORMAT_SPECIAL)
                    && !has_any(name, FORMAT_SPECIAL)
                    && *name != "BucketName"
            })
            .map(|(lit, _)| lit);
        let (literal, head, tail) = literal_ends(text, |b| FORMAT_SPECIAL.contains(&b));
        FormatPart {
            text,
            literal,
            any_run,
            lead,
            head,
            tail,
        }
    }
}

impl<'a> SplitPattern<'a> {
    /// Splits a policy `Resource` pattern.
    pub fn new(pattern: &'a str) -> Self {
        SplitPattern {
            star: pattern == "*",
            text: pattern,
            split: match arn_fields(pattern) {
                Some(f) => Split::Fields(f.map(PatternPart::new)),
                None => Split::Whole(PatternPart::new(pattern)),
            },
        }
    }

    /// Whether the pattern is `*`, which fits every format.
    pub fn is_star(&self) -> bool {
        self.star
    }

    /// [`pattern_fits_format`] of the two texts.
    pub fn fits(&self, format: &SplitFormat<'_>) -> bool {
        if self.star {
            return true;
        }
        match (&self.split, &format.fields) {
            // Both full ARNs: partition, service, region and account field by field
            // (no wildcard crosses into the next field), then the resource part.
            // The service (2) and the resource part (5) are checked first: they tell
            // most formats apart (the answer does not depend on the order).
            (Split::Fields(p), Some(f)) => {
                [2, 5, 0, 1, 3, 4]
                    .iter()
                    .all(|&i| match (p.get(i), f.get(i)) {
                        (Some(p), Some(f)) => fits_part(p, f),
                        _ => true,
                    })
            }
            // A short pattern (`arn:aws:ssm:*`): its last `*` spans the rest.
            (Split::Whole(whole), _) => fits_part(whole, &format.whole),
            // A format with fewer fields (none in the catalogue): the whole pattern.
            (Split::Fields(_), None) => fits_part(&PatternPart::new(self.text), &format.whole),
        }
    }
}

impl<'a> SplitFormat<'a> {
    /// Splits an ARN format.
    pub fn new(format: &'a str) -> Self {
        SplitFormat {
            whole: FormatPart::new(format),
            fields: arn_fields(format).map(|f| f.map(FormatPart::new)),
        }
    }

    /// The format's text.
    pub fn text(&self) -> &'a str {
        self.whole.text
    }
}

/// The product-automaton search over the whole of both parts, after cheap
/// answers for the common shapes.
fn fits_part(p: &PatternPart<'_>, f: &FormatPart<'_>) -> bool {
    if p.literal && f.literal {
        return p.text == f.text;
    }
    // One placeholder for the whole field (`${Region}`): it is the format's last
    // token, so any run; every pattern matches some text.
    if f.any_run {
        return true;
    }
    // A literal and one final placeholder (`secret:${SecretId}`), and the pattern
    // starts with that literal: the placeholder takes whatever the pattern adds.
    if f.lead.is_some_and(|lit| p.head.starts_with(lit)) {
        return true;
    }
    // Some text matches both, so it starts with both literal prefixes and ends
    // with both literal suffixes: one of each pair must extend the other.
    if !(p.head.starts_with(f.head) || f.head.starts_with(p.head)) {
        return false;
    }
    if !(p.tail.ends_with(f.tail) || f.tail.ends_with(p.tail)) {
        return false;
    }
    product_search(p.text, f.text)
}

/// `arn`, partition, service, region, account and the resource part, split
/// at the first five `:` that are not inside a `${...}`; `None` when there are
/// fewer.
fn arn_fields(s: &str) -> Option<[&str; 6]> {
    let bytes = s.as_bytes();
    let mut out = [""; 6];
    let (mut start, mut field, mut depth) = (0usize, 0usize, false);
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'{' if i > 0 && bytes.get(i - 1) == Some(&b'$') => depth = true,
            b'}' => depth = false,
            b':' if !depth => {
                *out.get_mut(field)? = s.get(start..i)?;
                field += 1;
                start = i + 1;
                if field == 5 {
                    out[5] = s.get(start..)?;
                    return Some(out);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether `s` has a byte of `set` (ASCII only, so never inside a multi-byte character).
fn has_any(s: &str, set: &[u8]) -> bool {
    s.bytes().any(|b| set.contains(&b))
}

/// Whether some string matches both `pattern` and `format`, by a reachability
/// search over pairs of token positions.
fn product_search(pattern: &str, format: &str) -> bool {
    let a = policy_tokens(pattern);
    let b = format_tokens(format);
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        if i == a.len() && j == b.len() {
            return true;
        }
        let ta = a.get(i).copied();
        let tb = b.get(j).copied();
        // A repeating token may match nothing.
        if ta.is_some_and(Tok::repeats) {
            stack.push((i + 1, j));
        }
        if tb.is_some_and(Tok::repeats) {
            stack.push((i, j + 1));
        }
        // Both consume one character.
        if let (Some(x), Some(y)) = (ta, tb)
            && compatible(x, y)
        {
            let ni = if x.repeats() { i } else { i + 1 };
            let nj = if y.repeats() { j } else { j + 1 };
            if (ni, nj) != (i, j) {
                stack.push((ni, nj));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::pattern_fits_format as fits;
    use super::{SplitFormat, SplitPattern, has_any};

    /// `s` after its last byte of `set` (all of it when there is none).
    fn tail<'a>(s: &'a str, set: &[u8]) -> &'a str {
        let start = s
            .bytes()
            .rposition(|b| set.contains(&b))
            .map_or(0, |i| i + 1);
        s.get(start..).unwrap_or_default()
    }

    /// `s` up to its first byte of `set` (all of it when there is none).
    fn head<'a>(s: &'a str, set: &[u8]) -> &'a str {
        let end = s.bytes().position(|b| set.contains(&b)).unwrap_or(s.len());
        s.get(..end).unwrap_or_default()
    }

    /// The former `fits_whole`, which worked out both sides' literal parts on every call.
    fn fits_whole_reference(pattern: &str, format: &str) -> bool {
        // Text between these characters is literal on each side.
        const POLICY_SPECIAL: &[u8] = b"*?$}";
        const FORMAT_SPECIAL: &[u8] = b"*$}";
        let pattern_literal = !has_any(pattern, POLICY_SPECIAL);
        let format_literal = !has_any(format, FORMAT_SPECIAL);
        if pattern_literal && format_literal {
            return pattern == format;
        }
        // One placeholder for the whole field (`${Region}`): it is the format's last
        // token, so any run; every pattern matches some text.
        if let Some(name) = format.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
            && !name.contains('}')
            && name != "BucketName"
        {
            return true;
        }
        let p_head = head(pattern, POLICY_SPECIAL);
        // A literal and one final placeholder (`secret:${SecretId}`), and the pattern
        // starts with that literal: the placeholder takes whatever the pattern adds.
        if let Some((lit, name)) = format.strip_suffix('}').and_then(|r| r.rsplit_once("${"))
            && !has_any(lit, FORMAT_SPECIAL)
            && !has_any(name, FORMAT_SPECIAL)
            && name != "BucketName"
            && p_head.starts_with(lit)
        {
            return true;
        }
        // Some text matches both, so it starts with both literal prefixes and ends
        // with both literal suffixes: one of each pair must extend the other.
        let f_head = head(format, FORMAT_SPECIAL);
        if !(p_head.starts_with(f_head) || f_head.starts_with(p_head)) {
            return false;
        }
        let p_tail = tail(pattern, POLICY_SPECIAL);
        let f_tail = tail(format, FORMAT_SPECIAL);
        if !(p_tail.ends_with(f_tail) || f_tail.ends_with(p_tail)) {
            return false;
        }
        super::product_search(pattern, format)
    }

    /// The former `pattern_fits_format`, which split the pattern again for every format.
    fn fits_reference(pattern: &str, format: &str) -> bool {
        if pattern == "*" {
            return true;
        }
        match (super::arn_fields(pattern), super::arn_fields(format)) {
            (Some(p), Some(f)) => [2, 5, 0, 1, 3, 4]
                .iter()
                .all(|&i| match (p.get(i), f.get(i)) {
                    (Some(p), Some(f)) => fits_whole_reference(p, f),
                    _ => true,
                }),
            _ => fits_whole_reference(pattern, format),
        }
    }

    /// The shortcuts and the search on two whole texts, split as parts.
    fn fits_whole(pattern: &str, format: &str) -> bool {
        super::fits_part(
            &super::PatternPart::new(pattern),
            &super::FormatPart::new(format),
        )
    }

    const SECRET: &str = "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}";
    const PARAMETER: &str =
        "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}";
    const STREAM: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";

    #[test]
    fn star_fits_everything() {
        assert!(fits("*", SECRET));
        assert!(fits("*", BUCKET));
        assert!(fits("arn:*", SECRET));
    }

    #[test]
    fn service_mismatch_never_fits() {
        assert!(!fits(
            "arn:aws:ssm:us-east-1:123456789012:parameter/app/db",
            SECRET
        ));
        assert!(!fits("arn:aws:ssm:*:*:parameter/*", SECRET));
        assert!(!fits("arn:aws:secretsmanager:*:*:secret:*", PARAMETER));
    }

    #[test]
    fn concrete_and_wildcard_arns_fit_their_type() {
        assert!(fits("arn:aws:secretsmanager:*:*:secret:*", SECRET));
        assert!(fits(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
            SECRET
        ));
        assert!(fits(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????",
            SECRET
        ));
        assert!(fits(
            "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/a/b/c",
            PARAMETER
        ));
        assert!(fits(
            "arn:aws:logs:*:*:log-group:/ecs/app:log-stream:*",
            STREAM
        ));
        assert!(fits("arn:aws:logs:*:*:log-group:/ecs/app:*", STREAM));
        assert!(!fits("arn:aws:logs:*:*:log-group:/ecs/app", STREAM));
    }

    #[test]
    fn wrong_resource_type_does_not_fit() {
        assert!(!fits("arn:aws:secretsmanager:*:*:parameter/x", SECRET));
        assert!(!fits("arn:aws:ssm:*:*:document/x", PARAMETER));
        // Non-final placeholders hold no `:`.
        assert!(!fits("arn:aws:ssm:us:east:1:123:parameter/x", PARAMETER));
    }

    #[test]
    fn buckets_hold_no_slash() {
        assert!(fits("arn:aws:s3:::my-bucket", BUCKET));
        assert!(fits("arn:aws:s3:::my-*", BUCKET));
        assert!(!fits("arn:aws:s3:::my-bucket/*", BUCKET));
        assert!(fits("arn:aws:s3:::my-bucket/*", OBJECT));
        assert!(fits("arn:aws:s3:::my-bucket/a:b", OBJECT));
    }

    #[test]
    fn policy_variables() {
        assert!(fits("arn:aws:s3:::bucket/${aws:username}/*", OBJECT));
        assert!(fits(
            "arn:aws:ssm:*:*:parameter/${aws:PrincipalTag/team}",
            PARAMETER
        ));
        assert!(!fits("arn:aws:ssm:*:*:parameter${*}", PARAMETER));
        assert!(fits("arn:aws:ssm:*:*:parameter/${*}", PARAMETER));
    }

    #[test]
    fn short_patterns_span_the_rest() {
        assert!(fits("arn:aws:ssm:*", PARAMETER));
        assert!(!fits("arn:aws:ssm:*", SECRET));
        assert!(fits("arn:aws:logs:us-east-1:*", STREAM));
    }

    #[test]
    fn fields_do_not_leak_into_each_other() {
        // The account `*` cannot swallow `secret:`: a secret id has no `:` before it.
        assert!(!fits("arn:aws:secretsmanager:*:*:parameter/x", SECRET));
        assert!(fits(
            "arn:aws:iam::${aws:PrincipalAccount}:role/x",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
        ));
        assert!(!fits(
            "arn:aws:iam::${aws:PrincipalAccount}:user/x",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
        ));
    }

    #[test]
    fn literal_star_in_a_format() {
        let f = "arn:${Partition}:amplifybackend:${Region}:${Account}:/backend/${AppId}/api/*";
        assert!(fits("arn:aws:amplifybackend:*:*:/backend/app/api/x", f));
        assert!(!fits("arn:aws:amplifybackend:*:*:/frontend/app", f));
    }

    /// The shortcuts of `fits_whole` give the answer of the full search.
    #[test]
    fn shortcuts_agree_with_the_search() {
        use super::{arn_fields, product_search};
        let formats = [
            SECRET,
            PARAMETER,
            STREAM,
            BUCKET,
            OBJECT,
            "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}",
            "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
            "arn:${Partition}:amplifybackend:${Region}:${Account}:/backend/${AppId}/api/*",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
        ];
        let patterns = [
            "*",
            "arn:*",
            "arn:aws:secretsmanager:*:*:secret:*",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????",
            "arn:aws:ssm:us-east-1:123456789012:parameter/app/db",
            "arn:aws:ssm:*:*:parameter/*",
            "arn:aws:logs:*:*:log-group:/ecs/app:*",
            "arn:aws:logs:us-east-1:1:log-group:/ecs/app:log-stream:*",
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::${aws:username}/*",
            "arn:aws:s3:::a${*}b",
            "arn:aws:ecr:*:*:repository/web",
            "arn:aws:kms:us-east-1:1:key/*",
            "arn:aws:kms:us-east-1:1:alias/x",
            "arn:aws:iam::123456789012:role/x}y",
            "arn:aws:iam::123456789012:role/$x",
            "arn:aws:iam::123456789012:role/${x",
            "arn:aws:amplifybackend:*:*:/backend/a/api/b",
            "arn:aws:amplifybackend:*:*:/backend/a/web",
            "arn:???:s3:::*",
            "arn:aws:ssm:*",
            "arn:aws:secretsmanager",
        ];
        let mut pairs = 0;
        for f in formats {
            for p in patterns {
                let mut cases = vec![(p.to_string(), f.to_string())];
                if let (Some(pf), Some(ff)) = (arn_fields(p), arn_fields(f)) {
                    cases.extend(
                        pf.iter()
                            .zip(&ff)
                            .map(|(a, b)| (a.to_string(), b.to_string())),
                    );
                }
                for (a, b) in cases {
                    assert_eq!(fits_whole(&a, &b), product_search(&a, &b), "{a} / {b}");
                    pairs += 1;
                }
            }
        }
        assert!(pairs > 1000, "{pairs}");
    }

    /// Policy patterns from pieces of ARNs, wildcards and variables (escapes and
    /// unclosed ones too).
    fn arb_pattern() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(
            "(arn|aws|:|/|\\*|\\?|\\$|\\{|\\}|\\$\\{|\\$\\{\\*\\}|\\$\\{aws:username\\}|secret|secretsmanager|ssm|parameter|log-group|s3|iam|role|us-east-1|123456789012|x|-){0,10}",
        )
        .unwrap()
    }

    /// ARN formats from the same pieces and placeholders (`${BucketName}` too).
    fn arb_format() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(
            "(arn|aws|:|/|\\*|\\$|\\{|\\}|\\$\\{Partition\\}|\\$\\{Region\\}|\\$\\{Account\\}|\\$\\{BucketName\\}|\\$\\{SecretId\\}|\\$\\{|secret|secretsmanager|ssm|parameter|log-group|s3|iam|role|x|-){0,10}",
        )
        .unwrap()
    }

    /// A pattern shaped like an ARN (six fields), so that the field-by-field path runs.
    fn arb_arn_pattern() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        (
            proptest::collection::vec(arb_pattern(), 5),
            arb_pattern(),
            prop::sample::select(vec!["arn", "*", "a?n", "arn${*}"]),
        )
            .prop_map(|(fields, rest, first)| format!("{first}:{}:{rest}", fields[1..].join(":")))
    }

    /// A format shaped like an ARN.
    fn arb_arn_format() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        (proptest::collection::vec(arb_format(), 4), arb_format())
            .prop_map(|(fields, rest)| format!("arn:{}:{rest}", fields.join(":")))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        #[test]
        fn split_fit_agrees_with_the_former_fit(p in arb_pattern(), f in arb_format()) {
            proptest::prop_assert_eq!(fits(&p, &f), fits_reference(&p, &f));
            proptest::prop_assert_eq!(
                SplitPattern::new(&p).fits(&SplitFormat::new(&f)),
                fits_reference(&p, &f)
            );
        }

    }

    proptest::proptest! {
        // Eleven generated strings a case: fewer cases.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        #[test]
        fn split_fit_agrees_with_the_former_fit_on_arns(
            p in arb_arn_pattern(),
            f in arb_arn_format(),
        ) {
            proptest::prop_assert_eq!(fits(&p, &f), fits_reference(&p, &f));
        }

        #[test]
        fn split_fit_agrees_with_the_former_fit_on_catalogue_formats(
            p in proptest::prop_oneof![arb_pattern(), arb_arn_pattern()],
            i in 0usize..100_000,
        ) {
            let formats = catalogue_formats();
            let f = formats[i % formats.len()];
            proptest::prop_assert_eq!(fits(&p, f), fits_reference(&p, f));
        }
    }

    /// A spread of the catalogue's ARN formats (every one of a few services, and
    /// every 40th of the rest), worked out once.
    fn catalogue_formats() -> &'static [&'static str] {
        static FORMATS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        FORMATS.get_or_init(catalogue_spread)
    }

    fn catalogue_spread() -> Vec<&'static str> {
        let mut out: Vec<&'static str> = crate::aws::actions::all()
            .flat_map(|a| a.arn_formats().collect::<Vec<_>>())
            .collect();
        out.sort_unstable();
        out.dedup();
        out.into_iter()
            .enumerate()
            .filter(|(i, f)| {
                i % 40 == 0
                    || [
                        ":s3:",
                        ":ssm:",
                        ":secretsmanager:",
                        ":logs:",
                        ":ecr:",
                        ":kms:",
                        ":iam:",
                    ]
                    .iter()
                    .any(|s| f.contains(s))
            })
            .map(|(_, f)| f)
            .collect()
    }

    /// Real patterns against every format of the catalogue.
    #[test]
    fn split_fit_agrees_with_the_former_fit_on_the_whole_catalogue() {
        let mut formats: Vec<&'static str> = crate::aws::actions::all()
            .flat_map(|a| a.arn_formats().collect::<Vec<_>>())
            .collect();
        formats.sort_unstable();
        formats.dedup();
        assert!(formats.len() > 1000, "{}", formats.len());
        let patterns = [
            "*",
            "arn:*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket",
            "arn:aws:ssm:*",
            "arn:aws:ssm:us-east-1:123456789012:parameter/app/db",
            "arn:aws:secretsmanager:*:*:secret:prod/*",
            "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:*",
            "arn:aws:ecr:us-east-1:123456789012:repository/web",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:iam::${aws:PrincipalAccount}:role/x",
            "arn:aws:ec2:*:*:instance/i-?",
            "arn:aws:*:*:*:*",
            "arn:${*}:s3:::a",
        ];
        let mut agreed = 0;
        for p in patterns {
            let split = SplitPattern::new(p);
            for f in &formats {
                assert_eq!(
                    split.fits(&SplitFormat::new(f)),
                    fits_reference(p, f),
                    "{p} / {f}"
                );
                agreed += 1;
            }
        }
        assert!(agreed > 10_000, "{agreed}");
    }
}
