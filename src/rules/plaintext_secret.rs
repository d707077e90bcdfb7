//! ECS204 plaintext-secret: an `environment` variable with a secret-like name
//! (or a URL with a password in it) that holds a literal value. The heuristics
//! are fixed by SPEC §3.4; the value itself never appears in any output.

use crate::diagnostic::{Diagnostic, Reporter};
use crate::model::task::{EnvVar, TaskDefinition};
use crate::parse::Span;
use crate::rules::Rule;
use crate::source::{FileId, SourceDb, SourceFile};

/// Segments that make a name secret-like when a segment contains them.
const CONTAINED: [&str; 3] = ["PASSWORD", "PASSWD", "SECRET"];
/// Segments that make a name secret-like when a segment equals them.
const EQUAL: [&str; 6] = [
    "PWD",
    "TOKEN",
    "APIKEY",
    "AUTH",
    "CREDENTIAL",
    "CREDENTIALS",
];
/// Adjacent segment pairs that make a name secret-like.
const PAIRS: [(&str, &str); 4] = [
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SECRET", "KEY"),
];
/// A last segment that makes a name not secret-like (it names a reference or a setting).
const EXEMPT_LAST: [&str; 9] = [
    "FILE", "PATH", "TTL", "SECONDS", "ENABLED", "URL", "ARN", "ID", "NAME",
];

/// Whether an environment variable name looks like it holds a secret (SPEC §3.4):
/// split at `_`, `-` and `.`, compared case-insensitively.
pub fn is_secret_like_name(name: &str) -> bool {
    let segments: Vec<String> = name
        .split(['_', '-', '.'])
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let Some(last) = segments.last() else {
        return false;
    };
    if EXEMPT_LAST.contains(&last.as_str()) {
        return false;
    }
    let single = segments
        .iter()
        .any(|s| CONTAINED.iter().any(|c| s.contains(c)) || EQUAL.contains(&s.as_str()));
    let pair = segments
        .windows(2)
        .any(|w| matches!(w, [a, b] if PAIRS.contains(&(a.as_str(), b.as_str()))));
    single || pair
}

/// Whether a value is a number (integer or decimal, optionally signed, with an exponent).
fn is_number(v: &str) -> bool {
    let v = v.strip_prefix(['+', '-']).unwrap_or(v);
    let (mantissa, exponent) = match v.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (v, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((i, f)) => {
            (digits(i) || i.is_empty())
                && (digits(f) || f.is_empty())
                && !(i.is_empty() && f.is_empty())
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// Whether the whole value is one `${...}` placeholder.
fn is_placeholder(v: &str) -> bool {
    v.strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(|inner| !inner.is_empty() && !inner.contains(['{', '}']))
}

/// Whether a value is a literal worth reporting under a secret-like name: not
/// empty, not a number, not `true`/`false`, not a reference (`arn:`, a path under
/// `/run/secrets/` or `/var/run/secrets/`, a `${...}` placeholder).
pub fn is_literal_value(v: &str) -> bool {
    !(v.trim().is_empty()
        || is_number(v)
        || v.eq_ignore_ascii_case("true")
        || v.eq_ignore_ascii_case("false")
        || v.starts_with("arn:")
        || v.starts_with("/run/secrets/")
        || v.starts_with("/var/run/secrets/")
        || is_placeholder(v))
}

/// Whether a value is a URL with a password in it: `scheme://user:pass@host`
/// (the user may be empty; a `${...}` password is a placeholder, not a secret).
pub fn is_url_with_password(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b));
    if !scheme_ok {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return false;
    };
    let Some((_, password)) = userinfo.split_once(':') else {
        return false;
    };
    !password.is_empty() && !is_placeholder(password) && !host.is_empty()
}

/// Why an environment entry is reported, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A secret-like name with a literal value.
    SecretName,
    /// A URL with a password in it, whatever the name.
    UrlPassword,
}

/// Judges one `name`/`value` pair.
pub fn judge(name: &str, value: &str) -> Option<Verdict> {
    if is_url_with_password(value) {
        return Some(Verdict::UrlPassword);
    }
    (is_secret_like_name(name) && is_literal_value(value)).then_some(Verdict::SecretName)
}

/// ECS204 for every `environment` entry of every container of a task definition.
pub fn check_task(task: &TaskDefinition, task_name: &str, reporter: &mut Reporter<'_>) {
    if !reporter.is_enabled(Rule::PlaintextSecret) {
        return;
    }
    for container in &task.containers {
        for env in &container.environment {
            check_entry(env, container.name_str(), task_name, reporter);
        }
    }
}

fn check_entry(
    env: &EnvVar,
    container: Option<&str>,
    task_name: &str,
    reporter: &mut Reporter<'_>,
) {
    // A value with unresolved template holes is a reference to something else.
    let (Some(name), Some(value)) = (
        env.name.as_ref().and_then(|f| f.known()),
        env.value.as_ref(),
    ) else {
        return;
    };
    let Some(text) = value.known() else { return };
    let Some(verdict) = judge(name, text) else {
        return;
    };
    let message = match verdict {
        Verdict::SecretName => format!(
            "the environment variable `{name}` holds a literal value, and its name says it is a secret"
        ),
        Verdict::UrlPassword => {
            format!("the environment variable `{name}` holds a URL with a password in it")
        }
    };
    let d = reporter.report(Rule::PlaintextSecret, value.loc.clone(), message);
    d.task_definition = Some(task_name.to_string());
    d.container = container.map(str::to_string);
    d.with_help(format!(
        "store the value in SSM Parameter Store or Secrets Manager, rotate it, and move the variable to `secrets`: {{\"name\": \"{name}\", \"valueFrom\": \"arn:aws:ssm:REGION:ACCOUNT:parameter/NAME\"}}"
    ));
}

/// A copy of the sources in which the values ECS204 reports are masked with `*`
/// (byte for byte, quotes and line breaks kept, so every offset stays valid), for
/// output that shows source snippets; `None` when nothing needs masking.
pub fn redact_sources(diagnostics: &[Diagnostic], db: &SourceDb) -> Option<SourceDb> {
    let spans: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.rule == Rule::PlaintextSecret)
        .map(|d| (d.primary.file, d.primary.span))
        .collect();
    if spans.is_empty() {
        return None;
    }
    let mut out = SourceDb::new();
    let mut id = 0u32;
    while let Some(file) = db.get(FileId(id)) {
        let own: Vec<Span> = spans
            .iter()
            .filter(|(f, _)| *f == FileId(id))
            .map(|(_, s)| *s)
            .collect();
        // Nothing to mask, or a text that cannot be shown (changed since it was read,
        // so no snippet of it is shown either): the file as it is, not read again.
        if own.is_empty() || !file.has_text() {
            out.push(file.clone());
            id += 1;
            continue;
        }
        let mut bytes = file.text().as_bytes().to_vec();
        for span in &own {
            let (start, end) = (span.start as usize, (span.end as usize).min(bytes.len()));
            let Some(value) = bytes.get_mut(start..end) else {
                continue;
            };
            let quoted = value.len() >= 2
                && matches!(value.first(), Some(b'"' | b'\''))
                && value.first() == value.last();
            let len = value.len();
            for (i, b) in value.iter_mut().enumerate() {
                if !(quoted && (i == 0 || i + 1 == len)) && *b != b'\n' && *b != b'\r' {
                    *b = b'*';
                }
            }
        }
        let text = String::from_utf8(bytes).unwrap_or_default();
        out.push(SourceFile::new(file.name.clone(), text));
        id += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_reported_values_only() {
        let text = "{\"a\": \"pässword\", \"b\": \"keep\"}";
        let mut db = SourceDb::new();
        let file = db.add("td.json", text);
        let start = u32::try_from(text.find("\"p").unwrap()).unwrap();
        let end = u32::try_from(text.find(", \"b").unwrap()).unwrap();
        let settings = crate::diagnostic::RuleSettings::default();
        let mut reporter = Reporter::new(&settings);
        reporter.report(
            Rule::PlaintextSecret,
            crate::diagnostic::Loc::new(file, crate::parse::Span { start, end }, "/a"),
            "x",
        );
        let diagnostics = reporter.into_diagnostics();
        let redacted = redact_sources(&diagnostics, &db).unwrap();
        assert_eq!(
            redacted.text(file),
            "{\"a\": \"*********\", \"b\": \"keep\"}"
        );
        assert_eq!(redacted.text(file).len(), text.len());
        assert_eq!(redacted.name(file), "td.json");
        assert!(redact_sources(&[], &db).is_none());
    }

    #[test]
    fn secret_like_names() {
        for name in [
            "DB_PASSWORD",
            "db_password",
            "MYSQL_ROOT_PASSWD",
            "APP_SECRET",
            "client-secret",
            "PG_PWD",
            "GITHUB_TOKEN",
            "STRIPE_APIKEY",
            "AUTH",
            "BASIC.AUTH",
            "AWS_CREDENTIALS",
            "SERVICE_CREDENTIAL",
            "API_KEY",
            "PRIVATE_KEY",
            "AWS_ACCESS_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "SECRET_KEY_BASE",
            "DATABASE_PASSWORDS",
        ] {
            assert!(is_secret_like_name(name), "{name} should be secret-like");
        }
    }

    #[test]
    fn names_that_are_not_secret_like() {
        for name in [
            "DB_PASSWORD_FILE",
            "TOKEN_TTL",
            "SECRET_NAME",
            "AUTH_ENABLED",
            "SESSION_SECONDS",
            "SECRET_ARN",
            "AWS_ACCESS_KEY_ID",
            "PASSWORD_PATH",
            "TOKEN_URL",
            "LOG_LEVEL",
            "AUTHOR",
            "TOKENS_PER_MINUTE",
            "KEY",
            "API",
            "PWDS",
            "PGPWD",
            "_",
            "",
        ] {
            assert!(
                !is_secret_like_name(name),
                "{name} should not be secret-like"
            );
        }
    }

    #[test]
    fn values_that_are_references_or_settings() {
        for v in [
            "",
            "  ",
            "300",
            "-1",
            "3.14",
            ".5",
            "1e6",
            "true",
            "False",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/db",
            "/run/secrets/db",
            "/var/run/secrets/token",
            "${DB_PASSWORD}",
        ] {
            assert!(!is_literal_value(v), "{v:?} should not be a literal");
        }
        for v in [
            "correct-horse-battery-staple",
            "hunter2",
            "1.2.3",
            "e5",
            "${A}${B}",
            "/etc/secret",
            "yes",
        ] {
            assert!(is_literal_value(v), "{v:?} should be a literal");
        }
    }

    #[test]
    fn urls_with_passwords() {
        assert!(is_url_with_password(
            "postgres://app:s3cret@db.internal:5432/app"
        ));
        assert!(is_url_with_password("redis://:s3cret@cache:6379"));
        assert!(is_url_with_password("amqp://user:pa:ss@mq/vhost"));
        assert!(!is_url_with_password("postgres://app@db.internal/app"));
        assert!(!is_url_with_password("https://example.com/a:b@c"));
        assert!(!is_url_with_password(
            "postgres://app:${DB_PASSWORD}@db/app"
        ));
        assert!(!is_url_with_password("postgres://app:@db/app"));
        assert!(!is_url_with_password("not a url: x:y@z"));
        assert!(!is_url_with_password("1http://a:b@c"));
    }

    #[test]
    fn judge_combines_name_and_value() {
        assert_eq!(
            judge("DB_PASSWORD", "correct-horse"),
            Some(Verdict::SecretName)
        );
        assert_eq!(judge("DB_PASSWORD_FILE", "/run/secrets/db"), None);
        assert_eq!(judge("TOKEN_TTL", "300"), None);
        assert_eq!(judge("SECRET_NAME", "x"), None);
        assert_eq!(judge("AUTH_ENABLED", "true"), None);
        assert_eq!(judge("DB_PASSWORD", "${DB_PASSWORD}"), None);
        // A URL with a password is reported whatever the name, even an exempt one.
        assert_eq!(
            judge("DATABASE_URL", "postgres://u:p@h/db"),
            Some(Verdict::UrlPassword)
        );
        assert_eq!(judge("DATABASE_URL", "postgres://h/db"), None);
    }
}
