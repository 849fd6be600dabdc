//! Finding the `createApp` calls: its local names, and every statement and expression a call
//! can sit in (`main()`, a factory, a chained `.routes()` …).

use oxc_ast::ast::*;

use super::{Reader, Unreadable};

impl Reader<'_> {
    pub(super) fn imports(&mut self, body: &[Statement]) {
        for statement in body {
            let Statement::ImportDeclaration(import) = statement else {
                continue;
            };
            if !import.source.value.starts_with("@pikku/native") {
                continue;
            }
            for spec in import.specifiers.iter().flatten() {
                match spec {
                    ImportDeclarationSpecifier::ImportSpecifier(s)
                        if s.imported.name() == "createApp" =>
                    {
                        self.names.push(s.local.name.to_string());
                    }
                    ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                        self.namespaces.push(s.local.name.to_string());
                    }
                    _ => {}
                }
            }
        }
    }

    pub(super) fn statements(&mut self, statements: &[Statement]) {
        for statement in statements {
            self.statement(statement);
        }
    }

    /// Walks every place a call can be: `createApp` is often inside `main()` or a factory.
    fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::ExpressionStatement(s) => self.expression(&s.expression),
            Statement::BlockStatement(b) => self.statements(&b.body),
            Statement::IfStatement(s) => {
                self.expression(&s.test);
                self.statement(&s.consequent);
                if let Some(alternate) = &s.alternate {
                    self.statement(alternate);
                }
            }
            Statement::TryStatement(s) => {
                self.statements(&s.block.body);
                if let Some(handler) = &s.handler {
                    self.statements(&handler.body.body);
                }
                if let Some(finalizer) = &s.finalizer {
                    self.statements(&finalizer.body);
                }
            }
            Statement::ReturnStatement(s) => {
                if let Some(argument) = &s.argument {
                    self.expression(argument);
                }
            }
            Statement::LabeledStatement(s) => self.statement(&s.body),
            Statement::ForStatement(s) => self.statement(&s.body),
            Statement::ForOfStatement(s) => self.statement(&s.body),
            Statement::ForInStatement(s) => self.statement(&s.body),
            Statement::WhileStatement(s) => self.statement(&s.body),
            Statement::DoWhileStatement(s) => self.statement(&s.body),
            Statement::SwitchStatement(s) => {
                for case in &s.cases {
                    self.statements(&case.consequent);
                }
            }
            Statement::ExportDeclaration(e) => self.declaration(&e.declaration),
            Statement::ExportDefaultDeclaration(e) => match &e.declaration {
                ExportDefaultDeclarationKind::FunctionDeclaration(f) => self.function(f),
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                    }
                }
            },
            other => {
                if let Some(declaration) = other.as_declaration() {
                    self.declaration(declaration);
                }
            }
        }
    }

    fn declaration(&mut self, declaration: &Declaration) {
        match declaration {
            Declaration::VariableDeclaration(d) => {
                for init in d.declarations.iter().filter_map(|d| d.init.as_ref()) {
                    self.expression(init);
                }
            }
            Declaration::FunctionDeclaration(f) => self.function(f),
            _ => {}
        }
    }

    fn function(&mut self, function: &Function) {
        if let Some(body) = &function.body {
            self.statements(&body.statements);
        }
    }

    fn expression(&mut self, expression: &Expression) {
        match expression.get_inner_expression() {
            Expression::CallExpression(call) => {
                if self.is_create_app(&call.callee) {
                    if let Err(Unreadable(span, what)) = self.create_app(call) {
                        let message = format!("{what}; the OpenAPI document lists no security schemes from this `createApp` call");
                        self.warn(span, &message);
                    }
                }
                self.expression(&call.callee);
                self.arguments(&call.arguments);
            }
            Expression::NewExpression(e) => self.arguments(&e.arguments),
            Expression::AwaitExpression(e) => self.expression(&e.argument),
            Expression::ArrowFunctionExpression(f) => match &f.body {
                ArrowFunctionBody::FunctionBody(body) => self.statements(&body.statements),
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                    }
                }
            },
            Expression::FunctionExpression(f) => self.function(f),
            Expression::AssignmentExpression(e) => self.expression(&e.right),
            Expression::ConditionalExpression(e) => {
                self.expression(&e.consequent);
                self.expression(&e.alternate);
            }
            Expression::LogicalExpression(e) => {
                self.expression(&e.left);
                self.expression(&e.right);
            }
            Expression::SequenceExpression(e) => {
                for expression in &e.expressions {
                    self.expression(expression);
                }
            }
            Expression::ObjectExpression(o) => {
                for property in &o.properties {
                    match property {
                        ObjectPropertyKind::ObjectProperty(p) => self.expression(&p.value),
                        ObjectPropertyKind::SpreadProperty(s) => self.expression(&s.argument),
                    }
                }
            }
            Expression::ArrayExpression(a) => {
                for element in &a.elements {
                    match element {
                        ArrayExpressionElement::SpreadElement(s) => self.expression(&s.argument),
                        other => {
                            if let Some(expression) = other.as_expression() {
                                self.expression(expression);
                            }
                        }
                    }
                }
            }
            // `createApp({ … }).routes()`
            Expression::StaticMemberExpression(e) => self.expression(&e.object),
            Expression::ComputedMemberExpression(e) => self.expression(&e.object),
            _ => {}
        }
    }

    fn arguments(&mut self, arguments: &[Argument]) {
        for argument in arguments {
            match argument {
                Argument::SpreadElement(s) => self.expression(&s.argument),
                other => {
                    if let Some(expression) = other.as_expression() {
                        self.expression(expression);
                    }
                }
            }
        }
    }

    fn is_create_app(&self, callee: &Expression) -> bool {
        match callee.get_inner_expression() {
            Expression::Identifier(id) => self.names.iter().any(|n| n == id.name.as_str()),
            Expression::StaticMemberExpression(m) => {
                m.property.name == "createApp"
                    && matches!(m.object.get_inner_expression(), Expression::Identifier(ns) if self.namespaces.iter().any(|n| n == ns.name.as_str()))
            }
            _ => false,
        }
    }
}
