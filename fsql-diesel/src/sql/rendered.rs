//! SQL text rendered once per process: a table's column list.
//!
//! Every boxed select of a model starts `SELECT "t"."a", "t"."b", ..`, and Diesel builds that
//! text again each time the statement runs: a boxed query's text is the key of Diesel's
//! statement cache, and each quoted identifier costs an allocation (about 500 instructions per
//! column on SQLite, most of what a 25-row page costs over hand-written Diesel, whose typed
//! queries are cached by type). [`rendered_columns`] renders the list once, with Diesel's own
//! query builder, and hands out a fragment that pushes the finished text, so the statement's
//! text and cache key stay byte-for-byte what Diesel would build.

use std::any::TypeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::marker::PhantomData;
use std::sync::{OnceLock, PoisonError, RwLock};

use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, TypedExpressionType,
    ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::QueryResult;

/// A select list whose SQL text was rendered by Diesel earlier, of SQL type `ST`.
pub struct PreRendered<ST> {
    sql: &'static str,
    sql_type: PhantomData<fn() -> ST>,
}

impl<ST> Clone for PreRendered<ST> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<ST> Copy for PreRendered<ST> {}

impl<ST: TypedExpressionType> Expression for PreRendered<ST> {
    type SqlType = ST;
}

// The text was rendered from the table's own columns, so it is selectable wherever they are:
// `rendered_columns` is the only constructor.
impl<ST: TypedExpressionType, QS> AppearsOnTable<QS> for PreRendered<ST> {}
impl<ST: TypedExpressionType, QS> SelectableExpression<QS> for PreRendered<ST> {}

impl<ST, GB> ValidGrouping<GB> for PreRendered<ST> {
    type IsAggregate = is_aggregate::No;
}

impl<ST, DB: Backend> QueryFragment<DB> for PreRendered<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.sql);
        Ok(())
    }
}

impl<ST> QueryId for PreRendered<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

/// Hashes a pair of `TypeId`s, which are hashes already, by folding their bits.
#[derive(Default)]
struct TypeIdHasher(u64);

impl Hasher for TypeIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(29) ^ n;
    }
}

type Cache = RwLock<HashMap<(TypeId, TypeId), &'static str, BuildHasherDefault<TypeIdHasher>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

/// `columns` (a table's `all_columns()`) as text rendered once per backend, or `None` when
/// Diesel cannot render it without values (never for a column list).
///
/// The rendered strings live for the rest of the process: one per table and backend.
pub fn rendered_columns<DB, C>(columns: C) -> Option<PreRendered<C::SqlType>>
where
    DB: Backend + Default + 'static,
    DB::QueryBuilder: Default,
    C: QueryFragment<DB> + Expression + 'static,
    C::SqlType: TypedExpressionType,
{
    let key = (TypeId::of::<C>(), TypeId::of::<DB>());
    // Nothing panics while the lock is held, so a poisoned lock still holds whole entries.
    let found = cache()
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .copied();
    let sql = match found {
        Some(sql) => sql,
        None => {
            const NO_BINDS: &str = " -- binds: []";
            let text = diesel::debug_query::<DB, _>(&columns).to_string();
            let rendered = text.strip_suffix(NO_BINDS)?;
            let mut c = cache().write().unwrap_or_else(PoisonError::into_inner);
            // A racing thread may have rendered it meanwhile: keep the first (the same text),
            // so each table and backend leaks one string.
            *c.entry(key)
                .or_insert_with(|| Box::leak(rendered.to_owned().into_boxed_str()))
        }
    };
    Some(PreRendered {
        sql,
        sql_type: PhantomData,
    })
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::*;
    use diesel::prelude::*;
    use diesel::sqlite::Sqlite;

    diesel::table! {
        #[sql_name = "order"]
        orders (id) {
            id -> Integer,
            #[sql_name = "we`ird"]
            weird -> Text,
            note -> Nullable<Text>,
        }
    }

    #[test]
    fn a_boxed_select_renders_the_same_text_with_the_rendered_columns() {
        let plain = orders::table
            .filter(orders::id.eq(7))
            .order(orders::note.desc())
            .into_boxed::<Sqlite>();
        let expected = diesel::debug_query::<Sqlite, _>(&plain).to_string();
        // Twice: rendered on the first call, from the cache on the second.
        for _ in 0..2 {
            let columns = rendered_columns::<Sqlite, _>(orders::all_columns).expect("rendered");
            let pre = orders::table
                .filter(orders::id.eq(7))
                .order(orders::note.desc())
                .into_boxed::<Sqlite>()
                .select(columns);
            assert_eq!(diesel::debug_query::<Sqlite, _>(&pre).to_string(), expected);
        }
    }
}
