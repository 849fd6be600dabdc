//! Named types: references to declarations (one `$defs` entry each, or expanded with their
//! type arguments) and the built-in utility types.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::{Env, EnvRef, SchemaBuilder};
use crate::ir::{Decl, Loc, Ty};
use crate::schema_text::SchemaText;
use crate::schema_values::{enum_json, enum_schema, merge_objects, strip_null};

impl SchemaBuilder<'_, '_> {
    pub(super) fn reference(
        &mut self,
        file: usize,
        name: &str,
        args: &[Ty],
        loc: Loc,
        env: &EnvRef,
    ) -> Option<Value> {
        if let Some((ty, arg_file, arg_env)) = env.0.get(name) {
            let (ty, arg_file, arg_env) = (ty.clone(), *arg_file, arg_env.clone());
            return self.schema(arg_file, &ty, &arg_env);
        }
        // `project` outlives the builder: a declaration borrowed from it needs no copy.
        let project = self.project;
        if let Some(found) = project.lookup(file, name) {
            return self.declaration(
                file,
                found.file,
                &found.name,
                found.decl,
                found.loc,
                args,
                loc,
                env,
            );
        }
        let arg = |i: usize| args.get(i);
        match (name, args.len()) {
            ("Date", 0) => Some(json!({ "type": "string", "format": "date-time" })),
            ("Array" | "ReadonlyArray", 1) => Some(json!({ "type": "array", "items": self.schema(file, arg(0)?, env)? })),
            ("Promise" | "Readonly" | "NonNullable", 1) => {
                let inner = self.schema(file, arg(0)?, env)?;
                Some(if name == "NonNullable" { strip_null(inner) } else { inner })
            }
            ("Record", 2) => self.record(file, arg(0)?, arg(1)?, loc, env),
            ("Partial" | "Required", 1) => {
                let schema = self.schema(file, arg(0)?, env)?;
                let Some(mut object) = self.object_view(&schema) else {
                    return self.error("PIKKU_TYPE_UNSUPPORTED", loc, format!("`{name}` needs an object type"), "give it an interface or object type");
                };
                object["required"] = if name == "Partial" {
                    json!([])
                } else {
                    json!(object["properties"].as_object().map(|p| p.keys().cloned().collect::<Vec<_>>()).unwrap_or_default())
                };
                Some(object)
            }
            ("Pick" | "Omit", 2) => {
                let schema = self.schema(file, arg(0)?, env)?;
                let keys = self.literal_keys(file, arg(1)?, env)?;
                let Some(mut object) = self.object_view(&schema) else {
                    return self.error("PIKKU_TYPE_UNSUPPORTED", loc, format!("`{name}` needs an object type"), "give it an interface or object type");
                };
                let keep = |key: &str| keys.iter().any(|k| k == key) == (name == "Pick");
                if let Some(properties) = object["properties"].as_object_mut() {
                    properties.retain(|key, _| keep(key));
                }
                if let Some(required) = object["required"].as_array_mut() {
                    required.retain(|key| key.as_str().is_some_and(keep));
                }
                Some(object)
            }
            _ => self.error(
                "PIKKU_TYPE_UNRESOLVED",
                loc,
                format!("cannot resolve type `{name}`"),
                "declare it in this file, or import it with a relative path (`import type { X } from './models.js'`) from a file that exports it",
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn declaration(
        &mut self,
        use_file: usize,
        decl_file: usize,
        decl_name: &str,
        decl: &Decl,
        decl_loc: Loc,
        args: &[Ty],
        loc: Loc,
        env: &EnvRef,
    ) -> Option<Value> {
        let params = match decl {
            Decl::Interface { params, .. } | Decl::Alias { params, .. } => params.clone(),
            _ => Vec::new(),
        };
        if params.len() != args.len() {
            return self.error(
                "PIKKU_TYPE_ARGUMENTS",
                loc,
                format!(
                    "`{decl_name}` takes {} type argument(s), {} given",
                    params.len(),
                    args.len()
                ),
                "give every type parameter a concrete type",
            );
        }
        if params.is_empty() {
            // A plain named type: one `$defs` entry, referenced (recursion-safe).
            let key = (decl_file, decl_name.to_owned());
            if let Some(problems) = self.table.failed.get(&key) {
                self.diagnostics.extend(problems.iter().cloned());
                return None;
            }
            if let Some(def) = self.table.names.get(&key) {
                return Some(json!({ "$ref": format!("#/$defs/{def}") }));
            }
            let def = self.table.free_name(decl_name);
            self.table.names.insert(key.clone(), def.clone());
            self.table
                .defs
                .insert(def.clone(), SchemaText::new(&json!({})));
            let start = self.diagnostics.len();
            let Some(schema) = self.expand(decl_file, decl, decl_loc, &EnvRef::default()) else {
                if self.diagnostics.len() > start {
                    let problems = self.diagnostics[start..].to_vec();
                    self.table.failed.insert(key, problems);
                }
                return None;
            };
            self.table
                .defs
                .insert(def.clone(), SchemaText::new(&schema));
            self.table.fresh.insert(def.clone());
            return Some(json!({ "$ref": format!("#/$defs/{def}") }));
        }
        let mut bound = HashMap::new();
        for (param, arg) in params.iter().zip(args) {
            bound.insert(param.clone(), (arg.clone(), use_file, env.clone()));
        }
        self.expand(decl_file, decl, decl_loc, &EnvRef::new(Env(bound)))
    }

    fn expand(&mut self, file: usize, decl: &Decl, loc: Loc, env: &EnvRef) -> Option<Value> {
        match decl {
            Decl::Alias { ty, doc, .. } => {
                let mut schema = self.schema(file, ty, env)?;
                self.apply_doc(&mut schema, doc);
                Some(schema)
            }
            Decl::Interface {
                extends, body, doc, ..
            } => {
                let mut merged = json!({ "type": "object", "properties": {}, "required": [], "additionalProperties": false });
                for parent in extends {
                    let schema = self.schema(file, parent, env)?;
                    let Some(object) = self.object_view(&schema) else {
                        return self.error(
                            "PIKKU_TYPE_UNSUPPORTED",
                            loc,
                            "an interface can only extend object types".into(),
                            "extend an interface or object type",
                        );
                    };
                    merge_objects(&mut merged, &object);
                }
                let own = self.object(file, body, env)?;
                merge_objects(&mut merged, &own);
                self.apply_doc(&mut merged, doc);
                Some(merged)
            }
            Decl::Enum { members } => Some(enum_schema(members.iter().map(|(_, v)| v))),
            // Values only: never found as a type.
            Decl::Expr(_) => Some(json!({})),
            Decl::ConstObject { entries } => {
                let properties: Map<String, Value> = entries
                    .iter()
                    .map(|(k, v)| (k.clone(), json!({ "const": enum_json(v) })))
                    .collect();
                Some(
                    json!({ "type": "object", "properties": properties, "additionalProperties": false }),
                )
            }
        }
    }
}
