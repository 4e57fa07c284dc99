//! One typed struct per attribute site: `#[fsql(..)]` on the struct, on a field, and on an
//! `#[derive(Enum)]` enum and its variants.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Expr, ExprLit, ExprUnary, Lit, LitStr, UnOp};

use crate::ctxt::{Ctxt, Syntax};
use crate::symbol::{self, *};

/// A value given at most once; keeps the tokens it came from for spans.
pub struct Attr<T> {
    name: Symbol,
    value: Option<(TokenStream, T)>,
}

impl<T> Attr<T> {
    fn none(name: Symbol) -> Self {
        Self { name, value: None }
    }

    fn set<A: ToTokens>(&mut self, cx: &Ctxt, at: A, value: T) {
        let tokens = at.into_token_stream();
        if self.value.is_some() {
            cx.error_spanned_by(
                tokens,
                format!("duplicate fsql attribute `{}`; give it once", self.name),
            );
        } else {
            self.value = Some((tokens, value));
        }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(_, v)| v)
    }

    /// Sets a value another attribute implies (`inherits` implies the key's `references`),
    /// unless one was written; errors about it point at `at`.
    pub fn imply<A: ToTokens>(&mut self, at: A, value: T) {
        if self.value.is_none() {
            self.value = Some((at.into_token_stream(), value));
        }
    }

    /// The value with the tokens it was written as.
    pub fn get_with_tokens(&self) -> Option<(&TokenStream, &T)> {
        self.value.as_ref().map(|(t, v)| (t, v))
    }

    pub fn is_set(&self) -> bool {
        self.value.is_some()
    }
}

/// `#[fsql(..)]` on the struct.
pub struct ContainerAttrs {
    pub table_name: Attr<String>,
    pub bind: Attr<String>,
    /// `query_class = MyQuery`: `Model::query()` returns `MyQuery<'a, Self>` (derive only).
    pub query_class: Attr<syn::Path>,
    /// `repr`: `Display` as Flask-SQLAlchemy's `<User 1>` (derive only).
    pub repr: Attr<()>,
    /// `abstract`: no table; the struct is a base whose columns models take in with
    /// `#[fsql::mixin(..)]` (Flask-SQLAlchemy's `__abstract__`; derive only).
    pub abstract_: Attr<()>,
    /// `polymorphic_on = field`: the discriminator column of a single-table hierarchy.
    pub polymorphic_on: Attr<syn::Ident>,
    /// `polymorphic_identity = ".."`: this model's value of the discriminator.
    pub polymorphic_identity: Attr<String>,
    /// `inherits = Parent`: the model whose table this one shares. Written by the parent's
    /// `#[fsql::inherits(Parent)]` expansion, with the parent's table name and discriminator.
    pub inherits: Attr<syn::Path>,
    /// The bind of a mixin the model takes columns from (written by the mixin's carrier).
    pub mixin_bind: Attr<String>,
    /// `index(a, b)` and `unique(a, b, name = "..")`: indexes over several columns
    /// (SQLAlchemy's `__table_args__ = (Index(..), UniqueConstraint(..))`), in written order.
    pub indexes: Vec<TableIndex>,
}

/// `index(a, b)` / `unique(a, b, name = "uq_x")` on the struct: an index over the fields
/// named, unique for `unique`.
pub struct TableIndex {
    /// `index` / `unique`, for errors about the whole attribute.
    pub at: TokenStream,
    pub fields: Vec<syn::Ident>,
    pub name: Option<String>,
    pub unique: bool,
}

/// `on_delete = ".."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDelete {
    Cascade,
    SetNull,
    Restrict,
}

/// `#[fsql(..)]` on a field.
pub struct FieldAttrs {
    pub primary_key: Attr<()>,
    pub unique: Attr<()>,
    pub index: Attr<()>,
    pub length: Attr<u32>,
    /// `precision = P, scale = S`: `NUMERIC(P, S)` for an `fsql::Decimal`.
    pub precision: Attr<u32>,
    pub scale: Attr<u32>,
    pub column: Attr<String>,
    pub default: Attr<String>,
    pub default_fn: Attr<syn::Path>,
    /// `onupdate = path::to::fn`: the value every UPDATE writes (SQLAlchemy's `onupdate`).
    pub onupdate: Attr<syn::Path>,
    pub sql_type: Attr<syn::Type>,
    pub ddl_type: Attr<String>,
    /// `(table, column)`
    pub foreign_key: Attr<(String, String)>,
    pub references: Attr<syn::Path>,
    pub on_delete: Attr<OnDelete>,
    /// `autoincrement = false`: a single integer key the application assigns (SQLAlchemy's
    /// `autoincrement=False`); `true` is what such a key is without it.
    pub autoincrement: Attr<bool>,
}

/// What `cascade = ".."` asks for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cascade {
    /// `all` or `delete`: deleting the parent deletes its children first.
    pub delete: bool,
    /// `delete-orphan`: a child no longer pointing at a parent is deleted at flush.
    pub delete_orphan: bool,
}

/// `#[fsql(..)]` on a relationship field.
pub struct RelationAttrs {
    /// One of [`LAZY_VALUES`].
    pub lazy: Attr<String>,
    /// The name of the reverse accessor generated on the other model.
    pub backref: Attr<syn::Ident>,
    pub backref_lazy: Attr<String>,
    /// The other side's relationship field, declared there too.
    pub back_populates: Attr<syn::Ident>,
    /// The foreign-key field (of the child, or of this model for `BelongsTo`).
    pub foreign_key: Attr<syn::Ident>,
    /// The association table (`fsql::table!`) of a `ManyToMany`.
    pub secondary: Attr<syn::Path>,
    /// The association table's column that points at this row (SQLAlchemy's `primaryjoin`),
    /// when several of its columns reference the same model.
    pub primaryjoin: Attr<syn::Ident>,
    /// The association table's column that points at the target (`secondaryjoin`).
    pub secondaryjoin: Attr<syn::Ident>,
    /// `cascade = "all, delete-orphan"`: what deleting (or orphaning) rows does to others.
    pub cascade: Attr<Cascade>,
    /// `passive_deletes`: the database's `ON DELETE CASCADE` deletes the children.
    pub passive_deletes: Attr<()>,
    /// `query_class = MyQuery`: what a `dynamic` relationship's query is returned as.
    pub query_class: Attr<syn::Path>,
}

impl RelationAttrs {
    pub fn from_ast(cx: &Ctxt, field: &syn::Field) -> Self {
        let mut a = Self {
            lazy: Attr::none(LAZY),
            backref: Attr::none(BACKREF),
            backref_lazy: Attr::none(BACKREF_LAZY),
            back_populates: Attr::none(BACK_POPULATES),
            foreign_key: Attr::none(FOREIGN_KEY),
            secondary: Attr::none(SECONDARY),
            primaryjoin: Attr::none(PRIMARYJOIN),
            secondaryjoin: Attr::none(SECONDARYJOIN),
            cascade: Attr::none(CASCADE),
            passive_deletes: Attr::none(PASSIVE_DELETES),
            query_class: Attr::none(QUERY_CLASS),
        };
        for attr in field.attrs.iter().filter(|at| at.path() == FSQL) {
            let parsed = attr.parse_nested_meta(|meta| a.parse_one(cx, &meta));
            if let Err(e) = parsed {
                cx.syn_error(e);
            }
        }
        a
    }

    fn parse_one(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let p = &meta.path;
        if p == LAZY || p == BACKREF_LAZY {
            let name = if p == LAZY { LAZY } else { BACKREF_LAZY };
            if let Some(v) = string(cx, meta, name, "\"selectin\"")? {
                let v = match v.as_str() {
                    // Flask-SQLAlchemy's spellings: `lazy=True` is select, `False` is joined.
                    "true" | "True" => "select".to_owned(),
                    "false" | "False" => "joined".to_owned(),
                    _ => v,
                };
                if LAZY_VALUES.contains(&v.as_str()) {
                    let slot = if name == LAZY {
                        &mut self.lazy
                    } else {
                        &mut self.backref_lazy
                    };
                    slot.set(cx, p, v);
                } else {
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "unknown `{name}` strategy {v:?}; expected one of: {}",
                            LAZY_VALUES.join(", ")
                        ),
                    );
                }
            }
        } else if p == BACKREF || p == BACK_POPULATES || p == FOREIGN_KEY {
            let name = if p == BACKREF {
                BACKREF
            } else if p == BACK_POPULATES {
                BACK_POPULATES
            } else {
                FOREIGN_KEY
            };
            let expr = value_expr(meta)?;
            let ident = match &expr {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => s.parse::<syn::Ident>().ok(),
                Expr::Path(ep) => ep.path.get_ident().cloned(),
                _ => None,
            };
            match ident {
                Some(id) if name == BACKREF => self.backref.set(cx, p, id),
                Some(id) if name == BACK_POPULATES => self.back_populates.set(cx, p, id),
                Some(id) => self.foreign_key.set(cx, p, id),
                None => cx.error_spanned_by(
                    &expr,
                    format!("`{name}` names a field, e.g. `{name} = \"author\"`"),
                ),
            }
        } else if p == SECONDARY {
            match value_expr(meta)? {
                Expr::Path(ep) if ep.qself.is_none() => self.secondary.set(cx, p, ep.path),
                other => cx.error_spanned_by(
                    other,
                    "`secondary` names an association table declared with fsql::table!, e.g. \
                     `secondary = page_tags`",
                ),
            }
        } else if p == CASCADE {
            if let Some(v) = string(cx, meta, CASCADE, "\"all, delete-orphan\"")? {
                let mut cascade = Cascade::default();
                for part in v.split(',').map(str::trim) {
                    match part {
                        "all" | "delete" => cascade.delete = true,
                        "delete-orphan" => cascade.delete_orphan = true,
                        other => cx.error_spanned_by(
                            &meta.path,
                            format!(
                                "unknown cascade `{other}`; fsql acts on: {} (saving related \
                                 rows is always explicit in fsql, so SQLAlchemy's `save-update` \
                                 and `merge` have nothing to do)",
                                CASCADE_VALUES.join(", ")
                            ),
                        ),
                    }
                }
                self.cascade.set(cx, p, cascade);
            }
        } else if p == PASSIVE_DELETES {
            flag(cx, meta, PASSIVE_DELETES)?;
            self.passive_deletes.set(cx, p, ());
        } else if p == PRIMARYJOIN || p == SECONDARYJOIN {
            let name = if p == PRIMARYJOIN {
                PRIMARYJOIN
            } else {
                SECONDARYJOIN
            };
            let expr = value_expr(meta)?;
            let ident = match &expr {
                Expr::Path(ep) => ep.path.get_ident().cloned(),
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => s.parse::<syn::Ident>().ok(),
                _ => None,
            };
            match ident {
                Some(id) if name == PRIMARYJOIN => self.primaryjoin.set(cx, p, id),
                Some(id) => self.secondaryjoin.set(cx, p, id),
                None => cx.error_spanned_by(
                    &expr,
                    format!(
                        "`{name}` names a column of the association table, e.g. \
                         `{name} = follower_id`"
                    ),
                ),
            }
        } else if p == QUERY_CLASS {
            match value_expr(meta)? {
                Expr::Path(ep) if ep.qself.is_none() => self.query_class.set(cx, p, ep.path),
                other => cx.error_spanned_by(
                    other,
                    "`query_class` names a type generic over the query's lifetime and the \
                     model, e.g. `query_class = GetOrQuery` for `struct GetOrQuery<'a, M: Model>`",
                ),
            }
        } else {
            let name = meta.path.to_token_stream().to_string().replace(' ', "");
            let hint = if FIELD_ATTRS.iter().any(|s| p == *s) {
                " (a relationship field is not a column)"
            } else {
                ""
            };
            cx.error_spanned_by(
                &meta.path,
                format!(
                    "unknown fsql attribute `{name}` on a relationship field{hint}; expected \
                     one of: {}",
                    symbol::list(RELATION_ATTRS)
                ),
            );
            skip_value(meta)?;
        }
        Ok(())
    }
}

/// `#[fsql(..)]` on an `#[derive(Enum)]` enum.
pub struct EnumAttrs {
    /// The enum's SQL name (a native type's name); the enum's name in snake_case by default.
    pub name: Attr<String>,
    /// The backend's own enum type instead of a `VARCHAR`: MySQL's `ENUM(..)`, PostgreSQL's `CREATE TYPE .. AS ENUM`.
    pub native: Attr<()>,
}

impl EnumAttrs {
    pub fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut a = Self {
            name: Attr::none(NAME),
            native: Attr::none(NATIVE),
        };
        for attr in attrs.iter().filter(|at| at.path() == FSQL) {
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path == NAME {
                    if let Some(v) = string(cx, &meta, NAME, "\"mood\"")? {
                        a.name.set(cx, &meta.path, v);
                    }
                } else if meta.path == NATIVE {
                    flag(cx, &meta, NATIVE)?;
                    a.native.set(cx, &meta.path, ());
                } else {
                    return unknown(cx, &meta, ENUM_ATTRS, "enum");
                }
                Ok(())
            });
            if let Err(e) = parsed {
                cx.syn_error(e);
            }
        }
        a
    }
}

/// `#[fsql(..)]` on a variant of an `#[derive(Enum)]` enum.
pub struct VariantAttrs {
    /// The name the variant is stored as; the variant's own name by default.
    pub rename: Attr<String>,
}

impl VariantAttrs {
    pub fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut a = Self {
            rename: Attr::none(RENAME),
        };
        for attr in attrs.iter().filter(|at| at.path() == FSQL) {
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.path == RENAME {
                    if let Some(v) = string(cx, &meta, RENAME, "\"archived\"")? {
                        a.rename.set(cx, &meta.path, v);
                    }
                } else {
                    return unknown(cx, &meta, VARIANT_ATTRS, "variant");
                }
                Ok(())
            });
            if let Err(e) = parsed {
                cx.syn_error(e);
            }
        }
        a
    }
}

/// Reports an unknown attribute on a `site` ("struct", "field", "table", "column"), listing the
/// valid ones.
fn unknown(cx: &Ctxt, meta: &ParseNestedMeta<'_>, valid: &[Symbol], site: &str) -> syn::Result<()> {
    let name = meta.path.to_token_stream().to_string().replace(' ', "");
    let what = match cx.syntax() {
        Syntax::Derive if site.starts_with('e') => {
            format!("unknown fsql attribute `{name}` on an {site}")
        }
        Syntax::Derive => format!("unknown fsql attribute `{name}` on a {site}"),
        Syntax::TableMacro => format!("unknown attribute `{name}` on a {site} of fsql::table!"),
    };
    cx.error_spanned_by(
        &meta.path,
        format!("{what}; expected one of: {}", symbol::list(valid)),
    );
    skip_value(meta)
}

/// `index(a, b, name = "ix_x")`: field names, and at most one `name`.
fn table_index(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<TableIndex> {
    let unique = meta.path == UNIQUE;
    let kind = if unique { UNIQUE } else { INDEX };
    let mut index = TableIndex {
        at: meta.path.to_token_stream(),
        fields: Vec::new(),
        name: None,
        unique,
    };
    let mut name = Attr::none(NAME);
    let content;
    syn::parenthesized!(content in meta.input);
    let tokens: TokenStream = content.parse()?;
    let empty = tokens.is_empty();
    let parser = syn::meta::parser(|inner| {
        if inner.path == NAME && inner.input.peek(syn::Token![=]) {
            if let Some(v) = string(cx, &inner, NAME, "\"ix_post_author_created\"")? {
                name.set(cx, &inner.path, v);
            }
        } else if let Some(field) = inner
            .path
            .get_ident()
            .filter(|_| inner.input.is_empty() || inner.input.peek(syn::Token![,]))
        {
            if index.fields.contains(field) {
                cx.error_spanned_by(
                    field,
                    format!("`{field}` is named twice in this `{kind}(..)`"),
                );
            } else {
                index.fields.push(field.clone());
            }
        } else {
            cx.error_spanned_by(
                &inner.path,
                format!(
                    "`{kind}(..)` takes the fields it covers and an optional name, e.g. \
                     `{kind}(author_id, created, name = \"ix_post_author_created\")`"
                ),
            );
            skip_value(&inner)?;
        }
        Ok(())
    });
    if empty {
        drop(parser);
    } else {
        syn::parse::Parser::parse2(parser, tokens)?;
    }
    if index.fields.is_empty() {
        cx.error_spanned_by(
            &meta.path,
            format!("`{kind}(..)` needs the fields it covers, e.g. `{kind}(author_id, created)`"),
        );
    }
    index.name = name.value.map(|(_, v)| v);
    Ok(index)
}

/// Consumes `= value` or `(..)` after an attribute so parsing can go on after an error.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

/// The `= value` of an attribute. Values passed through `macro_rules!` (`$name:literal`) arrive
/// wrapped in an invisible group; unwrap it so they read like the literal they are.
fn value_expr(meta: &ParseNestedMeta<'_>) -> syn::Result<Expr> {
    let mut expr: Expr = meta.value()?.parse()?;
    while let Expr::Group(g) = expr {
        expr = *g.expr;
    }
    Ok(expr)
}

/// A flag (`primary_key`). Given a value by mistake, it reports that and still counts as set,
/// so the mistake does not also cause "no primary key".
fn flag(cx: &Ctxt, meta: &ParseNestedMeta<'_>, name: Symbol) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        cx.syn_error(meta.error(format!(
            "`{name}` takes no value: write `{}`",
            cx.syntax().attr(name.0)
        )));
        skip_value(meta)?;
    }
    Ok(())
}

/// `name = path::to::fn`: a function the generated code calls with no arguments. `Ok(None)`
/// when the value is not a path: the error is recorded.
fn function_path(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    name: Symbol,
) -> syn::Result<Option<syn::Path>> {
    match value_expr(meta)? {
        Expr::Path(ep) if ep.qself.is_none() => Ok(Some(ep.path)),
        other => {
            cx.error_spanned_by(
                other,
                format!(
                    "`{name}` must be a path to a function taking no arguments, e.g. \
                     `{name} = chrono::Utc::now`"
                ),
            );
            Ok(None)
        }
    }
}

/// An integer value of at least `min`. `Ok(None)` when the value was there but wrong: the
/// error is recorded.
fn integer(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    name: Symbol,
    min: u32,
    example: &str,
) -> syn::Result<Option<u32>> {
    let expr = value_expr(meta)?;
    let n = match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<u32>().ok().filter(|n| *n >= min),
        _ => None,
    };
    if n.is_none() {
        let kind = if min == 0 {
            "an integer"
        } else {
            "a positive integer"
        };
        cx.error_spanned_by(
            &expr,
            format!("`{name}` must be {kind}, e.g. `{name} = {example}`"),
        );
    }
    Ok(n)
}

/// A string value. `Ok(None)` when the value was there but wrong: the error is recorded and
/// parsing goes on with the next attribute.
fn string(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    name: Symbol,
    example: &str,
) -> syn::Result<Option<String>> {
    match string_value(meta, name, example) {
        Ok(v) => Ok(Some(v)),
        Err(Fault::Value(e)) => {
            cx.syn_error(e);
            Ok(None)
        }
        Err(Fault::Syntax(e)) => Err(e),
    }
}

enum Fault {
    /// The value parsed but is not acceptable: report it and go on.
    Value(syn::Error),
    /// The tokens do not parse: the rest of the list cannot be read.
    Syntax(syn::Error),
}

fn string_value(meta: &ParseNestedMeta<'_>, name: Symbol, example: &str) -> Result<String, Fault> {
    let expr = value_expr(meta).map_err(Fault::Syntax)?;
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => {
            let value = s.value();
            if value.trim().is_empty() {
                return Err(Fault::Value(syn::Error::new(
                    s.span(),
                    format!("`{name}` must not be empty"),
                )));
            }
            Ok(value)
        }
        other => Err(Fault::Value(syn::Error::new_spanned(
            other,
            format!("`{name}` must be a string literal, e.g. `{name} = {example}`"),
        ))),
    }
}

impl ContainerAttrs {
    pub fn new() -> Self {
        Self {
            table_name: Attr::none(TABLE_NAME),
            bind: Attr::none(BIND),
            query_class: Attr::none(QUERY_CLASS),
            repr: Attr::none(REPR),
            abstract_: Attr::none(ABSTRACT),
            polymorphic_on: Attr::none(POLYMORPHIC_ON),
            polymorphic_identity: Attr::none(POLYMORPHIC_IDENTITY),
            inherits: Attr::none(INHERITS),
            mixin_bind: Attr::none(MIXIN_BIND),
            indexes: Vec::new(),
        }
    }

    pub fn from_ast(cx: &Ctxt, item: &syn::DeriveInput) -> Self {
        let mut a = Self::new();
        for attr in item.attrs.iter().filter(|a| a.path() == FSQL) {
            let parsed = attr.parse_nested_meta(|meta| a.parse_one(cx, &meta));
            if let Err(e) = parsed {
                cx.syn_error(e);
            }
        }
        a
    }

    /// One attribute of the list: `table_name = ".."` or `bind = ".."`. Shared by the derive
    /// (inside `#[fsql(..)]`) and `fsql::table!` (bare, `#[bind = ".."]`).
    pub fn parse_one(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        if meta.path == TABLE_NAME {
            if let Some(v) = string(cx, meta, TABLE_NAME, "\"users\"")? {
                self.table_name.set(cx, &meta.path, v);
            }
        } else if meta.path == BIND {
            if let Some(v) = string(cx, meta, BIND, "\"auth\"")? {
                self.bind.set(cx, &meta.path, v);
            }
        } else if meta.path == REPR && cx.syntax() == Syntax::Derive {
            flag(cx, meta, REPR)?;
            self.repr.set(cx, &meta.path, ());
        } else if meta.path == ABSTRACT && cx.syntax() == Syntax::Derive {
            flag(cx, meta, ABSTRACT)?;
            self.abstract_.set(cx, &meta.path, ());
        } else if meta.path == POLYMORPHIC_ON && cx.syntax() == Syntax::Derive {
            match value_expr(meta)? {
                Expr::Path(p) if p.path.get_ident().is_some() => {
                    let field = p.path.get_ident().cloned().expect("checked");
                    self.polymorphic_on.set(cx, &meta.path, field);
                }
                other => cx.error_spanned_by(
                    other,
                    "`polymorphic_on` names the discriminator field, e.g. `polymorphic_on = kind`",
                ),
            }
        } else if meta.path == POLYMORPHIC_IDENTITY && cx.syntax() == Syntax::Derive {
            if let Some(v) = string(cx, meta, POLYMORPHIC_IDENTITY, "\"manager\"")? {
                self.polymorphic_identity.set(cx, &meta.path, v);
            }
        } else if meta.path == INHERITS && cx.syntax() == Syntax::Derive {
            match value_expr(meta)? {
                Expr::Path(p) if p.qself.is_none() => self.inherits.set(cx, &meta.path, p.path),
                other => cx.error_spanned_by(
                    other,
                    "`inherits` names the parent model, e.g. `inherits = Employee`",
                ),
            }
        } else if meta.path == MIXIN_BIND && cx.syntax() == Syntax::Derive {
            if let Some(v) = string(cx, meta, MIXIN_BIND, "\"auth\"")? {
                match self.mixin_bind.get() {
                    None => self.mixin_bind.set(cx, &meta.path, v),
                    Some(first) if *first == v => {}
                    Some(first) => cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "two mixins of this model give different binds, {first:?} and \
                             {v:?}; give the model its own #[fsql(bind = ..)]"
                        ),
                    ),
                }
            }
        } else if (meta.path == INDEX || meta.path == UNIQUE) && meta.input.peek(syn::token::Paren)
        {
            self.indexes.push(table_index(cx, meta)?);
        } else if meta.path == QUERY_CLASS && cx.syntax() == Syntax::Derive {
            match value_expr(meta)? {
                Expr::Path(p) if p.qself.is_none() => self.query_class.set(cx, &meta.path, p.path),
                other => cx.error_spanned_by(
                    other,
                    "`query_class` names a type generic over the query's lifetime and the \
                     model, e.g. `query_class = GetOrQuery` for `struct GetOrQuery<'a, M: Model>`",
                ),
            }
        } else {
            match cx.syntax() {
                Syntax::Derive => unknown(cx, meta, CONTAINER_ATTRS, "struct")?,
                Syntax::TableMacro => unknown(cx, meta, TABLE_ATTRS, "table")?,
            }
        }
        Ok(())
    }
}

impl FieldAttrs {
    pub fn new() -> Self {
        Self {
            primary_key: Attr::none(PRIMARY_KEY),
            unique: Attr::none(UNIQUE),
            index: Attr::none(INDEX),
            length: Attr::none(LENGTH),
            precision: Attr::none(PRECISION),
            scale: Attr::none(SCALE),
            column: Attr::none(COLUMN),
            default: Attr::none(DEFAULT),
            default_fn: Attr::none(DEFAULT_FN),
            onupdate: Attr::none(ONUPDATE),
            sql_type: Attr::none(SQL_TYPE),
            ddl_type: Attr::none(DDL_TYPE),
            foreign_key: Attr::none(FOREIGN_KEY),
            references: Attr::none(REFERENCES),
            on_delete: Attr::none(ON_DELETE),
            autoincrement: Attr::none(AUTOINCREMENT),
        }
    }

    pub fn from_ast(cx: &Ctxt, field: &syn::Field) -> Self {
        let mut a = Self::new();
        for attr in field.attrs.iter().filter(|at| at.path() == FSQL) {
            let parsed = attr.parse_nested_meta(|meta| a.parse_one(cx, &meta));
            if let Err(e) = parsed {
                cx.syn_error(e);
            }
        }
        a
    }

    /// One attribute of the list. Shared by the derive (inside `#[fsql(..)]` on a field) and
    /// `fsql::table!` (bare, `#[primary_key, references = Page]` on a column), which accepts
    /// every field attribute but `default_fn` (it has no Rust struct to fill in).
    pub fn parse_one(&mut self, cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let p = &meta.path;
        let valid = match cx.syntax() {
            Syntax::Derive => FIELD_ATTRS,
            Syntax::TableMacro => TABLE_COLUMN_ATTRS,
        };
        if !valid.iter().any(|s| p == *s) {
            return unknown(cx, meta, valid, cx.syntax().item());
        }
        if p == PRIMARY_KEY {
            flag(cx, meta, PRIMARY_KEY)?;
            self.primary_key.set(cx, p, ());
        } else if p == UNIQUE {
            flag(cx, meta, UNIQUE)?;
            self.unique.set(cx, p, ());
        } else if p == INDEX {
            flag(cx, meta, INDEX)?;
            self.index.set(cx, p, ());
        } else if p == LENGTH {
            if let Some(n) = integer(cx, meta, LENGTH, 1, "80")? {
                self.length.set(cx, p, n);
            }
        } else if p == PRECISION {
            if let Some(n) = integer(cx, meta, PRECISION, 1, "10")? {
                self.precision.set(cx, p, n);
            }
        } else if p == SCALE {
            if let Some(n) = integer(cx, meta, SCALE, 0, "2")? {
                self.scale.set(cx, p, n);
            }
        } else if p == COLUMN {
            if let Some(v) = string(cx, meta, COLUMN, "\"user_name\"")? {
                self.column.set(cx, p, v);
            }
        } else if p == DEFAULT {
            let expr = value_expr(meta)?;
            match sql_literal(&expr) {
                Some(sql) => self.default.set(cx, p, sql),
                None => cx.error_spanned_by(
                    &expr,
                    "`default` is a server default written into the DDL: a string holding SQL \
                     (`default = \"CURRENT_TIMESTAMP\"`, `default = \"'guest'\"`), a number or a \
                     bool; for a Rust function use `default_fn = path::to::fn`",
                ),
            }
        } else if p == DEFAULT_FN {
            if let Some(f) = function_path(cx, meta, DEFAULT_FN)? {
                self.default_fn.set(cx, p, f);
            }
        } else if p == ONUPDATE {
            if let Some(f) = function_path(cx, meta, ONUPDATE)? {
                self.onupdate.set(cx, p, f);
            }
        } else if p == SQL_TYPE {
            let ty: syn::Type = meta.value()?.parse()?;
            self.sql_type.set(cx, p, ty);
        } else if p == DDL_TYPE {
            if let Some(v) = string(cx, meta, DDL_TYPE, "\"CITEXT\"")? {
                self.ddl_type.set(cx, p, v);
            }
        } else if p == FOREIGN_KEY {
            let lit: LitStr = match value_expr(meta)? {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => s,
                other => {
                    cx.error_spanned_by(other, "`foreign_key` must be a string \"table.column\", e.g. `foreign_key = \"user.id\"`");
                    return Ok(());
                }
            };
            match parse_foreign_key(&lit.value()) {
                Ok(fk) => self.foreign_key.set(cx, p, fk),
                Err(why) => cx.error_spanned_by(&lit, why),
            }
        } else if p == REFERENCES {
            let expr = value_expr(meta)?;
            match expr {
                Expr::Path(ep) if ep.qself.is_none() => self.references.set(cx, p, ep.path),
                other => cx.error_spanned_by(
                    other,
                    "`references` names a model type, e.g. `references = User`",
                ),
            }
        } else if p == AUTOINCREMENT {
            match value_expr(meta)? {
                Expr::Lit(ExprLit {
                    lit: Lit::Bool(b), ..
                }) => self.autoincrement.set(cx, p, b.value),
                other => cx.error_spanned_by(
                    other,
                    "`autoincrement` is `true` or `false`, e.g. `autoincrement = false` for a key \
                     the application assigns",
                ),
            }
        } else if p == ON_DELETE {
            let lit = value_expr(meta)?;
            let value = match &lit {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => match s.value().to_ascii_lowercase().replace('_', " ").as_str() {
                    "cascade" => Some(OnDelete::Cascade),
                    "set null" => Some(OnDelete::SetNull),
                    "restrict" => Some(OnDelete::Restrict),
                    _ => None,
                },
                _ => None,
            };
            match value {
                Some(v) => self.on_delete.set(cx, p, v),
                None => cx.error_spanned_by(
                    &lit,
                    "`on_delete` must be one of \"cascade\", \"set null\", \"restrict\"",
                ),
            }
        } else {
            unknown(cx, meta, valid, cx.syntax().item())?;
        }
        Ok(())
    }
}

/// The SQL text of a `default = ..` value.
fn sql_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(s) if !s.value().trim().is_empty() => Some(s.value()),
            Lit::Int(i) => Some(i.base10_digits().to_owned()),
            Lit::Float(f) => Some(f.base10_digits().to_owned()),
            Lit::Bool(b) => Some(if b.value { "TRUE" } else { "FALSE" }.to_owned()),
            _ => None,
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match &**expr {
            Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            }) => Some(format!("-{}", i.base10_digits())),
            Expr::Lit(ExprLit {
                lit: Lit::Float(f), ..
            }) => Some(format!("-{}", f.base10_digits())),
            _ => None,
        },
        _ => None,
    }
}

fn parse_foreign_key(text: &str) -> Result<(String, String), String> {
    let bad = || {
        format!(
            "malformed foreign_key {text:?}: expected \"table.column\" (the referred table's SQL \
             name and column), e.g. foreign_key = \"user.id\"; or use `references = Model`"
        )
    };
    let (table, column) = text.split_once('.').ok_or_else(bad)?;
    let ok = |s: &str| !s.is_empty() && !s.contains('.') && !s.chars().any(char::is_whitespace);
    if ok(table) && ok(column) {
        Ok((table.to_owned(), column.to_owned()))
    } else {
        Err(bad())
    }
}

/// The span of an attribute's value, for errors about it.
pub fn span_of<T>(attr: &Attr<T>) -> Span {
    attr.get_with_tokens()
        .map_or_else(Span::call_site, |(t, _)| t.span())
}

#[cfg(test)]
mod tests {
    use super::parse_foreign_key;

    #[test]
    fn foreign_key_strings() {
        assert_eq!(
            parse_foreign_key("user.id").unwrap(),
            ("user".into(), "id".into())
        );
        for bad in ["user", "user.", ".id", "a.b.c", "us er.id", ""] {
            assert!(parse_foreign_key(bad).is_err(), "{bad:?}");
        }
    }
}
