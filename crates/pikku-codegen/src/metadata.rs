//! The metadata a run made, and the text of its file (`pikku-meta.gen.json`): one entry per
//! line.

use std::collections::BTreeMap;

use pikku_engine::config::{ChannelWiringMeta, FunctionMeta, HttpWiringMeta};
use pikku_engine::MetadataFile;
use serde_json::Value;

use crate::schema_text::SchemaText;

/// What the runtime's [`MetadataFile`] holds, with each schema and definition kept as its
/// JSON text (the generator holds every one of them at once; as text they take a tenth of
/// the memory, and the file is made of that text).
#[derive(Debug)]
pub struct Metadata {
    pub version: u32,
    pub functions: BTreeMap<String, FunctionMeta>,
    pub http: Vec<HttpWiringMeta>,
    pub channels: Vec<ChannelWiringMeta>,
    pub schemas: BTreeMap<String, SchemaText>,
    pub defs: BTreeMap<String, SchemaText>,
}

impl Metadata {
    /// The metadata as the runtime reads it.
    pub fn to_file(&self) -> MetadataFile {
        let values = |texts: &BTreeMap<String, SchemaText>| {
            (texts.iter())
                .map(|(name, text)| (name.clone(), text.value()))
                .collect()
        };
        MetadataFile {
            version: self.version,
            functions: self.functions.clone(),
            http: self.http.clone(),
            channels: self.channels.clone(),
            schemas: values(&self.schemas),
            defs: values(&self.defs),
        }
    }
}

impl From<MetadataFile> for Metadata {
    fn from(file: MetadataFile) -> Metadata {
        let texts = |values: BTreeMap<String, Value>| {
            (values.into_iter())
                .map(|(name, value)| (name, SchemaText::new(&value)))
                .collect()
        };
        Metadata {
            version: file.version,
            functions: file.functions,
            http: file.http,
            channels: file.channels,
            schemas: texts(file.schemas),
            defs: texts(file.defs),
        }
    }
}

/// The metadata file's text: each function, route, channel, schema and definition on a line
/// of its own, so that a change shows as a change of the lines it touches, at close to the
/// size of compact JSON (the file is read by every server at start-up).
pub fn metadata_text(metadata: &Metadata) -> serde_json::Result<String> {
    let functions = (metadata.functions.iter())
        .map(|(name, function)| Ok((Some(name.as_str()), serde_json::to_string(function)?)))
        .collect::<serde_json::Result<Vec<_>>>()?;
    let http = (metadata.http.iter())
        .map(|wiring| Ok((None, serde_json::to_string(wiring)?)))
        .collect::<serde_json::Result<Vec<_>>>()?;
    let channels = (metadata.channels.iter())
        .map(|channel| Ok((None, serde_json::to_string(channel)?)))
        .collect::<serde_json::Result<Vec<_>>>()?;
    let (schemas, defs) = (named(&metadata.schemas), named(&metadata.defs));
    // Sized once: the text of a large project is a megabyte, and a doubling buffer would
    // hold up to twice that.
    let size = 256
        + size_of(&functions)
        + size_of(&http)
        + size_of(&channels)
        + size_of(&schemas)
        + size_of(&defs);
    let mut out = String::with_capacity(size);
    out.push_str(&format!("{{\n  \"version\": {}", metadata.version));
    section(&mut out, "functions", &functions, Some("{}"));
    section(&mut out, "http", &http, Some("[]"));
    section(&mut out, "channels", &channels, None);
    section(&mut out, "schemas", &schemas, Some("{}"));
    section(&mut out, "$defs", &defs, None);
    out.push_str("\n}\n");
    Ok(out)
}

/// About the length of `entries` in the file.
fn size_of<T: AsRef<str>>(entries: &[(Option<&str>, T)]) -> usize {
    (entries.iter())
        .map(|(name, text)| name.map_or(0, str::len) + text.as_ref().len() + 16)
        .sum()
}

fn named(texts: &BTreeMap<String, SchemaText>) -> Vec<(Option<&str>, &str)> {
    (texts.iter())
        .map(|(name, text)| (Some(name.as_str()), text.as_str()))
        .collect()
}

/// One member of the metadata file: its entries one per line (an object's when they are
/// named, else an array's). Without entries, `empty` (`[]`, `{}`), or nothing for a member
/// the format lets out.
fn section<T: AsRef<str>>(
    out: &mut String,
    key: &str,
    entries: &[(Option<&str>, T)],
    empty: Option<&str>,
) {
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
        out.push_str(text.as_ref());
    }
    out.push_str(&format!("\n  {close}"));
}
