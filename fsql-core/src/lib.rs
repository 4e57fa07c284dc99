//! Backend-free runtime of fsql: the pieces of Flask-SQLAlchemy that do not touch a database.
//!
//! - [`table_name`]: the CamelCase → snake_case table-name rule.
//! - [`naming_convention`]: constraint names from SQLAlchemy's `naming_convention` templates.
//! - [`metadata`]: plain-data descriptions of tables, columns, keys and indexes, built at compile
//!   time by `#[derive(Model)]`.
//! - [`registry`]: every model in the binary, grouped by bind key and sorted by foreign-key
//!   dependency.
//! - [`schema`]: owned table descriptions, as reflected or declared, and their comparison.
//! - [`pagination`]: `PageRequest` and `Pagination` with Flask-SQLAlchemy's semantics.
//! - [`keyset`]: keyset pagination and its cursors.
//! - [`query_log`]: recorded queries.
//! - [`error`]: the one error type of fsql.
//!
//! Users reach all of this through the `fsql` facade crate.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod codegen;
pub mod error;
pub mod keyset;
pub mod metadata;
pub mod naming_convention;
pub mod pagination;
pub mod percent;
pub mod query_log;
pub mod registry;
pub mod schema;
pub mod table_name;
pub mod value;

pub use error::{DatabaseErrorKind, Error, Result};
pub use keyset::{CursorKey, KeysetPage, KeysetRequest};
pub use metadata::{
    foreign_key_id, ColumnMeta, ColumnType, DialectTypes, EnumType, ForeignKeyMeta, IndexMeta,
    OnDelete, TableMeta,
};
pub use pagination::{IterPages, PageRequest, Pagination};
pub use registry::{MetaData, ModelRegistration, Registry};
pub use table_name::camel_to_snake;

#[doc(hidden)]
pub use inventory;
