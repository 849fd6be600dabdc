//! What the inspector keeps of a TypeScript file: its type declarations, imports and
//! exports, functions and wirings, as owned data (no oxc lifetimes), so that resolution can
//! walk many files at once.

use std::collections::HashMap;

/// A place in a source file: the file's index in the project and a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    pub file: usize,
    pub offset: u32,
}

/// A TypeScript type, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Number,
    Boolean,
    Null,
    Undefined,
    Void,
    Any,
    Unknown,
    Never,
    Object,
    StrLit(String),
    NumLit(f64),
    BoolLit(bool),
    /// A named type: `Todo`, `Partial<Todo>`, `models.Todo`.
    Ref {
        name: String,
        args: Vec<Ty>,
        loc: Loc,
    },
    Array(Box<Ty>),
    Tuple(Vec<TupleItem>),
    Union(Vec<Ty>),
    Intersection(Vec<Ty>),
    Literal(ObjectTy),
    /// `typeof X`: only meaningful with `as const` objects.
    TypeOf {
        name: String,
        loc: Loc,
    },
    /// `keyof T`.
    KeyOf(Box<Ty>),
    /// `T[K]`.
    Indexed {
        object: Box<Ty>,
        index: Box<Ty>,
    },
    /// Something the inspector cannot turn into a schema.
    Unsupported {
        what: &'static str,
        text: String,
        loc: Loc,
    },
}

/// One element of a tuple type.
#[derive(Debug, Clone, PartialEq)]
pub struct TupleItem {
    pub ty: Ty,
    pub optional: bool,
    pub rest: bool,
}

/// An object type: members and an optional string index signature.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectTy {
    pub members: Vec<Member>,
    pub index: Option<Box<Ty>>,
}

/// One property of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub optional: bool,
    pub ty: Ty,
    pub doc: Doc,
}

/// A JSDoc comment: its text and tags (`@minLength 1` → `minLength`, `1`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub description: Option<String>,
    pub tags: Vec<Tag>,
}

/// One `@name value` of a JSDoc comment, with where its `@` and its value are.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    pub value: String,
    pub loc: Loc,
    pub value_loc: Loc,
}

/// A named type declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    Interface {
        params: Vec<String>,
        extends: Vec<Ty>,
        body: ObjectTy,
        doc: Doc,
    },
    Alias {
        params: Vec<String>,
        ty: Ty,
        doc: Doc,
    },
    /// An `enum`, with each member's value.
    Enum { members: Vec<(String, EnumValue)> },
    /// A `const X = { … } as const` object: its literal values.
    ConstObject { entries: Vec<(String, EnumValue)> },
    /// A `const X = <call or member chain>` (a Zod schema, maybe): its initializer.
    Expr(JsExpr),
}

/// A JavaScript expression as written, kept for the static reading of Zod builders
/// (`z.object({ id: z.string() }).strict()`). What it cannot hold is `Other`.
#[derive(Debug, Clone, PartialEq)]
pub enum JsExpr {
    Ident {
        name: String,
        loc: Loc,
    },
    /// `object.property`; `loc` is where the property name is.
    Member {
        object: Box<JsExpr>,
        property: String,
        loc: Loc,
    },
    Call {
        callee: Box<JsExpr>,
        args: Vec<JsExpr>,
        loc: Loc,
    },
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    /// A regular expression literal: its source (between the slashes) and flags.
    Regex {
        source: String,
        flags: String,
    },
    Array(Vec<JsExpr>),
    Object(Vec<ObjectEntry>, Loc),
    /// Anything else (a function, a template with expressions, a spread argument …).
    Other {
        what: &'static str,
        loc: Loc,
    },
}

/// One entry of an object literal.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectEntry {
    Property(String, JsExpr),
    Spread(JsExpr),
    /// A computed key or a method.
    Other(Loc),
}

impl JsExpr {
    /// Where the expression starts (`Loc::default()` for literals, which never fail alone).
    pub fn loc(&self) -> Loc {
        match self {
            JsExpr::Ident { loc, .. }
            | JsExpr::Member { loc, .. }
            | JsExpr::Call { loc, .. }
            | JsExpr::Object(_, loc)
            | JsExpr::Other { loc, .. } => *loc,
            _ => Loc::default(),
        }
    }
}

/// The value of an enum member or `as const` entry.
#[derive(Debug, Clone, PartialEq)]
pub enum EnumValue {
    Str(String),
    Num(f64),
}

/// A function found by its definer or annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub name: String,
    pub input: Option<Ty>,
    pub output: Option<Ty>,
    pub sessionless: bool,
    /// The input schema is given at run time (`pikkuFunc({ input: z.object(…) })`).
    pub runtime_input: bool,
    /// The `input` and `output` expressions of the config form (a Zod schema, or JSON Schema).
    pub input_expr: Option<JsExpr>,
    pub output_expr: Option<JsExpr>,
    /// `expose: true` in the config form.
    pub expose: bool,
    /// What it says about itself: its config's `title`, `description`, `tags`, `deprecated`,
    /// `errors`, or its JSDoc comment.
    pub info: FunctionInfo,
    pub loc: Loc,
}

/// A function's description for people and agents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FunctionInfo {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
    /// The error classes it declares it throws, by name.
    pub errors: Vec<String>,
}

/// An `addRoute` / `wireHTTP` call.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpWiring {
    pub method: String,
    pub route: String,
    pub func: String,
    pub auth: Option<bool>,
    /// `sse: true`.
    pub sse: bool,
    /// `tags: ['todos']` (with those of its groups).
    pub tags: Vec<String>,
    /// `upload: true` or `upload: { fileFields: [...] }`: the file fields it names (none: any).
    pub upload: Option<Vec<String>>,
    pub loc: Loc,
}

/// An `addChannel` / `wireChannel` call.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelWiring {
    /// `None` when not a string literal (a diagnostic).
    pub name: Option<String>,
    pub route: Option<String>,
    /// The keys of `onMessageWiring` (one is allowed).
    pub routing_keys: Vec<String>,
    /// `(value, function)` for each routed handler.
    pub handlers: Vec<(String, String)>,
    /// The `onMessage` function.
    pub default_handler: Option<String>,
    pub loc: Loc,
}

/// Where an imported name comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub source: String,
    /// The exported name, or `*` for a namespace import.
    pub imported: String,
}

/// A `export … from` statement.
#[derive(Debug, Clone, PartialEq)]
pub enum ReExport {
    /// `export * from './x'`.
    All { source: String },
    /// `export { a as b } from './x'`: (exported, imported).
    Named {
        source: String,
        names: Vec<(String, String)>,
    },
}

/// Everything the inspector read from one file.
#[derive(Debug, Default)]
pub struct Module {
    /// Type declarations (interfaces, aliases, enums).
    pub decls: HashMap<String, (Decl, Loc)>,
    /// Values that types can refer to with `typeof` (`as const` objects, enums).
    pub values: HashMap<String, (Decl, Loc)>,
    pub imports: HashMap<String, Import>,
    /// Exported name → local name.
    pub exports: HashMap<String, String>,
    pub reexports: Vec<ReExport>,
    pub functions: Vec<FunctionDef>,
    pub wirings: Vec<HttpWiring>,
    pub channels: Vec<ChannelWiring>,
    /// `const api = defineHTTPRoutes({ … })`, by name.
    pub route_groups: HashMap<String, RouteGroup>,
    /// `wireHTTPRoutes({ … })` calls.
    pub group_wirings: Vec<RouteGroup>,
}

/// A group of routes (`defineHTTPRoutes` / `wireHTTPRoutes`): what its routes share.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RouteGroup {
    pub base_path: String,
    pub tags: Vec<String>,
    pub auth: Option<bool>,
    pub routes: Vec<GroupEntry>,
    pub loc: Loc,
}

/// One entry of a group's `routes`.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupEntry {
    Route(HttpWiring),
    Group(RouteGroup),
    /// A group declared elsewhere (`routes: { todos: todoRoutes }`), found by name.
    Ref {
        name: String,
        loc: Loc,
    },
}
