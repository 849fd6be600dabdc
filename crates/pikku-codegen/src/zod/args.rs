//! Reading a builder's arguments: literal values, options that only set messages, and
//! `{ key: true }` masks.

use serde_json::{Map, Value};

use super::read::{fail, unsupported, Fail, Reader};
use super::schema::num;
use crate::ir::{Decl, JsExpr, Loc, ObjectEntry};

impl Reader<'_> {
    pub(super) fn arg<'e>(
        &self,
        arg: Option<&'e JsExpr>,
        name: &str,
        loc: Loc,
    ) -> Result<&'e JsExpr, Fail> {
        arg.ok_or_else(|| unsupported(loc, format!("`.{name}()` needs an argument")).into())
    }

    /// The second argument of a check: an error message, nothing that changes the check.
    pub(super) fn messages_only(
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
    pub(super) fn check_params(
        &mut self,
        file: usize,
        name: &str,
        params: &JsExpr,
    ) -> Result<(), Fail> {
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
    pub(super) fn mask(&self, expr: &JsExpr, name: &str, loc: Loc) -> Result<Vec<String>, Fail> {
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

    /// A literal value, following `const`s of the project.
    pub(super) fn literal(&self, file: usize, expr: &JsExpr) -> Option<Value> {
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
