//! What `#[derive(Model)]` emits beside its errors: a `Model` impl that type-checks, so one
//! mistake in a model does not cascade into trait errors at every use of it. None of this can
//! run: the crate that contains it does not compile.

#![allow(missing_docs)]

diesel::table! {
    /// Stand-in table for models whose derive failed: one column per type a field can have,
    /// so the model's column constants keep their types and filters on them still check.
    __fsql_fallback (integer) {
        small_int -> SmallInt,
        integer -> Integer,
        big_int -> BigInt,
        float -> Float,
        double -> Double,
        bool_ -> Bool,
        text -> Text,
        binary -> Binary,
        date -> Date,
        time -> Time,
        timestamp -> Timestamp,
        nullable_small_int -> Nullable<SmallInt>,
        nullable_integer -> Nullable<Integer>,
        nullable_big_int -> Nullable<BigInt>,
        nullable_float -> Nullable<Float>,
        nullable_double -> Nullable<Double>,
        nullable_bool_ -> Nullable<Bool>,
        nullable_text -> Nullable<Text>,
        nullable_binary -> Nullable<Binary>,
        nullable_date -> Nullable<Date>,
        nullable_time -> Nullable<Time>,
        nullable_timestamp -> Nullable<Timestamp>,
    }
}

/// Stand-in metadata for models whose derive failed.
pub static FALLBACK_META: fsql_core::TableMeta = fsql_core::TableMeta {
    model: "<model with errors>",
    name: "",
    bind: None,
    columns: &[],
    primary_key: &[],
    foreign_keys: &[],
    indexes: &[],
    inherits: None,
};

pub fn error() -> fsql_core::Error {
    fsql_core::Error::Schema("this model failed to compile".to_owned())
}

#[doc(hidden)]
#[macro_export]
macro_rules! fallback_model {
    ($model:ident, pk = $pk:ty, columns = { $($field:ident : $column:ident),* $(,)? }) => {
        #[allow(non_upper_case_globals, dead_code)]
        impl $model {
            $(pub const $field: $crate::fallback::__fsql_fallback::$column =
                $crate::fallback::__fsql_fallback::$column;)*
        }
        impl $crate::model::Model for $model {
            type Table = $crate::fallback::__fsql_fallback::table;
            type PrimaryKey = $pk;
            type QueryClass<'a> = $crate::query::Query<'a, Self>;
            const META: &'static $crate::__TableMeta = &$crate::fallback::FALLBACK_META;
            const TABLE_NAME: &'static str = "";
            const PRIMARY_KEY_COLUMNS: &'static [&'static str] = &[];
            fn primary_key(&self) -> Self::PrimaryKey {
                ::core::default::Default::default()
            }
        }
        impl $crate::model::ModelHooks for $model {
            type __Ops = $crate::fallback::Fallback;
            fn __keyset_filter<'a>(
                query: $crate::query::Query<'a, Self>,
                _pk: <Self as $crate::model::Model>::PrimaryKey,
                _greater: bool,
            ) -> $crate::query::Query<'a, Self> {
                query
            }
            fn __keyset_order<'a>(
                query: $crate::query::Query<'a, Self>,
                _descending: bool,
            ) -> $crate::query::Query<'a, Self> {
                query
            }
            fn __inserted_key(&self, _assigned: u64) -> <Self as $crate::model::Model>::PrimaryKey {
                ::core::default::Default::default()
            }
            fn __filter_primary_key<'a>(
                query: $crate::query::Query<'a, Self>,
                _pk: <Self as $crate::model::Model>::PrimaryKey,
            ) -> $crate::query::Query<'a, Self> {
                query
            }
        }
        impl<DB: $crate::backend::FsqlBackend> $crate::model::WriteOn<DB> for $model {
            fn insert(_: &mut DB::Conn, _: &Self) -> $crate::Result<Self> {
                ::core::result::Result::Err($crate::fallback::error())
            }
            fn insert_many(_: &mut DB::Conn, _: &[&Self], _: bool) -> $crate::Result<::std::vec::Vec<Self>> {
                ::core::result::Result::Err($crate::fallback::error())
            }
            fn update(_: &mut DB::Conn, _: &Self) -> $crate::Result<usize> {
                ::core::result::Result::Err($crate::fallback::error())
            }
        }
    };
}

/// The operations of a model whose derive failed: errors, never run (the crate does not
/// compile), but they type-check without asking anything of the model.
pub struct Fallback;

impl<M, DB> crate::model::ops::ReadOn<M, DB> for Fallback
where
    M: crate::model::Model<Table = __fsql_fallback::table>,
    DB: crate::conn::backend::FsqlBackend,
    __fsql_fallback::table: for<'q> diesel::query_dsl::methods::BoxedDsl<
            'q,
            DB,
            Output = crate::model::ops::Boxed<'q, M, DB>,
        > + diesel::query_builder::QueryFragment<DB>,
{
    fn find(_: &mut DB::Conn, _: &M::PrimaryKey) -> fsql_core::Result<Option<M>> {
        Err(error())
    }
    fn boxed<'q>(_: &crate::model::query::Query<'q, M>) -> crate::model::ops::Boxed<'q, M, DB> {
        diesel::query_dsl::methods::BoxedDsl::internal_into_boxed(__fsql_fallback::table)
    }
    fn load(_: &mut DB::Conn, _: &crate::model::query::Query<'_, M>) -> fsql_core::Result<Vec<M>> {
        Err(error())
    }
    fn load_shaped<S: 'static>(
        _: &mut DB::Conn,
        _: &crate::model::query::Query<'_, M>,
    ) -> fsql_core::Result<Vec<M>>
    where
        for<'q> crate::sql::fragment::StaticId<S, crate::model::ops::Boxed<'q, M, DB>>:
            diesel::query_dsl::methods::LoadQuery<'q, DB::Conn, M>,
    {
        Err(error())
    }
    fn count(_: &mut DB::Conn, _: &crate::model::query::Query<'_, M>) -> fsql_core::Result<i64> {
        Err(error())
    }
    fn exists(_: &mut DB::Conn, _: &crate::model::query::Query<'_, M>) -> fsql_core::Result<bool> {
        Err(error())
    }
    fn fragment<'q>(
        _: &crate::model::query::Query<'q, M>,
    ) -> crate::sql::fragment::Fragment<'q, DB> {
        Box::new(__fsql_fallback::table)
    }
    fn columns() -> crate::sql::fragment::Fragment<'static, DB> {
        Box::new(__fsql_fallback::table)
    }
    fn table() -> crate::sql::fragment::Fragment<'static, DB> {
        Box::new(__fsql_fallback::table)
    }
    fn delete(_: &mut DB::Conn, _: &M::PrimaryKey) -> fsql_core::Result<usize> {
        Err(error())
    }
    fn delete_where(
        _: &mut DB::Conn,
        _: &crate::model::query::Query<'_, M>,
    ) -> fsql_core::Result<usize> {
        Err(error())
    }
}
