//! fsql's Diesel runtime: connections, pools, DDL, queries and writes.
//!
//! Users reach this through the `fsql` facade crate; generated code reaches it through
//! `fsql::__private_vX_Y_Z`.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod backend;
#[doc(hidden)]
pub mod batch;
pub mod config;
pub mod database;
pub mod ddl;
pub mod error;
pub mod executor;
#[doc(hidden)]
pub mod fallback;
mod instrument;
pub mod model;
pub mod paginate;
pub mod pool;
pub mod query;
pub mod record;
pub mod reflect;
pub mod relation;
pub mod session;
pub mod sql_types;
pub mod tracking;
pub mod url;
mod write_gate;

pub use backend::AnyConnection;
pub use config::DatabaseBuilder;
pub use database::{Binds, Database};
pub use executor::Executor;
pub use fsql_core::{Error, Result};
pub use instrument::QUERY_TARGET;
pub use model::Model;
pub use paginate::{KeysetKey, Page, PageNavigation};
pub use pool::{PoolOptions, PoolStatus, PooledConnection};
pub use query::{Query, QueryBuilder};
pub use record::Record;
pub use session::{Pending, PendingWork, Session};
pub use tracking::{Change, Operation};
pub use url::{BackendKind, DatabaseUrl};

#[doc(hidden)]
pub use fsql_core::TableMeta as __TableMeta;
