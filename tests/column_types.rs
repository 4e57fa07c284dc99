//! The column types beyond fsql's built-in scalars (`fsql::Json<T>`, `DateTime<Utc>`,
//! `uuid::Uuid`, `BigDecimal`, `#[derive(fsql::Enum)]`, a user's own `ColumnValue`): each
//! round-trips on every backend, filters compare in SQL, and what a backend cannot read is an
//! error naming the Rust type, never a default or NULL.

mod common;

use common::*;
use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use fsql::prelude::*;
use fsql::{BackendKind, Json};

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Default)]
pub struct Profile {
    pub bio: String,
    pub links: Vec<String>,
    pub karma: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Member {
    #[fsql(primary_key)]
    pub id: i32,
    pub profile: Json<Profile>,
    pub settings: Option<Json<serde_json::Value>>,
}

fn raw_execute(db: &Database, sql: &str) {
    diesel::sql_query(sql)
        .execute(&mut *db.connection().unwrap())
        .unwrap();
}

#[test]
fn json_documents_round_trip() {
    for t in each_backend(&[Member::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        let profile = Profile {
            bio: "ünïcode 'quoted' \"double\" \\ back".into(),
            links: vec!["https://example.org".into()],
            // Beyond a double's 53 bits: a TEXT-affinity column keeps it exact.
            karma: 9_007_199_254_740_993,
        };
        let settings = serde_json::json!({"theme": "dark", "sizes": [1, 2.5, null]});
        let member = Member {
            id: 0,
            profile: Json(profile.clone()),
            settings: Some(Json(settings.clone())),
        }
        .insert(db)
        .unwrap();
        let empty = Member {
            id: 0,
            profile: Json::default(),
            settings: None,
        }
        .insert(db)
        .unwrap();
        let found = Member::query().get(db, member.id).unwrap().unwrap();
        assert_eq!(found.profile.0, profile);
        assert_eq!(found.settings.as_deref(), Some(&settings));
        assert_eq!(
            Member::query().get(db, empty.id).unwrap(),
            Some(empty.clone())
        );
        assert_eq!(
            Member::query()
                .filter(Member::settings.is_null())
                .all(db)
                .unwrap(),
            vec![empty]
        );
        // An update writes the new document.
        let mut changed = found.clone();
        changed.profile.links.push("https://fsql.rs".into());
        changed.update(db).unwrap();
        let again = Member::query().get(db, member.id).unwrap().unwrap();
        assert_eq!(again.profile.links.len(), 2);
    }
}

#[test]
fn a_stored_document_of_another_shape_is_an_error_naming_the_type() {
    for t in each_backend(&[Member::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        let table = match t.backend {
            BackendKind::Mysql => "`member`",
            _ => "\"member\"",
        };
        raw_execute(
            db,
            &format!(
                "INSERT INTO {table} (id, profile, settings) VALUES (7, '{{\"bio\": 3}}', NULL)"
            ),
        );
        let err = Member::query().get(db, 7).unwrap_err().to_string();
        assert!(err.contains("Profile"), "{err}");
    }
}

#[test]
fn json_columns_have_each_dialects_type() {
    let expect = [
        (BackendKind::Sqlite, "TEXT"),
        (BackendKind::Postgres, "JSONB"),
        (BackendKind::Mysql, "JSON"),
    ];
    for (backend, ty) in expect {
        let column = Member::META.column("profile").unwrap();
        let rendered =
            fsql::ddl::column_type(column, Member::META, fsql::ddl::Dialect::of(backend));
        assert_eq!(rendered, ty, "{backend}");
    }
}

#[derive(fsql::Enum, Debug, Clone, Copy, PartialEq)]
pub enum Mood {
    Happy,
    Sad,
    #[fsql(rename = "so-so")]
    Indifferent,
}

/// Stored in MySQL's native `ENUM`, under a name of its own.
#[derive(fsql::Enum, Debug, Clone, Copy, PartialEq)]
#[fsql(native, name = "ticket_state")]
pub enum State {
    Open,
    Closed,
}

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Diary {
    #[fsql(primary_key)]
    pub id: i32,
    pub mood: Mood,
    pub yesterday: Option<Mood>,
    #[fsql(index)]
    pub state: State,
}

#[test]
fn enums_round_trip_by_name_and_filter_in_sql() {
    use fsql::Enum as _;
    for t in each_backend(&[Diary::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        let rows = [
            (Mood::Happy, None, State::Open),
            (Mood::Indifferent, Some(Mood::Sad), State::Closed),
            (Mood::Sad, Some(Mood::Indifferent), State::Open),
        ];
        for (mood, yesterday, state) in rows {
            Diary {
                id: 0,
                mood,
                yesterday,
                state,
            }
            .insert(db)
            .unwrap();
        }
        let all = Diary::query().order_by(Diary::id.asc()).all(db).unwrap();
        let read: Vec<_> = all.iter().map(|d| (d.mood, d.yesterday, d.state)).collect();
        assert_eq!(read, rows);
        let open = Diary::query()
            .filter(Diary::state.eq(State::Open))
            .count(db)
            .unwrap();
        assert_eq!(open, 2);
        let was_so_so = Diary::query()
            .filter(Diary::yesterday.eq(Mood::Indifferent))
            .all(db)
            .unwrap();
        assert_eq!(was_so_so.len(), 1);
        assert_eq!(was_so_so[0].mood, Mood::Sad);
        // Lists of enum values bind as arrays on PostgreSQL (`= ANY($1)`), of the native
        // type's array type for a native enum.
        let some_states = Diary::query()
            .filter(Diary::state.eq_any([State::Closed, State::Open]))
            .count(db)
            .unwrap();
        assert_eq!(some_states, 3);
        let some_moods = Diary::query()
            .filter(Diary::mood.eq_any(vec![Mood::Happy, Mood::Indifferent]))
            .count(db)
            .unwrap();
        assert_eq!(some_moods, 2);
        // Stored by name, the renamed one under its new name.
        let stored: Vec<String> = Diary::query()
            .order_by(Diary::id.asc())
            .all(db)
            .unwrap()
            .iter()
            .map(|d| d.mood.name().to_owned())
            .collect();
        assert_eq!(stored, ["Happy", "so-so", "Sad"]);
        let raw = rows4(
            db,
            "SELECT mood AS c0, mood AS c1, mood AS c2, mood AS c3 FROM diary WHERE id = 2",
        );
        assert_eq!(raw[0][0], "so-so");
    }
}

/// PostgreSQL's own enum type for `#[fsql(native)]`, as SQLAlchemy creates by default:
/// created before its tables with the cast that lets text parameters in, matched by
/// `schema_diff`, written in migrations, dropped by `drop_all` and created again by the next
/// `create_all`; a table whose type another program created is written once `create_all`
/// has added the cast.
#[test]
fn native_enums_are_types_of_their_own_on_postgres() {
    for t in each_backend(&[Diary::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        let write = |id: i32, state: State| {
            Diary {
                id,
                mood: Mood::Happy,
                yesterday: None,
                state,
            }
            .insert(db)
            .unwrap()
        };
        write(1, State::Closed);
        assert!(
            db.schema_diff(fsql::Binds::All).unwrap().is_empty(),
            "{}",
            t.backend
        );
        let sql = db.create_all_sql(None).unwrap();
        if t.backend == BackendKind::Postgres {
            assert!(
                sql[0].starts_with(
                    "DO $fsql_enum$ BEGIN CREATE TYPE \"ticket_state\" AS ENUM ('Open', 'Closed');"
                ),
                "{sql:?}"
            );
            let labels = rows4(
                db,
                "SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS c0, \
                 t.typname AS c1, '' AS c2, '' AS c3 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
                 WHERE t.typname = 'ticket_state' AND t.typnamespace = current_schema()::regnamespace \
                 GROUP BY t.typname",
            );
            assert_eq!(labels[0][0], "Open,Closed");
            let column = rows4(
                db,
                "SELECT udt_name AS c0, data_type AS c1, '' AS c2, '' AS c3 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = 'diary' AND column_name = 'state'",
            );
            assert_eq!(
                column[0][..2],
                ["ticket_state".to_owned(), "USER-DEFINED".to_owned()]
            );
            // A value the type does not have is PostgreSQL's error, not a stored string.
            let e = db
                .connection()
                .unwrap()
                .batch_execute("UPDATE diary SET state = 'Lost'")
                .map(|_| ())
                .map_err(|e| e.to_string())
                .unwrap_err();
            assert!(
                e.contains("invalid input value for enum ticket_state"),
                "{e}"
            );
            // A filter with a text parameter goes through fsql's `=` (enum, text), an SQL
            // function PostgreSQL inlines into the enum's own `=`: the index serves it.
            #[derive(diesel::QueryableByName)]
            struct Plan {
                #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
                line: String,
            }
            let mut conn = db.connection().unwrap();
            conn.batch_execute("SET enable_seqscan = off").unwrap();
            let plan: Vec<Plan> =
                diesel::sql_query("EXPLAIN SELECT id FROM diary WHERE state = $1")
                    .bind::<diesel::sql_types::Text, _>("Open")
                    .load(&mut *conn)
                    .unwrap();
            conn.batch_execute("RESET enable_seqscan").unwrap();
            drop(conn);
            let plan: Vec<String> = plan.into_iter().map(|p| p.line).collect();
            assert!(
                plan.iter().any(|l| l.contains("ix_diary_state")),
                "the index is not used: {plan:?}"
            );
            // The enum's order, not the names' (Open < Closed as declared).
            let before_closed = Diary::query()
                .filter(Diary::state.lt(State::Closed))
                .count(db)
                .unwrap();
            assert_eq!(before_closed, 0, "no row is Open yet");
            let after_open = Diary::query()
                .filter(Diary::state.gt(State::Open))
                .count(db)
                .unwrap();
            assert_eq!(after_open, 1);
        } else {
            assert!(sql.iter().all(|s| !s.contains("CREATE TYPE")), "{sql:?}");
        }
        // create_all again: the type exists, nothing fails.
        db.create_all().unwrap();
        // drop_all, then create_all on the same Database: the type is new.
        db.drop_all().unwrap();
        if t.backend == BackendKind::Postgres {
            let left = rows4(
                db,
                "SELECT typname AS c0, '' AS c1, '' AS c2, '' AS c3 FROM pg_type \
                 WHERE typname = 'ticket_state' AND typnamespace = current_schema()::regnamespace",
            );
            assert!(left.is_empty(), "drop_all drops the type: {left:?}");
        }
        db.create_all().unwrap();
        write(2, State::Open);
        let open = Diary::query()
            .filter(Diary::state.eq(State::Open))
            .all(db)
            .unwrap();
        assert_eq!(open.len(), 1);
        // A migration creates the type before the table that needs it.
        db.drop_all().unwrap();
        let revision = db.autogenerate(None).unwrap();
        if t.backend == BackendKind::Postgres {
            assert!(
                revision.up[0].contains("CREATE TYPE \"ticket_state\""),
                "{:?}",
                revision.up
            );
            assert!(
                revision.up[1].contains("CREATE CAST (text AS \"ticket_state\")"),
                "{:?}",
                revision.up
            );
            let table = revision
                .up
                .iter()
                .position(|s| s.starts_with("CREATE TABLE"));
            let operator = revision
                .up
                .iter()
                .rposition(|s| s.contains("CREATE OPERATOR"));
            assert!(operator < table, "{:?}", revision.up);
        }
        let mut conn = db.connection().unwrap();
        for statement in &revision.up {
            conn.batch_execute(statement).unwrap();
        }
        drop(conn);
        assert!(
            db.schema_diff(fsql::Binds::All).unwrap().is_empty(),
            "{}",
            t.backend
        );
        write(3, State::Closed);
    }
}

/// A PostgreSQL enum type another program created (as SQLAlchemy does for `db.Enum`): fsql
/// reads it as it is, and writes to it once `create_all` has added its cast and comparisons
/// (the table and the type exist, so nothing else is created).
#[test]
fn a_native_enum_created_by_another_program_is_written_after_create_all() {
    for t in each_backend(&[]) {
        if t.backend != BackendKind::Postgres {
            continue;
        }
        raw_execute(&t, "CREATE TYPE ticket_state AS ENUM ('Open', 'Closed')");
        raw_execute(
            &t,
            "CREATE TABLE diary (id SERIAL PRIMARY KEY, mood VARCHAR(5) NOT NULL, \
             yesterday VARCHAR(5), state ticket_state NOT NULL)",
        );
        raw_execute(
            &t,
            "INSERT INTO diary (mood, state) VALUES ('Sad', 'Closed')",
        );
        let db = Database::builder()
            .url(t.url(None).unwrap().masked())
            .registry(fsql::Registry::new([Diary::META]))
            .build()
            .unwrap();
        let read = Diary::query().all(&db).unwrap();
        assert_eq!(read[0].state, State::Closed);
        let row = Diary {
            id: 0,
            mood: Mood::Happy,
            yesterday: None,
            state: State::Open,
        };
        let e = row.insert(&db).unwrap_err().to_string();
        assert!(e.contains("ticket_state"), "{e}");
        db.create_all().unwrap();
        row.insert(&db).unwrap();
        let open = Diary::query()
            .filter(Diary::state.eq(State::Open))
            .count(&db)
            .unwrap();
        assert_eq!(open, 1);
        assert!(db.schema_diff(fsql::Binds::All).unwrap().is_empty());
    }
}

#[test]
fn an_unknown_stored_name_is_an_error_listing_the_names() {
    for t in each_backend(&[Diary::META]) {
        eprintln!("backend: {}", t.backend);
        let db = &t.db;
        raw_execute(
            db,
            "INSERT INTO diary (id, mood, yesterday, state) VALUES (9, 'Angry', NULL, 'Open')",
        );
        let err = Diary::query().get(db, 9).unwrap_err().to_string();
        assert!(err.contains("`Angry` is not a name of enum"), "{err}");
        assert!(err.contains("Happy, Sad, so-so"), "{err}");
    }
}

#[test]
fn enum_columns_are_varchars_of_the_longest_name_or_native_on_mysql() {
    use fsql::ddl::{column_type, Dialect};
    let mood = Diary::META.column("mood").unwrap();
    let state = Diary::META.column("state").unwrap();
    for backend in [
        BackendKind::Sqlite,
        BackendKind::Postgres,
        BackendKind::Mysql,
    ] {
        let dialect = Dialect::of(backend);
        // `Happy` and `so-so`, the longest names.
        assert_eq!(column_type(mood, Diary::META, dialect), "VARCHAR(5)");
        let expect = match backend {
            BackendKind::Mysql => "ENUM('Open', 'Closed')",
            BackendKind::Postgres => "\"ticket_state\"",
            _ => "VARCHAR(6)",
        };
        assert_eq!(
            column_type(state, Diary::META, dialect),
            expect,
            "{backend}"
        );
    }
    let ty = match state.ty {
        fsql::ColumnType::Enum(e) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(ty.name, "ticket_state");
    assert!(ty.native);
}

#[cfg(feature = "uuid")]
mod uuids {
    use super::*;
    use fsql::Uuid;

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Device {
        #[fsql(primary_key)]
        pub id: Uuid,
        pub name: String,
        pub twin: Option<Uuid>,
    }

    #[test]
    fn uuid_keys_round_trip_and_find() {
        for t in each_backend(&[Device::META]) {
            eprintln!("backend: {}", t.backend);
            let db = &t.db;
            let a = Uuid(fsql::uuid::Uuid::from_u128(
                0x0123_4567_89ab_cdef_0123_4567_89ab_cdef,
            ));
            let b = Uuid(fsql::uuid::Uuid::from_u128(u128::MAX));
            Device {
                id: a,
                name: "a".into(),
                twin: Some(b),
            }
            .insert(db)
            .unwrap();
            Device {
                id: b,
                name: "b".into(),
                twin: None,
            }
            .insert(db)
            .unwrap();
            assert_eq!(Device::query().get(db, a).unwrap().unwrap().twin, Some(b));
            assert_eq!(Device::query().get(db, b).unwrap().unwrap().name, "b");
            let twins = Device::query().filter(Device::twin.eq(b)).all(db).unwrap();
            assert_eq!(twins.len(), 1);
            assert_eq!(twins[0].id, a);
            // A duplicate key is refused, so the column really is the key.
            let again = Device {
                id: a,
                name: "dup".into(),
                twin: None,
            }
            .insert(db);
            assert!(again.is_err());
        }
    }

    #[test]
    fn uuids_are_stored_as_sqlalchemy_stores_them() {
        let db = sqlite_memory(&[Device::META]);
        let id = Uuid(fsql::uuid::Uuid::from_u128(0xabc));
        Device {
            id,
            name: "x".into(),
            twin: None,
        }
        .insert(&db)
        .unwrap();
        let raw = rows4(
            &db,
            "SELECT id AS c0, id AS c1, id AS c2, id AS c3 FROM device",
        );
        // SQLAlchemy's `Uuid` on SQLite: 32 hex digits, no hyphens.
        assert_eq!(raw[0][0], id.simple().to_string());
        // Rows written by others, hyphenated, read back too.
        raw_execute(
            &db,
            "INSERT INTO device (id, name, twin) VALUES \
             ('00000000-0000-0000-0000-000000000def', 'y', NULL)",
        );
        let other = Uuid(fsql::uuid::Uuid::from_u128(0xdef));
        let all = Device::query()
            .order_by(Device::name.asc())
            .all(&db)
            .unwrap();
        assert_eq!(all[1].id, other);
        let columns = sqlite_columns(&db, "device");
        assert_eq!(columns[0][1], "CHAR(32)");
    }
}

#[cfg(feature = "decimal")]
mod decimals {
    use super::*;
    use fsql::Decimal;
    use std::str::FromStr;

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Price {
        #[fsql(primary_key)]
        pub id: i32,
        #[fsql(precision = 12, scale = 2)]
        pub amount: Decimal,
        pub exact: Option<Decimal>,
    }

    fn dec(s: &str) -> Decimal {
        Decimal(fsql::bigdecimal::BigDecimal::from_str(s).unwrap())
    }

    #[test]
    fn decimals_keep_every_digit() {
        for t in each_backend(&[Price::META]) {
            eprintln!("backend: {}", t.backend);
            let db = &t.db;
            // 20 significant digits: more than a double holds, and more than SQLite's NUMERIC
            // keeps, which is an error there rather than a rounded number.
            let exact = dec("12345678.901234567891");
            let long = Price {
                id: 0,
                amount: dec("1234567890.25"),
                exact: Some(exact.clone()),
            };
            if t.backend == BackendKind::Sqlite {
                let err = long.insert(db).unwrap_err().to_string();
                assert!(err.contains("15 significant digits"), "{err}");
                assert_eq!(Price::query().count(db).unwrap(), 0);
                continue;
            }
            let row = long.insert(db).unwrap();
            let found = Price::query().get(db, row.id).unwrap().unwrap();
            assert_eq!(found.amount, dec("1234567890.25"));
            assert_eq!(found.exact, Some(exact));
            let cheap = Price::query()
                .filter(Price::amount.lt(dec("1234567890.26")))
                .count(db)
                .unwrap();
            assert_eq!(cheap, 1);
        }
    }

    #[test]
    fn sqlite_keeps_fifteen_digits_exactly() {
        let db = sqlite_memory(&[Price::META]);
        let values = ["0.1", "-99999.99", "123456789012.34", "1e-10", "0"];
        for v in values {
            let row = Price {
                id: 0,
                amount: dec("1.00"),
                exact: Some(dec(v)),
            }
            .insert(&db)
            .unwrap();
            let found = Price::query().get(&db, row.id).unwrap().unwrap();
            assert_eq!(found.exact, Some(dec(v)), "{v}");
        }
    }

    #[test]
    fn decimal_columns_have_their_precision() {
        use fsql::ddl::{column_type, Dialect};
        let amount = Price::META.column("amount").unwrap();
        let exact = Price::META.column("exact").unwrap();
        let expect = [
            (BackendKind::Sqlite, "NUMERIC(12, 2)", "NUMERIC"),
            (BackendKind::Postgres, "NUMERIC(12, 2)", "NUMERIC"),
            (BackendKind::Mysql, "DECIMAL(12, 2)", "DECIMAL(65, 30)"),
        ];
        for (backend, fixed, widest) in expect {
            let dialect = Dialect::of(backend);
            assert_eq!(column_type(amount, Price::META, dialect), fixed);
            assert_eq!(column_type(exact, Price::META, dialect), widest);
        }
    }
}

#[cfg(feature = "chrono")]
mod zoned {
    use super::*;
    use chrono::{TimeZone, Utc};
    use fsql::UtcDateTime;

    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Login {
        #[fsql(primary_key)]
        pub id: i32,
        pub at: UtcDateTime,
        pub logout: Option<UtcDateTime>,
    }

    #[test]
    fn utc_datetimes_round_trip_and_compare() {
        for t in each_backend(&[Login::META]) {
            eprintln!("backend: {}", t.backend);
            let db = &t.db;
            let at = Utc.with_ymd_and_hms(2026, 12, 7, 13, 30, 5).unwrap()
                + chrono::Duration::microseconds(123_456);
            let row = Login {
                id: 0,
                at: at.into(),
                logout: None,
            }
            .insert(db)
            .unwrap();
            assert_eq!(Login::query().get(db, row.id).unwrap().unwrap().at.0, at);
            let before = Login::query()
                .filter(Login::at.lt(UtcDateTime(at + chrono::Duration::seconds(1))))
                .count(db)
                .unwrap();
            assert_eq!(before, 1);
            let after = Login::query()
                .filter(Login::at.gt(UtcDateTime(at)))
                .count(db)
                .unwrap();
            assert_eq!(after, 0);
        }
    }

    #[test]
    fn keyset_pages_newest_first_by_a_zoned_time() {
        use fsql::KeysetRequest;
        for t in each_backend(&[Login::META]) {
            eprintln!("backend: {}", t.backend);
            let db = &t.db;
            let base = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
            for i in 0..5 {
                Login {
                    id: 0,
                    at: (base + chrono::Duration::minutes(i)).into(),
                    logout: None,
                }
                .insert(db)
                .unwrap();
            }
            let newest = fsql::keyset_key!(Login::at, Login::id => |l: &Login| (l.at, l.id));
            let first = Login::query()
                .keyset_by(db, KeysetRequest::first(2).descending(true), &newest)
                .unwrap();
            let ids: Vec<i32> = first.items().iter().map(|l| l.id).collect();
            assert_eq!(ids, [5, 4]);
            let next = KeysetRequest::at(first.next_cursor().unwrap())
                .per_page(2)
                .descending(true);
            let second = Login::query().keyset_by(db, next, &newest).unwrap();
            let ids: Vec<i32> = second.items().iter().map(|l| l.id).collect();
            assert_eq!(ids, [3, 2]);
        }
    }

    #[test]
    fn a_time_stored_with_an_offset_reads_as_utc_on_sqlite() {
        let db = sqlite_memory(&[Login::META]);
        raw_execute(
            &db,
            "INSERT INTO login (id, at, logout) VALUES (1, '2026-12-07 15:00:00+02:00', NULL)",
        );
        let row = Login::query().get(&db, 1).unwrap().unwrap();
        assert_eq!(
            row.at.0,
            Utc.with_ymd_and_hms(2026, 12, 7, 13, 0, 0).unwrap()
        );
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn a_year_mysql_cannot_store_is_an_error() {
        for t in each_backend(&[Login::META]) {
            if t.backend != BackendKind::Mysql {
                continue;
            }
            let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
            let err = Login {
                id: 0,
                at: far.into(),
                logout: None,
            }
            .insert(&t.db)
            .unwrap_err();
            assert!(err.to_string().contains("years 1"), "{err}");
        }
    }
}

/// `create_all` then reflection gives back what the models declare, with every new column
/// type: a migration check on such a database finds nothing to do.
#[test]
fn reflected_tables_match_the_declared_column_types() {
    use fsql::schema::{compare_tables, TableSchema};
    #[allow(unused_mut)]
    let mut metas = vec![Member::META, Diary::META];
    #[cfg(feature = "uuid")]
    metas.push(uuids::Device::META);
    #[cfg(feature = "decimal")]
    metas.push(decimals::Price::META);
    #[cfg(feature = "chrono")]
    metas.push(zoned::Login::META);
    for t in each_backend(&metas) {
        eprintln!("backend: {}", t.backend);
        let mut conn = t.db.connection().unwrap();
        let reflected = fsql::reflect::reflect_tables(&mut conn).unwrap();
        for meta in &metas {
            let table = reflected.iter().find(|r| r.name == meta.name).unwrap();
            let diffs = compare_tables(&TableSchema::from(*meta), table);
            assert!(
                diffs.is_empty(),
                "{} on {}: {diffs:?}",
                meta.name,
                t.backend
            );
        }
    }
}
