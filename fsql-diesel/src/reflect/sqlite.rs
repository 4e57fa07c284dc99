//! The SQLite catalog, read for [`reflect_tables`](super::reflect_tables).
//!
//! Part of reflection, which sits beside the top layer: it reads a connection and returns
//! `fsql_core::schema` data, and imports only from the connection layer.

use diesel::sql_types::{Integer, Nullable, Text};
use diesel::sqlite::SqliteConnection;
use diesel::QueryableByName;

use super::{load, on_delete_from_rule, Tables};
use fsql_core::schema::TableSchema;
use fsql_core::Result;

// Every query walks the same tables: the user tables of the main database.
macro_rules! user_tables {
    () => {
        r" WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'"
    };
}

const TABLES: &str = concat!(
    "SELECT m.name AS name, m.sql AS sql FROM sqlite_master m",
    user_tables!(),
    " ORDER BY m.name"
);

const COLUMNS: &str = concat!(
    "SELECT m.name AS table_name, p.name AS column_name, p.type AS column_type, \
     p.\"notnull\" AS not_null, p.pk AS pk_position, p.dflt_value AS server_default \
     FROM sqlite_master m, pragma_table_info(m.name) p",
    user_tables!(),
    " ORDER BY m.name, p.cid"
);

const FOREIGN_KEYS: &str = concat!(
    "SELECT m.name AS table_name, f.id AS id, f.\"table\" AS referred_table, \
     f.\"from\" AS column_name, f.\"to\" AS referred_column, f.on_delete AS on_delete \
     FROM sqlite_master m, pragma_foreign_key_list(m.name) f",
    user_tables!(),
    " ORDER BY m.name, f.id, f.seq"
);

const INDEXES: &str = concat!(
    "SELECT m.name AS table_name, il.name AS index_name, il.\"unique\" AS is_unique, \
     il.origin AS origin, ii.name AS column_name \
     FROM sqlite_master m, pragma_index_list(m.name) il, pragma_index_info(il.name) ii",
    user_tables!(),
    " ORDER BY m.name, il.name, ii.seqno"
);

#[derive(QueryableByName)]
struct TableRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    column_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk_position: i32,
    #[diesel(sql_type = Nullable<Text>)]
    server_default: Option<String>,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    referred_table: String,
    #[diesel(sql_type = Text)]
    column_name: String,
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
    #[diesel(sql_type = Integer)]
    is_unique: i32,
    #[diesel(sql_type = Text)]
    origin: String,
    #[diesel(sql_type = Nullable<Text>)]
    column_name: Option<String>,
}

pub(super) fn reflect(conn: &mut SqliteConnection) -> Result<Vec<TableSchema>> {
    let tables: Vec<TableRow> = load(conn, TABLES)?;
    let columns: Vec<ColumnRow> = load(conn, COLUMNS)?;
    let foreign_keys: Vec<ForeignKeyRow> = load(conn, FOREIGN_KEYS)?;
    let indexes: Vec<IndexRow> = load(conn, INDEXES)?;

    let create_sql: std::collections::BTreeMap<String, Vec<super::tokenizer::Named>> = tables
        .iter()
        .map(|t| {
            let named = t.sql.as_deref().map(super::tokenizer::named_constraints);
            (t.name.clone(), named.unwrap_or_default())
        })
        .collect();
    let mut out = Tables::new(tables.into_iter().map(|t| t.name));

    // The table's own key index exists only when the key is not the rowid.
    let has_pk_index = |table: &str| {
        indexes
            .iter()
            .any(|i| i.table_name == table && i.origin == "pk")
    };
    let mut pk: Vec<(String, i32, String)> = Vec::new();
    for c in &columns {
        if c.pk_position > 0 {
            pk.push((c.table_name.clone(), c.pk_position, c.column_name.clone()));
        }
    }
    pk.sort();
    for c in columns {
        let key_columns = pk.iter().filter(|(t, ..)| *t == c.table_name).count();
        // `INTEGER PRIMARY KEY`, exactly spelt, on a rowid table: an alias of the rowid,
        // assigned on insert and never NULL.
        let rowid_alias = c.pk_position > 0
            && key_columns == 1
            && c.column_type.eq_ignore_ascii_case("INTEGER")
            && !has_pk_index(&c.table_name);
        out.column(
            &c.table_name,
            c.column_name,
            c.column_type,
            c.not_null == 0 && !rowid_alias,
            rowid_alias,
            c.server_default,
        );
    }
    for (table, _, column) in pk {
        if let Some(t) = out.get(&table) {
            t.primary_key.push(column);
        }
    }

    let mut last = None;
    for f in foreign_keys {
        out.foreign_key_column(
            &f.table_name,
            &f.id.to_string(),
            // Named below from the CREATE TABLE text, once all columns are known.
            None,
            f.column_name,
            f.referred_table,
            f.referred_column,
            on_delete_from_rule(&f.on_delete),
            &mut last,
        );
    }

    for i in indexes {
        match i.origin.as_str() {
            "pk" => {}
            // `sqlite_autoindex_<table>_<n>`: the index behind a UNIQUE constraint.
            "u" => {
                let Some(column) = i.column_name else {
                    continue;
                };
                // One constraint per index: rows of one index arrive together.
                let key = Some(i.index_name.as_str());
                out.unique_column(&i.table_name, key, column);
            }
            _ => out.index_column(
                &i.table_name,
                &i.index_name,
                i.is_unique != 0,
                i.column_name,
            ),
        }
    }

    let mut tables = out.finish();
    for t in &mut tables {
        let named = create_sql.get(&t.name).map(Vec::as_slice).unwrap_or(&[]);
        for u in &mut t.unique_constraints {
            // The index name was only a grouping key; the constraint's name, if the DDL
            // gave one, is in the CREATE TABLE text.
            u.name = named
                .iter()
                .find(|n| n.kind == super::tokenizer::Kind::Unique && n.columns == u.columns)
                .map(|n| n.name.clone());
        }
        t.unique_constraints
            .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
        for f in &mut t.foreign_keys {
            f.name = named
                .iter()
                .find(|n| n.kind == super::tokenizer::Kind::ForeignKey && n.columns == f.columns)
                .map(|n| n.name.clone());
        }
    }
    // `REFERENCES parent` without columns refers to the parent's primary key.
    let keys: std::collections::BTreeMap<String, Vec<String>> = tables
        .iter()
        .map(|t| (t.name.clone(), t.primary_key.clone()))
        .collect();
    for t in &mut tables {
        for f in &mut t.foreign_keys {
            if f.referred_columns.is_empty() {
                if let Some(pk) = keys.get(&f.referred_table) {
                    f.referred_columns = pk.clone();
                }
            }
        }
    }
    Ok(tables)
}
