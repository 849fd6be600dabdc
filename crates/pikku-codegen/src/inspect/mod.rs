//! From the parsed project to the metadata file: every function's input and output schema,
//! every HTTP wiring, and the checks that need both (a route `:param` must be an input key).

mod functions;
mod route_groups;
mod wirings;

use std::collections::BTreeMap;

use pikku_engine::config::{FunctionMeta, METADATA_VERSION};

use crate::diagnostics::{sort_and_dedup, Diagnostic};
use crate::metadata::Metadata;
use crate::project::Project;
use crate::resolve::DefTable;
use crate::schema_text::SchemaText;

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
    values: BTreeMap<String, SchemaText>,
    mut refs: std::collections::HashMap<String, Vec<String>>,
) -> Result<Inspected, Vec<Diagnostic>> {
    table.fresh.clear();
    let mut changes = Changes::default();
    let mut diagnostics = Vec::new();
    let found = functions::inspect_functions(
        project,
        &mut table,
        known,
        values,
        &mut changes,
        &mut diagnostics,
    );
    let mut http = wirings::http_wirings(project, &table, &found, &mut diagnostics);
    let mut channels = wirings::channel_wirings(project, &found, &mut diagnostics);
    sort_and_dedup(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    channels.sort_by(|a, b| a.name.cmp(&b.name));
    http.sort_by(|a, b| (&a.route, a.method.index()).cmp(&(&b.route, b.method.index())));
    let metadata = Metadata {
        version: METADATA_VERSION,
        functions: found.meta,
        http,
        channels,
        defs: table.take_shared(&found.schemas, &mut refs, |name| {
            changes.schemas.contains(name)
        }),
        schemas: found.schemas,
    };
    let mut state = InspectState {
        table,
        functions: found.made,
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

impl InspectState {
    /// Takes back the schemas and definitions lent to a run's metadata, for the next run.
    pub fn give_back(&mut self, metadata: Metadata) {
        self.values = metadata.schemas;
        self.table.give_back(metadata.defs);
    }
}
