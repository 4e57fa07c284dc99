//! Plain-data descriptions of tables, built at compile time by `#[derive(Model)]`.
//!
//! Everything here is `'static` and `const`-constructible so that a model's description is one
//! `static` in the binary: nothing is rebuilt per query.
//!
//! Beside them, [`foreign_key_id`]: the number `#[derive(Model)]` gives a foreign-key field so
//! that a relationship can name it in a type (`ForeignKey<Parent, N>`).

use std::fmt;

/// A table: what `CREATE TABLE` needs and what the registry sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableMeta {
    /// The Rust name of the model (`"User"`), for error messages.
    pub model: &'static str,
    /// The SQL table name (`"user"`).
    pub name: &'static str,
    /// The bind key (`Some("auth")`), or `None` for the default database.
    pub bind: Option<&'static str>,
    /// Columns in declaration order.
    pub columns: &'static [ColumnMeta],
    /// Names of the primary-key columns, in declaration order.
    pub primary_key: &'static [&'static str],
    /// Foreign-key constraints.
    pub foreign_keys: &'static [ForeignKeyMeta],
    /// Indexes other than the ones implied by `index` on a column.
    pub indexes: &'static [IndexMeta],
    /// Single-table inheritance: the parent model whose table this model shares
    /// (`#[fsql::inherits(Employee)]`). The registry merges such a table into the parent's.
    pub inherits: Option<&'static str>,
}

impl TableMeta {
    /// The column with this SQL name.
    pub fn column(&self, name: &str) -> Option<&'static ColumnMeta> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The columns that get a `UNIQUE` constraint: unique, not part of the key (which is unique
    /// already) and not indexed (a unique column that is also `index` gets a unique index
    /// instead, SQLAlchemy's rule).
    pub fn unique_constraint_columns(&self) -> impl Iterator<Item = &'static ColumnMeta> {
        self.columns
            .iter()
            .filter(|c| c.unique && !c.index && !c.primary_key)
    }

    /// Every index of the table: one per column marked `index` (unique when the column is
    /// also `unique`), then the explicit ones.
    pub fn all_indexes(&self) -> Vec<IndexMeta> {
        let mut out: Vec<IndexMeta> = self
            .columns
            .iter()
            .filter(|c| c.index)
            .map(|c| IndexMeta {
                name: None,
                columns: std::slice::from_ref(&c.name),
                unique: c.unique,
            })
            .collect();
        out.extend_from_slice(self.indexes);
        out
    }
}

/// One column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnMeta {
    /// The SQL column name.
    pub name: &'static str,
    /// The Rust field it comes from.
    pub field: &'static str,
    /// Its SQL type.
    pub ty: ColumnType,
    /// `NULL` allowed (the field is an `Option`).
    pub nullable: bool,
    /// Part of the primary key.
    pub primary_key: bool,
    /// The database assigns its value on insert (a single integer primary key).
    pub autoincrement: bool,
    /// `UNIQUE` (a unique index instead when `index` is also set, as SQLAlchemy does).
    pub unique: bool,
    /// Has an index of its own (`ix_<table>_<column>` by default).
    pub index: bool,
    /// Server-side default, an SQL literal or expression written into the DDL.
    pub server_default: Option<&'static str>,
}

impl ColumnMeta {
    /// A NOT NULL column of this name and type with no key, constraint, index or default, for
    /// metadata written by hand (tables the derive cannot describe, tests); set the rest with
    /// struct update syntax.
    ///
    /// ```
    /// use fsql_core::{ColumnMeta, ColumnType};
    /// const ID: ColumnMeta = ColumnMeta { primary_key: true, ..ColumnMeta::new("id", ColumnType::Integer) };
    /// assert!(ID.primary_key && !ID.nullable);
    /// ```
    pub const fn new(name: &'static str, ty: ColumnType) -> Self {
        Self {
            name,
            field: name,
            ty,
            nullable: false,
            primary_key: false,
            autoincrement: false,
            unique: false,
            index: false,
            server_default: None,
        }
    }
}

/// The SQL type of a column, independent of the backend; DDL renders it per dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// 16-bit integer (`i16`).
    SmallInt,
    /// 32-bit integer (`i32`).
    Integer,
    /// 64-bit integer (`i64`).
    BigInt,
    /// 32-bit float (`f32`).
    Float,
    /// 64-bit float (`f64`).
    Double,
    /// Boolean (`bool`).
    Bool,
    /// Text without a length (`String`).
    Text,
    /// `VARCHAR(n)` (`String` with `length = n`).
    Varchar(u32),
    /// Binary data (`Vec<u8>`).
    Binary,
    /// A date without time (`chrono::NaiveDate`).
    Date,
    /// A time of day (`chrono::NaiveTime`).
    Time,
    /// A date and time without zone (`chrono::NaiveDateTime`).
    Timestamp,
    /// A date and time with zone, stored in UTC (`fsql::UtcDateTime`): `TIMESTAMP WITH TIME
    /// ZONE` on PostgreSQL, `DATETIME` elsewhere (SQLAlchemy's `DateTime(timezone=True)`).
    TimestampTz,
    /// A JSON document (`fsql::Json<T>`): `JSONB` on PostgreSQL, `JSON` on MySQL, `TEXT` on
    /// SQLite.
    Json,
    /// A UUID (`fsql::Uuid`): `UUID` on PostgreSQL, `CHAR(32)` of hex digits elsewhere, as
    /// SQLAlchemy's `Uuid` stores it.
    Uuid,
    /// A fixed-point decimal (`fsql::Decimal`), `NUMERIC(precision, scale)`; `None` is the backend's widest
    /// (`NUMERIC` on PostgreSQL and SQLite, `DECIMAL(65, 30)` on MySQL, whose bare `DECIMAL`
    /// would keep no fraction).
    Numeric(Option<(u32, u32)>),
    /// An enum stored by its variants' names (`#[derive(fsql::Enum)]`).
    Enum(&'static EnumType),
    /// A type spelled differently per dialect, for a column type of the user's own
    /// (`impl fsql::ColumnValue`).
    PerDialect(&'static DialectTypes),
    /// A type written verbatim into the DDL (`#[fsql(sql_type = .., ddl_type = "..")]`).
    Custom(&'static str),
}

impl ColumnType {
    /// True for the integer types, the ones a single primary key autoincrements.
    pub fn is_integer(self) -> bool {
        matches!(self, Self::SmallInt | Self::Integer | Self::BigInt)
    }
}

/// An enum column's type: its SQL name and the names its values are stored as.
///
/// Stored as `VARCHAR(n)`, `n` the longest name, unless `native`: then MySQL's inline
/// `ENUM('a', 'b')`, or PostgreSQL's `CREATE TYPE name AS ENUM ('a', 'b')` (SQLite keeps the
/// `VARCHAR`; see `#[derive(fsql::Enum)]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnumType {
    /// The enum's SQL name (`"mood"`, its Rust name in snake_case unless renamed).
    pub name: &'static str,
    /// The stored name of each variant, in declaration order.
    pub variants: &'static [&'static str],
    /// The backend's own enum type: MySQL's inline `ENUM`, PostgreSQL's named type.
    pub native: bool,
}

impl EnumType {
    /// The length of the `VARCHAR` that holds every name (at least 1).
    pub fn max_len(&self) -> u32 {
        let longest = self.variants.iter().map(|v| v.chars().count()).max();
        u32::try_from(longest.unwrap_or(1).max(1)).unwrap_or(u32::MAX)
    }
}

/// A column type's DDL spelling on each dialect.
///
/// ```
/// use fsql_core::{ColumnType, DialectTypes};
/// const CITEXT: ColumnType = ColumnType::PerDialect(&DialectTypes {
///     sqlite: "TEXT COLLATE NOCASE",
///     postgres: "CITEXT",
///     mysql: "VARCHAR(255)",
/// });
/// # let _ = CITEXT;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DialectTypes {
    /// On SQLite.
    pub sqlite: &'static str,
    /// On PostgreSQL.
    pub postgres: &'static str,
    /// On MySQL and MariaDB.
    pub mysql: &'static str,
}

/// What the database does to referring rows when the referred row is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnDelete {
    /// `ON DELETE CASCADE`
    Cascade,
    /// `ON DELETE SET NULL`
    SetNull,
    /// `ON DELETE RESTRICT`
    Restrict,
}

impl fmt::Display for OnDelete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Cascade => "CASCADE",
            Self::SetNull => "SET NULL",
            Self::Restrict => "RESTRICT",
        })
    }
}

/// A foreign-key constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKeyMeta {
    /// Referring columns in this table.
    pub columns: &'static [&'static str],
    /// The referred table's name.
    pub referred_table: &'static str,
    /// The referred columns.
    pub referred_columns: &'static [&'static str],
    /// `ON DELETE` action, if any.
    pub on_delete: Option<OnDelete>,
}

/// An index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexMeta {
    /// Explicit name; `None` lets the naming convention name it.
    pub name: Option<&'static str>,
    /// Indexed columns.
    pub columns: &'static [&'static str],
    /// `CREATE UNIQUE INDEX`.
    pub unique: bool,
}

/// The items reached through a model's name (`User::query()`), with how each is written after
/// the name: a field of the same name would hide them, so the derive refuses one and codegen
/// names such a column's field otherwise. Diesel's `HasTable::table()` is not among them: a
/// column named `table` is common, and Diesel code reaches the table as `user::table`.
#[doc(hidden)]
pub const MODEL_ITEMS: &[(&str, &str)] = &[
    ("query", "()"),
    ("primary_key", "(..)"),
    ("META", ""),
    ("TABLE_NAME", ""),
    ("PRIMARY_KEY_COLUMNS", ""),
];

/// Whether two bind keys are the same, in a `const` (generated code checks at compile time
/// that a joined-inheritance child lives in its parent's bind).
#[doc(hidden)]
pub const fn same_bind(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            if a.len() != b.len() {
                return false;
            }
            let mut i = 0;
            while i < a.len() {
                if a[i] != b[i] {
                    return false;
                }
                i += 1;
            }
            true
        }
        _ => false,
    }
}

/// A stable number naming a foreign-key field, so that a relationship on one model can refer
/// to a field of another through a trait parameter (`ForeignKey<Parent, N>`). FNV-1a over the
/// name; never 0, which means "the only foreign key".
pub const fn foreign_key_id(field: &str) -> u64 {
    let bytes = field.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    if hash == 0 {
        1
    } else {
        hash
    }
}

#[cfg(test)]
mod tests {
    use super::foreign_key_id;

    #[test]
    fn foreign_key_ids_differ_and_are_never_zero() {
        let ids: Vec<u64> = ["author_id", "editor_id", "user_id", ""]
            .map(foreign_key_id)
            .to_vec();
        assert!(ids.iter().all(|&id| id != 0));
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len());
    }
}
