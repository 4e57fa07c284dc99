//! The PostgreSQL catalog, read for [`reflect_tables`](super::reflect_tables).
//!
//! Part of reflection, which sits beside the top layer: it reads a connection and returns
//! `fsql_core::schema` data, and imports only from the connection layer.

use diesel::pg::PgConnection;
use diesel::sql_types::{Bool, Nullable, Text};
use diesel::QueryableByName;

use super::{load, Tables};
use fsql_core::schema::TableSchema;
use fsql_core::{OnDelete, Result};

const TABLES: &str = "SELECT c.relname::text AS table_name \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
     ORDER BY c.relname";

// SERIAL columns default to nextval() of their sequence; identity columns say so.
const COLUMNS: &str = "SELECT c.relname::text AS table_name, a.attname::text AS column_name, \
     format_type(a.atttypid, a.atttypmod) AS column_type, a.attnotnull AS not_null, \
     (a.attidentity IN ('a', 'd') \
      OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)) AS autoincrement, \
     CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS server_default \
     FROM pg_attribute a \
     JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
     AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY c.relname, a.attnum";

// Primary keys, unique constraints and foreign keys, one row per column, in key order.
const CONSTRAINTS: &str = "SELECT c.relname::text AS table_name, \
     con.conname::text AS constraint_name, con.contype::text AS kind, \
     a.attname::text AS column_name, \
     CASE WHEN rn.nspname = current_schema() THEN rc.relname::text \
          ELSE rn.nspname::text || '.' || rc.relname::text END AS referred_table, \
     ra.attname::text AS referred_column, con.confdeltype::text AS on_delete \
     FROM pg_constraint con \
     JOIN pg_class c ON c.oid = con.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord) \
     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid \
     LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
     LEFT JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.fattnum \
     WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f') \
     ORDER BY c.relname, con.conname, k.ord";

// Indexes other than those of a primary key, unique or exclusion constraint; key columns
// only (not INCLUDE), an expression as NULL.
const INDEXES: &str = "SELECT c.relname::text AS table_name, ic.relname::text AS index_name, \
     i.indisunique AS is_unique, a.attname::text AS column_name \
     FROM pg_index i \
     JOIN pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_class c ON c.oid = i.indrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
     LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
     AND k.ord <= i.indnkeyatts \
     AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid \
                     AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) \
     ORDER BY c.relname, ic.relname, k.ord";

#[derive(QueryableByName)]
struct TableRow {
    #[diesel(sql_type = Text)]
    table_name: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    column_type: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
    #[diesel(sql_type = Bool)]
    autoincrement: bool,
    #[diesel(sql_type = Nullable<Text>)]
    server_default: Option<String>,
}

#[derive(QueryableByName)]
struct ConstraintRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    constraint_name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    referred_table: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    referred_column: Option<String>,
    #[diesel(sql_type = Text)]
    on_delete: String,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    index_name: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    #[diesel(sql_type = Nullable<Text>)]
    column_name: Option<String>,
}

pub(super) fn reflect(conn: &mut PgConnection) -> Result<Vec<TableSchema>> {
    let tables: Vec<TableRow> = load(conn, TABLES)?;
    let columns: Vec<ColumnRow> = load(conn, COLUMNS)?;
    let constraints: Vec<ConstraintRow> = load(conn, CONSTRAINTS)?;
    let indexes: Vec<IndexRow> = load(conn, INDEXES)?;

    let mut out = Tables::new(tables.into_iter().map(|t| t.table_name));
    for c in columns {
        out.column(
            &c.table_name,
            c.column_name,
            c.column_type,
            !c.not_null,
            c.autoincrement,
            c.server_default,
        );
    }
    let mut last_fk = None;
    for c in constraints {
        match c.kind.as_str() {
            "p" => {
                if let Some(t) = out.get(&c.table_name) {
                    t.primary_key.push(c.column_name);
                }
            }
            "u" => out.unique_column(&c.table_name, Some(&c.constraint_name), c.column_name),
            _ => out.foreign_key_column(
                &c.table_name,
                &c.constraint_name,
                Some(c.constraint_name.clone()),
                c.column_name,
                c.referred_table.unwrap_or_default(),
                c.referred_column,
                match c.on_delete.as_str() {
                    "c" => Some(OnDelete::Cascade),
                    "n" => Some(OnDelete::SetNull),
                    "r" => Some(OnDelete::Restrict),
                    _ => None,
                },
                &mut last_fk,
            ),
        }
    }
    for i in indexes {
        out.index_column(&i.table_name, &i.index_name, i.is_unique, i.column_name);
    }
    Ok(out.finish())
}
