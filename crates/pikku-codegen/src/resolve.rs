//! Turns TypeScript types into JSON Schema 2020-12: named declarations become `$defs`
//! (recursion works), generic aliases are expanded with their arguments, utility types
//! (`Partial`, `Required`, `Pick`, `Omit`, `Record`, `Readonly`, `NonNullable`) are applied,
//! and JSDoc tags become keywords. What cannot be resolved is a diagnostic, never a silently
//! missing schema.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use crate::diagnostics::Diagnostic;
use crate::ir::{Decl, Doc, EnumValue, Loc, ObjectTy, TupleItem, Ty};
use crate::jsdoc;
use crate::project::Project;
use crate::schema_text::SchemaText;
use crate::schema_values::{enum_json, enum_schema, merge_objects, number, strip_null};
use pikku_engine::shared_defs::referenced_names;

/// Type parameters bound to arguments (each written in some file, with its own bindings).
#[derive(Default)]
struct Env(HashMap<String, (Ty, usize, EnvRef)>);
type EnvRef = std::rc::Rc<Env>;

/// Named declarations, expanded once per run and shared by every schema that uses them.
#[derive(Debug, Default)]
pub struct DefTable {
    defs: BTreeMap<String, SchemaText>,
    /// (file, declaration name) → name in `$defs`.
    names: HashMap<(usize, String), String>,
    taken: std::collections::HashSet<String>,
    /// Declarations that could not be expanded, with their diagnostics: every later use
    /// fails too and reports them again (merged into one, with a note per use).
    failed: HashMap<(usize, String), Vec<Diagnostic>>,
    /// Two declarations wanted the same name (one became `Name2`): which one gets the plain
    /// name depends on the order of the run, so such a table is not reused by the next.
    pub collided: bool,
    /// The definitions expanded (again) since `fresh` was last cleared.
    pub fresh: std::collections::BTreeSet<String>,
    /// The names each definition refers to, read once per expansion.
    refs: HashMap<String, Vec<String>>,
}

/// Builds one root schema (with the `$defs` it uses).
pub struct SchemaBuilder<'p, 't> {
    project: &'p Project,
    table: &'t mut DefTable,
    pub diagnostics: Vec<Diagnostic>,
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
    fn free_name(&mut self, name: &str) -> String {
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

    fn tuple(&mut self, file: usize, items: &[TupleItem], env: &EnvRef) -> Option<Value> {
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

    fn union(&mut self, file: usize, members: &[Ty], env: &EnvRef) -> Option<Value> {
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

    fn intersection(&mut self, file: usize, parts: &[Ty], env: &EnvRef) -> Option<Value> {
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

    fn object(&mut self, file: usize, object: &ObjectTy, env: &EnvRef) -> Option<Value> {
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

    fn reference(
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

    fn record(
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
    fn literal_keys(&mut self, file: usize, ty: &Ty, env: &EnvRef) -> Option<Vec<String>> {
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

    fn keys_of(&mut self, file: usize, ty: &Ty, env: &EnvRef) -> Option<Vec<String>> {
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

    fn indexed(&mut self, file: usize, object: &Ty, index: &Ty, env: &EnvRef) -> Option<Value> {
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

    fn const_object(
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

fn loc_of(ty: &Ty) -> Loc {
    match ty {
        Ty::Ref { loc, .. } | Ty::TypeOf { loc, .. } | Ty::Unsupported { loc, .. } => *loc,
        _ => Loc::default(),
    }
}
