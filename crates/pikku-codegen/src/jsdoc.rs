//! JSDoc comments: the description and `@tag value` lines.

use serde_json::{json, Value};

use crate::ir::Doc;
use crate::schema_values::number;

/// Reads a `/** … */` comment.
pub fn parse_jsdoc(comment: &str) -> Doc {
    let body = comment.trim_start_matches("/**").trim_end_matches("*/");
    let mut doc = Doc::default();
    let mut description = Vec::new();
    for line in body.lines() {
        let line = line.trim().trim_start_matches('*').trim();
        if let Some(tag) = line.strip_prefix('@') {
            let (name, value) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
            doc.tags.push((name.to_owned(), value.trim().to_owned()));
        } else if !line.is_empty() && doc.tags.is_empty() {
            description.push(line);
        }
    }
    if !description.is_empty() {
        doc.description = Some(description.join(" "));
    }
    doc
}

/// JSDoc tags as schema keywords.
pub fn apply_doc(schema: &mut Value, doc: &Doc) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(description) = &doc.description {
        object.insert("description".into(), json!(description));
    }
    for (tag, value) in &doc.tags {
        let number = || value.parse::<f64>().ok().map(number);
        let entry = match tag.as_str() {
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minimum" | "maximum"
            | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
                number().map(|n| (tag.as_str(), n))
            }
            "pattern" | "format" => Some((tag.as_str(), json!(value))),
            "description" => Some(("description", json!(value))),
            "default" => Some((
                "default",
                serde_json::from_str(value).unwrap_or_else(|_| json!(value)),
            )),
            "asType" if value == "integer" => Some(("type", json!("integer"))),
            _ => None,
        };
        if let Some((key, value)) = entry {
            object.insert(key.to_owned(), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_description_and_tags() {
        let doc = parse_jsdoc(
            "/**\n * The title.\n * Shown in lists.\n * @minLength 1\n * @pattern ^[a-z]+$\n */",
        );
        assert_eq!(
            doc.description.as_deref(),
            Some("The title. Shown in lists.")
        );
        assert_eq!(
            doc.tags,
            vec![
                ("minLength".into(), "1".into()),
                ("pattern".into(), "^[a-z]+$".into())
            ]
        );
        assert_eq!(
            parse_jsdoc("/** @format email */").tags,
            vec![("format".into(), "email".into())]
        );
    }
}
