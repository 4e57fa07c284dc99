//! Compile-fail tests for `#[derive(Model)]`: every diagnostic the derive emits, with the span
//! it points at. Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
