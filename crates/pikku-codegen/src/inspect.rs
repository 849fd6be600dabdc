//! From the parsed project to the metadata file: every function's input and output schema,
//! every HTTP wiring, and the checks that need both (a route `:param` must be an input key).

use std::collections::BTreeMap;

use pikku_engine::config::{
    ChannelWiringMeta, FunctionMeta, HttpMethod, HttpWiringMeta, METADATA_VERSION,
};
use serde_json::Value;

use crate::diagnostics::{line_col, sort_and_dedup, Diagnostic};
use crate::ir::{FunctionDef, Loc, Ty};
use crate::metadata::Metadata;
use crate::project::Project;
use crate::resolve::{DefTable, SchemaBuilder};
use crate::schema_text::SchemaText;
use crate::zod;

/// What a successful inspection leaves for the next run of `pikku --watch`: the expanded
/// named types and each function's schemas, reused where nothing they depend on changed.
#[derive(Debug, Default)]
pub struct InspectState {
    table: DefTable,
    functions: BTreeMap<String, FunctionSchemas>,
    /// The schemas of `functions`, by name: lent to the metadata of a run, and given back
    /// after its outputs are written ([`InspectState::give_back`]).
    values: BTreeMap<String, SchemaText>,
    /// The definitions each schema refers to.
    refs: std::collections::HashMap<String, Vec<String>>,
    /// The run had warnings.
    warned: bool,
    /// The project's files, by index, and where their imports led, when the state was made.
    files: Vec<std::path::PathBuf>,
    edges: std::collections::HashMap<(usize, String), usize>,
}

/// What a run made anew, for the outputs to write again: everything, or the schemas and
/// definitions named here (the rest is as the run before left it).
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub everything: bool,
    /// How many functions were inspected (again).
    pub functions: usize,
    pub schemas: std::collections::BTreeSet<String>,
    pub defs: std::collections::BTreeSet<String>,
}

impl Changes {
    pub fn all() -> Changes {
        Changes {
            everything: true,
            ..Changes::default()
        }
    }

    pub fn schema(&self, name: &str) -> bool {
        self.everything || self.schemas.contains(name)
    }

    pub fn def(&self, name: &str) -> bool {
        self.everything || self.defs.contains(name)
    }
}

/// A function's metadata entry and schemas, with the warnings found making them.
#[derive(Debug, Clone)]
struct FunctionSchemas {
    file: usize,
    meta: FunctionMeta,
    /// The names of its schemas (their values are in `InspectState::values`).
    schemas: Vec<String>,
    /// Its input schema is given at run time and cannot be read here.
    opaque: bool,
    /// Errors (the function is left out) and warnings.
    diagnostics: Vec<Diagnostic>,
    /// The property names at the top of its input, read once for the route parameters (the
    /// function is inspected again whenever a type they come from may have changed).
    input_keys: std::cell::OnceCell<Vec<String>>,
}

/// Inspects the project; all problems are reported together. With no error, the metadata,
/// the warnings and the state for the next run; else every diagnostic (warnings too).
///
/// With `previous` (the state of the last run), a function is inspected again only when its
/// file, or a file that file imports (directly or not), was parsed again: a type is only
/// ever found through imports. The output is the same as a run without it.
pub fn inspect(
    project: &Project,
    previous: Option<InspectState>,
) -> Result<Inspected, Vec<Diagnostic>> {
    let paths: Vec<std::path::PathBuf> = project.files.iter().map(|f| f.path.clone()).collect();
    // A warning found expanding a shared type is reported by the function that expanded it
    // first; which one that is depends on the run, so a run with warnings is not built on.
    let reusable = previous.filter(|state| {
        state.files == paths
            && state.edges == *project.import_edges()
            && !state.table.collided
            && !state.warned
    });
    if let Some(mut state) = reusable {
        let affected = project.importers_of(&project.parsed);
        state.table.forget(&affected);
        state.functions.retain(|_, f| !affected.contains(&f.file));
        let outcome = inspect_with(
            project,
            state.table,
            state.functions,
            state.values,
            state.refs,
        )?;
        // Which of two same-named types gets the plain name depends on the order of the
        // run: a run that met such a pair is done again from nothing.
        if !outcome.state.table.collided {
            return Ok(outcome);
        }
    }
    let mut outcome = inspect_with(
        project,
        DefTable::default(),
        BTreeMap::new(),
        BTreeMap::new(),
        Default::default(),
    )?;
    outcome.changes = Changes {
        functions: outcome.changes.functions,
        ..Changes::all()
    };
    Ok(outcome)
}

/// A successful inspection: the metadata, the warnings, what changed since the last run and
/// the state for the next.
pub struct Inspected {
    pub metadata: Metadata,
    pub warnings: Vec<Diagnostic>,
    pub changes: Changes,
    pub state: InspectState,
}

fn inspect_with(
    project: &Project,
    // Named types are expanded once for every function that uses them.
    mut table: DefTable,
    known: BTreeMap<String, FunctionSchemas>,
    mut values: BTreeMap<String, SchemaText>,
    mut refs: std::collections::HashMap<String, Vec<String>>,
) -> Result<Inspected, Vec<Diagnostic>> {
    table.fresh.clear();
    let mut changes = Changes::default();
    let mut diagnostics = Vec::new();
    let mut functions = BTreeMap::new();
    let mut schemas = BTreeMap::new();
    let mut made = BTreeMap::new();
    let mut defined: BTreeMap<String, (usize, &FunctionDef)> = BTreeMap::new();
    // Functions whose types failed: their wirings are not reported a second time.
    let mut failed = std::collections::BTreeSet::new();
    // Functions whose input schema is given at run time and cannot be read (JSON Schema, another
    // library's schema): their route parameters cannot be checked here.
    let mut opaque = std::collections::BTreeSet::new();
    for (file, module) in project.modules.iter().enumerate() {
        for function in &module.functions {
            if let Some((other_file, other)) = defined.get(&function.name) {
                let (line, column) = line_col(&project.files[*other_file].text, other.loc.offset);
                diagnostics.push(
                    Diagnostic::new("PIKKU_DUPLICATE_FUNCTION", function.loc, format!("a function named `{}` is already defined at {}:{line}:{column}", function.name, project.files[*other_file].display))
                        .with_hint("function names are their ids in the metadata and clients; rename one of them"),
                );
                continue;
            }
            defined.insert(function.name.clone(), (file, function));
        }
    }
    for (name, (file, function)) in &defined {
        let known = known.get(name).filter(|known| known.file == *file);
        let kept = known.and_then(|known| {
            let kept: Option<Vec<(String, SchemaText)>> = (known.schemas.iter())
                .map(|schema| Some((schema.clone(), values.remove(schema)?)))
                .collect();
            Some((known.clone(), kept?))
        });
        let (result, made_schemas) = match kept {
            Some(kept) => kept,
            None => {
                let (result, made_schemas) =
                    function_schemas(project, &mut table, *file, name, function);
                changes.schemas.extend(result.schemas.iter().cloned());
                changes.functions += 1;
                (result, made_schemas)
            }
        };
        diagnostics.extend(result.diagnostics.iter().cloned());
        if result.opaque {
            opaque.insert(name.clone());
        }
        if result.diagnostics.iter().any(Diagnostic::is_error) {
            failed.insert(name.clone());
        } else {
            functions.insert(name.clone(), result.meta.clone());
            schemas.extend(made_schemas);
        }
        made.insert(name.clone(), result);
    }
    let mut http = Vec::new();
    // The function a wiring names: followed through imports, renames and re-exports; else the
    // imported name (a function of a file outside the project is reported as not found).
    let function_of = |file: usize, local: &str| -> String {
        project.function_named(file, local).unwrap_or_else(|| {
            (project.modules[file].imports.get(local))
                .map_or(local.to_owned(), |i| i.imported.clone())
        })
    };
    for (file, module) in project.modules.iter().enumerate() {
        for wiring in &module.wirings {
            let label = format!("{} {}", wiring.method.to_uppercase(), wiring.route);
            let Some(method) = HttpMethod::parse(&wiring.method) else {
                diagnostics.push(
                    Diagnostic::new(
                        "PIKKU_WIRING",
                        wiring.loc,
                        format!("route `{label}`: `{}` is not an HTTP method", wiring.method),
                    )
                    .with_hint("use get, post, put, patch, delete, head or options"),
                );
                continue;
            };
            let function_name = &*function_of(file, &wiring.func);
            let Some(function) = functions.get(function_name) else {
                if failed.contains(function_name) {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::new("PIKKU_WIRING", wiring.loc, format!("route `{label}` wires `{}`, which is not a function defined with pikkuFunc, pikkuSessionlessFunc, APIFunction or APIFunctionSessionless", wiring.func))
                        .with_hint("define the function with one of them so that its input is validated"),
                );
                continue;
            };
            let input_keys = || {
                (function.input_schema.as_ref())
                    .and_then(|s| schemas.get(s))
                    .map(|schema| top_level_keys(schema, &table))
                    .unwrap_or_default()
            };
            let mut params = route_params(&wiring.route)
                .filter(|_| !opaque.contains(function_name))
                .peekable();
            let keys: &[String] = match (params.peek(), made.get(function_name)) {
                (None, _) => &[],
                (Some(_), Some(made)) => made.input_keys.get_or_init(input_keys),
                (Some(_), None) => &input_keys(),
            };
            for param in params {
                if !keys.iter().any(|k| k == param) {
                    diagnostics.push(
                        Diagnostic::new("PIKKU_ROUTE_PARAM", wiring.loc, format!("route `{label}`: `:{param}` is not a key of the input of `{function_name}`"))
                            .with_hint(format!("add `{param}` to the function's input type, or rename the route parameter")),
                    );
                }
            }
            http.push(HttpWiringMeta {
                method,
                route: wiring.route.clone(),
                function: function_name.to_owned(),
                auth: wiring.auth,
            });
        }
    }
    let mut channels = Vec::new();
    let mut channel_names = std::collections::HashSet::new();
    for (file, module) in project.modules.iter().enumerate() {
        for wiring in &module.channels {
            let (Some(channel_name), Some(route)) = (&wiring.name, &wiring.route) else {
                diagnostics.push(
                    Diagnostic::new("PIKKU_WIRING", wiring.loc, "a channel's `name` and `route` must be string literals, so that its client can be generated")
                        .with_hint("write them in the addChannel call: addChannel({ name: 'todos', route: '/ws/todos', … })"),
                );
                continue;
            };
            if !channel_names.insert(channel_name.clone()) {
                diagnostics.push(
                    Diagnostic::new(
                        "PIKKU_WIRING",
                        wiring.loc,
                        format!("channel `{channel_name}` is wired twice"),
                    )
                    .with_hint("give each channel its own name"),
                );
                continue;
            }
            if wiring.routing_keys.len() > 1 {
                diagnostics.push(
                    Diagnostic::new("PIKKU_WIRING", wiring.loc, format!("channel `{channel_name}` routes messages by {}; a channel routes by one key", wiring.routing_keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ")))
                        .with_hint("keep one key in onMessageWiring"),
                );
                continue;
            }
            let mut resolve = |local: &str, what: &str| -> Option<String> {
                let name = &*function_of(file, local);
                if functions.contains_key(name) {
                    return Some(name.to_owned());
                }
                if !failed.contains(name) {
                    diagnostics.push(
                        Diagnostic::new("PIKKU_WIRING", wiring.loc, format!("channel `{channel_name}` wires `{local}` for {what}, which is not a function defined with pikkuFunc, pikkuSessionlessFunc, APIFunction or APIFunctionSessionless"))
                            .with_hint("define the function with one of them so that its messages are validated"),
                    );
                }
                None
            };
            let messages = (wiring.handlers.iter())
                .filter_map(|(value, func)| {
                    Some((value.clone(), resolve(func, &format!("`{value}`"))?))
                })
                .collect();
            let default_function = (wiring.default_handler.as_deref())
                .and_then(|func| resolve(func, "its other messages"));
            channels.push(ChannelWiringMeta {
                name: channel_name.clone(),
                route: route.clone(),
                routing_key: (wiring.routing_keys.first().cloned())
                    .unwrap_or_else(|| "action".into()),
                messages,
                default_function,
            });
        }
    }
    sort_and_dedup(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    channels.sort_by(|a, b| a.name.cmp(&b.name));
    http.sort_by(|a, b| (&a.route, a.method.index()).cmp(&(&b.route, b.method.index())));
    let metadata = Metadata {
        version: METADATA_VERSION,
        functions,
        http,
        channels,
        defs: table.take_shared(&schemas, &mut refs, |name| changes.schemas.contains(name)),
        schemas,
    };
    let mut state = InspectState {
        table,
        functions: made,
        values: BTreeMap::new(),
        refs,
        warned: !diagnostics.is_empty(),
        files: project.files.iter().map(|f| f.path.clone()).collect(),
        edges: project.import_edges().clone(),
    };
    changes.defs = std::mem::take(&mut state.table.fresh);
    Ok(Inspected {
        metadata,
        warnings: diagnostics,
        changes,
        state,
    })
}

/// The schemas of function `name` (defined in `file`), with its metadata entry.
fn function_schemas(
    project: &Project,
    table: &mut DefTable,
    file: usize,
    name: &str,
    function: &FunctionDef,
) -> (FunctionSchemas, Vec<(String, SchemaText)>) {
    let mut diagnostics = Vec::new();
    let mut opaque = false;
    let mut schemas = Vec::new();
    let mut meta = FunctionMeta {
        input_schema: None,
        output_schema: None,
        sessionless: function.sessionless,
        source: Some(source_of(project, file, function.loc.offset)),
    };
    let type_name = capitalize(name);
    for (expr, ty, suffix, what) in [
        (&function.input_expr, &function.input, "Input", "input"),
        (&function.output_expr, &function.output, "Output", "output"),
    ] {
        let schema = match (expr, ty.as_ref().filter(|t| carries_data(t))) {
            // A schema given on the function: Zod, read statically, or JSON Schema.
            (Some(expr), _) => match zod::translate(project, table, file, expr) {
                Ok(zod::Outcome::Schema(schema)) => Some(schema),
                Ok(zod::Outcome::Opaque) => {
                    opaque |= suffix == "Input";
                    None
                }
                Err(problem) => {
                    let used_by = format!("the {what} of function `{name}`");
                    diagnostics.push(problem.used_by(&used_by, function.loc, &project.files));
                    None
                }
            },
            (None, Some(ty)) => {
                let used_by = (format!("the {what} of function `{name}`"), function.loc);
                let start = diagnostics.len();
                let schema = schema_of(project, table, file, ty, used_by, &mut diagnostics);
                if schema.is_none() && !diagnostics[start..].iter().any(Diagnostic::is_error) {
                    // Not expected: a missing schema always comes with its error.
                    diagnostics.push(Diagnostic::new(
                        "PIKKU_TYPE_UNRESOLVED",
                        function.loc,
                        format!("the {what} of function `{name}` has no schema"),
                    ));
                }
                schema
            }
            (None, None) => None,
        };
        if let Some(schema) = schema {
            let schema_name = format!("{type_name}{suffix}");
            if suffix == "Input" {
                meta.input_schema = Some(schema_name.clone());
            } else {
                meta.output_schema = Some(schema_name.clone());
            }
            schemas.push((schema_name, SchemaText::new(&schema)));
        }
    }
    let names = schemas.iter().map(|(name, _)| name.clone()).collect();
    let result = FunctionSchemas {
        file,
        meta,
        schemas: names,
        opaque,
        diagnostics,
        input_keys: Default::default(),
    };
    (result, schemas)
}

impl InspectState {
    /// Takes back the schemas and definitions lent to a run's metadata, for the next run.
    pub fn give_back(&mut self, metadata: Metadata) {
        self.values = metadata.schemas;
        self.table.give_back(metadata.defs);
    }
}

fn schema_of(
    project: &Project,
    table: &mut DefTable,
    file: usize,
    ty: &Ty,
    (what, at): (String, Loc),
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Value> {
    let (schema, problems) = SchemaBuilder::new(project, table).root(file, ty);
    diagnostics
        .extend((problems.into_iter()).map(|problem| problem.used_by(&what, at, &project.files)));
    schema
}

/// `void`, `undefined` and `never` carry no data: no schema.
fn carries_data(ty: &Ty) -> bool {
    !matches!(ty, Ty::Void | Ty::Undefined | Ty::Never)
        && !matches!(ty, Ty::Ref { name, args, .. } if name == "Promise" && args.first().is_some_and(|a| !carries_data(a)))
}

fn capitalize(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn source_of(project: &Project, file: usize, offset: u32) -> String {
    let (line, column) = line_col(&project.files[file].text, offset);
    format!("{}:{line}:{column}", project.files[file].display)
}

fn route_params(route: &str) -> impl Iterator<Item = &str> {
    route
        .split('/')
        .filter_map(|s| s.strip_prefix(':').or_else(|| s.strip_prefix('*')))
}

/// The property names at the top of a schema (following `$ref`s into the shared definitions).
fn top_level_keys(schema: &SchemaText, table: &DefTable) -> Vec<String> {
    let mut current = schema.value();
    for _ in 0..8 {
        let target = (current.get("$ref").and_then(Value::as_str))
            .and_then(|r| r.strip_prefix(pikku_engine::shared_defs::DEFS_PREFIX))
            .and_then(|name| table.get(name));
        match target {
            Some(target) => current = target,
            None => break,
        }
    }
    current
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}
