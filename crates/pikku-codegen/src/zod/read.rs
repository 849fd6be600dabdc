//! Evaluating a builder expression: names, imports, member access and calls, down to the
//! `z` namespace and the schemas built from it.

use super::schema::{peel, set_key, Named, Z};
use super::{CODE, HINT, ZOD_MODULES};
use crate::diagnostics::Diagnostic;
use crate::ir::{Decl, JsExpr, Loc, ObjectEntry};
use crate::project::Project;

/// What an expression evaluates to.
pub(super) enum Val {
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

pub(super) enum Fail {
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
    pub(super) fn into_diag(self) -> Diagnostic {
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

pub(super) fn unsupported(loc: Loc, message: String) -> Diagnostic {
    Diagnostic::new(CODE, loc, message).with_hint(HINT)
}

pub(super) fn fail<T>(loc: Loc, message: String) -> Result<T, Fail> {
    Err(unsupported(loc, message).into())
}

pub(super) fn fail_hint<T>(loc: Loc, message: String, hint: &str) -> Result<T, Fail> {
    Err(Diagnostic::new(CODE, loc, message).with_hint(hint).into())
}

pub(super) struct Reader<'p> {
    pub(super) project: &'p Project,
    pub(super) depth: usize,
}

impl Reader<'_> {
    pub(super) fn eval(&mut self, file: usize, expr: &JsExpr) -> Result<Val, Fail> {
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
    pub(super) fn schema(&mut self, file: usize, expr: &JsExpr) -> Result<Z, Fail> {
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

    pub(super) fn shape(&mut self, file: usize, expr: &JsExpr) -> Result<Vec<(String, Z)>, Fail> {
        match self.eval(file, expr) {
            Ok(Val::Shape(shape)) => Ok(shape),
            Ok(_) => fail(expr.loc(), "expected a shape (`{ id: z.string() }`)".into()),
            Err(fail) => Err(Fail::Diag(Box::new(fail.into_diag()))),
        }
    }

    pub(super) fn schema_list(&mut self, file: usize, expr: &JsExpr) -> Result<Vec<Z>, Fail> {
        match expr {
            JsExpr::Array(items) => items.iter().map(|i| self.schema(file, i)).collect(),
            other => fail(other.loc(), "expected an array literal of schemas".into()),
        }
    }
}
