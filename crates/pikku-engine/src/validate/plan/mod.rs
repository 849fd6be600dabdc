//! The part of an input schema that [`super::scan`] checks straight on the JSON text: the
//! keywords that generated schemas use (types, properties, required, items, lengths, bounds,
//! enum/const, anyOf/allOf, local `$ref`s), compiled into a flat list of nodes. A schema that
//! uses any other keyword has no plan and is always checked by the full validator.

mod compile;

use serde_json::{Number, Value};

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

impl Plan {
    /// The plan that accepts any JSON (a function without an input schema), which still
    /// refuses forbidden keys.
    pub(super) fn any() -> Plan {
        Plan {
            nodes: vec![Node::default()],
            root: ANY,
        }
    }
}

#[cfg(test)]
mod tests;
