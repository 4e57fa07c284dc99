//! The relationship fields of a model: slots that hold what has been loaded.
//!
//! A slot is a cache, not data of the row: it starts empty, is filled by eager loading or by the
//! first call of the relationship's accessor, and is ignored by equality (two rows with the
//! same columns are equal whether or not their relationships were loaded).

use std::fmt;
use std::sync::OnceLock;

use fsql_core::{Error, Result};

/// Whether a slot that was not loaded loads on access, as the query that read its row said.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Access {
    /// As the relationship declares (`lazy = ..`).
    #[default]
    Declared,
    /// Loads on access (`lazyload(..)`), even under `lazy = "raise"`.
    Load,
    /// Refuses to load on access (`raiseload(..)`).
    Raise,
}

/// What every slot type does for the loaders.
#[doc(hidden)]
pub trait Slot: Default + Send + Sync {
    /// The model it holds.
    type Target;
    /// What a loaded slot shows: `&[T]` or `Option<&T>`.
    type View<'s>
    where
        Self: 's;
    /// What the slot stores: `Vec<T>`, or `Option<Box<T>>` (boxed, so that a model can hold a
    /// row of its own type: a parent category, the comment a reply answers).
    type Owned;
    /// What was loaded, as a caller owns it: `Vec<T>` or `Option<T>`.
    type Value;

    /// Turns the rows loaded for one parent into the stored form (a to-one slot refuses more
    /// than one row rather than keep an arbitrary one).
    fn collect(rows: Vec<Self::Target>, relationship: &'static str) -> Result<Self::Owned>;
    /// The stored form as a caller owns it.
    fn into_value(owned: Self::Owned) -> Self::Value;
    /// The loaded value, if any.
    fn cell(&self) -> &OnceLock<Self::Owned>;
    /// Replaces the cell.
    fn cell_mut(&mut self) -> &mut OnceLock<Self::Owned>;
    /// A view of an owned value.
    fn view(owned: &Self::Owned) -> Self::View<'_>;
    /// Whether the slot loads on access when nothing was loaded.
    fn access(&self) -> Access;
    /// Sets it, for the query's loader options.
    fn set_access(&mut self, access: Access);
}

macro_rules! slot {
    ($(#[$doc:meta])* $name:ident, many) => {
        slot!(@common $(#[$doc])* $name, Vec<T>, Vec<T>, |v: Vec<T>| v, |o: Vec<T>| o);

        impl<T> $name<T> {
            /// The loaded rows, or `None` when nothing was loaded yet.
            pub fn get(&self) -> Option<&[T]> {
                self.loaded.get().map(Vec::as_slice)
            }
        }

        impl<T: Send + Sync> Slot for $name<T> {
            type Target = T;
            type View<'s> = &'s [T] where T: 's;
            type Owned = Vec<T>;
            type Value = Vec<T>;

            fn collect(rows: Vec<T>, _: &'static str) -> Result<Vec<T>> {
                Ok(rows)
            }
            fn into_value(owned: Vec<T>) -> Vec<T> {
                owned
            }
            fn cell(&self) -> &OnceLock<Vec<T>> {
                &self.loaded
            }
            fn cell_mut(&mut self) -> &mut OnceLock<Vec<T>> {
                &mut self.loaded
            }
            fn view(owned: &Vec<T>) -> &[T] {
                owned
            }
            fn access(&self) -> Access {
                self.access
            }
            fn set_access(&mut self, access: Access) {
                self.access = access;
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, one) => {
        slot!(@common $(#[$doc])* $name, Option<Box<T>>, Option<T>, |v: Option<T>| v.map(Box::new), |o: Option<Box<T>>| o.map(|b| *b));

        impl<T> $name<T> {
            /// `Some(row)` or `Some(None)` once loaded; `None` when nothing was loaded yet.
            pub fn get(&self) -> Option<Option<&T>> {
                self.loaded.get().map(Option::as_deref)
            }
        }

        impl<T: Send + Sync> Slot for $name<T> {
            type Target = T;
            type View<'s> = Option<&'s T> where T: 's;
            type Owned = Option<Box<T>>;
            type Value = Option<T>;

            fn collect(rows: Vec<T>, relationship: &'static str) -> Result<Option<Box<T>>> {
                let mut rows = rows.into_iter();
                match (rows.next(), rows.next()) {
                    (Some(_), Some(_)) => Err(Error::MultipleResultsFound { model: relationship }),
                    (row, _) => Ok(row.map(Box::new)),
                }
            }
            fn into_value(owned: Option<Box<T>>) -> Option<T> {
                owned.map(|b| *b)
            }
            fn cell(&self) -> &OnceLock<Option<Box<T>>> {
                &self.loaded
            }
            fn cell_mut(&mut self) -> &mut OnceLock<Option<Box<T>>> {
                &mut self.loaded
            }
            fn view(owned: &Option<Box<T>>) -> Option<&T> {
                owned.as_deref()
            }
            fn access(&self) -> Access {
                self.access
            }
            fn set_access(&mut self, access: Access) {
                self.access = access;
            }
        }
    };
    (@common $(#[$doc:meta])* $name:ident, $owned:ty, $value:ty, $store:expr, $unstore:expr) => {
        $(#[$doc])*
        pub struct $name<T> {
            loaded: OnceLock<$owned>,
            access: Access,
        }

        impl<T> $name<T> {
            /// An empty slot: nothing loaded.
            pub const fn new() -> Self {
                Self { loaded: OnceLock::new(), access: Access::Declared }
            }

            /// A slot holding `value`, as if it had been loaded.
            pub fn loaded(value: $value) -> Self {
                Self { loaded: OnceLock::from(($store)(value)), access: Access::Declared }
            }

            /// Whether the relationship was loaded.
            pub fn is_loaded(&self) -> bool {
                self.loaded.get().is_some()
            }

            /// Takes what was loaded out, leaving the slot empty.
            pub fn take(&mut self) -> Option<$value> {
                self.loaded.take().map($unstore)
            }
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<T: Clone> Clone for $name<T> {
            fn clone(&self) -> Self {
                Self { loaded: self.loaded.clone(), access: self.access }
            }
        }

        /// Always equal: a slot caches related rows, it is not part of the row's value.
        impl<T> PartialEq for $name<T> {
            fn eq(&self, _: &Self) -> bool {
                true
            }
        }

        impl<T> Eq for $name<T> {}

        impl<T: fmt::Debug> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.loaded.get() {
                    Some(v) => v.fmt(f),
                    None => f.write_str("<not loaded>"),
                }
            }
        }

        /// Serialized as what was loaded, `null` when nothing was.
        impl<T: serde::Serialize> serde::Serialize for $name<T> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                self.loaded.get().serialize(s)
            }
        }
    };
}

slot!(
    /// A one-to-many relationship (Flask-SQLAlchemy's `db.relationship(..)` on the "one" side):
    /// the children whose foreign key points at this row. Not a column.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Person {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     #[fsql(backref = "person", lazy = "select")]
    ///     pub addresses: HasMany<Address>,
    /// }
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct Address {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// #     #[fsql(references = Person)]
    /// #     pub person_id: i32,
    /// # }
    /// # fn main() {}
    /// ```
    HasMany,
    many
);
slot!(
    /// A one-to-one relationship (Flask-SQLAlchemy's `uselist=False`): the child whose foreign
    /// key points at this row, if any. Not a column.
    HasOne,
    one
);
slot!(
    /// The many-to-one side: the row this row's foreign key points at (`None` for a NULL key).
    /// Not a column.
    ///
    /// ```
    /// # use fsql::prelude::*;
    /// # #[derive(Model, Debug, Clone)]
    /// # pub struct User {
    /// #     #[fsql(primary_key)]
    /// #     pub id: i32,
    /// # }
    /// #[derive(Model, Debug, Clone)]
    /// pub struct Post {
    ///     #[fsql(primary_key)]
    ///     pub id: i32,
    ///     #[fsql(references = User)]
    ///     pub author_id: i32,
    ///     pub author: BelongsTo<User>,
    /// }
    /// # fn main() {}
    /// ```
    BelongsTo,
    one
);
slot!(
    /// A many-to-many relationship through an association table declared with `fsql::table!`
    /// (`#[fsql(secondary = page_tags)]`, Flask-SQLAlchemy's `secondary=`). Not a column.
    ManyToMany,
    many
);
