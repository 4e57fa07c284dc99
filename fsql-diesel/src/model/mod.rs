//! The `Model` trait that `#[derive(Model)]` implements, and what it is queried with.
//!
//! Layer 3: [`Model`] and its hidden hooks, the per-backend half of a model ([`ModelOn`]),
//! [`Query`], pagination, the load options a query carries, and the fallback
//! model the derive emits on error. Imports from the `conn` and `sql` layers below; two
//! calls still go up a layer: eager loading runs relation code, and the default write hooks
//! run the write layer's.

#[doc(hidden)]
pub mod aggregate;
pub mod fallback;
mod hooks;
pub(crate) mod load_option;
mod on;
pub mod ops;
pub mod paginate;
pub mod query;
pub mod update;

#[doc(hidden)]
pub use hooks::ModelHooks;
#[doc(hidden)]
pub use on::{ModelOn, OnAllBackends, OnMysql, OnPostgres, OnSqlite, WriteOn};

use crate::model::query::Query;
use fsql_core::TableMeta;

/// A struct mapped to a table: Flask-SQLAlchemy's `db.Model`. Derive it, do not implement it.
///
/// ```
/// use fsql::prelude::*;
///
/// #[derive(Model, Debug, Clone)]
/// struct User {
///     #[fsql(primary_key)]
///     id: i32,
///     #[fsql(unique, length = 80)]
///     username: String,
/// }
/// # fn main() -> fsql::Result<()> {
/// # let db = Database::builder().url("sqlite://").build()?;
/// # db.create_all()?;
/// let admin = User::query().filter(User::username.eq("admin")).first(&db)?;
/// assert!(admin.is_none());
/// # Ok(())
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an fsql model",
    label = "not a model",
    note = "add `#[derive(Model)]` to `{Self}` (with a `#[fsql(primary_key)]` field)"
)]
pub trait Model: Sized + Send + 'static + crate::model::OnAllBackends + ModelHooks {
    /// The Diesel table (`user::table`).
    type Table: diesel::Table + Default + Copy + Send + Sync + 'static;
    /// The primary key's Rust type; a tuple for a composite key.
    type PrimaryKey: std::fmt::Debug + Clone + Eq + std::hash::Hash + Send + Sync + 'static;

    /// The table's description, for DDL, the registry and error messages.
    const META: &'static TableMeta;
    /// The SQL table name.
    const TABLE_NAME: &'static str;
    /// The primary-key column names.
    const PRIMARY_KEY_COLUMNS: &'static [&'static str];

    /// This row's primary key.
    fn primary_key(&self) -> Self::PrimaryKey;

    /// What [`query`](Self::query) returns: [`Query`] unless the model names its own class
    /// with `#[fsql(query_class = MyQuery)]` (Flask-SQLAlchemy's `query_class`).
    type QueryClass<'a>: From<Query<'a, Self>>;

    /// A query over every row: Flask-SQLAlchemy's `Model.query`.
    fn query<'a>() -> Self::QueryClass<'a> {
        Query::new().into()
    }
}

/// Implements a model's row writes ([`WriteOn<$db>`](crate::model::WriteOn)) for one backend:
/// the one part of [`ModelOn`] that is not generic code in [`ops`] (see there why). The body
/// is written once here and instantiated per backend, so every backend runs the same
/// statically typed Diesel code.
///
/// Every function is `#[inline]`, which makes it compiled only where it is called: a
/// non-generic function is otherwise code-generated in the model's crate whether used or not
/// (`benches/compile_time` measures the difference).
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on {
    ($db:ty; $insert:ident; model = $model:ty, table = $($table:ident)::+, changeset = $changeset:tt) => {
        impl $crate::model::WriteOn<$db> for $model {
            $crate::__impl_model_on_insert!($insert; $db; $($table)::+);

            $crate::__impl_model_on_update!($changeset; $db; $($table)::+);
        }
    };
}

/// `insert` by the backend's way of reading back what the database assigned: `RETURNING` where
/// the backend has it, else the insert and `LAST_INSERT_ID()` on the same connection inside one
/// transaction, then the row read back by its key.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_insert {
    (returning; $db:ty; $($table:ident)::+) => {

        #[inline]
        fn insert_many(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            rows: &[&Self],
            assigned: bool,
        ) -> $crate::Result<::std::vec::Vec<Self>> {
            use ::diesel::RunQueryDsl;
            let values: ::std::vec::Vec<_> = rows
                .iter()
                .map(|row| $crate::batch::RowValues::<_, $($table)::+::table>::new(
                    ::diesel::Insertable::<$($table)::+::table>::values(*row).values,
                ))
                .collect();
            let failed = |e| {
                // The statement as one row would render it, with the number of rows.
                let one = $crate::batch::MultiInsert::new(
                    $($table)::+::table,
                    &values[..1],
                    $crate::batch::NoReturning,
                );
                $crate::batch::many_rows($crate::error::statement_error::<$db, _>(e, <Self as $crate::model::Model>::META, &one), values.len())
            };
            if <Self as $crate::model::ModelHooks>::__INSERT_RETURNS_INPUT {
                // The stored rows are the input rows with their keys: read back only the keys
                // the database assigned, or nothing.
                if assigned {
                    let keys = $crate::batch::MultiInsert::new(
                        $($table)::+::table,
                        &values,
                        $crate::batch::Returning(<$($table)::+::table as ::diesel::Table>::primary_key(&$($table)::+::table)),
                    )
                    .load::<<Self as $crate::model::Model>::PrimaryKey>(conn)
                    .map_err(failed)?;
                    return $crate::batch::rows_with_keys(rows, keys);
                }
                let n = $crate::batch::MultiInsert::new($($table)::+::table, &values, $crate::batch::NoReturning)
                    .execute(conn)
                    .map_err(failed)?;
                return $crate::batch::rows_as_sent(rows, n);
            }
            let build = || {
                $crate::batch::MultiInsert::new(
                    $($table)::+::table,
                    &values,
                    $crate::batch::Returning($($table)::+::all_columns),
                )
            };
            let returned = build().load::<Self>(conn).map_err(failed)?;
            $crate::batch::match_returned(rows, returned, assigned)
        }

        #[inline]
        fn insert(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            row: &Self,
        ) -> $crate::Result<Self> {
            use ::diesel::RunQueryDsl;
            let build = || {
                ::diesel::insert_into($($table)::+::table)
                    .values(row)
                    .returning($($table)::+::all_columns)
            };
            build()
                .get_result::<Self>(conn)
                .map_err(|e| $crate::error::statement_error::<$db, _>(e, <Self as $crate::model::Model>::META, &build()))
        }
    };
    (last_insert_id; $db:ty; $($table:ident)::+) => {

        #[inline]
        fn insert_many(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            rows: &[&Self],
            assigned: bool,
        ) -> $crate::Result<::std::vec::Vec<Self>> {
            use ::diesel::RunQueryDsl;
            // Without RETURNING, only keys the database assigns consecutively can be matched
            // to rows; anything else goes row by row.
            if !assigned || !$crate::batch::mysql_consecutive_keys(conn)? {
                return rows
                    .iter()
                    .map(|row| <Self as $crate::model::ModelOn<$db>>::insert(conn, row))
                    .collect();
            }
            let values: ::std::vec::Vec<_> = rows
                .iter()
                .map(|row| $crate::batch::RowValues::<_, $($table)::+::table>::new(
                    ::diesel::Insertable::<$($table)::+::table>::values(*row).values,
                ))
                .collect();
            let insert = |conn: &mut <$db as $crate::backend::FsqlBackend>::Conn| {
                let build = || {
                    $crate::batch::MultiInsert::new($($table)::+::table, &values, $crate::batch::NoReturning)
                };
                build().execute(conn).map_err(|e| {
                    let one = $crate::batch::MultiInsert::new($($table)::+::table, &values[..1], $crate::batch::NoReturning);
                    $crate::batch::many_rows($crate::error::statement_error::<$db, _>(e, <Self as $crate::model::Model>::META, &one), values.len())
                })?;
                $crate::backend::last_insert_id(conn)
            };
            if <Self as $crate::model::ModelHooks>::__INSERT_RETURNS_INPUT {
                // Consecutive keys from the first, rows as sent: nothing to read back, so no
                // transaction either (one INSERT is atomic, and LAST_INSERT_ID() belongs to
                // this connection): two statements per chunk instead of four.
                let first = insert(conn)?;
                let keys = rows
                    .iter()
                    .enumerate()
                    .map(|(i, row)| <Self as $crate::model::ModelHooks>::__inserted_key(row, first + i as u64))
                    .collect();
                return $crate::batch::rows_with_keys(rows, keys);
            }
            // The rows are read back by key range: in one transaction with the insert.
            $crate::backend::in_transaction(conn, |conn| {
                let first = insert(conn)?;
                $crate::batch::read_back_mysql(conn, rows, first)
            })
        }

        #[inline]
        fn insert(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            row: &Self,
        ) -> $crate::Result<Self> {
            use ::diesel::RunQueryDsl;
            $crate::backend::in_transaction(conn, |conn| {
                let build = || ::diesel::insert_into($($table)::+::table).values(row);
                build()
                    .execute(conn)
                    .map_err(|e| $crate::error::statement_error::<$db, _>(e, <Self as $crate::model::Model>::META, &build()))?;
                let assigned = $crate::backend::last_insert_id(conn)?;
                let pk = <Self as $crate::model::ModelHooks>::__inserted_key(row, assigned);
                <Self as $crate::model::ModelOn<$db>>::find(conn, &pk)?
                    .ok_or_else(|| $crate::backend::vanished_after_insert(<Self as $crate::model::Model>::META, &pk))
            })
        }
    };
}

/// `update` for models with columns besides the key, and the no-op for key-only models
/// (Diesel has no empty `SET`).
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_model_on_update {
    (true; $db:ty; $($table:ident)::+) => {
        #[inline]
        fn update(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            row: &Self,
        ) -> $crate::Result<usize> {
            use ::diesel::{QueryDsl, RunQueryDsl};
            let pk = <Self as $crate::model::Model>::primary_key(row);
            let build = || ::diesel::update($($table)::+::table.find(::core::clone::Clone::clone(&pk))).set(row);
            build()
                .execute(conn)
                .map_err(|e| $crate::error::statement_error::<$db, _>(e, <Self as $crate::model::Model>::META, &build()))
        }
    };
    (false; $db:ty; $($table:ident)::+) => {
        #[inline]
        fn update(
            conn: &mut <$db as $crate::backend::FsqlBackend>::Conn,
            row: &Self,
        ) -> $crate::Result<usize> {
            // Every column is part of the key: there is nothing to set. Report whether the
            // row exists, as an UPDATE would.
            let pk = <Self as $crate::model::Model>::primary_key(row);
            <Self as $crate::model::ModelOn<$db>>::find(conn, &pk).map(|r| usize::from(r.is_some()))
        }
    };
}
