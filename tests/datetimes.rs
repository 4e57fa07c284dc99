//! `NaiveDateTime` columns keep every value a backend can hold, on every backend: MariaDB once
//! stored NULL for anything outside 1970–2038 (Diesel's `Timestamp` is MySQL's `TIMESTAMP`);
//! fsql binds written values as `DATETIME` there. A value a backend cannot store is an error,
//! never NULL.

#![cfg(feature = "chrono")]

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use common::*;
use fsql::prelude::*;
use fsql::BackendKind;

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Moment {
    #[fsql(primary_key)]
    pub id: i32,
    pub at: NaiveDateTime,
    pub maybe: Option<NaiveDateTime>,
}

fn at(y: i32, m: u32, d: u32, micro: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_micro_opt(23, 59, 58, micro))
        .expect("a valid date")
}

fn dates() -> [NaiveDateTime; 4] {
    [
        at(1, 1, 1, 1),
        at(1900, 1, 1, 123_456),
        at(2038, 1, 20, 999_999),
        at(9999, 12, 31, 654_321),
    ]
}

#[test]
fn dates_from_year_1_to_9999_round_trip_and_filter_on_every_backend() {
    for t in each_backend(&[Moment::META]) {
        let db = &t.db;
        let mut ids = Vec::new();
        for date in dates() {
            let stored = Moment {
                id: 0,
                at: date,
                maybe: Some(date),
            }
            .insert(db)
            .unwrap();
            assert_eq!(
                (stored.at, stored.maybe),
                (date, Some(date)),
                "{}: insert of {date}",
                t.backend
            );
            let read = Moment::query().get(db, stored.id).unwrap().unwrap();
            assert_eq!(read, stored, "{}: read back {date}", t.backend);
            let found = Moment::query()
                .filter(Moment::at.eq(date))
                .filter(Moment::maybe.eq(Some(date)))
                .all(db)
                .unwrap();
            assert_eq!(
                found,
                vec![stored.clone()],
                "{}: filter on {date}",
                t.backend
            );
            ids.push(stored.id);
        }
        // UPDATE binds the same way.
        let moved = Moment {
            id: ids[0],
            at: dates()[3],
            maybe: None,
        };
        moved.update(db).unwrap();
        assert_eq!(
            Moment::query().get(db, ids[0]).unwrap(),
            Some(moved),
            "{}: update",
            t.backend
        );
        // A session writes through the same path.
        let mut session = db.session();
        let pending = session.add(Moment {
            id: 0,
            at: dates()[0],
            maybe: Some(dates()[1]),
        });
        session.commit().unwrap();
        let key = pending.key().unwrap();
        let read = Moment::query().get(db, key).unwrap().unwrap();
        assert_eq!(
            (read.at, read.maybe),
            (dates()[0], Some(dates()[1])),
            "{}: session",
            t.backend
        );
        eprintln!(
            "{}: {} datetimes round-tripped",
            t.backend,
            dates().len() * 2 + 3
        );
    }
}

#[test]
fn a_value_the_backend_cannot_store_is_an_error_never_null() {
    for t in each_backend(&[Moment::META]) {
        if t.backend != BackendKind::Mysql {
            continue;
        }
        let db = &t.db;
        for year in [0, 10_000] {
            let date = at(year, 6, 1, 0);
            let e = Moment {
                id: 0,
                at: at(2000, 1, 1, 0),
                maybe: Some(date),
            }
            .insert(db)
            .unwrap_err();
            assert_eq!(
                e.database_kind(),
                Some(fsql::DatabaseErrorKind::Serialization),
                "{e}"
            );
            assert!(e.to_string().contains("cannot be stored"), "{e}");
        }
        assert_eq!(
            Moment::query().count(db).unwrap(),
            0,
            "nothing stored as NULL"
        );
    }
}

/// Hand-written Diesel on an `AnyConnection` inserts a model through the same binding.
#[test]
fn hand_written_diesel_on_any_connection_writes_datetimes_too() {
    use diesel::RunQueryDsl;
    for t in each_backend(&[Moment::META]) {
        let mut conn = t.db.connection().unwrap();
        let row = Moment {
            id: 7,
            at: dates()[0],
            maybe: Some(dates()[3]),
        };
        let n = diesel::insert_into(moment::table)
            .values(&row)
            .execute(&mut *conn)
            .unwrap();
        assert_eq!(n, 1);
        drop(conn);
        assert_eq!(
            Moment::query().get(&t.db, 7).unwrap(),
            Some(row),
            "{}",
            t.backend
        );
    }
}
