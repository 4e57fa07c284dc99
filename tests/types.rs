//! Every supported field type survives a round trip, and maps to the DDL type Flask-SQLAlchemy
//! would emit on SQLite.

mod common;

use common::*;
use fsql::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Everything {
    #[fsql(primary_key)]
    pub id: i64,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub single: f32,
    pub double: f64,
    pub flag: bool,
    pub text: String,
    #[fsql(length = 12)]
    pub short: String,
    pub bytes: Vec<u8>,
    pub maybe_small: Option<i16>,
    pub maybe_flag: Option<bool>,
    pub maybe_bytes: Option<Vec<u8>>,
    /// The escape hatch: any Diesel SQL type, with its DDL spelling.
    #[fsql(sql_type = diesel::sql_types::Text, ddl_type = "VARCHAR(300)")]
    pub custom: String,
}

#[test]
fn scalar_types_round_trip() {
    for t in each_backend(&[Everything::META]) {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let row = Everything {
            id: 0,
            small: -32768,
            int: i32::MAX,
            big: i64::MIN,
            single: 1.5,
            double: -2.25e300,
            flag: true,
            text: "ünïcode ✓ 'quoted' \"double\"".into(),
            short: "twelve chars".into(),
            bytes: vec![0, 1, 2, 255],
            maybe_small: Some(7),
            maybe_flag: None,
            maybe_bytes: Some(vec![]),
            custom: "clob".into(),
        };
        let stored = row.insert(&db).unwrap();
        assert_eq!(
            stored,
            Everything {
                id: 1,
                ..row.clone()
            }
        );
        assert_eq!(Everything::query().get(&db, 1).unwrap(), Some(stored));
        assert_eq!(
            Everything::query()
                .filter(Everything::flag.eq(true))
                .count(&db)
                .unwrap(),
            1
        );
        assert_eq!(
            Everything::query()
                .filter(Everything::maybe_flag.is_null())
                .count(&db)
                .unwrap(),
            1
        );
    }
}

#[test]
fn ddl_types_match_flask_sqlalchemy_on_sqlite() {
    let db = sqlite_memory(&[Everything::META]);
    let types: Vec<(String, String, String)> = sqlite_columns(&db, "everything")
        .into_iter()
        .map(|[name, ty, notnull, _]| (name, ty, notnull))
        .collect();
    let expect = [
        ("id", "INTEGER", "1"),
        ("small", "SMALLINT", "1"),
        ("int", "INTEGER", "1"),
        ("big", "BIGINT", "1"),
        ("single", "FLOAT", "1"),
        ("double", "DOUBLE", "1"),
        ("flag", "BOOLEAN", "1"),
        ("text", "TEXT", "1"),
        ("short", "VARCHAR(12)", "1"),
        ("bytes", "BLOB", "1"),
        ("maybe_small", "SMALLINT", "0"),
        ("maybe_flag", "BOOLEAN", "0"),
        ("maybe_bytes", "BLOB", "0"),
        ("custom", "VARCHAR(300)", "1"),
    ];
    let expect: Vec<_> = expect
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(types, expect);
}

#[cfg(feature = "chrono")]
mod dates {
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Appointment {
        #[fsql(primary_key)]
        pub id: i32,
        pub day: NaiveDate,
        pub time: NaiveTime,
        pub at: NaiveDateTime,
        pub cancelled_at: Option<NaiveDateTime>,
    }

    #[test]
    fn chrono_types_round_trip_and_sort() {
        for t in each_backend(&[Appointment::META]) {
            let db = t.db.clone();
            eprintln!("backend: {}", t.backend);
            let day = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
            let time = NaiveTime::from_hms_micro_opt(9, 57, 1, 250_000).unwrap();
            let a = Appointment {
                id: 0,
                day,
                time,
                at: day.and_time(time),
                cancelled_at: None,
            }
            .insert(&db)
            .unwrap();
            let later = Appointment {
                id: 0,
                day,
                time,
                at: day.and_hms_opt(23, 0, 0).unwrap(),
                cancelled_at: Some(day.and_time(time)),
            }
            .insert(&db)
            .unwrap();
            assert_eq!(
                Appointment::query().get(&db, a.id).unwrap(),
                Some(a.clone())
            );
            let ordered = Appointment::query()
                .order_by(Appointment::at.desc())
                .all(&db)
                .unwrap();
            assert_eq!(ordered, [later, a]);
            if t.backend == fsql::BackendKind::Sqlite {
                let types: Vec<String> = sqlite_columns(&db, "appointment")
                    .into_iter()
                    .map(|c| c[1].clone())
                    .collect();
                assert_eq!(types, ["INTEGER", "DATE", "TIME", "DATETIME", "DATETIME"]);
            }
        }
    }
}

/// Unique or indexed strings and binaries without a length: MySQL cannot index TEXT or BLOB,
/// so fsql gives them a bounded type there; everywhere the constraint must hold.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Keyed {
    #[fsql(primary_key)]
    pub code: String,
    #[fsql(unique)]
    pub handle: String,
    #[fsql(index)]
    pub label: String,
    #[fsql(unique)]
    pub fingerprint: Vec<u8>,
}

#[test]
fn unique_and_indexed_strings_without_length() {
    for t in each_backend(&[Keyed::META]) {
        let db = t.db.clone();
        eprintln!("backend: {}", t.backend);
        let row = Keyed {
            code: "k1".into(),
            handle: "ünïque ✓".into(),
            label: "x".repeat(200),
            fingerprint: vec![1, 2, 3],
        };
        assert_eq!(row.insert(&db).unwrap(), row);
        let e = Keyed {
            code: "k2".into(),
            ..row.clone()
        }
        .insert(&db)
        .unwrap_err();
        assert_eq!(
            e.database_kind(),
            Some(fsql::DatabaseErrorKind::UniqueViolation),
            "{e}"
        );
        assert_eq!(
            Keyed::query().get(&db, "k1".to_owned()).unwrap(),
            Some(row.clone())
        );
        assert_eq!(
            Keyed::query()
                .filter(Keyed::handle.eq("ünïque ✓"))
                .count(&db)
                .unwrap(),
            1
        );
    }
}
