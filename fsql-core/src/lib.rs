//! Backend-free runtime of fsql: the pieces of Flask-SQLAlchemy that do not touch a database.
//!
//! - [`naming`]: the CamelCase → snake_case table-name rule.
//! - [`metadata`]: plain-data descriptions of tables, columns, keys and indexes, built at compile
//!   time by `#[derive(Model)]`.
//! - [`registry`]: every model in the binary, grouped by bind key and sorted by foreign-key
//!   dependency.
//! - [`pagination`]: `PageRequest` and `Pagination` with Flask-SQLAlchemy's semantics.
//! - [`error`]: the one error type of fsql.
//!
//! Users reach all of this through the `fsql` facade crate.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod convention;
pub mod error;
pub mod keyset;
pub mod metadata;
pub mod naming;
pub mod pagination;
pub mod percent;
pub mod record;
pub mod registry;
pub mod schema;

pub use error::{DatabaseErrorKind, Error, Result};
pub use keyset::{CursorKey, KeysetPage, KeysetRequest};
pub use metadata::{ColumnMeta, ColumnType, ForeignKeyMeta, IndexMeta, OnDelete, TableMeta};
pub use naming::{camel_to_snake, foreign_key_id};
pub use pagination::{IterPages, PageRequest, Pagination};
pub use registry::{MetaData, ModelRegistration, Registry};

#[doc(hidden)]
pub use inventory;
