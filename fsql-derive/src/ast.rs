//! The struct (or the table of `fsql::table!`), parsed into an owned model that keeps spans for
//! errors.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Ident, Type, Visibility};

use crate::attr::{ContainerAttrs, FieldAttrs, RelationAttrs};
use crate::ctxt::Ctxt;
use crate::private::private;
use crate::types::{self, Scalar};

pub struct Model<'a> {
    /// The struct; for `fsql::table!`, the table's name as written.
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub attrs: ContainerAttrs,
    /// `TableMeta::model`: the struct's name; for `fsql::table!`, the table name.
    pub model_name: String,
    /// The SQL table name.
    pub table_name: String,
    /// The Rust module `diesel::table!` creates (the table name made a valid identifier).
    pub table_mod: Ident,
    pub fields: Vec<Field<'a>>,
    /// Relationship fields: not columns.
    pub relations: Vec<Relation<'a>>,
}

/// The kind of a relationship field, from its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationKind {
    HasMany,
    HasOne,
    BelongsTo,
    ManyToMany,
}

impl RelationKind {
    /// The kind named by a field type's last segment (`HasMany<T>` ..), with `T`.
    pub fn of(ty: &Type) -> Option<(Self, &Type)> {
        let Type::Path(tp) = ty else { return None };
        if tp.qself.is_some() {
            return None;
        }
        let last = tp.path.segments.last()?;
        let kind = match last.ident.to_string().as_str() {
            "HasMany" => Self::HasMany,
            "HasOne" => Self::HasOne,
            "BelongsTo" => Self::BelongsTo,
            "ManyToMany" => Self::ManyToMany,
            _ => return None,
        };
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        match args.args.iter().collect::<Vec<_>>().as_slice() {
            [syn::GenericArgument::Type(t)] => Some((kind, t)),
            _ => None,
        }
    }
}

pub struct Relation<'a> {
    pub ident: &'a Ident,
    pub kind: RelationKind,
    /// `T` of `HasMany<T>`.
    pub target: &'a Type,
    pub attrs: RelationAttrs,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    /// The SQL column name.
    pub column: String,
    /// The column's identifier inside the `table!` module: the field's, unless that would clash
    /// with what `table!` itself defines there.
    pub column_ident: Ident,
    /// `Option<T>` field.
    pub nullable: bool,
    /// `T` of `Option<T>`, else the field type.
    pub inner: &'a Type,
    /// What fsql knows the Rust type as, if anything.
    pub scalar: Option<Scalar>,
}

impl<'a> Model<'a> {
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let attrs = ContainerAttrs::from_ast(cx, input);
        if !input.generics.params.is_empty() {
            cx.error_spanned_by(
                &input.generics,
                "#[derive(Model)] does not support generic structs: a model maps to one table",
            );
            // Field types mention the parameters; checking them would only add noise.
            return None;
        }
        let named = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(n) => n,
                _ => {
                    cx.error_spanned_by(
                        &input.ident,
                        "#[derive(Model)] needs a struct with named fields: each field is a column",
                    );
                    return None;
                }
            },
            _ => {
                cx.error_spanned_by(&input.ident, "#[derive(Model)] applies to structs only");
                return None;
            }
        };
        let table_name = match attrs.table_name.get() {
            Some(t) => t.clone(),
            None => fsql_core::camel_to_snake(&input.ident.unraw().to_string()),
        };
        // A single-table child shares its parent's table but not the parent's `table!` module,
        // which may sit in the same Rust module: its own is named after the struct.
        let table_mod = if attrs.inherits.is_set() {
            let own = fsql_core::camel_to_snake(&input.ident.unraw().to_string());
            rust_ident(&own, input.ident.span())
        } else {
            rust_ident(&table_name, input.ident.span())
        };
        // A table named like its struct (`"UserAccount"`, as a database made by hand may
        // have) would give the module the struct's name: it takes the snake_case one then.
        let table_mod = if table_mod == input.ident.unraw() {
            let mut snake = fsql_core::camel_to_snake(&table_name);
            if table_mod == snake {
                snake.push_str("_table");
            }
            rust_ident(&snake, input.ident.span())
        } else {
            table_mod
        };
        let mut fields = Vec::new();
        let mut relations = Vec::new();
        for f in &named.named {
            match RelationKind::of(&f.ty) {
                Some((kind, target)) => relations.push(Relation {
                    ident: f.ident.as_ref().expect("named fields have identifiers"),
                    kind,
                    target,
                    attrs: RelationAttrs::from_ast(cx, f),
                }),
                None => fields.push(Field::from_ast(cx, f)),
            }
        }
        let mut model = Self::new(
            &input.ident,
            &input.vis,
            attrs,
            input.ident.to_string(),
            table_name,
            table_mod,
            fields,
        );
        model.relations = relations;
        model.imply_joined_inheritance();
        Some(model)
    }

    /// `inherits = Parent` without a shared table: joined-table inheritance. The parent is
    /// `Some` for such a model.
    pub fn joined_parent(&self) -> Option<&syn::Path> {
        match (
            self.attrs.inherits.get(),
            self.attrs.polymorphic_on.is_set(),
        ) {
            (Some(parent), false) => Some(parent),
            _ => None,
        }
    }

    /// The `BelongsTo<Parent>` field that holds a joined-inheritance child's parent row.
    pub fn parent_slot(&self) -> Option<&Relation<'a>> {
        self.relations.get(self.parent_slot_index()?)
    }

    fn parent_slot_index(&self) -> Option<usize> {
        let parent = &self.joined_parent()?.segments.last()?.ident;
        self.relations.iter().position(|r| {
            r.kind == RelationKind::BelongsTo
                && matches!(r.target, Type::Path(tp) if tp.path.segments.last().is_some_and(|s| &s.ident == parent))
        })
    }

    /// What joined-table inheritance implies, unless written: the key refers to the parent's
    /// key (its row goes with the parent's), and the parent's row loads with every query.
    fn imply_joined_inheritance(&mut self) {
        let Some(parent) = self.joined_parent().cloned() else {
            return;
        };
        // Errors about what is implied point at `inherits = ..`.
        let tokens = self
            .attrs
            .inherits
            .get_with_tokens()
            .map(|(t, _)| t.clone())
            .unwrap_or_default();
        if let [key] = self
            .fields
            .iter_mut()
            .filter(|f| f.is_primary_key())
            .collect::<Vec<_>>()
            .as_mut_slice()
        {
            if !key.attrs.foreign_key.is_set() {
                key.attrs.references.imply(&tokens, parent);
                key.attrs
                    .on_delete
                    .imply(&tokens, crate::attr::OnDelete::Cascade);
            }
        }
        if let Some(i) = self.parent_slot_index() {
            self.relations[i]
                .attrs
                .lazy
                .imply(&tokens, "joined".to_owned());
        }
    }

    /// A model from its parts; picks each column's identifier in the `table!` module.
    pub fn new(
        ident: &'a Ident,
        vis: &'a Visibility,
        attrs: ContainerAttrs,
        model_name: String,
        table_name: String,
        table_mod: Ident,
        mut fields: Vec<Field<'a>>,
    ) -> Self {
        let taken: Vec<String> = fields.iter().map(|f| f.ident.unraw().to_string()).collect();
        for f in &mut fields {
            f.column_ident = column_ident(f.ident, &table_mod, &taken);
        }
        Self {
            ident,
            vis,
            attrs,
            model_name,
            table_name,
            table_mod,
            fields,
            relations: Vec::new(),
        }
    }

    pub fn primary_key(&self) -> Vec<&Field<'a>> {
        self.fields.iter().filter(|f| f.is_primary_key()).collect()
    }

    /// The single integer key the database assigns on insert, if the model has one. Not a
    /// joined-inheritance child's: its key is its parent's.
    pub fn autoincrement(&self) -> Option<&Field<'a>> {
        if self.joined_parent().is_some() {
            return None;
        }
        match self.primary_key().as_slice() {
            [only]
                if only.scalar.is_some_and(Scalar::is_integer)
                    && only.attrs.sql_type.get().is_none()
                    && only.attrs.autoincrement.get() != Some(&false) =>
            {
                Some(*only)
            }
            _ => None,
        }
    }

    /// The discriminator column of single-table inheritance with this model's value of it,
    /// when the model has one: inserts and updates write that value.
    pub fn discriminator(&self) -> Option<(&Field<'a>, &str)> {
        let on = self.attrs.polymorphic_on.get()?;
        let identity = self.attrs.polymorphic_identity.get()?;
        let field = self.fields.iter().find(|f| f.ident == on)?;
        Some((field, identity.as_str()))
    }

    /// The columns an UPDATE writes: not the key, which identifies the row, and not a
    /// single-table discriminator: a row keeps its kind (updating a `Manager` loaded through
    /// `Employee::query()` must not turn it into an employee).
    pub fn changeset_fields(&self) -> Vec<&Field<'a>> {
        let on = self.attrs.polymorphic_on.get();
        self.fields
            .iter()
            .filter(|f| !f.is_primary_key() && Some(f.ident) != on)
            .collect()
    }

    /// The model's bind: its own, else a mixin's.
    pub fn bind(&self) -> Option<&str> {
        self.attrs
            .bind
            .get()
            .or(self.attrs.mixin_bind.get())
            .map(String::as_str)
    }
}

impl<'a> Field<'a> {
    fn from_ast(cx: &Ctxt, field: &'a syn::Field) -> Self {
        let attrs = FieldAttrs::from_ast(cx, field);
        let ident = field.ident.as_ref().expect("named fields have identifiers");
        Self::new(ident, &field.ty, attrs)
    }

    /// A field (or a column of `fsql::table!`) of type `ty` with its parsed attributes.
    pub fn new(ident: &'a Ident, ty: &'a Type, attrs: FieldAttrs) -> Self {
        let column = match attrs.column.get() {
            Some(c) => c.clone(),
            None => ident.unraw().to_string(),
        };
        let (nullable, inner) = match types::option_inner(ty) {
            Some(inner) => (true, inner),
            None => (false, ty),
        };
        Self {
            ident,
            column_ident: ident.clone(),
            ty,
            scalar: Scalar::of_rust(inner),
            attrs,
            column,
            nullable,
            inner,
        }
    }

    pub fn is_primary_key(&self) -> bool {
        self.attrs.primary_key.is_set()
    }

    /// Nullable in SQL: an `Option` field that is not part of the key (an `Option` key means
    /// "not assigned yet", the column itself is NOT NULL).
    pub fn sql_nullable(&self) -> bool {
        self.nullable && !self.is_primary_key()
    }

    /// The scalar used for the DDL.
    pub fn ddl_scalar(&self) -> Option<Scalar> {
        match self.attrs.sql_type.get() {
            Some(t) => Scalar::of_diesel(t),
            None => self.scalar,
        }
    }

    /// A `NaiveDateTime` column of Diesel's `Timestamp` type: its written values go through
    /// `DateTimeValue`, which binds them as `DATETIME` on MySQL.
    pub fn binds_as_datetime(&self) -> bool {
        self.attrs.sql_type.get().is_none() && self.scalar == Some(Scalar::Timestamp)
    }

    /// Diesel's SQL type of the column, `Nullable<..>` included.
    pub fn diesel_type(&self) -> TokenStream {
        let base = match (self.attrs.sql_type.get(), self.scalar) {
            (Some(t), _) => quote!(#t),
            (None, Some(s)) => s.diesel_type(),
            // A type fsql does not know by name (an `fsql::Enum`, a user's `ColumnValue`) is
            // text unless the field says otherwise; `expand/meta.rs` checks at compile time that
            // its `ColumnValue::SqlType` agrees. Not `<T as ColumnValue>::SqlType` itself:
            // inside `diesel::table!`'s generic impls the compiler cannot see through it.
            (None, None) => quote!(::diesel::sql_types::Text),
        };
        if self.sql_nullable() {
            quote!(::diesel::sql_types::Nullable<#base>)
        } else {
            base
        }
    }

    /// `<T as ColumnValue>` for a field type fsql does not map by name, spanned at the type so
    /// that a type with no column mapping is reported there.
    pub fn column_value(&self) -> TokenStream {
        let inner = self.inner;
        let span = syn::spanned::Spanned::span(inner);
        let path = private.at(span);
        quote::quote_spanned!(span=> #inner as #path::ColumnValue)
    }

    /// The Rust type Diesel reads the column into.
    pub fn row_type(&self) -> &Type {
        if self.nullable && self.is_primary_key() {
            self.inner
        } else {
            self.ty
        }
    }
}

/// Names `diesel::table!` defines inside the table's module besides the columns.
const TABLE_MACRO_NAMES: &[&str] = &[
    "table",
    "star",
    "all_columns",
    "columns",
    "dsl",
    "diesel",
    "SqlType",
    "BoxedQuery",
];

/// The field's identifier, or `<field>_column` when the field is named like the table or like
/// one of `table!`'s own items (a `Tag` model with a `tag` field, a field named `table`).
fn column_ident(field: &Ident, table_mod: &Ident, taken: &[String]) -> Ident {
    let name = field.unraw().to_string();
    if table_mod.unraw() != name && !TABLE_MACRO_NAMES.contains(&name.as_str()) {
        return field.clone();
    }
    let mut candidate = format!("{name}_column");
    while taken.contains(&candidate) {
        candidate.push('_');
    }
    format_ident!("{}", candidate, span = field.span())
}

/// A table or column name as a Rust identifier: invalid characters become `_`, keywords get a
/// trailing `_` (raw identifiers cannot spell `self`, `crate` ...).
pub fn rust_ident(name: &str, span: Span) -> Ident {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if syn::parse_str::<Ident>(&s).is_err() {
        s.push('_');
    }
    format_ident!("{}", s, span = span)
}

#[cfg(test)]
mod tests {
    use super::rust_ident;
    use proc_macro2::Span;

    #[test]
    fn idents_for_names() {
        let id = |s: &str| rust_ident(s, Span::call_site()).to_string();
        assert_eq!(id("user"), "user");
        assert_eq!(id("order"), "order");
        assert_eq!(id("type"), "type_");
        assert_eq!(id("self"), "self_");
        assert_eq!(id("my-table"), "my_table");
        assert_eq!(id("2fa"), "_2fa");
    }

    /// The `table!` module never takes the struct's own name.
    #[test]
    fn a_table_named_like_its_struct_gets_a_snake_case_module() {
        let modules = [
            (
                quote::quote!(
                    #[fsql(table_name = "UserAccount")]
                    struct UserAccount {
                        id: i32,
                    }
                ),
                "user_account",
            ),
            (
                quote::quote!(
                    #[fsql(table_name = "t")]
                    struct t {
                        id: i32,
                    }
                ),
                "t_table",
            ),
            (
                quote::quote!(
                    struct UserAccount {
                        id: i32,
                    }
                ),
                "user_account",
            ),
        ];
        for (tokens, expected) in modules {
            let input: syn::DeriveInput = syn::parse2(tokens).unwrap();
            let cx = crate::ctxt::Ctxt::new();
            let model = super::Model::from_ast(&cx, &input).unwrap();
            assert_eq!(model.table_mod.to_string(), expected);
            let _ = cx.check();
        }
    }
}
