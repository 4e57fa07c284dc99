//! Emitted beside errors: a `Model` impl that type-checks, so uses of the model elsewhere do
//! not add a screen of "trait not implemented" errors to the one that matters.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

pub fn expand(input: &DeriveInput) -> TokenStream {
    // Generic structs are rejected; a fallback for them would only add errors.
    if !input.generics.params.is_empty() || !matches!(input.data, syn::Data::Struct(_)) {
        return TokenStream::new();
    }
    let ident = &input.ident;
    quote! {
        ::fsql::__private::fallback_model!(#ident);
    }
}
