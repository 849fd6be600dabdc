//! From the parsed project to the metadata file: every function's input and output schema,
//! every HTTP wiring, and the checks that need both (a route `:param` must be an input key).

use std::collections::BTreeMap;

use pikku_engine::config::{
    ChannelWiringMeta, FunctionMeta, HttpMethod, HttpWiringMeta, MetadataFile, METADATA_VERSION,
};
use serde_json::Value;

use crate::diagnostics::{line_col, sort_and_dedup, Diagnostic};
use crate::ir::{FunctionDef, Loc, Ty};
use crate::project::Project;
use crate::resolve::{DefTable, SchemaBuilder};
use crate::zod;

/// Inspects the project; all problems are reported together. With no error, the metadata and
/// the warnings; else every diagnostic (warnings too).
pub fn inspect(project: &Project) -> Result<(MetadataFile, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    // Named types are expanded once for every function that uses them.
    let mut table = DefTable::default();
    let mut functions = BTreeMap::new();
    let mut schemas = BTreeMap::new();
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
        let mut meta = FunctionMeta {
            input_schema: None,
            output_schema: None,
            sessionless: function.sessionless,
            source: Some(source_of(project, *file, function.loc.offset)),
        };
        let type_name = capitalize(name);
        for (expr, ty, suffix, what) in [
            (&function.input_expr, &function.input, "Input", "input"),
            (&function.output_expr, &function.output, "Output", "output"),
        ] {
            let schema = match (expr, ty.as_ref().filter(|t| carries_data(t))) {
                // A schema given on the function: Zod, read statically, or JSON Schema.
                (Some(expr), _) => match zod::translate(project, &mut table, *file, expr) {
                    Ok(zod::Outcome::Schema(schema)) => Some(schema),
                    Ok(zod::Outcome::Opaque) => {
                        if suffix == "Input" {
                            opaque.insert(name.clone());
                        }
                        None
                    }
                    Err(problem) => {
                        let used_by = format!("the {what} of function `{name}`");
                        diagnostics.push(problem.used_by(&used_by, function.loc, &project.files));
                        failed.insert(name.clone());
                        None
                    }
                },
                (None, Some(ty)) => {
                    let used_by = (format!("the {what} of function `{name}`"), function.loc);
                    let schema =
                        schema_of(project, &mut table, *file, ty, used_by, &mut diagnostics);
                    if schema.is_none() {
                        failed.insert(name.clone());
                    }
                    schema
                }
                (None, None) => None,
            };
            if let Some(schema) = schema {
                let schema_name = format!("{type_name}{suffix}");
                schemas.insert(schema_name.clone(), schema);
                if suffix == "Input" {
                    meta.input_schema = Some(schema_name);
                } else {
                    meta.output_schema = Some(schema_name);
                }
            }
        }
        if !failed.contains(name) {
            functions.insert(name.clone(), meta);
        }
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
            let keys = function
                .input_schema
                .as_ref()
                .and_then(|s| schemas.get(s))
                .map(|schema| top_level_keys(schema, &table))
                .unwrap_or_default();
            let params = route_params(&wiring.route).filter(|_| !opaque.contains(function_name));
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
    let metadata = MetadataFile {
        version: METADATA_VERSION,
        functions,
        http,
        channels,
        defs: table.shared_by(schemas.values()),
        schemas,
    };
    Ok((metadata, diagnostics))
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
fn top_level_keys(schema: &Value, table: &DefTable) -> Vec<String> {
    let mut current = schema;
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
