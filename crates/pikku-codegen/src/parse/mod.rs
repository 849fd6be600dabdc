//! Reads one TypeScript file with oxc into a [`Module`]: type declarations, imports and
//! exports, functions (by definer call or annotation) and top-level HTTP wirings.

mod declarations;
mod expressions;
mod functions;
mod route_groups;
#[cfg(test)]
mod tests;
mod types;
mod wirings;

use std::collections::HashMap;

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_parser::Parser;
use oxc_span::{SourceType, Span};

use crate::diagnostics::Diagnostic;
use crate::ir::{Doc, Loc, Module};
use crate::jsdoc::parse_jsdoc;

/// How oxc reads a file: TSX for `.tsx`, TypeScript otherwise.
pub fn source_type_of(path: &str) -> SourceType {
    if path.ends_with(".tsx") {
        SourceType::tsx()
    } else {
        SourceType::ts()
    }
}

/// Parses `text` (file number `file`); syntax errors are returned as diagnostics.
pub fn parse_module(file: usize, path: &str, text: &str) -> Result<Module, Vec<Diagnostic>> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, text, source_type_of(path)).parse();
    if parsed.diagnostics.has_errors() {
        return Err(parsed
            .diagnostics
            .errors()
            .map(|error| {
                let offset = error.labels.first().map_or(0, |l| l.offset());
                Diagnostic::new(
                    "PIKKU_SYNTAX",
                    Loc { file, offset },
                    error.message.to_string(),
                )
                .with_hint("fix the syntax error; the code generator reads the file as TypeScript")
            })
            .collect());
    }
    let mut reader = Reader {
        file,
        path,
        text,
        docs: collect_docs(file, &parsed.program, text),
        module: Module::default(),
    };
    for statement in &parsed.program.body {
        reader.statement(statement);
    }
    Ok(reader.module)
}

/// JSDoc comments by the offset of the token they are attached to.
fn collect_docs(file: usize, program: &Program, text: &str) -> HashMap<u32, Doc> {
    program
        .comments
        .iter()
        .filter(|c| c.is_jsdoc())
        .map(|c| {
            (
                c.attached_to,
                parse_jsdoc(
                    &text[c.span.start as usize..c.span.end as usize],
                    Loc {
                        file,
                        offset: c.span.start,
                    },
                ),
            )
        })
        .collect()
}

struct Reader<'t> {
    file: usize,
    /// The path as shown in messages: names a default-exported function (`get-note.ts` → `getNote`).
    path: &'t str,
    text: &'t str,
    docs: HashMap<u32, Doc>,
    module: Module,
}

impl Reader<'_> {
    fn loc(&self, span: Span) -> Loc {
        Loc {
            file: self.file,
            offset: span.start,
        }
    }

    fn doc(&self, span: Span) -> Doc {
        self.docs.get(&span.start).cloned().unwrap_or_default()
    }

    fn source(&self, span: Span) -> String {
        self.text[span.start as usize..span.end as usize].to_owned()
    }
}

fn property_key(key: &PropertyKey) -> Option<String> {
    match key {
        PropertyKey::StaticIdentifier(id) => Some(id.name.to_string()),
        PropertyKey::StringLiteral(s) => Some(s.value.to_string()),
        PropertyKey::NumericLiteral(n) => Some(n.value.to_string()),
        _ => None,
    }
}

/// The `key: value` properties of an object literal.
fn object_properties<'a, 'b>(
    object: &'b ObjectExpression<'a>,
) -> impl Iterator<Item = (String, &'b Expression<'a>)> {
    object.properties.iter().filter_map(|p| match p {
        ObjectPropertyKind::ObjectProperty(p) => Some((property_key(&p.key)?, &p.value)),
        ObjectPropertyKind::SpreadProperty(_) => None,
    })
}
