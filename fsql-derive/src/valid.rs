//! Rules between attributes, checked after parsing.

use std::collections::BTreeMap;

use quote::ToTokens;

use crate::ast::{Field, Model};
use crate::attr::{span_of, OnDelete};
use crate::ctxt::Ctxt;
use crate::types::{Scalar, SUPPORTED};

pub fn check(cx: &Ctxt, model: &Model<'_>) {
    check_primary_key(cx, model);
    check_columns_unique(cx, model);
    for field in &model.fields {
        check_field(cx, field);
    }
}

fn check_primary_key(cx: &Ctxt, model: &Model<'_>) {
    let pk = model.primary_key();
    if pk.is_empty() {
        cx.error_spanned_by(
            model.ident,
            format!(
                "model `{}` has no primary key; mark its key field with #[fsql(primary_key)] \
                 (several fields make a composite key)",
                model.ident
            ),
        );
    }
    if pk.len() > 1 {
        for f in pk.iter().filter(|f| f.nullable) {
            cx.error_spanned_by(
                f.ty,
                "a field of a composite primary key cannot be an Option: key columns are never NULL",
            );
        }
    }
    if let [only] = pk.as_slice() {
        if only.nullable && !only.scalar.is_some_and(Scalar::is_integer) {
            cx.error_spanned_by(
                only.ty,
                "an Option primary key means \"the database assigns it\", which only integer keys \
                 do; use the plain type",
            );
        }
    }
}

fn check_columns_unique(cx: &Ctxt, model: &Model<'_>) {
    let mut seen: BTreeMap<&str, &Field<'_>> = BTreeMap::new();
    for f in &model.fields {
        if let Some(first) = seen.insert(&f.column, f) {
            cx.error_spanned_by(
                f.ident,
                format!(
                    "fields `{}` and `{}` both map to column `{}`",
                    first.ident, f.ident, f.column
                ),
            );
        }
    }
}

fn check_field(cx: &Ctxt, f: &Field<'_>) {
    let a = &f.attrs;
    if f.scalar.is_none() && a.sql_type.get().is_none() {
        cx.error_spanned_by(
            f.inner,
            format!(
                "unsupported field type `{}` for column `{}`; supported: {SUPPORTED}; for any \
                 other type give its Diesel SQL type, e.g. #[fsql(sql_type = \
                 diesel::sql_types::Text)]",
                f.inner.to_token_stream().to_string().replace(' ', ""),
                f.column
            ),
        );
    }
    if let Some(ty) = a.sql_type.get() {
        if Scalar::of_diesel(ty).is_none() && a.ddl_type.get().is_none() {
            cx.error_spanned_by(
                ty,
                "fsql does not know how to write this SQL type in DDL; add its DDL spelling, \
                 e.g. #[fsql(sql_type = .., ddl_type = \"JSONB\")]",
            );
        }
    }
    if a.length.is_set() && f.ddl_scalar() != Some(Scalar::Text) {
        cx.syn_error(syn::Error::new(
            span_of(&a.length),
            format!(
                "`length` applies to String columns only; `{}` is `{}`",
                f.ident,
                f.ty.to_token_stream().to_string().replace(' ', "")
            ),
        ));
    }
    if a.foreign_key.is_set() && a.references.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.foreign_key),
            "give either `foreign_key = \"table.column\"` or `references = Model`, not both",
        ));
    }
    if a.on_delete.is_set() && !a.foreign_key.is_set() && !a.references.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.on_delete),
            "`on_delete` needs a foreign key on the same field (`references = Model` or \
             `foreign_key = \"table.column\"`)",
        ));
    }
    if a.on_delete.get() == Some(&OnDelete::SetNull) && !f.nullable {
        cx.syn_error(syn::Error::new(
            span_of(&a.on_delete),
            format!(
                "on_delete = \"set null\" needs a nullable column; make `{}` an Option",
                f.ident
            ),
        ));
    }
    if a.default.is_set() && a.default_fn.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.default_fn),
            "give either `default` (in the database) or `default_fn` (in Rust), not both",
        ));
    }
    if f.is_primary_key() && a.default_fn.is_set() && f.scalar.is_some_and(Scalar::is_integer) {
        cx.syn_error(syn::Error::new(
            span_of(&a.default_fn),
            "an integer primary key is assigned by the database; `default_fn` does not apply",
        ));
    }
}
