//! Turns TypeScript types into JSON Schema 2020-12: named declarations become `$defs`
//! (recursion works), generic aliases are expanded with their arguments, utility types
//! (`Partial`, `Required`, `Pick`, `Omit`, `Record`, `Readonly`, `NonNullable`) are applied,
//! and JSDoc tags become keywords. What cannot be resolved is a diagnostic, never a silently
//! missing schema.

mod compound;
mod def_table;
mod keys;
mod named;

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::diagnostics::Diagnostic;
use crate::ir::{Doc, Loc, Ty};
use crate::jsdoc;
use crate::project::Project;
use crate::schema_values::{enum_json, number};
pub use def_table::DefTable;

/// Type parameters bound to arguments (each written in some file, with its own bindings).
#[derive(Default)]
struct Env(HashMap<String, (Ty, usize, EnvRef)>);
type EnvRef = std::rc::Rc<Env>;

/// Builds one root schema (with the `$defs` it uses).
pub struct SchemaBuilder<'p, 't> {
    project: &'p Project,
    table: &'t mut DefTable,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'p, 't> SchemaBuilder<'p, 't> {
    pub fn new(project: &'p Project, table: &'t mut DefTable) -> Self {
        Self {
            project,
            table,
            diagnostics: Vec::new(),
        }
    }

    /// The schema of `ty` written in `file`, its named types as `#/$defs/…` references into
    /// the table; `None` after a diagnostic.
    pub fn root(mut self, file: usize, ty: &Ty) -> (Option<Value>, Vec<Diagnostic>) {
        let schema = self.schema(file, ty, &EnvRef::default());
        // Warnings (an unknown JSDoc tag) do not cost the schema.
        let ok = !self.diagnostics.iter().any(Diagnostic::is_error);
        (if ok { schema } else { None }, self.diagnostics)
    }

    /// Adds the keywords of `doc` to `schema`; its problems become diagnostics.
    fn apply_doc(&mut self, schema: &mut Value, doc: &Doc) {
        let problems = jsdoc::apply_doc(schema, doc, &|name| self.table.get(name));
        self.diagnostics.extend(problems);
    }

    fn error(
        &mut self,
        code: &'static str,
        loc: Loc,
        message: String,
        hint: &str,
    ) -> Option<Value> {
        self.diagnostics
            .push(Diagnostic::new(code, loc, message).with_hint(hint));
        None
    }

    fn schema(&mut self, file: usize, ty: &Ty, env: &EnvRef) -> Option<Value> {
        Some(match ty {
            Ty::String => json!({ "type": "string" }),
            Ty::Number => json!({ "type": "number" }),
            Ty::Boolean => json!({ "type": "boolean" }),
            Ty::Null => json!({ "type": "null" }),
            Ty::Any | Ty::Unknown => json!({}),
            Ty::Never => json!({ "not": {} }),
            Ty::Object => json!({ "type": "object" }),
            Ty::StrLit(s) => json!({ "type": "string", "const": s }),
            Ty::NumLit(n) => json!({ "type": "number", "const": number(*n) }),
            Ty::BoolLit(b) => json!({ "type": "boolean", "const": b }),
            Ty::Undefined | Ty::Void => json!({ "not": {} }),
            Ty::Array(item) => json!({ "type": "array", "items": self.schema(file, item, env)? }),
            Ty::Tuple(items) => self.tuple(file, items, env)?,
            Ty::Union(members) => self.union(file, members, env)?,
            Ty::Intersection(parts) => self.intersection(file, parts, env)?,
            Ty::Literal(object) => self.object(file, object, env)?,
            Ty::Ref { name, args, loc } => self.reference(file, name, args, *loc, env)?,
            Ty::TypeOf { name, loc } => {
                let values = self.const_object(file, name, *loc)?;
                let properties: Map<String, Value> = values.iter().map(|(k, v)| (k.clone(), json!({ "const": enum_json(v) }))).collect();
                let required: Vec<&String> = values.iter().map(|(k, _)| k).collect();
                json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
            }
            Ty::KeyOf(inner) => {
                let keys = self.keys_of(file, inner, env)?;
                json!({ "type": "string", "enum": keys })
            }
            Ty::Indexed { object, index } => self.indexed(file, object, index, env)?,
            Ty::Unsupported { what, text, loc } => {
                return self.error(
                    "PIKKU_TYPE_UNSUPPORTED",
                    *loc,
                    format!("cannot turn {what} into a JSON Schema: `{text}`"),
                    "use plain data types (objects, arrays, literals, unions) for function inputs and outputs",
                )
            }
        })
    }

    /// Follows a `$ref` into `$defs`.
    fn deref(&self, schema: &Value) -> Value {
        let mut current = schema.clone();
        for _ in 0..16 {
            let Some(name) = current
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            else {
                break;
            };
            match self.table.get(name) {
                Some(def) => current = def,
                None => break,
            }
        }
        current
    }

    /// The schema as a plain object schema (`properties`, `required`), if it is one.
    fn object_view(&self, schema: &Value) -> Option<Value> {
        let schema = self.deref(schema);
        (schema.get("type") == Some(&json!("object")) && schema.get("properties").is_some())
            .then_some(schema)
    }
}

fn loc_of(ty: &Ty) -> Loc {
    match ty {
        Ty::Ref { loc, .. } | Ty::TypeOf { loc, .. } | Ty::Unsupported { loc, .. } => *loc,
        _ => Loc::default(),
    }
}
