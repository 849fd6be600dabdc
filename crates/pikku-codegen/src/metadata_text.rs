//! The metadata file's text (`pikku-meta.gen.json`): one entry per line, entries serialized
//! again only when made anew.

use std::collections::BTreeMap;

use pikku_engine::MetadataFile;
use serde_json::Value;

use crate::inspect::Changes;
use crate::text_cache::TextCache;

/// The metadata file's text: each function, route, channel, schema and definition on a line
/// of its own, so that a change shows as a change of the lines it touches, at close to the
/// size of compact JSON (the file is read by every server at start-up).
pub fn metadata_text(metadata: &MetadataFile) -> serde_json::Result<String> {
    metadata_text_with(metadata, &mut EntryTexts::default(), &Changes::all())
}

/// The serialized schemas and definitions of the last run, by name.
#[derive(Debug, Default)]
pub(crate) struct EntryTexts {
    schemas: TextCache,
    defs: TextCache,
}

/// [`metadata_text`], serializing again only the schemas and definitions in `changes`.
pub(crate) fn metadata_text_with(
    metadata: &MetadataFile,
    texts: &mut EntryTexts,
    changes: &Changes,
) -> serde_json::Result<String> {
    let mut out = format!("{{\n  \"version\": {}", metadata.version);
    let functions = (metadata.functions.iter())
        .map(|(name, function)| Ok((Some(name.as_str()), serde_json::to_string(function)?)))
        .collect::<serde_json::Result<Vec<_>>>()?;
    section(&mut out, "functions", &functions, Some("{}"));
    let http = (metadata.http.iter())
        .map(|wiring| Ok((None, serde_json::to_string(wiring)?)))
        .collect::<serde_json::Result<Vec<_>>>()?;
    section(&mut out, "http", &http, Some("[]"));
    let channels = (metadata.channels.iter())
        .map(|channel| Ok((None, serde_json::to_string(channel)?)))
        .collect::<serde_json::Result<Vec<_>>>()?;
    section(&mut out, "channels", &channels, None);
    let schemas = reuse_texts(&mut texts.schemas, |n| changes.schema(n), &metadata.schemas)?;
    section(&mut out, "schemas", &schemas, Some("{}"));
    let defs = reuse_texts(&mut texts.defs, |n| changes.def(n), &metadata.defs)?;
    section(&mut out, "$defs", &defs, None);
    out.push_str("\n}\n");
    Ok(out)
}

/// One member of the metadata file: its entries one per line (an object's when they are
/// named, else an array's). Without entries, `empty` (`[]`, `{}`), or nothing for a member
/// the format lets out.
fn section(out: &mut String, key: &str, entries: &[(Option<&str>, String)], empty: Option<&str>) {
    let Some((first, _)) = entries.first() else {
        if let Some(empty) = empty {
            out.push_str(&format!(",\n  \"{key}\": {empty}"));
        }
        return;
    };
    let (open, close) = if first.is_some() {
        ('{', '}')
    } else {
        ('[', ']')
    };
    out.push_str(&format!(",\n  \"{key}\": {open}"));
    for (i, (name, text)) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        if let Some(name) = name {
            out.push_str(&Value::from(*name).to_string());
            out.push_str(": ");
        }
        out.push_str(text);
    }
    out.push_str(&format!("\n  {close}"));
}

/// The JSON text of each of `values`, from `texts` unless `changed` says it was made anew.
fn reuse_texts<'v>(
    texts: &mut TextCache,
    changed: impl Fn(&str) -> bool,
    values: &'v BTreeMap<String, Value>,
) -> serde_json::Result<Vec<(Option<&'v str>, String)>> {
    let entries = (values.iter())
        .map(|(name, value)| {
            let text = texts.try_text(name, changed(name), || serde_json::to_string(value))?;
            Ok((Some(name.as_str()), text))
        })
        .collect();
    texts.end_run();
    entries
}
