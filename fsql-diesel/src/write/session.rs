//! [`Session`]: Flask-SQLAlchemy's `db.session` — a unit of work over every bind.
//!
//! ```
//! # use fsql::prelude::*;
//! # #[derive(Model, Debug, Clone)]
//! # pub struct User {
//! #     #[fsql(primary_key)]
//! #     pub id: i32,
//! #     pub name: String,
//! # }
//! # #[derive(Model, Debug, Clone)]
//! # pub struct Post {
//! #     #[fsql(primary_key)]
//! #     pub id: i32,
//! #     #[fsql(references = User)]
//! #     pub user_id: i32,
//! #     pub title: String,
//! # }
//! # fn main() -> fsql::Result<()> {
//! # let db = Database::builder().url("sqlite://").build()?;
//! # db.create_all()?;
//! let mut session = db.session();
//! let alice = session.add(User { id: 0, name: "alice".into() });
//! // A child of a row that has no key yet: the link runs at flush, with the parent as stored.
//! let post = session.add_with(Post { id: 0, user_id: 0, title: "hi".into() }, &alice,
//!                             |post, user| post.user_id = user.id);
//! session.commit()?;
//! assert_eq!(post.get().unwrap().user_id, alice.key().unwrap());
//! # Ok(())
//! # }
//! ```
//!
//! How it works:
//!
//! - [`add`](Session::add), [`update`](Session::update) and [`delete`](Session::delete) only
//!   queue work. [`flush`](Session::flush) (also run by [`commit`](Session::commit) and before
//!   every read through the session) writes it: inserts parents before children (foreign keys
//!   and [`add_with`](Session::add_with) links), then updates, then deletes children before
//!   parents. Inserts of one model are batched ([`add_all`](Session::add_all)).
//! - The first statement on a bind opens a transaction on a connection of that bind, held by
//!   the session until `commit` or `rollback`. Reads through `&mut Session` (it is an
//!   [`Executor`]) run on those connections and see the session's writes.
//!   Reads through the `Database` run on other connections and do not, until the commit (an
//!   in-memory SQLite database has a single connection: read through the session).
//! - If any statement fails, every bind is rolled back, the error names the statement and the
//!   model, and the queued work is kept (nothing is marked written): inspect it with
//!   [`pending`](Session::pending), fix the data and `commit` again, or
//!   [`rollback`](Session::rollback) to drop it.
//!
//! **No two-phase commit.** `commit` commits the binds one after the other. Every statement
//! has run before the first `COMMIT`, so constraint violations, missing rows and the like roll
//! back every bind. But if a later bind's `COMMIT` itself fails (the server goes away, a
//! deferred constraint or a serialization failure at commit time) after an earlier bind
//! committed, the earlier bind's changes stay: the error ([`Error::Session`]) says which binds
//! committed and which did not. Keep data that must change together in one bind.

use std::any::Any;
use std::fmt;
use std::panic::Location;
use std::sync::{Arc, Mutex, MutexGuard};

use diesel::connection::{Connection, TransactionManager};

use crate::conn::backend::{dispatch, AnyConnection, FsqlBackend};
use crate::conn::executor::Executor;
use crate::conn::instrument::with_location;
use crate::conn::pool::PooledConnection;
use crate::database::Database;
use crate::model::Model;
use crate::write::tracking::{Change, Operation};
use fsql_core::{Error, Result, TableMeta};

/// A row added to a [`Session`]: its stored form (with the database-assigned key) once the
/// session has flushed. Cheap to clone; all clones see the same row.
pub struct Pending<M> {
    slot: Slot<M>,
    /// This handle's number in the process, shown while the row is unwritten (what Python's
    /// `id(obj)` is in SQLAlchemy's `<User (pending 4362)>`).
    ticket: u64,
}

type Slot<M> = Arc<Mutex<Option<M>>>;

fn lock<M>(slot: &Slot<M>) -> MutexGuard<'_, Option<M>> {
    // A panic elsewhere cannot leave the Option half-written.
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<M> Clone for Pending<M> {
    fn clone(&self) -> Self {
        Self {
            slot: Arc::clone(&self.slot),
            ticket: self.ticket,
        }
    }
}

impl<M> Pending<M> {
    fn new(slot: Slot<M>) -> Self {
        static TICKETS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self {
            slot,
            ticket: TICKETS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }
}

impl<M: Model> Pending<M> {
    /// The primary key, once flushed (`None` before, and again after a rollback).
    pub fn key(&self) -> Option<M::PrimaryKey> {
        lock(&self.slot).as_ref().map(Model::primary_key)
    }

    /// The row as stored (key, server defaults and `default_fn` values filled), once flushed.
    pub fn get(&self) -> Option<M>
    where
        M: Clone,
    {
        lock(&self.slot).clone()
    }

    /// Runs `f` on the stored row, once flushed.
    pub fn with<R>(&self, f: impl FnOnce(&M) -> R) -> Option<R> {
        lock(&self.slot).as_ref().map(f)
    }

    /// Whether the row has been written (in the session's open transaction or committed).
    pub fn is_flushed(&self) -> bool {
        lock(&self.slot).is_some()
    }
}

/// Flask-SQLAlchemy's repr of a row in a session: `<User (pending 7)>` until it is written,
/// then the row's own `Display` (`<User 1>`, from `#[fsql(repr)]`).
///
/// ```
/// # use fsql::prelude::*;
/// #[derive(Model, Debug, Clone)]
/// #[fsql(repr)]
/// pub struct User {
///     #[fsql(primary_key)]
///     pub id: i32,
/// }
/// # fn main() -> fsql::Result<()> {
/// # let db = Database::builder().url("sqlite://").build()?;
/// # db.create_all()?;
/// let mut session = db.session();
/// let user = session.add(User { id: 0 });
/// assert!(user.to_string().starts_with("<User (pending "));
/// session.commit()?;
/// assert_eq!(user.to_string(), "<User 1>");
/// # Ok(())
/// # }
/// ```
impl<M: Model + fmt::Display> fmt::Display for Pending<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*lock(&self.slot) {
            Some(row) => row.fmt(f),
            None => write!(f, "<{} (pending {})>", M::META.model, self.ticket),
        }
    }
}

impl<M: Model + fmt::Debug> fmt::Debug for Pending<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending")
            .field("model", &M::META.model)
            .field("stored", &*lock(&self.slot))
            .finish()
    }
}

/// Queued work of one kind on one model, as [`Session::pending`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingWork {
    /// Insert, update or delete.
    pub operation: Operation,
    /// The model's table.
    pub table: &'static TableMeta,
    /// How many rows.
    pub rows: usize,
    /// Written in the session's open transaction (not committed yet).
    pub flushed: bool,
}

/// Sets a child's foreign key from its parent as stored; runs at every flush.
type Link<M> = Box<dyn Fn(&mut M) -> Result<()> + Send>;

/// One queued unit of work, with its model erased.
trait Unit: Send {
    fn table(&self) -> &'static TableMeta;
    fn operation(&self) -> Operation;
    /// Tables of parents this work was linked to with `add_with`.
    fn linked(&self) -> &[&'static TableMeta];
    fn rows(&self) -> usize;
    fn is_flushed(&self) -> bool;
    fn flush(&mut self, conn: &mut AnyConnection) -> Result<()>;
    /// The transaction was rolled back: nothing of this is written any more.
    fn reset(&mut self);
    fn changes(&self, out: &mut Vec<Change>);
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

struct Insert<M> {
    rows: Vec<M>,
    slots: Vec<Slot<M>>,
    links: Vec<(usize, Link<M>)>,
    linked: Vec<&'static TableMeta>,
    flushed: bool,
}

impl<M: Model + Clone> Unit for Insert<M> {
    fn table(&self) -> &'static TableMeta {
        M::META
    }
    fn operation(&self) -> Operation {
        Operation::Insert
    }
    fn linked(&self) -> &[&'static TableMeta] {
        &self.linked
    }
    fn rows(&self) -> usize {
        self.rows.len()
    }
    fn is_flushed(&self) -> bool {
        self.flushed
    }
    fn flush(&mut self, conn: &mut AnyConnection) -> Result<()> {
        for (i, link) in &self.links {
            link(&mut self.rows[*i])?;
        }
        let stored = if M::__JOINED_PARENT {
            // Each row brings its parent's row, inserted first for its key: one by one.
            let mut stored = Vec::with_capacity(self.rows.len());
            for row in &self.rows {
                stored.push(row.__insert_on(conn)?);
            }
            stored
        } else {
            let refs: Vec<&M> = self.rows.iter().collect();
            dispatch!(conn, |c, DB| crate::write::batch::insert_all::<M, DB>(
                c, &refs
            ))?
        };
        for (slot, row) in self.slots.iter().zip(stored) {
            *lock(slot) = Some(row);
        }
        self.flushed = true;
        Ok(())
    }
    fn reset(&mut self) {
        self.flushed = false;
        for slot in &self.slots {
            *lock(slot) = None;
        }
    }
    fn changes(&self, out: &mut Vec<Change>) {
        for slot in &self.slots {
            if let Some(row) = lock(slot).clone() {
                out.push(Change::new(Operation::Insert, row));
            }
        }
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// An update of one row, or deletes of rows of one model queued one after another.
struct Write<M> {
    rows: Vec<M>,
    operation: Operation,
    flushed: bool,
}

/// Keys per `DELETE .. WHERE key IN (..)`: SQLAlchemy's page size for multi-row statements,
/// well under every backend's bound-parameter limit.
const DELETE_CHUNK: usize = 1_000;

impl<M: Model + Clone> Write<M> {
    fn missing(&self, row: &M) -> Error {
        crate::write::row::missing::<M>(&row.primary_key(), self.operation)
    }

    /// Deletes `rows` with one statement, when the model allows it (a one-column key, no
    /// parent row of a joined-inheritance child to delete with each). `None`: delete them one
    /// by one.
    fn delete_chunk(conn: &mut AnyConnection, rows: &[M]) -> Option<Result<()>> {
        if M::__JOINED_PARENT || rows.len() < 2 {
            return None;
        }
        let keys: Vec<M::PrimaryKey> = rows.iter().map(Model::primary_key).collect();
        let query = M::__filter_keys(crate::model::query::Query::new(), keys)?;
        let deleted = dispatch!(conn, |c, DB| {
            <M as crate::model::ModelOn<DB>>::delete_where(c, &query)
        });
        Some(deleted.and_then(|n| {
            if n == rows.len() {
                return Ok(());
            }
            // SQLAlchemy's StaleDataError: the statement cannot say which key was missing.
            Err(Error::not_found_with(format!(
                "cannot delete {}: expected to delete {} rows of table `{}` by primary key, \
                 but {n} matched (a row was deleted already, queued twice, or its key changed)",
                M::META.model,
                rows.len(),
                M::TABLE_NAME,
            )))
        }))
    }
}

impl<M: Model + Clone> Unit for Write<M> {
    fn table(&self) -> &'static TableMeta {
        M::META
    }
    fn operation(&self) -> Operation {
        self.operation
    }
    fn linked(&self) -> &[&'static TableMeta] {
        &[]
    }
    fn rows(&self) -> usize {
        self.rows.len()
    }
    fn is_flushed(&self) -> bool {
        self.flushed
    }
    fn flush(&mut self, conn: &mut AnyConnection) -> Result<()> {
        if self.operation == Operation::Update {
            let orphans_go = crate::relation::cascade::has_orphan_rules::<M>();
            for row in &self.rows {
                // `delete-orphan`: a child updated to point at no parent is deleted instead.
                if orphans_go && crate::relation::cascade::is_orphan(row) {
                    let pk = row.primary_key();
                    crate::relation::association::clean_up::<M>(conn, &pk)?;
                    if M::__delete_on(conn, &pk)? == 0 {
                        return Err(self.missing(row));
                    }
                    continue;
                }
                if row.__update_on(conn)? == 0 {
                    return Err(self.missing(row));
                }
            }
            self.flushed = true;
            return Ok(());
        }
        let cleanups = crate::relation::association::has_cleanups::<M>();
        for chunk in self.rows.chunks(DELETE_CHUNK) {
            // Association rows first, as `Record::delete` does.
            if cleanups {
                for row in chunk {
                    crate::relation::association::clean_up::<M>(conn, &row.primary_key())?;
                }
            }
            if let Some(done) = Self::delete_chunk(conn, chunk) {
                done?;
                continue;
            }
            for row in chunk {
                if M::__delete_on(conn, &row.primary_key())? == 0 {
                    return Err(self.missing(row));
                }
            }
        }
        self.flushed = true;
        Ok(())
    }
    fn reset(&mut self) {
        self.flushed = false;
    }
    fn changes(&self, out: &mut Vec<Change>) {
        for row in &self.rows {
            out.push(Change::new(self.operation, row.clone()));
        }
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A bind on which the session has a transaction open.
struct OpenBind {
    key: Option<&'static str>,
    conn: PooledConnection,
    /// Held until the transaction ends (SQLite files: see `write_gate`).
    _turn: Option<crate::conn::write_gate::WriteTurn>,
}

/// A unit of work over every bind of a [`Database`]: Flask-SQLAlchemy's `db.session`.
/// Made by [`Database::session`]; see the [module documentation](self) for the rules.
///
/// Dropping a session with uncommitted work rolls it back.
pub struct Session {
    db: Database,
    units: Vec<Box<dyn Unit>>,
    open: Vec<OpenBind>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("pending", &self.pending())
            .field(
                "open_binds",
                &self.open.iter().map(|b| b.key).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Database {
    /// A new [`Session`] (Flask-SQLAlchemy's `db.session`). Opening one costs nothing: it
    /// takes connections when it first writes or reads.
    pub fn session(&self) -> Session {
        Session {
            db: self.clone(),
            units: Vec::new(),
            open: Vec::new(),
        }
    }
}

/// A session writes: its transactions begin as writers (`BEGIN IMMEDIATE` on SQLite).
fn begin(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    crate::conn::backend::begin_write(conn)
}

/// The concrete transaction manager of a connection.
fn commit_tx(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    dispatch!(conn, |c, DB| {
        <<DB as FsqlBackend>::Conn as Connection>::TransactionManager::commit_transaction(c)
    })
}

fn rollback_tx(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    dispatch!(conn, |c, DB| {
        <<DB as FsqlBackend>::Conn as Connection>::TransactionManager::rollback_transaction(c)
    })
}

pub(crate) fn bind_name(key: Option<&str>) -> String {
    key.map_or_else(
        || "the default database".to_owned(),
        |k| format!("bind {k:?}"),
    )
}

impl Session {
    /// Queues `row` for insertion and returns its handle. A key left at its default (`0`,
    /// `None`) is assigned by the database; read it from the handle after the flush.
    pub fn add<M: Model + Clone>(&mut self, row: M) -> Pending<M> {
        let slot = Arc::new(Mutex::new(None));
        let unit = self.insert_unit::<M>();
        unit.rows.push(row);
        unit.slots.push(Arc::clone(&slot));
        Pending::new(slot)
    }

    /// `M`'s query, Flask-SQLAlchemy's `session.query(User)`: a plain [`Query`](crate::Query)
    /// (not the model's `query_class`, as in Flask). Run it on the session
    /// (`.all(&mut session)`) to read the session's own flushed writes.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// let mut session = db.session();
    /// session.add(User { id: 0 });
    /// session.flush()?;
    /// let users = session.query::<User>().all(&mut session)?;
    /// assert_eq!(users.len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn query<'a, M: Model>(&self) -> crate::model::query::Query<'a, M> {
        crate::model::query::Query::new()
    }

    /// Takes a row queued with [`add`](Self::add) out of the session before it is written
    /// (Flask-SQLAlchemy's `session.expunge(obj)` of a pending object): the next flush does
    /// not insert it. Returns whether it was queued and unwritten; a row already flushed is
    /// written in the session's transaction and stays (roll back to undo it). A row added with
    /// `add_with` under this one then fails the flush, naming the missing parent.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// let mut session = db.session();
    /// let kept = session.add(User { id: 0 });
    /// let dropped = session.add(User { id: 0 });
    /// assert!(session.expunge(&dropped));
    /// session.commit()?;
    /// assert_eq!((kept.key(), dropped.key()), (Some(1), None));
    /// assert_eq!(User::query().count(&db)?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn expunge<M: Model + Clone>(&mut self, row: &Pending<M>) -> bool {
        for u in 0..self.units.len() {
            if self.units[u].is_flushed() {
                continue;
            }
            let Some(insert) = self.units[u].as_any_mut().downcast_mut::<Insert<M>>() else {
                continue;
            };
            let Some(index) = insert.slots.iter().position(|s| Arc::ptr_eq(s, &row.slot)) else {
                continue;
            };
            insert.rows.remove(index);
            insert.slots.remove(index);
            insert.links.retain(|(i, _)| *i != index);
            for (i, _) in &mut insert.links {
                if *i > index {
                    *i -= 1;
                }
            }
            if insert.rows.is_empty() {
                // Nothing left to write: `pending()` no longer lists it.
                self.units.remove(u);
            }
            return true;
        }
        false
    }

    /// Queues many rows; they are inserted in as few statements as the backend allows (multi-row
    /// `INSERT`, chunked under the backend's parameter limit), each handle receiving its own
    /// row's key. Flask-SQLAlchemy's `session.add_all`.
    pub fn add_all<M: Model + Clone>(
        &mut self,
        rows: impl IntoIterator<Item = M>,
    ) -> Vec<Pending<M>> {
        let unit = self.insert_unit::<M>();
        let rows = rows.into_iter();
        let mut handles = Vec::with_capacity(rows.size_hint().0);
        for row in rows {
            let slot = Arc::new(Mutex::new(None));
            unit.rows.push(row);
            unit.slots.push(Arc::clone(&slot));
            handles.push(Pending::new(slot));
        }
        handles
    }

    /// Queues `row` as a child of `parent`, a row added to a session whose key may not be
    /// known yet. At flush, after the parent is written, `link` is called with the child and
    /// the parent as stored, to set the child's foreign key:
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     pub name: String,
    /// # }
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Post {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     #[fsql(references = User)]
    /// #     pub user_id: i32,
    /// #     pub title: String,
    /// # }
    /// # fn main() -> fsql::Result<()> {
    /// # let db = Database::builder().url("sqlite://").build()?;
    /// # db.create_all()?;
    /// # let mut session = db.session();
    /// let user = session.add(User { id: 0, name: "ann".into() });
    /// session.add_with(Post { id: 0, user_id: 0, title: "hi".into() }, &user,
    ///                  |post, user| post.user_id = user.id);
    /// # session.commit()?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// The parent is written first even across binds. A parent that is neither flushed nor
    /// queued in this session (e.g. rolled back) makes the flush fail with
    /// [`Error::Session`].
    pub fn add_with<M, P>(
        &mut self,
        row: M,
        parent: &Pending<P>,
        link: impl Fn(&mut M, &P) + Send + 'static,
    ) -> Pending<M>
    where
        M: Model + Clone,
        P: Model,
    {
        let parent_slot = Arc::clone(&parent.slot);
        let link: Link<M> = Box::new(move |child: &mut M| match &*lock(&parent_slot) {
            Some(p) => {
                link(child, p);
                Ok(())
            }
            None => Err(Error::Session(format!(
                "a `{}` row is linked to a `{}` row that has not been written: add the parent \
                 to this session (it may have been rolled back)",
                M::META.model,
                P::META.model
            ))),
        });
        let slot = Arc::new(Mutex::new(None));
        let unit = self.insert_unit::<M>();
        let index = unit.rows.len();
        unit.rows.push(row);
        unit.slots.push(Arc::clone(&slot));
        unit.links.push((index, link));
        if !unit.linked.contains(&P::META) {
            unit.linked.push(P::META);
        }
        Pending::new(slot)
    }

    /// Queues an `UPDATE` of every column of `row`, by its primary key (SQLAlchemy's dirty
    /// objects; `merge` for a detached row). The flush fails with `NotFound` if no row has
    /// that key.
    pub fn update<M: Model + Clone>(&mut self, row: M) {
        self.units.push(Box::new(Write {
            rows: vec![row],
            operation: Operation::Update,
            flushed: false,
        }));
    }

    /// Queues a `DELETE` of the row with `row`'s primary key (and of its rows in association
    /// tables, as [`Record::delete`](crate::Record::delete) does). The flush fails with
    /// `NotFound` if there is none. Deletes of one model queued one after another run as one
    /// `DELETE .. WHERE key IN (..)` per 1,000 rows (one statement per row for composite keys
    /// and joined-inheritance children).
    pub fn delete<M: Model + Clone>(&mut self, row: M) {
        if let Some(last) = self.units.last_mut() {
            if let Some(w) = last.as_any_mut().downcast_mut::<Write<M>>() {
                if w.operation == Operation::Delete && !w.flushed {
                    w.rows.push(row);
                    return;
                }
            }
        }
        self.units.push(Box::new(Write {
            rows: vec![row],
            operation: Operation::Delete,
            flushed: false,
        }));
    }

    /// The queued work since the last commit or rollback, in the order it was queued: one
    /// entry per model for inserts, one per update, and one per run of deletes of one model
    /// queued one after another.
    pub fn pending(&self) -> Vec<PendingWork> {
        self.units
            .iter()
            .map(|u| PendingWork {
                operation: u.operation(),
                table: u.table(),
                rows: u.rows(),
                flushed: u.is_flushed(),
            })
            .collect()
    }

    /// Nothing queued since the last commit or rollback.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The insert unit of `M` that has not been written yet, made if needed, so that rows of
    /// one model added one by one still share statements.
    fn insert_unit<M: Model + Clone>(&mut self) -> &mut Insert<M> {
        let found = self.units.iter().rposition(|u| {
            !u.is_flushed() && u.operation() == Operation::Insert && u.table() == M::META
        });
        let index = match found {
            Some(i) if self.units[i].as_any_mut().is::<Insert<M>>() => i,
            _ => {
                self.units.push(Box::new(Insert::<M> {
                    rows: Vec::new(),
                    slots: Vec::new(),
                    links: Vec::new(),
                    linked: Vec::new(),
                    flushed: false,
                }));
                self.units.len() - 1
            }
        };
        self.units[index]
            .as_any_mut()
            .downcast_mut::<Insert<M>>()
            .expect("checked above")
    }

    /// The session's connection to `table`'s bind, in the session's transaction (opened now
    /// if needed). For hand-written Diesel inside the session.
    pub fn connection_for(&mut self, table: &'static TableMeta) -> Result<&mut AnyConnection> {
        open_bind(&self.db, &mut self.open, table)
    }

    /// Writes the queued work, in dependency order, inside the session's transactions; keys
    /// assigned by the database are then readable from the handles. On failure every bind is
    /// rolled back and the work stays queued.
    #[track_caller]
    pub fn flush(&mut self) -> Result<()> {
        with_location(Location::caller(), || self.flush_here())
    }

    fn flush_here(&mut self) -> Result<()> {
        if self.units.iter().all(|u| u.is_flushed()) {
            return Ok(());
        }
        for i in self.plan() {
            let table = self.units[i].table();
            let result = open_bind(&self.db, &mut self.open, table)
                .and_then(|conn| self.units[i].flush(conn));
            if let Err(e) = result {
                self.abort();
                return Err(e);
            }
        }
        Ok(())
    }

    /// The unwritten units in the order they must run: inserts parents first, then updates in
    /// the order queued, then deletes children first.
    fn plan(&self) -> Vec<usize> {
        let n = self.units.len();
        // Depth is a property of tables, not rows: each update or delete is a unit of its own,
        // so comparing units pairwise would cost (rows)^2 for a session that deletes 10,000
        // rows of one table. Group the units by table first.
        let mut tables: Vec<&'static TableMeta> = Vec::new();
        let mut linked: Vec<Vec<&'static TableMeta>> = Vec::new();
        let table_of: Vec<usize> = self
            .units
            .iter()
            .map(|unit| {
                let t = unit.table();
                let i = match tables.iter().position(|x| std::ptr::eq(*x, t) || **x == *t) {
                    Some(i) => i,
                    None => {
                        tables.push(t);
                        linked.push(Vec::new());
                        tables.len() - 1
                    }
                };
                linked[i].extend_from_slice(unit.linked());
                i
            })
            .collect();
        let depth = table_depths(&tables, &linked);
        let depth = |unit: usize| depth[table_of[unit]];
        let todo = |op: Operation| {
            (0..n)
                .filter(move |&i| !self.units[i].is_flushed() && self.units[i].operation() == op)
                .collect::<Vec<_>>()
        };
        let mut inserts = todo(Operation::Insert);
        inserts.sort_by_key(|&i| depth(i));
        let mut deletes = todo(Operation::Delete);
        deletes.sort_by_key(|&i| std::cmp::Reverse(depth(i)));
        inserts
            .into_iter()
            .chain(todo(Operation::Update))
            .chain(deletes)
            .collect()
    }

    /// Rolls back every open bind and marks everything unwritten (the work stays queued).
    fn abort(&mut self) {
        for mut bind in self.open.drain(..) {
            // A bind whose rollback fails is broken; the pool discards it when it comes back.
            let _ = rollback_tx(&mut bind.conn);
        }
        for unit in &mut self.units {
            unit.reset();
        }
    }

    /// Flushes, then commits every bind (Flask-SQLAlchemy's `db.session.commit()`). With
    /// [change tracking](crate::tracking) on, calls the database's hooks around the commit.
    /// See the [module documentation](self) about failures at `COMMIT` across binds.
    #[track_caller]
    pub fn commit(&mut self) -> Result<()> {
        with_location(Location::caller(), || self.commit_here())
    }

    fn commit_here(&mut self) -> Result<()> {
        self.flush_here()?;
        let tracking = self.db.inner.tracking.clone();
        let changes = match &tracking {
            Some(_) => {
                let mut changes = Vec::new();
                for unit in &self.units {
                    unit.changes(&mut changes);
                }
                changes
            }
            None => Vec::new(),
        };
        if let Some(hooks) = &tracking {
            if !changes.is_empty() {
                for hook in &hooks.before {
                    hook(&changes);
                }
            }
        }
        let mut open = std::mem::take(&mut self.open);
        let mut committed: Vec<Option<&'static str>> = Vec::new();
        for i in 0..open.len() {
            if let Err(e) = commit_tx(&mut open[i].conn) {
                let failed = open[i].key;
                for later in &mut open[i + 1..] {
                    let _ = rollback_tx(&mut later.conn);
                }
                let err = crate::conn::error::from_diesel(e, None, Some("COMMIT".to_owned()));
                if committed.is_empty() {
                    // Nothing is committed anywhere: the work stays queued, as after a failed
                    // statement.
                    for unit in &mut self.units {
                        unit.reset();
                    }
                    return Err(err);
                }
                self.units.clear();
                for key in &committed {
                    self.db.wrote_to(*key);
                }
                let done: Vec<String> = committed.iter().map(|k| bind_name(*k)).collect();
                return Err(Error::Session(format!(
                    "COMMIT failed on {} after {} committed (there is no two-phase commit \
                     across databases; the committed changes stay): {err}",
                    bind_name(failed),
                    done.join(", ")
                )));
            }
            committed.push(open[i].key);
        }
        drop(open);
        // Replicas may not have these commits yet: this thread's reads stay on the primaries.
        for key in &committed {
            self.db.wrote_to(*key);
        }
        self.units.clear();
        if let Some(hooks) = &tracking {
            if !changes.is_empty() {
                for hook in &hooks.after {
                    hook(&changes);
                }
            }
        }
        Ok(())
    }

    /// Rolls back every bind and drops the queued work (Flask-SQLAlchemy's
    /// `db.session.rollback()`); handles of rows added since the last commit lose their rows.
    #[track_caller]
    pub fn rollback(&mut self) -> Result<()> {
        with_location(Location::caller(), || {
            let mut first_error = None;
            for mut bind in self.open.drain(..) {
                if let Err(e) = rollback_tx(&mut bind.conn) {
                    first_error.get_or_insert(crate::conn::error::from_diesel(
                        e,
                        None,
                        Some("ROLLBACK".to_owned()),
                    ));
                }
            }
            for unit in &mut self.units {
                unit.reset();
            }
            self.units.clear();
            first_error.map_or(Ok(()), Err)
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        for mut bind in self.open.drain(..) {
            let _ = rollback_tx(&mut bind.conn);
        }
    }
}

/// The open connection to `table`'s bind, opening it (and its transaction) on first use.
/// Each table's depth in the graph "child -> parent" among `tables` (foreign keys within a
/// bind, and `linked[i]`: the parents table `i`'s rows were tied to with `add_with`, across
/// binds too). Relaxation stops after as many rounds as there are tables, so a cycle (a
/// self-referencing table) cannot loop.
fn table_depths(tables: &[&'static TableMeta], linked: &[Vec<&'static TableMeta>]) -> Vec<usize> {
    let n = tables.len();
    let parent_of = |c: usize, p: usize| {
        let (child, parent) = (tables[c], tables[p]);
        c != p
            && (child.bind == parent.bind
                && child
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.referred_table == parent.name)
                || linked[c].contains(&parent))
    };
    let mut depth = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for c in 0..n {
            for p in 0..n {
                if parent_of(c, p) && depth[c] <= depth[p] && depth[p] < n {
                    depth[c] = depth[p] + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    depth
}

fn open_bind<'s>(
    db: &Database,
    open: &'s mut Vec<OpenBind>,
    table: &'static TableMeta,
) -> Result<&'s mut AnyConnection> {
    let index = match open.iter().position(|b| b.key == table.bind) {
        Some(i) => i,
        None => {
            let (turn, mut conn) = db.write_connection(table)?;
            begin(&mut conn).map_err(|e| {
                crate::conn::error::from_diesel(e, Some(table.model), Some("BEGIN".to_owned()))
            })?;
            open.push(OpenBind {
                key: table.bind,
                conn,
                _turn: turn,
            });
            open.len() - 1
        }
    };
    Ok(&mut open[index].conn)
}

/// Reads (and writes) through the session run in its transactions, after a flush, so they see
/// the session's own writes (SQLAlchemy's autoflush).
impl Executor for &mut Session {
    fn run<R>(
        self,
        table: &'static TableMeta,
        f: impl FnOnce(&mut AnyConnection) -> Result<R>,
    ) -> Result<R> {
        self.flush_here()?;
        let conn = open_bind(&self.db, &mut self.open, table)?;
        f(conn)
    }
}
