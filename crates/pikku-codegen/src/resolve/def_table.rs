//! The table of named declarations expanded to `$defs`: names given out, definitions shared
//! by every schema, and what a watch run forgets or takes out for the metadata.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::diagnostics::Diagnostic;
use crate::schema_text::SchemaText;
use pikku_engine::shared_defs::referenced_names;

/// Named declarations, expanded once per run and shared by every schema that uses them.
#[derive(Debug, Default)]
pub struct DefTable {
    pub(super) defs: BTreeMap<String, SchemaText>,
    /// (file, declaration name) → name in `$defs`.
    pub(super) names: HashMap<(usize, String), String>,
    taken: std::collections::HashSet<String>,
    /// Declarations that could not be expanded, with their diagnostics: every later use
    /// fails too and reports them again (merged into one, with a note per use).
    pub(super) failed: HashMap<(usize, String), Vec<Diagnostic>>,
    /// Two declarations wanted the same name (one became `Name2`): which one gets the plain
    /// name depends on the order of the run, so such a table is not reused by the next.
    pub collided: bool,
    /// The definitions expanded (again) since `fresh` was last cleared.
    pub fresh: std::collections::BTreeSet<String>,
    /// The names each definition refers to, read once per expansion.
    refs: HashMap<String, Vec<String>>,
}

impl DefTable {
    /// Takes out the definitions that `schemas` reach, for the metadata's shared `$defs` (a
    /// type that only a failed or a removed schema used is left out). [`DefTable::give_back`]
    /// returns them. `schema_refs` keeps the names each schema refers to, from run to run:
    /// only those `changed` are read again (as are definitions made in this run).
    pub fn take_shared(
        &mut self,
        schemas: &BTreeMap<String, SchemaText>,
        schema_refs: &mut HashMap<String, Vec<String>>,
        changed: impl Fn(&str) -> bool,
    ) -> BTreeMap<String, SchemaText> {
        let names_in = |text: &SchemaText| {
            let value = text.value();
            let mut names = Vec::new();
            referenced_names(&value, &mut names);
            names.into_iter().map(str::to_owned).collect::<Vec<_>>()
        };
        schema_refs.retain(|name, _| schemas.contains_key(name) && !changed(name));
        let mut pending: Vec<String> = Vec::new();
        for (name, schema) in schemas {
            let refs = schema_refs
                .entry(name.clone())
                .or_insert_with(|| names_in(schema));
            pending.extend(refs.iter().cloned());
        }
        for name in &self.fresh {
            self.refs.remove(name);
        }
        let mut reached = std::collections::BTreeSet::new();
        while let Some(name) = pending.pop() {
            let Some(def) = self.defs.get(&name) else {
                continue;
            };
            if !reached.insert(name.clone()) {
                continue;
            }
            let refs = self.refs.entry(name).or_insert_with(|| names_in(def));
            pending.extend(refs.iter().cloned());
        }
        (reached.into_iter())
            .filter_map(|name| Some((name.clone(), self.defs.remove(&name)?)))
            .collect()
    }

    /// Returns definitions taken out by [`DefTable::take_shared`].
    pub fn give_back(&mut self, defs: BTreeMap<String, SchemaText>) {
        self.defs.extend(defs);
    }

    /// The name in `$defs` of the schema that `const name` in `file` holds (a Zod schema),
    /// made with `build` on first use. Values are keyed apart from types of the same name.
    pub fn value_def(
        &mut self,
        file: usize,
        name: &str,
        build: impl FnOnce(&mut Self) -> Value,
    ) -> String {
        let key = (file, format!("const {name}"));
        if let Some(def) = self.names.get(&key) {
            return def.clone();
        }
        let def = self.free_name(name);
        self.names.insert(key, def.clone());
        let schema = build(self);
        self.defs.insert(def.clone(), SchemaText::new(&schema));
        self.fresh.insert(def.clone());
        def
    }

    /// `name`, or `name2`, `name3` … when taken.
    pub(super) fn free_name(&mut self, name: &str) -> String {
        let mut def = name.to_owned();
        let mut n = 2;
        while self.taken.contains(&def) {
            def = format!("{name}{n}");
            n += 1;
            self.collided = true;
        }
        self.taken.insert(def.clone());
        def
    }

    /// Forgets the definitions declared in `files` (their text, or what they import, changed):
    /// they are expanded again when a schema uses them.
    pub fn forget(&mut self, files: &std::collections::BTreeSet<usize>) {
        let stale: Vec<(usize, String)> = (self.names.keys())
            .filter(|(file, _)| files.contains(file))
            .cloned()
            .collect();
        for key in stale {
            if let Some(def) = self.names.remove(&key) {
                self.taken.remove(&def);
                self.defs.remove(&def);
                self.refs.remove(&def);
            }
        }
    }

    /// The definition named `name` (`#/$defs/name`).
    pub fn get(&self, name: &str) -> Option<Value> {
        self.defs.get(name).map(SchemaText::value)
    }
}
