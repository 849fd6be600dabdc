//! The app's session sources, read statically from the `session` option of its
//! `createApp({ … })` call(s): the generator runs without the app, and the OpenAPI document's
//! security schemes must be the sources the engine will read.
//!
//! Only literals are read. An option the generator cannot read (a variable, a spread, a
//! computed key) is a warning naming file:line:column, and that call contributes no source:
//! listing schemes the app may not have, or missing one it has, would both mislead.

use std::fmt::Write;

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_parser::Parser;
use oxc_span::{GetSpan, Span};

use crate::diagnostics::line_col;
use crate::parse::source_type_of;

/// A session source the engine reads on HTTP requests. The order is the engine's: bearer,
/// then the session cookie, then the API key header, then its query parameter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SessionSource {
    /// `Authorization: Bearer <JWT>` (`session.jwt`).
    Bearer,
    /// The session cookie: a JWT (`session.jwtCookie`) or signed (`session.signedCookie.name`).
    Cookie(String),
    /// An API key in this header (`session.apiKey.header`, lower-case as the engine reads it).
    ApiKeyHeader(String),
    /// An API key in this query parameter (`session.apiKey.query`).
    ApiKeyQuery(String),
}

/// What the `createApp` calls of a project configure.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AppSessions {
    /// Every source of every readable call, once each, in the engine's order.
    pub sources: Vec<SessionSource>,
    /// Rendered warnings (`warning[PIKKU_OPENAPI_SESSION]: …`).
    pub warnings: Vec<String>,
}

const CODE: &str = "PIKKU_OPENAPI_SESSION";
const HELP: &str = "write the session sources as literals in the createApp call, e.g. `createApp({ metadata, session: { jwt: jwtOptions, apiKey: { header: 'x-api-key', keys } } })`; the values of `jwt` and `keys` may be variables";

/// Reads the `createApp` calls of `files` (display path, text).
pub fn session_sources<'f>(files: impl IntoIterator<Item = (&'f str, &'f str)>) -> AppSessions {
    let mut out = AppSessions::default();
    for (path, text) in files {
        // Most files never mention it: they are not parsed a second time.
        if !text.contains("createApp") {
            continue;
        }
        let allocator = Allocator::default();
        let parsed = Parser::new(&allocator, text, source_type_of(path)).parse();
        let mut reader = Reader {
            path,
            text,
            names: vec!["createApp".to_owned()],
            namespaces: Vec::new(),
            out: &mut out,
        };
        reader.imports(&parsed.program.body);
        reader.statements(&parsed.program.body);
    }
    out.sources.sort();
    out.sources.dedup();
    out
}

struct Reader<'r> {
    path: &'r str,
    text: &'r str,
    /// Local names of `createApp` (`import { createApp as makeApp } from '@pikku/native'`).
    names: Vec<String>,
    /// Namespace imports of the package (`import * as pikku from '@pikku/native'`).
    namespaces: Vec<String>,
    out: &'r mut AppSessions,
}

/// Why one call's session sources cannot be read: where, and what.
struct Unreadable(Span, String);

impl Reader<'_> {
    fn imports(&mut self, body: &[Statement]) {
        for statement in body {
            let Statement::ImportDeclaration(import) = statement else {
                continue;
            };
            if !import.source.value.starts_with("@pikku/native") {
                continue;
            }
            for spec in import.specifiers.iter().flatten() {
                match spec {
                    ImportDeclarationSpecifier::ImportSpecifier(s)
                        if s.imported.name() == "createApp" =>
                    {
                        self.names.push(s.local.name.to_string());
                    }
                    ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                        self.namespaces.push(s.local.name.to_string());
                    }
                    _ => {}
                }
            }
        }
    }

    fn statements(&mut self, statements: &[Statement]) {
        for statement in statements {
            self.statement(statement);
        }
    }

    /// Walks every place a call can be: `createApp` is often inside `main()` or a factory.
    fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::ExpressionStatement(s) => self.expression(&s.expression),
            Statement::BlockStatement(b) => self.statements(&b.body),
            Statement::IfStatement(s) => {
                self.expression(&s.test);
                self.statement(&s.consequent);
                if let Some(alternate) = &s.alternate {
                    self.statement(alternate);
                }
            }
            Statement::TryStatement(s) => {
                self.statements(&s.block.body);
                if let Some(handler) = &s.handler {
                    self.statements(&handler.body.body);
                }
                if let Some(finalizer) = &s.finalizer {
                    self.statements(&finalizer.body);
                }
            }
            Statement::ReturnStatement(s) => {
                if let Some(argument) = &s.argument {
                    self.expression(argument);
                }
            }
            Statement::LabeledStatement(s) => self.statement(&s.body),
            Statement::ForStatement(s) => self.statement(&s.body),
            Statement::ForOfStatement(s) => self.statement(&s.body),
            Statement::ForInStatement(s) => self.statement(&s.body),
            Statement::WhileStatement(s) => self.statement(&s.body),
            Statement::DoWhileStatement(s) => self.statement(&s.body),
            Statement::SwitchStatement(s) => {
                for case in &s.cases {
                    self.statements(&case.consequent);
                }
            }
            Statement::ExportDeclaration(e) => self.declaration(&e.declaration),
            Statement::ExportDefaultDeclaration(e) => match &e.declaration {
                ExportDefaultDeclarationKind::FunctionDeclaration(f) => self.function(f),
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                    }
                }
            },
            other => {
                if let Some(declaration) = other.as_declaration() {
                    self.declaration(declaration);
                }
            }
        }
    }

    fn declaration(&mut self, declaration: &Declaration) {
        match declaration {
            Declaration::VariableDeclaration(d) => {
                for init in d.declarations.iter().filter_map(|d| d.init.as_ref()) {
                    self.expression(init);
                }
            }
            Declaration::FunctionDeclaration(f) => self.function(f),
            _ => {}
        }
    }

    fn function(&mut self, function: &Function) {
        if let Some(body) = &function.body {
            self.statements(&body.statements);
        }
    }

    fn expression(&mut self, expression: &Expression) {
        match expression.get_inner_expression() {
            Expression::CallExpression(call) => {
                if self.is_create_app(&call.callee) {
                    if let Err(Unreadable(span, what)) = self.create_app(call) {
                        let message = format!("{what}; the OpenAPI document lists no security schemes from this `createApp` call");
                        self.warn(span, &message);
                    }
                }
                self.expression(&call.callee);
                self.arguments(&call.arguments);
            }
            Expression::NewExpression(e) => self.arguments(&e.arguments),
            Expression::AwaitExpression(e) => self.expression(&e.argument),
            Expression::ArrowFunctionExpression(f) => match &f.body {
                ArrowFunctionBody::FunctionBody(body) => self.statements(&body.statements),
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                    }
                }
            },
            Expression::FunctionExpression(f) => self.function(f),
            Expression::AssignmentExpression(e) => self.expression(&e.right),
            Expression::ConditionalExpression(e) => {
                self.expression(&e.consequent);
                self.expression(&e.alternate);
            }
            Expression::LogicalExpression(e) => {
                self.expression(&e.left);
                self.expression(&e.right);
            }
            Expression::SequenceExpression(e) => {
                for expression in &e.expressions {
                    self.expression(expression);
                }
            }
            Expression::ObjectExpression(o) => {
                for property in &o.properties {
                    match property {
                        ObjectPropertyKind::ObjectProperty(p) => self.expression(&p.value),
                        ObjectPropertyKind::SpreadProperty(s) => self.expression(&s.argument),
                    }
                }
            }
            Expression::ArrayExpression(a) => {
                for element in &a.elements {
                    match element {
                        ArrayExpressionElement::SpreadElement(s) => self.expression(&s.argument),
                        other => {
                            if let Some(expression) = other.as_expression() {
                                self.expression(expression);
                            }
                        }
                    }
                }
            }
            // `createApp({ … }).routes()`
            Expression::StaticMemberExpression(e) => self.expression(&e.object),
            Expression::ComputedMemberExpression(e) => self.expression(&e.object),
            _ => {}
        }
    }

    fn arguments(&mut self, arguments: &[Argument]) {
        for argument in arguments {
            match argument {
                Argument::SpreadElement(s) => self.expression(&s.argument),
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                    }
                }
            }
        }
    }

    fn is_create_app(&self, callee: &Expression) -> bool {
        match callee.get_inner_expression() {
            Expression::Identifier(id) => self.names.iter().any(|n| n == id.name.as_str()),
            Expression::StaticMemberExpression(m) => {
                m.property.name == "createApp"
                    && matches!(m.object.get_inner_expression(), Expression::Identifier(ns) if self.namespaces.iter().any(|n| n == ns.name.as_str()))
            }
            _ => false,
        }
    }

    /// The sources of one `createApp(options)` call, added only when all of them can be read.
    fn create_app(&mut self, call: &CallExpression) -> Result<(), Unreadable> {
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

    fn warn(&mut self, span: Span, message: &str) {
        let (line, column) = line_col(self.text, span.start);
        let mut warning = String::new();
        let _ = writeln!(warning, "warning[{CODE}]: {message}");
        let _ = writeln!(warning, "   --> {}:{line}:{column}", self.path);
        if let Some(source_line) = self.text.lines().nth(line - 1) {
            let _ = writeln!(
                warning,
                "    |\n{line:>3} | {source_line}\n    | {}^",
                " ".repeat(column - 1)
            );
        }
        let _ = write!(warning, "    = help: {HELP}");
        self.out.warnings.push(warning);
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

#[cfg(test)]
mod tests {
    use super::SessionSource::*;
    use super::*;

    fn read(text: &str) -> AppSessions {
        session_sources([("src/app.ts", text)])
    }

    #[test]
    fn reads_every_source_kind_with_its_names() {
        let app = read(
            "import { createApp } from '@pikku/native'
            const keys = [{ key: 'k'.repeat(16), session: {} }]
            export const app = createApp({
              metadata: '.pikku/pikku-meta.gen.json',
              session: {
                apiKey: { header: 'X-Key', query: `token`, keys },
                jwt: { algorithm: 'HS256', secret: process.env.SECRET },
                jwtCookie: 'sid',
                jwtQuery: 'access_token',
              },
            })",
        );
        assert_eq!(app.warnings, Vec::<String>::new());
        assert_eq!(
            app.sources,
            [
                Bearer,
                Cookie("sid".into()),
                ApiKeyHeader("x-key".into()),
                ApiKeyQuery("token".into())
            ]
        );
        let signed =
            read("createApp({ session: { signedCookie: { name: 'app_session', secrets } } })");
        assert_eq!(signed.sources, [Cookie("app_session".into())]);
    }

    #[test]
    fn no_create_app_or_no_session_is_no_source() {
        for text in [
            "export const x = 1",
            "const app = createApp({ metadata })",
            "const app = createApp()",
            "createApp({ metadata, session: undefined })",
            "createApp({ session: {} })",
        ] {
            assert_eq!(read(text), AppSessions::default(), "{text}");
        }
    }

    #[test]
    fn finds_calls_anywhere_and_joins_them() {
        let app = read(
            "import { createApp as makeApp } from '@pikku/native'
            import * as pikku from '@pikku/native'
            async function main() {
              const server = createServer(createRequestListener(makeApp({ session: { jwt } })))
              try { await start(() => pikku.createApp({ session: { apiKey: { header: 'x-api-key', keys } } })) } finally {}
            }
            export default (createApp({ session: { jwt, jwtCookie: 'a' } }) as App)",
        );
        assert_eq!(app.warnings, Vec::<String>::new());
        assert_eq!(
            app.sources,
            [Bearer, Cookie("a".into()), ApiKeyHeader("x-api-key".into())]
        );
    }

    #[test]
    fn warns_at_what_it_cannot_read_and_lists_nothing_for_that_call() {
        for (text, what, at) in [
            (
                "createApp(options)",
                "options of `createApp` are not",
                "1:11",
            ),
            (
                "createApp({ session })",
                "`session` of `createApp` is not",
                "1:13",
            ),
            (
                "createApp({ session: s, ...rest })",
                "may set `session`",
                "1:25",
            ),
            (
                "createApp({ session: { ...base, jwt } })",
                "`session` has a spread",
                "1:24",
            ),
            (
                "createApp({ session: { jwt, jwtCookie: name } })",
                "`session.jwtCookie` is not a string literal",
                "1:40",
            ),
            (
                "createApp({ session: { apiKey: { header: `x-${h}`, keys } } })",
                "`session.apiKey.header`",
                "1:42",
            ),
            (
                "createApp({ session: { signedCookie: cookie } })",
                "`session.signedCookie` is not an object",
                "1:38",
            ),
        ] {
            let app = read(&format!("const app = 1\n{text}"));
            assert_eq!(app.sources, [], "{text}");
            assert_eq!(app.warnings.len(), 1, "{text}");
            let warning = &app.warnings[0];
            assert!(
                warning.starts_with("warning[PIKKU_OPENAPI_SESSION]: "),
                "{warning}"
            );
            assert!(warning.contains(what), "{text}: {warning}");
            let at = format!("--> src/app.ts:{}", at.replacen("1:", "2:", 1));
            assert!(warning.contains(&at), "{text}: {warning} (expected {at})");
        }
        // A session set after the spread wins: it is read.
        let app = read("createApp({ ...base, session: { jwt } })");
        assert_eq!((app.sources, app.warnings), (vec![Bearer], vec![]));
        // Another app that can be read still counts.
        let app = read("createApp(options)\ncreateApp({ session: { jwt } })");
        assert_eq!((app.sources.len(), app.warnings.len()), (1, 1));
    }

    #[test]
    fn an_api_key_without_header_or_query_is_no_source_and_a_warning() {
        let app = read("createApp({ session: { jwt, apiKey: { keys } } })");
        assert_eq!(app.sources, [Bearer]);
        assert!(app.warnings[0].contains("neither `header` nor `query`"));
    }
}
