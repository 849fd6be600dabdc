//! The app's session sources, read statically from the `session` option of its
//! `createApp({ … })` call(s): the generator runs without the app, and the OpenAPI document's
//! security schemes must be the sources the engine will read.
//!
//! Only literals are read. An option the generator cannot read (a variable, a spread, a
//! computed key) is a warning naming file:line:column, and that call contributes no source:
//! listing schemes the app may not have, or missing one it has, would both mislead.

mod calls;
mod options;
#[cfg(test)]
mod tests;

use std::fmt::Write;

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_span::Span;

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
