//! Change tracking (Flask's `SQLALCHEMY_TRACK_MODIFICATIONS` and the `models_committed`
//! signals) and the per-statement `tracing` events, on every backend.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use fsql::prelude::*;
use fsql::{Operation, Registry};

#[derive(Model, Debug, Clone, PartialEq)]
pub struct Author {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(unique, length = 40)]
    pub name: String,
}

type Seen = Arc<Mutex<Vec<(&'static str, Vec<(Operation, String, String, String)>)>>>;

/// A database on `t`'s backend tracking modifications, and what its hooks saw.
fn tracked(t: &TestDb) -> (Database, Seen) {
    let seen: Seen = Arc::default();
    let record = |when: &'static str, seen: Seen| {
        move |changes: &[fsql::Change]| {
            let list = changes
                .iter()
                .map(|c| {
                    let name = c
                        .downcast_ref::<Author>()
                        .map_or_else(|| "?".to_owned(), |a| a.name.clone());
                    (
                        c.operation,
                        c.table_name().to_owned(),
                        c.primary_key.clone(),
                        name,
                    )
                })
                .collect();
            seen.lock().unwrap().push((when, list));
        }
    };
    let db = Database::builder()
        .url(t.db.url(None).unwrap().masked()) // test URLs carry no password
        .registry(Registry::new([Author::META]))
        .track_modifications(true)
        .before_models_committed(record("before", Arc::clone(&seen)))
        .on_models_committed(record("after", Arc::clone(&seen)))
        .build()
        .unwrap();
    db.create_all().unwrap(); // a new in-memory SQLite database; a no-op on servers
    (db, seen)
}

fn author(name: &str) -> Author {
    Author {
        id: 0,
        name: name.into(),
    }
}

#[test]
fn hooks_see_every_change_of_a_successful_commit() {
    init();
    for t in each_backend(&[Author::META]) {
        eprintln!("backend: {}", t.backend);
        let (db, seen) = tracked(&t);
        let old = author("old").insert(&db).unwrap();
        let gone = author("gone").insert(&db).unwrap();

        let mut session = db.session();
        let ann = session.add(author("ann"));
        session.update(Author {
            name: "renamed".into(),
            ..old.clone()
        });
        session.delete(gone.clone());
        session.commit().unwrap();

        let ann_id = ann.key().unwrap();
        let expected = vec![
            (
                Operation::Insert,
                "author".to_owned(),
                ann_id.to_string(),
                "ann".to_owned(),
            ),
            (
                Operation::Update,
                "author".to_owned(),
                old.id.to_string(),
                "renamed".to_owned(),
            ),
            (
                Operation::Delete,
                "author".to_owned(),
                gone.id.to_string(),
                "gone".to_owned(),
            ),
        ];
        let calls = seen.lock().unwrap().clone();
        assert_eq!(
            calls,
            vec![("before", expected.clone()), ("after", expected)]
        );
    }
}

#[test]
fn no_call_for_an_empty_commit_a_rollback_or_a_failure() {
    init();
    for t in each_backend(&[Author::META]) {
        eprintln!("backend: {}", t.backend);
        let (db, seen) = tracked(&t);
        let mut session = db.session();
        session.commit().unwrap();

        session.add(author("ann"));
        session.flush().unwrap();
        session.rollback().unwrap();
        session.commit().unwrap();

        author("taken").insert(&db).unwrap();
        session.add(author("taken"));
        session.commit().unwrap_err();
        session.rollback().unwrap();
        session.commit().unwrap();
        assert!(
            seen.lock().unwrap().is_empty(),
            "{:?}",
            seen.lock().unwrap()
        );
    }
}

#[test]
fn hooks_without_tracking_are_a_configuration_error() {
    init();
    let err = Database::builder()
        .url("sqlite://")
        .registry(Registry::new([Author::META]))
        .on_models_committed(|_| {})
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, fsql::Error::Config { key, .. } if key == "track_modifications"),
        "{err}"
    );
    assert!(
        err.to_string().contains(".track_modifications(true)"),
        "{err}"
    );
}

/// Keeps the `fsql::query` events (statement, bind, has duration) of the threads inside
/// [`capturing`]. Installed once as the global subscriber, before any test of this file runs
/// a statement: a scoped subscriber (`with_default`) races with statements other tests run on
/// other threads when `tracing` caches each callsite's interest, and then sees no events.
struct Capture;

type Events = Arc<Mutex<Vec<(String, String, bool)>>>;

thread_local! {
    static SINK: std::cell::RefCell<Option<Events>> = const { std::cell::RefCell::new(None) };
}

/// Installs [`Capture`]; every test of this file calls it first.
fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        tracing::subscriber::set_global_default(Capture).expect("no other global subscriber");
    });
}

/// Runs `f`, adding the `fsql::query` events it emits on this thread to `sink`.
fn capture_into(sink: &Events, f: impl FnOnce()) {
    SINK.with(|s| *s.borrow_mut() = Some(sink.clone()));
    f();
    SINK.with(|s| *s.borrow_mut() = None);
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == fsql::QUERY_TARGET && *metadata.level() == tracing::Level::DEBUG
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        #[derive(Default)]
        struct Fields(String, String, bool);
        impl tracing::field::Visit for Fields {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                match field.name() {
                    "statement" => self.0 = value.to_owned(),
                    "bind" => self.1 = value.to_owned(),
                    _ => {}
                }
            }
            fn record_debug(&mut self, field: &tracing::field::Field, _: &dyn std::fmt::Debug) {
                if field.name() == "duration" {
                    self.2 = true;
                }
            }
        }
        SINK.with(|s| {
            if let Some(events) = s.borrow().as_ref() {
                let mut f = Fields::default();
                event.record(&mut f);
                events.lock().unwrap().push((f.0, f.1, f.2));
            }
        });
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn every_statement_is_a_debug_event_with_statement_duration_and_bind() {
    init();
    for t in each_backend(&[Author::META]) {
        eprintln!("backend: {}", t.backend);
        let capture = Events::default();
        capture_into(&capture, || {
            let a = author("ann").insert(&t.db).unwrap();
            Author::query().get(&t.db, a.id).unwrap();
        });
        let events = capture.lock().unwrap().clone();
        let insert = events
            .iter()
            .find(|e| e.0.starts_with("INSERT"))
            .unwrap_or_else(|| panic!("no INSERT event: {events:?}"));
        assert!(
            insert.0.contains("author") && !insert.0.contains("ann"),
            "{insert:?}"
        );
        assert_eq!(insert.1, "<default>");
        assert!(insert.2, "duration recorded");
        assert!(
            events.iter().any(|e| e.0.starts_with("SELECT")),
            "{events:?}"
        );
        // Outside the capture nothing is captured.
        author("bob").insert(&t.db).unwrap();
        assert_eq!(capture.lock().unwrap().len(), events.len());
    }
}
