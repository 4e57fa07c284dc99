//! What hand-written Diesel needs to join a table with the tables it is related to:
//! `TableNotEqual` (what `allow_tables_to_appear_in_same_query!` declares; Diesel derives
//! `AppearsInFromClause` from it) and `JoinTo` (what `joinable!` declares). fsql's own joins need neither; a query that selects columns
//! of two models in one row is Diesel's to write, and this makes `post::table
//! .inner_join(user::table)` compile without those macros.
//!
//! No two derives emit the same impl. `TableNotEqual` is declared with this table as `Self`,
//! for every model (or association table) it names: two models that name each other (a
//! foreign key one way, a `HasMany` the other) each declare their own direction, and the
//! other direction is missing while the other model does not name this one (a `backref`
//! alone gives it nothing to name it with). `JoinTo` is declared both ways, by the table that
//! holds the foreign key, where one foreign key links the two, as `joinable!` requires.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::ast::{Model, RelationKind};
use crate::private::private;

/// The last segment of a path, which tells the related models apart (as
/// `relation::foreign_keys` does); a type that is not a path by its tokens.
fn last_ident(path: Option<&syn::Path>, tokens: &impl ToTokens) -> String {
    path.and_then(|p| p.segments.last()).map_or_else(
        || tokens.to_token_stream().to_string(),
        |s| s.ident.to_string(),
    )
}

fn type_path(ty: &syn::Type) -> Option<&syn::Path> {
    match ty {
        syn::Type::Path(tp) if tp.qself.is_none() => Some(&tp.path),
        _ => None,
    }
}

pub fn expand(m: &Model<'_>) -> TokenStream {
    let own = &m.table_mod;
    let own_table = quote!(#own::table);
    // Spanned at the type, as the derive's other uses of it are: a type that is not a model is
    // reported there once (rustc folds identical errors at one place), not again here.
    let model_table = |t: &dyn ToTokens| {
        let span = t.to_token_stream().span();
        let runtime = private.at(span);
        quote_spanned!(span=> <#t as #runtime::Model>::Table)
    };
    let is_self = |name: &str| name == "Self" || *m.ident == name;

    // The tables this one may appear with, by the model (or association table) they belong to.
    let mut related: BTreeMap<String, TokenStream> = BTreeMap::new();
    // Where each is named: the impls naming it are spanned there, so that a type that is not
    // a model is reported once, where it is written, rather than once more per impl.
    let mut spans: BTreeMap<String, proc_macro2::Span> = BTreeMap::new();
    // The foreign-key columns of this table, by referenced model.
    let mut foreign_keys: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    for f in &m.fields {
        let Some(parent) = f.attrs.references.get() else {
            continue;
        };
        let name = last_ident(Some(parent), parent);
        if is_self(&name) {
            continue;
        }
        let column = &f.column_ident;
        spans.entry(name.clone()).or_insert_with(|| parent.span());
        related
            .entry(name.clone())
            .or_insert_with(|| model_table(parent));
        foreign_keys
            .entry(name)
            .or_default()
            .push(quote!(#own::#column));
    }
    for r in &m.relations {
        let name = last_ident(type_path(r.target), r.target);
        if !is_self(&name) {
            related.entry(name).or_insert_with(|| model_table(r.target));
        }
        if let (RelationKind::ManyToMany, Some(secondary)) = (r.kind, r.attrs.secondary.get()) {
            related
                .entry(format!("table {}", secondary.to_token_stream()))
                .or_insert_with(|| quote!(#secondary::table));
        }
    }

    let mut out = TokenStream::new();
    let span_of = |name: &str| {
        spans
            .get(name)
            .copied()
            .unwrap_or_else(proc_macro2::Span::call_site)
    };
    for (name, other) in &related {
        out.extend(quote_spanned! {span_of(name)=>
            #[automatically_derived]
            impl ::diesel::query_source::TableNotEqual<#other> for #own_table {}
        });
    }
    // Both directions of a join along this table's one foreign key to a model (what
    // `joinable!` declares): only the table holding the key declares them, so no other
    // derive can declare the same.
    for (name, columns) in &foreign_keys {
        let [column] = columns.as_slice() else {
            // Several foreign keys to one model: `joinable!` cannot say which; `.on(..)` can.
            continue;
        };
        let parent = &related[name];
        let on_type = quote! {
            #private::KeyEq<#column, <#parent as ::diesel::Table>::PrimaryKey>
        };
        out.extend(quote_spanned! {span_of(name)=>
            #[automatically_derived]
            impl ::diesel::JoinTo<#parent> for #own_table {
                type FromClause = #parent;
                type OnClause = #on_type;
                fn join_target(rhs: #parent) -> (Self::FromClause, Self::OnClause) {
                    (rhs, ::core::default::Default::default())
                }
            }

            #[automatically_derived]
            impl ::diesel::JoinTo<#own_table> for #parent {
                type FromClause = #own_table;
                type OnClause = #on_type;
                fn join_target(rhs: #own_table) -> (Self::FromClause, Self::OnClause) {
                    (rhs, ::core::default::Default::default())
                }
            }
        });
    }
    out
}
