//! Compiling a schema into a [`Plan`]: one node per subschema, shared through `$ref`s, and no
//! plan at all when a keyword the scan does not check appears.

use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use super::{kind, Bound, Node, NodeId, Plan, Property};

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

pub(super) const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

impl Plan {
    /// The plan of `schema`, or `None` when it uses a keyword the plan leaves out.
    pub(in crate::validate) fn compile(schema: &Value) -> Option<Plan> {
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
