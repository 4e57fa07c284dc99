//! `paginate` with Flask-SQLAlchemy's rules, `next()`/`prev()`, and keyset pagination, on every
//! backend.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use fsql::prelude::*;
use fsql::{Error, KeysetPage, PoolOptions, Registry};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Item {
    #[fsql(primary_key)]
    pub id: i32,
    pub n: i32,
    #[fsql(length = 20)]
    pub kind: String,
}

/// A composite key, for keyset pagination over two columns.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Cell {
    #[fsql(primary_key)]
    pub row: i32,
    #[fsql(primary_key, length = 10)]
    pub col: String,
}

/// 53 items: ids 1..=53, `n` = id, kind "odd"/"even".
fn seeded() -> Vec<TestDb> {
    let dbs = each_backend(&[Item::META, Cell::META]);
    for t in &dbs {
        let mut conn = t.db.connection().unwrap();
        for i in 1..=53 {
            let kind = if i % 2 == 1 { "odd" } else { "even" };
            Item {
                id: 0,
                n: i,
                kind: kind.into(),
            }
            .insert(&mut conn)
            .unwrap();
        }
        for row in 1..=4 {
            for col in ["a", "b", "c"] {
                Cell {
                    row,
                    col: col.into(),
                }
                .insert(&mut conn)
                .unwrap();
            }
        }
    }
    dbs
}

fn ids(items: &[Item]) -> Vec<i32> {
    items.iter().map(|i| i.id).collect()
}

#[test]
fn paginate_follows_flask_sqlalchemy() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let q = Item::query().order_by(Item::id.asc());

        let p1 = q.paginate(db, PageRequest::new(1).per_page(10)).unwrap();
        assert_eq!(ids(p1.items()), (1..=10).collect::<Vec<_>>());
        assert_eq!(
            (p1.total(), p1.pages(), p1.page(), p1.per_page()),
            (Some(53), 6, 1, 10)
        );
        assert!(!p1.has_prev() && p1.has_next());
        assert_eq!((p1.prev_num(), p1.next_num()), (None, Some(2)));
        assert_eq!((p1.first(), p1.last()), (1, 10));

        let last = q.paginate(db, PageRequest::new(6).per_page(10)).unwrap();
        assert_eq!(ids(last.items()), vec![51, 52, 53]);
        assert!(last.has_prev() && !last.has_next());
        assert_eq!((last.first(), last.last()), (51, 53));
        // Flask-SQLAlchemy 3.x shows a gap even for one skipped page: 1 2 … 4 5 6.
        let pages: Vec<_> = last.iter_pages().collect();
        assert_eq!(pages, [Some(1), Some(2), None, Some(4), Some(5), Some(6)]);

        // Filters apply to the items and to the count.
        let odd = Item::query()
            .filter(Item::kind.eq("odd"))
            .order_by(Item::id.asc());
        let p = odd.paginate(db, PageRequest::new(3).per_page(5)).unwrap();
        assert_eq!(ids(p.items()), vec![21, 23, 25, 27, 29]);
        assert_eq!(p.total(), Some(27));

        // From a query string, as a web handler gets it.
        let p = q
            .paginate(db, PageRequest::from_query("page=2&per_page=5").unwrap())
            .unwrap();
        assert_eq!(ids(p.items()), vec![6, 7, 8, 9, 10]);

        // Past the end: 404 under error_out, an empty page without it.
        let e = q
            .paginate(db, PageRequest::new(7).per_page(10))
            .unwrap_err();
        assert!(e.is_not_found(), "{e}");
        let empty = q
            .paginate(db, PageRequest::new(7).per_page(10).error_out(false))
            .unwrap();
        assert!(empty.items().is_empty());
        assert_eq!(empty.total(), Some(53));
        // Page 1 of nothing is not a 404.
        let none = Item::query()
            .filter(Item::n.gt(1000))
            .paginate(db, PageRequest::new(1))
            .unwrap();
        assert_eq!(
            (none.total(), none.pages(), none.items().len()),
            (Some(0), 0, 0)
        );

        // Bad arguments.
        assert!(PageRequest::from_query("page=abc")
            .unwrap_err()
            .is_not_found());
        assert!(q
            .paginate(db, PageRequest::new(0))
            .unwrap_err()
            .is_not_found());
        let lenient = PageRequest::from_query_with(
            "page=abc&per_page=-3",
            PageRequest::default().error_out(false),
        )
        .unwrap();
        let p = q.paginate(db, lenient).unwrap();
        assert_eq!((p.page(), p.per_page()), (1, 20));

        // max_per_page applies (Flask-SQLAlchemy 3.1 documents it but does not).
        let p = q.paginate(db, PageRequest::new(1).per_page(500)).unwrap();
        assert_eq!((p.per_page(), p.items().len()), (100, 53));
        let p = q
            .paginate(db, PageRequest::new(1).per_page(30).max_per_page(Some(7)))
            .unwrap();
        assert_eq!(p.items().len(), 7);

        // Without the count.
        let p = q
            .paginate(db, PageRequest::new(2).per_page(10).count(false))
            .unwrap();
        assert_eq!((p.total(), p.pages(), p.items().len()), (None, 0, 10));
    }
}

#[test]
fn next_and_prev_rerun_the_query() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let q = Item::query()
            .filter(Item::n.le(25))
            .order_by(Item::id.desc());
        let p1 = q
            .paginate(db, PageRequest::new(1).per_page(10).max_per_page(Some(10)))
            .unwrap();
        let p2 = p1.next(db).unwrap();
        assert_eq!(ids(p2.items()), (6..=15).rev().collect::<Vec<_>>());
        assert_eq!(
            (p2.page(), p2.per_page(), p2.max_per_page()),
            (2, 10, Some(10))
        );
        assert_eq!(p2.total(), Some(25), "the total is carried over");
        let p3 = p2.next(db).unwrap();
        assert_eq!(ids(p3.items()), (1..=5).rev().collect::<Vec<_>>());
        let back = p3.prev(db).unwrap();
        assert_eq!(ids(back.items()), ids(p2.items()));
        assert_eq!(
            back.max_per_page(),
            Some(10),
            "prev() keeps max_per_page too"
        );
        let again = p1.prev(db).unwrap();
        assert_eq!(again.page(), 1);
        // Past the end without error_out, as Flask-SQLAlchemy's next().
        assert!(p3.next(db).unwrap().items().is_empty());
    }
}

/// Collects the statements of a bind with echo on.
#[derive(Clone, Default)]
struct Statements(Arc<Mutex<Vec<String>>>);

struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl tracing::Subscriber for Statements {
    fn enabled(&self, m: &tracing::Metadata<'_>) -> bool {
        m.target() == "fsql::echo"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut m = Message(String::new());
        event.record(&mut m);
        self.0.lock().unwrap().push(m.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn paginate_runs_the_page_and_a_plain_count() {
    let db = Database::builder()
        .url("sqlite://")
        .pool(PoolOptions {
            echo: true,
            ..Default::default()
        })
        .registry(Registry::new([Item::META]))
        .build()
        .unwrap();
    db.create_all().unwrap();
    for i in 1..=30 {
        Item {
            id: 0,
            n: i,
            kind: "k".into(),
        }
        .insert(&db)
        .unwrap();
    }
    let seen = Statements::default();
    tracing::subscriber::with_default(seen.clone(), || {
        Item::query()
            .filter(Item::n.gt(3))
            .order_by(Item::n.desc())
            .paginate(&db, PageRequest::new(2).per_page(10))
            .unwrap();
    });
    let statements = seen.0.lock().unwrap().clone();
    assert_eq!(statements.len(), 2, "{statements:#?}");
    assert!(
        statements[0].contains("ORDER BY") && statements[0].contains("LIMIT"),
        "{}",
        statements[0]
    );
    let count = &statements[1];
    assert!(
        count.contains("COUNT(*)") && count.contains("WHERE"),
        "{count}"
    );
    for clause in ["ORDER BY", "LIMIT", "OFFSET"] {
        assert!(!count.contains(clause), "the count has {clause}: {count}");
    }
}

fn walk_forward(db: &Database, per_page: u64, descending: bool) -> Vec<Vec<i32>> {
    let q = Item::query().filter(Item::kind.eq("odd"));
    let mut pages = Vec::new();
    let mut request = KeysetRequest::first(per_page).descending(descending);
    loop {
        let page: KeysetPage<Item> = q.keyset(db, request.clone()).unwrap();
        pages.push(ids(page.items()));
        match page.next_cursor() {
            Some(c) => {
                request = KeysetRequest::at(c)
                    .per_page(per_page)
                    .descending(descending)
            }
            None => break,
        }
    }
    pages
}

#[test]
fn keyset_walks_both_ways_in_both_orders() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        for descending in [false, true] {
            let mut odd: Vec<i32> = (1..=53).filter(|i| i % 2 == 1).collect();
            if descending {
                odd.reverse();
            }
            let pages = walk_forward(db, 5, descending);
            let expected: Vec<Vec<i32>> = odd.chunks(5).map(<[i32]>::to_vec).collect();
            assert_eq!(pages, expected, "descending = {descending}");

            // Back from the last page, by prev cursors.
            let q = Item::query().filter(Item::kind.eq("odd"));
            let mut page = q
                .keyset(db, KeysetRequest::first(5).descending(descending))
                .unwrap();
            assert!(!page.has_prev());
            while let Some(c) = page.next_cursor().map(str::to_owned) {
                page = q
                    .keyset(db, KeysetRequest::at(c).per_page(5).descending(descending))
                    .unwrap();
            }
            let mut backwards = vec![ids(page.items())];
            while let Some(c) = page.prev_cursor().map(str::to_owned) {
                page = q
                    .keyset(db, KeysetRequest::at(c).per_page(5).descending(descending))
                    .unwrap();
                backwards.push(ids(page.items()));
            }
            backwards.reverse();
            assert_eq!(backwards, expected, "backwards, descending = {descending}");
            assert!(page.has_next() && !page.has_prev());
        }
        // Page size equal to the row count: one page, no next.
        assert_eq!(walk_forward(db, 27, false).len(), 1);
        // Counting only when asked.
        let p = Item::query().keyset(db, KeysetRequest::first(10)).unwrap();
        assert_eq!(p.total(), None);
        let p = Item::query()
            .keyset(db, KeysetRequest::first(10).count(true))
            .unwrap();
        assert_eq!(p.total(), Some(53));
    }
}

#[test]
fn keyset_over_a_composite_key() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let mut seen = Vec::new();
        let mut request = KeysetRequest::first(5);
        loop {
            let page = Cell::query().keyset(db, request).unwrap();
            seen.extend(page.items().iter().map(|c| (c.row, c.col.clone())));
            match page.next_cursor() {
                Some(c) => request = KeysetRequest::at(c).per_page(5),
                None => break,
            }
        }
        let expected: Vec<(i32, String)> = (1..=4)
            .flat_map(|r| ["a", "b", "c"].map(move |c| (r, c.to_owned())))
            .collect();
        assert_eq!(seen, expected);
    }
}

#[test]
fn bad_cursors_and_misuse_are_clear_errors() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let first = Item::query().keyset(db, KeysetRequest::first(5)).unwrap();
        let cursor = first.next_cursor().unwrap().to_owned();

        let mut tampered = cursor.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        for bad in [
            tampered.as_str(),
            "garbage!",
            "",
            &cursor[..cursor.len() / 2],
        ] {
            let e = Item::query()
                .keyset(db, KeysetRequest::at(bad))
                .unwrap_err();
            assert!(e.is_not_found(), "{bad:?}: {e}");
        }
        let e = Item::query()
            .keyset(db, KeysetRequest::at(&cursor).descending(true))
            .unwrap_err();
        assert!(e.to_string().contains("other sort order"), "{e}");
        let e = Cell::query()
            .keyset(db, KeysetRequest::at(&cursor))
            .unwrap_err();
        assert!(e.to_string().contains("another table"), "{e}");
        // Without error_out a bad cursor means the first page.
        let p = Item::query()
            .keyset(
                db,
                KeysetRequest::at("garbage!").per_page(5).error_out(false),
            )
            .unwrap();
        assert_eq!(ids(p.items()), vec![1, 2, 3, 4, 5]);
        // The key decides the order.
        let e = Item::query()
            .order_by(Item::n.asc())
            .keyset(db, KeysetRequest::first(5))
            .unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{e}");
    }
}

#[cfg(feature = "serde")]
#[test]
fn pages_serialize_like_flask_sqlalchemy_api_responses() {
    #[derive(serde::Serialize)]
    struct Out {
        id: i32,
    }
    let db = sqlite_memory(&[Item::META]);
    for i in 1..=3 {
        Item {
            id: 0,
            n: i,
            kind: "k".into(),
        }
        .insert(&db)
        .unwrap();
    }
    let page = Item::query()
        .order_by(Item::id.asc())
        .paginate(&db, PageRequest::new(1).per_page(2))
        .unwrap()
        .map(|i| Out { id: i.id });
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"items": [{"id": 1}, {"id": 2}], "page": 1, "per_page": 2, "total": 3,
            "pages": 2, "has_prev": false, "has_next": true, "prev_num": null, "next_num": 2})
    );
    let keyset = Item::query()
        .keyset(&db, KeysetRequest::first(2))
        .unwrap()
        .map(|i| Out { id: i.id });
    let json = serde_json::to_value(&keyset).unwrap();
    assert_eq!(json["items"], serde_json::json!([{"id": 1}, {"id": 2}]));
    assert_eq!(
        (json["has_next"].clone(), json["has_prev"].clone()),
        (serde_json::json!(true), serde_json::json!(false))
    );
    assert!(json["next_cursor"].is_string());
}

/// Walks `key`'s pages of 7 forward from the first, reading each row with `read`; returns what
/// it read and the page before the last, fetched through the last page's `prev` cursor.
fn walk_by<M: fsql::Model + Clone, K: fsql::CursorKey, T>(
    db: &Database,
    key: &fsql::KeysetKey<M, K>,
    descending: bool,
    read: impl Fn(&M) -> T,
) -> (Vec<T>, KeysetPage<M>) {
    let mut seen = Vec::new();
    let mut request = KeysetRequest::first(7).descending(descending);
    let last_page = loop {
        let page = Query::<M>::new().keyset_by(db, request, key).unwrap();
        seen.extend(page.items().iter().map(&read));
        match page.next_cursor() {
            Some(c) => request = KeysetRequest::at(c).per_page(7).descending(descending),
            None => break page,
        }
    };
    let before = KeysetRequest::at(last_page.prev_cursor().unwrap())
        .per_page(7)
        .descending(descending);
    (seen, Query::<M>::new().keyset_by(db, before, key).unwrap())
}

/// Keyset pagination by columns of one's choice, the last unique: newest first by `n` (not
/// unique here: every other row shares its kind) then `id`.
#[test]
fn keyset_by_chosen_columns() {
    for t in seeded() {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let by_kind = fsql::keyset_key!(Item::kind, Item::id => |i: &Item| (i.kind.clone(), i.id));
        for descending in [false, true] {
            let mut expected: Vec<(String, i32)> = (1..=53)
                .map(|i| (if i % 2 == 1 { "odd" } else { "even" }.to_owned(), i))
                .collect();
            expected.sort();
            if descending {
                expected.reverse();
            }
            let (seen, prev) = walk_by(db, &by_kind, descending, |i| (i.kind.clone(), i.id));
            assert_eq!(seen, expected, "descending = {descending}");
            assert_eq!(prev.items().len(), 7);
        }
        // A cursor of the primary-key pagination is refused by this key, and the other way.
        let pk_cursor = Item::query()
            .keyset(db, KeysetRequest::first(5))
            .unwrap()
            .next_cursor()
            .unwrap()
            .to_owned();
        let e = Item::query()
            .keyset_by(db, KeysetRequest::at(&pk_cursor), &by_kind)
            .unwrap_err();
        assert!(e.to_string().contains("another table"), "{e}");
        let single = fsql::keyset_key!(Item::n => |i: &Item| i.n);
        let page = Item::query()
            .filter(Item::n.gt(50))
            .keyset_by(db, KeysetRequest::first(2).descending(true), &single)
            .unwrap();
        assert_eq!(ids(page.items()), vec![53, 52]);
    }
}

/// A timestamped row, for keyset pagination "newest first, then id".
#[cfg(feature = "chrono")]
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Entry {
    #[fsql(primary_key)]
    pub id: i32,
    pub created: chrono::NaiveDateTime,
}

/// Keyset pagination by a timestamp (not unique: three rows share each one, a microsecond
/// apart from the next group) then the key, walked forward in both orders and back one page,
/// on every backend: the cursor must carry the timestamp exactly, or rows would be skipped or
/// repeated at page boundaries.
#[cfg(feature = "chrono")]
#[test]
fn keyset_by_timestamp_then_id() {
    use chrono::{NaiveDate, NaiveDateTime};
    let base = NaiveDate::from_ymd_opt(2026, 12, 2)
        .and_then(|d| d.and_hms_micro_opt(9, 30, 0, 250_000))
        .unwrap();
    // Inserted out of time order, so neither the key nor the insertion order gives the answer.
    let stamp = |i: i32| base + chrono::Duration::microseconds(i64::from((i * 7) % 10));
    for t in each_backend(&[Entry::META]) {
        let db = &t.db;
        eprintln!("backend: {}", t.backend);
        let mut stored: Vec<(NaiveDateTime, i32)> = Vec::new();
        for i in 0..30 {
            let e = Entry {
                id: 0,
                created: stamp(i),
            }
            .insert(db)
            .unwrap();
            assert_eq!(e.created, stamp(i), "stored to the microsecond");
            stored.push((e.created, e.id));
        }
        let newest_first =
            fsql::keyset_key!(Entry::created, Entry::id => |e: &Entry| (e.created, e.id));
        for descending in [false, true] {
            let mut expected = stored.clone();
            expected.sort();
            if descending {
                expected.reverse();
            }
            let (seen, prev) = walk_by(db, &newest_first, descending, |e| (e.created, e.id));
            assert_eq!(seen, expected, "descending = {descending}");
            let before_last: Vec<_> = prev.items().iter().map(|e| (e.created, e.id)).collect();
            assert_eq!(
                before_last,
                expected[21..28].to_vec(),
                "descending = {descending}"
            );
        }
    }
}
