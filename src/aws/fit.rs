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
pub fn pattern_fits_format(pattern: &str, format: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match (arn_fields(pattern), arn_fields(format)) {
        // Both full ARNs: partition, service, region and account field by field
        // (no wildcard crosses into the next field), then the resource part.
        // The service (2) and the resource part (5) are checked first: they tell
        // most formats apart (the answer does not depend on the order).
        (Some(p), Some(f)) => [2, 5, 0, 1, 3, 4]
            .iter()
            .all(|&i| match (p.get(i), f.get(i)) {
                (Some(p), Some(f)) => fits_whole(p, f),
                _ => true,
            }),
        // A short pattern (`arn:aws:ssm:*`): its last `*` spans the rest.
        _ => fits_whole(pattern, format),
    }
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

/// `s` up to its first byte of `set` (all of it when there is none).
fn head<'a>(s: &'a str, set: &[u8]) -> &'a str {
    let end = s.bytes().position(|b| set.contains(&b)).unwrap_or(s.len());
    s.get(..end).unwrap_or_default()
}

/// `s` after its last byte of `set` (all of it when there is none).
fn tail<'a>(s: &'a str, set: &[u8]) -> &'a str {
    let start = s
        .bytes()
        .rposition(|b| set.contains(&b))
        .map_or(0, |i| i + 1);
    s.get(start..).unwrap_or_default()
}

/// The product-automaton search over the whole of both strings, after cheap
/// answers for the common shapes.
fn fits_whole(pattern: &str, format: &str) -> bool {
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
    product_search(pattern, format)
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
        use super::{arn_fields, fits_whole, product_search};
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
}
