//! The seeds' "Customizing" chapter: mixins, model base defaults, abstract models.

mod common;

use common::*;
use fsql::prelude::*;

/// The seeds' `IdModel`: every model that takes it in gets an integer `id` primary key.
#[derive(Mixin)]
pub struct IdModel {
    #[fsql(primary_key)]
    pub id: i32,
}

/// Flask-SQLAlchemy's `__abstract__ = True`: columns, no table.
#[derive(Model)]
#[fsql(abstract)]
pub struct Named {
    #[fsql(length = 80)]
    pub name: String,
    pub note: Option<String>,
}

#[fsql::mixin(IdModel, Named)]
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Team {
    pub size: i32,
}

#[fsql::mixin(IdModel)]
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(table_name = "group")]
pub struct Crew {
    #[fsql(references = Team)]
    pub team_id: i32,
}

#[test]
fn mixin_columns_come_first_in_the_order_listed() {
    let names: Vec<_> = Team::META.columns.iter().map(|c| c.name).collect();
    assert_eq!(names, ["id", "name", "note", "size"]);
    assert_eq!(Team::META.primary_key, ["id"]);
    let id = Team::META.column("id").unwrap();
    assert!(id.primary_key && id.autoincrement);
    assert_eq!(
        Team::META.column("name").unwrap().ty,
        fsql::ColumnType::Varchar(80)
    );
    assert!(Team::META.column("note").unwrap().nullable);
    // Attributes on the struct itself still apply with a mixin.
    assert_eq!(Crew::TABLE_NAME, "group");
    assert_eq!(Crew::META.primary_key, ["id"]);
}

#[test]
fn an_abstract_model_has_no_table() {
    let tables: Vec<_> = fsql::Registry::global()
        .tables()
        .iter()
        .map(|t| t.name)
        .collect();
    assert!(tables.contains(&"team"), "{tables:?}");
    assert!(!tables.contains(&"named"), "{tables:?}");
}

#[test]
fn models_with_mixins_insert_query_update_and_delete_on_every_backend() {
    for t in each_backend(&[Team::META, Crew::META]) {
        let db = &t.db;
        let team = Team {
            id: 0,
            name: "core".into(),
            note: None,
            size: 3,
        }
        .insert(db)
        .unwrap();
        assert_eq!(team.id, 1, "{}", t.backend);
        let crew = Crew {
            id: 0,
            team_id: team.id,
        }
        .insert(db)
        .unwrap();
        let found = Team::query().filter(Team::name.eq("core")).one(db).unwrap();
        assert_eq!(found, team, "{}", t.backend);
        Team {
            note: Some("renamed".into()),
            ..found
        }
        .update(db)
        .unwrap();
        assert_eq!(
            Team::query().get(db, 1).unwrap().unwrap().note.as_deref(),
            Some("renamed"),
            "{}",
            t.backend
        );
        assert_eq!(Crew::query().get(db, crew.id).unwrap(), Some(crew.clone()));
        crew.delete(db).unwrap();
        assert_eq!(Crew::query().count(db).unwrap(), 0, "{}", t.backend);
    }
}

/// The seeds' custom query class, for one relationship (`relationship(.., query_class=..)`).
pub struct GetOrQuery<'a, M: Model>(Query<'a, M>);

impl<'a, M: Model> From<Query<'a, M>> for GetOrQuery<'a, M> {
    fn from(query: Query<'a, M>) -> Self {
        Self(query)
    }
}

impl<'a, M: Model> From<GetOrQuery<'a, M>> for Query<'a, M> {
    fn from(query: GetOrQuery<'a, M>) -> Self {
        query.0
    }
}

impl<M: Model> GetOrQuery<'_, M> {
    pub fn get_or<E: Executor>(
        &self,
        exec: E,
        ident: M::PrimaryKey,
        default: M,
    ) -> fsql::Result<M> {
        Ok(self.0.get(exec, ident)?.unwrap_or(default))
    }
}

#[fsql::mixin(IdModel)]
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    #[fsql(lazy = "dynamic", query_class = GetOrQuery)]
    pub members: HasMany<Member>,
    /// The class applies to `<field>_query()` of a relationship that is not dynamic too.
    #[fsql(query_class = GetOrQuery, foreign_key = family_id)]
    pub pets: HasMany<Pet>,
}

#[fsql::mixin(IdModel)]
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Member {
    #[fsql(references = Family)]
    pub family_id: i32,
    pub name: String,
}

#[fsql::mixin(IdModel)]
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Pet {
    #[fsql(references = Family)]
    pub family_id: i32,
}

#[test]
fn a_relationship_returns_its_own_query_class() {
    for t in each_backend(&[Family::META, Member::META, Pet::META]) {
        let db = &t.db;
        let family = Family {
            id: 0,
            name: "Addams".into(),
            members: HasMany::default(),
            pets: HasMany::default(),
        }
        .insert(db)
        .unwrap();
        let other = Family {
            id: 0,
            name: "Munster".into(),
            members: HasMany::default(),
            pets: HasMany::default(),
        }
        .insert(db)
        .unwrap();
        let cousin = |family_id, name: &str| Member {
            id: 0,
            family_id,
            name: name.into(),
        };
        let itt = cousin(family.id, "Itt").insert(db).unwrap();
        let eddie = cousin(other.id, "Eddie").insert(db).unwrap();
        let nobody = cousin(0, "nobody");
        let members: GetOrQuery<'_, Member> = family.load_members();
        assert_eq!(members.get_or(db, itt.id, nobody.clone()).unwrap(), itt);
        // Eddie exists, but not in this family's query.
        assert_eq!(
            members.get_or(db, eddie.id, nobody.clone()).unwrap(),
            nobody,
            "{}",
            t.backend
        );
        let pet = Pet {
            id: 0,
            family_id: other.id,
        }
        .insert(db)
        .unwrap();
        let stray = Pet {
            id: 0,
            family_id: 0,
        };
        assert_eq!(
            other
                .pets_query()
                .get_or(db, pet.id, stray.clone())
                .unwrap(),
            pet
        );
        assert_eq!(
            family
                .pets_query()
                .get_or(db, pet.id, stray.clone())
                .unwrap(),
            stray
        );
        // Without the attribute, the plain `Query`.
        let _: Query<'_, Member> = Member::query();
    }
}

/// Single-table inheritance: one `employee` table, told apart by `kind`.
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(polymorphic_on = kind, polymorphic_identity = "employee")]
pub struct Employee {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 50)]
    pub name: String,
    #[fsql(length = 20)]
    pub kind: String,
}

#[fsql::inherits(Employee)]
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(polymorphic_identity = "manager")]
pub struct Manager {
    pub manager_data: Option<String>,
}

#[fsql::inherits(Employee)]
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(polymorphic_identity = "engineer")]
pub struct Engineer {
    /// Not an `Option`, yet nullable in the shared table: other kinds' rows have no level.
    pub level: i32,
}

#[test]
fn single_table_children_share_the_parents_table() {
    assert_eq!(Manager::TABLE_NAME, "employee");
    assert_eq!(Engineer::TABLE_NAME, "employee");
    assert_eq!(Manager::META.inherits, Some("Employee"));
    let registry = fsql::Registry::new([Employee::META, Manager::META, Engineer::META]);
    let [table] = registry.tables() else {
        panic!("one table: {:?}", registry.tables());
    };
    assert_eq!(table.model, "Employee");
    let columns: Vec<_> = table.columns.iter().map(|c| (c.name, c.nullable)).collect();
    // The parent's columns, then each child's, children in name order.
    assert_eq!(
        columns,
        [
            ("id", false),
            ("name", false),
            ("kind", false),
            ("level", true),
            ("manager_data", true),
        ]
    );
    // The global registry merges the same way.
    let global = fsql::Registry::global();
    assert_eq!(global.find("employee").unwrap().columns.len(), 5);
    assert!(global.find("Manager").is_none());
}

#[test]
fn single_table_inheritance_on_every_backend() {
    for t in each_backend(&[Employee::META, Manager::META, Engineer::META]) {
        let db = &t.db;
        let b = t.backend;
        let boss = Employee {
            id: 0,
            name: "boss".into(),
            kind: String::new(),
        }
        .insert(db)
        .unwrap();
        assert_eq!(boss.kind, "employee", "{b}");
        let manager = Manager {
            id: 0,
            name: "mia".into(),
            kind: String::new(),
            manager_data: Some("budget".into()),
        }
        .insert(db)
        .unwrap();
        assert_eq!(manager.kind, "manager", "{b}");
        let engineer = Engineer {
            id: 0,
            name: "eli".into(),
            kind: "anything".into(),
            level: 3,
        }
        .insert(db)
        .unwrap();
        assert_eq!(engineer.kind, "engineer", "{b}");

        // The parent sees every row; a child only its own.
        assert_eq!(Employee::query().count(db).unwrap(), 3, "{b}");
        assert_eq!(
            Manager::query().all(db).unwrap(),
            vec![manager.clone()],
            "{b}"
        );
        assert_eq!(Manager::query().get(db, engineer.id).unwrap(), None, "{b}");
        assert_eq!(
            Engineer::query().get(db, engineer.id).unwrap(),
            Some(engineer.clone()),
            "{b}"
        );
        assert_eq!(
            Engineer::query()
                .filter(Engineer::level.eq(3))
                .count(db)
                .unwrap(),
            1,
            "{b}"
        );
        let page = Manager::query()
            .paginate(db, PageRequest::new(1).per_page(10))
            .unwrap();
        assert_eq!(page.total(), Some(1), "{b}");

        // Updating a manager's row through the parent keeps it a manager.
        let as_employee = Employee::query().get(db, manager.id).unwrap().unwrap();
        assert_eq!(as_employee.kind, "manager", "{b}");
        Employee {
            name: "mia b.".into(),
            ..as_employee
        }
        .update(db)
        .unwrap();
        let again = Manager::query().get(db, manager.id).unwrap().unwrap();
        assert_eq!(
            (again.name.as_str(), again.kind.as_str()),
            ("mia b.", "manager"),
            "{b}"
        );

        engineer.delete(db).unwrap();
        assert_eq!(Engineer::query().count(db).unwrap(), 0, "{b}");
        assert_eq!(Employee::query().count(db).unwrap(), 2, "{b}");
    }
}

/// Joined-table inheritance: a `staff` row extends a `person` row.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Person {
    #[fsql(primary_key)]
    pub id: i32,
    #[fsql(length = 50)]
    pub name: String,
}

/// The key comes from `IdModel`, the base every model of this file uses; `inherits` makes it
/// the parent's key.
#[fsql::mixin(IdModel)]
#[derive(Model, Debug, Clone, PartialEq)]
#[fsql(inherits = Person)]
pub struct Staff {
    #[fsql(unique, length = 20)]
    pub badge: String,
    pub person: BelongsTo<Person>,
}

fn staff(name: &str, badge: &str) -> Staff {
    Staff {
        id: 0,
        badge: badge.into(),
        person: BelongsTo::loaded(Some(Person {
            id: 0,
            name: name.into(),
        })),
    }
}

#[test]
fn a_joined_inheritance_child_has_its_own_table_keyed_by_its_parents_key() {
    assert_eq!(Staff::TABLE_NAME, "staff");
    assert_eq!(Staff::META.inherits, None);
    let id = Staff::META.column("id").unwrap();
    assert!(id.primary_key && !id.autoincrement, "{id:?}");
    let [fk] = Staff::META.foreign_keys else {
        panic!("{:?}", Staff::META.foreign_keys);
    };
    assert_eq!(
        (
            fk.columns,
            fk.referred_table,
            fk.referred_columns,
            fk.on_delete
        ),
        (
            &["id"][..],
            "person",
            &["id"][..],
            Some(fsql::OnDelete::Cascade)
        )
    );
}

#[test]
fn joined_inheritance_writes_both_rows_in_one_transaction_on_every_backend() {
    const TABLES: &[&fsql::TableMeta] = &[Person::META, Staff::META];
    for t in each_backend(TABLES) {
        let b = t.backend;
        let db = &Database::builder()
            .url(t.url(None).unwrap().masked())
            .record_queries(true)
            .registry(fsql::Registry::new(TABLES.iter().copied()))
            .build()
            .unwrap();
        db.create_all().unwrap();
        let ada = staff("ada", "B1").insert(db).unwrap();
        let parent = ada
            .person
            .get()
            .flatten()
            .expect("the parent comes back")
            .clone();
        assert_eq!(parent.name, "ada", "{b}");
        assert_eq!(ada.id, parent.id, "{b}");
        assert_eq!(
            Person::query().get(db, ada.id).unwrap(),
            Some(parent.clone())
        );

        // Queries return the child with the parent's row, in one statement.
        staff("bob", "B2").insert(db).unwrap();
        db.clear_recorded_queries();
        let all = Staff::query().order_by(Staff::badge.asc()).all(db).unwrap();
        assert_eq!(db.recorded_queries().len(), 1, "{b}");
        let names: Vec<&str> = all
            .iter()
            .map(|s| s.person.get().flatten().unwrap().name.as_str())
            .collect();
        assert_eq!(names, ["ada", "bob"], "{b}");
        let found = Staff::query().get(db, ada.id).unwrap().unwrap();
        assert_eq!(found.person.get().flatten(), Some(&parent), "{b}");

        // A failing child rolls its parent back: nothing is half written.
        let people = Person::query().count(db).unwrap();
        let err = staff("eve", "B1").insert(db).unwrap_err();
        assert!(err.to_string().contains("staff"), "{b}: {err}");
        assert_eq!(Person::query().count(db).unwrap(), people, "{b}");

        // Without its parent's row, the child is refused before any statement.
        let orphan = Staff {
            person: BelongsTo::new(),
            ..staff("", "B9")
        };
        let err = orphan.insert(db).unwrap_err();
        assert!(err.to_string().contains("BelongsTo::loaded"), "{b}: {err}");

        // Updates write both rows; deletes remove both.
        let mut changed = found.clone();
        changed.badge = "B1-a".into();
        changed.person = BelongsTo::loaded(Some(Person {
            name: "ada l.".into(),
            ..parent.clone()
        }));
        changed.update(db).unwrap();
        let again = Staff::query().get(db, ada.id).unwrap().unwrap();
        assert_eq!(again.badge, "B1-a", "{b}");
        assert_eq!(again.person.get().flatten().unwrap().name, "ada l.", "{b}");
        again.delete(db).unwrap();
        assert_eq!(Staff::query().get(db, ada.id).unwrap(), None, "{b}");
        assert_eq!(Person::query().get(db, ada.id).unwrap(), None, "{b}");
        assert_eq!(Person::query().count(db).unwrap(), 1, "{b}");

        // A session writes both rows too, and its rollback takes both back.
        let mut session = db.session();
        let cy = session.add(staff("cy", "B3"));
        session.flush().unwrap();
        let cy_id = cy.key().expect("flushed");
        assert!(
            Person::query().get(&mut session, cy_id).unwrap().is_some(),
            "{b}"
        );
        session.rollback().unwrap();
        assert_eq!(Person::query().get(db, cy_id).unwrap(), None, "{b}");
        let mut session = db.session();
        session.add(staff("dee", "B4"));
        session.commit().unwrap();
        let dee = Staff::query()
            .filter(Staff::badge.eq("B4"))
            .one(db)
            .unwrap();
        assert_eq!(dee.person.get().flatten().unwrap().name, "dee", "{b}");
        let mut session = db.session();
        session.delete(dee.clone());
        session.commit().unwrap();
        assert_eq!(Person::query().get(db, dee.id).unwrap(), None, "{b}");
    }
}

/// The seeds' `TimestampMixin`: `created` is set on insert, `updated` on every update.
#[cfg(feature = "chrono")]
mod timestamps {
    use super::*;
    use chrono::NaiveDateTime;

    /// A timestamp the database keeps exactly: every backend stores whole seconds at least.
    pub fn now() -> NaiveDateTime {
        let now = chrono::Utc::now().naive_utc();
        chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::seconds(1)).unwrap()
    }

    #[derive(Mixin)]
    pub struct TimestampMixin {
        #[fsql(default_fn = crate::timestamps::now)]
        pub created: chrono::NaiveDateTime,
        #[fsql(onupdate = crate::timestamps::now)]
        pub updated: Option<chrono::NaiveDateTime>,
    }

    #[fsql::mixin(IdModel, TimestampMixin)]
    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Article {
        #[fsql(length = 200)]
        pub title: String,
    }

    #[fsql::mixin(IdModel, TimestampMixin)]
    #[derive(Model, Debug, Clone, PartialEq)]
    pub struct Comment {
        #[fsql(references = Article)]
        pub article_id: i32,
    }

    #[test]
    fn the_timestamp_mixin_sets_created_on_insert_and_updated_on_update() {
        let names: Vec<_> = Article::META.columns.iter().map(|c| c.name).collect();
        assert_eq!(names, ["id", "created", "updated", "title"]);
        let created = Article::META.column("created").unwrap();
        assert!(!created.nullable);
        assert_eq!(created.ty, fsql::ColumnType::Timestamp);
        assert!(Article::META.column("updated").unwrap().nullable);

        for t in each_backend(&[Article::META, Comment::META]) {
            let db = &t.db;
            let before = now();
            let article = Article {
                id: 0,
                created: NaiveDateTime::default(),
                updated: None,
                title: "hello".into(),
            }
            .insert(db)
            .unwrap();
            assert!(article.created >= before, "{}", t.backend);
            assert_eq!(article.updated, None, "{}", t.backend);
            let comment = Comment {
                id: 0,
                created: NaiveDateTime::default(),
                updated: None,
                article_id: article.id,
            }
            .insert(db)
            .unwrap();
            assert!(comment.created >= before, "{}", t.backend);

            // Whatever the struct holds, the update writes the time of the update.
            Article {
                title: "hello again".into(),
                ..article.clone()
            }
            .update(db)
            .unwrap();
            let stored = Article::query().get(db, article.id).unwrap().unwrap();
            assert_eq!(stored.title, "hello again");
            assert_eq!(stored.created, article.created, "{}", t.backend);
            let updated = stored.updated.expect("updated is set by the update");
            assert!(updated >= article.created, "{}", t.backend);

            // The session's updates go through the same changeset.
            let mut session = db.session();
            session.update(Comment {
                updated: None,
                ..comment.clone()
            });
            session.commit().unwrap();
            let stored = Comment::query().get(db, comment.id).unwrap().unwrap();
            assert!(stored.updated.is_some(), "{}", t.backend);
        }
    }
}
