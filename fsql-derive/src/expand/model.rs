//! The `Model` impl, the per-backend impls and the registration.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Model;

pub fn expand(m: &Model<'_>) -> TokenStream {
    let ident = m.ident;
    let table_mod = &m.table_mod;
    let table_name = &m.table_name;
    let meta = super::meta::expand(m);
    let pk = m.primary_key();
    let pk_columns = pk.iter().map(|f| &f.column);
    let (pk_ty, pk_expr, pk_filter) = match pk.as_slice() {
        [one] => {
            let id = one.ident;
            let ty = one.inner;
            let expr = if one.nullable {
                // An unsaved row (None) has key 0, which no row has: update/delete report it.
                quote!(::core::option::Option::unwrap_or_default(::core::clone::Clone::clone(&self.#id)))
            } else {
                quote!(::core::clone::Clone::clone(&self.#id))
            };
            let col = &one.column_ident;
            (
                quote!(#ty),
                expr,
                quote!(query.filter(#table_mod::#col.eq(pk))),
            )
        }
        many => {
            let tys = many.iter().map(|f| f.ty);
            let ids: Vec<_> = many.iter().map(|f| f.ident).collect();
            let filters = many.iter().enumerate().map(|(i, f)| {
                let i = syn::Index::from(i);
                let col = &f.column_ident;
                quote!(.filter(#table_mod::#col.eq(pk.#i)))
            });
            (
                quote!((#(#tys,)*)),
                quote!((#(::core::clone::Clone::clone(&self.#ids),)*)),
                quote!(query #(#filters)*),
            )
        }
    };
    let has_changeset = m.fields.iter().any(|f| !f.is_primary_key());
    let query_class = match m.attrs.query_class.get() {
        Some(class) => quote!(#class<'__a, Self>),
        None => quote!(::fsql::__private::Query<'__a, Self>),
    };
    let inserted_key = match m.autoincrement() {
        Some(f) if f.nullable => {
            let (id, ty) = (f.ident, f.inner);
            quote!(::core::option::Option::unwrap_or(::core::clone::Clone::clone(&self.#id), assigned as #ty))
        }
        Some(f) => {
            let (id, ty) = (f.ident, f.ty);
            quote! {
                if self.#id == <#ty as ::core::default::Default>::default() {
                    assigned as #ty
                } else {
                    ::core::clone::Clone::clone(&self.#id)
                }
            }
        }
        None => quote! {
            let _ = assigned;
            <Self as ::fsql::__private::Model>::primary_key(self)
        },
    };
    quote! {
        impl ::fsql::__private::Model for #ident {
            type Table = #table_mod::table;
            type PrimaryKey = #pk_ty;
            type QueryClass<'__a> = #query_class;

            const META: &'static ::fsql::__private::TableMeta = #meta;
            const TABLE_NAME: &'static str = #table_name;
            const PRIMARY_KEY_COLUMNS: &'static [&'static str] = &[#(#pk_columns),*];

            fn primary_key(&self) -> Self::PrimaryKey {
                #pk_expr
            }

            fn __inserted_key(&self, assigned: u64) -> Self::PrimaryKey {
                #inserted_key
            }

            fn filter_primary_key<'__a>(
                query: ::fsql::__private::Query<'__a, Self>,
                pk: Self::PrimaryKey,
            ) -> ::fsql::__private::Query<'__a, Self> {
                use ::diesel::ExpressionMethods as _;
                #pk_filter
            }
        }

        ::fsql::__private::impl_model_backends!(model = #ident, table = #table_mod, changeset = #has_changeset);

        ::fsql::__private::inventory::submit! {
            ::fsql::__private::ModelRegistration::new(<#ident as ::fsql::__private::Model>::META)
        }
    }
}
