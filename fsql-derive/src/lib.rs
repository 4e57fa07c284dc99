//! `#[derive(Model)]` for fsql. Use it through the `fsql` crate.
//!
//! The pipeline follows thiserror and serde_derive: [`ast`] parses the struct into an owned
//! model that keeps spans (with [`attr`] parsing each `#[fsql(..)]`), [`valid`] checks the
//! rules between attributes, [`expand`] generates code; every error is collected in a
//! [`ctxt::Ctxt`] and reported at once, beside a [`fallback`] impl so that one mistake does not
//! cascade into a screen of trait errors.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod fallback;
mod symbol;
mod types;
mod valid;

use proc_macro::TokenStream;

/// Maps a struct to a table. See the `fsql` crate's documentation for the attributes.
#[proc_macro_derive(Model, attributes(fsql))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive_model(&input).into()
}
