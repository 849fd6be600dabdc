//! Functions: a definer call (`pikkuFunc<In, Out>(…)`) or annotation (`APIFunction<In, Out>`),
//! and the name a default-exported one gets from its file.

use oxc_ast::ast::*;

use super::{object_properties, Reader};
use crate::ir::{FunctionDef, JsExpr, Loc, Ty};

/// The names of definers and annotations, in both vocabularies.
const SESSION_DEFINERS: [&str; 2] = ["pikkuFunc", "APIFunction"];
const SESSIONLESS_DEFINERS: [&str; 2] = ["pikkuSessionlessFunc", "APIFunctionSessionless"];

impl Reader<'_> {
    /// `pikkuFunc<In, Out>(…)` / `pikkuSessionlessFunc(…)`: records the function `name`.
    /// Whether `call` is such a call (`APIFunction` is a type, never called: not recorded).
    pub(super) fn definer_call(&mut self, name: &str, call: &CallExpression, loc: Loc) -> bool {
        let Expression::Identifier(callee) = &call.callee else {
            return false;
        };
        let Some(sessionless) = definer_kind(callee.name.as_str()) else {
            return false;
        };
        if callee.name.as_str().starts_with("pikku") {
            let (input, output) = self.in_out(call.type_arguments.as_deref());
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
            self.module.functions.push(FunctionDef {
                name: name.to_owned(),
                input,
                output,
                sessionless,
                runtime_input: input_expr.is_some(),
                input_expr,
                output_expr,
                expose,
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
