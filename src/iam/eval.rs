//! The decision for one request (R31–R41, R62–R65).

use super::condition::eval_block;
use super::matcher::{Pattern, RequestText, Tok};
use super::variables::TplPiece;
use super::{Tri, Unknowns};
use crate::diagnostic::Decision;
use crate::model::Sym;
use crate::model::policy::{Compiled, Effect, Entry, Policy, Statement, Targets};

/// What is known about one condition key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyState {
    /// Not in the request context.
    Absent,
    /// Present with these values (one value for a single-valued key).
    Known(Vec<String>),
    /// Presence and value unknown offline.
    Unknown,
}

/// The request context: condition keys (case-insensitive, R47) and a default for keys not given.
///
/// A request knows a handful of keys, so they are kept in a list, lower-cased, and looked up
/// by a scan that ignores case: no hashing and no lower-cased copy per lookup.
#[derive(Debug, Clone)]
pub struct Context {
    keys: Vec<(String, KeyState)>,
    default: KeyState,
}

impl Context {
    /// Keys not given are absent (`simulate`, as in AWS).
    pub fn absent_by_default() -> Context {
        Context {
            keys: Vec::new(),
            default: KeyState::Absent,
        }
    }

    /// Keys not given are unknown (`check`, offline).
    pub fn unknown_by_default() -> Context {
        Context {
            keys: Vec::new(),
            default: KeyState::Unknown,
        }
    }

    /// Builds a context from `key=value` pairs; a key given twice is multi-valued.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        default: KeyState,
    ) -> Context {
        let mut ctx = Context {
            keys: Vec::new(),
            default,
        };
        for (k, v) in pairs {
            ctx.add_value(k, v);
        }
        ctx
    }

    fn slot(&mut self, key: &str) -> Option<&mut KeyState> {
        self.keys
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, s)| s)
    }

    /// Sets the state of a key.
    pub fn set(&mut self, key: &str, state: KeyState) {
        match self.slot(key) {
            Some(s) => *s = state,
            None => self.keys.push((key.to_ascii_lowercase(), state)),
        }
    }

    /// Adds one value to a key (making it known).
    pub fn add_value(&mut self, key: &str, value: &str) {
        match self.slot(key) {
            Some(KeyState::Known(vs)) => vs.push(value.to_string()),
            Some(other) => *other = KeyState::Known(vec![value.to_string()]),
            None => self.keys.push((
                key.to_ascii_lowercase(),
                KeyState::Known(vec![value.to_string()]),
            )),
        }
    }

    /// The state of a key (case-insensitive).
    pub fn get(&self, key: &str) -> &KeyState {
        self.keys
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map_or(&self.default, |(_, s)| s)
    }
}

/// One request.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `service:Action`.
    pub action: &'a str,
    /// The resource ARN, `*` for wildcard-only actions (R20), possibly with unknown holes.
    pub resource: &'a Sym,
    pub context: &'a Context,
}

/// A KMS key policy (R40), split by the caller by principal: statements that name the role
/// directly, and statements that name the account root (they enable IAM policies).
#[derive(Debug, Clone, Copy)]
pub struct KeyPolicy<'a> {
    pub direct: &'a [&'a Policy],
    pub enables_iam: &'a [&'a Policy],
}

/// The policies that take part in a decision.
///
/// `identity` grants; `boundary` caps (R41). The other fields are the extension points for
/// `check`: `resource` is a same-account resource policy's statements that name the role
/// (union with identity, still capped by the boundary, R37/R38); `key_policy` is a KMS key
/// policy (R40). Principal matching is the caller's job: pass only the statements that apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layers<'a> {
    pub identity: &'a [&'a Policy],
    pub boundary: Option<&'a [&'a Policy]>,
    pub resource: &'a [&'a Policy],
    pub key_policy: Option<KeyPolicy<'a>>,
    /// The resource is in another account than the principal (R39): its resource
    /// policy must allow too. `Some(reason)` when that policy is not known: the
    /// identity grant then allows at most as Unknown, with `reason` as the doubt.
    pub cross_account: Option<&'a str>,
}

/// Which layer a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayerKind {
    Identity,
    Boundary,
    Resource,
    /// `KeyPolicy::direct`.
    KeyDirect,
    /// `KeyPolicy::enables_iam`.
    KeyEnablesIam,
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub layer: LayerKind,
    /// Index into the layer's policy slice.
    pub policy: usize,
    /// Index into that policy's `statements`.
    pub statement: usize,
    pub effect: Effect,
    /// `false` when the statement applies only under unknown conditions.
    pub certain: bool,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// The statements that decided it: the applicable Denies for explicitly-denied, the
    /// applicable Allows of every layer for allowed, both (certain or not) for conditional,
    /// none for implicitly-denied.
    pub matched: Vec<Matched>,
    /// What a conditional result depends on (empty otherwise).
    pub unknowns: Unknowns,
}

/// One statement's applicability and what it depended on.
struct Applied {
    layer: LayerKind,
    policy: usize,
    statement: usize,
    effect: Effect,
    tri: Tri,
    unknowns: Unknowns,
}

/// Decides one request (R36, R41, R64).
pub fn evaluate(layers: &Layers, request: &Request) -> Evaluation {
    // R64b: no permission is needed for sts:GetCallerIdentity.
    if request.action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        return Evaluation {
            decision: Decision::Allowed,
            matched: Vec::new(),
            unknowns: Unknowns::default(),
        };
    }
    let text = RequestText::new(request.resource);
    let mut applied: Vec<Applied> = Vec::new();
    let mut collect = |layer: LayerKind, policies: &[&Policy]| {
        for (pi, policy) in policies.iter().enumerate() {
            for (si, st) in policy.statements.iter().enumerate() {
                let mut unknowns = Unknowns::default();
                let tri = statement_applies(st, policy, request, &text, &mut unknowns);
                if tri != Tri::F {
                    applied.push(Applied {
                        layer,
                        policy: pi,
                        statement: si,
                        effect: st.effect,
                        tri,
                        unknowns,
                    });
                }
            }
        }
    };
    collect(LayerKind::Identity, layers.identity);
    if let Some(b) = layers.boundary {
        collect(LayerKind::Boundary, b);
    }
    collect(LayerKind::Resource, layers.resource);
    if let Some(k) = layers.key_policy {
        collect(LayerKind::KeyDirect, k.direct);
        collect(LayerKind::KeyEnablesIam, k.enables_iam);
    }
    let any = |layer: Option<LayerKind>, effect: Effect| {
        applied
            .iter()
            .filter(|a| a.effect == effect && layer.is_none_or(|l| a.layer == l))
            .fold(Tri::F, |acc, a| acc.or(a.tri))
    };
    let deny = any(None, Effect::Deny);
    let identity = any(Some(LayerKind::Identity), Effect::Allow);
    let resource = any(Some(LayerKind::Resource), Effect::Allow);
    let mut grant = identity.or(resource);
    if let Some(_k) = layers.key_policy {
        // R40: the key policy must allow, directly or by enabling IAM policies.
        let direct = any(Some(LayerKind::KeyDirect), Effect::Allow);
        let via_iam = any(Some(LayerKind::KeyEnablesIam), Effect::Allow).and(grant);
        grant = direct.or(via_iam);
    }
    let cap = match layers.boundary {
        Some(_) => any(Some(LayerKind::Boundary), Effect::Allow),
        None => Tri::T,
    };
    let mut cross_doubt = None;
    if let Some(reason) = layers.cross_account
        && layers.key_policy.is_none()
        && grant == Tri::T
    {
        // R39: identity and the other account's resource policy must both allow; the latter is unknown.
        grant = Tri::U;
        cross_doubt = Some(reason);
    }
    let allowed = grant.and(cap).and(deny.not());
    let (decision, keep): (Decision, fn(&Applied) -> bool) = if deny == Tri::T {
        (Decision::ExplicitlyDenied, |a| {
            a.effect == Effect::Deny && a.tri == Tri::T
        })
    } else {
        match allowed {
            Tri::T => (Decision::Allowed, |a| {
                a.effect == Effect::Allow && a.tri == Tri::T
            }),
            Tri::U => (Decision::Conditional, |_| true),
            Tri::F => (Decision::ImplicitlyDenied, |_| false),
        }
    };
    let mut unknowns = Unknowns::default();
    if decision == Decision::Conditional
        && let Some(reason) = cross_doubt
    {
        unknowns.presence(reason);
    }
    let mut matched = Vec::new();
    for a in &applied {
        if keep(a) {
            if decision == Decision::Conditional {
                unknowns.extend(&a.unknowns);
            }
            matched.push(Matched {
                layer: a.layer,
                policy: a.policy,
                statement: a.statement,
                effect: a.effect,
                certain: a.tri == Tri::T,
            });
        }
    }
    Evaluation {
        decision,
        matched,
        unknowns,
    }
}

/// Whether one statement applies: action ∧ resource ∧ condition ∧ presence (R31, R63).
pub fn statement_applies(
    st: &Statement,
    policy: &Policy,
    request: &Request,
    text: &RequestText,
    unknowns: &mut Unknowns,
) -> Tri {
    let mut t = action_part(&st.action, request.action, unknowns);
    if t == Tri::F {
        return t;
    }
    t = t.and(resource_part(
        &st.resource,
        request,
        text,
        policy.variables_enabled(),
        unknowns,
    ));
    if t == Tri::F {
        return t;
    }
    if let Some(c) = &st.condition {
        t = t.and(eval_block(
            c,
            request.context,
            policy.variables_enabled(),
            unknowns,
        ));
    }
    if let Some(reason) = &st.presence
        && t != Tri::F
    {
        unknowns.presence(reason);
        t = t.and(Tri::U);
    }
    t
}

/// `Action` is an OR of its patterns; `NotAction` its negation (R18).
fn action_part(targets: &Targets, action: &str, unknowns: &mut Unknowns) -> Tri {
    let mut any = Tri::F;
    for e in &targets.entries {
        let m = if let Some(m) = e.matches_action(action) {
            Tri::from(m)
        } else {
            for h in e.value.holes() {
                unknowns.hole(h);
            }
            Tri::U
        };
        any = any.or(m);
        if any == Tri::T {
            break;
        }
    }
    if targets.negated { any.not() } else { any }
}

/// `Resource` is an OR of its patterns; `NotResource` excludes their union (R29).
fn resource_part(
    targets: &Targets,
    request: &Request,
    text: &RequestText,
    variables: bool,
    unknowns: &mut Unknowns,
) -> Tri {
    let star_request = request.resource.known() == Some("*");
    let mut any = Tri::F;
    for e in &targets.entries {
        let m = if star_request {
            star_entry(e)
        } else {
            entry_matches(e, request, text, variables, unknowns)
        };
        any = any.or(m);
        if any == Tri::T {
            break;
        }
    }
    if targets.negated { any.not() } else { any }
}

/// R20: the pseudo-resource `*` is matched only by the literal `*`.
fn star_entry(e: &Entry) -> Tri {
    match &e.value {
        Sym::Known(s) => Tri::from(s == "*"),
        Sym::Partial(pieces) => {
            let only_stars = pieces.iter().all(|p| match p {
                crate::parse::Piece::Lit(l) => l.chars().all(|c| c == '*'),
                crate::parse::Piece::Hole(_) => true,
            });
            if only_stars { Tri::U } else { Tri::F }
        }
    }
}

fn entry_matches(
    e: &Entry,
    request: &Request,
    text: &RequestText,
    variables: bool,
    unknowns: &mut Unknowns,
) -> Tri {
    if let Some(p) = e.pattern() {
        let m = p.matches_request(text);
        if m == Tri::U {
            // Only what made the match uncertain: the holes on either side.
            for h in e.value.holes().into_iter().chain(request.resource.holes()) {
                unknowns.hole(h);
            }
        }
        return m;
    }
    match &e.compiled {
        Compiled::Template(tpl) if variables => match substitute(tpl, request, unknowns) {
            Some(p) => p.matches_request(text),
            // R59: a variable with no value matches nothing.
            None => Tri::F,
        },
        Compiled::Pattern(_) | Compiled::Template(_) | Compiled::Action { .. } => {
            Pattern::resource_sym(&e.value).matches_request(text)
        }
    }
}

/// Substitutes the variables of a resource template (R58–R60): wildcards of the policy text keep
/// their R22 meaning, substituted values are literal, unknown values are holes. `None` when a
/// variable has no value and no default.
fn substitute(tpl: &[TplPiece], request: &Request, unknowns: &mut Unknowns) -> Option<Pattern> {
    // Expand to a stream of (char, wildcard-capable) or holes, then tokenise with R22's rule.
    let mut stream: Vec<Option<(char, bool)>> = Vec::new();
    for piece in tpl {
        match piece {
            TplPiece::Text(t) => stream.extend(t.chars().map(|c| Some((c, true)))),
            TplPiece::Escaped(c) => stream.push(Some((*c, false))),
            TplPiece::Var { key, default } => match request.context.get(key) {
                super::KeyState::Known(vs) if vs.len() == 1 => {
                    stream.extend(vs.iter().flat_map(|v| v.chars()).map(|c| Some((c, false))));
                }
                super::KeyState::Unknown => {
                    unknowns.key(key);
                    stream.push(None);
                }
                _ => match default {
                    Some(d) => stream.extend(d.chars().map(|c| Some((c, false)))),
                    None => return None,
                },
            },
        }
    }
    let mut toks = Vec::with_capacity(stream.len());
    let mut segment = 0usize;
    for (i, item) in stream.iter().enumerate() {
        match item {
            None => toks.push(Tok::Hole {
                label: 0,
                colon_free: segment < 5,
            }),
            Some((':', _)) => {
                segment += 1;
                toks.push(Tok::Lit(':'));
            }
            Some(('*', true)) => {
                let ends = matches!(stream.get(i + 1), None | Some(Some((':', _))));
                toks.push(Tok::Star { cross: ends });
            }
            Some(('?', true)) => toks.push(Tok::One {
                cross: segment >= 5,
            }),
            Some((c, _)) => toks.push(Tok::Lit(*c)),
        }
    }
    Some(Pattern::from_toks(toks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_keys_ignore_case() {
        let mut cx = Context::unknown_by_default();
        cx.add_value("aws:PrincipalAccount", "111122223333");
        cx.add_value("AWS:principalaccount", "444455556666");
        cx.set("aws:username", KeyState::Absent);
        cx.set("AWS:UserName", KeyState::Unknown);
        assert_eq!(
            cx.get("aws:principalaccount"),
            &KeyState::Known(vec!["111122223333".to_string(), "444455556666".to_string()])
        );
        assert_eq!(cx.get("aws:UserName"), &KeyState::Unknown);
        assert_eq!(cx.get("aws:SourceVpc"), &KeyState::Unknown);
        cx.add_value("aws:username", "bob");
        assert_eq!(
            cx.get("AWS:USERNAME"),
            &KeyState::Known(vec!["bob".to_string()])
        );
        let cx = Context::from_pairs([("k", "1")], KeyState::Absent);
        assert_eq!(cx.get("K"), &KeyState::Known(vec!["1".to_string()]));
        assert_eq!(cx.get("other"), &KeyState::Absent);
    }
}
