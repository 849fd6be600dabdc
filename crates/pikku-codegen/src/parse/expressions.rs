//! Expressions (a `const`'s value, a function's `input`) as the plain [`JsExpr`] tree the Zod
//! reader walks.

use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::{property_key, Reader};
use crate::ir::{JsExpr, ObjectEntry};

impl Reader<'_> {
    /// An expression as [`JsExpr`] (TypeScript-only wrappers such as `as const` dropped).
    pub(super) fn js(&self, expression: &Expression) -> JsExpr {
        let loc = self.loc(expression.span());
        match expression {
            Expression::Identifier(id) => JsExpr::Ident {
                name: id.name.to_string(),
                loc,
            },
            Expression::StaticMemberExpression(member) => JsExpr::Member {
                object: Box::new(self.js(&member.object)),
                property: member.property.name.to_string(),
                loc: self.loc(member.property.span),
            },
            Expression::CallExpression(call) => JsExpr::Call {
                callee: Box::new(self.js(&call.callee)),
                args: call
                    .arguments
                    .iter()
                    .map(|a| match a.as_expression() {
                        Some(e) => self.js(e),
                        None => JsExpr::Other {
                            what: "a spread argument",
                            loc: self.loc(a.span()),
                        },
                    })
                    .collect(),
                loc,
            },
            Expression::StringLiteral(s) => JsExpr::Str(s.value.to_string()),
            Expression::TemplateLiteral(t) if t.expressions.is_empty() && t.quasis.len() == 1 => {
                match &t.quasis[0].value.cooked {
                    Some(cooked) => JsExpr::Str(cooked.to_string()),
                    None => JsExpr::Other {
                        what: "a template literal",
                        loc,
                    },
                }
            }
            Expression::NumericLiteral(n) => JsExpr::Num(n.value),
            Expression::BooleanLiteral(b) => JsExpr::Bool(b.value),
            Expression::NullLiteral(_) => JsExpr::Null,
            Expression::UnaryExpression(u) if u.operator == UnaryOperator::UnaryNegation => {
                match &u.argument {
                    Expression::NumericLiteral(n) => JsExpr::Num(-n.value),
                    _ => JsExpr::Other {
                        what: "an expression",
                        loc,
                    },
                }
            }
            Expression::RegExpLiteral(r) => {
                let text = &self.text[r.span.start as usize..r.span.end as usize];
                let (source, flags) = text.rsplit_once('/').unwrap_or((text, ""));
                JsExpr::Regex {
                    source: source.strip_prefix('/').unwrap_or(source).to_owned(),
                    flags: flags.to_owned(),
                }
            }
            Expression::ArrayExpression(array) => JsExpr::Array(
                array
                    .elements
                    .iter()
                    .map(|e| match e.as_expression() {
                        Some(e) => self.js(e),
                        None => JsExpr::Other {
                            what: "a spread or hole",
                            loc: self.loc(e.span()),
                        },
                    })
                    .collect(),
            ),
            Expression::ObjectExpression(object) => JsExpr::Object(
                object
                    .properties
                    .iter()
                    .map(|p| match p {
                        ObjectPropertyKind::ObjectProperty(p) if !p.method && !p.computed => {
                            match property_key(&p.key) {
                                Some(key) => ObjectEntry::Property(key, self.js(&p.value)),
                                None => ObjectEntry::Other(self.loc(p.span)),
                            }
                        }
                        ObjectPropertyKind::ObjectProperty(p) => {
                            ObjectEntry::Other(self.loc(p.span))
                        }
                        ObjectPropertyKind::SpreadProperty(s) => {
                            ObjectEntry::Spread(self.js(&s.argument))
                        }
                    })
                    .collect(),
                loc,
            ),
            Expression::ParenthesizedExpression(e) => self.js(&e.expression),
            Expression::TSAsExpression(e) => self.js(&e.expression),
            Expression::TSSatisfiesExpression(e) => self.js(&e.expression),
            Expression::TSNonNullExpression(e) => self.js(&e.expression),
            Expression::ArrowFunctionExpression(_) | Expression::FunctionExpression(_) => {
                JsExpr::Other {
                    what: "a function",
                    loc,
                }
            }
            _ => JsExpr::Other {
                what: "an expression",
                loc,
            },
        }
    }
}
