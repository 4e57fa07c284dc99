//! `#[derive(Model)]` and `table!` for fsql. Use them through the `fsql` crate.
//!
//! The pipeline follows thiserror and serde_derive: `ast` parses the struct into an owned
//! model that keeps spans (with `attr` parsing each `#[fsql(..)]`), `valid` checks the
//! rules between attributes, `expand` generates code; every error is collected in a
//! `ctxt::Ctxt` and reported at once, beside a `fallback` impl so that one mistake does not
//! cascade into a screen of trait errors. `table_macro` reads `table!`'s input into the same
//! model and reuses the same checks and generators.

mod ast;
mod attr;
mod ctxt;
mod enumeration;
mod expand;
mod fallback;
mod mixin;
mod private;
mod settings;
mod symbol;
mod table_macro;
mod types;
mod valid;

use proc_macro::TokenStream;

/// Maps a struct to a table. See the `fsql` crate's documentation for the attributes.
#[proc_macro_derive(Model, attributes(fsql))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive_model(&input).into()
}

/// A fieldless enum as a column, stored by its variants' names (`VARCHAR`, or MySQL's native
/// `ENUM` with `#[fsql(native)]`). See `fsql::Enum`.
#[proc_macro_derive(Enum, attributes(fsql))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    enumeration::derive(&input).into()
}

/// A struct of shared columns that models take in with [`macro@mixin`]: the seeds'
/// `TimestampMixin`. See the `fsql` crate's documentation.
#[proc_macro_derive(Mixin, attributes(fsql))]
pub fn derive_mixin(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    mixin::derive_mixin(&input, false).into()
}

/// `#[fsql::mixin(A, B)]` above `#[derive(Model)]`: the model gets the fields of the mixins
/// (`#[derive(Mixin)]` or abstract models), in the order listed, before its own.
#[proc_macro_attribute]
pub fn mixin(args: TokenStream, item: TokenStream) -> TokenStream {
    mixin::attribute(args.into(), item.into()).into()
}

/// `#[fsql::inherits(Employee)]` above `#[derive(Model)]`: single-table inheritance. The model
/// gets the parent's columns and shares its table (the parent says `polymorphic_on = field`);
/// it says its own `#[fsql(polymorphic_identity = "..")]`.
#[proc_macro_attribute]
pub fn inherits(args: TokenStream, item: TokenStream) -> TokenStream {
    mixin::inherits(args.into(), item.into()).into()
}

#[doc(hidden)]
#[proc_macro]
pub fn inject_mixins(input: TokenStream) -> TokenStream {
    mixin::inject_next(input.into()).into()
}

/// Declares a table without a model, typically an association table: Flask-SQLAlchemy's
/// `db.Table(..)`.
///
/// The `page_tags` example of the `fsql` crate's `fsql::table!` (a doctest there: generated code
/// names `::fsql`, which this crate cannot depend on) is, in Flask-SQLAlchemy,
///
/// ```python
/// page_tags = db.Table(
///     "page_tags",
///     db.Column("page_id", db.ForeignKey("page.id"), primary_key=True),
///     db.Column("tag_id", db.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
///     db.Column("note", db.String),
/// )
/// ```
///
/// **Input.** One or more tables, each `name { column: Type, .. }`. The name is the SQL table
/// name and the name of the module Diesel's `table!` generates (always `pub`). Column types are
/// Rust types, as on a model's fields: `i16`, `i32`, `i64`, `f32`, `f64`, `bool`, `String`,
/// `Vec<u8>`, the `chrono` types; `Option<T>` makes the column nullable. Doc comments are
/// passed on to the Diesel module and its columns.
///
/// **Attributes** are a model's `#[fsql(..)]` attributes written bare, several in one `#[..]`:
///
/// - on the table: `bind = "auth"` (the database it lives in), `table_name = "page-tags"` (an
///   SQL name that is not a Rust identifier; the module keeps the written name);
/// - on a column: `primary_key` (several make a composite key; a table needs one, as Diesel
///   does), `references = Model`, `foreign_key = "table.column"`, `on_delete = "cascade" |
///   "set null" | "restrict"`, `unique`, `index`, `length = n`, `column = "sql_name"`,
///   `default = "SQL"`, `sql_type = diesel::sql_types::..` with `ddl_type = ".."`. Not
///   `default_fn`: there is no struct whose field it would fill.
///
/// **Output.** For `page_tags`:
///
/// - `pub mod page_tags`, Diesel's `table!` (columns named like the table or like one of
///   `table!`'s own items, e.g. `table`, get a `_column` suffix as with the derive);
/// - `page_tags::table::META: &'static fsql::TableMeta`, an associated constant on Diesel's
///   table struct (Diesel's module cannot take more items, and a constant there needs no name
///   of its own at the call site); its `model` is the SQL table name;
/// - a registration, so `db.create_all()` creates the table (with its composite key and
///   foreign keys, after the tables it refers to) without listing it anywhere.
#[proc_macro]
pub fn table(input: TokenStream) -> TokenStream {
    table_macro::expand(input.into()).into()
}
