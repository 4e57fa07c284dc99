//! The `Model` and `ModelHooks` impls, the per-backend row writes and the registration.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Model;
use crate::private::private;
use crate::types::Scalar;

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
    let (keyset_filter, keyset_order) = keyset(m);
    let has_changeset = !m.changeset_fields().is_empty();
    let query_class = match m.attrs.query_class.get() {
        Some(class) => quote!(#class<'__a, Self>),
        None => quote!(#private::Query<'__a, Self>),
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
            <Self as #private::Model>::primary_key(self)
        },
    };
    let default_loads = super::relation::default_loads(m);
    let batching = batching(m);
    // A single-table child's queries see only its own rows.
    let restrict = match (m.attrs.inherits.is_set(), m.discriminator()) {
        (true, Some((f, identity))) => {
            let col = &f.column_ident;
            quote! {
                #[inline]
                fn __restrict<'__a>(query: #private::Query<'__a, Self>) -> #private::Query<'__a, Self> {
                    use ::diesel::ExpressionMethods as _;
                    query.filter(#table_mod::#col.eq(#identity))
                }
            }
        }
        _ => TokenStream::new(),
    };
    let joined = joined_inheritance(m);
    // A one-column key: rows by a list of keys, through `SingleKey` (sessions delete queued
    // rows of one model with one statement per chunk of keys).
    let filter_keys = (m.primary_key().len() == 1).then(|| {
        quote! {
            #[inline]
            fn __filter_keys<'__a>(
                query: #private::Query<'__a, Self>,
                keys: ::std::vec::Vec<<Self as #private::Model>::PrimaryKey>,
            ) -> ::core::option::Option<#private::Query<'__a, Self>> {
                ::core::option::Option::Some(<Self as #private::SingleKey>::filter_keys(query, keys))
            }
        }
    });
    let bind_check = m.joined_parent().map(|parent| {
        let message = format!(
            "joined-table inheritance: `{}` and its parent must live in the same bind (their \
             rows are written in one transaction); give them the same #[fsql(bind = ..)]",
            m.model_name
        );
        quote! {
            const _: () = ::core::assert!(
                #private::same_bind(
                    <#ident as #private::Model>::META.bind,
                    <#parent as #private::Model>::META.bind,
                ),
                #message
            );
        }
    });
    quote! {
        #bind_check

        #[automatically_derived]
        impl #private::Model for #ident {
            type Table = #table_mod::table;
            type PrimaryKey = #pk_ty;
            type QueryClass<'__a> = #query_class;

            const META: &'static #private::TableMeta = #meta;
            const TABLE_NAME: &'static str = #table_name;
            const PRIMARY_KEY_COLUMNS: &'static [&'static str] = &[#(#pk_columns),*];

            #[inline]
            fn primary_key(&self) -> Self::PrimaryKey {
                #pk_expr
            }
        }

        #[automatically_derived]
        impl #private::ModelHooks for #ident {
            type __Ops = #private::DerivedOps;
            #default_loads
            #batching
            #restrict
            #joined

            #[inline]
            fn __keyset_filter<'__a>(
                query: #private::Query<'__a, Self>,
                pk: <Self as #private::Model>::PrimaryKey,
                greater: bool,
            ) -> #private::Query<'__a, Self> {
                #[allow(unused_imports)]
                use ::diesel::{BoolExpressionMethods as _, ExpressionMethods as _};
                #keyset_filter
            }

            #[inline]
            fn __keyset_order<'__a>(
                query: #private::Query<'__a, Self>,
                descending: bool,
            ) -> #private::Query<'__a, Self> {
                use ::diesel::ExpressionMethods as _;
                #keyset_order
            }

            #[inline]
            fn __inserted_key(&self, assigned: u64) -> <Self as #private::Model>::PrimaryKey {
                #inserted_key
            }

            #filter_keys

            #[inline]
            fn __filter_primary_key<'__a>(
                query: #private::Query<'__a, Self>,
                pk: <Self as #private::Model>::PrimaryKey,
            ) -> #private::Query<'__a, Self> {
                use ::diesel::ExpressionMethods as _;
                #pk_filter
            }
        }

        #private::impl_model_backends!(model = #ident, table = #table_mod, changeset = #has_changeset);

        #private::inventory::submit! {
            #private::ModelRegistration::new(<#ident as #private::Model>::META)
        }
    }
}

/// The keyset-pagination pieces: `(c0, c1, ..) > (k0, k1, ..)` spelled out as
/// `c0 > k0 OR (c0 = k0 AND (c1 > k1 OR ..))`, which every backend runs (row-value comparison
/// is not portable), and the key ordering.
fn keyset(m: &Model<'_>) -> (TokenStream, TokenStream) {
    let table_mod = &m.table_mod;
    let pk = m.primary_key();
    let cols: Vec<_> = pk.iter().map(|f| &f.column_ident).collect();
    let keys: Vec<TokenStream> = match pk.len() {
        1 => vec![quote!(pk)],
        n => (0..n)
            .map(|i| {
                let i = syn::Index::from(i);
                quote!(pk.#i)
            })
            .collect(),
    };
    let compare = |op: TokenStream| {
        let mut expr: Option<TokenStream> = None;
        for (col, key) in cols.iter().zip(&keys).rev() {
            let this = quote!(#table_mod::#col.#op(::core::clone::Clone::clone(&#key)));
            expr = Some(match expr {
                None => this,
                Some(rest) => quote! {
                    #this.or(#table_mod::#col.eq(::core::clone::Clone::clone(&#key)).and(#rest))
                },
            });
        }
        expr.unwrap_or_default()
    };
    let (gt, lt) = (compare(quote!(gt)), compare(quote!(lt)));
    let filter = quote! {
        if greater { query.filter(#gt) } else { query.filter(#lt) }
    };
    let asc = cols.iter().map(|c| quote!(.order_by(#table_mod::#c.asc())));
    let desc = cols
        .iter()
        .map(|c| quote!(.order_by(#table_mod::#c.desc())));
    let order = quote! {
        if descending { query #(#desc)* } else { query #(#asc)* }
    };
    (filter, order)
}

/// What multi-row inserts need to know cheaply per row: which columns the row leaves to the
/// Joined-table inheritance: the child's writes carry the parent's row along, in the
/// transaction `Record` opens for them.
fn joined_inheritance(m: &Model<'_>) -> TokenStream {
    let key = m.primary_key();
    let (Some(parent), Some(slot), [key]) = (m.joined_parent(), m.parent_slot(), key.as_slice())
    else {
        return TokenStream::new();
    };
    let model_tr = quote!(#private::Model);
    let slot_id = slot.ident;
    let key_id = key.ident;
    let model_name = &m.model_name;
    let parent_name = parent
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let slot_name = slot_id.to_string();
    let columns = m.fields.iter().filter(|f| f.ident != key_id).map(|f| {
        let id = f.ident;
        quote!(#id: ::core::clone::Clone::clone(&self.#id))
    });
    let slots = m.relations.iter().map(|r| {
        let id = r.ident;
        quote!(#id: ::core::default::Default::default())
    });
    quote! {
        const __JOINED_PARENT: bool = true;

        #[inline]
        fn __insert_on(&self, conn: &mut #private::AnyConnection) -> ::fsql::Result<Self> {
            let ::core::option::Option::Some(::core::option::Option::Some(parent)) = self.#slot_id.get() else {
                return ::core::result::Result::Err(#private::missing_parent(#model_name, #parent_name, #slot_name));
            };
            // The parent's row first: its key is the child's.
            let parent = #private::insert_on::<#parent>(conn, parent)?;
            let row = Self {
                #key_id: ::core::convert::Into::into(<#parent as #model_tr>::primary_key(&parent)),
                #(#columns,)*
                #(#slots,)*
            };
            let mut stored = #private::insert_on::<Self>(conn, &row)?;
            stored.#slot_id = #private::BelongsTo::loaded(::core::option::Option::Some(parent));
            ::core::result::Result::Ok(stored)
        }

        #[inline]
        fn __update_on(&self, conn: &mut #private::AnyConnection) -> ::fsql::Result<usize> {
            let n = #private::update_on::<Self>(conn, self)?;
            if let ::core::option::Option::Some(::core::option::Option::Some(parent)) = self.#slot_id.get() {
                #private::update_on::<#parent>(conn, parent)?;
            }
            ::core::result::Result::Ok(n)
        }

        #[inline]
        fn __delete_on(
            conn: &mut #private::AnyConnection,
            pk: &<Self as #private::Model>::PrimaryKey,
        ) -> ::fsql::Result<usize> {
            let n = #private::delete_on::<Self>(conn, pk)?;
            if n > 0 {
                let parent_key = ::core::convert::Into::into(::core::clone::Clone::clone(pk));
                #private::delete_on::<#parent>(conn, &parent_key)?;
            }
            ::core::result::Result::Ok(n)
        }
    }
}

/// database (the same rules as the `Insertable` impl), whether its key is assigned, and an
/// assigned key as a number.
fn batching(m: &Model<'_>) -> TokenStream {
    let auto = m.autoincrement();
    let mut bit = 0u32;
    let mut checks = Vec::new();
    for f in &m.fields {
        let id = f.ident;
        let omitted = if Some(f.ident) == auto.map(|a| a.ident) {
            if f.nullable {
                quote!(self.#id.is_none())
            } else {
                let ty = f.ty;
                quote!(self.#id == <#ty as ::core::default::Default>::default())
            }
        } else if f.nullable && f.attrs.default.is_set() && !f.attrs.default_fn.is_set() {
            quote!(self.#id.is_none())
        } else {
            continue;
        };
        checks.push(quote!(if #omitted { shape |= 1u64 << #bit; }));
        bit += 1;
    }
    let shape = if checks.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            #[inline]
            fn __insert_shape(&self) -> u64 {
                let mut shape = 0u64;
                #(#checks)*
                shape
            }
        }
    };
    let stored = stored_as(m);
    let key = match auto {
        Some(f) => {
            let id = f.ident;
            let assigned = if f.nullable {
                quote!(self.#id.is_none())
            } else {
                let ty = f.ty;
                quote!(self.#id == <#ty as ::core::default::Default>::default())
            };
            quote! {
                #[inline]
                fn __key_assigned(&self) -> bool {
                    #assigned
                }
                #[inline]
                fn __key_ordinal(key: &<Self as #private::Model>::PrimaryKey) -> ::core::option::Option<i64> {
                    <i64 as ::core::convert::TryFrom<_>>::try_from(::core::clone::Clone::clone(key)).ok()
                }
            }
        }
        None => TokenStream::new(),
    };
    quote! {
        #shape
        #key
        #stored
    }
}

/// `__stored_as`: the row as stored, built from the input, for models whose INSERT stores
/// exactly what it sends (no server defaults, no `default_fn`, every field a known type that
/// is `Clone`).
fn stored_as(m: &Model<'_>) -> TokenStream {
    let plain = m.discriminator().is_none()
        && m.fields.iter().all(|f| {
            !f.attrs.default.is_set()
                && !f.attrs.default_fn.is_set()
                && f.attrs.sql_type.get().is_none()
                && f.scalar.is_some_and(Scalar::is_always_clone)
        });
    if !plain {
        return TokenStream::new();
    }
    let auto = m.autoincrement().map(|f| f.ident);
    let fields = m.fields.iter().map(|f| {
        let id = f.ident;
        if Some(id) == auto {
            let assigned = if f.nullable {
                quote!(::core::option::Option::Some(k))
            } else {
                quote!(k)
            };
            quote! {
                #id: match key {
                    ::core::option::Option::Some(k) => #assigned,
                    ::core::option::Option::None => ::core::clone::Clone::clone(&self.#id),
                }
            }
        } else {
            quote!(#id: ::core::clone::Clone::clone(&self.#id))
        }
    });
    let slots = m.relations.iter().map(|r| {
        let id = r.ident;
        quote!(#id: ::core::default::Default::default())
    });
    let unused = if auto.is_none() {
        quote!(let _ = key;)
    } else {
        TokenStream::new()
    };
    quote! {
        const __INSERT_RETURNS_INPUT: bool = true;
        #[inline]
        fn __stored_as(&self, key: ::core::option::Option<<Self as #private::Model>::PrimaryKey>) -> ::core::option::Option<Self> {
            #unused
            ::core::option::Option::Some(Self {
                #(#fields,)*
                #(#slots,)*
            })
        }
    }
}

/// `#[fsql(repr)]`: `Display` as Flask-SQLAlchemy's `__repr__`, `<User 1>`, a composite key's
/// parts joined with `, ` (`<Report 2, test>`), and `<User (transient)>` for an `Option` key
/// the database has not assigned yet.
pub fn repr(m: &Model<'_>) -> TokenStream {
    if !m.attrs.repr.is_set() {
        return TokenStream::new();
    }
    let ident = m.ident;
    let name = &m.model_name;
    let pk = m.primary_key();
    let parts = pk.iter().enumerate().map(|(i, f)| {
        let id = f.ident;
        let sep = if i == 0 {
            quote!()
        } else {
            quote!(f.write_str(", ")?;)
        };
        quote! {
            #sep
            ::core::fmt::Display::fmt(&self.#id, f)?;
        }
    });
    let body = match pk.as_slice() {
        [only] if only.nullable => {
            let id = only.ident;
            quote! {
                match &self.#id {
                    ::core::option::Option::Some(key) => ::core::write!(f, "<{} {}>", #name, key),
                    ::core::option::Option::None => ::core::write!(f, "<{} (transient)>", #name),
                }
            }
        }
        _ => quote! {
            ::core::write!(f, "<{} ", #name)?;
            #(#parts)*
            f.write_str(">")
        },
    };
    quote! {
        #[automatically_derived]
        impl ::core::fmt::Display for #ident {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #body
            }
        }
    }
}
