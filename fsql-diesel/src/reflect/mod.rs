//! Reflection: the tables of an existing database, read from its catalog (Flask-SQLAlchemy's
//! `db.reflect()`).
//!
//! - SQLite: `sqlite_master` with the `pragma_table_info`, `pragma_foreign_key_list`,
//!   `pragma_index_list` and `pragma_index_info` table functions; names of `CONSTRAINT name
//!   UNIQUE (..)` / `FOREIGN KEY` clauses (which the pragmas do not keep) are read from the
//!   table's `CREATE TABLE` text. Internal `sqlite_*` tables are skipped.
//! - PostgreSQL: `pg_catalog` for the tables of `current_schema()` (the first schema of the
//!   `search_path`); types as `format_type` spells them.
//! - MySQL / MariaDB: `information_schema` for the tables of `DATABASE()`. MySQL makes no
//!   difference between a unique index and a unique constraint, so every unique index is
//!   reported both in [`TableSchema::indexes`] and in [`TableSchema::unique_constraints`].
//!
//! Every backend needs four or five catalog queries, whatever the number of tables. Tables come
//! sorted by name, columns in ordinal order, foreign keys by their columns, unique constraints
//! and indexes by name. [`fsql_core::schema::compare_schemas`] tells how the result differs from
//! what the models declare.

use std::collections::BTreeMap;

use diesel::query_builder::SqlQuery;
use diesel::query_dsl::LoadQuery;
use diesel::RunQueryDsl;

use crate::conn::backend::AnyConnection;
use fsql_core::schema::{
    parse_type, ColumnSchema, ForeignKeySchema, IndexSchema, TableSchema, UniqueSchema,
    EXPRESSION_COLUMN,
};
use fsql_core::{OnDelete, Result};

/// Every table of the database `conn` is connected to (the current schema on PostgreSQL, the
/// current database on MySQL), sorted by name.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use fsql_diesel::{reflect::reflect_tables, Database};
/// let db = Database::builder().url("sqlite://").build()?;
/// let mut conn = db.connection()?;
/// diesel::connection::SimpleConnection::batch_execute(
///     &mut *conn,
///     "CREATE TABLE user (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL UNIQUE)",
/// )
/// .unwrap();
/// let tables = reflect_tables(&mut conn)?;
/// assert_eq!(tables[0].name, "user");
/// assert!(tables[0].column("id").unwrap().autoincrement);
/// assert_eq!(tables[0].unique_constraints[0].columns, ["name"]);
/// # }
/// # Ok::<(), fsql_core::Error>(())
/// ```
pub fn reflect_tables(conn: &mut AnyConnection) -> Result<Vec<TableSchema>> {
    match conn {
        #[cfg(feature = "sqlite")]
        AnyConnection::Sqlite(c) => sqlite::reflect(c),
        #[cfg(feature = "postgres")]
        AnyConnection::Postgres(c) => postgres::reflect(c),
        #[cfg(feature = "mysql")]
        AnyConnection::Mysql(c) => mysql::reflect(c),
    }
}

/// Runs a catalog query (no parameters: the catalogs are filtered by `current_schema()`,
/// `DATABASE()` or joins, never by values written into the SQL).
fn load<'a, C, R>(conn: &mut C, sql: &'static str) -> Result<Vec<R>>
where
    SqlQuery: LoadQuery<'a, C, R>,
{
    diesel::sql_query(sql)
        .load(conn)
        .map_err(|e| crate::conn::error::from_diesel(e, None, Some(sql.to_owned())))
}

/// Tables being assembled from the rows of several catalog queries.
#[derive(Default)]
struct Tables(BTreeMap<String, TableSchema>);

impl Tables {
    fn new(names: impl IntoIterator<Item = String>) -> Self {
        Self(
            names
                .into_iter()
                .map(|name| {
                    let t = TableSchema {
                        name: name.clone(),
                        columns: Vec::new(),
                        primary_key: Vec::new(),
                        foreign_keys: Vec::new(),
                        unique_constraints: Vec::new(),
                        indexes: Vec::new(),
                    };
                    (name, t)
                })
                .collect(),
        )
    }

    /// The table, when it is one of the tables listed (catalog rows of views and internal
    /// tables are dropped this way).
    fn get(&mut self, name: &str) -> Option<&mut TableSchema> {
        self.0.get_mut(name)
    }

    fn column(&mut self, table: &str, name: String, raw_type: String, nullable: bool, auto: bool) {
        if let Some(t) = self.get(table) {
            t.columns.push(ColumnSchema {
                name,
                ty: parse_type(&raw_type),
                raw_type,
                nullable,
                autoincrement: auto,
            });
        }
    }

    /// Adds a column to the index `name` of `table`, creating the index on its first column
    /// (rows arrive ordered by table, index and position).
    fn index_column(&mut self, table: &str, name: &str, unique: bool, column: Option<String>) {
        let Some(t) = self.get(table) else { return };
        let column = column.unwrap_or_else(|| EXPRESSION_COLUMN.to_owned());
        match t.indexes.last_mut() {
            Some(ix) if ix.name == name => ix.columns.push(column),
            _ => t.indexes.push(IndexSchema {
                name: name.to_owned(),
                columns: vec![column],
                unique,
            }),
        }
    }

    fn unique_column(&mut self, table: &str, name: Option<&str>, column: String) {
        let Some(t) = self.get(table) else { return };
        match t.unique_constraints.last_mut() {
            Some(u) if name.is_some() && u.name.as_deref() == name => u.columns.push(column),
            _ => t.unique_constraints.push(UniqueSchema {
                name: name.map(str::to_owned),
                columns: vec![column],
            }),
        }
    }

    /// Adds a column pair to the foreign key `key` of `table` (rows arrive ordered by table,
    /// key and position); `key` tells keys apart, `name` is what the database calls it.
    #[allow(clippy::too_many_arguments)]
    fn foreign_key_column(
        &mut self,
        table: &str,
        key: &str,
        name: Option<String>,
        column: String,
        referred_table: String,
        referred_column: Option<String>,
        on_delete: Option<OnDelete>,
        last_key: &mut Option<(String, String)>,
    ) {
        let Some(t) = self.get(table) else { return };
        let this = (table.to_owned(), key.to_owned());
        let same = last_key.as_ref() == Some(&this) && !t.foreign_keys.is_empty();
        if same {
            let fk = t.foreign_keys.last_mut().expect("checked above");
            fk.columns.push(column);
            fk.referred_columns.extend(referred_column);
        } else {
            t.foreign_keys.push(ForeignKeySchema {
                name,
                columns: vec![column],
                referred_table,
                referred_columns: referred_column.into_iter().collect(),
                on_delete,
            });
        }
        *last_key = Some(this);
    }

    fn finish(self) -> Vec<TableSchema> {
        self.0
            .into_values()
            .map(|mut t| {
                t.foreign_keys.sort_by(|a, b| {
                    (&a.columns, &a.referred_table, &a.name).cmp(&(
                        &b.columns,
                        &b.referred_table,
                        &b.name,
                    ))
                });
                t.unique_constraints
                    .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
                t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
                t
            })
            .collect()
    }
}

/// `ON DELETE` as the SQL standard spells it (SQLite, MySQL); `NO ACTION` and `SET DEFAULT`
/// are `None`.
#[cfg(any(feature = "sqlite", feature = "mysql"))]
fn on_delete_from_rule(rule: &str) -> Option<OnDelete> {
    match rule.trim().to_ascii_uppercase().as_str() {
        "CASCADE" => Some(OnDelete::Cascade),
        "SET NULL" => Some(OnDelete::SetNull),
        "RESTRICT" => Some(OnDelete::Restrict),
        _ => None,
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
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
         p.\"notnull\" AS not_null, p.pk AS pk_position \
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

        let create_sql: std::collections::BTreeMap<String, Vec<super::sql::Named>> = tables
            .iter()
            .map(|t| {
                let named = t.sql.as_deref().map(super::sql::named_constraints);
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
                    .find(|n| n.kind == super::sql::Kind::Unique && n.columns == u.columns)
                    .map(|n| n.name.clone());
            }
            t.unique_constraints
                .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
            for f in &mut t.foreign_keys {
                f.name = named
                    .iter()
                    .find(|n| n.kind == super::sql::Kind::ForeignKey && n.columns == f.columns)
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
}

/// Names of table constraints in SQLite's `CREATE TABLE` text, which its pragmas do not keep.
#[cfg(feature = "sqlite")]
mod sql {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) enum Kind {
        Unique,
        ForeignKey,
    }

    /// `CONSTRAINT <name> UNIQUE (<columns>)` or `CONSTRAINT <name> FOREIGN KEY (<columns>)`.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) struct Named {
        pub name: String,
        pub kind: Kind,
        pub columns: Vec<String>,
    }

    #[derive(Debug, PartialEq, Eq)]
    enum Tok {
        /// A bare word, as written.
        Word(String),
        /// A quoted identifier or string, unquoted.
        Quoted(String),
        Open,
        Close,
        Comma,
        Other,
    }

    fn quoted(chars: &[char], i: &mut usize, close: char) -> String {
        let mut s = String::new();
        *i += 1;
        while *i < chars.len() {
            let c = chars[*i];
            *i += 1;
            if c == close {
                // A doubled quote is the quote itself ([..] has no escape).
                if close != ']' && chars.get(*i) == Some(&close) {
                    s.push(c);
                    *i += 1;
                    continue;
                }
                return s;
            }
            s.push(c);
        }
        s
    }

    fn tokenize(sql: &str) -> Vec<Tok> {
        let chars: Vec<char> = sql.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                _ if c.is_whitespace() => i += 1,
                '-' if chars.get(i + 1) == Some(&'-') => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '/' if chars.get(i + 1) == Some(&'*') => {
                    i += 2;
                    while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                        i += 1;
                    }
                    i += 2;
                }
                '"' | '`' | '\'' => out.push(Tok::Quoted(quoted(&chars, &mut i, c))),
                '[' => out.push(Tok::Quoted(quoted(&chars, &mut i, ']'))),
                '(' | ')' | ',' => {
                    out.push(match c {
                        '(' => Tok::Open,
                        ')' => Tok::Close,
                        _ => Tok::Comma,
                    });
                    i += 1;
                }
                _ if c.is_alphanumeric() || c == '_' || c == '$' => {
                    let start = i;
                    while i < chars.len()
                        && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                    {
                        i += 1;
                    }
                    out.push(Tok::Word(chars[start..i].iter().collect()));
                }
                _ => {
                    out.push(Tok::Other);
                    i += 1;
                }
            }
        }
        out
    }

    fn is_word(t: Option<&Tok>, word: &str) -> bool {
        matches!(t, Some(Tok::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn name(t: Option<&Tok>) -> Option<String> {
        match t {
            Some(Tok::Word(w) | Tok::Quoted(w)) => Some(w.clone()),
            _ => None,
        }
    }

    /// The first name of each comma-separated item of the list opening at `toks[start]`
    /// (`("a" COLLATE nocase, b DESC)` -> a, b).
    fn column_list(toks: &[Tok], start: usize) -> Option<Vec<String>> {
        if toks.get(start) != Some(&Tok::Open) {
            return None;
        }
        let mut out = Vec::new();
        let mut depth = 0;
        let mut expect_name = true;
        for t in &toks[start..] {
            match t {
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(out);
                    }
                }
                Tok::Comma if depth == 1 => expect_name = true,
                _ if depth == 1 && expect_name => {
                    out.push(name(Some(t))?);
                    expect_name = false;
                }
                _ => {}
            }
        }
        None
    }

    pub(super) fn named_constraints(sql: &str) -> Vec<Named> {
        let toks = tokenize(sql);
        let mut out = Vec::new();
        for i in 0..toks.len() {
            if !is_word(toks.get(i), "CONSTRAINT") {
                continue;
            }
            let Some(constraint) = name(toks.get(i + 1)) else {
                continue;
            };
            let (kind, list_at) = if is_word(toks.get(i + 2), "UNIQUE") {
                (Kind::Unique, i + 3)
            } else if is_word(toks.get(i + 2), "FOREIGN") && is_word(toks.get(i + 3), "KEY") {
                (Kind::ForeignKey, i + 4)
            } else {
                continue;
            };
            // A column constraint (`.. CONSTRAINT x UNIQUE,`) has no list: not handled.
            if let Some(columns) = column_list(&toks, list_at) {
                out.push(Named {
                    name: constraint,
                    kind,
                    columns,
                });
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn finds_named_table_constraints() {
            let sql = r#"CREATE TABLE "post" ( "id" INTEGER NOT NULL, "slug" VARCHAR(80) NOT NULL, [a b] TEXT DEFAULT ('x,(y'), -- CONSTRAINT no UNIQUE (id)
                CONSTRAINT "pk_post" PRIMARY KEY ("id"),
                CONSTRAINT "uq ""post"" slug" UNIQUE ("slug" COLLATE NOCASE, [a b] DESC),
                CONSTRAINT fk_1 FOREIGN KEY (`slug`) REFERENCES "user" ("name") ON DELETE CASCADE,
                UNIQUE ("id"), /* CONSTRAINT x FOREIGN KEY (y) */ CONSTRAINT c CHECK (id > 0) )"#;
            assert_eq!(
                named_constraints(sql),
                [
                    Named {
                        name: "uq \"post\" slug".into(),
                        kind: Kind::Unique,
                        columns: vec!["slug".into(), "a b".into()],
                    },
                    Named {
                        name: "fk_1".into(),
                        kind: Kind::ForeignKey,
                        columns: vec!["slug".into()],
                    },
                ]
            );
            assert_eq!(named_constraints("CREATE TABLE t (a, CONSTRAINT"), []);
            assert_eq!(
                named_constraints("CREATE TABLE t (a CONSTRAINT u UNIQUE)"),
                []
            );
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
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
          OR COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)) AS autoincrement \
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
}

#[cfg(feature = "mysql")]
mod mysql {
    use diesel::mysql::MysqlConnection;
    use diesel::sql_types::{BigInt, Nullable, Text};
    use diesel::QueryableByName;

    use super::{load, on_delete_from_rule, Tables};
    use fsql_core::schema::TableSchema;
    use fsql_core::Result;

    const TABLES: &str = "SELECT TABLE_NAME AS table_name FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME";

    const COLUMNS: &str = "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, \
         COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, EXTRA AS extra \
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
}
