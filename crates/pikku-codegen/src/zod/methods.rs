//! The `schema.<name>(…)` methods: wrappers (`.optional()` …) and the checks and changes of
//! strings, numbers, arrays and objects.

use serde_json::Value;

use super::read::{fail, fail_hint, unsupported, Fail, Reader};
use super::schema::{add_format, int, narrow_max, narrow_min, set_key, unname, Catchall, Z};
use crate::ir::{JsExpr, Loc};

impl Reader<'_> {
    /// `schema.<name>(args)`.
    pub(super) fn method(
        &mut self,
        file: usize,
        z: Z,
        name: &str,
        args: &[JsExpr],
        loc: Loc,
    ) -> Result<Z, Fail> {
        let arg = |i: usize| args.get(i);
        match name {
            "optional" => return Ok(Z::Optional(Box::new(z))),
            "nullable" => return Ok(Z::Nullable(Box::new(z))),
            "nullish" => return Ok(Z::Optional(Box::new(Z::Nullable(Box::new(z))))),
            "array" => {
                return Ok(Z::Array {
                    item: Box::new(z),
                    min: None,
                    max: None,
                })
            }
            "or" => {
                let other = self.schema(file, self.arg(arg(0), name, loc)?)?;
                return Ok(Z::Union {
                    options: vec![z, other],
                    exclusive: false,
                });
            }
            "default" => {
                let value = self.arg(arg(0), name, loc)?;
                return match self.literal(file, value) {
                    Some(value) => Ok(Z::Default(Box::new(z), value)),
                    None => fail(loc, "`.default(…)` is read with a literal value (a string, number, boolean, null, or an array or object of them)".into()),
                };
            }
            "describe" => {
                return match self.literal(file, self.arg(arg(0), name, loc)?) {
                    Some(Value::String(text)) => Ok(Z::Described(Box::new(z), text)),
                    _ => fail(loc, "`.describe(…)` is read with a string literal".into()),
                };
            }
            "brand" => return Ok(z),
            "refine" | "superRefine" | "check" => return fail_hint(loc, format!("`.{name}(…)` runs code that JSON Schema cannot express: Zod's own JSON Schema conversion drops it, so the engine (which validates with that conversion) would never run it either"), "check it in the function and throw an `UnprocessableContentError`, or say it with a builder JSON Schema has (`.min`, `.max`, `.regex`, `z.enum` …)"),
            "transform" | "pipe" | "overwrite" | "trim" | "toLowerCase" | "toUpperCase" | "normalize" => return fail_hint(loc, format!("`.{name}(…)` changes the input with code; the engine validates the JSON as sent and the function gets it unchanged, so it would never run"), "change the data in the function instead"),
            "catch" | "prefault" | "readonly" => return fail(loc, format!("`.{name}(…)` is not read by the code generator")),
            _ => {}
        }
        // A check or a change makes a new schema from the named one's content.
        let z = unname(z);
        // A check keeps the schema's description; a new object (`.extend` …) does not.
        if let Z::Described(inner, text) = z {
            return match name {
                "strict" | "passthrough" | "loose" | "strip" | "catchall" | "extend" | "pick"
                | "omit" | "partial" => self.method(file, *inner, name, args, loc),
                _ => Ok(Z::Described(
                    Box::new(self.method(file, *inner, name, args, loc)?),
                    text,
                )),
            };
        }
        let number = |this: &mut Self, i: usize| -> Result<f64, Fail> {
            let expr = this.arg(arg(i), name, loc)?;
            match this.literal(file, expr) {
                Some(Value::Number(n)) => n
                    .as_f64()
                    .ok_or_else(|| unsupported(loc, "a number".into()).into()),
                _ => fail(
                    loc,
                    format!(
                        "`.{name}(…)` is read with a number literal (or a `const` holding one)"
                    ),
                ),
            }
        };
        match z {
            Z::String(mut c) => {
                match name {
                    "min" => narrow_min(&mut c.min, number(self, 0)?),
                    "max" => narrow_max(&mut c.max, number(self, 0)?),
                    "length" => {
                        let n = number(self, 0)?;
                        narrow_min(&mut c.min, n);
                        narrow_max(&mut c.max, n);
                    }
                    "nonempty" => narrow_min(&mut c.min, 1.0),
                    "regex" => match self.arg(arg(0), name, loc)? {
                        JsExpr::Regex { source, flags } => {
                            if flags.chars().any(|f| "imsuv".contains(f)) {
                                return fail_hint(loc, format!("`.regex(/…/{flags})`: Zod's JSON Schema conversion keeps the pattern and drops the flags, so the engine would check `{source}` without `{flags}`"), "write the pattern without flags (`[a-zA-Z]` for `i`)");
                            }
                            c.format = Some("regex");
                            c.patterns.push(source.clone());
                        }
                        _ => return fail(
                            loc,
                            "`.regex(…)` is read with a regular expression literal (`/^[a-z]+$/`)"
                                .into(),
                        ),
                    },
                    "email" | "uuid" | "url" | "datetime" | "date" => {
                        if let Some(params) = arg(0) {
                            self.check_params(file, name, params)?;
                        }
                        let format = match name {
                            "email" => "email",
                            "uuid" => "uuid",
                            "url" => "url",
                            "datetime" => "datetime",
                            _ => "date",
                        };
                        add_format(&mut c, format);
                        return Ok(Z::String(c));
                    }
                    _ => return self.unknown_method("a string", name, loc),
                }
                self.messages_only(file, name, arg(1))?;
                Ok(Z::String(c))
            }
            Z::Number(mut c) => {
                match name {
                    "int" | "safe" => {
                        if let Some(params) = arg(0) {
                            self.check_params(file, name, params)?;
                        }
                        return Ok(Z::Number(int(c)));
                    }
                    "finite" => {}
                    "min" | "gte" => narrow_min(&mut c.min, number(self, 0)?),
                    "max" | "lte" => narrow_max(&mut c.max, number(self, 0)?),
                    "gt" => narrow_min(&mut c.exclusive_min, number(self, 0)?),
                    "lt" => narrow_max(&mut c.exclusive_max, number(self, 0)?),
                    "positive" => narrow_min(&mut c.exclusive_min, 0.0),
                    "nonnegative" => narrow_min(&mut c.min, 0.0),
                    "negative" => narrow_max(&mut c.exclusive_max, 0.0),
                    "nonpositive" => narrow_max(&mut c.max, 0.0),
                    "multipleOf" | "step" => {
                        let n = number(self, 0)?;
                        if n == 0.0 || !n.is_finite() {
                            return fail(loc, format!("`.{name}({n})` has no JSON Schema form"));
                        }
                        if !c.multiple_of.contains(&n.abs()) {
                            c.multiple_of.push(n.abs());
                        }
                    }
                    _ => return self.unknown_method("a number", name, loc),
                }
                let params = if matches!(
                    name,
                    "positive" | "nonnegative" | "negative" | "nonpositive" | "finite"
                ) {
                    arg(0)
                } else {
                    arg(1)
                };
                self.messages_only(file, name, params)?;
                Ok(Z::Number(c))
            }
            Z::Array {
                item,
                mut min,
                mut max,
            } => {
                match name {
                    "min" => narrow_min(&mut min, number(self, 0)?),
                    "max" => narrow_max(&mut max, number(self, 0)?),
                    "length" => {
                        let n = number(self, 0)?;
                        narrow_min(&mut min, n);
                        narrow_max(&mut max, n);
                    }
                    "nonempty" => narrow_min(&mut min, 1.0),
                    _ => return self.unknown_method("an array", name, loc),
                }
                Ok(Z::Array { item, min, max })
            }
            Z::Object {
                mut shape,
                mut catchall,
            } => {
                match name {
                    "strict" => catchall = Catchall::Never,
                    "passthrough" | "loose" => catchall = Catchall::Schema(Box::new(Z::Any)),
                    "strip" => catchall = Catchall::Strip,
                    "catchall" => {
                        catchall = Catchall::Schema(Box::new(
                            self.schema(file, self.arg(arg(0), name, loc)?)?,
                        ))
                    }
                    "extend" => {
                        for (key, z) in self.shape(file, self.arg(arg(0), name, loc)?)? {
                            set_key(&mut shape, key, z);
                        }
                    }
                    "pick" | "omit" => {
                        let keys = self.mask(self.arg(arg(0), name, loc)?, name, loc)?;
                        if let Some(key) = keys.iter().find(|k| !shape.iter().any(|(s, _)| s == *k))
                        {
                            return fail(
                                loc,
                                format!("`.{name}(…)`: the object has no key `{key}`"),
                            );
                        }
                        let pick = name == "pick";
                        shape.retain(|(key, _)| keys.contains(key) == pick);
                    }
                    "partial" => {
                        let keys = match arg(0) {
                            Some(mask) => Some(self.mask(mask, name, loc)?),
                            None => None,
                        };
                        for (key, z) in &mut shape {
                            if keys.as_ref().is_none_or(|k| k.contains(key)) {
                                *z = Z::Optional(Box::new(z.clone()));
                            }
                        }
                    }
                    _ => return self.unknown_method("an object", name, loc),
                }
                Ok(Z::Object { shape, catchall })
            }
            _ => self.unknown_method("this schema", name, loc),
        }
    }

    fn unknown_method<T>(&self, of: &str, name: &str, loc: Loc) -> Result<T, Fail> {
        fail(
            loc,
            format!("`.{name}(…)` on {of} is not one of the Zod methods the code generator reads"),
        )
    }
}
