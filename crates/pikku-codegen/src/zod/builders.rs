//! The `z.<name>(…)` builders: leaves (`z.string()` …) and the schemas made of others
//! (`z.object`, `z.array`, `z.union` …).

use serde_json::Value;

use super::read::{fail, unsupported, Fail, Reader};
use super::schema::{add_format, int, peel, Catchall, NumChecks, StrChecks, Z};
use crate::ir::{JsExpr, Loc};

impl Reader<'_> {
    /// `z.<name>(args)`.
    pub(super) fn builder(
        &mut self,
        file: usize,
        name: &str,
        args: &[JsExpr],
        loc: Loc,
    ) -> Result<Z, Fail> {
        let arg = |i: usize| args.get(i);
        let string = |format: Option<&'static str>| {
            let mut checks = StrChecks::default();
            if let Some(format) = format {
                add_format(&mut checks, format);
            }
            Z::String(checks)
        };
        let leaf = match name {
            "string" => Some(string(None)),
            "email" => Some(string(Some("email"))),
            "uuid" => Some(string(Some("uuid"))),
            "url" => Some(string(Some("url"))),
            "iso.datetime" => Some(string(Some("datetime"))),
            "iso.date" => Some(string(Some("date"))),
            "number" => Some(Z::Number(NumChecks::default())),
            "int" => Some(Z::Number(int(NumChecks::default()))),
            "boolean" => Some(Z::Boolean),
            "null" => Some(Z::Null),
            "any" | "unknown" => Some(Z::Any),
            _ => None,
        };
        if let Some(leaf) = leaf {
            // `z.string('message')`, `z.email({ error: … })`: messages only.
            if let Some(params) = arg(0) {
                self.check_params(file, name, params)?;
            }
            return Ok(leaf);
        }
        let need = |i: usize, what: &str| -> Result<&JsExpr, Fail> {
            arg(i).ok_or_else(|| Fail::from(unsupported(loc, format!("`z.{name}()` needs {what}"))))
        };
        match name {
            "object" | "strictObject" | "looseObject" => {
                let shape = match arg(0) {
                    None => Vec::new(),
                    Some(expr) => self.shape(file, expr)?,
                };
                let catchall = match name {
                    "strictObject" => Catchall::Never,
                    "looseObject" => Catchall::Schema(Box::new(Z::Any)),
                    _ => Catchall::Strip,
                };
                Ok(Z::Object { shape, catchall })
            }
            "array" => Ok(Z::Array {
                item: Box::new(self.schema(file, need(0, "the item schema")?)?),
                min: None,
                max: None,
            }),
            "tuple" => {
                let items = self.schema_list(file, need(0, "an array of schemas")?)?;
                let rest = match arg(1) {
                    Some(rest) => Some(Box::new(self.schema(file, rest)?)),
                    None => None,
                };
                Ok(Z::Tuple { items, rest })
            }
            "record" => {
                let key = self.schema(file, need(0, "a key schema")?)?;
                let value = self.schema(file, need(1, "a value schema")?)?;
                match peel(key.clone()) {
                    Z::String(_) | Z::Enum(_) | Z::Literal(_) => {}
                    _ => {
                        return fail(
                            loc,
                            "a record's key must be `z.string()`, `z.enum([…])` or `z.literal(…)`"
                                .into(),
                        )
                    }
                }
                Ok(Z::Record {
                    key: Box::new(key),
                    value: Box::new(value),
                })
            }
            "enum" => match need(0, "an array of values")? {
                JsExpr::Array(items) => {
                    let mut values = Vec::new();
                    for item in items {
                        match self.literal(file, item) {
                            Some(v @ Value::String(_)) => values.push(v),
                            _ => {
                                return fail(
                                    loc,
                                    "`z.enum([…])` is read with string literal values only".into(),
                                )
                            }
                        }
                    }
                    Ok(Z::Enum(values))
                }
                _ => fail(
                    loc,
                    "`z.enum(…)` is read with an array literal of strings (`z.enum(['a', 'b'])`)"
                        .into(),
                ),
            },
            "literal" => {
                let value = need(0, "a value")?;
                let values = match value {
                    JsExpr::Array(items) => items.iter().map(|i| self.literal(file, i)).collect(),
                    one => vec![self.literal(file, one)],
                };
                let values: Option<Vec<Value>> = values.into_iter().collect();
                match values {
                    Some(values) if values.iter().all(|v| !v.is_array() && !v.is_object()) => {
                        Ok(Z::Literal(values))
                    }
                    _ => fail(
                        loc,
                        "`z.literal(…)` is read with a string, number, boolean or null literal"
                            .into(),
                    ),
                }
            }
            "union" | "discriminatedUnion" | "xor" => {
                // `z.discriminatedUnion('kind', [...])` (the key first) or `([...])`.
                let list = match (name, arg(0)) {
                    ("discriminatedUnion", Some(JsExpr::Str(_))) => {
                        need(1, "an array of object schemas")?
                    }
                    _ => need(0, "an array of schemas")?,
                };
                let options = self.schema_list(file, list)?;
                Ok(Z::Union {
                    options,
                    exclusive: name != "union",
                })
            }
            "optional" => Ok(Z::Optional(Box::new(
                self.schema(file, need(0, "a schema")?)?,
            ))),
            "nullable" => Ok(Z::Nullable(Box::new(
                self.schema(file, need(0, "a schema")?)?,
            ))),
            "nullish" => Ok(Z::Optional(Box::new(Z::Nullable(Box::new(
                self.schema(file, need(0, "a schema")?)?,
            ))))),
            "lazy" => fail(loc, "`z.lazy(…)` (a recursive or deferred schema) cannot be read without running it".into()),
            "custom" | "instanceof" => fail(loc, format!("`z.{name}(…)` checks with code that JSON Schema cannot express, and Zod's own JSON Schema conversion rejects it too")),
            "date" | "bigint" | "symbol" | "map" | "set" | "nan" | "undefined" | "void" | "file" | "function" | "promise" => fail(loc, format!("`z.{name}()` has no JSON form; a function's input is JSON{}", if name == "date" { " (use `z.iso.datetime()` for a date as an ISO string)" } else { "" })),
            "preprocess" | "transform" | "pipe" | "codec" => fail(loc, format!("`z.{name}(…)` transforms the input with code; the engine validates the JSON as sent, so the transform would never run")),
            _ => fail(loc, format!("`z.{name}(…)` is not one of the Zod builders the code generator reads (object, string, number, int, boolean, enum, literal, array, tuple, record, union, discriminatedUnion, email, uuid, url, iso.datetime, iso.date …)")),
        }
    }
}
