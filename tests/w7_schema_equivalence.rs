//! fsql's `create_all` for the 50 W7 models must build the same schema as the reference DDL
//! `schema_w7.sql` (what Flask-SQLAlchemy emits): same tables, columns, indexes and foreign
//! keys. The models and the check live in `benches/common/`, shared with the W7 benchmark.

#![cfg(all(feature = "sqlite", feature = "chrono"))]

#[path = "../benches/common/schema.rs"]
mod schema;
#[path = "../benches/common/w7.rs"]
mod w7;

#[test]
fn w7_create_all_matches_schema_w7_sql() {
    let dir = tempfile::tempdir().expect("tempdir");
    match w7::check_equivalence(dir.path()) {
        Ok(tables) => assert_eq!(tables, 50),
        Err(diff) => panic!("fsql's create_all differs from schema_w7.sql\n{diff}"),
    }
}

/// The comparison is not vacuous: it sees columns, indexes and foreign keys, and reports a
/// missing index and a changed column type.
#[test]
fn the_check_reports_differences() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut reference = schema::raw_connection(&dir.path().join("reference.db"));
    w7::run_in_transaction(&mut reference, &w7::create_statements());
    let lines = schema::schema_lines(&mut reference);
    for expected in [
        "table ddl_table_00 | column #0 id INTEGER notnull=1 default=None pk=1",
        "table ddl_table_00 | column #1 name VARCHAR(80) notnull=1 default=None pk=0",
        "table ddl_table_00 | column #4 created_at DATETIME notnull=0 default=None pk=0",
        "table ddl_table_49 | index ix_ddl_table_49_name unique=0 origin=c partial=0 (name)",
        "table ddl_table_01 | foreign key (parent_id) -> ddl_table_00(id) on_update=NO ACTION on_delete=NO ACTION",
    ] {
        assert!(lines.contains(expected), "missing {expected:?} in {lines:#?}");
    }

    let mut altered = schema::raw_connection(&dir.path().join("altered.db"));
    let statements: Vec<String> = w7::create_statements()
        .into_iter()
        .filter(|s| !s.contains("ix_ddl_table_07_name"))
        .map(|s| s.replace("note TEXT", "note VARCHAR(10)"))
        .collect();
    w7::run_in_transaction(&mut altered, &statements);
    let diff = schema::compare_schemas("reference", &mut reference, "altered", &mut altered)
        .expect_err("the schemas differ");
    assert!(
        diff.contains("- [reference] table ddl_table_07 | index ix_ddl_table_07_name"),
        "{diff}"
    );
    assert!(
        diff.contains("+ [altered] table ddl_table_00 | column #3 note VARCHAR(10)"),
        "{diff}"
    );
}
