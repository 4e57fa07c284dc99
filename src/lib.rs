//! # fsql
//!
//! Flask-SQLAlchemy's ease on Diesel: annotate a struct with `#[derive(Model)]` and it gets a
//! table name, columns, keys, a bind and query helpers; `db.create_all()` creates every table;
//! `Model::query()` gets, filters and counts. Everything runs on Diesel 2.3.
//!
//! ```
//! use fsql::prelude::*;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! pub struct User {
//!     #[fsql(primary_key)]
//!     pub id: i32,
//!     #[fsql(unique, length = 80)]
//!     pub username: String,
//!     pub email: Option<String>,
//! }
//!
//! # fn main() -> fsql::Result<()> {
//! let db = Database::builder().url("sqlite://").build()?;
//! db.create_all()?;
//! let admin = User { id: 0, username: "admin".into(), email: None }.insert(&db)?;
//! assert_eq!(admin.id, 1); // assigned by the database
//! let found = User::query().filter(User::username.eq("admin")).first(&db)?;
//! assert_eq!(found, Some(admin));
//! # Ok(())
//! # }
//! ```
//!
//! Generated code uses Diesel's `table!`, which refers to the `diesel` crate by name: list
//! `diesel` beside `fsql` in your `Cargo.toml`.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use fsql_core::keyset::{CursorError, Direction};
pub use fsql_core::naming_convention::NamingConvention;
pub use fsql_core::pagination::{parse_int, IterPages};
pub use fsql_core::query_log::{RecordedQuery, UNKNOWN_LOCATION};
pub use fsql_core::{
    camel_to_snake, ColumnMeta, ColumnType, CursorKey, DatabaseErrorKind, DialectTypes, EnumType,
    Error, ForeignKeyMeta, IndexMeta, KeysetPage, KeysetRequest, MetaData, OnDelete, PageRequest,
    Pagination, Registry, Result, TableMeta,
};
/// Declares a table without a model (`page_tags` links pages and tags):
///
/// ```
/// # use fsql::prelude::*;
/// # use diesel::prelude::*;
/// # #[derive(Model, Debug, Clone)]
/// # pub struct Page {
/// #     #[fsql(primary_key)]
/// #     pub id: i32,
/// # }
/// # #[derive(Model, Debug, Clone)]
/// # pub struct Tag {
/// #     #[fsql(primary_key)]
/// #     pub id: i32,
/// # }
/// fsql::table! {
///     /// Which tags each page has.
///     page_tags {
///         #[primary_key, references = Page]
///         page_id: i32,
///         #[primary_key, foreign_key = "tag.id", on_delete = "cascade"]
///         tag_id: i32,
///         note: Option<String>,
///     }
/// }
///
/// # fn main() -> fsql::Result<()> {
/// # let db = Database::builder().url("sqlite://").build()?;
/// # db.create_all()?;
/// # Page { id: 1 }.insert(&db)?;
/// # Tag { id: 2 }.insert(&db)?;
/// // The Diesel table, for hand-written queries:
/// diesel::insert_into(page_tags::table)
///     .values((page_tags::page_id.eq(1), page_tags::tag_id.eq(2)))
///     .execute(&mut *db.connection()?)?;  // Diesel's errors convert into fsql::Error
/// // Its description, for a registry of your own (the global registry has it already):
/// let registry = fsql::Registry::new([Page::META, Tag::META, page_tags::table::META]);
/// # Ok(())
/// # }
/// ```
pub use fsql_derive::table;
pub use fsql_derive::Enum;
pub use fsql_derive::Model;
pub use fsql_derive::{inherits, mixin, Mixin};
pub use fsql_diesel::model::aggregate::{Aggregate, Grouped};

/// SQL's aggregate functions, as SQLAlchemy's `func`: Diesel's `count`, `count_star`, `sum`,
/// `avg`, `min`, `max` (see [`fsql_diesel::model::aggregate::func`]), and
/// [`count_related`](fsql_diesel::relation::join::count_related), how many rows a
/// relationship leads to from each row (0 included).
pub mod func {
    pub use fsql_diesel::model::aggregate::func::*;
    pub use fsql_diesel::relation::join::{count_related, RelatedCount};
}
pub use fsql_diesel::query::AnyOf;
pub use fsql_diesel::{
    AnyConnection, Autogenerate, BackendKind, Binds, Change, ColumnValue, Database,
    DatabaseBuilder, DatabaseUrl, Enum, Executor, Json, KeysetKey, Model, Operation, Page,
    PageNavigation, Pending, PendingWork, PoolOptions, PoolStatus, PooledConnection, Query,
    QueryBuilder, Record, ReplicaOptions, RetryPolicy, Revision, Session, QUERY_TARGET,
};

pub use fsql_diesel::keyset_key;

/// The `uuid` crate whose `Uuid` [`Uuid`] wraps (feature `uuid`).
#[cfg(feature = "uuid")]
#[cfg_attr(docsrs, doc(cfg(feature = "uuid")))]
pub use uuid;

/// The `bigdecimal` crate whose `BigDecimal` [`Decimal`] wraps (feature `decimal`).
#[cfg(feature = "decimal")]
#[cfg_attr(docsrs, doc(cfg(feature = "decimal")))]
pub use bigdecimal;

#[cfg(feature = "decimal")]
#[cfg_attr(docsrs, doc(cfg(feature = "decimal")))]
pub use fsql_diesel::Decimal;
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
pub use fsql_diesel::UtcDateTime;
#[cfg(feature = "uuid")]
#[cfg_attr(docsrs, doc(cfg(feature = "uuid")))]
pub use fsql_diesel::Uuid;

/// The SQL types of fsql's column types, for hand-written Diesel over fsql's tables
/// (`diesel::dsl::sql::<fsql::sql_types::Json>(..)`).
pub mod sql_types {
    pub use fsql_diesel::sql_types::{Decimal, Json, TimestampTz, Uuid};
}

/// DDL rendering, for inspecting what `create_all` runs.
pub mod ddl {
    pub use fsql_diesel::ddl::{column_type, create_table, drop_table, validate, Dialect};
}

/// Everything a model file needs: `use fsql::prelude::*;`.
pub mod prelude {
    pub use crate::relation::{
        joinedload, lazyload, noload, raiseload, selectinload, subqueryload, BelongsTo, HasMany,
        HasOne, InQueryExt, ManyToMany,
    };
    pub use crate::{
        Database, Error, Executor, KeysetRequest, Mixin, Model, PageNavigation, PageRequest,
        Pending, Query, QueryBuilder, Record, Result, Session,
    };
    pub use diesel::{
        BoolExpressionMethods, ExpressionMethods, NullableExpressionMethods, TextExpressionMethods,
    };
}

/// Used by generated code only; not a public API. The name carries the version of
/// `fsql-derive` that emits paths into it (see `fsql-derive/src/private.rs`).
#[doc(hidden)]
pub mod __private_v0_1_0 {
    pub use crate::sql_types;
    pub use fsql_core::inventory;
    pub use fsql_core::metadata::same_bind;
    pub use fsql_core::EnumType;
    pub use fsql_core::{
        ColumnMeta, ColumnType, ForeignKeyMeta, IndexMeta, ModelRegistration, OnDelete, TableMeta,
    };
    pub use fsql_derive::inject_mixins;
    pub use fsql_diesel::backend::{AnyConnection, FsqlBackend};
    pub use fsql_diesel::impl_enum_column;
    pub use fsql_diesel::model::ops::Derived as DerivedOps;
    pub use fsql_diesel::model::ModelHooks;
    pub use fsql_diesel::record::{delete_on, insert_on, missing_parent, update_on};
    pub use fsql_diesel::relation::association::{association_error, AssociationCleanup};
    pub use fsql_diesel::relation::cascade::{delete_children, CascadeDelete, OrphanRule};
    pub use fsql_diesel::relation::load::{lazy_load, load_backref, Eager};
    pub use fsql_diesel::relation::sql::{InSubquery, Join, JoinKind, KeyEq};
    pub use fsql_diesel::relation::{
        under, AssociationLink, BelongsTo, ForeignKey, HasMany, HasOne, JoinTo, Lazy, LoadOption,
        ManyToMany, Relationship, SingleKey, Slot, WithSlot,
    };
    pub use fsql_diesel::sql_types::{same_sql_type, DateTimeValue};
    pub use fsql_diesel::{
        fallback_model, impl_model_backends, impl_relationship_backends, Model, Query,
    };
    pub use fsql_diesel::{ColumnValue, Enum};
}

/// Relationships: slots, loader options and strategies (see [`fsql_diesel::relation`]).
pub mod relation {
    pub use fsql_diesel::relation::join::{Filters, Inner, Nested, Orders, Outer};
    pub use fsql_diesel::relation::load::Eager;
    pub use fsql_diesel::relation::{
        joinedload, lazyload, noload, raiseload, selectinload, subqueryload, AssociationLink,
        BelongsTo, ColumnOrdering, ForeignKey, HasMany, HasOne, InQueryExt, InTable, Join,
        JoinFrom, Lazy, LoadOption, ManyToMany, PageWith, PagedWith, Relationship, SingleKey,
        ToOne, Under, WithSlot,
    };
}

/// Reading an existing database's tables (Flask-SQLAlchemy's `db.reflect()`; see also
/// [`Database::reflect`]), and querying them without a model
/// ([`Database::reflect_metadata`]).
pub mod reflect {
    pub use fsql_core::value::{FromValue, Row, Value};
    pub use fsql_diesel::reflect::*;
}

/// Owned table descriptions, as reflected or declared, and their comparison.
pub mod schema {
    pub use fsql_core::schema::*;
}

/// Change tracking: Flask-SQLAlchemy's `SQLALCHEMY_TRACK_MODIFICATIONS` and commit signals.
pub mod tracking {
    pub use fsql_diesel::tracking::*;
}

#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;

/// Web integration for axum (feature `axum`): errors as responses, page extractors, database
/// work on blocking threads, the per-request session and recorded-query headers. See the
/// `fsql-axum` crate and the `blog` example.
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum {
    pub use fsql_axum::*;
}

/// Database URLs: SQLAlchemy forms, and the one function that masks their passwords wherever
/// fsql shows a URL.
pub mod url {
    pub use fsql_diesel::url::*;
}

/// Configuration sources: builder, environment variables, TOML.
pub mod config {
    pub use fsql_diesel::config::*;
}
