//! Many rows in few statements, the session's `add_all` path: rows cut into runs of one shape
//! and one key kind, runs into chunks under the backend's parameter limit, each chunk one
//! [`MultiInsert`](crate::batch::MultiInsert) (in the SQL layer).
//!
//! Matching the rows that come back to the rows that went in:
//!
//! - **Keys the database assigns** (an integer key left at its default). Neither SQLite nor
//!   PostgreSQL promises an order for `RETURNING` rows, but both hand out the keys of one
//!   statement in the order of its `VALUES` (SQLite: each row gets the largest rowid + 1;
//!   PostgreSQL: `nextval` per row as the rows are produced). The returned rows are therefore
//!   sorted by key and paired with the input in order — SQLAlchemy's "insertmanyvalues" does
//!   the same on SQLite. MySQL/MariaDB has no `RETURNING`: `LAST_INSERT_ID()` is the first
//!   key of a multi-row insert and InnoDB makes the keys consecutive when
//!   `innodb_autoinc_lock_mode` ≤ 1 and `auto_increment_increment` = 1, both checked before
//!   each batch (otherwise rows go one by one); the rows are then read back by key range.
//! - **Keys the caller chose**: matched by key.
//!
//! Part of the write layer.

use std::collections::HashMap;

use crate::conn::backend::FsqlBackend;
use crate::conn::url::BackendKind;
use crate::model::{Model, ModelOn};
use crate::sql::insert::{max_parameters, MAX_ROWS_PER_STATEMENT};
use fsql_core::{Error, Result};

fn mismatch(table: &'static fsql_core::TableMeta, sent: usize, got: usize) -> Error {
    Error::Schema(format!(
        "model `{}`: a multi-row INSERT into `{}` of {sent} row(s) reported {got} row(s) back",
        table.model, table.name
    ))
}

/// Puts the rows a `RETURNING` statement gave back (in any order) into the order of `input`.
#[doc(hidden)]
pub fn match_returned<M: Model>(input: &[&M], returned: Vec<M>, assigned: bool) -> Result<Vec<M>> {
    if returned.len() != input.len() {
        return Err(mismatch(M::META, input.len(), returned.len()));
    }
    if assigned {
        // Keys were handed out in VALUES order: sort by key, pair in order.
        let mut keyed = Vec::with_capacity(returned.len());
        for row in returned {
            let n = M::__key_ordinal(&row.primary_key()).ok_or_else(|| {
                Error::Schema(format!(
                    "model `{}`: the database-assigned key {:?} is not an integer",
                    M::META.model,
                    row.primary_key()
                ))
            })?;
            keyed.push((n, row));
        }
        keyed.sort_unstable_by_key(|(n, _)| *n);
        return Ok(keyed.into_iter().map(|(_, row)| row).collect());
    }
    // Keys chosen by the caller: match by key.
    let mut by_key: HashMap<String, M> = returned
        .into_iter()
        .map(|row| (format!("{:?}", row.primary_key()), row))
        .collect();
    input
        .iter()
        .map(|row| {
            let key = format!("{:?}", row.primary_key());
            by_key.remove(&key).ok_or_else(|| {
                Error::Schema(format!(
                    "model `{}`: no row came back for key {key} after a multi-row INSERT into `{}`",
                    M::META.model,
                    M::META.name
                ))
            })
        })
        .collect()
}

/// The stored rows of a multi-row insert that assigned `keys` (in any order: keys are handed
/// out in `VALUES` order, so sorted keys pair with the input in order).
#[doc(hidden)]
pub fn rows_with_keys<M: Model>(input: &[&M], mut keys: Vec<M::PrimaryKey>) -> Result<Vec<M>> {
    if keys.len() != input.len() {
        return Err(mismatch(M::META, input.len(), keys.len()));
    }
    let mut ordinals = Vec::with_capacity(keys.len());
    for k in &keys {
        ordinals.push(M::__key_ordinal(k).ok_or_else(|| not_integer::<M>(k))?);
    }
    if !ordinals.windows(2).all(|w| w[0] <= w[1]) {
        let mut pairs: Vec<_> = ordinals.into_iter().zip(keys).collect();
        pairs.sort_unstable_by_key(|(n, _)| *n);
        keys = pairs.into_iter().map(|(_, k)| k).collect();
    }
    input
        .iter()
        .zip(keys)
        .map(|(row, key)| {
            row.__stored_as(Some(key))
                .ok_or_else(|| cannot_rebuild::<M>())
        })
        .collect()
}

/// The stored rows of a multi-row insert of rows with their own keys, `n` rows reported.
#[doc(hidden)]
pub fn rows_as_sent<M: Model>(input: &[&M], n: usize) -> Result<Vec<M>> {
    if n != input.len() {
        return Err(mismatch(M::META, input.len(), n));
    }
    input
        .iter()
        .map(|row| row.__stored_as(None).ok_or_else(|| cannot_rebuild::<M>()))
        .collect()
}

fn not_integer<M: Model>(key: &M::PrimaryKey) -> Error {
    Error::Schema(format!(
        "model `{}`: the database-assigned key {key:?} is not an integer",
        M::META.model
    ))
}

fn cannot_rebuild<M: Model>() -> Error {
    Error::Schema(format!(
        "model `{}`: the inserted row cannot be rebuilt from the input (internal)",
        M::META.model
    ))
}

/// MySQL: after a multi-row insert of `input` (keys assigned) whose first key is `first`, reads
/// the rows back by key range, in key order = input order.
#[cfg(feature = "mysql")]
#[doc(hidden)]
pub fn read_back_mysql<M>(
    conn: &mut diesel::mysql::MysqlConnection,
    input: &[&M],
    first: u64,
) -> Result<Vec<M>>
where
    M: Model + ModelOn<diesel::mysql::Mysql>,
{
    let Some(row) = input.first() else {
        return Ok(Vec::new());
    };
    let n = input.len() as u64;
    let below = row.__inserted_key(first.saturating_sub(1));
    let above = row.__inserted_key(first + n);
    let mut q = crate::model::query::Query::<M>::new();
    if first > 0 {
        q = M::__keyset_filter(q, below, true);
    }
    q = M::__keyset_filter(q, above, false);
    q = M::__keyset_order(q, false);
    let rows = <M as ModelOn<diesel::mysql::Mysql>>::load(conn, &q)?;
    if rows.len() != input.len() {
        return Err(mismatch(M::META, input.len(), rows.len()));
    }
    Ok(rows)
}

/// Inserts `rows` in as few statements as the backend allows and returns them as stored, in
/// input order.
pub(crate) fn insert_all<M, DB>(conn: &mut DB::Conn, rows: &[&M]) -> Result<Vec<M>>
where
    M: Model + ModelOn<DB>,
    DB: FsqlBackend,
{
    let per_row = M::META.columns.len().max(1);
    let chunk = (max_parameters(DB::KIND) / per_row).clamp(1, MAX_ROWS_PER_STATEMENT);
    // Only SQLite leaves defaulted columns out of the column list; elsewhere they are
    // `DEFAULT` and every row of a model has the same shape.
    let shaped = DB::KIND == BackendKind::Sqlite;
    let shape = |row: &M| if shaped { row.__insert_shape() } else { 0 };
    #[cfg(feature = "mysql")]
    if DB::KIND == BackendKind::Mysql {
        return crate::conn::backend::mysql::with_key_settings_cached(|| {
            insert_chunks::<M, DB>(conn, rows, chunk, shape)
        });
    }
    insert_chunks::<M, DB>(conn, rows, chunk, shape)
}

/// The chunks of [`insert_all`]: runs of one key kind and one shape, `chunk` rows at most.
fn insert_chunks<M, DB>(
    conn: &mut DB::Conn,
    rows: &[&M],
    chunk: usize,
    shape: impl Fn(&M) -> u64,
) -> Result<Vec<M>>
where
    M: Model + ModelOn<DB>,
    DB: FsqlBackend,
{
    let mut out = Vec::with_capacity(rows.len());
    let mut start = 0;
    while start < rows.len() {
        let assigned = rows[start].__key_assigned();
        let columns = shape(rows[start]);
        let mut end = start + 1;
        while end < rows.len()
            && end - start < chunk
            && rows[end].__key_assigned() == assigned
            && shape(rows[end]) == columns
        {
            end += 1;
        }
        let run = &rows[start..end];
        if run.len() == 1 {
            out.push(<M as ModelOn<DB>>::insert(conn, run[0])?);
        } else {
            out.extend(<M as ModelOn<DB>>::insert_many(conn, run, assigned)?);
        }
        start = end;
    }
    Ok(out)
}
