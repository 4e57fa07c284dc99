//! The model's (or `fsql::table!`'s table's) `TableMeta`: a `const` the DDL and the registry
//! read.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Field, Model};
use crate::attr::OnDelete;
use crate::private::private;
use crate::types::Scalar;

pub fn expand(m: &Model<'_>) -> TokenStream {
    let model_name = &m.model_name;
    let table_name = &m.table_name;
    // A child without a bind of its own lives in its parent's, as Flask-SQLAlchemy puts a
    // subclass in its base's bind.
    let bind = match (m.bind(), m.attrs.inherits.get()) {
        (None, Some(parent)) => quote!(<#parent as #private::Model>::META.bind),
        (bind, _) => option_str(bind),
    };
    let auto = m.autoincrement().map(|f| f.ident);
    let columns = m.fields.iter().map(|f| column(f, Some(f.ident) == auto));
    let pk = m.primary_key().into_iter().map(|f| &f.column);
    let fks = m.fields.iter().filter_map(foreign_key);
    // Single-table children only: a joined child has a table of its own.
    let single_table = m
        .attrs
        .inherits
        .get()
        .filter(|_| m.attrs.polymorphic_on.is_set());
    let parent = single_table
        .and_then(|p| p.segments.last())
        .map(|s| s.ident.to_string());
    let inherits = option_str(parent.as_deref());
    let indexes = m.attrs.indexes.iter().map(|ix| {
        let name = option_str(ix.name.as_deref());
        let columns = ix
            .fields
            .iter()
            .filter_map(|name| m.fields.iter().find(|f| f.ident == name))
            .map(|f| &f.column);
        let unique = ix.unique;
        quote! {
            #private::IndexMeta { name: #name, columns: &[#(#columns),*], unique: #unique }
        }
    });
    quote! {
        &#private::TableMeta {
            model: #model_name,
            name: #table_name,
            bind: #bind,
            columns: &[#(#columns),*],
            primary_key: &[#(#pk),*],
            foreign_keys: &[#(#fks),*],
            indexes: &[#(#indexes),*],
            inherits: #inherits,
        }
    }
}

fn option_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

fn column(f: &Field<'_>, autoincrement: bool) -> TokenStream {
    let name = &f.column;
    let field = syn::ext::IdentExt::unraw(f.ident).to_string();
    let ty = match (f.attrs.ddl_type.get(), f.ddl_scalar()) {
        (Some(ddl), _) => {
            let s = ddl;
            quote!(#private::ColumnType::Custom(#s))
        }
        (None, Some(Scalar::Decimal)) if f.attrs.precision.is_set() => {
            let p = f.attrs.precision.get().copied().unwrap_or_default();
            let s = f.attrs.scale.get().copied().unwrap_or_default();
            quote!(#private::ColumnType::Numeric(::core::option::Option::Some((#p, #s))))
        }
        (None, Some(scalar)) => scalar.column_type(f.attrs.length.get().copied()),
        (None, None) => column_value_type(f),
    };
    let nullable = f.sql_nullable();
    let primary_key = f.is_primary_key();
    let unique = f.attrs.unique.is_set();
    let index = f.attrs.index.is_set();
    let server_default = option_str(f.attrs.default.get().map(String::as_str));
    quote! {
        #private::ColumnMeta {
            name: #name,
            field: #field,
            ty: #ty,
            nullable: #nullable,
            primary_key: #primary_key,
            autoincrement: #autoincrement,
            unique: #unique,
            index: #index,
            server_default: #server_default,
        }
    }
}

/// The DDL type of a field whose type fsql does not know by name, from its `ColumnValue`,
/// with a check (in a function body, where the compiler normalizes it) that the SQL type the
/// column was given is the one that `ColumnValue` binds and reads.
fn column_value_type(f: &Field<'_>) -> TokenStream {
    let span = f.inner.span();
    let value = f.column_value();
    let runtime = private.at(span);
    let declared = match f.attrs.sql_type.get() {
        Some(t) => quote!(#t),
        None => quote!(::diesel::sql_types::Text),
    };
    quote_spanned! {span=>
        {
            #[allow(dead_code)]
            fn __fsql_same_sql_type() {
                #runtime::same_sql_type::<<#value>::SqlType, #declared>();
            }
            <#value>::COLUMN_TYPE
        }
    }
}

fn foreign_key(f: &Field<'_>) -> Option<TokenStream> {
    let column = &f.column;
    let on_delete = match f.attrs.on_delete.get() {
        None => quote!(::core::option::Option::None),
        Some(action) => {
            let v = match action {
                OnDelete::Cascade => quote!(Cascade),
                OnDelete::SetNull => quote!(SetNull),
                OnDelete::Restrict => quote!(Restrict),
            };
            quote!(::core::option::Option::Some(#private::OnDelete::#v))
        }
    };
    let (table, columns) = if let Some((table, col)) = f.attrs.foreign_key.get() {
        (quote!(#table), quote!(&[#col]))
    } else if let Some(model) = f.attrs.references.get() {
        // Spanned at the attribute so "not a model" points at `references = ..`.
        let span = model.span();
        let runtime = private.at(span);
        (
            quote_spanned!(span=> <#model as #runtime::Model>::TABLE_NAME),
            quote_spanned!(span=> <#model as #runtime::Model>::PRIMARY_KEY_COLUMNS),
        )
    } else {
        return None;
    };
    Some(quote! {
        #private::ForeignKeyMeta {
            columns: &[#column],
            referred_table: #table,
            referred_columns: #columns,
            on_delete: #on_delete,
        }
    })
}
