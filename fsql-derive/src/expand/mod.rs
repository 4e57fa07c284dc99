//! Code generation. Each submodule produces one part of the output.

mod diesel_impls;
pub(crate) mod meta;
mod model;
mod relation;
pub(crate) mod table;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::Model;
use crate::ctxt::Ctxt;
use crate::{fallback, valid};

/// `#[derive(Model)]` as a `proc_macro2` function, so it can be unit-tested.
pub fn derive_model(input: &DeriveInput) -> TokenStream {
    if is_abstract(input) {
        return crate::mixin::derive_mixin(input, true);
    }
    let cx = Ctxt::new();
    let Some(model) = Model::from_ast(&cx, input) else {
        return with_fallback(input, None, cx);
    };
    valid::check(&cx, &model);
    if cx.has_errors() {
        return with_fallback(input, Some(&model), cx);
    }
    let table = table::expand(&model);
    let diesel_impls = diesel_impls::expand(&model);
    let model_impl = model::expand(&model);
    let single_key = relation::single_key(&model);
    let foreign_keys = relation::foreign_keys(&model);
    let relations = relation::expand(&model);
    let repr = model::repr(&model);
    quote! {
        #table
        #diesel_impls
        #model_impl
        #single_key
        #foreign_keys
        #relations
        #repr
    }
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

fn with_fallback(input: &DeriveInput, model: Option<&Model<'_>>, cx: Ctxt) -> TokenStream {
    let errors = match cx.check() {
        Ok(()) => TokenStream::new(),
        Err(e) => e.to_compile_error(),
    };
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
    fn errors_come_with_a_fallback_impl() {
        insta::assert_snapshot!(pretty(parse_quote! {
            pub struct Broken {
                #[fsql(primry_key)]
                pub id: u32,
            }
        }));
    }
}
