//! The part of an input schema that [`super::scan`] checks straight on the JSON text: the
//! keywords that generated schemas use (types, properties, required, items, lengths, bounds,
//! enum/const, anyOf/allOf, local `$ref`s), compiled into a flat list of nodes. A schema that
//! uses any other keyword has no plan and is always checked by the full validator.

use rustc_hash::FxHashMap;
use serde_json::{Map, Number, Value};

/// Index of a node in [`Plan::nodes`].
pub(super) type NodeId = u32;

/// The node that accepts anything (the schema `true`).
pub(super) const ANY: NodeId = 0;

/// Type bits of [`Node::types`].
pub(super) mod kind {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const OBJECT: u8 = 4;
    pub const ARRAY: u8 = 8;
    pub const NUMBER: u8 = 16;
    /// Only numbers written as integers (`5`, not `5.0`, which the plan leaves to the full
    /// validator).
    pub const INTEGER: u8 = 32;
    pub const STRING: u8 = 64;
}

/// A compiled schema subset.
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) nodes: Vec<Node>,
    pub(super) root: NodeId,
}

/// One schema: each check applies to the instances of its kind, as in JSON Schema.
#[derive(Debug)]
pub(super) struct Node {
    /// The schema `false`.
    pub(super) never: bool,
    /// Accepted kinds (`kind` bits); 0 accepts every kind.
    pub(super) types: u8,
    pub(super) properties: Vec<Property>,
    /// Bits of `properties` that must be present.
    pub(super) required: u64,
    /// The schema of keys not in `properties` (`None`: anything).
    pub(super) additional: Option<NodeId>,
    pub(super) prefix_items: Vec<NodeId>,
    /// The schema of items after `prefix_items` (`None`: anything).
    pub(super) items: Option<NodeId>,
    pub(super) min_items: u64,
    pub(super) max_items: u64,
    /// In characters (code points), as JSON Schema counts them.
    pub(super) min_length: u64,
    pub(super) max_length: u64,
    /// `format` and `pattern`, left to the full validator on the string alone.
    pub(super) string_check: Option<jsonschema::Validator>,
    pub(super) bounds: Vec<Bound>,
    /// `enum` and `const`: the value must be one of each list.
    pub(super) choices: Vec<Vec<Value>>,
    pub(super) any_of: Vec<NodeId>,
    pub(super) all_of: Vec<NodeId>,
    pub(super) reference: Option<NodeId>,
}

impl Default for Node {
    /// The schema `true`: no check.
    fn default() -> Self {
        Node {
            never: false,
            types: 0,
            properties: Vec::new(),
            required: 0,
            additional: None,
            prefix_items: Vec::new(),
            items: None,
            min_items: 0,
            max_items: u64::MAX,
            min_length: 0,
            max_length: u64::MAX,
            string_check: None,
            bounds: Vec::new(),
            choices: Vec::new(),
            any_of: Vec::new(),
            all_of: Vec::new(),
            reference: None,
        }
    }
}

/// A key the schema names, in `properties` or only in `required`.
#[derive(Debug)]
pub(super) struct Property {
    pub(super) name: Box<str>,
    /// `None`: named only by `required`, so its value is checked as an additional property.
    pub(super) schema: Option<NodeId>,
}

/// `minimum`, `maximum`, `exclusiveMinimum` or `exclusiveMaximum`.
#[derive(Debug)]
pub(super) struct Bound {
    pub(super) limit: Number,
    pub(super) below: bool,
    pub(super) exclusive: bool,
}

/// Keywords that only annotate: they change nothing in validation.
const ANNOTATIONS: [&str; 8] = [
    "title",
    "description",
    "$comment",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

impl Plan {
    /// The plan of `schema`, or `None` when it uses a keyword the plan leaves out.
    pub(super) fn compile(schema: &Value) -> Option<Plan> {
        // An `$id` changes what the `$ref`s below it point to; the plan resolves every pointer
        // from the root, so it leaves such schemas (even a property named `$id`) alone.
        if has_key(schema, "$id") {
            return None;
        }
        let mut compiler = Compiler {
            root: schema,
            nodes: vec![Node::default()],
            by_pointer: FxHashMap::default(),
        };
        let root = compiler.node(schema, String::new())?;
        Some(Plan {
            nodes: compiler.nodes,
            root,
        })
    }

    /// The plan that accepts any JSON (a function without an input schema), which still
    /// refuses forbidden keys.
    pub(super) fn any() -> Plan {
        Plan {
            nodes: vec![Node::default()],
            root: ANY,
        }
    }
}

struct Compiler<'s> {
    root: &'s Value,
    nodes: Vec<Node>,
    /// Nodes by JSON pointer, so that `$ref`s share them and cycles end.
    by_pointer: FxHashMap<String, NodeId>,
}

impl Compiler<'_> {
    fn node(&mut self, schema: &Value, pointer: String) -> Option<NodeId> {
        if let Some(&id) = self.by_pointer.get(&pointer) {
            return Some(id);
        }
        let id = NodeId::try_from(self.nodes.len()).ok()?;
        self.nodes.push(Node::default());
        self.by_pointer.insert(pointer.clone(), id);
        let node = match schema {
            Value::Bool(true) => Node::default(),
            Value::Bool(false) => Node {
                never: true,
                ..Node::default()
            },
            Value::Object(keywords) => self.keywords(keywords, &pointer)?,
            _ => return None,
        };
        self.nodes[id as usize] = node;
        Some(id)
    }

    fn child(&mut self, schema: &Value, pointer: &str, path: &[&str]) -> Option<NodeId> {
        let mut pointer = pointer.to_owned();
        for segment in path {
            pointer.push('/');
            pointer.push_str(&segment.replace('~', "~0").replace('/', "~1"));
        }
        self.node(schema, pointer)
    }

    fn children(&mut self, list: &Value, pointer: &str, keyword: &str) -> Option<Vec<NodeId>> {
        list.as_array()?
            .iter()
            .enumerate()
            .map(|(i, schema)| self.child(schema, pointer, &[keyword, &i.to_string()]))
            .collect()
    }

    fn keywords(&mut self, keywords: &Map<String, Value>, pointer: &str) -> Option<Node> {
        let mut node = Node::default();
        let mut string_check = Map::new();
        let mut required = Vec::new();
        for (keyword, value) in keywords {
            match keyword.as_str() {
                "type" => node.types = types(value)?,
                "properties" => {
                    for (name, schema) in value.as_object()? {
                        let schema = self.child(schema, pointer, &["properties", name])?;
                        node.properties.push(Property {
                            name: name.as_str().into(),
                            schema: Some(schema),
                        });
                    }
                }
                "required" => {
                    required = value
                        .as_array()?
                        .iter()
                        .map(Value::as_str)
                        .collect::<Option<_>>()?
                }
                "additionalProperties" => {
                    node.additional = Some(self.child(value, pointer, &[keyword])?)
                }
                "items" => node.items = Some(self.child(value, pointer, &[keyword])?),
                "prefixItems" => node.prefix_items = self.children(value, pointer, keyword)?,
                "minItems" => node.min_items = value.as_u64()?,
                "maxItems" => node.max_items = value.as_u64()?,
                "minLength" => node.min_length = value.as_u64()?,
                "maxLength" => node.max_length = value.as_u64()?,
                "format" | "pattern" => {
                    string_check.insert(keyword.clone(), value.clone());
                }
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    node.bounds.push(Bound {
                        limit: value.as_number()?.clone(),
                        below: keyword.contains("aximum"),
                        exclusive: keyword.starts_with("exclusive"),
                    })
                }
                "enum" => node.choices.push(value.as_array()?.clone()),
                "const" => node.choices.push(vec![value.clone()]),
                "anyOf" => node.any_of = self.children(value, pointer, keyword)?,
                "allOf" => node.all_of = self.children(value, pointer, keyword)?,
                "$ref" => node.reference = Some(self.reference(value.as_str()?)?),
                // Containers of schemas reached through `$ref`, compiled when referenced.
                "$defs" | "definitions" => {}
                "$schema" if value.as_str() == Some(DRAFT_2020_12) => {}
                other if ANNOTATIONS.contains(&other) => {}
                // Unknown keywords annotate too; known ones the plan leaves out make it give up.
                other if is_keyword(other) => return None,
                _ => {}
            }
        }
        for name in required {
            let at = match node.properties.iter().position(|p| &*p.name == name) {
                Some(at) => at,
                None => {
                    node.properties.push(Property {
                        name: name.into(),
                        schema: None,
                    });
                    node.properties.len() - 1
                }
            };
            if at >= 64 {
                return None;
            }
            node.required |= 1 << at;
        }
        if node.properties.len() > 64 {
            return None;
        }
        if !string_check.is_empty() {
            node.string_check = Some(
                jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .build(&Value::Object(string_check))
                    .ok()?,
            );
        }
        Some(node)
    }

    /// A local reference: `#` or a JSON pointer into the schema (`#/$defs/Todo`).
    fn reference(&mut self, reference: &str) -> Option<NodeId> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.contains('%') || !(pointer.is_empty() || pointer.starts_with('/')) {
            return None;
        }
        let target = self.root.pointer(pointer)?;
        self.node(target, pointer.to_owned())
    }
}

/// Whether an object anywhere in `value` has the key `key`.
fn has_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

fn types(value: &Value) -> Option<u8> {
    let one = |name: &str| match name {
        "null" => Some(kind::NULL),
        "boolean" => Some(kind::BOOLEAN),
        "object" => Some(kind::OBJECT),
        "array" => Some(kind::ARRAY),
        "number" => Some(kind::NUMBER | kind::INTEGER),
        "integer" => Some(kind::INTEGER),
        "string" => Some(kind::STRING),
        _ => None,
    };
    match value {
        Value::String(name) => one(name),
        Value::Array(names) => names
            .iter()
            .try_fold(0, |bits, name| Some(bits | one(name.as_str()?)?)),
        _ => None,
    }
}

/// Whether `name` is a keyword the full validator acts on (any draft it knows), so that the
/// plan must not read it as an annotation.
fn is_keyword(name: &str) -> bool {
    name.starts_with('$')
        || matches!(
            name,
            "oneOf"
                | "not"
                | "if"
                | "then"
                | "else"
                | "dependentSchemas"
                | "dependentRequired"
                | "dependencies"
                | "contains"
                | "minContains"
                | "maxContains"
                | "patternProperties"
                | "propertyNames"
                | "multipleOf"
                | "uniqueItems"
                | "minProperties"
                | "maxProperties"
                | "additionalItems"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "contentEncoding"
                | "contentMediaType"
                | "contentSchema"
                | "discriminator"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generated_shapes_have_a_plan() {
        let schema = json!({
            "$schema": DRAFT_2020_12,
            "$defs": { "Tag": { "type": "string", "enum": ["a", "b"] } },
            "type": "object",
            "title": "Todo",
            "properties": {
                "id": { "type": "integer", "minimum": 1 },
                "title": { "type": "string", "minLength": 1 },
                "due": { "type": "string", "format": "date-time" },
                "tags": { "type": "array", "items": { "$ref": "#/$defs/Tag" } },
                "pair": { "type": "array", "prefixItems": [{ "type": "number" }, { "const": "x" }], "items": false },
                "note": { "anyOf": [{ "type": "string" }, { "type": "null" }] }
            },
            "required": ["id", "title"],
            "additionalProperties": false
        });
        let plan = Plan::compile(&schema).expect("a plan");
        let root = &plan.nodes[plan.root as usize];
        assert_eq!(root.properties.len(), 6);
        let required: Vec<&str> = (0..root.properties.len())
            .filter(|i| root.required & (1 << i) != 0)
            .map(|i| &*root.properties[i].name)
            .collect();
        assert_eq!(required, ["id", "title"]);
        assert!(root
            .additional
            .is_some_and(|id| plan.nodes[id as usize].never));
    }

    #[test]
    fn other_keywords_leave_the_schema_to_the_full_validator() {
        for schema in [
            json!({ "oneOf": [true, false] }),
            json!({ "type": "number", "multipleOf": 2 }),
            json!({ "properties": { "a": { "not": { "type": "string" } } } }),
            json!({ "$id": "https://example.com/s", "type": "string" }),
            json!({ "$ref": "https://example.com/other" }),
            json!({ "$schema": "http://json-schema.org/draft-07/schema#" }),
            json!({ "type": "decimal" }),
            // A `$ref` inside a schema with its own `$id` resolves against that `$id`.
            json!({
                "$defs": {
                    "C": { "type": "string" },
                    "B": { "$id": "https://example.com/b.json",
                           "$defs": { "C": { "type": "integer" }, "A": { "$ref": "#/$defs/C" } } }
                },
                "properties": { "x": { "$ref": "#/$defs/B/$defs/A" } }
            }),
        ] {
            assert!(Plan::compile(&schema).is_none(), "{schema}");
        }
        assert!(Plan::compile(&json!({ "x-internal": true, "type": "string" })).is_some());
    }

    #[test]
    fn recursive_references_end() {
        let schema = json!({
            "type": "object",
            "properties": { "children": { "type": "array", "items": { "$ref": "#" } } }
        });
        let plan = Plan::compile(&schema).expect("a plan");
        assert_eq!(
            plan.nodes.len(),
            4,
            "any, root, children, and the ref back to the root"
        );
    }
}
