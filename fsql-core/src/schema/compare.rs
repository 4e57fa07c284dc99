//! The comparison of a declared schema with a reflected one: [`diff_tables`] and
//! [`diff_schemas`] (each difference as a value, what a migration's autogenerate turns into
//! operations), [`compare_tables`] and [`compare_schemas`] (the same, in words), and the rules
//! by which a backend's way of storing fsql's DDL is not counted as a difference (listed in
//! the [module docs](crate::schema)).

use std::collections::BTreeSet;
use std::fmt;

use super::{
    list, literal_value, parse_type, type_name, ColumnSchema, ForeignKeySchema, IndexSchema,
    TableSchema, UniqueSchema,
};
use crate::metadata::{ColumnType, OnDelete};

/// One way a table in the database differs from its declaration. `Display` says it in words
/// (the sentences of [`compare_tables`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// The two tables have different names.
    TableName {
        /// The declared name.
        declared: String,
        /// The database's name.
        database: String,
    },
    /// A declared column the table lacks.
    MissingColumn(ColumnSchema),
    /// A column of the table that is not declared.
    ExtraColumn(ColumnSchema),
    /// A column of another type.
    ColumnType {
        /// The declared column.
        declared: ColumnSchema,
        /// The column in the database.
        database: ColumnSchema,
    },
    /// A column that allows `NULL` on one side only.
    Nullability {
        /// The declared column.
        declared: ColumnSchema,
        /// The column in the database.
        database: ColumnSchema,
    },
    /// A column whose value the database assigns on one side only.
    Autoincrement {
        /// The declared column.
        declared: ColumnSchema,
        /// The column in the database.
        database: ColumnSchema,
    },
    /// A column with a server default on one side only, or another literal default (an
    /// expression such as `now()` is not compared: catalogs rewrite expressions).
    ServerDefault {
        /// The declared column.
        declared: ColumnSchema,
        /// The column in the database.
        database: ColumnSchema,
    },
    /// The columns both sides have, in another order.
    ColumnOrder {
        /// Declared order.
        declared: Vec<String>,
        /// Database order.
        database: Vec<String>,
    },
    /// Another primary key.
    PrimaryKey {
        /// Declared key columns.
        declared: Vec<String>,
        /// Key columns in the database.
        database: Vec<String>,
    },
    /// A declared foreign key the table lacks.
    MissingForeignKey(ForeignKeySchema),
    /// A foreign key on the same columns with another target or `ON DELETE`.
    ChangedForeignKey {
        /// The declared key.
        declared: ForeignKeySchema,
        /// The key in the database.
        database: ForeignKeySchema,
    },
    /// A foreign key with another name.
    ForeignKeyName {
        /// The declared key.
        declared: ForeignKeySchema,
        /// The key in the database.
        database: ForeignKeySchema,
    },
    /// A foreign key of the table that is not declared.
    ExtraForeignKey(ForeignKeySchema),
    /// A declared index the table lacks.
    MissingIndex(IndexSchema),
    /// An index of the declared name with other columns or uniqueness.
    ChangedIndex {
        /// The declared index.
        declared: IndexSchema,
        /// The index in the database.
        database: IndexSchema,
    },
    /// An index of the table that is not declared.
    ExtraIndex(IndexSchema),
    /// A declared unique constraint the table lacks.
    MissingUnique(UniqueSchema),
    /// A unique constraint on the same columns under another name.
    ChangedUnique {
        /// The declared constraint.
        declared: UniqueSchema,
        /// The constraint in the database.
        database: UniqueSchema,
    },
    /// A unique constraint of the table that is not declared.
    ExtraUnique(UniqueSchema),
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let null = |b: bool| if b { "NULL" } else { "NOT NULL" };
        let auto = |b: bool| {
            if b {
                "autoincrement"
            } else {
                "not autoincrement"
            }
        };
        match self {
            Self::TableName { declared, database } => {
                write!(
                    f,
                    "table name: declared `{declared}`, database `{database}`"
                )
            }
            Self::MissingColumn(c) => write!(f, "column `{}`: missing from the database", c.name),
            Self::ExtraColumn(c) => write!(
                f,
                "column `{}` ({}): in the database but not declared",
                c.name, c.raw_type
            ),
            Self::ColumnType { declared, database } => write!(
                f,
                "column `{}`: declared type {}, database type {}{}",
                declared.name,
                describe_type(declared),
                database.raw_type,
                match database.ty {
                    Some(t) if !same_spelling(&type_name(t), &database.raw_type) => {
                        format!(" (read as {})", type_name(t))
                    }
                    _ => String::new(),
                }
            ),
            Self::Nullability { declared, database } => write!(
                f,
                "column `{}`: declared {}, database {}",
                declared.name,
                null(declared.nullable),
                null(database.nullable)
            ),
            Self::Autoincrement { declared, database } => write!(
                f,
                "column `{}`: declared {}, database {}",
                declared.name,
                auto(declared.autoincrement),
                auto(database.autoincrement)
            ),
            Self::ServerDefault { declared, database } => {
                let default = |c: &ColumnSchema| match &c.server_default {
                    Some(d) => format!("DEFAULT {d}"),
                    None => "no default".to_owned(),
                };
                write!(
                    f,
                    "column `{}`: declared {}, database {}",
                    declared.name,
                    default(declared),
                    default(database)
                )
            }
            Self::ColumnOrder { declared, database } => write!(
                f,
                "column order: declared ({}), database ({})",
                list(declared),
                list(database)
            ),
            Self::PrimaryKey { declared, database } => write!(
                f,
                "primary key: declared ({}), database ({})",
                list(declared),
                list(database)
            ),
            Self::MissingForeignKey(d) => write!(f, "foreign key {d}: missing from the database"),
            Self::ChangedForeignKey { declared, database } => {
                write!(f, "foreign key: declared {declared}, database {database}")
            }
            Self::ForeignKeyName { declared, database } => write!(
                f,
                "foreign key {declared}: declared name `{}`, database {}",
                declared.name.as_deref().unwrap_or_default(),
                database
                    .name
                    .as_deref()
                    .map_or_else(|| "has no name".to_owned(), |n| format!("`{n}`"))
            ),
            Self::ExtraForeignKey(r) => {
                write!(f, "foreign key {r}: in the database but not declared")
            }
            Self::MissingIndex(d) => write!(f, "{d}: missing from the database"),
            Self::ChangedIndex { declared, database } => {
                write!(f, "declared {declared}, database {database}")
            }
            Self::ExtraIndex(r) => write!(f, "{r}: in the database but not declared"),
            Self::MissingUnique(d) => write!(f, "{d}: missing from the database"),
            Self::ChangedUnique { declared, database } => {
                write!(f, "declared {declared}, database {database}")
            }
            Self::ExtraUnique(r) => write!(f, "{r}: in the database but not declared"),
        }
    }
}

/// A difference between a declared schema and a database: a whole table, or a
/// [`Difference`] within one. `Display` gives the sentences of [`compare_schemas`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaDifference {
    /// A declared table the database lacks.
    MissingTable(TableSchema),
    /// A table of the database that is not declared.
    ExtraTable(TableSchema),
    /// A table both have, with a difference.
    Table {
        /// The table's name.
        table: String,
        /// How it differs.
        difference: Difference,
    },
}

impl SchemaDifference {
    /// The name of the table it concerns.
    pub fn table(&self) -> &str {
        match self {
            Self::MissingTable(t) | Self::ExtraTable(t) => &t.name,
            Self::Table { table, .. } => table,
        }
    }
}

impl fmt::Display for SchemaDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingTable(t) => write!(f, "table `{}`: missing from the database", t.name),
            Self::ExtraTable(t) => {
                write!(f, "table `{}`: in the database but not declared", t.name)
            }
            Self::Table { table, difference } => write!(f, "table `{table}`: {difference}"),
        }
    }
}

/// Two types are the same once case and spacing are ignored.
fn same_spelling(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

/// How `reflected` differs from what `declared` asks for, one sentence per difference; empty
/// when they are equivalent. Differences that are only how a backend stores fsql's DDL are
/// forgiven (see the module docs).
pub fn compare_tables(declared: &TableSchema, reflected: &TableSchema) -> Vec<String> {
    diff_tables(declared, reflected)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// [`compare_tables`] as values.
pub fn diff_tables(declared: &TableSchema, reflected: &TableSchema) -> Vec<Difference> {
    let mut out = Vec::new();
    if declared.name != reflected.name {
        out.push(Difference::TableName {
            declared: declared.name.clone(),
            database: reflected.name.clone(),
        });
    }
    compare_columns(declared, reflected, &mut out);
    if declared.primary_key != reflected.primary_key {
        out.push(Difference::PrimaryKey {
            declared: declared.primary_key.clone(),
            database: reflected.primary_key.clone(),
        });
    }
    compare_foreign_keys(declared, reflected, &mut out);
    compare_uniques_and_indexes(declared, reflected, &mut out);
    out
}

/// [`compare_tables`] over whole schemas: every declared table must exist, and no other table
/// may. Each difference starts with `table `name`: `.
pub fn compare_schemas(declared: &[TableSchema], reflected: &[TableSchema]) -> Vec<String> {
    diff_schemas(declared, reflected)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// [`compare_schemas`] as values: missing tables (in declaration order) with their
/// differences in place, then the tables only the database has.
pub fn diff_schemas(declared: &[TableSchema], reflected: &[TableSchema]) -> Vec<SchemaDifference> {
    let mut out = Vec::new();
    for d in declared {
        match reflected.iter().find(|r| r.name == d.name) {
            None => out.push(SchemaDifference::MissingTable(d.clone())),
            Some(r) => out.extend(diff_tables(d, r).into_iter().map(|difference| {
                SchemaDifference::Table {
                    table: d.name.clone(),
                    difference,
                }
            })),
        }
    }
    for r in reflected {
        if !declared.iter().any(|d| d.name == r.name) {
            out.push(SchemaDifference::ExtraTable(r.clone()));
        }
    }
    out
}

fn describe_type(c: &ColumnSchema) -> String {
    match c.ty {
        Some(ColumnType::Custom(s)) => s.to_owned(),
        Some(t) => type_name(t),
        None => c.raw_type.clone(),
    }
}

fn compare_columns(declared: &TableSchema, reflected: &TableSchema, out: &mut Vec<Difference>) {
    for d in &declared.columns {
        let Some(r) = reflected.column(&d.name) else {
            out.push(Difference::MissingColumn(d.clone()));
            continue;
        };
        let pair = || (d.clone(), r.clone());
        if !types_match(declared, d, r) {
            let (declared, database) = pair();
            out.push(Difference::ColumnType { declared, database });
        }
        // SQLite lets a key column not declared NOT NULL hold NULL (a bug it keeps for
        // compatibility); a key is NOT NULL to fsql either way.
        let sqlite_key = !d.nullable && reflected.primary_key.contains(&r.name);
        if d.nullable != r.nullable && !sqlite_key {
            let (declared, database) = pair();
            out.push(Difference::Nullability { declared, database });
        }
        if d.autoincrement != r.autoincrement {
            let (declared, database) = pair();
            out.push(Difference::Autoincrement { declared, database });
        }
        if defaults_differ(d.server_default.as_deref(), r.server_default.as_deref()) {
            let (declared, database) = pair();
            out.push(Difference::ServerDefault { declared, database });
        }
    }
    for r in &reflected.columns {
        if declared.column(&r.name).is_none() {
            out.push(Difference::ExtraColumn(r.clone()));
        }
    }
    let common = |a: &TableSchema, b: &TableSchema| -> Vec<String> {
        a.columns
            .iter()
            .filter(|c| b.column(&c.name).is_some())
            .map(|c| c.name.clone())
            .collect()
    };
    let (d_order, r_order) = (common(declared, reflected), common(reflected, declared));
    if d_order != r_order {
        out.push(Difference::ColumnOrder {
            declared: d_order,
            database: r_order,
        });
    }
}

/// Whether two server defaults differ: present on one side only, or two literals of other
/// values (`'-1'` and `-1` are the same number: PostgreSQL quotes negative numbers).
fn defaults_differ(declared: Option<&str>, database: Option<&str>) -> bool {
    let (d, r) = match (declared, database) {
        (None, None) => return false,
        (Some(_), None) | (None, Some(_)) => return true,
        (Some(d), Some(r)) => (d, r),
    };
    let (Some(d), Some(r)) = (literal_value(d), literal_value(r)) else {
        return false;
    };
    let number = |v: &str| v.trim_matches('\'').trim().parse::<f64>().ok();
    match (number(&d), number(&r)) {
        (Some(a), Some(b)) => a != b,
        _ => d != r,
    }
}

fn types_match(table: &TableSchema, d: &ColumnSchema, r: &ColumnSchema) -> bool {
    use ColumnType as T;
    match (d.ty, r.ty) {
        (Some(T::Custom(s)), rt) => {
            same_spelling(s, &r.raw_type) || (rt.is_some() && parse_type(s) == rt)
        }
        (Some(dt), Some(rt)) if dt == rt => true,
        // SQLite: only `INTEGER PRIMARY KEY` is the rowid, so every autoincrement key is
        // created as INTEGER (which holds 64 bits there).
        (Some(dt), Some(T::Integer)) if d.autoincrement && r.autoincrement => dt.is_integer(),
        // MySQL: TEXT cannot be indexed without a prefix, so keyed text is VARCHAR(255).
        (Some(T::Text), Some(T::Varchar(255))) => table.is_keyed(&d.name),
        // Where the backend has no type of its own: JSON is text (SQLite; MariaDB's JSON is
        // LONGTEXT), a zoned timestamp a UTC DATETIME, a UUID CHAR(32), MySQL's widest
        // decimal DECIMAL(65, 30).
        (Some(T::Json), Some(T::Text)) | (Some(T::TimestampTz), Some(T::Timestamp)) => true,
        (Some(T::Uuid), None) => same_spelling(&r.raw_type, "char(32)"),
        (Some(T::Numeric(None)), Some(T::Numeric(Some((65, 30))))) => true,
        (Some(T::Enum(e)), Some(T::Varchar(n))) => n == e.max_len(),
        // MySQL's inline `ENUM(..)`; PostgreSQL's enum type, by name (`format_type` quotes a
        // name that needs it, and may qualify it with a schema off the search path).
        (Some(T::Enum(e)), None) => {
            e.native
                && (r.raw_type.to_ascii_lowercase().starts_with("enum(")
                    || r.raw_type.trim_matches('"') == e.name
                    || r.raw_type.rsplit('.').next().map(|n| n.trim_matches('"')) == Some(e.name))
        }
        (Some(T::PerDialect(t)), rt) => [t.sqlite, t.postgres, t.mysql]
            .iter()
            .any(|s| same_spelling(s, &r.raw_type) || (rt.is_some() && parse_type(s) == rt)),
        (None, None) => same_spelling(&d.raw_type, &r.raw_type),
        _ => false,
    }
}

/// No action and RESTRICT behave the same unless the constraint is deferred, which fsql never
/// does.
fn same_action(a: Option<OnDelete>, b: Option<OnDelete>) -> bool {
    let norm = |x: Option<OnDelete>| match x {
        Some(OnDelete::Restrict) => None,
        other => other,
    };
    norm(a) == norm(b)
}

/// Names are compared when the declaration has one; an unnamed declaration leaves the name to
/// the database.
fn name_matches(declared: &Option<String>, reflected: &Option<String>) -> bool {
    match declared {
        None => true,
        Some(d) => reflected.as_deref() == Some(d.as_str()),
    }
}

fn compare_foreign_keys(
    declared: &TableSchema,
    reflected: &TableSchema,
    out: &mut Vec<Difference>,
) {
    let mut left: Vec<&ForeignKeySchema> = reflected.foreign_keys.iter().collect();
    let same_target = |d: &ForeignKeySchema, r: &ForeignKeySchema| {
        d.columns == r.columns
            && d.referred_table == r.referred_table
            && d.referred_columns == r.referred_columns
    };
    for d in &declared.foreign_keys {
        // Prefer an exact match, then one to the same target, then one on the same columns.
        let pos = left
            .iter()
            .position(|r| {
                same_target(d, r)
                    && same_action(d.on_delete, r.on_delete)
                    && name_matches(&d.name, &r.name)
            })
            .or_else(|| left.iter().position(|r| same_target(d, r)))
            .or_else(|| left.iter().position(|r| r.columns == d.columns));
        let Some(pos) = pos else {
            out.push(Difference::MissingForeignKey(d.clone()));
            continue;
        };
        let r = left.remove(pos);
        if !same_target(d, r) || !same_action(d.on_delete, r.on_delete) {
            out.push(Difference::ChangedForeignKey {
                declared: d.clone(),
                database: r.clone(),
            });
        }
        if !name_matches(&d.name, &r.name) {
            out.push(Difference::ForeignKeyName {
                declared: d.clone(),
                database: r.clone(),
            });
        }
    }
    for r in left {
        out.push(Difference::ExtraForeignKey(r.clone()));
    }
}

fn compare_uniques_and_indexes(
    declared: &TableSchema,
    reflected: &TableSchema,
    out: &mut Vec<Difference>,
) {
    // Reflected indexes and unique constraints that a declaration accounts for.
    let mut used_ix: BTreeSet<usize> = BTreeSet::new();
    let mut used_uq: BTreeSet<usize> = BTreeSet::new();

    for d in &declared.indexes {
        match reflected.indexes.iter().position(|r| r.name == d.name) {
            None => {
                // A unique index the database holds as a unique constraint of its name
                // (`unique(a, b, name = "uq_..")` generated from a constraint).
                let as_constraint =
                    reflected
                        .unique_constraints
                        .iter()
                        .enumerate()
                        .position(|(i, r)| {
                            d.unique
                                && !used_uq.contains(&i)
                                && r.columns == d.columns
                                && r.name.as_deref() == Some(d.name.as_str())
                        });
                match as_constraint {
                    Some(i) => {
                        used_uq.insert(i);
                    }
                    None => out.push(Difference::MissingIndex(d.clone())),
                }
            }
            Some(i) => {
                used_ix.insert(i);
                let r = &reflected.indexes[i];
                if r.columns != d.columns || r.unique != d.unique {
                    out.push(Difference::ChangedIndex {
                        declared: d.clone(),
                        database: r.clone(),
                    });
                }
            }
        }
    }

    for d in &declared.unique_constraints {
        let as_constraint = reflected
            .unique_constraints
            .iter()
            .enumerate()
            .position(|(i, r)| {
                !used_uq.contains(&i) && r.columns == d.columns && name_matches(&d.name, &r.name)
            });
        if let Some(i) = as_constraint {
            used_uq.insert(i);
            continue;
        }
        // Held as a unique index (equivalent), named by the convention when it has a name.
        let as_index = reflected.indexes.iter().enumerate().position(|(i, r)| {
            !used_ix.contains(&i)
                && r.unique
                && r.columns == d.columns
                && name_matches(&d.name, &Some(r.name.clone()))
        });
        if let Some(i) = as_index {
            used_ix.insert(i);
            continue;
        }
        match reflected
            .unique_constraints
            .iter()
            .find(|r| r.columns == d.columns)
        {
            Some(r) => out.push(Difference::ChangedUnique {
                declared: d.clone(),
                database: r.clone(),
            }),
            None => out.push(Difference::MissingUnique(d.clone())),
        }
    }

    for (i, r) in reflected.unique_constraints.iter().enumerate() {
        if used_uq.contains(&i) {
            continue;
        }
        // MySQL reports every unique index as a unique constraint too.
        let is_declared_index = declared.indexes.iter().any(|d| {
            d.unique && d.columns == r.columns && r.name.as_deref().is_none_or(|n| n == d.name)
        });
        // ... and the unique index backing a constraint, matched above, as a constraint.
        let backs_declared_constraint = declared
            .unique_constraints
            .iter()
            .any(|d| d.columns == r.columns);
        if !is_declared_index && !backs_declared_constraint {
            out.push(Difference::ExtraUnique(r.clone()));
        }
    }

    for (i, r) in reflected.indexes.iter().enumerate() {
        if used_ix.contains(&i) {
            continue;
        }
        // MySQL: a UNIQUE constraint is a unique index (reported in both lists).
        let backs_constraint = r.unique
            && declared
                .unique_constraints
                .iter()
                .any(|d| d.columns == r.columns);
        // SQLite: the index behind an unnamed UNIQUE constraint.
        let sqlite_auto = r.name.starts_with("sqlite_autoindex_");
        // MySQL: the index it creates for a foreign key that no index covers.
        let fk_index = !r.unique
            && declared.foreign_keys.iter().any(|f| {
                f.columns == r.columns
                    && (f.columns.first() == Some(&r.name)
                        || reflected
                            .foreign_keys
                            .iter()
                            .any(|rf| rf.columns == f.columns && rf.name.as_ref() == Some(&r.name)))
            });
        if !backs_constraint && !sqlite_auto && !fk_index {
            out.push(Difference::ExtraIndex(r.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{ColumnMeta, TableMeta};
    use crate::schema::tests::{col, column, declared};
    use crate::schema::{IndexSchema, UniqueSchema};

    /// `post` as MySQL reports it after fsql's create_all.
    fn mysql_post() -> TableSchema {
        let mut r = declared();
        for (name, raw) in [
            ("id", "bigint(20)"),
            ("slug", "varchar(80)"),
            ("code", "varchar(255)"),
            ("author_id", "int(11)"),
            ("editor_id", "int(11)"),
            ("flag", "tinyint(1)"),
            ("doc", "jsonb"),
        ] {
            let c = column(&mut r, name);
            c.raw_type = raw.to_owned();
            c.ty = parse_type(raw);
        }
        r.foreign_keys[0].name = Some("post_ibfk_1".into());
        r.foreign_keys[1].name = Some("post_ibfk_2".into());
        r.foreign_keys[1].on_delete = Some(OnDelete::Restrict);
        // UNIQUE (slug) is an index named after the column, reported in both lists; so is the
        // unique index; and editor_id got an index for its foreign key.
        r.unique_constraints = vec![
            UniqueSchema {
                name: Some("slug".into()),
                columns: vec!["slug".into()],
            },
            UniqueSchema {
                name: Some("ix_post_code".into()),
                columns: vec!["code".into()],
            },
        ];
        r.indexes.push(IndexSchema {
            name: "slug".into(),
            columns: vec!["slug".into()],
            unique: true,
        });
        r.indexes.push(IndexSchema {
            name: "editor_id".into(),
            columns: vec!["editor_id".into()],
            unique: false,
        });
        r
    }

    #[test]
    fn backend_differences_are_forgiven() {
        let d = declared();
        assert_eq!(compare_tables(&d, &mysql_post()), Vec::<String>::new());

        // SQLite: the BIGINT key is an INTEGER rowid alias, the unnamed UNIQUE an autoindex
        // (reflection reports it as an unnamed constraint; a raw index is forgiven too).
        let mut sqlite = d.clone();
        column(&mut sqlite, "id").ty = Some(ColumnType::Integer);
        column(&mut sqlite, "id").raw_type = "INTEGER".into();
        sqlite.indexes.push(IndexSchema {
            name: "sqlite_autoindex_post_1".into(),
            columns: vec!["slug".into()],
            unique: true,
        });
        assert_eq!(compare_tables(&d, &sqlite), Vec::<String>::new());

        // PostgreSQL: names of its own for the constraints, types in its spelling.
        let mut pg = d.clone();
        pg.foreign_keys[0].name = Some("post_author_id_fkey".into());
        pg.unique_constraints[0].name = Some("post_slug_key".into());
        column(&mut pg, "slug").raw_type = "character varying(80)".into();
        column(&mut pg, "doc").raw_type = "jsonb".into();
        column(&mut pg, "doc").ty = None;
        assert_eq!(compare_tables(&d, &pg), Vec::<String>::new());

        // A unique constraint held as a unique index is equivalent.
        let mut as_index = d.clone();
        let uq = as_index.unique_constraints.remove(0);
        as_index.indexes.push(IndexSchema {
            name: "post_slug_idx".into(),
            columns: uq.columns,
            unique: true,
        });
        assert_eq!(compare_tables(&d, &as_index), Vec::<String>::new());
    }

    #[test]
    fn real_differences_are_reported() {
        let d = declared();
        let mut r = mysql_post();
        column(&mut r, "slug").ty = Some(ColumnType::Varchar(40));
        column(&mut r, "slug").raw_type = "varchar(40)".into();
        column(&mut r, "flag").nullable = false;
        column(&mut r, "id").autoincrement = false;
        r.columns.retain(|c| c.name != "doc");
        r.columns.push(ColumnSchema {
            name: "extra".into(),
            ty: None,
            raw_type: "json".into(),
            nullable: true,
            autoincrement: false,
            server_default: None,
        });
        r.foreign_keys[0].on_delete = Some(OnDelete::Cascade);
        r.foreign_keys.remove(1);
        r.foreign_keys.push(ForeignKeySchema {
            name: None,
            columns: vec!["flag".into()],
            referred_table: "x".into(),
            referred_columns: vec!["y".into()],
            on_delete: None,
        });
        r.unique_constraints.remove(0);
        r.indexes
            .retain(|i| i.name != "slug" && i.name != "editor_id");
        r.indexes[0].unique = false;
        r.indexes.push(IndexSchema {
            name: "ix_post_flag".into(),
            columns: vec!["flag".into()],
            unique: false,
        });
        r.primary_key = vec!["id".into(), "slug".into()];
        let diffs = compare_tables(&d, &r);
        let expected = [
            "column `id`: declared autoincrement, database not autoincrement",
            "column `slug`: declared type VARCHAR(80), database type varchar(40)",
            "column `flag`: declared NULL, database NOT NULL",
            "column `doc`: missing from the database",
            "column `extra` (json): in the database but not declared",
            "primary key: declared (id), database (id, slug)",
            "foreign key: declared (author_id) -> user(id) ON DELETE SET NULL, database \
             (author_id) -> user(id) ON DELETE CASCADE",
            "foreign key (editor_id) -> user(id): missing from the database",
            "foreign key (flag) -> x(y): in the database but not declared",
            "declared unique index `ix_post_code` (code), database index `ix_post_code` (code)",
            "unique constraint (slug): missing from the database",
            "index `ix_post_flag` (flag): in the database but not declared",
        ];
        assert_eq!(diffs, expected, "{diffs:#?}");

        // The same differences as values, each carrying what an operation needs.
        let values = diff_tables(&d, &r);
        assert_eq!(values.len(), expected.len());
        let missing = values.iter().find_map(|v| match v {
            Difference::MissingColumn(c) => Some(c),
            _ => None,
        });
        assert_eq!(missing, d.column("doc"));
        assert!(values.iter().any(|v| matches!(
            v,
            Difference::ColumnType { declared, database }
                if declared.ty == Some(ColumnType::Varchar(80)) && database.raw_type == "varchar(40)"
        )));
        assert!(values.iter().any(|v| matches!(
            v,
            Difference::MissingForeignKey(fk) if fk.columns == ["editor_id"]
        )));
        assert!(values.iter().any(|v| matches!(
            v,
            Difference::ExtraIndex(ix) if ix.name == "ix_post_flag"
        )));
    }

    #[test]
    fn keyed_text_may_be_varchar_255_but_plain_text_may_not() {
        static T: TableMeta = TableMeta {
            model: "T",
            name: "t",
            bind: None,
            columns: &[
                ColumnMeta {
                    primary_key: true,
                    ..col("k", ColumnType::Text)
                },
                col("body", ColumnType::Text),
            ],
            primary_key: &["k"],
            foreign_keys: &[],
            indexes: &[],
            inherits: None,
        };
        let d = TableSchema::from(&T);
        let mut r = d.clone();
        for c in &mut r.columns {
            c.ty = Some(ColumnType::Varchar(255));
            c.raw_type = "varchar(255)".into();
        }
        assert_eq!(
            compare_tables(&d, &r),
            ["column `body`: declared type TEXT, database type varchar(255)"]
        );
    }

    #[test]
    fn schemas_report_missing_and_extra_tables() {
        let d = declared();
        let mut other = d.clone();
        other.name = "other".into();
        let mut changed = d.clone();
        column(&mut changed, "flag").nullable = false;
        assert_eq!(
            compare_schemas(std::slice::from_ref(&d), &[changed, other]),
            [
                "table `post`: column `flag`: declared NULL, database NOT NULL",
                "table `other`: in the database but not declared",
            ]
        );
        assert_eq!(
            compare_schemas(std::slice::from_ref(&d), &[]),
            ["table `post`: missing from the database"]
        );
        let values = diff_schemas(&[], std::slice::from_ref(&d));
        assert_eq!(values, [SchemaDifference::ExtraTable(d.clone())]);
        assert_eq!(values[0].table(), "post");
    }
}
