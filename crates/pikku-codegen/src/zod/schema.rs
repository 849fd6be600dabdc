//! A Zod schema as the reader builds it (the `Z` tree and its checks), and the small steps that
//! narrow or unwrap one.

use serde_json::{json, Value};

const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

// Zod 4.6's own patterns for its string formats (`regexes.email`, `uuid`, `datetime()`, `date`).
const EMAIL: &str = r"^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$";
const UUID: &str = r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$";
const DATE_BODY: &str = r"(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))";
const TIME_BODY: &str = r"T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z))";

/// A Zod schema, as far as JSON Schema can tell.
#[derive(Debug, Clone)]
pub(super) enum Z {
    String(StrChecks),
    Number(NumChecks),
    Boolean,
    Null,
    Any,
    Enum(Vec<Value>),
    Literal(Vec<Value>),
    Array {
        item: Box<Z>,
        min: Option<f64>,
        max: Option<f64>,
    },
    Tuple {
        items: Vec<Z>,
        rest: Option<Box<Z>>,
    },
    Record {
        key: Box<Z>,
        value: Box<Z>,
    },
    Object {
        shape: Vec<(String, Z)>,
        catchall: Catchall,
    },
    Union {
        options: Vec<Z>,
        exclusive: bool,
    },
    Optional(Box<Z>),
    Nullable(Box<Z>),
    Default(Box<Z>, Value),
    Described(Box<Z>, String),
    /// A schema held by a `const` of the project: one shared definition, referenced.
    Named(std::rc::Rc<Named>),
}

/// A `const` holding a schema: where it is declared, and the schema.
#[derive(Debug)]
pub(super) struct Named {
    pub(super) file: usize,
    pub(super) name: String,
    pub(super) z: Z,
}

#[derive(Debug, Clone)]
pub(super) enum Catchall {
    /// `z.object`: unknown keys are stripped by Zod, allowed by its input JSON Schema.
    Strip,
    /// `.strict()`: `additionalProperties: false`.
    Never,
    /// `.passthrough()` / `.loose()` / `.catchall(x)`.
    Schema(Box<Z>),
}

#[derive(Debug, Clone, Default)]
pub(super) struct StrChecks {
    pub(super) min: Option<f64>,
    pub(super) max: Option<f64>,
    /// The last format set (Zod's name: `email`, `regex` …).
    pub(super) format: Option<&'static str>,
    /// Patterns in order; a format's own pattern is added once.
    pub(super) patterns: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct NumChecks {
    pub(super) int: bool,
    pub(super) min: Option<f64>,
    pub(super) exclusive_min: Option<f64>,
    pub(super) max: Option<f64>,
    pub(super) exclusive_max: Option<f64>,
    pub(super) multiple_of: Vec<f64>,
}

/// The schema under `.describe(…)` wrappers.
pub(super) fn peel(mut z: Z) -> Z {
    loop {
        z = match unname(z) {
            Z::Described(inner, _) => *inner,
            other => return other,
        }
    }
}

/// The schema a `const` holds (`z` itself when it is not a named one).
pub(super) fn unname(z: Z) -> Z {
    match z {
        Z::Named(named) => unname(named.z.clone()),
        other => other,
    }
}

pub(super) fn set_key(shape: &mut Vec<(String, Z)>, key: String, z: Z) {
    match shape.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = z,
        None => shape.push((key, z)),
    }
}

pub(super) fn narrow_min(slot: &mut Option<f64>, value: f64) {
    if slot.is_none_or(|v| value > v) {
        *slot = Some(value);
    }
}

pub(super) fn narrow_max(slot: &mut Option<f64>, value: f64) {
    if slot.is_none_or(|v| value < v) {
        *slot = Some(value);
    }
}

/// `.int()` / `z.int()`: an integer in the safe range.
pub(super) fn int(mut c: NumChecks) -> NumChecks {
    c.int = true;
    narrow_min(&mut c.min, -MAX_SAFE);
    narrow_max(&mut c.max, MAX_SAFE);
    c
}

pub(super) fn add_format(c: &mut StrChecks, format: &'static str) {
    c.format = Some(format);
    let pattern = match format {
        "email" => Some(EMAIL.to_owned()),
        "uuid" => Some(UUID.to_owned()),
        "datetime" => Some(format!("^{DATE_BODY}{TIME_BODY}$")),
        "date" => Some(format!("^{DATE_BODY}$")),
        _ => None,
    };
    if let Some(pattern) = pattern {
        if !c.patterns.contains(&pattern) {
            c.patterns.push(pattern);
        }
    }
}

/// A number as JSON: integral values without a fraction.
pub(super) fn num(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// Whether a key holding `z` may be left out of the input (Zod's `optin`).
pub(super) fn optional_in(z: &Z) -> bool {
    match z {
        Z::Optional(_) | Z::Default(..) => true,
        Z::Nullable(inner) | Z::Described(inner, _) => optional_in(inner),
        Z::Named(named) => optional_in(&named.z),
        _ => false,
    }
}
