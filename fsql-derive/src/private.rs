//! The one path through which generated code reaches the runtime: `::fsql::__private_vX_Y_Z`.
//!
//! The module's name carries this crate's version (as serde's `__private228` does), and the
//! facade pins fsql-derive with `=`: a derive of one version next to a facade of another fails
//! to compile with "could not find `__private_v0_1_0` in `fsql`", naming the version it wanted,
//! instead of with a confusing trait error somewhere in the generated code.

use proc_macro2::{Ident, Punct, Spacing, Span, TokenStream};
use quote::{ToTokens, TokenStreamExt};

/// The facade's private module for this version of the derive.
pub(crate) const MODULE: &str = concat!(
    "__private_v",
    env!("CARGO_PKG_VERSION_MAJOR"),
    "_",
    env!("CARGO_PKG_VERSION_MINOR"),
    "_",
    env!("CARGO_PKG_VERSION_PATCH")
);

/// `#private` in a `quote!` is `::fsql::__private_vX_Y_Z`.
#[allow(non_camel_case_types)]
pub(crate) struct private;

impl private {
    /// The same path with the tokens of `span`, for `quote_spanned!`: a trait bound that fails
    /// is reported at the first token of its path, which must be the user's attribute.
    pub(crate) fn at(&self, span: Span) -> Spanned {
        Spanned(span)
    }
}

/// The path at a given span (see [`private::at`]).
pub(crate) struct Spanned(Span);

fn path(tokens: &mut TokenStream, span: Span) {
    let colons = |tokens: &mut TokenStream| {
        let mut joint = Punct::new(':', Spacing::Joint);
        joint.set_span(span);
        let mut alone = Punct::new(':', Spacing::Alone);
        alone.set_span(span);
        tokens.append(joint);
        tokens.append(alone);
    };
    colons(tokens);
    tokens.append(Ident::new("fsql", span));
    colons(tokens);
    tokens.append(Ident::new(MODULE, span));
}

impl ToTokens for private {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        path(tokens, Span::call_site());
    }
}

impl ToTokens for Spanned {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        path(tokens, self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::private;

    #[test]
    fn the_path_names_this_version() {
        let path = quote::quote!(#private::Model).to_string().replace(' ', "");
        let version = env!("CARGO_PKG_VERSION").replace('.', "_");
        assert_eq!(path, format!("::fsql::__private_v{version}::Model"));
    }
}
