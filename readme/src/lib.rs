//! The repository's README, compiled and run as doctests, so that every code sample a reader
//! copies works: `cargo test -p fsql-readme --doc`. Blocks that need a server are `no_run`.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct Readme;
