//! Flask-SQLAlchemy's own table-name cases, read from the conformance file the crate carries
//! (`tests/data/flask_parity.toml`; `tests/data/README.md` says where it came from).

use serde::Deserialize;

#[derive(Deserialize)]
struct Parity {
    table_name: Vec<TableNameCase>,
}

#[derive(Deserialize)]
struct TableNameCase {
    name: String,
    expect: String,
}

fn parity() -> Parity {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/flask_parity.toml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read {path}: {e}; the conformance file ships in fsql-core/tests/data/")
    });
    toml::from_str(&text).expect("flask_parity.toml parses")
}

#[test]
fn every_table_name_case() {
    let cases = parity().table_name;
    assert!(
        cases.len() >= 20,
        "expected the full table of cases, got {}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let got = fsql_core::camel_to_snake(&c.name);
            (got != c.expect).then(|| {
                format!(
                    "{:?} -> {:?}, Flask-SQLAlchemy says {:?}",
                    c.name, got, c.expect
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
