//! The 50 models of W7 (`ddl_table_00` … `ddl_table_49`, as in `schema_w7.sql`), their
//! registry, the raw DDL, and the check that fsql's `create_all` and the reference DDL produce
//! equivalent databases. Used by `benches/w7_create_all.rs` and
//! `tests/w7_schema_equivalence.rs`; expects a sibling module `schema`
//! (`benches/common/schema.rs`) at the crate root.

#![allow(dead_code)]

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use crate::schema;

/// `$model = "table" => Parent`: one W7 model whose `parent_id` refers to `Parent`.
macro_rules! ddl_tables {
    ($first:ident = $first_name:literal, $($model:ident = $name:literal => $parent:ident,)*) => {
        /// `ddl_table_00`: the root of the chain, without `parent_id`.
        #[derive(fsql::Model, Debug, Clone, PartialEq)]
        #[fsql(table_name = $first_name)]
        pub struct $first {
            #[fsql(primary_key)]
            pub id: i32,
            #[fsql(length = 80, index)]
            pub name: String,
            pub value: Option<i32>,
            pub note: Option<String>,
            pub created_at: Option<chrono::NaiveDateTime>,
        }

        $(
            #[doc = concat!("`", $name, "`, referring to the previous table.")]
            #[derive(fsql::Model, Debug, Clone, PartialEq)]
            #[fsql(table_name = $name)]
            pub struct $model {
                #[fsql(primary_key)]
                pub id: i32,
                #[fsql(length = 80, index)]
                pub name: String,
                pub value: Option<i32>,
                pub note: Option<String>,
                pub created_at: Option<chrono::NaiveDateTime>,
                #[fsql(references = $parent)]
                pub parent_id: Option<i32>,
            }
        )*

        /// Exactly the 50 W7 tables (not every model linked into the binary).
        pub fn registry() -> fsql::Registry {
            fsql::Registry::new([
                <$first as fsql::Model>::META,
                $(<$model as fsql::Model>::META,)*
            ])
        }

        /// The table names, parents first.
        pub const TABLE_NAMES: &[&str] = &[$first_name, $($name,)*];
    };
}

ddl_tables! {
    DdlTable00 = "ddl_table_00",
    DdlTable01 = "ddl_table_01" => DdlTable00,
    DdlTable02 = "ddl_table_02" => DdlTable01,
    DdlTable03 = "ddl_table_03" => DdlTable02,
    DdlTable04 = "ddl_table_04" => DdlTable03,
    DdlTable05 = "ddl_table_05" => DdlTable04,
    DdlTable06 = "ddl_table_06" => DdlTable05,
    DdlTable07 = "ddl_table_07" => DdlTable06,
    DdlTable08 = "ddl_table_08" => DdlTable07,
    DdlTable09 = "ddl_table_09" => DdlTable08,
    DdlTable10 = "ddl_table_10" => DdlTable09,
    DdlTable11 = "ddl_table_11" => DdlTable10,
    DdlTable12 = "ddl_table_12" => DdlTable11,
    DdlTable13 = "ddl_table_13" => DdlTable12,
    DdlTable14 = "ddl_table_14" => DdlTable13,
    DdlTable15 = "ddl_table_15" => DdlTable14,
    DdlTable16 = "ddl_table_16" => DdlTable15,
    DdlTable17 = "ddl_table_17" => DdlTable16,
    DdlTable18 = "ddl_table_18" => DdlTable17,
    DdlTable19 = "ddl_table_19" => DdlTable18,
    DdlTable20 = "ddl_table_20" => DdlTable19,
    DdlTable21 = "ddl_table_21" => DdlTable20,
    DdlTable22 = "ddl_table_22" => DdlTable21,
    DdlTable23 = "ddl_table_23" => DdlTable22,
    DdlTable24 = "ddl_table_24" => DdlTable23,
    DdlTable25 = "ddl_table_25" => DdlTable24,
    DdlTable26 = "ddl_table_26" => DdlTable25,
    DdlTable27 = "ddl_table_27" => DdlTable26,
    DdlTable28 = "ddl_table_28" => DdlTable27,
    DdlTable29 = "ddl_table_29" => DdlTable28,
    DdlTable30 = "ddl_table_30" => DdlTable29,
    DdlTable31 = "ddl_table_31" => DdlTable30,
    DdlTable32 = "ddl_table_32" => DdlTable31,
    DdlTable33 = "ddl_table_33" => DdlTable32,
    DdlTable34 = "ddl_table_34" => DdlTable33,
    DdlTable35 = "ddl_table_35" => DdlTable34,
    DdlTable36 = "ddl_table_36" => DdlTable35,
    DdlTable37 = "ddl_table_37" => DdlTable36,
    DdlTable38 = "ddl_table_38" => DdlTable37,
    DdlTable39 = "ddl_table_39" => DdlTable38,
    DdlTable40 = "ddl_table_40" => DdlTable39,
    DdlTable41 = "ddl_table_41" => DdlTable40,
    DdlTable42 = "ddl_table_42" => DdlTable41,
    DdlTable43 = "ddl_table_43" => DdlTable42,
    DdlTable44 = "ddl_table_44" => DdlTable43,
    DdlTable45 = "ddl_table_45" => DdlTable44,
    DdlTable46 = "ddl_table_46" => DdlTable45,
    DdlTable47 = "ddl_table_47" => DdlTable46,
    DdlTable48 = "ddl_table_48" => DdlTable47,
    DdlTable49 = "ddl_table_49" => DdlTable48,
}

/// The 100 statements of `schema_w7.sql` (50 `CREATE TABLE`, 50 `CREATE INDEX`).
pub fn create_statements() -> Vec<String> {
    let s = schema::statements(schema::SCHEMA_W7_SQL);
    assert_eq!(s.len(), 100, "schema_w7.sql should hold 100 statements");
    s
}

/// 50 `DROP TABLE`, children first.
pub fn drop_statements() -> Vec<String> {
    TABLE_NAMES
        .iter()
        .rev()
        .map(|t| format!("DROP TABLE {t}"))
        .collect()
}

/// Runs `statements` in one transaction (hand-written Diesel: the W7 diesel-raw side).
pub fn run_in_transaction(conn: &mut SqliteConnection, statements: &[String]) {
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for s in statements {
            c.batch_execute(s)?;
        }
        Ok(())
    })
    .expect("W7 raw DDL");
}

/// A Database on `path` serving exactly the W7 models.
pub fn fsql_database(path: &Path) -> fsql::Database {
    fsql::Database::builder()
        .url(schema::sqlite_url(path))
        .registry(registry())
        .build()
        .expect("fsql Database for W7")
}

/// Creates the W7 schema twice in `dir` — `raw.db` from `schema_w7.sql`, `fsql.db` with
/// `db.create_all()` — and compares them. `Err` holds a diff (`-` raw only, `+` fsql only).
/// On success, returns the number of tables compared.
pub fn check_equivalence(dir: &Path) -> Result<usize, String> {
    let raw_path = dir.join("w7_check_raw.db");
    let fsql_path = dir.join("w7_check_fsql.db");
    let mut raw = schema::raw_connection(&raw_path);
    run_in_transaction(&mut raw, &create_statements());

    let db = fsql_database(&fsql_path);
    db.create_all()
        .map_err(|e| format!("fsql create_all failed: {e}"))?;
    drop(db);
    let mut fsql_conn = schema::raw_connection(&fsql_path);

    let tables =
        schema::compare_schemas("schema_w7.sql", &mut raw, "fsql create_all", &mut fsql_conn)?;
    if tables != TABLE_NAMES.len() {
        return Err(format!(
            "expected {} tables, found {tables}",
            TABLE_NAMES.len()
        ));
    }

    // drop_all must leave both databases empty.
    run_in_transaction(&mut raw, &drop_statements());
    let db = fsql_database(&fsql_path);
    db.drop_all()
        .map_err(|e| format!("fsql drop_all failed: {e}"))?;
    drop(db);
    for (label, conn) in [("raw", &mut raw), ("fsql", &mut fsql_conn)] {
        let left = schema::table_names(conn);
        if !left.is_empty() {
            return Err(format!("{label}: tables left after drop: {left:?}"));
        }
    }
    Ok(tables)
}
