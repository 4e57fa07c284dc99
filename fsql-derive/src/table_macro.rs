//! `fsql::table!`: tables without a model, chiefly association tables (Flask-SQLAlchemy's
//! `db.Table('page_tags', db.Column('page_id', db.ForeignKey('page.id'), primary_key=True), ..)`).
//!
//! The same pipeline as the derive: [`Input`] is the owned parse of the macro's tokens (spans
//! kept, attribute lists kept as tokens); [`model`] reads every attribute list with the
//! derive's own parsers ([`FieldAttrs::parse_one`], [`ContainerAttrs::parse_one`]) into an
//! [`ast::Model`] under a [`Ctxt`] for this syntax; [`valid`] checks it; `expand/table.rs` and
//! `expand/meta.rs` generate the `diesel::table!` module and the `TableMeta`. Errors are
//! collected and reported together beside a fallback (the module and a `META`), so one mistake
//! does not also break every use of the table.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{braced, bracketed, Attribute, Ident, Token, Type, Visibility};

use crate::ast::{Field, Model};
use crate::attr::{ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;
use crate::expand::{meta, table};
use crate::private::private;
use crate::valid;

/// `fsql::table! { .. }` as a `proc_macro2` function, so it can be unit-tested.
pub fn expand(input: TokenStream) -> TokenStream {
    let input: Input = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    // `Model` wants a visibility for the column constants of a model; a table has none.
    let vis = Visibility::Inherited;
    input.tables.iter().map(|t| expand_table(t, &vis)).collect()
}

/// The macro's input: one table or several, one after the other.
pub struct Input {
    pub tables: Vec<TableDecl>,
}

/// `#[bind = "auth"] page_tags { .. }`
pub struct TableDecl {
    pub attrs: Vec<RawAttr>,
    /// The SQL name (unless `table_name = ".."`) and the name of the Diesel module.
    pub ident: Ident,
    pub columns: Vec<ColumnDecl>,
}

/// `#[primary_key, references = Page] page_id: i32`
pub struct ColumnDecl {
    pub attrs: Vec<RawAttr>,
    pub ident: Ident,
    /// A Rust type, as a model's field: `i32`, `Option<String>`.
    pub ty: Type,
}

/// One `#[..]`.
pub enum RawAttr {
    /// A doc comment (`/// ..` arrives as `#[doc = ".."]`), passed on to the Diesel module.
    Doc(Box<Attribute>),
    /// `primary_key, references = Page`: read with a [`Ctxt`] once the table is known.
    List(TokenStream),
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut tables = Vec::new();
        while !input.is_empty() {
            tables.push(input.parse()?);
        }
        if tables.is_empty() {
            return Err(input.error(
                "fsql::table! needs a table, e.g. \
                 `page_tags { #[primary_key, references = Page] page_id: i32, .. }`",
            ));
        }
        Ok(Self { tables })
    }
}

impl Parse for TableDecl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = RawAttr::parse_all(input)?;
        if input.peek(Token![pub]) {
            let vis: Visibility = input.parse()?;
            return Err(syn::Error::new_spanned(
                vis,
                "the table's module is always `pub` (Diesel's `table!` makes it so); remove the \
                 visibility",
            ));
        }
        if !input.peek(Ident) {
            return Err(input.error(
                "expected the table's name, e.g. `page_tags { #[primary_key] page_id: i32, .. }`",
            ));
        }
        let ident: Ident = input.parse()?;
        if !input.peek(syn::token::Brace) {
            return Err(input.error(format!(
                "expected `{{` and the columns of table `{}`, e.g. `{} {{ #[primary_key] id: i32 }}`",
                ident.unraw(),
                ident
            )));
        }
        let content;
        braced!(content in input);
        let columns = Punctuated::<ColumnDecl, Token![,]>::parse_terminated(&content)?;
        Ok(Self {
            attrs,
            ident,
            columns: columns.into_iter().collect(),
        })
    }
}

impl Parse for ColumnDecl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = RawAttr::parse_all(input)?;
        let ident: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: Type = input.parse()?;
        Ok(Self { attrs, ident, ty })
    }
}

impl RawAttr {
    fn parse_all(input: ParseStream<'_>) -> syn::Result<Vec<Self>> {
        let mut out = Vec::new();
        while input.peek(Token![#]) {
            let pound: Token![#] = input.parse()?;
            if input.peek(Token![!]) {
                return Err(syn::Error::new(
                    pound.span,
                    "inner attributes (`#![..]`, `//!`) do not apply here; use `#[..]` or `///`",
                ));
            }
            let content;
            let bracket = bracketed!(content in input);
            let tokens: TokenStream = content.parse()?;
            let is_doc = matches!(
                tokens.clone().into_iter().next(),
                Some(TokenTree::Ident(i)) if i == "doc"
            );
            out.push(if is_doc {
                RawAttr::Doc(Box::new(Attribute {
                    pound_token: pound,
                    style: syn::AttrStyle::Outer,
                    bracket_token: bracket,
                    meta: syn::parse2(tokens)?,
                }))
            } else {
                RawAttr::List(tokens)
            });
        }
        Ok(out)
    }

    fn doc(&self) -> Option<&Attribute> {
        match self {
            Self::Doc(a) => Some(a),
            Self::List(_) => None,
        }
    }
}

/// Reads every attribute list of `attrs` with `one`, recording errors in `cx`.
fn read_lists(
    cx: &Ctxt,
    attrs: &[RawAttr],
    mut one: impl FnMut(&syn::meta::ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs {
        if let RawAttr::List(tokens) = attr {
            let parsed = syn::meta::parser(|meta| one(&meta)).parse2(tokens.clone());
            if let Err(e) = parsed {
                cx.syn_error(e);
            }
        }
    }
}

/// The table as the derive's [`Model`]: `ident` and module are the table's name, `model` in the
/// `TableMeta` is the SQL table name.
pub fn model<'a>(cx: &Ctxt, decl: &'a TableDecl, vis: &'a Visibility) -> Model<'a> {
    let mut attrs = ContainerAttrs::new();
    read_lists(cx, &decl.attrs, |meta| attrs.parse_one(cx, meta));
    let table_name = match attrs.table_name.get() {
        Some(t) => t.clone(),
        None => decl.ident.unraw().to_string(),
    };
    let fields = decl
        .columns
        .iter()
        .map(|c| {
            let mut attrs = FieldAttrs::new();
            read_lists(cx, &c.attrs, |meta| attrs.parse_one(cx, meta));
            Field::new(&c.ident, &c.ty, attrs)
        })
        .collect();
    Model::new(
        &decl.ident,
        vis,
        attrs,
        table_name.clone(),
        table_name,
        decl.ident.clone(),
        fields,
    )
}

fn expand_table(decl: &TableDecl, vis: &Visibility) -> TokenStream {
    let cx = Ctxt::for_table_macro();
    let m = model(&cx, decl, vis);
    valid::check(&cx, &m);
    match cx.check() {
        Ok(()) => generate(&m, decl),
        Err(errors) => {
            let errors = errors.to_compile_error();
            let fallback = fallback(&m, decl);
            quote! {
                #errors
                #fallback
            }
        }
    }
}

/// The module's docs: the user's, else a line naming the table.
fn table_docs(m: &Model<'_>, decl: &TableDecl) -> TokenStream {
    let docs: Vec<_> = decl.attrs.iter().filter_map(RawAttr::doc).collect();
    if docs.is_empty() {
        let doc = format!("Table `{}`, generated by `fsql::table!`.", m.table_name);
        quote!(#[doc = #doc])
    } else {
        quote!(#(#docs)*)
    }
}

/// The user's docs of the column `f` came from.
fn column_docs(decl: &TableDecl, f: &Field<'_>) -> TokenStream {
    let docs = decl
        .columns
        .iter()
        .filter(|c| std::ptr::eq(&c.ident, f.ident))
        .flat_map(|c| c.attrs.iter().filter_map(RawAttr::doc));
    quote!(#(#docs)*)
}

fn generate(m: &Model<'_>, decl: &TableDecl) -> TokenStream {
    let table_mod = &m.table_mod;
    let columns: Vec<_> = m.fields.iter().collect();
    let module = table::diesel_table(m, &columns, &m.primary_key(), &table_docs(m, decl), |f| {
        column_docs(decl, f)
    });
    let meta = meta::expand(m);
    let meta_doc = format!(
        "What `create_all` knows of table `{}`: columns, keys, bind. Registered automatically; \
         list it in `fsql::Registry::new([..])` for a registry of your own.",
        m.table_name
    );
    // A model referenced by two columns (users following users) gets no `AssociationLink`:
    // which column is whose is for the relationship to say (`primaryjoin`/`secondaryjoin`).
    let referenced_once = |model: &syn::Path| {
        m.fields
            .iter()
            .filter(|f| f.attrs.references.get() == Some(model))
            .count()
            == 1
    };
    let links = m.fields.iter().filter_map(|f| {
        let model = f.attrs.references.get()?;
        let col = &f.column_ident;
        let span = syn::spanned::Spanned::span(model);
        let runtime = private.at(span);
        let link_trait = quote::quote_spanned! {span=>
            #runtime::AssociationLink<#model>
        };
        let link = referenced_once(model).then(|| {
            quote! {
                impl #link_trait for #table_mod::table {
                    type Column = #table_mod::#col;
                }
            }
        });
        Some(quote! {
            #link

            #private::inventory::submit! {
                #private::AssociationCleanup {
                    model: <#model as #private::Model>::META,
                    table: #table_mod::table::META,
                    delete: {
                        fn delete(
                            conn: &mut #private::AnyConnection,
                            key: &dyn ::core::any::Any,
                        ) -> ::fsql::Result<usize> {
                            use ::diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
                            let ::core::option::Option::Some(key) =
                                key.downcast_ref::<<#model as #private::Model>::PrimaryKey>()
                            else {
                                return ::core::result::Result::Ok(0);
                            };
                            ::diesel::delete(#table_mod::table.filter(#table_mod::#col.eq(::core::clone::Clone::clone(key))))
                                .execute(conn)
                                .map_err(|e| #private::association_error(e, #table_mod::table::META))
                        }
                        delete
                    },
                }
            }
        })
    });
    let joins = crate::expand::diesel_joins::expand(m);
    quote! {
        #module

        #(#links)*

        #joins

        impl #table_mod::table {
            #[doc = #meta_doc]
            pub const META: &'static #private::TableMeta = #meta;
        }

        #private::inventory::submit! {
            #private::ModelRegistration::new(#table_mod::table::META)
        }
    }
}

/// Beside errors: the Diesel module (columns named once each, the key if there is one, else the
/// first column; unsupported types as `Text`) and a `META` without columns, so code using the
/// table reports nothing more. No registration: the program does not build anyway.
fn fallback(m: &Model<'_>, decl: &TableDecl) -> TokenStream {
    let mut columns: Vec<&Field<'_>> = Vec::new();
    for f in &m.fields {
        if !columns.iter().any(|c| c.column_ident == f.column_ident) {
            columns.push(f);
        }
    }
    let Some(first) = columns.first().copied() else {
        return TokenStream::new();
    };
    let mut pk: Vec<&Field<'_>> = columns
        .iter()
        .copied()
        .filter(|f| f.is_primary_key())
        .collect();
    if pk.is_empty() {
        pk.push(first);
    }
    let module = table::diesel_table(m, &columns, &pk, &table_docs(m, decl), |_| {
        TokenStream::new()
    });
    let table_mod = &m.table_mod;
    let name = &m.table_name;
    quote! {
        #module

        impl #table_mod::table {
            pub const META: &'static #private::TableMeta = &#private::TableMeta {
                model: #name,
                name: #name,
                bind: ::core::option::Option::None,
                columns: &[],
                primary_key: &[],
                foreign_keys: &[],
                indexes: &[],
                inherits: ::core::option::Option::None,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::expand;
    use quote::quote;

    fn pretty(tokens: proc_macro2::TokenStream) -> String {
        let tokens = expand(tokens);
        match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(file) => prettyplease::unparse(&file),
            Err(_) => tokens.to_string(),
        }
    }

    #[test]
    fn association_table() {
        insta::assert_snapshot!(pretty(quote! {
            /// Which tags a page has.
            #[bind = "cms"]
            page_tags {
                #[primary_key, references = Page]
                page_id: i32,
                /// The tag.
                #[primary_key, foreign_key = "tag.id", on_delete = "cascade"]
                tag_id: i32,
                #[length = 200, column = "type"]
                note: Option<String>,
            }
        }));
    }

    #[test]
    fn several_tables_and_renamed_ones() {
        insta::assert_snapshot!(pretty(quote! {
            #[table_name = "user-roles"]
            user_roles {
                #[primary_key] user_id: i64,
                #[primary_key] role: String,
            }
            audit {
                #[primary_key] id: i32,
                table: String,
                #[index] audit: Option<i16>,
            }
        }));
    }

    #[test]
    fn errors_come_with_a_fallback() {
        insta::assert_snapshot!(pretty(quote! {
            page_tags {
                #[primry_key] page_id: i32,
                #[default_fn = now] tag_id: u32,
                tag_id: i32,
            }
        }));
    }

    #[test]
    fn syntax_errors() {
        let err = |tokens| expand(tokens).to_string();
        assert!(err(quote!()).contains("needs a table"));
        assert!(err(quote!(pub t { #[primary_key] id: i32 })).contains("always `pub`"));
        assert!(err(quote!(t ( id: i32 ))).contains("expected `{` and the columns"));
        assert!(err(quote!(t { id i32 })).contains("expected `:`"));
        assert!(err(quote!(#![doc = "x"] t { id: i32 })).contains("inner attributes"));
    }
}
