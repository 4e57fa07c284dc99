//! Code generation. Each submodule produces one part of the output.
//!
//! Two rules keep a crate of many models cheap to compile. Trait impls are marked
//! `#[automatically_derived]`. Every non-generic function emitted is `#[inline]`: rustc then
//! generates its code only in a crate that calls it, as it does for generic functions, instead
//! of for every model whether used or not (`benches/compile_time` measures the difference).

mod diesel_impls;
pub(crate) mod diesel_joins;
pub(crate) mod meta;
mod model;
mod relation;
pub(crate) mod table;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::Model;
use crate::ctxt::Ctxt;
use crate::settings::Settings;
use crate::{fallback, valid};

/// `#[derive(Model)]` as a `proc_macro2` function, so it can be unit-tested.
pub fn derive_model(input: &DeriveInput) -> TokenStream {
    derive_model_with(input, Settings::of_current_crate())
}

/// [`derive_model`] under the given crate settings.
pub fn derive_model_with(input: &DeriveInput, settings: Result<Settings, String>) -> TokenStream {
    if is_abstract(input) {
        return crate::mixin::derive_mixin(input, true);
    }
    let cx = Ctxt::new();
    let Some(model) = Model::from_ast(&cx, input) else {
        return with_fallback(input, None, cx.check().err());
    };
    let naming = table_naming(&cx, &model, settings);
    valid::check(&cx, &model);
    let carrier = single_table_carrier(input, &model);
    if let Err(errors) = cx.check() {
        let fallback = with_fallback(input, Some(&model), Some(errors));
        return quote!(#fallback #carrier);
    }
    let table = table::expand(&model);
    let diesel_impls = diesel_impls::expand(&model);
    let model_impl = model::expand(&model);
    let single_key = relation::single_key(&model);
    let foreign_keys = relation::foreign_keys(&model);
    let relations = relation::expand(&model);
    let joins = diesel_joins::expand(&model);
    let repr = model::repr(&model);
    quote! {
        #carrier
        #naming
        #table
        #diesel_impls
        #model_impl
        #single_key
        #foreign_keys
        #relations
        #joins
        #repr
    }
}

/// Checks the crate's `automatic_table_names` switch for a model without `table_name`. The
/// tokens returned make rustc read the crate's Cargo.toml, so turning the switch re-checks
/// the models it affects.
fn table_naming(cx: &Ctxt, model: &Model<'_>, settings: Result<Settings, String>) -> TokenStream {
    if model.attrs.table_name.is_set() {
        return TokenStream::new();
    }
    match settings {
        Ok(s) if s.automatic_table_names => {}
        Ok(_) => cx.error_spanned_by(
            model.ident,
            format!(
                "model `{}` has no table name, and automatic table names are turned off for \
                 this crate (`automatic_table_names = false` in [package.metadata.fsql] of \
                 Cargo.toml); add #[fsql(table_name = \"{}\")]",
                model.model_name, model.table_name
            ),
        ),
        Err(e) => cx.error_spanned_by(model.ident, format!("fsql settings: {e}")),
    }
    if std::env::var_os("CARGO_MANIFEST_DIR").is_none() {
        return TokenStream::new();
    }
    quote! {
        const _: &[u8] = ::core::include_bytes!(::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    }
}

/// For the parent of a single-table hierarchy (`polymorphic_on`), the macro behind
/// `#[fsql::inherits(Parent)]`: it gives a child the parent's columns (not its relationships,
/// which refer to the parent), its table and bind, and its discriminator.
fn single_table_carrier(input: &DeriveInput, m: &Model<'_>) -> TokenStream {
    let (Some(on), None) = (m.attrs.polymorphic_on.get(), m.attrs.inherits.get()) else {
        return TokenStream::new();
    };
    let syn::Data::Struct(data) = &input.data else {
        return TokenStream::new();
    };
    let columns = data
        .fields
        .iter()
        .filter(|f| crate::ast::RelationKind::of(&f.ty).is_none());
    let ident = m.ident;
    let table_name = &m.table_name;
    let bind = m.bind().map(|b| quote!(, bind = #b));
    let attrs = quote! {
        #[fsql(inherits = #ident, table_name = #table_name, polymorphic_on = #on #bind)]
    };
    crate::mixin::carrier(ident, columns, attrs)
}

/// `#[fsql(abstract)]` among the struct's attributes. Read from the tokens, before the
/// attributes are parsed, because an abstract model is expanded as a mixin.
fn is_abstract(input: &DeriveInput) -> bool {
    input
        .attrs
        .iter()
        .filter(|a| a.path() == crate::symbol::FSQL)
        .filter_map(|a| a.meta.require_list().ok())
        .flat_map(|list| list.tokens.clone())
        .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "abstract"))
}

fn with_fallback(
    input: &DeriveInput,
    model: Option<&Model<'_>>,
    errors: Option<syn::Error>,
) -> TokenStream {
    let errors = errors.map(|e| e.to_compile_error());
    let fallback = fallback::expand(input, model);
    quote! {
        #errors
        #fallback
    }
}

#[cfg(test)]
mod tests {
    use super::derive_model;
    use syn::parse_quote;

    fn pretty(input: syn::DeriveInput) -> String {
        let tokens = derive_model(&input);
        match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(file) => prettyplease::unparse(&file),
            Err(_) => tokens.to_string(),
        }
    }

    #[test]
    fn simple_user() {
        insta::assert_snapshot!(pretty(parse_quote! {
            pub struct User {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(unique, length = 80)]
                pub username: String,
                pub email: Option<String>,
            }
        }));
    }

    /// Written datetimes go through `DateTimeValue` (bound as DATETIME on MySQL), in the
    /// INSERT and the UPDATE, with a `default_fn` and an `onupdate` too.
    #[test]
    fn struct_level_indexes_and_an_assigned_key() {
        insta::assert_snapshot!(pretty(parse_quote! {
            #[fsql(index(author_id, title), unique(title, edition, name = "uq_book_title_edition"))]
            pub struct Book {
                #[fsql(primary_key, autoincrement = false)]
                pub id: i32,
                pub author_id: i32,
                pub title: String,
                pub edition: i16,
            }
        }));
    }

    #[test]
    fn datetime_columns_bind_through_datetime_value() {
        insta::assert_snapshot!(pretty(parse_quote! {
            pub struct Event {
                #[fsql(primary_key)]
                pub id: i32,
                pub at: chrono::NaiveDateTime,
                #[fsql(default_fn = now, onupdate = now)]
                pub changed: Option<NaiveDateTime>,
            }
        }));
    }

    #[test]
    fn composite_key_foreign_keys_and_defaults() {
        insta::assert_snapshot!(pretty(parse_quote! {
            #[fsql(table_name = "order", bind = "shop")]
            pub struct Order {
                #[fsql(primary_key)]
                pub shop_id: i64,
                #[fsql(primary_key, length = 20)]
                pub number: String,
                #[fsql(references = User, on_delete = "cascade", index)]
                pub user_id: i32,
                #[fsql(foreign_key = "coupon.code", on_delete = "set null")]
                pub coupon: Option<String>,
                #[fsql(column = "type", default = "'retail'")]
                pub kind: Option<String>,
                #[fsql(default_fn = now)]
                pub placed: i64,
            }
        }));
    }

    #[test]
    fn without_automatic_table_names_a_model_needs_table_name() {
        let off = || {
            Ok(crate::settings::Settings {
                automatic_table_names: false,
            })
        };
        let input: syn::DeriveInput = parse_quote! {
            pub struct ShoppingCart {
                #[fsql(primary_key)]
                pub id: i32,
            }
        };
        let out = super::derive_model_with(&input, off()).to_string();
        assert!(
            out.contains("add #[fsql(table_name = \\\"shopping_cart\\\")]"),
            "{out}"
        );
        // The fallback keeps the rest of the crate compiling.
        assert!(out.contains("fallback_model ! (ShoppingCart"), "{out}");

        let named: syn::DeriveInput = parse_quote! {
            #[fsql(table_name = "carts", bind = "shop")]
            pub struct ShoppingCart {
                #[fsql(primary_key)]
                pub id: i32,
            }
        };
        let out = super::derive_model_with(&named, off()).to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("\"carts\""), "{out}");

        let bad = super::derive_model_with(&input, Err("unknown key `x`".into())).to_string();
        assert!(bad.contains("fsql settings: unknown key `x`"), "{bad}");
    }

    /// One-to-many with a backref, eager by default, from the parent's side; the child's
    /// typed reference gives the `ForeignKey` impl both sides use.
    #[test]
    fn one_to_many_with_backref() {
        insta::assert_snapshot!(pretty(parse_quote! {
            pub struct Person {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(backref = "person", lazy = "joined")]
                pub addresses: HasMany<Address>,
            }
        }));
        insta::assert_snapshot!(pretty(parse_quote! {
            pub struct Address {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(references = Person, on_delete = "cascade")]
                pub person_id: i32,
                pub person: BelongsTo<Person>,
            }
        }));
    }

    /// Many-to-many through an association table, loaded by subquery, with a backref.
    #[test]
    fn many_to_many_through_secondary() {
        insta::assert_snapshot!(pretty(parse_quote! {
            pub struct Page {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(secondary = tags, lazy = "subquery", backref = "pages")]
                pub tags: ManyToMany<Tag>,
            }
        }));
    }

    /// `#[fsql(abstract)]`: no table, no `Model` impl; a macro that carries the columns into
    /// the models listed under `#[fsql::mixin(..)]`.
    #[test]
    fn abstract_model_is_a_mixin() {
        insta::assert_snapshot!(pretty(parse_quote! {
            #[fsql(abstract)]
            pub struct Named {
                #[fsql(length = 80)]
                pub name: String,
                pub note: Option<String>,
            }
        }));
    }

    /// Single-table inheritance: the parent carries its columns to the children; a child (as
    /// `#[fsql::inherits(Employee)]` hands it to the derive) shares the table and restricts
    /// every query to its identity.
    #[test]
    fn single_table_inheritance() {
        insta::assert_snapshot!(pretty(parse_quote! {
            #[fsql(polymorphic_on = kind, polymorphic_identity = "employee")]
            pub struct Employee {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(length = 20)]
                pub kind: String,
            }
        }));
        insta::assert_snapshot!(pretty(parse_quote! {
            #[fsql(polymorphic_identity = "manager")]
            #[fsql(inherits = Employee, table_name = "employee", polymorphic_on = kind)]
            pub struct Manager {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(length = 20)]
                pub kind: String,
                pub manager_data: Option<String>,
            }
        }));
    }

    /// Joined-table inheritance: the child's own table keyed by the parent's key; writes go to
    /// both tables.
    #[test]
    fn joined_table_inheritance() {
        insta::assert_snapshot!(pretty(parse_quote! {
            #[fsql(inherits = Person)]
            pub struct Staff {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(unique, length = 20)]
                pub badge: String,
                pub person: BelongsTo<Person>,
            }
        }));
    }

    #[test]
    fn self_referential_with_cascade() {
        insta::assert_snapshot!(pretty(parse_quote! {
            pub struct Category {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(references = Category)]
                pub parent_id: Option<i32>,
                #[fsql(foreign_key = parent_id, cascade = "all, delete-orphan", backref = "parent")]
                pub children: HasMany<Category>,
            }
        }));
    }

    #[test]
    fn errors_come_with_a_fallback_impl() {
        insta::assert_snapshot!(pretty(parse_quote! {
            pub struct Broken {
                #[fsql(primry_key)]
                pub id: u32,
            }
        }));
    }
}
