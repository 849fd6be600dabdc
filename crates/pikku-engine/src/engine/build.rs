//! Building the engine at start-up: routes, entries, sessions and channels, with the input
//! schemas they name compiled once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value;

use super::{BuildError, Engine, Target, DEFAULT_MAX_BODY_BYTES};
use crate::channel::Channels;
use crate::config::{EngineConfig, EntryConfig};
use crate::router::Router;
use crate::scope::Scopes;
use crate::session::Sessions;
use crate::shared_defs;
use crate::validate::InputSchema;

/// The named input schemas: compiled when a route or entry first names one (a metadata file
/// also holds output schemas, which are never compiled).
#[derive(Debug)]
pub(super) struct Schemas {
    sources: BTreeMap<String, Value>,
    /// The definitions the sources share (`#/$defs/Name`).
    shared: BTreeMap<String, Value>,
    compiled: HashMap<String, Arc<InputSchema>>,
}

impl Schemas {
    /// Schema `name`, which `owner` (a route or function, for the message) names.
    fn compiled(&mut self, owner: &str, name: &str) -> Result<Arc<InputSchema>, String> {
        if let Some(schema) = self.compiled.get(name) {
            return Ok(schema.clone());
        }
        let Some(source) = self.sources.get(name) else {
            return Err(format!(
                "PIKKU_ERR_SCHEMA_MISSING: {owner} names input schema `{name}`, which is not among the schemas given; add it to `schemas` or run the code generator"
            ));
        };
        let full = shared_defs::with_shared_defs(source, &self.shared);
        let schema = Arc::new(InputSchema::compile(&full).map_err(|err| {
            format!("PIKKU_ERR_SCHEMA_INVALID: schema `{name}` is not a valid JSON Schema: {err}")
        })?);
        self.compiled.insert(name.to_owned(), schema.clone());
        Ok(schema)
    }
}

impl Engine {
    /// Compiles routes and the schemas they name; every problem is reported at once.
    pub fn new(config: EngineConfig) -> Result<Engine, BuildError> {
        let mut errors = Vec::new();
        let mut schemas = Schemas {
            sources: config.schemas,
            shared: config.defs,
            compiled: HashMap::new(),
        };
        let mut resolve = |owner: &str, name: &Option<String>| -> Option<Arc<InputSchema>> {
            match schemas.compiled(owner, name.as_deref()?) {
                Ok(schema) => Some(schema),
                Err(error) => {
                    if !errors.contains(&error) {
                        errors.push(error);
                    }
                    None
                }
            }
        };
        let mut targets = Vec::with_capacity(config.routes.len() + config.entries.len());
        for route in &config.routes {
            let label = format!("{} {}", route.method.as_upper(), route.route);
            let schema = resolve(&label, &route.input_schema);
            targets.push(Target {
                label,
                auth: route.auth,
                schema,
                streams: route.sse,
            });
        }
        for entry in &config.entries {
            let schema = resolve(&format!("function `{}`", entry.name), &entry.input_schema);
            targets.push(Target {
                label: entry.name.clone(),
                auth: entry.auth,
                schema,
                streams: false,
            });
        }
        let mut router = Router::default();
        for (index, route) in config.routes.iter().enumerate() {
            if let Err(err) = router.insert(
                route.method,
                &route.route,
                index as u32,
                route.registered_by.as_deref(),
            ) {
                errors.push(err.to_string());
            }
        }
        let sessions = match config.session.as_ref().map(Sessions::new) {
            Some(Ok(decoder)) => Some(decoder),
            Some(Err(mut errs)) => {
                errors.append(&mut errs);
                None
            }
            None => None,
        };
        let route_count = config.routes.len();
        let entry_count = config.entries.len();
        let channels = Channels::new(
            &config.channels,
            |entry| ((entry as usize) < entry_count).then(|| (route_count + entry as usize) as u32),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(BuildError(errors));
        }
        Ok(Engine {
            scopes: Scopes::new(&config.middleware_scopes),
            channels,
            router,
            schemas,
            targets,
            route_count: config.routes.len(),
            has_streams: config.routes.iter().any(|route| route.sse),
            max_body_bytes: config.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            sessions,
        })
    }

    /// Adds an entry after start-up (a Next.js route file loaded on first use). `inline_schema`,
    /// when given, is compiled and used instead of a named schema. Returns the entry index.
    pub fn add_entry(
        &mut self,
        entry: EntryConfig,
        inline_schema: Option<&Value>,
    ) -> Result<u32, BuildError> {
        let schema = match (inline_schema, &entry.input_schema) {
            (Some(schema), _) => Some(Arc::new(InputSchema::compile(schema).map_err(|err| {
                BuildError(vec![format!(
                    "PIKKU_ERR_SCHEMA_INVALID: the input schema of `{}` is not a valid JSON Schema: {err}",
                    entry.name
                )])
            })?)),
            (None, Some(name)) => Some(
                (self.schemas)
                    .compiled(&format!("function `{}`", entry.name), name)
                    .map_err(|error| BuildError(vec![error]))?,
            ),
            (None, None) => None,
        };
        self.targets.push(Target {
            label: entry.name,
            auth: entry.auth,
            schema,
            streams: false,
        });
        Ok((self.targets.len() - 1 - self.route_count) as u32)
    }
}
