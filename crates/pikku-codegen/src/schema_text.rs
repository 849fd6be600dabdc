//! A finished schema kept as its compact JSON text: a tenth of the memory of the
//! `serde_json::Value` tree it was built as (a small object is a B-tree node of several
//! hundred bytes), and already the text the metadata file is made of. Readers parse it back
//! when they need its structure.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// A JSON Schema (or a `$defs` entry) as compact JSON text.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct SchemaText(Box<RawValue>);

impl SchemaText {
    /// Freezes `schema` into its text.
    pub fn new(schema: &Value) -> SchemaText {
        // A `Value` always serializes: its map keys are strings and it holds no NaN.
        SchemaText(serde_json::value::to_raw_value(schema).expect("a JSON value serializes"))
    }

    /// The schema's structure, parsed again from the text.
    pub fn value(&self) -> Value {
        serde_json::from_str(self.0.get()).expect("the text of a JSON value parses")
    }

    /// The compact JSON text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The schema's top-level `$ref`, read without building the rest of it.
    pub fn top_ref(&self) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct TopRef {
            #[serde(rename = "$ref")]
            reference: Option<String>,
        }
        let top: Option<TopRef> = serde_json::from_str(self.0.get()).ok();
        top.and_then(|top| top.reference)
    }

    /// Whether the schema has definitions of its own (`$defs` inside it).
    pub fn has_own_defs(&self) -> bool {
        // Cheap: a schema without the key anywhere in its text has none.
        self.0.get().contains("\"$defs\":")
            && self.value().get("$defs").is_some_and(Value::is_object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_the_compact_text_and_gives_the_value_back() {
        let schema = json!({ "type": "object", "properties": { "id": { "type": "string" } } });
        let text = SchemaText::new(&schema);
        assert_eq!(
            text.as_str(),
            r#"{"properties":{"id":{"type":"string"}},"type":"object"}"#
        );
        assert_eq!(text.value(), schema);
        assert_eq!(serde_json::to_string(&text).unwrap(), text.as_str());
        assert_eq!(text.top_ref(), None);
        assert!(!text.has_own_defs());
    }

    #[test]
    fn reads_the_top_level_reference_and_own_definitions() {
        let text = SchemaText::new(&json!({
            "$defs": { "Todo": { "type": "string" } },
            "$ref": "#/$defs/Todo",
            "description": "\"$defs\": in a string"
        }));
        assert_eq!(text.top_ref().as_deref(), Some("#/$defs/Todo"));
        assert!(text.has_own_defs());
        let text = SchemaText::new(&json!({ "description": "\"$defs\": {}", "type": "string" }));
        assert!(!text.has_own_defs());
        let text = SchemaText::new(&json!({ "items": { "$ref": "#/$defs/Todo" } }));
        assert_eq!(text.top_ref(), None);
    }
}
