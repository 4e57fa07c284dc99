//! The MySQL catalog, read for [`reflect_tables`](super::reflect_tables).
//!
//! Part of reflection, which sits beside the top layer: it reads a connection and returns
//! `fsql_core::schema` data, and imports only from the connection layer.

use diesel::mysql::MysqlConnection;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::QueryableByName;

use super::{load, on_delete_from_rule, Tables};
use fsql_core::schema::TableSchema;
use fsql_core::Result;

const TABLES: &str = "SELECT TABLE_NAME AS table_name FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";

const COLUMNS: &str = "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, \
     COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, EXTRA AS extra, \
     COLUMN_DEFAULT AS server_default \
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, ORDINAL_POSITION";

// Every index, the primary key (`PRIMARY`) included; an expression's column is NULL.
const INDEXES: &str = "SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, \
     CAST(NON_UNIQUE AS SIGNED) AS non_unique, COLUMN_NAME AS column_name \
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS: &str = "SELECT k.TABLE_NAME AS table_name, \
     k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name, \
     CASE WHEN k.REFERENCED_TABLE_SCHEMA = DATABASE() THEN k.REFERENCED_TABLE_NAME \
          ELSE CONCAT(k.REFERENCED_TABLE_SCHEMA, '.', k.REFERENCED_TABLE_NAME) END \
          AS referred_table, \
     k.REFERENCED_COLUMN_NAME AS referred_column, r.DELETE_RULE AS delete_rule \
     FROM information_schema.KEY_COLUMN_USAGE k \
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
      AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

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
    #[diesel(sql_type = Text)]
    is_nullable: String,
    #[diesel(sql_type = Text)]
    extra: String,
    #[diesel(sql_type = Nullable<Text>)]
    server_default: Option<String>,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    index_name: String,
    #[diesel(sql_type = BigInt)]
    non_unique: i64,
    #[diesel(sql_type = Nullable<Text>)]
    column_name: Option<String>,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    constraint_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    referred_table: String,
    #[diesel(sql_type = Text)]
    referred_column: String,
    #[diesel(sql_type = Text)]
    delete_rule: String,
}

pub(super) fn reflect(conn: &mut MysqlConnection) -> Result<Vec<TableSchema>> {
    let tables: Vec<TableRow> = load(conn, TABLES)?;
    let columns: Vec<ColumnRow> = load(conn, COLUMNS)?;
    let indexes: Vec<IndexRow> = load(conn, INDEXES)?;
    let foreign_keys: Vec<ForeignKeyRow> = load(conn, FOREIGN_KEYS)?;

    let mut out = Tables::new(tables.into_iter().map(|t| t.table_name));
    for c in columns {
        let auto = c.extra.to_ascii_lowercase().contains("auto_increment");
        out.column(
            &c.table_name,
            c.column_name,
            c.column_type,
            c.is_nullable.eq_ignore_ascii_case("YES"),
            auto,
            mysql_default(c.server_default, &c.extra),
        );
    }
    for i in indexes {
        let unique = i.non_unique == 0;
        if i.index_name == "PRIMARY" {
            if let (Some(t), Some(c)) = (out.get(&i.table_name), i.column_name) {
                t.primary_key.push(c);
            }
            continue;
        }
        // A unique index is MySQL's unique constraint: report it as both.
        if unique {
            if let Some(c) = &i.column_name {
                out.unique_column(&i.table_name, Some(&i.index_name), c.clone());
            }
        }
        out.index_column(&i.table_name, &i.index_name, unique, i.column_name);
    }
    let mut last_fk = None;
    for f in foreign_keys {
        out.foreign_key_column(
            &f.table_name,
            &f.constraint_name,
            Some(f.constraint_name.clone()),
            f.column_name,
            f.referred_table,
            Some(f.referred_column),
            on_delete_from_rule(&f.delete_rule),
            &mut last_fk,
        );
    }
    Ok(out.finish())
}

/// `COLUMN_DEFAULT` as SQL. MariaDB (10.2.7 on) quotes a string literal and spells a function
/// (`current_timestamp()`); MySQL 8 gives a string literal bare and marks an expression
/// `DEFAULT_GENERATED` in `EXTRA`, so a bare value that is not a number is quoted here.
fn mysql_default(value: Option<String>, extra: &str) -> Option<String> {
    let value = value?;
    let bare = !value.starts_with('\'')
        && !value.eq_ignore_ascii_case("NULL")
        && value.parse::<f64>().is_err()
        && !value.contains('(')
        && !value.to_ascii_uppercase().starts_with("CURRENT_")
        && !extra.to_ascii_uppercase().contains("DEFAULT_GENERATED");
    Some(if bare {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        value
    })
}
