//! Reading one call's options: the `session` literal and the sources it names, or why it
//! cannot be read.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::{Reader, SessionSource, Unreadable};

impl Reader<'_> {
    /// The sources of one `createApp(options)` call, added only when all of them can be read.
    pub(super) fn create_app(&mut self, call: &CallExpression) -> Result<(), Unreadable> {
        let Some(argument) = call.arguments.first() else {
            return Ok(());
        };
        let options = match argument
            .as_expression()
            .map(Expression::get_inner_expression)
        {
            Some(Expression::ObjectExpression(options)) => options,
            _ => {
                return Err(Unreadable(
                    argument.span(),
                    "the options of `createApp` are not an object literal".into(),
                ))
            }
        };
        // The last `session` wins, unless a spread or computed key after it may replace it.
        let mut session = None;
        let mut unknown = None;
        for property in &options.properties {
            match property {
                ObjectPropertyKind::SpreadProperty(s) => unknown = Some(s.span),
                ObjectPropertyKind::ObjectProperty(p) => match p.key.static_name() {
                    Some(name) if name == "session" => {
                        session = Some(&**p);
                        unknown = None;
                    }
                    Some(_) => {}
                    None => unknown = Some(p.span),
                },
            }
        }
        if let Some(span) = unknown {
            return Err(Unreadable(
                span,
                "this spread or computed key in the options of `createApp` may set `session`"
                    .into(),
            ));
        }
        let Some(session) = session else {
            return Ok(());
        };
        let sources = match session.value.get_inner_expression() {
            _ if session.kind != PropertyKind::Init || session.method => {
                return Err(Unreadable(
                    session.span,
                    "`session` is not a plain property".into(),
                ))
            }
            value if is_nothing(value) => Vec::new(),
            Expression::ObjectExpression(object) => self.session(object)?,
            value => {
                return Err(Unreadable(
                    value.span(),
                    "`session` of `createApp` is not an object literal".into(),
                ))
            }
        };
        self.out.sources.extend(sources);
        Ok(())
    }

    /// The sources of a `session: { … }` literal.
    fn session(&mut self, object: &ObjectExpression) -> Result<Vec<SessionSource>, Unreadable> {
        let mut sources = Vec::new();
        for (name, value) in properties(object, "session")? {
            match name.as_str() {
                "jwt" => sources.push(SessionSource::Bearer),
                "jwtCookie" => sources.push(SessionSource::Cookie(literal(value, "jwtCookie")?)),
                "signedCookie" => {
                    let cookie = as_object(value, "signedCookie")?;
                    let cookie_name = properties(cookie, "signedCookie")?
                        .into_iter()
                        .find(|(key, _)| key == "name");
                    match cookie_name {
                        Some((_, value)) => sources
                            .push(SessionSource::Cookie(literal(value, "signedCookie.name")?)),
                        None => {
                            return Err(Unreadable(
                                cookie.span,
                                "`session.signedCookie` has no `name`".into(),
                            ))
                        }
                    }
                }
                "apiKey" => {
                    let api_key = as_object(value, "apiKey")?;
                    let mut found = false;
                    for (key, value) in properties(api_key, "apiKey")? {
                        match key.as_str() {
                            "header" => sources.push(SessionSource::ApiKeyHeader(
                                literal(value, "apiKey.header")?.to_ascii_lowercase(),
                            )),
                            "query" => sources
                                .push(SessionSource::ApiKeyQuery(literal(value, "apiKey.query")?)),
                            _ => continue,
                        }
                        found = true;
                    }
                    if !found {
                        // The engine refuses it at start-up: no source, and say why.
                        self.warn(api_key.span, "`session.apiKey` has neither `header` nor `query`, which the engine refuses at start-up; no API key scheme is listed");
                    }
                }
                // `jwtQuery` is read on WebSocket upgrades only; `setCookie` is not a source.
                _ => {}
            }
        }
        Ok(sources)
    }
}

/// The properties of an object literal whose value is set (not `undefined` or `null`), by
/// name; a spread, a computed key, a getter or a method cannot be read.
fn properties<'o, 'a>(
    object: &'o ObjectExpression<'a>,
    what: &str,
) -> Result<Vec<(String, &'o Expression<'a>)>, Unreadable> {
    let mut out = Vec::new();
    for property in &object.properties {
        let unreadable = |span| {
            Unreadable(span, format!("`{what}` has a spread, a computed key or a method, which the generator cannot read"))
        };
        let ObjectPropertyKind::ObjectProperty(p) = property else {
            return Err(unreadable(property.span()));
        };
        let Some(name) = p.key.static_name() else {
            return Err(unreadable(p.span));
        };
        if p.kind != PropertyKind::Init || p.method {
            return Err(unreadable(p.span));
        }
        let value = p.value.get_inner_expression();
        if !is_nothing(value) {
            out.push((name.into_owned(), value));
        }
    }
    Ok(out)
}

fn as_object<'o, 'a>(
    value: &'o Expression<'a>,
    what: &str,
) -> Result<&'o ObjectExpression<'a>, Unreadable> {
    match value {
        Expression::ObjectExpression(object) => Ok(object),
        other => Err(Unreadable(
            other.span(),
            format!("`session.{what}` is not an object literal"),
        )),
    }
}

/// A string literal (or a template without `${}`).
fn literal(value: &Expression, what: &str) -> Result<String, Unreadable> {
    match value {
        Expression::StringLiteral(s) => Ok(s.value.to_string()),
        Expression::TemplateLiteral(t) if t.single_quasi().is_some() => {
            Ok(t.single_quasi().map(|q| q.to_string()).unwrap_or_default())
        }
        other => Err(Unreadable(
            other.span(),
            format!("`session.{what}` is not a string literal"),
        )),
    }
}

/// `undefined` or `null`: the option is not set.
fn is_nothing(value: &Expression) -> bool {
    matches!(value, Expression::NullLiteral(_))
        || matches!(value, Expression::Identifier(id) if id.name == "undefined")
}
