//! The comparison of a declared schema with a reflected one: [`compare_tables`] and
//! [`compare_schemas`], and the rules by which a backend's way of storing fsql's DDL is not
//! counted as a difference (listed in the [module docs](crate::schema)).

use std::collections::BTreeSet;

use super::{list, parse_type, type_name, ColumnSchema, ForeignKeySchema, TableSchema};
use crate::metadata::{ColumnType, OnDelete};

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
    let mut out = Vec::new();
    if declared.name != reflected.name {
        out.push(format!(
            "table name: declared `{}`, database `{}`",
            declared.name, reflected.name
        ));
    }
    compare_columns(declared, reflected, &mut out);
    if declared.primary_key != reflected.primary_key {
        out.push(format!(
            "primary key: declared ({}), database ({})",
            list(&declared.primary_key),
            list(&reflected.primary_key)
        ));
    }
    compare_foreign_keys(declared, reflected, &mut out);
    compare_uniques_and_indexes(declared, reflected, &mut out);
    out
}

/// [`compare_tables`] over whole schemas: every declared table must exist, and no other table
/// may. Each difference starts with `table `name`: `.
pub fn compare_schemas(declared: &[TableSchema], reflected: &[TableSchema]) -> Vec<String> {
    let mut out = Vec::new();
    for d in declared {
        match reflected.iter().find(|r| r.name == d.name) {
            None => out.push(format!("table `{}`: missing from the database", d.name)),
            Some(r) => out.extend(
                compare_tables(d, r)
                    .into_iter()
                    .map(|diff| format!("table `{}`: {diff}", d.name)),
            ),
        }
    }
    for r in reflected {
        if !declared.iter().any(|d| d.name == r.name) {
            out.push(format!(
                "table `{}`: in the database but not declared",
                r.name
            ));
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

fn compare_columns(declared: &TableSchema, reflected: &TableSchema, out: &mut Vec<String>) {
    for d in &declared.columns {
        let Some(r) = reflected.column(&d.name) else {
            out.push(format!("column `{}`: missing from the database", d.name));
            continue;
        };
        if !types_match(declared, d, r) {
            out.push(format!(
                "column `{}`: declared type {}, database type {}{}",
                d.name,
                describe_type(d),
                r.raw_type,
                match r.ty {
                    Some(t) if !same_spelling(&type_name(t), &r.raw_type) => {
                        format!(" (read as {})", type_name(t))
                    }
                    _ => String::new(),
                }
            ));
        }
        if d.nullable != r.nullable {
            let n = |b: bool| if b { "NULL" } else { "NOT NULL" };
            out.push(format!(
                "column `{}`: declared {}, database {}",
                d.name,
                n(d.nullable),
                n(r.nullable)
            ));
        }
        if d.autoincrement != r.autoincrement {
            let a = |b: bool| {
                if b {
                    "autoincrement"
                } else {
                    "not autoincrement"
                }
            };
            out.push(format!(
                "column `{}`: declared {}, database {}",
                d.name,
                a(d.autoincrement),
                a(r.autoincrement)
            ));
        }
    }
    for r in &reflected.columns {
        if declared.column(&r.name).is_none() {
            out.push(format!(
                "column `{}` ({}): in the database but not declared",
                r.name, r.raw_type
            ));
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
        out.push(format!(
            "column order: declared ({}), database ({})",
            list(&d_order),
            list(&r_order)
        ));
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
        (Some(T::Enum(e)), None) => {
            e.native && r.raw_type.to_ascii_lowercase().starts_with("enum(")
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

fn compare_foreign_keys(declared: &TableSchema, reflected: &TableSchema, out: &mut Vec<String>) {
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
            out.push(format!("foreign key {d}: missing from the database"));
            continue;
        };
        let r = left.remove(pos);
        if !same_target(d, r) || !same_action(d.on_delete, r.on_delete) {
            out.push(format!("foreign key: declared {d}, database {r}"));
        }
        if !name_matches(&d.name, &r.name) {
            out.push(format!(
                "foreign key {d}: declared name `{}`, database {}",
                d.name.as_deref().unwrap_or_default(),
                r.name
                    .as_deref()
                    .map_or_else(|| "has no name".to_owned(), |n| format!("`{n}`"))
            ));
        }
    }
    for r in left {
        out.push(format!("foreign key {r}: in the database but not declared"));
    }
}

fn compare_uniques_and_indexes(
    declared: &TableSchema,
    reflected: &TableSchema,
    out: &mut Vec<String>,
) {
    // Reflected indexes and unique constraints that a declaration accounts for.
    let mut used_ix: BTreeSet<usize> = BTreeSet::new();
    let mut used_uq: BTreeSet<usize> = BTreeSet::new();

    for d in &declared.indexes {
        match reflected.indexes.iter().position(|r| r.name == d.name) {
            None => out.push(format!("{d}: missing from the database")),
            Some(i) => {
                used_ix.insert(i);
                let r = &reflected.indexes[i];
                if r.columns != d.columns || r.unique != d.unique {
                    out.push(format!("declared {d}, database {r}"));
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
            Some(r) => out.push(format!("declared {d}, database {r}")),
            None => out.push(format!("{d}: missing from the database")),
        }
    }

    for (i, r) in reflected.unique_constraints.iter().enumerate() {
        if used_uq.contains(&i) {
            continue;
        }
        // MySQL reports every unique index as a unique constraint too.
        let is_declared_index = declared.indexes.iter().any(|d| {
            d.unique && d.columns == r.columns && r.name.as_deref().map_or(true, |n| n == d.name)
        });
        // ... and the unique index backing a constraint, matched above, as a constraint.
        let backs_declared_constraint = declared
            .unique_constraints
            .iter()
            .any(|d| d.columns == r.columns);
        if !is_declared_index && !backs_declared_constraint {
            out.push(format!("{r}: in the database but not declared"));
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
            out.push(format!("{r}: in the database but not declared"));
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
            compare_schemas(&[d], &[]),
            ["table `post`: missing from the database"]
        );
    }
}
