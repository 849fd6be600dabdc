//! TypeScript types as [`Ty`]: keywords, literals, references, object members and tuples.

use oxc_ast::ast::*;
use oxc_span::{GetSpan, Span};

use super::{property_key, Reader};
use crate::ir::{Doc, Member, ObjectTy, TupleItem, Ty};

impl Reader<'_> {
    pub(super) fn members(&self, signatures: &[TSSignature]) -> ObjectTy {
        let mut object = ObjectTy::default();
        for signature in signatures {
            match signature {
                TSSignature::TSPropertySignature(p) => {
                    let Some(name) = property_key(&p.key) else {
                        continue;
                    };
                    let ty = match &p.type_annotation {
                        Some(annotation) => self.ty(&annotation.type_annotation),
                        None => Ty::Any,
                    };
                    object.members.push(Member {
                        name,
                        optional: p.optional,
                        ty,
                        doc: self.doc(p.span),
                    });
                }
                TSSignature::TSIndexSignature(index) => {
                    object.index = Some(Box::new(self.ty(&index.type_annotation.type_annotation)));
                }
                TSSignature::TSMethodSignature(m) => object.members.push(Member {
                    name: property_key(&m.key).unwrap_or_default(),
                    optional: m.optional,
                    ty: Ty::Unsupported {
                        what: "a method signature",
                        text: self.source(m.span),
                        loc: self.loc(m.span),
                    },
                    doc: Doc::default(),
                }),
                _ => {}
            }
        }
        object
    }

    pub(super) fn ty(&self, ty: &TSType) -> Ty {
        match ty {
            TSType::TSStringKeyword(_) => Ty::String,
            TSType::TSNumberKeyword(_) => Ty::Number,
            TSType::TSBooleanKeyword(_) => Ty::Boolean,
            TSType::TSNullKeyword(_) => Ty::Null,
            TSType::TSUndefinedKeyword(_) => Ty::Undefined,
            TSType::TSVoidKeyword(_) => Ty::Void,
            TSType::TSAnyKeyword(_) => Ty::Any,
            TSType::TSUnknownKeyword(_) => Ty::Unknown,
            TSType::TSNeverKeyword(_) => Ty::Never,
            TSType::TSObjectKeyword(_) => Ty::Object,
            TSType::TSLiteralType(literal) => match &literal.literal {
                TSLiteral::StringLiteral(s) => Ty::StrLit(s.value.to_string()),
                TSLiteral::NumericLiteral(n) => Ty::NumLit(n.value),
                TSLiteral::BooleanLiteral(b) => Ty::BoolLit(b.value),
                TSLiteral::UnaryExpression(u) => match (&u.operator, &u.argument) {
                    (UnaryOperator::UnaryNegation, Expression::NumericLiteral(n)) => {
                        Ty::NumLit(-n.value)
                    }
                    _ => self.unsupported("this literal type", ty.span()),
                },
                _ => self.unsupported("this literal type", ty.span()),
            },
            TSType::TSTypeReference(reference) => Ty::Ref {
                name: type_name(&reference.type_name),
                args: reference
                    .type_arguments
                    .as_ref()
                    .map(|a| a.params.iter().map(|t| self.ty(t)).collect())
                    .unwrap_or_default(),
                loc: self.loc(reference.span),
            },
            TSType::TSArrayType(array) => Ty::Array(Box::new(self.ty(&array.element_type))),
            TSType::TSTupleType(tuple) => Ty::Tuple(
                tuple
                    .element_types
                    .iter()
                    .map(|e| self.tuple_item(e))
                    .collect(),
            ),
            TSType::TSUnionType(union) => {
                Ty::Union(union.types.iter().map(|t| self.ty(t)).collect())
            }
            TSType::TSIntersectionType(inter) => {
                Ty::Intersection(inter.types.iter().map(|t| self.ty(t)).collect())
            }
            TSType::TSTypeLiteral(literal) => Ty::Literal(self.members(&literal.members)),
            TSType::TSParenthesizedType(inner) => self.ty(&inner.type_annotation),
            TSType::TSTypeOperatorType(op) => match op.operator {
                TSTypeOperatorOperator::Readonly => self.ty(&op.type_annotation),
                TSTypeOperatorOperator::Keyof => Ty::KeyOf(Box::new(self.ty(&op.type_annotation))),
                TSTypeOperatorOperator::Unique => self.unsupported("`unique symbol`", ty.span()),
            },
            TSType::TSTypeQuery(query) => match &query.expr_name {
                TSTypeQueryExprName::IdentifierReference(id) => Ty::TypeOf {
                    name: id.name.to_string(),
                    loc: self.loc(query.span),
                },
                _ => self.unsupported("this `typeof` type", ty.span()),
            },
            TSType::TSIndexedAccessType(indexed) => Ty::Indexed {
                object: Box::new(self.ty(&indexed.object_type)),
                index: Box::new(self.ty(&indexed.index_type)),
            },
            TSType::TSFunctionType(_) | TSType::TSConstructorType(_) => {
                self.unsupported("a function type", ty.span())
            }
            TSType::TSConditionalType(_) => self.unsupported("a conditional type", ty.span()),
            TSType::TSMappedType(_) => self.unsupported("a mapped type", ty.span()),
            TSType::TSTemplateLiteralType(_) => {
                self.unsupported("a template literal type", ty.span())
            }
            TSType::TSBigIntKeyword(_) => {
                self.unsupported("`bigint` (JSON has no bigints)", ty.span())
            }
            TSType::TSSymbolKeyword(_) => self.unsupported("`symbol`", ty.span()),
            _ => self.unsupported("this type", ty.span()),
        }
    }

    fn tuple_item(&self, element: &TSTupleElement) -> TupleItem {
        match element {
            TSTupleElement::TSOptionalType(o) => TupleItem {
                ty: self.ty(&o.type_annotation),
                optional: true,
                rest: false,
            },
            TSTupleElement::TSRestType(r) => {
                let ty = match self.ty(&r.type_annotation) {
                    Ty::Array(inner) => *inner,
                    other => other,
                };
                TupleItem {
                    ty,
                    optional: false,
                    rest: true,
                }
            }
            TSTupleElement::TSNamedTupleMember(named) => {
                let mut item = self.tuple_item(&named.element_type);
                item.optional |= named.optional;
                item
            }
            other => TupleItem {
                ty: self.ty(other.to_ts_type()),
                optional: false,
                rest: false,
            },
        }
    }

    fn unsupported(&self, what: &'static str, span: Span) -> Ty {
        Ty::Unsupported {
            what,
            text: self.source(span),
            loc: self.loc(span),
        }
    }
}

pub(super) fn type_params(params: Option<&TSTypeParameterDeclaration>) -> Vec<String> {
    params
        .map(|p| p.params.iter().map(|t| t.name.name.to_string()).collect())
        .unwrap_or_default()
}

pub(super) fn type_name(name: &TSTypeName) -> String {
    match name {
        TSTypeName::IdentifierReference(id) => id.name.to_string(),
        TSTypeName::QualifiedName(q) => format!("{}.{}", type_name(&q.left), q.right.name),
        TSTypeName::ThisExpression(_) => "this".to_owned(),
    }
}
