//! The seeds' "Customizing" chapter in fsql: a model base (`IdModel`), a mixin
//! (`TimestampMixin`), an abstract model, single-table and joined-table inheritance, and
//! Flask's `<User 1>` repr.
//!
//! Run with `cargo run --example customizing` (embedded SQLite).

use std::time::{SystemTime, UNIX_EPOCH};

use fsql::prelude::*;

/// Seconds since 1970; the tests use `chrono::NaiveDateTime` with the `chrono` feature.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `class IdModel(Model): id = Column(Integer, primary_key=True)`: every model that takes it
/// in gets an integer key. For a joined-inheritance child the same field becomes a foreign key
/// to the parent's key.
#[derive(Mixin)]
pub struct IdModel {
    #[fsql(primary_key)]
    pub id: i32,
}

/// `created` is set when the row is inserted, `updated` by every update.
#[derive(Mixin)]
pub struct TimestampMixin {
    #[fsql(default_fn = crate::now)]
    pub created: i64,
    #[fsql(onupdate = crate::now)]
    pub updated: Option<i64>,
}

/// `__abstract__ = True`: columns for others, no table of its own.
#[derive(Model)]
#[fsql(abstract)]
pub struct Titled {
    #[fsql(length = 120)]
    pub title: String,
}

#[fsql::mixin(IdModel, TimestampMixin, Titled)]
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(repr)]
pub struct Article {
    pub body: String,
}

/// Single-table inheritance: one `employee` table, rows told apart by `kind`.
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(polymorphic_on = kind, polymorphic_identity = "employee")]
pub struct Employee {
    #[fsql(primary_key)]
    pub id: i32,
    pub name: String,
    pub kind: String,
}

#[fsql::inherits(Employee)]
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(polymorphic_identity = "manager")]
pub struct Manager {
    pub budget: Option<i64>,
}

/// Joined-table inheritance: a `staff` row extends a `person` row.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Person {
    #[fsql(primary_key)]
    pub id: i32,
    pub name: String,
}

#[fsql::mixin(IdModel)]
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(inherits = Person)]
pub struct Staff {
    pub badge: String,
    pub person: BelongsTo<Person>,
}

fn main() -> fsql::Result<()> {
    let db = Database::builder().url("sqlite://").build()?;
    db.create_all()?;

    let article = Article {
        id: 0,
        created: 0,
        updated: None,
        title: "Mixins".into(),
        body: "Columns shared by many models.".into(),
    }
    .insert(&db)?;
    println!("{article} created at {}", article.created);
    Article {
        body: "Columns shared by several models.".into(),
        ..article.clone()
    }
    .update(&db)?;
    let stored = Article::query()
        .get(&db, article.id)?
        .expect("just inserted");
    println!("{stored} updated at {:?}", stored.updated);
    assert!(stored.updated.is_some());

    Employee {
        id: 0,
        name: "Ann".into(),
        kind: String::new(),
    }
    .insert(&db)?;
    let mia = Manager {
        id: 0,
        name: "Mia".into(),
        kind: String::new(),
        budget: Some(1_000),
    }
    .insert(&db)?;
    println!(
        "employees: {}, managers: {} ({} is a {:?})",
        Employee::query().count(&db)?,
        Manager::query().count(&db)?,
        mia.name,
        mia.kind
    );

    let ada = Staff {
        id: 0,
        badge: "B-1".into(),
        person: BelongsTo::loaded(Some(Person {
            id: 0,
            name: "Ada".into(),
        })),
    }
    .insert(&db)?;
    let found = Staff::query().get(&db, ada.id)?.expect("just inserted");
    let person = found
        .person
        .get()
        .flatten()
        .expect("loaded with the staff row");
    println!(
        "staff {} is {} (person {})",
        found.badge, person.name, person.id
    );
    Ok(())
}
