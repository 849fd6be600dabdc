//! Zod 4 schemas read statically: the builder expression given as a function's `input` or
//! `output` (`z.object({ id: z.string() }).strict()`, or a `const` holding one, in this file or
//! imported) becomes the JSON Schema that Zod's own `z.toJSONSchema(schema, { io: 'input',
//! target: 'draft-2020-12' })` gives at run time — without running any user code. The
//! engine validates with Zod's conversion; the metadata, the route checks, the client and the
//! OpenAPI document use this one, so the two must agree: `__test__/zod.test.ts` compares them
//! builder by builder. A builder that JSON Schema cannot express (`.refine`, `.transform`,
//! `z.lazy` …) or that this reader does not know is an error, never a dropped schema.

use serde_json::{json, Map, Value};

use crate::diagnostics::Diagnostic;
use crate::ir::{Decl, JsExpr, Loc, ObjectEntry};
use crate::project::Project;
use crate::resolve::DefTable;
use pikku_engine::shared_defs::DEFS_PREFIX;

const CODE: &str = "PIKKU_ZOD_UNSUPPORTED";
const HINT: &str = "write the input as a TypeScript type with JSDoc constraints (`pikkuFunc<{ id: string }, Out>(…)`), or give it as JSON Schema; the code generator reads Zod builders without running them";
/// The module names a Zod 4 namespace is imported from.
const ZOD_MODULES: [&str; 3] = ["zod", "zod/v4", "zod/v4/classic"];
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

// Zod 4.6's own patterns for its string formats (`regexes.email`, `uuid`, `datetime()`, `date`).
const EMAIL: &str = r"^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$";
const UUID: &str = r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$";
const DATE_BODY: &str = r"(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))";
const TIME_BODY: &str = r"T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z))";

/// What a function's `input` / `output` expression is.
pub enum Outcome {
    /// A Zod schema, as JSON Schema.
    Schema(Value),
    /// Not a Zod schema (JSON Schema, or another library's schema): the runtime reads it.
    Opaque,
}

/// Reads `expr` (written in file `file`).
/// Schemas held by `const`s become definitions in `defs`, shared with the TypeScript types.
pub fn translate(
    project: &Project,
    defs: &mut DefTable,
    file: usize,
    expr: &JsExpr,
) -> Result<Outcome, Diagnostic> {
    if is_object_literal(project, file, expr, 0) {
        // `input: { type: 'object', … }`: JSON Schema.
        return Ok(Outcome::Opaque);
    }
    let mut reader = Reader { project, depth: 0 };
    match reader.eval(file, expr) {
        // A function's own schema is written out, not a reference to its `const`.
        Ok(Val::Schema(z)) => Ok(Outcome::Schema(render(&unname(z), defs))),
        Ok(_) => Err(unsupported(
            expr.loc(),
            "this is part of Zod, not a schema".into(),
        )),
        Err(Fail::Diag(d)) => Err(*d),
        // A bare name or an object literal that is not Zod: JSON Schema, read at run time; so is
        // a call into another package (TypeBox …). A call into a function of the project is not.
        Err(Fail::NotZod {
            called, foreign, ..
        }) if !called || foreign => Ok(Outcome::Opaque),
        Err(fail) => Err(fail.into_diag()),
    }
}

/// Whether `expr` is an object literal, or a `const` holding one.
fn is_object_literal(project: &Project, file: usize, expr: &JsExpr, depth: usize) -> bool {
    match expr {
        JsExpr::Object(..) => true,
        JsExpr::Ident { name, .. } if depth < 16 => match project.lookup_value(file, name) {
            Some(found) => match found.decl {
                Decl::Expr(init) => is_object_literal(project, found.file, init, depth + 1),
                _ => false,
            },
            None => false,
        },
        _ => false,
    }
}

/// A Zod schema, as far as JSON Schema can tell.
#[derive(Debug, Clone)]
enum Z {
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
struct Named {
    file: usize,
    name: String,
    z: Z,
}

#[derive(Debug, Clone)]
enum Catchall {
    /// `z.object`: unknown keys are stripped by Zod, allowed by its input JSON Schema.
    Strip,
    /// `.strict()`: `additionalProperties: false`.
    Never,
    /// `.passthrough()` / `.loose()` / `.catchall(x)`.
    Schema(Box<Z>),
}

#[derive(Debug, Clone, Default)]
struct StrChecks {
    min: Option<f64>,
    max: Option<f64>,
    /// The last format set (Zod's name: `email`, `regex` …).
    format: Option<&'static str>,
    /// Patterns in order; a format's own pattern is added once.
    patterns: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct NumChecks {
    int: bool,
    min: Option<f64>,
    exclusive_min: Option<f64>,
    max: Option<f64>,
    exclusive_max: Option<f64>,
    multiple_of: Vec<f64>,
}

/// What an expression evaluates to.
enum Val {
    /// The `z` namespace.
    Namespace,
    /// `z.iso`.
    Iso,
    /// `z.string` (to be called), with the builder's name (`iso.datetime` for `z.iso.datetime`).
    Builder(String),
    Schema(Z),
    /// `schema.min` (to be called).
    Method(Z, String, Loc),
    /// `Todo.shape`, or an object literal of schemas.
    Shape(Vec<(String, Z)>),
}

enum Fail {
    Diag(Box<Diagnostic>),
    /// The expression is not rooted at Zod: `what` names the root.
    NotZod {
        what: String,
        loc: Loc,
        /// A call was made on it.
        called: bool,
        /// It comes from a package (not Zod), not from the project.
        foreign: bool,
    },
}

impl Fail {
    fn into_diag(self) -> Diagnostic {
        match self {
            Fail::Diag(d) => *d,
            Fail::NotZod { what, loc, .. } => unsupported(
                loc,
                format!("cannot see into `{what}`: the code generator reads Zod builders without running any code, so it cannot tell which schema this makes"),
            ),
        }
    }
}

impl From<Diagnostic> for Fail {
    fn from(d: Diagnostic) -> Self {
        Fail::Diag(Box::new(d))
    }
}

fn unsupported(loc: Loc, message: String) -> Diagnostic {
    Diagnostic::new(CODE, loc, message).with_hint(HINT)
}

fn fail<T>(loc: Loc, message: String) -> Result<T, Fail> {
    Err(unsupported(loc, message).into())
}

fn fail_hint<T>(loc: Loc, message: String, hint: &str) -> Result<T, Fail> {
    Err(Diagnostic::new(CODE, loc, message).with_hint(hint).into())
}

struct Reader<'p> {
    project: &'p Project,
    depth: usize,
}

impl Reader<'_> {
    fn eval(&mut self, file: usize, expr: &JsExpr) -> Result<Val, Fail> {
        self.depth += 1;
        let result = if self.depth > 64 {
            fail(
                expr.loc(),
                "this schema refers to itself (a recursive schema needs `z.lazy`, which JSON Schema here cannot express)".into(),
            )
        } else {
            self.eval_inner(file, expr)
        };
        self.depth -= 1;
        result
    }

    fn eval_inner(&mut self, file: usize, expr: &JsExpr) -> Result<Val, Fail> {
        match expr {
            JsExpr::Ident { name, loc } => self.ident(file, name, *loc),
            JsExpr::Member {
                object,
                property,
                loc,
            } => {
                // `models.Todo` with `import * as models from './models.js'`.
                if let JsExpr::Ident { name, .. } = &**object {
                    let module = &self.project.modules[file];
                    let namespace = module.imports.get(name).filter(|i| i.imported == "*");
                    if namespace.is_some_and(|i| !ZOD_MODULES.contains(&i.source.as_str())) {
                        let path = format!("{name}.{property}");
                        return self.named_value(file, &path, *loc);
                    }
                }
                let target = self.eval(file, object)?;
                self.member(target, property, *loc)
            }
            JsExpr::Call { callee, args, loc } => match self.eval(file, callee) {
                Ok(Val::Builder(name)) => Ok(Val::Schema(self.builder(file, &name, args, *loc)?)),
                Ok(Val::Method(z, name, at)) => {
                    Ok(Val::Schema(self.method(file, z, &name, args, at)?))
                }
                Ok(_) => fail(*loc, "this is not a Zod builder call".into()),
                Err(Fail::NotZod {
                    what, loc, foreign, ..
                }) => Err(Fail::NotZod {
                    what: format!("{what}(…)"),
                    loc,
                    called: true,
                    foreign,
                }),
                Err(other) => Err(other),
            },
            JsExpr::Object(entries, _) => {
                let mut shape: Vec<(String, Z)> = Vec::new();
                for entry in entries {
                    match entry {
                        ObjectEntry::Property(key, value) => {
                            let z = self.schema(file, value)?;
                            set_key(&mut shape, key.clone(), z);
                        }
                        ObjectEntry::Spread(inner) => match self.eval(file, inner)? {
                            Val::Shape(props) => {
                                for (key, z) in props {
                                    set_key(&mut shape, key, z);
                                }
                            }
                            _ => {
                                return fail(
                                    inner.loc(),
                                    "only the shape of a Zod object (`...Todo.shape`) can be spread into a shape".into(),
                                )
                            }
                        },
                        ObjectEntry::Other(loc) => {
                            return fail(
                                *loc,
                                "a computed key or method in a shape cannot be read".into(),
                            )
                        }
                    }
                }
                Ok(Val::Shape(shape))
            }
            JsExpr::Other { what, loc } => fail(*loc, format!("{what} is not a Zod schema")),
            _ => Err(Fail::NotZod {
                what: "a literal".into(),
                loc: expr.loc(),
                called: false,
                foreign: false,
            }),
        }
    }

    /// An expression that must be a schema (an argument of a builder).
    fn schema(&mut self, file: usize, expr: &JsExpr) -> Result<Z, Fail> {
        match self.eval(file, expr) {
            Ok(Val::Schema(z)) => Ok(z),
            Ok(_) => fail(expr.loc(), "expected a Zod schema here".into()),
            Err(fail) => Err(Fail::Diag(Box::new(fail.into_diag()))),
        }
    }

    fn ident(&mut self, file: usize, name: &str, loc: Loc) -> Result<Val, Fail> {
        let module = &self.project.modules[file];
        if let Some(import) = module.imports.get(name) {
            if ZOD_MODULES.contains(&import.source.as_str()) {
                return Ok(match import.imported.as_str() {
                    "z" | "*" | "default" => Val::Namespace,
                    builder => Val::Builder(builder.to_owned()),
                });
            }
        }
        self.named_value(file, name, loc)
    }

    /// A `const` of the project, by name (local, imported, `ns.Name`).
    fn named_value(&mut self, file: usize, name: &str, loc: Loc) -> Result<Val, Fail> {
        let project = self.project;
        match project.lookup_value(file, name) {
            Some(found) => match found.decl {
                Decl::Expr(init) => match self.eval(found.file, init)? {
                    Val::Schema(z) => Ok(Val::Schema(Z::Named(std::rc::Rc::new(Named {
                        file: found.file,
                        name: found.name,
                        z,
                    })))),
                    other => Ok(other),
                },
                _ => Err(Fail::NotZod {
                    what: name.to_owned(),
                    loc,
                    called: false,
                    foreign: false,
                }),
            },
            None => {
                let root = name.split('.').next().unwrap_or(name);
                let foreign = project.modules[file]
                    .imports
                    .get(root)
                    .is_some_and(|i| !i.source.starts_with('.'));
                Err(Fail::NotZod {
                    what: name.to_owned(),
                    loc,
                    called: false,
                    foreign,
                })
            }
        }
    }

    fn member(&mut self, target: Val, property: &str, loc: Loc) -> Result<Val, Fail> {
        match target {
            Val::Namespace if property == "iso" => Ok(Val::Iso),
            Val::Namespace => Ok(Val::Builder(property.to_owned())),
            Val::Iso => Ok(Val::Builder(format!("iso.{property}"))),
            Val::Schema(z) if property == "shape" => match peel(z) {
                Z::Object { shape, .. } => Ok(Val::Shape(shape)),
                _ => fail(loc, "`.shape` of a schema that is not an object".into()),
            },
            Val::Schema(z) => Ok(Val::Method(z, property.to_owned(), loc)),
            Val::Shape(shape) => match shape.into_iter().find(|(k, _)| k == property) {
                Some((_, z)) => Ok(Val::Schema(z)),
                None => fail(loc, format!("the shape has no key `{property}`")),
            },
            Val::Builder(name) => fail(loc, format!("`z.{name}.{property}` is not supported")),
            Val::Method(_, name, _) => fail(loc, format!("`.{name}.{property}` is not supported")),
        }
    }

    /// `z.<name>(args)`.
    fn builder(&mut self, file: usize, name: &str, args: &[JsExpr], loc: Loc) -> Result<Z, Fail> {
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

    /// `schema.<name>(args)`.
    fn method(
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

    fn arg<'e>(&self, arg: Option<&'e JsExpr>, name: &str, loc: Loc) -> Result<&'e JsExpr, Fail> {
        arg.ok_or_else(|| unsupported(loc, format!("`.{name}()` needs an argument")).into())
    }

    /// The second argument of a check: an error message, nothing that changes the check.
    fn messages_only(
        &mut self,
        file: usize,
        name: &str,
        params: Option<&JsExpr>,
    ) -> Result<(), Fail> {
        match params {
            Some(params) => self.check_params(file, name, params),
            None => Ok(()),
        }
    }

    /// Parameters that only set error messages (`'Too short'`, `{ error: '…' }`).
    fn check_params(&mut self, file: usize, name: &str, params: &JsExpr) -> Result<(), Fail> {
        match params {
            JsExpr::Str(_) => Ok(()),
            JsExpr::Object(entries, loc) => {
                for entry in entries {
                    match entry {
                        ObjectEntry::Property(key, _) if matches!(key.as_str(), "message" | "error" | "abort") => {}
                        ObjectEntry::Property(key, _) => return fail(*loc, format!("the option `{key}` of `{name}(…)` changes the check; the code generator reads `{name}()` with its default options only")),
                        _ => return fail(*loc, format!("the options of `{name}(…)` are read as literals only")),
                    }
                }
                Ok(())
            }
            other => match self.literal(file, other) {
                Some(Value::String(_)) => Ok(()),
                _ => fail(
                    other.loc(),
                    format!("the options of `{name}(…)` are read as literals only"),
                ),
            },
        }
    }

    /// `{ id: true, title: true }`.
    fn mask(&self, expr: &JsExpr, name: &str, loc: Loc) -> Result<Vec<String>, Fail> {
        let JsExpr::Object(entries, _) = expr else {
            return fail(
                loc,
                format!("`.{name}(…)` is read with an object literal of keys (`{{ id: true }}`)"),
            );
        };
        let mut keys = Vec::new();
        for entry in entries {
            match entry {
                ObjectEntry::Property(key, JsExpr::Bool(true)) => keys.push(key.clone()),
                ObjectEntry::Property(_, JsExpr::Bool(false)) => {}
                _ => {
                    return fail(
                        loc,
                        format!(
                            "`.{name}(…)` is read with an object literal of keys set to `true`"
                        ),
                    )
                }
            }
        }
        Ok(keys)
    }

    fn shape(&mut self, file: usize, expr: &JsExpr) -> Result<Vec<(String, Z)>, Fail> {
        match self.eval(file, expr) {
            Ok(Val::Shape(shape)) => Ok(shape),
            Ok(_) => fail(expr.loc(), "expected a shape (`{ id: z.string() }`)".into()),
            Err(fail) => Err(Fail::Diag(Box::new(fail.into_diag()))),
        }
    }

    fn schema_list(&mut self, file: usize, expr: &JsExpr) -> Result<Vec<Z>, Fail> {
        match expr {
            JsExpr::Array(items) => items.iter().map(|i| self.schema(file, i)).collect(),
            other => fail(other.loc(), "expected an array literal of schemas".into()),
        }
    }

    /// A literal value, following `const`s of the project.
    fn literal(&self, file: usize, expr: &JsExpr) -> Option<Value> {
        Some(match expr {
            JsExpr::Str(s) => Value::String(s.clone()),
            JsExpr::Num(n) => num(*n),
            JsExpr::Bool(b) => Value::Bool(*b),
            JsExpr::Null => Value::Null,
            JsExpr::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.literal(file, i))
                    .collect::<Option<_>>()?,
            ),
            JsExpr::Object(entries, _) => {
                let mut object = Map::new();
                for entry in entries {
                    let ObjectEntry::Property(key, value) = entry else {
                        return None;
                    };
                    object.insert(key.clone(), self.literal(file, value)?);
                }
                Value::Object(object)
            }
            JsExpr::Ident { name, .. } => {
                let found = self.project.lookup_value(file, name)?;
                match found.decl {
                    Decl::Expr(init) if !matches!(init, JsExpr::Ident { .. }) => {
                        self.literal(found.file, init)?
                    }
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
}

/// The schema under `.describe(…)` wrappers.
fn peel(mut z: Z) -> Z {
    loop {
        z = match unname(z) {
            Z::Described(inner, _) => *inner,
            other => return other,
        }
    }
}

/// The schema a `const` holds (`z` itself when it is not a named one).
fn unname(z: Z) -> Z {
    match z {
        Z::Named(named) => unname(named.z.clone()),
        other => other,
    }
}

fn set_key(shape: &mut Vec<(String, Z)>, key: String, z: Z) {
    match shape.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = z,
        None => shape.push((key, z)),
    }
}

fn narrow_min(slot: &mut Option<f64>, value: f64) {
    if slot.is_none_or(|v| value > v) {
        *slot = Some(value);
    }
}

fn narrow_max(slot: &mut Option<f64>, value: f64) {
    if slot.is_none_or(|v| value < v) {
        *slot = Some(value);
    }
}

/// `.int()` / `z.int()`: an integer in the safe range.
fn int(mut c: NumChecks) -> NumChecks {
    c.int = true;
    narrow_min(&mut c.min, -MAX_SAFE);
    narrow_max(&mut c.max, MAX_SAFE);
    c
}

fn add_format(c: &mut StrChecks, format: &'static str) {
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
fn num(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// Whether a key holding `z` may be left out of the input (Zod's `optin`).
fn optional_in(z: &Z) -> bool {
    match z {
        Z::Optional(_) | Z::Default(..) => true,
        Z::Nullable(inner) | Z::Described(inner, _) => optional_in(inner),
        Z::Named(named) => optional_in(&named.z),
        _ => false,
    }
}

/// The JSON Schema Zod's `toJSONSchema` (io `input`, draft 2020-12) writes for `z`.
fn render(z: &Z, defs: &mut DefTable) -> Value {
    let mut out = match z {
        Z::String(c) => {
            let mut s = json!({ "type": "string" });
            if let Some(min) = c.min {
                s["minLength"] = num(min);
            }
            if let Some(max) = c.max {
                s["maxLength"] = num(max);
            }
            let format = match c.format {
                Some("url") => Some("uri"),
                Some("datetime") => Some("date-time"),
                Some("regex") | None => None,
                Some(other) => Some(other),
            };
            if let Some(format) = format {
                s["format"] = json!(format);
            }
            match c.patterns.as_slice() {
                [] => {}
                [one] => s["pattern"] = json!(one),
                many => {
                    s["allOf"] = many.iter().map(|p| json!({ "pattern": p })).collect();
                }
            }
            s
        }
        Z::Number(c) => {
            let mut s = json!({ "type": if c.int { "integer" } else { "number" } });
            let ex_min = c
                .exclusive_min
                .filter(|e| *e >= c.min.unwrap_or(f64::NEG_INFINITY));
            let ex_max = c
                .exclusive_max
                .filter(|e| *e <= c.max.unwrap_or(f64::INFINITY));
            match (ex_min, c.min) {
                (Some(e), _) => s["exclusiveMinimum"] = num(e),
                (None, Some(m)) => s["minimum"] = num(m),
                _ => {}
            }
            match (ex_max, c.max) {
                (Some(e), _) => s["exclusiveMaximum"] = num(e),
                (None, Some(m)) => s["maximum"] = num(m),
                _ => {}
            }
            if let Some((first, rest)) = c.multiple_of.split_first() {
                s["multipleOf"] = num(*first);
                if !rest.is_empty() {
                    s["allOf"] = rest
                        .iter()
                        .map(|m| json!({ "multipleOf": num(*m) }))
                        .collect();
                }
            }
            s
        }
        Z::Boolean => json!({ "type": "boolean" }),
        Z::Null => json!({ "type": "null" }),
        Z::Any => json!({}),
        Z::Enum(values) => {
            let mut s = json!({ "enum": values });
            if values.is_empty() {
                return json!({ "not": {} });
            }
            if let Some(t) = common_type(values) {
                s["type"] = json!(t);
            }
            s
        }
        Z::Literal(values) => match values.as_slice() {
            [] => json!({ "not": {} }),
            [one] => json!({ "type": json_type(one), "const": one }),
            many => {
                let mut s = json!({ "enum": many });
                if let Some(t) = common_type(many) {
                    s["type"] = json!(t);
                }
                s
            }
        },
        Z::Array { item, min, max } => {
            let mut s = json!({ "type": "array", "items": render(item, defs) });
            if let Some(min) = min {
                s["minItems"] = num(*min);
            }
            if let Some(max) = max {
                s["maxItems"] = num(*max);
            }
            s
        }
        Z::Tuple { items, rest } => {
            let mut s = json!({
                "type": "array",
                "prefixItems": items.iter().map(|z| render(z, defs)).collect::<Vec<_>>(),
            });
            let mut min = items.len();
            while min > 0 && optional_in(&items[min - 1]) {
                min -= 1;
            }
            match rest {
                Some(rest) => s["items"] = render(rest, defs),
                None => {
                    s["items"] = json!(false);
                    s["maxItems"] = json!(items.len());
                }
            }
            if min > 0 {
                s["minItems"] = json!(min);
            }
            s
        }
        Z::Record { key, value } => {
            let mut s = json!({
                "type": "object",
                "propertyNames": render(key, defs),
                "additionalProperties": render(value, defs),
            });
            let keys = match peel((**key).clone()) {
                Z::Enum(values) | Z::Literal(values) => values,
                _ => Vec::new(),
            };
            let keys: Vec<Value> = keys
                .iter()
                .filter_map(|v| match v {
                    Value::String(_) => Some(v.clone()),
                    Value::Number(n) => Some(json!(n.to_string())),
                    _ => None,
                })
                .collect();
            if !keys.is_empty() && !optional_in(value) {
                s["required"] = json!(keys);
            }
            s
        }
        Z::Object { shape, catchall } => {
            let properties: Map<String, Value> = shape
                .iter()
                .map(|(k, z)| (k.clone(), render(z, defs)))
                .collect();
            let required: Vec<&String> = shape
                .iter()
                .filter(|(_, z)| !optional_in(z))
                .map(|(k, _)| k)
                .collect();
            let mut s = json!({ "type": "object", "properties": properties });
            if !required.is_empty() {
                s["required"] = json!(required);
            }
            match catchall {
                Catchall::Strip => {}
                Catchall::Never => s["additionalProperties"] = json!(false),
                Catchall::Schema(z) => s["additionalProperties"] = render(z, defs),
            }
            s
        }
        Z::Union { options, exclusive } => {
            let options: Vec<Value> = options.iter().map(|z| render(z, defs)).collect();
            if *exclusive {
                json!({ "oneOf": options })
            } else {
                json!({ "anyOf": options })
            }
        }
        Z::Optional(inner) => render(inner, defs),
        Z::Nullable(inner) => json!({ "anyOf": [render(inner, defs), { "type": "null" }] }),
        Z::Default(inner, value) => {
            let mut s = render(inner, defs);
            if let Some(object) = s.as_object_mut() {
                object.insert("default".into(), value.clone());
            }
            s
        }
        Z::Named(named) => {
            let name = defs.value_def(named.file, &named.name, |defs| render(&named.z, defs));
            json!({ "$ref": format!("{DEFS_PREFIX}{name}") })
        }
        Z::Described(inner, text) => {
            let mut s = render(inner, defs);
            if let Some(object) = s.as_object_mut() {
                object.insert("description".into(), json!(text));
            }
            s
        }
    };
    compact_type_union(&mut out);
    out
}

/// Zod's last step: `anyOf` of bare `{ type }` branches becomes one `type` (a list if several).
fn compact_type_union(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.contains_key("type") {
        return;
    }
    let Some(Value::Array(options)) = object.get("anyOf") else {
        return;
    };
    if options.is_empty() {
        return;
    }
    let mut types: Vec<Value> = Vec::new();
    for option in options {
        let Some(o) = option.as_object() else {
            return;
        };
        if o.len() != 1 {
            return;
        }
        let Some(t) = o.get("type") else {
            return;
        };
        let members = match t {
            Value::Array(list) => list.clone(),
            one => vec![one.clone()],
        };
        for member in members {
            if !member.is_string() {
                return;
            }
            if !types.contains(&member) {
                types.push(member);
            }
        }
    }
    object.remove("anyOf");
    let t = if types.len() == 1 {
        types.pop().unwrap_or_default()
    } else {
        Value::Array(types)
    };
    object.insert("type".into(), t);
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `number`, `string`, `boolean` or `null` when every value is of it.
fn common_type(values: &[Value]) -> Option<&'static str> {
    let first = json_type(values.first()?);
    (values.iter().all(|v| json_type(v) == first) && first != "array" && first != "object")
        .then_some(first)
}
