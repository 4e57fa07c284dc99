//! Rust enums as columns: what `#[derive(fsql::Enum)]` generates calls into here.
//!
//! A value is stored by its variant's name (SQLAlchemy's `Enum` stores names too), in a
//! `VARCHAR` as long as the longest name, or MySQL's native `ENUM` on request. A stored name
//! that is not one of the enum's is an error that lists the names, never a default variant.

use fsql_core::EnumType;

/// A fieldless enum stored by its variants' names. Implemented by `#[derive(fsql::Enum)]`.
///
/// ```
/// use fsql::prelude::*;
///
/// #[derive(fsql::Enum, Debug, Clone, Copy, PartialEq)]
/// pub enum Status {
///     Draft,
///     Published,
///     #[fsql(rename = "gone")]
///     Archived,
/// }
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// pub struct Article {
///     #[fsql(primary_key)]
///     pub id: i32,
///     pub status: Status,
///     pub previous: Option<Status>,
/// }
///
/// # fn main() -> fsql::Result<()> {
/// use fsql::Enum as _;
/// assert_eq!(Status::Archived.name(), "gone");
/// assert_eq!(Status::from_name("Draft"), Some(Status::Draft));
///
/// let db = Database::builder().url("sqlite://").build()?;
/// db.create_all()?; // status VARCHAR(9) NOT NULL
/// Article { id: 0, status: Status::Published, previous: Some(Status::Draft) }.insert(&db)?;
/// let published = Article::query().filter(Article::status.eq(Status::Published)).count(&db)?;
/// assert_eq!(published, 1);
/// # Ok(())
/// # }
/// ```
pub trait Enum: Sized + 'static {
    /// The enum's SQL name and its stored names, for the DDL.
    const TYPE: EnumType;

    /// The position of this value's variant.
    #[doc(hidden)]
    fn variant_index(&self) -> usize;

    /// The variant at a position.
    #[doc(hidden)]
    fn from_variant_index(index: usize) -> Option<Self>;

    /// The name this value is stored as.
    fn name(&self) -> &'static str {
        Self::TYPE.variants[self.variant_index()]
    }

    /// The value stored as `name` (exact, case-sensitive match), if any.
    fn from_name(name: &str) -> Option<Self> {
        let index = Self::TYPE.variants.iter().position(|v| *v == name)?;
        Self::from_variant_index(index)
    }
}

/// Reads a stored name back, or says which names the enum has.
#[doc(hidden)]
pub fn from_stored<E: Enum>(stored: &str) -> diesel::deserialize::Result<E> {
    E::from_name(stored).ok_or_else(|| {
        format!(
            "`{stored}` is not a name of enum `{}` (stored names: {})",
            std::any::type_name::<E>(),
            E::TYPE.variants.join(", ")
        )
        .into()
    })
}

/// The impls `#[derive(fsql::Enum)]` gives an enum beside [`Enum`]: a column of SQL type
/// `Text` holding its names, bound and read on every backend.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_enum_column {
    ($ty:ty) => {
        #[automatically_derived]
        impl $crate::ColumnValue for $ty {
            type SqlType = ::diesel::sql_types::Text;
            const COLUMN_TYPE: $crate::__ColumnType =
                $crate::__ColumnType::Enum(&<$ty as $crate::sql_types::enumeration::Enum>::TYPE);
        }

        #[automatically_derived]
        impl<__DB: ::diesel::backend::Backend> ::diesel::serialize::ToSql<::diesel::sql_types::Text, __DB> for $ty
        where
            str: ::diesel::serialize::ToSql<::diesel::sql_types::Text, __DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, __DB>,
            ) -> ::diesel::serialize::Result {
                let name: &'static str = $crate::sql_types::enumeration::Enum::name(self);
                ::diesel::serialize::ToSql::<::diesel::sql_types::Text, __DB>::to_sql(name, out)
            }
        }

        #[automatically_derived]
        impl<__DB: ::diesel::backend::Backend>
            ::diesel::serialize::ToSql<::diesel::sql_types::Nullable<::diesel::sql_types::Text>, __DB>
            for $ty
        where
            Self: ::diesel::serialize::ToSql<::diesel::sql_types::Text, __DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, __DB>,
            ) -> ::diesel::serialize::Result {
                ::diesel::serialize::ToSql::<::diesel::sql_types::Text, __DB>::to_sql(self, out)
            }
        }

        #[automatically_derived]
        impl<__DB: ::diesel::backend::Backend> ::diesel::deserialize::FromSql<::diesel::sql_types::Text, __DB> for $ty
        where
            ::std::string::String: ::diesel::deserialize::FromSql<::diesel::sql_types::Text, __DB>,
        {
            fn from_sql(bytes: __DB::RawValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let stored = <::std::string::String as ::diesel::deserialize::FromSql<
                    ::diesel::sql_types::Text,
                    __DB,
                >>::from_sql(bytes)?;
                $crate::sql_types::enumeration::from_stored(&stored)
            }
        }

        #[automatically_derived]
        impl<__DB, __ST> ::diesel::deserialize::Queryable<__ST, __DB> for $ty
        where
            __DB: ::diesel::backend::Backend,
            __ST: ::diesel::sql_types::SingleValue,
            Self: ::diesel::deserialize::FromSql<__ST, __DB>,
        {
            type Row = Self;
            fn build(row: Self) -> ::diesel::deserialize::Result<Self> {
                ::core::result::Result::Ok(row)
            }
        }

        $crate::impl_enum_column!(@as_expression $ty, ::diesel::sql_types::Text);
        $crate::impl_enum_column!(@as_expression $ty, ::diesel::sql_types::Nullable<::diesel::sql_types::Text>);
    };
    (@as_expression $ty:ty, $st:ty) => {
        #[automatically_derived]
        impl ::diesel::expression::AsExpression<$st> for $ty {
            type Expression = ::diesel::internal::derives::as_expression::Bound<$st, Self>;
            fn as_expression(self) -> Self::Expression {
                ::diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
        #[automatically_derived]
        impl<'__a> ::diesel::expression::AsExpression<$st> for &'__a $ty {
            type Expression = ::diesel::internal::derives::as_expression::Bound<$st, Self>;
            fn as_expression(self) -> Self::Expression {
                ::diesel::internal::derives::as_expression::Bound::new(self)
            }
        }
    };
}
