//! JSDoc comments: the description and the `@tag value` annotations, several to a line or
//! spread over lines, turned into JSON Schema keywords the way `ts-json-schema-generator`
//! reads them (`@minLength 1 @maxLength 120`, `@pattern`, `@default`, `@examples` …).
//!
//! A tag is `@` and a name at the start of the comment text or right after whitespace; its
//! value runs to the next tag. The value of a tag that holds data (`@pattern`, `@default`,
//! `@examples`, `@example`) runs to the next *known* tag, so that an `@` in a regular
//! expression, a JSON string or a code sample never starts a tag. An unknown tag is a warning;
//! a malformed value is an error at the value.

mod keywords;
mod read;
#[cfg(test)]
mod tests;

pub use keywords::apply_doc;
pub use read::parse_jsdoc;

/// The tags that become schema keywords.
pub const SCHEMA_TAGS: [&str; 20] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
    "examples",
    "deprecated",
    "title",
    "description",
    "asType",
    // Written by users of typescript-json-schema: `@TJS-type integer` is `@asType integer`.
    "TJS-type",
    "TJS-format",
];

/// Documentation tags: read by editors and doc tools, no schema keyword, no warning.
const DOC_TAGS: [&str; 44] = [
    "example",
    "see",
    "remarks",
    "param",
    "returns",
    "return",
    "since",
    "todo",
    "link",
    "linkcode",
    "linkplain",
    "internal",
    "public",
    "private",
    "protected",
    "readonly",
    "beta",
    "alpha",
    "experimental",
    "type",
    "typedef",
    "typeParam",
    "template",
    "throws",
    "throw",
    "author",
    "version",
    "override",
    "inheritDoc",
    "ignore",
    "hidden",
    "category",
    "module",
    "packageDocumentation",
    "privateRemarks",
    "defaultValue",
    "label",
    "virtual",
    "sealed",
    "eventProperty",
    "decorator",
    "license",
    "file",
    "note",
];

/// Tags whose value is data, read verbatim up to the next known tag.
const VERBATIM_TAGS: [&str; 4] = ["pattern", "default", "examples", "example"];

/// The code of the warning for a tag the generator does not know.
pub const UNKNOWN_TAG: &str = "PIKKU_JSDOC_UNKNOWN_TAG";
/// The code of the error for a tag whose value is not what the keyword needs.
pub const BAD_VALUE: &str = "PIKKU_JSDOC_VALUE";

fn is_known(name: &str) -> bool {
    SCHEMA_TAGS.contains(&name) || DOC_TAGS.contains(&name)
}
