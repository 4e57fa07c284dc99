//! What `#[derive(Model)]` emits beside its errors: a `Model` impl that type-checks, so one
//! mistake in a model does not cascade into trait errors at every use of it. None of this can
//! run: the crate that contains it does not compile.

#![allow(missing_docs)]

diesel::table! {
    /// Stand-in table for models whose derive failed.
    __fsql_fallback (id) {
        id -> Integer,
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
};

pub fn error() -> fsql_core::Error {
    fsql_core::Error::Schema("this model failed to compile".to_owned())
}

#[doc(hidden)]
#[macro_export]
macro_rules! fallback_model {
    ($model:ident) => {
        impl $crate::model::Model for $model {
            type Table = $crate::fallback::__fsql_fallback::table;
            type PrimaryKey = ();
            const META: &'static $crate::__TableMeta = &$crate::fallback::FALLBACK_META;
            const TABLE_NAME: &'static str = "";
            const PRIMARY_KEY_COLUMNS: &'static [&'static str] = &[];
            fn primary_key(&self) -> Self::PrimaryKey {}
            fn filter_primary_key<'a>(
                query: $crate::query::Query<'a, Self>,
                _pk: (),
            ) -> $crate::query::Query<'a, Self> {
                query
            }
        }
        $crate::impl_model_backends!(fallback = $model);
    };
}
