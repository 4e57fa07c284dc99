//! Diesel's `Queryable`, `Selectable`, `Insertable`, `AsChangeset`, `HasTable` and
//! `Identifiable`, written for the model. Diesel's own derives cannot be used: they would read
//! every field as a column and guess the table as `users`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::{Field, Model};
use crate::private::private;

pub fn expand(m: &Model<'_>) -> TokenStream {
    let queryable = queryable(m);
    let selectable = selectable(m);
    let insertable = insertable(m);
    let changeset = changeset(m);
    let identifiable = identifiable(m);
    quote! {
        #queryable
        #selectable
        #insertable
        #changeset
        #identifiable
    }
}

fn queryable(m: &Model<'_>) -> TokenStream {
    let ident = m.ident;
    let sql_types: Vec<_> = (0..m.fields.len())
        .map(|i| format_ident!("__ST{}", i))
        .collect();
    let row_types: Vec<_> = m.fields.iter().map(Field::row_type).collect();
    let build = m.fields.iter().enumerate().map(|(i, f)| {
        let id = f.ident;
        let i = syn::Index::from(i);
        if f.nullable && f.is_primary_key() {
            quote!(#id: ::core::option::Option::Some(row.#i))
        } else {
            quote!(#id: row.#i)
        }
    });
    let slots = m.relations.iter().map(|r| {
        let id = r.ident;
        quote!(#id: ::core::default::Default::default())
    });
    quote! {
        #[automatically_derived]
        impl<__DB: ::diesel::backend::Backend, #(#sql_types),*>
            ::diesel::deserialize::Queryable<(#(#sql_types,)*), __DB> for #ident
        where
            (#(#row_types,)*): ::diesel::deserialize::FromStaticSqlRow<(#(#sql_types,)*), __DB>,
        {
            type Row = (#(#row_types,)*);

            fn build(row: Self::Row) -> ::diesel::deserialize::Result<Self> {
                ::core::result::Result::Ok(Self {
                    #(#build,)*
                    #(#slots,)*
                })
            }
        }
    }
}

fn selectable(m: &Model<'_>) -> TokenStream {
    let ident = m.ident;
    let table_mod = &m.table_mod;
    let cols: Vec<_> = m.fields.iter().map(|f| &f.column_ident).collect();
    quote! {
        #[automatically_derived]
        impl<__DB: ::diesel::backend::Backend> ::diesel::Selectable<__DB> for #ident {
            type SelectExpression = (#(#table_mod::#cols,)*);

            fn construct_selection() -> Self::SelectExpression {
                (#(#table_mod::#cols,)*)
            }
        }
    }
}

fn insertable(m: &Model<'_>) -> TokenStream {
    let ident = m.ident;
    let table_mod = &m.table_mod;
    let auto = m.autoincrement().map(|f| f.ident);
    // Single-table inheritance: a row's kind is its model's identity, whatever the field holds.
    let (discriminator, identity) = match m.discriminator() {
        Some((f, identity)) => (Some(f.ident), identity),
        None => (None, ""),
    };
    let (types, values): (Vec<_>, Vec<_>) = m
        .fields
        .iter()
        .map(|f| {
            let id = f.ident;
            let col_ident = &f.column_ident;
            let col = quote!(#table_mod::#col_ident);
            let ty = f.ty;
            let inner = f.inner;
            if Some(id) == discriminator {
                return (
                    quote!(::diesel::dsl::Eq<#col, &'static str>),
                    quote!(#col.eq(#identity)),
                );
            }
            if Some(id) == auto {
                // Left at its default (0, or None), the key is assigned by the database: the
                // column is left out of the INSERT.
                let value = if f.nullable {
                    quote!(self.#id.as_ref().map(|v| #col.eq(v)))
                } else {
                    quote! {
                        if self.#id == <#ty as ::core::default::Default>::default() {
                            ::core::option::Option::None
                        } else {
                            ::core::option::Option::Some(#col.eq(&self.#id))
                        }
                    }
                };
                return (quote!(::core::option::Option<::diesel::dsl::Eq<#col, &'__a #inner>>), value);
            }
            if let Some(func) = f.attrs.default_fn.get() {
                let value = if f.nullable {
                    quote!(::core::clone::Clone::clone(&self.#id).or_else(|| ::core::option::Option::Some(#func())))
                } else {
                    quote! {
                        if self.#id == <#ty as ::core::default::Default>::default() {
                            #func()
                        } else {
                            ::core::clone::Clone::clone(&self.#id)
                        }
                    }
                };
                return assign(f, &col, quote!(#ty), value);
            }
            if f.nullable && f.attrs.default.is_set() {
                // None lets the server default apply.
                let (eq, value) = assign(f, &col, quote!(&'__a #inner), quote!(v));
                return (
                    quote!(::core::option::Option<#eq>),
                    quote!(self.#id.as_ref().map(|v| #value)),
                );
            }
            assign(f, &col, quote!(&'__a #ty), quote!(&self.#id))
        })
        .unzip();
    quote! {
        #[automatically_derived]
        impl<'__a> ::diesel::Insertable<#table_mod::table> for &'__a #ident {
            type Values = <(#(#types,)*) as ::diesel::Insertable<#table_mod::table>>::Values;

            fn values(self) -> Self::Values {
                use ::diesel::ExpressionMethods as _;
                ::diesel::Insertable::<#table_mod::table>::values((#(#values,)*))
            }
        }
    }
}

fn changeset(m: &Model<'_>) -> TokenStream {
    let ident = m.ident;
    let table_mod = &m.table_mod;
    let fields = m.changeset_fields();
    if fields.is_empty() {
        return TokenStream::new();
    }
    let (types, values): (Vec<_>, Vec<_>) = fields
        .iter()
        .map(|f| {
            let (id, col_ident, ty) = (f.ident, &f.column_ident, f.ty);
            let col = quote!(#table_mod::#col_ident);
            match f.attrs.onupdate.get() {
                // Every UPDATE writes a fresh value, whatever the struct holds (SQLAlchemy's
                // `onupdate`); `Into` lets `fn now() -> T` fill an `Option<T>` field too.
                Some(func) => assign(
                    f,
                    &col,
                    quote!(#ty),
                    quote!(::core::convert::Into::<#ty>::into(#func())),
                ),
                None => assign(f, &col, quote!(&'__a #ty), quote!(&self.#id)),
            }
        })
        .unzip();
    quote! {
        #[automatically_derived]
        impl<'__a> ::diesel::AsChangeset for &'__a #ident {
            type Target = #table_mod::table;
            type Changeset = <(#(#types,)*) as ::diesel::AsChangeset>::Changeset;

            fn as_changeset(self) -> Self::Changeset {
                use ::diesel::ExpressionMethods as _;
                ::diesel::AsChangeset::as_changeset((#(#values,)*))
            }
        }
    }
}

/// `col.eq(value)` and its type, for a value of type `ty`. A `NaiveDateTime` column's value is
/// wrapped in `DateTimeValue`, which binds it as `DATETIME` on MySQL (Diesel's `Timestamp` is
/// MySQL's 1970–2038 `TIMESTAMP` there).
fn assign(
    f: &Field<'_>,
    col: &TokenStream,
    ty: TokenStream,
    value: TokenStream,
) -> (TokenStream, TokenStream) {
    if f.binds_as_datetime() {
        let wrapper = quote!(#private::DateTimeValue);
        (
            quote!(::diesel::dsl::Eq<#col, #wrapper<<#col as ::diesel::Expression>::SqlType, #ty>>),
            quote!(#col.eq(#wrapper::new(#value))),
        )
    } else {
        (
            quote!(::diesel::dsl::Eq<#col, #ty>),
            quote!(#col.eq(#value)),
        )
    }
}

fn identifiable(m: &Model<'_>) -> TokenStream {
    let ident = m.ident;
    let table_mod = &m.table_mod;
    let has_table = quote! {
        #[automatically_derived]
        impl ::diesel::associations::HasTable for #ident {
            type Table = #table_mod::table;

            fn table() -> Self::Table {
                #table_mod::table
            }
        }
    };
    let pk = m.primary_key();
    // An `Option` key has no value to identify an unsaved row by.
    if pk.iter().any(|f| f.nullable) || pk.is_empty() {
        return has_table;
    }
    let (id_ty, id_expr) = match pk.as_slice() {
        [one] => {
            let (ty, id) = (one.ty, one.ident);
            (quote!(&'__a #ty), quote!(&self.#id))
        }
        many => {
            let tys = many.iter().map(|f| f.ty);
            let ids = many.iter().map(|f| f.ident);
            (quote!((#(&'__a #tys,)*)), quote!((#(&self.#ids,)*)))
        }
    };
    quote! {
        #has_table

        #[automatically_derived]
        impl<'__a> ::diesel::Identifiable for &'__a #ident {
            type Id = #id_ty;

            fn id(self) -> Self::Id {
                #id_expr
            }
        }
    }
}
