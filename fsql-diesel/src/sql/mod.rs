//! Layer 2: SQL text that Diesel's DSL cannot express statically. Fragments for joins and
//! `IN` lists, the `COUNT(*)` wrapper, the multi-row `INSERT` statement, the SQL types fsql
//! adds, DDL rendering, and column lists rendered once.
//!
//! Imports only from [`conn`](crate::conn).

#[doc(hidden)]
pub mod count;
pub mod ddl;
#[doc(hidden)]
pub mod dynamic;
#[doc(hidden)]
pub mod fragment;
#[doc(hidden)]
pub mod insert;
#[doc(hidden)]
pub mod rendered;
pub mod types;
