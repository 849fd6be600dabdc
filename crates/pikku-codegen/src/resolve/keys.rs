//! Types read by their keys: `Record<K, V>`, `keyof T`, `T[K]` and `typeof` an `as const`
//! object.

use serde_json::{json, Map, Value};

use super::{loc_of, EnvRef, SchemaBuilder};
use crate::ir::{Decl, EnumValue, Loc, Ty};
use crate::schema_values::enum_schema;

impl SchemaBuilder<'_, '_> {
    pub(super) fn record(
        &mut self,
        file: usize,
        key: &Ty,
        value: &Ty,
        loc: Loc,
        env: &EnvRef,
    ) -> Option<Value> {
        let value_schema = self.schema(file, value, env)?;
        match key {
            Ty::String => Some(json!({ "type": "object", "additionalProperties": value_schema })),
            _ => {
                let keys = self.literal_keys(file, key, env)?;
                if keys.is_empty() {
                    return self.error(
                        "PIKKU_TYPE_UNSUPPORTED",
                        loc,
                        "a `Record` key must be `string` or string literals".into(),
                        "use `Record<string, V>` or `Record<'a' | 'b', V>`",
                    );
                }
                let properties: Map<String, Value> = keys
                    .iter()
                    .map(|k| (k.clone(), value_schema.clone()))
                    .collect();
                Some(
                    json!({ "type": "object", "properties": properties, "required": keys, "additionalProperties": false }),
                )
            }
        }
    }

    /// String literal keys of `ty` (`'a' | 'b'`, a string enum, `keyof T`).
    pub(super) fn literal_keys(
        &mut self,
        file: usize,
        ty: &Ty,
        env: &EnvRef,
    ) -> Option<Vec<String>> {
        let schema = self.schema(file, ty, env)?;
        let schema = self.deref(&schema);
        if let Some(value) = schema.get("const").and_then(Value::as_str) {
            return Some(vec![value.to_owned()]);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Some(
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            );
        }
        self.error(
            "PIKKU_TYPE_UNSUPPORTED",
            loc_of(ty),
            "expected string literal keys".into(),
            "use string literals such as `'id' | 'title'`",
        );
        None
    }

    pub(super) fn keys_of(&mut self, file: usize, ty: &Ty, env: &EnvRef) -> Option<Vec<String>> {
        if let Ty::TypeOf { name, loc } = ty {
            return Some(
                self.const_object(file, name, *loc)?
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect(),
            );
        }
        let schema = self.schema(file, ty, env)?;
        let Some(object) = self.object_view(&schema) else {
            self.error(
                "PIKKU_TYPE_UNSUPPORTED",
                loc_of(ty),
                "`keyof` needs an object type".into(),
                "apply `keyof` to an interface or object type",
            );
            return None;
        };
        Some(
            object["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default(),
        )
    }

    pub(super) fn indexed(
        &mut self,
        file: usize,
        object: &Ty,
        index: &Ty,
        env: &EnvRef,
    ) -> Option<Value> {
        // `(typeof Status)[keyof typeof Status]`: the values of an `as const` object.
        if let (Ty::TypeOf { name, loc }, Ty::KeyOf(_)) = (object, index) {
            let entries = self.const_object(file, name, *loc)?;
            return Some(enum_schema(entries.iter().map(|(_, v)| v)));
        }
        let schema = self.schema(file, object, env)?;
        let keys = self.literal_keys(file, index, env)?;
        let Some(view) = self.object_view(&schema) else {
            return self.error(
                "PIKKU_TYPE_UNSUPPORTED",
                loc_of(object),
                "an indexed access `T[K]` needs an object type".into(),
                "index an interface or object type",
            );
        };
        let mut found = Vec::new();
        for key in &keys {
            match view["properties"].get(key) {
                Some(property) => found.push(property.clone()),
                None => {
                    return self.error(
                        "PIKKU_TYPE_UNRESOLVED",
                        loc_of(index),
                        format!("the type has no property `{key}`"),
                        "index with one of its property names",
                    )
                }
            }
        }
        Some(if found.len() == 1 {
            found.pop()?
        } else {
            json!({ "anyOf": found })
        })
    }

    pub(super) fn const_object(
        &mut self,
        file: usize,
        name: &str,
        loc: Loc,
    ) -> Option<Vec<(String, EnumValue)>> {
        match self.project.lookup_value(file, name).map(|f| f.decl) {
            Some(Decl::ConstObject { entries }) => Some(entries.clone()),
            Some(Decl::Enum { members }) => Some(members.clone()),
            _ => {
                self.error(
                    "PIKKU_TYPE_UNRESOLVED",
                    loc,
                    format!("`typeof {name}` needs a `const {name} = {{ … }} as const` object"),
                    "declare the object with `as const` (string or number values)",
                );
                None
            }
        }
    }
}
