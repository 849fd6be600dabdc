//! JSON Schema back to TypeScript types, for the generated clients: what the schema accepts
//! is exactly what the client's types accept.

#[cfg(test)]
mod tests;
mod types;

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::schema_text::SchemaText;
use crate::text_cache::TextCache;

/// Named types shared by all schemas (their `$defs`), declared once each.
#[derive(Debug, Default)]
pub struct TypeNames {
    /// Emitted name → TypeScript type text.
    pub declarations: BTreeMap<String, String>,
    /// Shared `$defs` name → emitted name.
    shared: HashMap<String, String>,
    /// (schema name, name in the schema's own `$defs`) → emitted name.
    owned: HashMap<(String, String), String>,
    /// Names taken by the schemas themselves (`GetTodoInput`).
    reserved: std::collections::BTreeSet<String>,
}

impl TypeNames {
    /// Reserves the names of the schemas themselves, so that no `$defs` entry takes them.
    pub fn reserve<'a>(&mut self, names: impl IntoIterator<Item = &'a String>) {
        self.reserved.extend(names.into_iter().cloned());
    }

    /// Registers the definitions the metadata's schemas share (`#/$defs/Name`), renaming one
    /// named like a schema unless that schema is just a reference to it.
    ///
    /// `texts` holds each definition's type text by name: those not `changed` are taken from
    /// it (an earlier run made them among the same names).
    pub fn add_shared(
        &mut self,
        defs: &BTreeMap<String, SchemaText>,
        schemas: &BTreeMap<String, SchemaText>,
        texts: &mut TextCache,
        changed: impl Fn(&str) -> bool,
    ) {
        for name in defs.keys() {
            let mut emitted = name.clone();
            let mut n = 2;
            let is_itself = |candidate: &str| {
                (schemas.get(candidate).and_then(SchemaText::top_ref))
                    .is_some_and(|r| r.strip_prefix("#/$defs/") == Some(name.as_str()))
            };
            while self.reserved.contains(&emitted) && !is_itself(&emitted) {
                emitted = format!("{name}{n}");
                n += 1;
            }
            self.shared.insert(name.clone(), emitted);
        }
        for (name, def) in defs {
            let emitted = self.shared[name].clone();
            let text = texts.text(name, changed(name), || self.type_of("", &def.value()));
            self.declarations.entry(emitted).or_insert(text);
        }
        texts.end_run();
    }

    /// Registers the `$defs` of schema `owner`, renaming a name already taken by other content
    /// (or by another schema). A definition named like its own schema keeps the name.
    pub fn add_defs(&mut self, owner: &str, schema: &Value) {
        let Some(defs) = schema.get("$defs").and_then(Value::as_object) else {
            return;
        };
        for name in defs.keys() {
            let mut emitted = name.clone();
            let mut n = 2;
            // The inspector names every `$defs` entry once per run (one name, one content), so
            // a known name is the same type; only the schemas' own names must be avoided.
            let taken = |names: &Self, candidate: &str| {
                names.reserved.contains(candidate) && candidate != owner
            };
            while taken(self, &emitted) {
                emitted = format!("{name}{n}");
                n += 1;
            }
            self.owned.insert((owner.to_owned(), name.clone()), emitted);
        }
        for (name, def) in defs {
            let emitted = self.owned[&(owner.to_owned(), name.clone())].clone();
            if !self.declarations.contains_key(&emitted) {
                let text = self.type_of(owner, def);
                self.declarations.insert(emitted, text);
            }
        }
    }
}
