//! The functions of the project: each one's input and output schema (Zod, or its TypeScript
//! types) and metadata entry, reused from the last run when nothing it depends on changed.

use std::collections::{BTreeMap, BTreeSet};

use pikku_engine::config::FunctionMeta;
use serde_json::Value;

use super::{Changes, FunctionSchemas};
use crate::diagnostics::{line_col, Diagnostic};
use crate::ir::{FunctionDef, Loc, Ty};
use crate::project::Project;
use crate::resolve::{DefTable, SchemaBuilder};
use crate::schema_text::SchemaText;
use crate::zod;

/// The functions found, with what the wirings are checked against.
pub(super) struct Functions {
    /// The metadata entries of the functions without errors.
    pub(super) meta: BTreeMap<String, FunctionMeta>,
    /// Their schemas, by name.
    pub(super) schemas: BTreeMap<String, SchemaText>,
    /// Every function inspected (or kept), errors or not.
    pub(super) made: BTreeMap<String, FunctionSchemas>,
    /// Functions whose types failed: their wirings are not reported a second time.
    pub(super) failed: BTreeSet<String>,
    /// Functions whose input schema is given at run time and cannot be read (JSON Schema,
    /// another library's schema): their route parameters cannot be checked here.
    pub(super) opaque: BTreeSet<String>,
}

/// Inspects every function of the project, or keeps what `known` (the last run) made of it:
/// `values` holds the schemas of the known ones.
pub(super) fn inspect_functions(
    project: &Project,
    table: &mut DefTable,
    known: BTreeMap<String, FunctionSchemas>,
    mut values: BTreeMap<String, SchemaText>,
    changes: &mut Changes,
    diagnostics: &mut Vec<Diagnostic>,
) -> Functions {
    let mut functions = BTreeMap::new();
    let mut schemas = BTreeMap::new();
    let mut made = BTreeMap::new();
    let mut defined: BTreeMap<String, (usize, &FunctionDef)> = BTreeMap::new();
    let mut failed = BTreeSet::new();
    let mut opaque = BTreeSet::new();
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
                    function_schemas(project, table, *file, name, function);
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
    Functions {
        meta: functions,
        schemas,
        made,
        failed,
        opaque,
    }
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
        expose: function.expose,
        title: function.info.title.clone(),
        description: function.info.description.clone(),
        tags: function.info.tags.clone(),
        deprecated: function.info.deprecated,
        errors: function.info.errors.clone(),
    };
    for error in &function.info.errors {
        if !pikku_engine::error::ERROR_TABLE
            .iter()
            .any(|kind| kind.name == error)
        {
            diagnostics.push(
                Diagnostic::warning("PIKKU_ERRORS", function.loc, format!("function `{name}` declares `{error}`, which is not one of Pikku's errors: the OpenAPI document cannot give its status"))
                    .with_hint("declare the Pikku error it extends (`ConflictError`), or leave it out of `errors`"),
            );
        }
    }
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
