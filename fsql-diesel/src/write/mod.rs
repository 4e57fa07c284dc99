//! Layer 5: writing rows. The default bodies of a model's insert/update/delete hooks, matching
//! the rows a multi-row `INSERT` returned, the unit of work ([`Session`](session::Session)) and
//! change tracking.
//!
//! Imports from every layer below: [`conn`](crate::conn), [`sql`](crate::sql),
//! [`model`](crate::model) and [`relation`](crate::relation).

#[doc(hidden)]
pub mod batch;
pub mod retry;
pub mod row;
pub mod session;
pub mod tracking;
