//! Top-level statements: imports, exports and re-exports, and the declarations they hold
//! (interfaces, type aliases, enums, `const`s).

use oxc_ast::ast::*;
use oxc_span::{GetSpan, Span};

use super::functions::{default_function_name, definer_kind, info_of_doc};
use super::types::{type_name, type_params};
use super::{property_key, Reader};
use crate::ir::{Decl, EnumValue, FunctionDef, Import, ReExport, Ty};

impl Reader<'_> {
    pub(super) fn statement(&mut self, statement: &Statement) {
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
                .filter_map(|d| self.variable(d, statement_span))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `export default pikkuFunc(…)`: a function named after its file (`get-note.ts` →
    /// `getNote`); `export default getNote`: the default export is that name.
    fn default_export(&mut self, export: &ExportDefaultDeclaration) {
        match &export.declaration {
            ExportDefaultDeclarationKind::CallExpression(call) => {
                let name = default_function_name(self.path);
                if self.definer_call(&name, call, self.loc(export.span), self.doc(export.span)) {
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

    fn variable(&mut self, declarator: &VariableDeclarator, statement: Span) -> Option<String> {
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
                    expose: false,
                    info: info_of_doc(&self.doc(statement)),
                    loc,
                });
                return Some(name);
            }
        }
        match &declarator.init {
            // `const f = pikkuFunc<In, Out>(…)`
            Some(Expression::CallExpression(call)) => {
                if self.definer_call(&name, call, loc, self.doc(statement)) {
                    return Some(name);
                }
                // `const api = defineHTTPRoutes({ … })`: a group of routes, wired elsewhere.
                if let (Expression::Identifier(callee), Some(Argument::ObjectExpression(object))) =
                    (&call.callee, call.arguments.first())
                {
                    if callee.name == super::route_groups::DEFINE_GROUP {
                        let group = self.route_group(object);
                        self.module.route_groups.insert(name.clone(), group);
                        return Some(name); // exported, when it is: other files wire it
                    }
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
}

fn is_as_const(ty: &TSType) -> bool {
    matches!(ty, TSType::TSTypeReference(r) if type_name(&r.type_name) == "const")
}

fn export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::IdentifierName(n) => n.name.to_string(),
        ModuleExportName::IdentifierReference(n) => n.name.to_string(),
        ModuleExportName::StringLiteral(s) => s.value.to_string(),
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
