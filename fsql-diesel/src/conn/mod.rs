//! Layer 1, the bottom: connections. Which backends are compiled in and how one is picked
//! from a URL, the pool, read replicas and how a read picks one, instrumentation, the SQLite write gate, transactions, the error
//! conversion and the [`Executor`](executor::Executor) trait every query runs through.
//!
//! Nothing here knows about models, queries or SQL beyond what Diesel itself provides; every
//! layer above may import from here.

pub mod backend;
pub mod error;
pub mod executor;
pub(crate) mod instrument;
pub mod pool;
pub mod replica;
pub mod url;
pub(crate) mod write_gate;
