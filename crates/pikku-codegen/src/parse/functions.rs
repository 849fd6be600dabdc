//! Functions: a definer call (`pikkuFunc<In, Out>(…)`) or annotation (`APIFunction<In, Out>`),
//! and the name a default-exported one gets from its file.

use oxc_ast::ast::*;

use super::route_groups::string_list;
use super::{object_properties, Reader};
use crate::ir::{Doc, FunctionDef, FunctionInfo, JsExpr, Loc, Member, ObjectTy, Tag, Ty};

/// The names of definers and annotations, in both vocabularies.
const SESSION_DEFINERS: [&str; 3] = ["pikkuFunc", "APIFunction", LIST_DEFINER];
const SESSIONLESS_DEFINERS: [&str; 3] = [
    "pikkuSessionlessFunc",
    "APIFunctionSessionless",
    SESSIONLESS_LIST_DEFINER,
];
/// List functions: `pikkuListFunc<Filters, Row>` takes the filters and where the page starts,
/// and returns a page of rows (the runtime's `ListInput` / `ListPage`).
const LIST_DEFINER: &str = "pikkuListFunc";
const SESSIONLESS_LIST_DEFINER: &str = "pikkuSessionlessListFunc";

impl Reader<'_> {
    /// `pikkuFunc<In, Out>(…)` / `pikkuSessionlessFunc(…)`: records the function `name`.
    /// Whether `call` is such a call (`APIFunction` is a type, never called: not recorded).
    pub(super) fn definer_call(
        &mut self,
        name: &str,
        call: &CallExpression,
        loc: Loc,
        doc: Doc,
    ) -> bool {
        let Expression::Identifier(callee) = &call.callee else {
            return false;
        };
        let Some(sessionless) = definer_kind(callee.name.as_str()) else {
            return false;
        };
        if callee.name.as_str().starts_with("pikku") {
            let (mut input, mut output) = self.in_out(call.type_arguments.as_deref());
            if [LIST_DEFINER, SESSIONLESS_LIST_DEFINER].contains(&callee.name.as_str()) {
                let loc = self.loc(call.span);
                (input, output) = (Some(list_input(input, loc)), Some(list_page(output, loc)));
            }
            let config = match call.arguments.first() {
                Some(Argument::ObjectExpression(object)) => Some(object),
                _ => None,
            };
            let key = |key: &str| {
                config.and_then(|o| {
                    object_properties(o)
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| self.js(v))
                })
            };
            let (input_expr, output_expr) = (key("input"), key("output"));
            let expose = matches!(key("expose"), Some(JsExpr::Bool(true)));
            let info = config.map_or_else(|| info_of_doc(&doc), |config| info_of(config, &doc));
            self.module.functions.push(FunctionDef {
                name: name.to_owned(),
                input,
                output,
                sessionless,
                runtime_input: input_expr.is_some(),
                input_expr,
                output_expr,
                expose,
                info,
                loc,
            });
        }
        true
    }

    pub(super) fn in_out(
        &self,
        args: Option<&TSTypeParameterInstantiation>,
    ) -> (Option<Ty>, Option<Ty>) {
        let mut params = args
            .map(|a| a.params.iter().map(|t| self.ty(t)))
            .into_iter()
            .flatten();
        (params.next(), params.next())
    }
}

/// A list function's input: its filters, and `limit`, `cursor`, `offset`.
fn list_input(filters: Option<Ty>, loc: Loc) -> Ty {
    let whole = |minimum: &'static str| [("asType", "integer"), ("minimum", minimum)];
    let paging = ObjectTy {
        members: vec![
            optional(
                "limit",
                Ty::Number,
                doc(
                    "How many rows to return (the function sets its maximum).",
                    &whole("1"),
                    loc,
                ),
            ),
            optional(
                "cursor",
                Ty::String,
                doc(
                    "Where to go on: the `nextCursor` of the page before.",
                    &[],
                    loc,
                ),
            ),
            optional(
                "offset",
                Ty::Number,
                doc("How many rows to skip.", &whole("0"), loc),
            ),
        ],
        index: None,
    };
    match filters {
        Some(filters) => Ty::Intersection(vec![filters, Ty::Literal(paging)]),
        None => Ty::Literal(paging),
    }
}

/// A list function's page: `rows`, and `nextCursor` / `total` when it knows them.
fn list_page(row: Option<Ty>, loc: Loc) -> Ty {
    let rows = Member {
        name: "rows".into(),
        optional: false,
        ty: Ty::Array(Box::new(row.unwrap_or(Ty::Unknown))),
        doc: doc("The rows of this page.", &[], loc),
    };
    let total = doc(
        "How many rows there are in all, when the function knows.",
        &[("asType", "integer"), ("minimum", "0")],
        loc,
    );
    Ty::Literal(ObjectTy {
        members: vec![
            rows,
            optional(
                "nextCursor",
                Ty::String,
                doc("The cursor of the next page; none on the last.", &[], loc),
            ),
            optional("total", Ty::Number, total),
        ],
        index: None,
    })
}

fn optional(name: &str, ty: Ty, doc: Doc) -> Member {
    Member {
        name: name.into(),
        optional: true,
        ty,
        doc,
    }
}

/// A JSDoc comment as the inspector reads one: a description and `@name value` tags.
fn doc(description: &str, tags: &[(&str, &str)], loc: Loc) -> Doc {
    Doc {
        description: Some(description.into()),
        tags: (tags.iter())
            .map(|(name, value)| Tag {
                name: (*name).into(),
                value: (*value).into(),
                loc,
                value_loc: loc,
            })
            .collect(),
    }
}

/// What a function says about itself in its JSDoc comment: its text is the description,
/// `@title` / `@summary` the title, `@deprecated` and `@tags a, b` what they say.
pub(super) fn info_of_doc(doc: &Doc) -> FunctionInfo {
    let tag = |names: &[&str]| doc.tags.iter().find(|t| names.contains(&t.name.as_str()));
    FunctionInfo {
        title: tag(&["title", "summary"]).map(|t| t.value.trim().to_owned()),
        description: doc.description.clone().filter(|d| !d.trim().is_empty()),
        tags: tag(&["tags"]).map_or_else(Vec::new, |t| {
            t.value
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        }),
        deprecated: tag(&["deprecated"]).is_some(),
        errors: Vec::new(),
    }
}

/// The config form's `title`, `description`, `tags`, `deprecated` and `errors` (literals and
/// error class names), over what its JSDoc comment says.
fn info_of(config: &ObjectExpression, doc: &Doc) -> FunctionInfo {
    let mut info = info_of_doc(doc);
    for (key, value) in object_properties(config) {
        match (key.as_str(), value) {
            ("title", Expression::StringLiteral(s)) => info.title = Some(s.value.to_string()),
            ("description", Expression::StringLiteral(s)) => {
                info.description = Some(s.value.to_string())
            }
            ("deprecated", Expression::BooleanLiteral(b)) => info.deprecated = b.value,
            ("tags", tags) => info.tags = string_list(tags),
            ("errors", Expression::ArrayExpression(array)) => {
                info.errors = (array.elements.iter())
                    .filter_map(|e| match e {
                        ArrayExpressionElement::Identifier(id) => Some(id.name.to_string()),
                        _ => None,
                    })
                    .collect();
            }
            _ => {}
        }
    }
    info
}

/// `Some(sessionless)` when `name` is a function definer or annotation.
pub(super) fn definer_kind(name: &str) -> Option<bool> {
    if SESSION_DEFINERS.contains(&name) {
        Some(false)
    } else if SESSIONLESS_DEFINERS.contains(&name) {
        Some(true)
    } else {
        None
    }
}

/// The name of a file's default-exported function: its stem in camel case
/// (`src/functions/get-note.ts` → `getNote`; `index.ts` → its folder's name).
pub(super) fn default_function_name(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    let stem = if stem == "index" {
        parts.next().unwrap_or(stem)
    } else {
        stem
    };
    let mut name = String::new();
    let mut upper = false;
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            if name.is_empty() && c.is_ascii_digit() {
                name.push('_');
            }
            name.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = !name.is_empty();
        }
    }
    if name.is_empty() {
        "defaultFunction".into()
    } else {
        name
    }
}
