//! Helpers shared by the JSDoc tests: tags as pairs, a comment applied to a schema.

mod keywords;
mod reading;

use serde_json::{json, Value};

use super::{apply_doc, parse_jsdoc};
use crate::ir::Loc;

fn tags(comment: &str) -> Vec<(String, String)> {
    parse_jsdoc(comment, Loc::default())
        .tags
        .into_iter()
        .map(|t| (t.name, t.value))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// The schema `{ "type": type }` with the comment applied, and the problems' codes and
/// messages.
fn applied(ty: &str, comment: &str) -> (Value, Vec<String>) {
    let mut schema = json!({ "type": ty });
    let problems = apply_doc(&mut schema, &parse_jsdoc(comment, Loc::default()), &|_| {
        None
    });
    let problems = problems
        .iter()
        .map(|p| format!("{}: {}", p.code, p.message))
        .collect();
    (schema, problems)
}
