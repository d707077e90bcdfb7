//! Policy variables (R57–R61): `${aws:username}`, defaults `${key, 'default'}`, escapes `${*}`,
//! `${?}`, `${$}`.

/// One piece of a string that may contain policy variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TplPiece {
    /// Policy text (wildcards in it keep their meaning).
    Text(String),
    /// Text produced by an escape (`${*}` gives `*`): always literal.
    Escaped(char),
    /// A variable: the context key (as written) and an optional default.
    Var {
        key: String,
        default: Option<String>,
    },
}

/// Splits `text` into text, escapes and variables. `None` when it contains no `${`.
/// An unterminated `${` is kept as text.
pub fn parse_template(text: &str) -> Option<Vec<TplPiece>> {
    if !text.contains("${") {
        return None;
    }
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let (before, after) = rest.split_at(at);
        lit.push_str(before);
        let body_start = &after[2..];
        let Some(close) = body_start.find('}') else {
            lit.push_str(after);
            rest = "";
            break;
        };
        let body = &body_start[..close];
        rest = &body_start[close + 1..];
        if !lit.is_empty() {
            out.push(TplPiece::Text(std::mem::take(&mut lit)));
        }
        match body {
            "*" => out.push(TplPiece::Escaped('*')),
            "?" => out.push(TplPiece::Escaped('?')),
            "$" => out.push(TplPiece::Escaped('$')),
            _ => out.push(parse_var(body)),
        }
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        out.push(TplPiece::Text(lit));
    }
    Some(out)
}

/// `key` or `key, 'default'` (R60).
fn parse_var(body: &str) -> TplPiece {
    if let Some((key, default)) = body.split_once(',') {
        let default = default.trim();
        let default = default
            .strip_prefix('\'')
            .and_then(|d| d.strip_suffix('\''))
            .map(str::to_string);
        TplPiece::Var {
            key: key.trim().to_string(),
            default,
        }
    } else {
        TplPiece::Var {
            key: body.trim().to_string(),
            default: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r60_defaults_and_escapes_parse() {
        let t = parse_template("a/${aws:PrincipalTag/team, 'company-wide'}/${*}${?}${$}").unwrap();
        assert_eq!(
            t,
            vec![
                TplPiece::Text("a/".into()),
                TplPiece::Var {
                    key: "aws:PrincipalTag/team".into(),
                    default: Some("company-wide".into())
                },
                TplPiece::Text("/".into()),
                TplPiece::Escaped('*'),
                TplPiece::Escaped('?'),
                TplPiece::Escaped('$'),
            ]
        );
        assert_eq!(parse_template("plain"), None);
        assert_eq!(
            parse_template("x${open"),
            Some(vec![TplPiece::Text("x${open".into())])
        );
    }
}
