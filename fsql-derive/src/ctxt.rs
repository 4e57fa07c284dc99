//! Collects every error of one macro call so the user sees them all at once, and knows which
//! macro it serves so that messages spell attributes the way the user wrote them.

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

/// The macro whose input is being read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Syntax {
    /// `#[derive(Model)]`: attributes read `#[fsql(primary_key)]` on struct fields.
    #[default]
    Derive,
    /// `fsql::table!`: attributes read `#[primary_key]` on the table's columns.
    TableMacro,
}

impl Syntax {
    /// How an attribute is written: `#[fsql(primary_key)]` or `#[primary_key]`.
    pub fn attr(self, inner: &str) -> String {
        match self {
            Self::Derive => format!("#[fsql({inner})]"),
            Self::TableMacro => format!("#[{inner}]"),
        }
    }

    /// What a column is declared as: a struct field or a column of the table.
    pub fn item(self) -> &'static str {
        match self {
            Self::Derive => "field",
            Self::TableMacro => "column",
        }
    }
}

/// The errors of one macro call. It must be consumed with [`Ctxt::check`]: dropping it
/// unchecked panics (serde_derive's guard), so an error collected on some path can never be
/// silently lost — a bug that would otherwise show up as a model that compiles wrongly.
pub struct Ctxt {
    /// `None` once checked.
    errors: RefCell<Option<Vec<syn::Error>>>,
    syntax: Syntax,
}

impl Default for Ctxt {
    fn default() -> Self {
        Self {
            errors: RefCell::new(Some(Vec::new())),
            syntax: Syntax::default(),
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            panic!("fsql-derive: a Ctxt was dropped without checking its errors");
        }
    }
}

impl Ctxt {
    pub fn new() -> Self {
        Self::default()
    }

    /// A context for `fsql::table!`.
    pub fn for_table_macro() -> Self {
        Self {
            errors: RefCell::new(Some(Vec::new())),
            syntax: Syntax::TableMacro,
        }
    }

    pub fn syntax(&self) -> Syntax {
        self.syntax
    }

    /// An error spanning `tokens`.
    pub fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) {
        self.syn_error(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    pub fn syn_error(&self, err: syn::Error) {
        self.errors
            .borrow_mut()
            .as_mut()
            .expect("Ctxt used after check")
            .push(err);
    }

    /// All errors combined, or `Ok` when there were none.
    pub fn check(self) -> syn::Result<()> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        let mut errors = errors.into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for rest in errors {
            combined.combine(rest);
        }
        Err(combined)
    }
}

#[cfg(test)]
mod tests {
    use super::Ctxt;

    #[test]
    #[should_panic(expected = "dropped without checking")]
    fn an_unchecked_context_is_a_bug_caught_at_drop() {
        let cx = Ctxt::new();
        cx.error_spanned_by(quote::quote!(x), "lost");
    }

    #[test]
    fn a_checked_context_reports_every_error() {
        let cx = Ctxt::new();
        cx.error_spanned_by(quote::quote!(a), "first");
        cx.error_spanned_by(quote::quote!(b), "second");
        let messages: Vec<String> = cx
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages, ["first", "second"]);
    }
}
