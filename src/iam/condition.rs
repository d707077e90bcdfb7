//! Condition evaluation (R46–R56, R59), three-valued (R62–R63).

use std::net::IpAddr;

use super::eval::{Context, KeyState};
use super::matcher::{Tok, arn_like_toks, toks_match};
use super::variables::{TplPiece, parse_template};
use super::{Tri, Unknowns};
use crate::model::Sym;
use crate::model::policy::{Clause, ConditionBlock, OpKind, SetQualifier};

/// Evaluates a `Condition` block: operators and keys AND-ed (R46).
pub(crate) fn eval_block(
    block: &ConditionBlock,
    ctx: &Context,
    variables: bool,
    unknowns: &mut Unknowns,
) -> Tri {
    let mut acc = Tri::T;
    for clause in &block.clauses {
        acc = acc.and(eval_clause(clause, ctx, variables, unknowns));
        if acc == Tri::F {
            return Tri::F;
        }
    }
    acc
}

/// Evaluates one `operator: {key: values}` pair.
pub fn eval_clause(
    clause: &Clause,
    ctx: &Context,
    variables: bool,
    unknowns: &mut Unknowns,
) -> Tri {
    let op = clause.op;
    let state = ctx.get(&clause.key);
    match state {
        KeyState::Unknown => {
            unknowns.key(&clause.key);
            Tri::U
        }
        KeyState::Absent => {
            if op.kind == OpKind::Null {
                // R53: "true" ⇔ absent.
                return Tri::from(clause.values.iter().any(|v| sym_eq_ci(v, "true")));
            }
            if op.if_exists {
                return Tri::T;
            }
            match op.set {
                Some(SetQualifier::ForAllValues) => Tri::T,
                Some(SetQualifier::ForAnyValue) => Tri::F,
                None => Tri::from(op.negated),
            }
        }
        KeyState::Known(values) => {
            if op.kind == OpKind::Null {
                return Tri::from(clause.values.iter().any(|v| sym_eq_ci(v, "false")));
            }
            match op.set {
                None => match values.as_slice() {
                    [v] => per_value(clause, v, ctx, variables, unknowns),
                    // A multi-valued key needs a set operator.
                    _ => Tri::F,
                },
                Some(SetQualifier::ForAnyValue) => {
                    let mut acc = Tri::F;
                    for v in values {
                        acc = acc.or(per_value(clause, v, ctx, variables, unknowns));
                    }
                    acc
                }
                Some(SetQualifier::ForAllValues) => {
                    let mut acc = Tri::T;
                    for v in values {
                        acc = acc.and(per_value(clause, v, ctx, variables, unknowns));
                    }
                    acc
                }
            }
        }
    }
}

fn sym_eq_ci(s: &Sym, want: &str) -> bool {
    s.known().is_some_and(|k| k.eq_ignore_ascii_case(want))
}

/// One request value against the clause's policy values: OR, negated as a whole (R46).
fn per_value(
    clause: &Clause,
    value: &str,
    ctx: &Context,
    variables: bool,
    unknowns: &mut Unknowns,
) -> Tri {
    let mut any = Tri::F;
    for p in &clause.values {
        any = any.or(value_matches(clause, p, value, ctx, variables, unknowns));
        if any == Tri::T {
            break;
        }
    }
    if clause.op.negated { any.not() } else { any }
}

/// A policy value after variable substitution: tokens (wildcards only from the policy text), no
/// value (matches nothing, R59), or unknown.
enum Resolved {
    Toks(Vec<Tok>),
    NoValue,
    Unknown,
}

fn resolve(p: &Sym, ctx: &Context, variables: bool, unknowns: &mut Unknowns) -> Resolved {
    let text = match p {
        Sym::Known(s) => s,
        Sym::Partial(_) => {
            unknowns.hole(&p.to_string());
            return Resolved::Unknown;
        }
    };
    let text_toks = |s: &str, out: &mut Vec<Tok>| {
        out.extend(s.chars().map(|c| match c {
            '*' => Tok::Star { cross: true },
            '?' => Tok::One { cross: true },
            c => Tok::Lit(c),
        }));
    };
    let mut out = Vec::with_capacity(text.len());
    let template = if variables {
        parse_template(text)
    } else {
        None
    };
    let Some(pieces) = template else {
        text_toks(text, &mut out);
        return Resolved::Toks(out);
    };
    for piece in pieces {
        match piece {
            TplPiece::Text(t) => text_toks(&t, &mut out),
            TplPiece::Escaped(c) => out.push(Tok::Lit(c)),
            TplPiece::Var { key, default } => match ctx.get(&key) {
                KeyState::Known(vs) if vs.len() == 1 => {
                    out.extend(vs.iter().flat_map(|v| v.chars()).map(Tok::Lit));
                }
                KeyState::Unknown => {
                    unknowns.key(&key);
                    return Resolved::Unknown;
                }
                _ => match default {
                    Some(d) => out.extend(d.chars().map(Tok::Lit)),
                    None => return Resolved::NoValue,
                },
            },
        }
    }
    Resolved::Toks(out)
}

fn toks_literal(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Lit(c) => *c,
            Tok::Star { .. } => '*',
            Tok::One { .. } => '?',
            Tok::Hole { .. } => '\u{fffd}',
        })
        .collect()
}

fn value_matches(
    clause: &Clause,
    p: &Sym,
    value: &str,
    ctx: &Context,
    variables: bool,
    unknowns: &mut Unknowns,
) -> Tri {
    let kind = clause.op.kind;
    let vars = variables && clause.op.takes_variables();
    if clause.op.takes_variables() {
        let toks = match resolve(p, ctx, vars, unknowns) {
            Resolved::Toks(t) => t,
            Resolved::NoValue => return Tri::F,
            Resolved::Unknown => return Tri::U,
        };
        let m = match kind {
            OpKind::StringLike => toks_match(&toks, value),
            OpKind::ArnLike => arn_like_toks(&toks, value),
            OpKind::StringEqualsIgnoreCase => {
                toks_literal(&toks).to_lowercase() == value.to_lowercase()
            }
            OpKind::Bool => toks_literal(&toks).eq_ignore_ascii_case(value),
            _ => toks_literal(&toks) == value,
        };
        return Tri::from(m);
    }
    let Some(p) = p.known() else {
        unknowns.hole(&p.to_string());
        return Tri::U;
    };
    let m = match kind {
        OpKind::NumericEquals
        | OpKind::NumericLessThan
        | OpKind::NumericLessThanEquals
        | OpKind::NumericGreaterThan
        | OpKind::NumericGreaterThanEquals => match (parse_number(value), parse_number(p)) {
            (Some(v), Some(p)) => compare(kind, v, p),
            _ => false,
        },
        OpKind::DateEquals
        | OpKind::DateLessThan
        | OpKind::DateLessThanEquals
        | OpKind::DateGreaterThan
        | OpKind::DateGreaterThanEquals => match (parse_date(value), parse_date(p)) {
            (Some(v), Some(p)) => compare(kind, v, p),
            _ => false,
        },
        OpKind::IpAddress => ip_in_cidr(value, p),
        _ => p == value,
    };
    Tri::from(m)
}

fn compare(kind: OpKind, v: f64, p: f64) -> bool {
    match kind {
        OpKind::NumericLessThan | OpKind::DateLessThan => v < p,
        OpKind::NumericLessThanEquals | OpKind::DateLessThanEquals => v <= p,
        OpKind::NumericGreaterThan | OpKind::DateGreaterThan => v > p,
        OpKind::NumericGreaterThanEquals | OpKind::DateGreaterThanEquals => v >= p,
        _ => (v - p).abs() < f64::EPSILON * v.abs().max(1.0),
    }
}

fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A date as epoch seconds: ISO 8601 (`2024-01-31`, `2024-01-31T12:00:00Z`, fractions, offsets)
/// or epoch seconds (R50).
#[allow(clippy::cast_precision_loss, clippy::many_single_char_names)] // dates are far below 2^52 seconds
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<f64>().ok();
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) && !part.is_empty() {
            part.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) as f64 * 86_400.0;
    let mut rest = s.get(10..)?;
    if let Some(t) = rest.strip_prefix(['T', 't', ' ']) {
        let h = num_str(t.get(0..2)?)?;
        if t.as_bytes().get(2) != Some(&b':') {
            return None;
        }
        let m = num_str(t.get(3..5)?)?;
        secs += (h * 3600 + m * 60) as f64;
        rest = t.get(5..)?;
        if let Some(r) = rest.strip_prefix(':') {
            let sec = num_str(r.get(0..2)?)?;
            secs += sec as f64;
            rest = r.get(2..)?;
            if let Some(frac) = rest.strip_prefix('.') {
                let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
                let f: f64 = format!("0.{}", frac.get(..digits)?).parse().ok()?;
                secs += f;
                rest = frac.get(digits..)?;
            }
        }
        match rest {
            "" | "Z" | "z" => {}
            _ => {
                let sign = match rest.as_bytes().first() {
                    Some(b'+') => -1.0,
                    Some(b'-') => 1.0,
                    _ => return None,
                };
                let off = rest.get(1..)?.replace(':', "");
                if off.len() != 4 {
                    return None;
                }
                let oh = num_str(off.get(0..2)?)?;
                let om = num_str(off.get(2..4)?)?;
                secs += sign * (oh * 3600 + om * 60) as f64;
            }
        }
    } else if !rest.is_empty() {
        return None;
    }
    Some(secs)
}

fn num_str(s: &str) -> Option<i64> {
    if s.bytes().all(|c| c.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `ip` lies in `cidr` (a bare address is a /32 or /128), IPv4 and IPv6.
pub fn ip_in_cidr(ip: &str, cidr: &str) -> bool {
    let (net, bits) = match cidr.trim().split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr.trim(), None),
    };
    let (Ok(net), Ok(ip)) = (net.parse::<IpAddr>(), ip.trim().parse::<IpAddr>()) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) => {
            let bits = bits.unwrap_or(32);
            if bits > 32 {
                return false;
            }
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) => {
            let bits = bits.unwrap_or(128);
            if bits > 128 {
                return false;
            }
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}
