//! Reads one TypeScript file with oxc into a [`Module`]: type declarations, imports and
//! exports, functions (by definer call or annotation) and top-level HTTP wirings.

use std::collections::HashMap;

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType, Span};

use crate::diagnostics::Diagnostic;
use crate::ir::{
    ChannelWiring, Decl, Doc, EnumValue, FunctionDef, HttpWiring, Import, JsExpr, Loc, Member,
    Module, ObjectEntry, ObjectTy, ReExport, TupleItem, Ty,
};
use crate::jsdoc::parse_jsdoc;

/// The names of definers and annotations, in both vocabularies.
const SESSION_DEFINERS: [&str; 2] = ["pikkuFunc", "APIFunction"];
const SESSIONLESS_DEFINERS: [&str; 2] = ["pikkuSessionlessFunc", "APIFunctionSessionless"];
const HTTP_WIRINGS: [&str; 2] = ["addRoute", "wireHTTP"];
const CHANNEL_WIRINGS: [&str; 2] = ["addChannel", "wireChannel"];

/// How oxc reads a file: TSX for `.tsx`, TypeScript otherwise.
pub fn source_type_of(path: &str) -> SourceType {
    if path.ends_with(".tsx") {
        SourceType::tsx()
    } else {
        SourceType::ts()
    }
}

/// Parses `text` (file number `file`); syntax errors are returned as diagnostics.
pub fn parse_module(file: usize, path: &str, text: &str) -> Result<Module, Vec<Diagnostic>> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, text, source_type_of(path)).parse();
    if parsed.diagnostics.has_errors() {
        return Err(parsed
            .diagnostics
            .errors()
            .map(|error| {
                let offset = error.labels.first().map_or(0, |l| l.offset());
                Diagnostic::new(
                    "PIKKU_SYNTAX",
                    Loc { file, offset },
                    error.message.to_string(),
                )
                .with_hint("fix the syntax error; the code generator reads the file as TypeScript")
            })
            .collect());
    }
    let mut reader = Reader {
        file,
        path,
        text,
        docs: collect_docs(file, &parsed.program, text),
        module: Module::default(),
    };
    for statement in &parsed.program.body {
        reader.statement(statement);
    }
    Ok(reader.module)
}

/// JSDoc comments by the offset of the token they are attached to.
fn collect_docs(file: usize, program: &Program, text: &str) -> HashMap<u32, Doc> {
    program
        .comments
        .iter()
        .filter(|c| c.is_jsdoc())
        .map(|c| {
            (
                c.attached_to,
                parse_jsdoc(
                    &text[c.span.start as usize..c.span.end as usize],
                    Loc {
                        file,
                        offset: c.span.start,
                    },
                ),
            )
        })
        .collect()
}

struct Reader<'t> {
    file: usize,
    /// The path as shown in messages: names a default-exported function (`get-note.ts` → `getNote`).
    path: &'t str,
    text: &'t str,
    docs: HashMap<u32, Doc>,
    module: Module,
}

impl Reader<'_> {
    fn loc(&self, span: Span) -> Loc {
        Loc {
            file: self.file,
            offset: span.start,
        }
    }

    fn doc(&self, span: Span) -> Doc {
        self.docs.get(&span.start).cloned().unwrap_or_default()
    }

    fn source(&self, span: Span) -> String {
        self.text[span.start as usize..span.end as usize].to_owned()
    }

    fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::ImportDeclaration(import) => self.import(import),
            Statement::ExportDeclaration(export) => {
                for name in self.declaration(&export.declaration, export.span) {
                    self.module.exports.insert(name.clone(), name);
                }
            }
            Statement::ExportNamedDeclaration(export) => {
                for spec in &export.specifiers {
                    self.module
                        .exports
                        .insert(export_name(&spec.exported), export_name(&spec.local));
                }
            }
            Statement::ExportFromDeclaration(export) => {
                let names = export
                    .specifiers
                    .iter()
                    .map(|s| (export_name(&s.exported), export_name(&s.local)))
                    .collect();
                self.module.reexports.push(ReExport::Named {
                    source: export.source.value.to_string(),
                    names,
                });
            }
            Statement::ExportAllDeclaration(export) if export.exported.is_none() => {
                self.module.reexports.push(ReExport::All {
                    source: export.source.value.to_string(),
                });
            }
            Statement::ExpressionStatement(expression) => {
                self.top_level_call(&expression.expression)
            }
            Statement::ExportDefaultDeclaration(export) => self.default_export(export),
            _ => {
                if let Some(declaration) = statement.as_declaration() {
                    self.declaration(declaration, statement.span());
                }
            }
        }
    }

    fn import(&mut self, import: &ImportDeclaration) {
        let source = import.source.value.to_string();
        for spec in import.specifiers.iter().flatten() {
            let (local, imported) = match spec {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    (s.local.name.to_string(), export_name(&s.imported))
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    (s.local.name.to_string(), "default".to_owned())
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    (s.local.name.to_string(), "*".to_owned())
                }
            };
            self.module.imports.insert(
                local,
                Import {
                    source: source.clone(),
                    imported,
                },
            );
        }
    }

    /// Records a declaration; returns the names it declares.
    fn declaration(&mut self, declaration: &Declaration, statement_span: Span) -> Vec<String> {
        match declaration {
            Declaration::TSInterfaceDeclaration(decl) => {
                let name = decl.id.name.to_string();
                let interface = Decl::Interface {
                    params: type_params(decl.type_parameters.as_deref()),
                    extends: decl
                        .extends
                        .iter()
                        .map(|h| Ty::Ref {
                            name: type_name(&h.type_name),
                            args: h
                                .type_arguments
                                .as_ref()
                                .map(|a| a.params.iter().map(|t| self.ty(t)).collect())
                                .unwrap_or_default(),
                            loc: self.loc(h.span),
                        })
                        .collect(),
                    body: self.members(&decl.body.body),
                    doc: self.doc(statement_span),
                };
                self.module
                    .decls
                    .insert(name.clone(), (interface, self.loc(decl.span)));
                vec![name]
            }
            Declaration::TSTypeAliasDeclaration(decl) => {
                let name = decl.id.name.to_string();
                let alias = Decl::Alias {
                    params: type_params(decl.type_parameters.as_deref()),
                    ty: self.ty(&decl.type_annotation),
                    doc: self.doc(statement_span),
                };
                self.module
                    .decls
                    .insert(name.clone(), (alias, self.loc(decl.span)));
                vec![name]
            }
            Declaration::TSEnumDeclaration(decl) => {
                let name = decl.id.name.to_string();
                let mut next = 0.0;
                let mut members = Vec::new();
                for member in &decl.body.members {
                    let key = match &member.id {
                        TSEnumMemberName::Identifier(id) => id.name.to_string(),
                        TSEnumMemberName::String(s) | TSEnumMemberName::ComputedString(s) => {
                            s.value.to_string()
                        }
                        TSEnumMemberName::ComputedTemplateString(_) => continue,
                    };
                    let value = match member.initializer.as_ref().and_then(literal_value) {
                        Some(value) => value,
                        None => EnumValue::Num(next),
                    };
                    if let EnumValue::Num(n) = value {
                        next = n + 1.0;
                    }
                    members.push((key, value));
                }
                let decl_loc = self.loc(decl.span);
                self.module.values.insert(
                    name.clone(),
                    (
                        Decl::Enum {
                            members: members.clone(),
                        },
                        decl_loc,
                    ),
                );
                self.module
                    .decls
                    .insert(name.clone(), (Decl::Enum { members }, decl_loc));
                vec![name]
            }
            Declaration::VariableDeclaration(decl) => decl
                .declarations
                .iter()
                .filter_map(|d| self.variable(d))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `pikkuFunc<In, Out>(…)` / `pikkuSessionlessFunc(…)`: records the function `name`.
    /// Whether `call` is such a call (`APIFunction` is a type, never called: not recorded).
    fn definer_call(&mut self, name: &str, call: &CallExpression, loc: Loc) -> bool {
        let Expression::Identifier(callee) = &call.callee else {
            return false;
        };
        let Some(sessionless) = definer_kind(callee.name.as_str()) else {
            return false;
        };
        if callee.name.as_str().starts_with("pikku") {
            let (input, output) = self.in_out(call.type_arguments.as_deref());
            let config = match call.arguments.first() {
                Some(Argument::ObjectExpression(object)) => Some(object),
                _ => None,
            };
            let key = |key: &str| {
                config.and_then(|o| {
                    object_properties(o)
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| self.js(v))
                })
            };
            let (input_expr, output_expr) = (key("input"), key("output"));
            self.module.functions.push(FunctionDef {
                name: name.to_owned(),
                input,
                output,
                sessionless,
                runtime_input: input_expr.is_some(),
                input_expr,
                output_expr,
                loc,
            });
        }
        true
    }

    /// `export default pikkuFunc(…)`: a function named after its file (`get-note.ts` →
    /// `getNote`); `export default getNote`: the default export is that name.
    fn default_export(&mut self, export: &ExportDefaultDeclaration) {
        match &export.declaration {
            ExportDefaultDeclarationKind::CallExpression(call) => {
                let name = default_function_name(self.path);
                if self.definer_call(&name, call, self.loc(export.span)) {
                    self.module.exports.insert("default".into(), name);
                }
            }
            ExportDefaultDeclarationKind::Identifier(id) => {
                self.module
                    .exports
                    .insert("default".into(), id.name.to_string());
            }
            _ => {}
        }
    }

    fn variable(&mut self, declarator: &VariableDeclarator) -> Option<String> {
        let BindingPattern::BindingIdentifier(id) = &declarator.id else {
            return None;
        };
        let name = id.name.to_string();
        let loc = self.loc(declarator.span);
        // `const f: APIFunction<In, Out> = …`
        if let Some(TSType::TSTypeReference(reference)) = declarator
            .type_annotation
            .as_ref()
            .map(|a| &a.type_annotation)
        {
            let annotation = type_name(&reference.type_name);
            if let Some(sessionless) = definer_kind(&annotation) {
                let (input, output) = self.in_out(reference.type_arguments.as_deref());
                self.module.functions.push(FunctionDef {
                    name: name.clone(),
                    input,
                    output,
                    sessionless,
                    runtime_input: false,
                    input_expr: None,
                    output_expr: None,
                    loc,
                });
                return Some(name);
            }
        }
        match &declarator.init {
            // `const f = pikkuFunc<In, Out>(…)`
            Some(Expression::CallExpression(call)) => {
                if self.definer_call(&name, call, loc) {
                    return Some(name);
                }
                // `const Todo = z.object(…)`: maybe a Zod schema that a function uses.
                let expr = self.js(declarator.init.as_ref()?);
                self.module
                    .values
                    .insert(name.clone(), (Decl::Expr(expr), loc));
            }
            Some(
                init @ (Expression::StaticMemberExpression(_)
                | Expression::Identifier(_)
                | Expression::ObjectExpression(_)
                | Expression::ArrayExpression(_)
                | Expression::StringLiteral(_)
                | Expression::NumericLiteral(_)),
            ) => {
                let expr = self.js(init);
                self.module
                    .values
                    .insert(name.clone(), (Decl::Expr(expr), loc));
            }
            // `const Status = { … } as const`
            Some(Expression::TSAsExpression(as_expr)) if is_as_const(&as_expr.type_annotation) => {
                if let Expression::ObjectExpression(object) = &as_expr.expression {
                    let entries = object
                        .properties
                        .iter()
                        .filter_map(|p| match p {
                            ObjectPropertyKind::ObjectProperty(p) => {
                                Some((property_key(&p.key)?, literal_value(&p.value)?))
                            }
                            ObjectPropertyKind::SpreadProperty(_) => None,
                        })
                        .collect();
                    self.module
                        .values
                        .insert(name.clone(), (Decl::ConstObject { entries }, loc));
                }
            }
            _ => {}
        }
        Some(name)
    }

    /// An expression as [`JsExpr`] (TypeScript-only wrappers such as `as const` dropped).
    fn js(&self, expression: &Expression) -> JsExpr {
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

    fn in_out(&self, args: Option<&TSTypeParameterInstantiation>) -> (Option<Ty>, Option<Ty>) {
        let mut params = args
            .map(|a| a.params.iter().map(|t| self.ty(t)))
            .into_iter()
            .flatten();
        (params.next(), params.next())
    }

    /// `addRoute({ method: 'get', route: '/x', func: f, auth: false })` at the top level.
    fn top_level_call(&mut self, expression: &Expression) {
        let Expression::CallExpression(call) = expression else {
            return;
        };
        let Expression::Identifier(callee) = &call.callee else {
            return;
        };
        let Some(Argument::ObjectExpression(object)) = call.arguments.first() else {
            return;
        };
        if CHANNEL_WIRINGS.contains(&callee.name.as_str()) {
            self.channel_wiring(object, call.span);
            return;
        }
        if !HTTP_WIRINGS.contains(&callee.name.as_str()) {
            return;
        }
        let (mut method, mut route, mut func, mut auth) = (None, None, None, None);
        for property in &object.properties {
            let ObjectPropertyKind::ObjectProperty(p) = property else {
                continue;
            };
            match (property_key(&p.key).as_deref(), &p.value) {
                (Some("method"), Expression::StringLiteral(s)) => {
                    method = Some(s.value.to_string())
                }
                (Some("route"), Expression::StringLiteral(s)) => route = Some(s.value.to_string()),
                (Some("func"), Expression::Identifier(id)) => func = Some(id.name.to_string()),
                (Some("auth"), Expression::BooleanLiteral(b)) => auth = Some(b.value),
                _ => {}
            }
        }
        if let (Some(method), Some(route), Some(func)) = (method, route, func) {
            self.module.wirings.push(HttpWiring {
                method,
                route,
                func,
                auth,
                loc: self.loc(call.span),
            });
        }
    }

    /// `addChannel({ name, route, onMessage, onMessageWiring: { action: { create: f } } })`.
    fn channel_wiring(&mut self, object: &ObjectExpression, span: Span) {
        let (mut name, mut route, mut default_handler) = (None, None, None);
        let mut routing_keys = Vec::new();
        let mut handlers = Vec::new();
        for (key, value) in object_properties(object) {
            match (key.as_str(), value) {
                ("name", Expression::StringLiteral(s)) => name = Some(s.value.to_string()),
                ("route", Expression::StringLiteral(s)) => route = Some(s.value.to_string()),
                ("onMessage", handler) => default_handler = handler_function(handler),
                ("onMessageWiring", Expression::ObjectExpression(wiring)) => {
                    for (key, values) in object_properties(wiring) {
                        routing_keys.push(key);
                        let Expression::ObjectExpression(values) = values else {
                            continue;
                        };
                        for (value, handler) in object_properties(values) {
                            if let Some(func) = handler_function(handler) {
                                handlers.push((value, func));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.module.channels.push(ChannelWiring {
            name,
            route,
            routing_keys,
            handlers,
            default_handler,
            loc: self.loc(span),
        });
    }

    fn members(&self, signatures: &[TSSignature]) -> ObjectTy {
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

    fn ty(&self, ty: &TSType) -> Ty {
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

/// `Some(sessionless)` when `name` is a function definer or annotation.
fn definer_kind(name: &str) -> Option<bool> {
    if SESSION_DEFINERS.contains(&name) {
        Some(false)
    } else if SESSIONLESS_DEFINERS.contains(&name) {
        Some(true)
    } else {
        None
    }
}

fn is_as_const(ty: &TSType) -> bool {
    matches!(ty, TSType::TSTypeReference(r) if type_name(&r.type_name) == "const")
}

fn type_params(params: Option<&TSTypeParameterDeclaration>) -> Vec<String> {
    params
        .map(|p| p.params.iter().map(|t| t.name.name.to_string()).collect())
        .unwrap_or_default()
}

fn type_name(name: &TSTypeName) -> String {
    match name {
        TSTypeName::IdentifierReference(id) => id.name.to_string(),
        TSTypeName::QualifiedName(q) => format!("{}.{}", type_name(&q.left), q.right.name),
        TSTypeName::ThisExpression(_) => "this".to_owned(),
    }
}

fn export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::IdentifierName(n) => n.name.to_string(),
        ModuleExportName::IdentifierReference(n) => n.name.to_string(),
        ModuleExportName::StringLiteral(s) => s.value.to_string(),
    }
}

fn property_key(key: &PropertyKey) -> Option<String> {
    match key {
        PropertyKey::StaticIdentifier(id) => Some(id.name.to_string()),
        PropertyKey::StringLiteral(s) => Some(s.value.to_string()),
        PropertyKey::NumericLiteral(n) => Some(n.value.to_string()),
        _ => None,
    }
}

fn literal_value(expression: &Expression) -> Option<EnumValue> {
    match expression {
        Expression::StringLiteral(s) => Some(EnumValue::Str(s.value.to_string())),
        Expression::NumericLiteral(n) => Some(EnumValue::Num(n.value)),
        Expression::UnaryExpression(u) if u.operator == UnaryOperator::UnaryNegation => {
            match &u.argument {
                Expression::NumericLiteral(n) => Some(EnumValue::Num(-n.value)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The `key: value` properties of an object literal.
fn object_properties<'a, 'b>(
    object: &'b ObjectExpression<'a>,
) -> impl Iterator<Item = (String, &'b Expression<'a>)> {
    object.properties.iter().filter_map(|p| match p {
        ObjectPropertyKind::ObjectProperty(p) => Some((property_key(&p.key)?, &p.value)),
        ObjectPropertyKind::SpreadProperty(_) => None,
    })
}

/// The function of a channel handler: `f`, or `{ func: f, auth }`.
fn handler_function(handler: &Expression) -> Option<String> {
    match handler {
        Expression::Identifier(id) => Some(id.name.to_string()),
        Expression::ObjectExpression(object) => {
            object_properties(object).find_map(|(key, value)| match (key.as_str(), value) {
                ("func", Expression::Identifier(id)) => Some(id.name.to_string()),
                _ => None,
            })
        }
        _ => None,
    }
}

/// The name of a file's default-exported function: its stem in camel case
/// (`src/functions/get-note.ts` → `getNote`; `index.ts` → its folder's name).
fn default_function_name(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or(file);
    let stem = if stem == "index" {
        parts.next().unwrap_or(stem)
    } else {
        stem
    };
    let mut name = String::new();
    let mut upper = false;
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            if name.is_empty() && c.is_ascii_digit() {
                name.push('_');
            }
            name.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = !name.is_empty();
        }
    }
    if name.is_empty() {
        "defaultFunction".into()
    } else {
        name
    }
}

#[cfg(test)]
mod default_name_tests {
    use super::default_function_name;

    #[test]
    fn names_a_default_export_after_its_file() {
        assert_eq!(
            default_function_name("src/functions/get-note.ts"),
            "getNote"
        );
        assert_eq!(default_function_name("src/notes/index.ts"), "notes");
        assert_eq!(default_function_name("list_todos.tsx"), "list_todos");
        assert_eq!(default_function_name("2fa.ts"), "_2fa");
    }
}
