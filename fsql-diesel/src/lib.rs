//! fsql's Diesel runtime: connections, pools, DDL, queries and writes.
//!
//! Users reach this through the `fsql` facade crate; generated code reaches it through
//! `fsql::__private_vX_Y_Z`.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The layers, bottom to top; each imports only from those above it in this list (see
// DESIGN.md). They are private: the public paths are the re-exports below, which are the
// module paths fsql had before the split.
pub mod config;
mod conn;
pub mod database;
pub mod migrate;
pub mod model;
pub mod reflect;
pub mod relation;
mod sql;
mod write;

pub use conn::{backend, error, executor, pool, replica, url};
#[doc(hidden)]
pub use model::fallback;
pub use model::{paginate, query};
/// The multi-row `INSERT` statement and the matching of the rows it returns, for the code
/// `#[derive(Model)]` generates (the two halves live in different layers).
#[doc(hidden)]
pub mod batch {
    #[cfg(feature = "mysql")]
    pub use crate::conn::backend::mysql_consecutive_keys;
    pub use crate::sql::insert::*;
    pub use crate::write::batch::*;
}
#[doc(hidden)]
pub use fsql_core::ColumnType as __ColumnType;
#[cfg(feature = "decimal")]
pub use sql::types::decimal::Decimal;
pub use sql::types::enumeration::Enum;
pub use sql::types::json::Json;
#[cfg(feature = "chrono")]
pub use sql::types::timestamptz::UtcDateTime;
#[cfg(feature = "uuid")]
pub use sql::types::uuid::Uuid;
pub use sql::types::ColumnValue;
pub use sql::{ddl, types as sql_types};
pub use write::{row as record, session, tracking};

pub use backend::AnyConnection;
pub use config::DatabaseBuilder;
pub use conn::instrument::QUERY_TARGET;
pub use database::{Binds, Database};
pub use executor::Executor;
pub use fsql_core::{Error, Result};
pub use migrate::{Autogenerate, Revision};
pub use model::Model;
pub use paginate::{KeysetKey, Page, PageNavigation};
pub use pool::{PoolOptions, PoolStatus, PooledConnection};
pub use query::{Query, QueryBuilder};
pub use record::Record;
pub use replica::ReplicaOptions;
pub use session::{Pending, PendingWork, Session};
pub use tracking::{Change, Operation};
pub use url::{BackendKind, DatabaseUrl};
pub use write::retry::RetryPolicy;

#[doc(hidden)]
pub use fsql_core::TableMeta as __TableMeta;
