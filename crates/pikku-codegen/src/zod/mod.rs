//! Zod 4 schemas read statically: the builder expression given as a function's `input` or
//! `output` (`z.object({ id: z.string() }).strict()`, or a `const` holding one, in this file or
//! imported) becomes the JSON Schema that Zod's own `z.toJSONSchema(schema, { io: 'input',
//! target: 'draft-2020-12' })` gives at run time — without running any user code. The
//! engine validates with Zod's conversion; the metadata, the route checks, the client and the
//! OpenAPI document use this one, so the two must agree: `__test__/zod.test.ts` compares them
//! builder by builder. A builder that JSON Schema cannot express (`.refine`, `.transform`,
//! `z.lazy` …) or that this reader does not know is an error, never a dropped schema.

mod args;
mod builders;
mod methods;
mod read;
mod render;
mod schema;

use crate::diagnostics::Diagnostic;
use crate::ir::{Decl, JsExpr};
use crate::project::Project;
use crate::resolve::DefTable;
use read::{unsupported, Fail, Reader, Val};
use render::render;
use schema::unname;
use serde_json::Value;

const CODE: &str = "PIKKU_ZOD_UNSUPPORTED";
const HINT: &str = "write the input as a TypeScript type with JSDoc constraints (`pikkuFunc<{ id: string }, Out>(…)`), or give it as JSON Schema; the code generator reads Zod builders without running them";
/// The module names a Zod 4 namespace is imported from.
const ZOD_MODULES: [&str; 3] = ["zod", "zod/v4", "zod/v4/classic"];

/// What a function's `input` / `output` expression is.
pub enum Outcome {
    /// A Zod schema, as JSON Schema.
    Schema(Value),
    /// Not a Zod schema (JSON Schema, or another library's schema): the runtime reads it.
    Opaque,
}

/// Reads `expr` (written in file `file`).
/// Schemas held by `const`s become definitions in `defs`, shared with the TypeScript types.
pub fn translate(
    project: &Project,
    defs: &mut DefTable,
    file: usize,
    expr: &JsExpr,
) -> Result<Outcome, Diagnostic> {
    if is_object_literal(project, file, expr, 0) {
        // `input: { type: 'object', … }`: JSON Schema.
        return Ok(Outcome::Opaque);
    }
    let mut reader = Reader { project, depth: 0 };
    match reader.eval(file, expr) {
        // A function's own schema is written out, not a reference to its `const`.
        Ok(Val::Schema(z)) => Ok(Outcome::Schema(render(&unname(z), defs))),
        Ok(_) => Err(unsupported(
            expr.loc(),
            "this is part of Zod, not a schema".into(),
        )),
        Err(Fail::Diag(d)) => Err(*d),
        // A bare name or an object literal that is not Zod: JSON Schema, read at run time; so is
        // a call into another package (TypeBox …). A call into a function of the project is not.
        Err(Fail::NotZod {
            called, foreign, ..
        }) if !called || foreign => Ok(Outcome::Opaque),
        Err(fail) => Err(fail.into_diag()),
    }
}

/// Whether `expr` is an object literal, or a `const` holding one.
fn is_object_literal(project: &Project, file: usize, expr: &JsExpr, depth: usize) -> bool {
    match expr {
        JsExpr::Object(..) => true,
        JsExpr::Ident { name, .. } if depth < 16 => match project.lookup_value(file, name) {
            Some(found) => match found.decl {
                Decl::Expr(init) => is_object_literal(project, found.file, init, depth + 1),
                _ => false,
            },
            None => false,
        },
        _ => false,
    }
}
