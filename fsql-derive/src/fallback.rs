//! Emitted beside errors: a `Model` impl that type-checks, with the model's column constants
//! and key type, so uses of the model elsewhere do not add a screen of errors to the one that
//! matters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::DeriveInput;

use crate::ast::Model;
use crate::private::private;
use crate::types::Scalar;

pub fn expand(input: &DeriveInput, model: Option<&Model<'_>>) -> TokenStream {
    // Enums and generic structs are rejected outright; a fallback would only add errors.
    if !input.generics.params.is_empty() || !matches!(input.data, syn::Data::Struct(_)) {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let Some(model) = model else {
        return quote!(#private::fallback_model!(#ident, pk = (), columns = {}););
    };
    let pk = model.primary_key();
    let pk_ty = match pk.as_slice() {
        [] => quote!(()),
        [one] => {
            let ty = one.inner;
            quote!(#ty)
        }
        many => {
            let tys = many.iter().map(|f| f.ty);
            quote!((#(#tys,)*))
        }
    };
    let columns = model.fields.iter().map(|f| {
        let field = f.ident;
        let base = match f.ddl_scalar().unwrap_or(Scalar::Text) {
            Scalar::SmallInt => "small_int",
            Scalar::Integer => "integer",
            Scalar::BigInt => "big_int",
            Scalar::Float => "float",
            Scalar::Double => "double",
            Scalar::Bool => "bool_",
            Scalar::Text | Scalar::Json | Scalar::Uuid | Scalar::Decimal => "text",
            Scalar::Binary => "binary",
            Scalar::Date => "date",
            Scalar::Time => "time",
            Scalar::Timestamp | Scalar::TimestampTz => "timestamp",
        };
        let column = if f.sql_nullable() {
            format_ident!("nullable_{}", base)
        } else {
            format_ident!("{}", base)
        };
        quote!(#field: #column)
    });
    quote! {
        #private::fallback_model!(#ident, pk = #pk_ty, columns = { #(#columns),* });
    }
}
