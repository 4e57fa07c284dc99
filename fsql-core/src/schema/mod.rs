//! Owned descriptions of tables as a database holds them: what reflection (Flask-SQLAlchemy's
//! `db.reflect()`) reads back, and what a model declares, in one comparable shape.
//!
//! [`TableMeta`] is `'static` data built at compile time; a reflected table is only known at run
//! time, so [`TableSchema`] owns its strings. `TableSchema::from(&TableMeta)` gives the schema a
//! model declares (index names filled in by the naming convention, as `create_all` names them),
//! and [`compare_tables`] / [`compare_schemas`] list how a declared and a reflected schema
//! differ, in words, ignoring what legitimately differs per backend.
//!
//! ## Column types
//!
//! A reflected column keeps its type twice:
//!
//! - [`ColumnSchema::raw_type`]: the type as the database's catalog spells it
//!   (`character varying(80)` on PostgreSQL, `tinyint(1)` on MySQL, `VARCHAR(80)` on SQLite);
//! - [`ColumnSchema::ty`]: that type read back as fsql's [`ColumnType`] by [`parse_type`], or
//!   `None` when no fsql type corresponds (`jsonb`, `int unsigned`, `timestamp with time zone`
//!   ...). [`ColumnType::Custom`] is never produced by reflection: it holds a `&'static str`,
//!   and an unknown type is better told apart from a declared custom one.
//!
//! For a declared column, `ty` is always `Some` and `raw_type` is a generic SQL spelling
//! ([`type_name`]), or the DDL text of a custom type.
//!
//! ## What the comparison forgives
//!
//! Each of these is how one backend stores what fsql's `create_all` asked for, not a difference
//! in the schema:
//!
//! - types are compared as [`ColumnType`]s, so `BOOLEAN` and MySQL's `tinyint(1)`, `VARCHAR(80)`
//!   and `character varying(80)`, `DATETIME(6)` and `timestamp without time zone` are equal;
//! - a key column reflected as nullable (SQLite allows NULL in a key not declared `NOT NULL`);
//! - an autoincrement integer key reflected as `INTEGER` (SQLite: only `INTEGER PRIMARY KEY`
//!   aliases the rowid, so `i64`/`i16` keys are created as `INTEGER`);
//! - a `TEXT` column that is part of a key, constraint, index or foreign key reflected as
//!   `VARCHAR(255)` (MySQL cannot index `TEXT`);
//! - a unique constraint the database holds as a unique index or the other way round, and a
//!   unique index reported twice, as index and as constraint (MySQL has no difference between
//!   them; SQLite names unnamed `UNIQUE` constraints `sqlite_autoindex_<table>_<n>`);
//! - the index MySQL creates by itself for a foreign key (named after the constraint or its
//!   first column);
//! - `ON DELETE RESTRICT` against no action: fsql never creates deferred constraints, the only
//!   case where the two differ (and MariaDB reports an unspecified action as `RESTRICT`);
//! - names of unique constraints and foreign keys that the model leaves to the database
//!   (`None` in the declared schema).

use std::fmt;

use crate::metadata::{ColumnType, OnDelete, TableMeta};
use crate::naming_convention::NamingConvention;

mod compare;

pub use compare::{
    compare_schemas, compare_tables, diff_schemas, diff_tables, Difference, SchemaDifference,
};

/// A table: its columns, keys, constraints and indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSchema {
    /// The table name.
    pub name: String,
    /// Columns in ordinal (declaration) order.
    pub columns: Vec<ColumnSchema>,
    /// Primary-key columns in key order; empty when the table has none.
    pub primary_key: Vec<String>,
    /// Foreign-key constraints.
    pub foreign_keys: Vec<ForeignKeySchema>,
    /// `UNIQUE` constraints (not unique indexes, which are in `indexes`).
    pub unique_constraints: Vec<UniqueSchema>,
    /// Indexes, other than the ones that implement the primary key or a unique constraint.
    /// On MySQL every unique index is also a unique constraint and appears in both lists.
    pub indexes: Vec<IndexSchema>,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSchema {
    /// The column name.
    pub name: String,
    /// The type as fsql knows it; `None` when it is none of fsql's types (see the module docs).
    pub ty: Option<ColumnType>,
    /// The type as the catalog spells it (or, declared, a generic SQL spelling).
    pub raw_type: String,
    /// `NULL` is allowed.
    pub nullable: bool,
    /// The database assigns the value on insert: `SERIAL`/identity on PostgreSQL,
    /// `AUTO_INCREMENT` on MySQL, the `INTEGER PRIMARY KEY` rowid alias on SQLite.
    pub autoincrement: bool,
    /// The server default (`DEFAULT ..`) as SQL, read back without the casts PostgreSQL adds
    /// to literals (see [`normalize_default`]); never the sequence of an autoincrement key.
    pub server_default: Option<String>,
}

/// A foreign-key constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeySchema {
    /// The constraint name; `None` when unnamed (SQLite keeps a name only when the DDL gave
    /// one; a declared key is named only by an `fk` naming convention).
    pub name: Option<String>,
    /// Referring columns of this table.
    pub columns: Vec<String>,
    /// The referred table (`schema.table` when it is in another schema / database).
    pub referred_table: String,
    /// The referred columns, paired with `columns`.
    pub referred_columns: Vec<String>,
    /// `ON DELETE` action; `None` for no action (and `SET DEFAULT`, which fsql does not model).
    pub on_delete: Option<OnDelete>,
}

/// A `UNIQUE` constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueSchema {
    /// The constraint name; `None` when the database does not keep one (SQLite) or, declared,
    /// when no `uq` naming convention names it.
    pub name: Option<String>,
    /// The columns, in constraint order.
    pub columns: Vec<String>,
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSchema {
    /// The index name.
    pub name: String,
    /// The indexed columns in index order; an expression is shown as `(expression)`.
    pub columns: Vec<String>,
    /// `CREATE UNIQUE INDEX`.
    pub unique: bool,
}

/// What an expression in an index is shown as, in [`IndexSchema::columns`].
pub const EXPRESSION_COLUMN: &str = "(expression)";

impl TableSchema {
    /// The schema `meta` declares, with constraint names filled in by `naming` exactly as
    /// `create_all` names them (indexes always have a name: `ix_<table>_<column>` when the
    /// convention has no `ix` template).
    pub fn from_meta(meta: &TableMeta, naming: &NamingConvention) -> Self {
        let columns = meta
            .columns
            .iter()
            .map(|c| ColumnSchema {
                name: c.name.to_owned(),
                ty: Some(c.ty),
                raw_type: type_name(c.ty),
                // Key columns are NOT NULL whatever the field type.
                nullable: c.nullable && !c.primary_key,
                autoincrement: c.autoincrement,
                server_default: c.server_default.map(normalize_default),
            })
            .collect();
        let foreign_keys = meta
            .foreign_keys
            .iter()
            .map(|fk| ForeignKeySchema {
                name: naming.foreign_key_name(meta, fk),
                columns: strings(fk.columns),
                referred_table: fk.referred_table.to_owned(),
                referred_columns: strings(fk.referred_columns),
                on_delete: fk.on_delete,
            })
            .collect();
        let unique_constraints = meta
            .unique_constraint_columns()
            .map(|c| UniqueSchema {
                name: naming.unique_name(meta, c.name),
                columns: vec![c.name.to_owned()],
            })
            .collect();
        let indexes = meta
            .all_indexes()
            .into_iter()
            .map(|ix| IndexSchema {
                name: naming.index_name(meta, &ix),
                columns: strings(ix.columns),
                unique: ix.unique,
            })
            .collect();
        Self {
            name: meta.name.to_owned(),
            columns,
            primary_key: strings(meta.primary_key),
            foreign_keys,
            unique_constraints,
            indexes,
        }
    }

    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The index with this name.
    pub fn index(&self, name: &str) -> Option<&IndexSchema> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// The foreign key whose referring columns are exactly `columns`.
    pub fn foreign_key(&self, columns: &[&str]) -> Option<&ForeignKeySchema> {
        self.foreign_keys.iter().find(|f| f.columns == columns)
    }

    /// True when `columns` must hold distinct values: the primary key, a unique constraint
    /// or a unique index has exactly these columns.
    pub fn is_unique(&self, columns: &[&str]) -> bool {
        self.primary_key == columns
            || self.unique_constraints.iter().any(|u| u.columns == columns)
            || self
                .indexes
                .iter()
                .any(|i| i.unique && i.columns == columns)
    }

    /// The column is part of the key, a unique constraint, an index or a foreign key.
    fn is_keyed(&self, column: &str) -> bool {
        let has = |cols: &[String]| cols.iter().any(|c| c == column);
        has(&self.primary_key)
            || self.unique_constraints.iter().any(|u| has(&u.columns))
            || self.indexes.iter().any(|i| has(&i.columns))
            || self.foreign_keys.iter().any(|f| has(&f.columns))
    }
}

impl From<&TableMeta> for TableSchema {
    /// The declared schema, named by the default naming convention (`ix_<table>_<column>`).
    fn from(meta: &TableMeta) -> Self {
        Self::from_meta(meta, &NamingConvention::default())
    }
}

/// A server default as SQL, without what a catalog adds to what was written: enclosing
/// parentheses (SQLite keeps `('draft')` as written, MySQL wraps expressions) and PostgreSQL's
/// cast of a literal (`'draft'::character varying`, `'-1'::integer`).
///
/// ```
/// use fsql_core::schema::normalize_default;
/// assert_eq!(normalize_default("'draft'::character varying"), "'draft'");
/// assert_eq!(normalize_default("('it''s')"), "'it''s'");
/// assert_eq!(normalize_default(" 0 "), "0");
/// assert_eq!(normalize_default("now()"), "now()");
/// ```
pub fn normalize_default(sql: &str) -> String {
    let mut s = sql.trim();
    loop {
        let before = s;
        if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            if top_level_end(s) == Some(s.len() - 1) {
                s = inner.trim();
            }
        }
        if let Some(at) = top_level_cast(s) {
            let literal = s[..at].trim();
            if literal_value(literal).is_some() || literal.eq_ignore_ascii_case("NULL") {
                s = literal;
            }
        }
        if s == before {
            return s.to_owned();
        }
    }
}

/// The value a default literal stands for, to compare defaults written differently: the text
/// of a quoted string, a number in one spelling, `1`/`0` for `TRUE`/`FALSE` (MySQL stores
/// booleans as numbers). `None` for an expression (`now()`, `CURRENT_TIMESTAMP`).
pub fn literal_value(sql: &str) -> Option<String> {
    let s = sql.trim();
    if let Some(body) = s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        if s.len() >= 2 && !body.replace("''", "").contains('\'') {
            return Some(format!("'{}'", body.replace("''", "'")));
        }
        return None;
    }
    if s.eq_ignore_ascii_case("true") {
        return Some("1".to_owned());
    }
    if s.eq_ignore_ascii_case("false") {
        return Some("0".to_owned());
    }
    let n: f64 = s.parse().ok()?;
    n.is_finite().then(|| n.to_string())
}

/// Where the parenthesis that opens `s` closes, outside quotes.
fn top_level_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the first `::` outside quotes and parentheses starts.
fn top_level_cast(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quoted = false;
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth = depth.saturating_sub(1),
            b':' if !quoted && depth == 0 && bytes.get(i + 1) == Some(&b':') => return Some(i),
            _ => {}
        }
    }
    None
}

fn strings(s: &[&str]) -> Vec<String> {
    s.iter().map(|&s| s.to_owned()).collect()
}

fn list(cols: &[String]) -> String {
    cols.join(", ")
}

impl fmt::Display for ForeignKeySchema {
    /// `(author_id) -> author(id) ON DELETE CASCADE`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "({}) -> {}({})",
            list(&self.columns),
            self.referred_table,
            list(&self.referred_columns)
        )?;
        if let Some(a) = self.on_delete {
            write!(f, " ON DELETE {a}")?;
        }
        Ok(())
    }
}

impl fmt::Display for IndexSchema {
    /// `unique index ix_user_email (email)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.unique { "unique index" } else { "index" };
        write!(f, "{kind} `{}` ({})", self.name, list(&self.columns))
    }
}

impl fmt::Display for UniqueSchema {
    /// `unique constraint uq_user_email (email)`, or without a name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "unique constraint `{n}` ({})", list(&self.columns)),
            None => write!(f, "unique constraint ({})", list(&self.columns)),
        }
    }
}

/// A generic SQL spelling of a type, the one [`parse_type`] reads back: `INTEGER`,
/// `VARCHAR(80)`, `DOUBLE PRECISION` ...; a custom type is its DDL text.
pub fn type_name(ty: ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "SMALLINT".to_owned(),
        ColumnType::Integer => "INTEGER".to_owned(),
        ColumnType::BigInt => "BIGINT".to_owned(),
        ColumnType::Float => "REAL".to_owned(),
        ColumnType::Double => "DOUBLE PRECISION".to_owned(),
        ColumnType::Bool => "BOOLEAN".to_owned(),
        ColumnType::Text => "TEXT".to_owned(),
        ColumnType::Varchar(n) => format!("VARCHAR({n})"),
        ColumnType::Binary => "BLOB".to_owned(),
        ColumnType::Date => "DATE".to_owned(),
        ColumnType::Time => "TIME".to_owned(),
        ColumnType::Timestamp => "TIMESTAMP".to_owned(),
        ColumnType::TimestampTz => "TIMESTAMP WITH TIME ZONE".to_owned(),
        ColumnType::Json => "JSON".to_owned(),
        ColumnType::Uuid => "UUID".to_owned(),
        ColumnType::Numeric(None) => "NUMERIC".to_owned(),
        ColumnType::Numeric(Some((p, s))) => format!("NUMERIC({p}, {s})"),
        ColumnType::Enum(e) => format!("VARCHAR({})", e.max_len()),
        ColumnType::PerDialect(d) => d.postgres.to_owned(),
        ColumnType::Custom(s) => s.to_owned(),
    }
}

/// Reads a type as one of the three catalogs spells it (SQLite's declared type, PostgreSQL's
/// `format_type`, MySQL's `COLUMN_TYPE`) as an fsql [`ColumnType`]; `None` when none fits.
///
/// Case and spacing do not matter. MySQL display widths (`int(11)`) and precisions of times
/// (`datetime(6)`) are ignored; `unsigned` and `zerofill` make it `None`.
/// `FLOAT` and `REAL` are 32-bit (what MySQL reports and what fsql creates on SQLite and
/// PostgreSQL); `tinyint(1)` is a boolean (MySQL's `BOOL`).
///
/// ```
/// use fsql_core::{schema::parse_type, ColumnType};
/// assert_eq!(parse_type("character varying(80)"), Some(ColumnType::Varchar(80)));
/// assert_eq!(parse_type("tinyint(1)"), Some(ColumnType::Bool));
/// assert_eq!(parse_type("numeric(10,2)"), Some(ColumnType::Numeric(Some((10, 2)))));
/// assert_eq!(parse_type("jsonb"), Some(ColumnType::Json));
/// assert_eq!(parse_type("point"), None);
/// ```
pub fn parse_type(raw: &str) -> Option<ColumnType> {
    let lower = raw.trim().to_ascii_lowercase();
    let (base, params, suffix) = match lower.find('(') {
        Some(open) => {
            let close = open + lower[open..].find(')')?;
            (
                &lower[..open],
                Some(lower[open + 1..close].trim()),
                &lower[close + 1..],
            )
        }
        None => (lower.as_str(), None, ""),
    };
    // `time(6) without time zone` -> `time without time zone` -> `time`.
    let words: Vec<&str> = base
        .split_whitespace()
        .chain(suffix.split_whitespace())
        .collect();
    let name = words.join(" ");
    let name = name.strip_suffix(" without time zone").unwrap_or(&name);
    let number = |p: Option<&str>| p.and_then(|p| p.parse::<u32>().ok());
    use ColumnType as T;
    let ty = match name {
        "tinyint" if params == Some("1") => T::Bool,
        "bool" | "boolean" => T::Bool,
        "smallint" | "int2" | "smallserial" => T::SmallInt,
        "integer" | "int" | "int4" | "serial" => T::Integer,
        "bigint" | "int8" | "bigserial" => T::BigInt,
        "real" | "float4" => T::Float,
        // MySQL's FLOAT(p) is a double from p = 25 on.
        "float" => match number(params) {
            Some(p) if p > 24 => T::Double,
            _ => T::Float,
        },
        "double" | "double precision" | "float8" => T::Double,
        "text" | "tinytext" | "mediumtext" | "longtext" | "clob" => T::Text,
        "varchar" | "character varying" => match params {
            None => T::Text,
            Some(_) => T::Varchar(number(params).filter(|&n| n > 0)?),
        },
        "blob" | "tinyblob" | "mediumblob" | "longblob" | "bytea" | "varbinary" => T::Binary,
        "date" => T::Date,
        "time" => T::Time,
        "timestamp" | "datetime" => T::Timestamp,
        "timestamp with time zone" | "timestamptz" => T::TimestampTz,
        "json" | "jsonb" => T::Json,
        "uuid" => T::Uuid,
        "numeric" | "decimal" => match params {
            None => T::Numeric(None),
            Some(p) => {
                let (precision, scale) = match p.split_once(',') {
                    Some((p, s)) => (p.trim().parse().ok()?, s.trim().parse().ok()?),
                    None => (p.parse().ok()?, 0),
                };
                T::Numeric(Some((precision, scale)))
            }
        },
        _ => return None,
    };
    Some(ty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{ColumnMeta, ForeignKeyMeta, IndexMeta};

    pub(super) const fn col(name: &'static str, ty: ColumnType) -> ColumnMeta {
        ColumnMeta::new(name, ty)
    }

    static POST: TableMeta = TableMeta {
        model: "Post",
        name: "post",
        bind: None,
        columns: &[
            ColumnMeta {
                primary_key: true,
                autoincrement: true,
                ..col("id", ColumnType::BigInt)
            },
            ColumnMeta {
                unique: true,
                ..col("slug", ColumnType::Varchar(80))
            },
            ColumnMeta {
                unique: true,
                index: true,
                ..col("code", ColumnType::Text)
            },
            ColumnMeta {
                index: true,
                nullable: true,
                ..col("author_id", ColumnType::Integer)
            },
            col("editor_id", ColumnType::Integer),
            ColumnMeta {
                nullable: true,
                ..col("flag", ColumnType::Bool)
            },
            col("doc", ColumnType::Custom("JSONB")),
        ],
        primary_key: &["id"],
        foreign_keys: &[
            ForeignKeyMeta {
                columns: &["author_id"],
                referred_table: "user",
                referred_columns: &["id"],
                on_delete: Some(OnDelete::SetNull),
            },
            ForeignKeyMeta {
                columns: &["editor_id"],
                referred_table: "user",
                referred_columns: &["id"],
                on_delete: None,
            },
        ],
        indexes: &[IndexMeta {
            name: Some("by_editor_and_slug"),
            columns: &["editor_id", "slug"],
            unique: false,
        }],
        inherits: None,
    };

    pub(super) fn declared() -> TableSchema {
        TableSchema::from(&POST)
    }

    pub(super) fn column<'a>(t: &'a mut TableSchema, name: &str) -> &'a mut ColumnSchema {
        t.columns.iter_mut().find(|c| c.name == name).unwrap()
    }

    #[test]
    fn from_meta_follows_create_table() {
        let t = declared();
        assert_eq!(t.name, "post");
        assert_eq!(t.primary_key, ["id"]);
        assert_eq!(
            t.unique_constraints,
            [UniqueSchema {
                name: None,
                columns: vec!["slug".into()]
            }]
        );
        let ix: Vec<_> = t
            .indexes
            .iter()
            .map(|i| (i.name.as_str(), i.columns.join(","), i.unique))
            .collect();
        assert_eq!(
            ix,
            [
                ("ix_post_code", "code".to_owned(), true),
                ("ix_post_author_id", "author_id".to_owned(), false),
                ("by_editor_and_slug", "editor_id,slug".to_owned(), false),
            ]
        );
        let id = t.column("id").unwrap();
        assert_eq!(
            (id.ty, id.autoincrement, id.nullable),
            (Some(ColumnType::BigInt), true, false)
        );
        assert_eq!(t.column("doc").unwrap().raw_type, "JSONB");
        assert!(t.column("author_id").unwrap().nullable);
        assert_eq!(
            t.foreign_key(&["author_id"]).unwrap().to_string(),
            "(author_id) -> user(id) ON DELETE SET NULL"
        );
        assert!(t.is_unique(&["code"]) && t.is_unique(&["slug"]) && t.is_unique(&["id"]));
        assert!(!t.is_unique(&["author_id"]));
        assert_eq!(compare_tables(&t, &t), Vec::<String>::new());
    }

    #[test]
    fn naming_convention_names_constraints() {
        let mut naming = NamingConvention::default();
        naming
            .set("uq", "uq_%(table_name)s_%(column_0_name)s")
            .unwrap();
        naming
            .set(
                "fk",
                "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            )
            .unwrap();
        naming.set("ix", "idx_%(column_0_N_name)s").unwrap();
        let t = TableSchema::from_meta(&POST, &naming);
        assert_eq!(
            t.unique_constraints[0].name.as_deref(),
            Some("uq_post_slug")
        );
        assert_eq!(
            t.foreign_keys[0].name.as_deref(),
            Some("fk_post_author_id_user")
        );
        assert_eq!(t.indexes[0].name, "idx_code");
        assert_eq!(t.indexes[2].name, "by_editor_and_slug");

        // A named declaration needs the name in the database.
        let mut r = t.clone();
        r.foreign_keys[0].name = None;
        r.unique_constraints[0].name = Some("other".into());
        let diffs = compare_tables(&t, &r);
        assert_eq!(
            diffs,
            [
                "foreign key (author_id) -> user(id) ON DELETE SET NULL: declared name \
                 `fk_post_author_id_user`, database has no name",
                "declared unique constraint `uq_post_slug` (slug), database unique \
                 constraint `other` (slug)",
            ],
            "{diffs:#?}"
        );
    }

    #[test]
    fn parses_catalog_type_spellings() {
        use ColumnType as T;
        for (raw, ty) in [
            // SQLite, as fsql creates it.
            ("INTEGER", Some(T::Integer)),
            ("SMALLINT", Some(T::SmallInt)),
            ("BIGINT", Some(T::BigInt)),
            ("FLOAT", Some(T::Float)),
            ("DOUBLE", Some(T::Double)),
            ("BOOLEAN", Some(T::Bool)),
            ("TEXT", Some(T::Text)),
            ("VARCHAR(80)", Some(T::Varchar(80))),
            ("BLOB", Some(T::Binary)),
            ("DATETIME", Some(T::Timestamp)),
            // PostgreSQL's format_type.
            ("integer", Some(T::Integer)),
            ("real", Some(T::Float)),
            ("double precision", Some(T::Double)),
            ("boolean", Some(T::Bool)),
            ("character varying(80)", Some(T::Varchar(80))),
            ("character varying", Some(T::Text)),
            ("bytea", Some(T::Binary)),
            ("timestamp without time zone", Some(T::Timestamp)),
            ("timestamp(6) without time zone", Some(T::Timestamp)),
            ("time without time zone", Some(T::Time)),
            ("timestamp with time zone", Some(T::TimestampTz)),
            ("timestamp(6) with time zone", Some(T::TimestampTz)),
            ("jsonb", Some(T::Json)),
            ("uuid", Some(T::Uuid)),
            ("numeric", Some(T::Numeric(None))),
            ("numeric(12,2)", Some(T::Numeric(Some((12, 2))))),
            ("numeric(12)", Some(T::Numeric(Some((12, 0))))),
            ("numeric(x,2)", None),
            ("character(3)", None),
            // MySQL / MariaDB COLUMN_TYPE.
            ("int(11)", Some(T::Integer)),
            ("int", Some(T::Integer)),
            ("smallint(6)", Some(T::SmallInt)),
            ("bigint(20)", Some(T::BigInt)),
            ("int(10) unsigned", None),
            ("tinyint(1)", Some(T::Bool)),
            ("tinyint(4)", None),
            ("float", Some(T::Float)),
            ("float(53)", Some(T::Double)),
            ("double", Some(T::Double)),
            ("longtext", Some(T::Text)),
            ("varchar(255)", Some(T::Varchar(255))),
            ("varbinary(255)", Some(T::Binary)),
            ("time(6)", Some(T::Time)),
            ("datetime(6)", Some(T::Timestamp)),
            ("decimal(65,30)", Some(T::Numeric(Some((65, 30))))),
            ("json", Some(T::Json)),
            ("date", Some(T::Date)),
            ("  Double   Precision ", Some(T::Double)),
            ("varchar(0)", None),
            ("varchar(", None),
        ] {
            assert_eq!(parse_type(raw), ty, "{raw:?}");
        }
    }

    #[test]
    fn type_names_read_back() {
        use ColumnType as T;
        for ty in [
            T::SmallInt,
            T::Integer,
            T::BigInt,
            T::Float,
            T::Double,
            T::Bool,
            T::Text,
            T::Varchar(12),
            T::Binary,
            T::Date,
            T::Time,
            T::Timestamp,
        ] {
            assert_eq!(parse_type(&type_name(ty)), Some(ty), "{ty:?}");
        }
    }
}
