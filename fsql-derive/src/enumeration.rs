//! `#[derive(Enum)]`: a fieldless enum as a column, stored by its variants' names.
//!
//! The derive emits only what it alone knows (the names, and the match between variants and
//! positions); the column impls are one call to the runtime's `impl_enum_column!`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{EnumAttrs, VariantAttrs};
use crate::ctxt::Ctxt;
use crate::private::private;

pub fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let expanded = expand(&cx, input);
    match cx.check() {
        Ok(()) => expanded,
        Err(e) => e.to_compile_error(),
    }
}

fn expand(cx: &Ctxt, input: &DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let Data::Enum(data) = &input.data else {
        cx.error_spanned_by(
            ident,
            "#[derive(fsql::Enum)] needs an enum whose variants have no fields: each variant \
             is stored by its name",
        );
        return TokenStream::new();
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(&input.generics, "#[derive(fsql::Enum)] cannot be generic");
    }
    let attrs = EnumAttrs::from_ast(cx, &input.attrs);
    if data.variants.is_empty() {
        cx.error_spanned_by(
            ident,
            "#[derive(fsql::Enum)] needs at least one variant: a column of an empty enum could \
             hold no value",
        );
    }
    let mut names: Vec<String> = Vec::new();
    let mut variants = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            cx.error_spanned_by(
                &v.fields,
                format!(
                    "variant `{}` has fields; #[derive(fsql::Enum)] stores a variant by its name \
                     only (use fsql::Json<T> for data)",
                    v.ident
                ),
            );
        }
        let va = VariantAttrs::from_ast(cx, &v.attrs);
        // `rename = ""` is refused where it is parsed.
        let name = match va.rename.get() {
            Some(n) => n.clone(),
            None => v.ident.unraw().to_string(),
        };
        if names.contains(&name) {
            cx.error_spanned_by(
                &v.ident,
                format!(
                    "two variants are stored as `{name}`; rename one with #[fsql(rename = \"..\")]"
                ),
            );
        }
        names.push(name);
        variants.push(&v.ident);
    }
    let sql_name = match attrs.name.get() {
        Some(n) => n.clone(),
        None => fsql_core::camel_to_snake(&ident.unraw().to_string()),
    };
    let native = attrs.native.is_set();
    let positions = 0..variants.len();
    let positions_back = 0..variants.len();
    let variants_back = variants.clone();
    quote! {
        #[automatically_derived]
        impl #private::Enum for #ident {
            const TYPE: #private::EnumType = #private::EnumType {
                name: #sql_name,
                variants: &[#(#names),*],
                native: #native,
            };

            fn variant_index(&self) -> usize {
                match self {
                    #(Self::#variants => #positions,)*
                }
            }

            fn from_variant_index(index: usize) -> ::core::option::Option<Self> {
                match index {
                    #(#positions_back => ::core::option::Option::Some(Self::#variants_back),)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        #private::impl_enum_column!(#ident);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn pretty(input: DeriveInput) -> String {
        let tokens = derive(&input);
        match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(file) => prettyplease::unparse(&file),
            Err(_) => tokens.to_string(),
        }
    }

    #[test]
    fn enum_with_a_renamed_variant() {
        insta::assert_snapshot!(pretty(parse_quote! {
            #[fsql(native)]
            pub enum TicketState {
                Open,
                #[fsql(rename = "done")]
                Closed,
            }
        }));
    }

    #[test]
    fn the_sql_name_is_the_snake_case_name_unless_given() {
        let default = pretty(parse_quote!(
            enum HTTPStatus {
                Ok,
            }
        ));
        assert!(default.contains("name: \"http_status\""), "{default}");
        let named = pretty(parse_quote!(
            #[fsql(name = "status")]
            enum HTTPStatus {
                Ok,
            }
        ));
        assert!(named.contains("name: \"status\""), "{named}");
    }
}
