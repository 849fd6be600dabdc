//! Types made of others: tuples, unions, intersections and object literals.

use serde_json::{json, Map, Value};

use super::{loc_of, EnvRef, SchemaBuilder};
use crate::ir::{ObjectTy, TupleItem, Ty};
use crate::schema_values::{merge_objects, number};

impl SchemaBuilder<'_, '_> {
    pub(super) fn tuple(
        &mut self,
        file: usize,
        items: &[TupleItem],
        env: &EnvRef,
    ) -> Option<Value> {
        let mut prefix = Vec::new();
        let mut rest = None;
        let mut min = 0;
        for item in items {
            let schema = self.schema(file, &item.ty, env)?;
            if item.rest {
                rest = Some(schema);
            } else {
                if !item.optional {
                    min = prefix.len() + 1;
                }
                prefix.push(schema);
            }
        }
        let mut out = json!({ "type": "array", "prefixItems": prefix, "minItems": min });
        match rest {
            Some(rest) => out["items"] = rest,
            None => {
                out["items"] = json!(false);
                out["maxItems"] = json!(prefix.len());
            }
        }
        Some(out)
    }

    pub(super) fn union(&mut self, file: usize, members: &[Ty], env: &EnvRef) -> Option<Value> {
        let mut flat = Vec::new();
        flatten_union(members, &mut flat);
        flat.retain(|t| !matches!(t, Ty::Undefined | Ty::Void));
        if flat.iter().all(|t| matches!(t, Ty::StrLit(_))) && !flat.is_empty() {
            let values: Vec<&String> = flat
                .iter()
                .filter_map(|t| if let Ty::StrLit(s) = t { Some(s) } else { None })
                .collect();
            return Some(json!({ "type": "string", "enum": values }));
        }
        if flat.iter().all(|t| matches!(t, Ty::NumLit(_))) && !flat.is_empty() {
            let values: Vec<Value> = flat
                .iter()
                .filter_map(|t| match t {
                    Ty::NumLit(n) => Some(number(*n)),
                    _ => None,
                })
                .collect();
            return Some(json!({ "type": "number", "enum": values }));
        }
        if flat.len() == 2
            && flat.contains(&Ty::BoolLit(true))
            && flat.contains(&Ty::BoolLit(false))
        {
            return Some(json!({ "type": "boolean" }));
        }
        let mut schemas = Vec::new();
        for member in &flat {
            schemas.push(self.schema(file, member, env)?);
        }
        Some(match schemas.len() {
            0 => json!({ "not": {} }),
            1 => schemas.pop()?,
            _ => json!({ "anyOf": schemas }),
        })
    }

    pub(super) fn intersection(
        &mut self,
        file: usize,
        parts: &[Ty],
        env: &EnvRef,
    ) -> Option<Value> {
        let mut merged = json!({ "type": "object", "properties": {}, "required": [], "additionalProperties": false });
        for part in parts {
            let schema = self.schema(file, part, env)?;
            let Some(object) = self.object_view(&schema) else {
                return self.error(
                    "PIKKU_TYPE_UNSUPPORTED",
                    loc_of(part),
                    "an intersection (`A & B`) can only join object types".into(),
                    "make both sides object types or interfaces",
                );
            };
            merge_objects(&mut merged, &object);
        }
        Some(merged)
    }

    pub(super) fn object(&mut self, file: usize, object: &ObjectTy, env: &EnvRef) -> Option<Value> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut failed = false;
        for member in &object.members {
            let (ty, optional) = strip_undefined(&member.ty, member.optional);
            match self.schema(file, &ty, env) {
                Some(mut schema) => {
                    self.apply_doc(&mut schema, &member.doc);
                    properties.insert(member.name.clone(), schema);
                    if !optional {
                        required.push(member.name.clone());
                    }
                }
                None => failed = true,
            }
        }
        let additional = match &object.index {
            Some(index) => self.schema(file, index, env)?,
            None => json!(false),
        };
        if failed {
            return None;
        }
        Some(
            json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": additional }),
        )
    }
}

fn flatten_union(members: &[Ty], out: &mut Vec<Ty>) {
    for member in members {
        match member {
            Ty::Union(inner) => flatten_union(inner, out),
            other if !out.contains(other) => out.push(other.clone()),
            _ => {}
        }
    }
}

/// `T | undefined` in a member means the member is optional.
fn strip_undefined(ty: &Ty, optional: bool) -> (Ty, bool) {
    match ty {
        Ty::Union(members) if members.iter().any(|m| matches!(m, Ty::Undefined)) => {
            let rest: Vec<Ty> = members
                .iter()
                .filter(|m| !matches!(m, Ty::Undefined))
                .cloned()
                .collect();
            let ty = if rest.len() == 1 {
                rest.into_iter().next().unwrap_or(Ty::Unknown)
            } else {
                Ty::Union(rest)
            };
            (ty, true)
        }
        other => (other.clone(), optional),
    }
}
