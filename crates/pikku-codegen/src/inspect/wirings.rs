//! The wirings of the project: each HTTP route and channel checked against the functions it
//! names (a route `:param` must be a key of the function's input).

use std::collections::HashSet;

use pikku_engine::config::{ChannelWiringMeta, HttpMethod, HttpWiringMeta, UploadMeta};
use serde_json::Value;

use super::functions::Functions;
use super::route_groups;
use crate::diagnostics::Diagnostic;
use crate::project::Project;
use crate::resolve::DefTable;
use crate::schema_text::SchemaText;

/// The function a wiring names: followed through imports, renames and re-exports; else the
/// imported name (a function of a file outside the project is reported as not found).
fn function_of(project: &Project, file: usize, local: &str) -> String {
    project.function_named(file, local).unwrap_or_else(|| {
        (project.modules[file].imports.get(local)).map_or(local.to_owned(), |i| i.imported.clone())
    })
}

/// The HTTP wirings, each naming a function without errors.
pub(super) fn http_wirings(
    project: &Project,
    table: &DefTable,
    found: &Functions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<HttpWiringMeta> {
    let Functions {
        meta: functions,
        schemas,
        made,
        failed,
        opaque,
    } = found;
    let mut http = Vec::new();
    let grouped = route_groups::grouped_routes(project, diagnostics);
    let single = (project.modules.iter().enumerate())
        .flat_map(|(file, module)| module.wirings.iter().map(move |w| (file, w)));
    for (file, wiring) in single.chain(grouped.iter().map(|(file, w)| (*file, w))) {
        {
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
            let function_name = &*function_of(project, file, &wiring.func);
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
                    .map(|schema| top_level_keys(schema, table))
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
                sse: wiring.sse,
                tags: wiring.tags.clone(),
                upload: (wiring.upload.clone()).map(|file_fields| UploadMeta { file_fields }),
            });
        }
    }
    http
}

/// The channel wirings, each naming functions without errors.
pub(super) fn channel_wirings(
    project: &Project,
    found: &Functions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ChannelWiringMeta> {
    let Functions {
        meta: functions,
        failed,
        ..
    } = found;
    let mut channels = Vec::new();
    let mut channel_names = HashSet::new();
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
                let name = &*function_of(project, file, local);
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
    channels
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
