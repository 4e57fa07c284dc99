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

#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
    syntax: Syntax,
}

impl Ctxt {
    pub fn new() -> Self {
        Self::default()
    }

    /// A context for `fsql::table!`.
    pub fn for_table_macro() -> Self {
        Self {
            errors: RefCell::default(),
            syntax: Syntax::TableMacro,
        }
    }

    pub fn syntax(&self) -> Syntax {
        self.syntax
    }

    /// An error spanning `tokens`.
    pub fn error_spanned_by<T: ToTokens, M: Display>(&self, tokens: T, message: M) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    pub fn syn_error(&self, err: syn::Error) {
        self.errors.borrow_mut().push(err);
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.borrow().is_empty()
    }

    /// All errors combined, or `Ok` when there were none.
    pub fn check(self) -> syn::Result<()> {
        let mut errors = self.errors.into_inner().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for rest in errors {
            combined.combine(rest);
        }
        Err(combined)
    }
}
