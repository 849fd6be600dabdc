//! Input schemas compiled once at start-up: a JSON Schema 2020-12 validator, the coercion
//! plan read from the same schema, and the plan that checks a JSON body on its text.

mod plan;
mod scan;

use std::sync::LazyLock;

use serde_json::{json, Value};

use crate::coerce::CoercionPlan;
use crate::error::{RequestError, UNPROCESSABLE_CONTENT};
use plan::Plan;

/// At most this many validation errors are reported for one input.
const MAX_REPORTED_ERRORS: usize = 20;

/// One compiled input schema.
pub struct InputSchema {
    validator: jsonschema::Validator,
    /// How string inputs are coerced before validation.
    pub coercion: CoercionPlan,
    /// `None` when the schema uses keywords the plan leaves out.
    text_plan: Option<Plan>,
}

/// The plan of inputs without a schema: any JSON without forbidden keys.
static ANY_INPUT: LazyLock<Plan> = LazyLock::new(Plan::any);

/// Whether a JSON object body (after `earlier`, the members of the params and query as a
/// JSON object) is an input that `schema` accepts, with no forbidden key at any depth. Decided
/// on the text, without building a value: `true` is certain, `false` means "not sure" (an
/// invalid body, or one the plan leaves to the full path, which also words the error).
pub fn text_accepted(schema: Option<&InputSchema>, earlier: Option<&str>, body: &str) -> bool {
    match schema {
        Some(schema) => schema
            .text_plan
            .as_ref()
            .is_some_and(|plan| plan.accepts(earlier, body)),
        None => ANY_INPUT.accepts(earlier, body),
    }
}

/// Whether the engine compiles `schema` as an input schema (the same library, the same
/// options); the error says what in it is wrong.
pub fn check_schema(schema: &Value) -> Result<(), String> {
    InputSchema::compile(schema).map(|_| ())
}

/// Whether the engine compiles `pattern` as the value of a `pattern` keyword: the JSON Schema
/// library's own translation of ECMA-262 syntax and its regex engine, without building a
/// validator (the code generator checks `@pattern` tags with this, and so does not carry the
/// validator's code).
pub fn check_pattern(pattern: &str) -> bool {
    jsonschema_regex::to_rust_regex(pattern)
        .is_ok_and(|rust| fancy_regex::Regex::new(&rust).is_ok())
}

impl std::fmt::Debug for InputSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InputSchema").finish_non_exhaustive()
    }
}

impl InputSchema {
    /// Compiles `schema`; the error says what in the schema is wrong.
    pub fn compile(schema: &Value) -> Result<Self, String> {
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(schema)
            .map_err(|err| format!("{err} (at {})", pointer_or_root(err.schema_path().as_str())))?;
        Ok(Self {
            validator,
            coercion: CoercionPlan::from_schema(schema),
            text_plan: Plan::compile(schema),
        })
    }

    /// Checks `input`, reporting every error (up to a bound) with its JSON pointer.
    pub fn validate(&self, input: &Value) -> Result<(), RequestError> {
        if self.validator.is_valid(input) {
            return Ok(());
        }
        let errors: Vec<(String, String)> = self
            .validator
            .iter_errors(input)
            .take(MAX_REPORTED_ERRORS)
            .map(|err| {
                let path = pointer_or_root(err.instance_path().as_str()).to_owned();
                (path, shorten(&err.to_string()))
            })
            .collect();
        let summary = errors
            .iter()
            .map(|(path, message)| format!("{path}: {message}"))
            .collect::<Vec<_>>()
            .join("; ");
        let noun = if errors.len() == 1 { "error" } else { "errors" };
        Err(RequestError::new(
            UNPROCESSABLE_CONTENT,
            format!("Invalid input ({} {noun}): {summary}", errors.len()),
        )
        .with_payload(json!({
            "errors": errors
                .into_iter()
                .map(|(path, message)| json!({ "path": path, "message": message }))
                .collect::<Vec<_>>()
        })))
    }
}

fn pointer_or_root(pointer: &str) -> &str {
    if pointer.is_empty() {
        "/"
    } else {
        pointer
    }
}

/// Messages quote the offending value; a huge value must not make a huge response.
fn shorten(message: &str) -> String {
    const LIMIT: usize = 200;
    if message.len() <= LIMIT {
        return message.to_owned();
    }
    crate::input::cut(message, LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_is_checked_as_the_validator_compiles_it() {
        let patterns = [
            r"^[0-9A-Z -]{3,10}$",
            r"^\d{4}-\d{2}-\d{2}$",
            r"^[a-z]+$",
            "abc",
            "^prefix",
            "^(a|b|c)$",
            r"\cJ",
            r"[^]",
            r"(?=a)b",
            r"(?<name>x)\k<name>",
            r"(a)\1",
            r"\p{L}+",
            r"\u00e9",
            r"[\w-]+@[\w-]+",
            r"^\S+$",
            "(",
            "a)",
            "[z-a]",
            "*a",
            r"\",
            "a{2,1}",
            r"(?<n>a)(?<n>b)",
            "",
        ];
        for pattern in patterns {
            let by_validator = check_schema(&json!({ "type": "string", "pattern": pattern }));
            assert_eq!(
                check_pattern(pattern),
                by_validator.is_ok(),
                "{pattern:?}: {by_validator:?}"
            );
        }
    }

    #[test]
    fn reports_every_error_with_its_pointer() {
        let schema = InputSchema::compile(&json!({
            "type": "object",
            "properties": {
                "title": { "type": "string", "minLength": 1 },
                "limit": { "type": "integer" },
                "email": { "type": "string", "format": "email" }
            },
            "required": ["title"],
            "additionalProperties": false
        }))
        .unwrap();
        assert!(schema.validate(&json!({"title": "a"})).is_ok());
        let err = schema
            .validate(&json!({"title": "", "limit": "x", "email": "nope", "extra": 1}))
            .unwrap_err();
        assert_eq!(err.kind.status, 422);
        let errors = err.payload.unwrap()["errors"].as_array().unwrap().clone();
        let paths: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
        assert!(
            paths.contains(&"/title") && paths.contains(&"/limit") && paths.contains(&"/email")
        );
        assert!(
            paths.contains(&"/"),
            "additionalProperties is reported at the root: {paths:?}"
        );
        assert!(
            err.message.starts_with("Invalid input (4 errors)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_bad_schema_is_explained() {
        let err = InputSchema::compile(&json!({"type": "nonsense"})).unwrap_err();
        assert!(err.contains("nonsense"), "{err}");
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let schema = InputSchema::compile(&json!({"type": "number"})).unwrap();
        let err = schema.validate(&json!("x".repeat(10_000))).unwrap_err();
        assert!(err.message.len() < 400);
    }
}

#[cfg(test)]
mod differential_tests;
