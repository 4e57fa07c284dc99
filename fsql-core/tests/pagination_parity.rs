//! Flask-SQLAlchemy's own pagination cases, read from the conformance file the crate carries
//! (`tests/data/flask_parity.toml`): every
//! `[[iter_pages]]` and every `[[pagination]]` case, with no answers written here.

use fsql_core::pagination::{PageRequest, Pagination};
use toml::{Table, Value};

fn parity() -> Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/flask_parity.toml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read {path}: {e}; the conformance file ships in fsql-core/tests/data/")
    });
    toml::from_str(&text).expect("flask_parity.toml parses")
}

fn cases(kind: &str) -> Vec<Table> {
    let parity = parity();
    let cases = parity
        .get(kind)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("flask_parity.toml has no [[{kind}]] cases"));
    cases
        .iter()
        .map(|c| {
            c.as_table()
                .unwrap_or_else(|| panic!("[[{kind}]] entry is not a table: {c}"))
                .clone()
        })
        .collect()
}

fn uint(case: &Table, key: &str) -> Option<u64> {
    case.get(key).map(|v| {
        v.as_integer()
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or_else(|| panic!("`{key}` is not a non-negative integer in {case}"))
    })
}

fn required(case: &Table, key: &str) -> u64 {
    uint(case, key).unwrap_or_else(|| panic!("`{key}` missing in {case}"))
}

/// The page the case describes: `items_len` items (0 when absent), `total` absent = `None`.
fn pagination(case: &Table) -> Pagination<u64> {
    let page = required(case, "page");
    let per_page = required(case, "per_page");
    let items = (0..uint(case, "items_len").unwrap_or(0)).collect();
    let request = PageRequest::new(page).per_page(per_page);
    Pagination::new(items, &request, uint(case, "total"), ())
}

fn describe(case: &Table) -> String {
    let source = case.get("source").and_then(Value::as_str).unwrap_or("?");
    let inputs: Vec<String> = ["page", "per_page", "total", "items_len"]
        .iter()
        .filter_map(|k| case.get(*k).map(|v| format!("{k}={v}")))
        .collect();
    format!("{} ({source})", inputs.join(" "))
}

#[test]
fn every_iter_pages_case() {
    let cases = cases("iter_pages");
    assert!(
        cases.len() >= 20,
        "expected the full table of cases, got {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let p = pagination(case);
        if let Some(pages) = uint(case, "pages") {
            if p.pages() != pages {
                failures.push(format!(
                    "{}: pages() = {}, Flask-SQLAlchemy says {pages}",
                    describe(case),
                    p.pages()
                ));
            }
        }
        let expect: Vec<Option<u64>> = case
            .get("expect")
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("`expect` missing in {case}"))
            .iter()
            .map(|v| match v.as_integer() {
                Some(0) => None,
                Some(n) => Some(u64::try_from(n).expect("page numbers are positive")),
                None => panic!("`expect` holds a non-integer in {case}"),
            })
            .collect();
        let got: Vec<Option<u64>> = p.iter_pages().collect();
        if got != expect {
            failures.push(format!(
                "{}: iter_pages() = {got:?}, Flask-SQLAlchemy says {expect:?}",
                describe(case)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A property of the page by its Flask-SQLAlchemy name; `None` where Python has `None`.
/// `Err` for a name this test does not know, so a new field in the file fails loudly.
fn property(p: &Pagination<u64>, name: &str) -> Result<Option<Value>, String> {
    let int = |n: u64| Some(Value::Integer(i64::try_from(n).expect("fits")));
    let opt = |n: Option<u64>| n.and_then(int);
    Ok(match name {
        "page" => int(p.page()),
        "per_page" => int(p.per_page()),
        "total" => opt(p.total()),
        "pages" => int(p.pages()),
        "has_prev" => Some(Value::Boolean(p.has_prev())),
        "has_next" => Some(Value::Boolean(p.has_next())),
        "prev_num" => opt(p.prev_num()),
        "next_num" => opt(p.next_num()),
        "first" => int(p.first()),
        "last" => int(p.last()),
        "items_len" => int(p.items().len() as u64),
        other => return Err(format!("unknown property `{other}`")),
    })
}

#[test]
fn every_pagination_case() {
    let cases = cases("pagination");
    assert!(
        cases.len() >= 6,
        "expected the full table of cases, got {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let p = pagination(case);
        let mut checked: Vec<&str> = Vec::new();
        // `expect_x = v`: the property is `v`.
        for (key, want) in case.iter().filter(|(k, _)| k.starts_with("expect_")) {
            let name = &key["expect_".len()..];
            checked.push(name);
            match property(&p, name) {
                Ok(Some(got)) if &got == want => {}
                Ok(got) => failures.push(format!(
                    "{}: {name} = {}, Flask-SQLAlchemy says {want}",
                    describe(case),
                    got.map_or("None".to_owned(), |g| g.to_string())
                )),
                Err(e) => failures.push(format!("{}: {e}", describe(case))),
            }
        }
        // `null_fields`: the property (with or without the `expect_` prefix) is `None`.
        let nulls = case
            .get("null_fields")
            .map(|v| v.as_array().expect("`null_fields` is an array").as_slice())
            .unwrap_or_default();
        for field in nulls {
            let field = field.as_str().expect("`null_fields` holds strings");
            let name = field.strip_prefix("expect_").unwrap_or(field);
            if case.contains_key(field) {
                failures.push(format!(
                    "{}: `{field}` is both set and listed as null",
                    describe(case)
                ));
            }
            checked.push(name);
            match property(&p, name) {
                Ok(None) => {}
                Ok(Some(got)) => failures.push(format!(
                    "{}: {name} = {got}, Flask-SQLAlchemy says None",
                    describe(case)
                )),
                Err(e) => failures.push(format!("{}: {e}", describe(case))),
            }
        }
        // Every case states all the derived properties; a case that stops doing so would
        // check less than it seems to.
        for name in [
            "pages", "has_prev", "has_next", "prev_num", "next_num", "first", "last",
        ] {
            if !checked.contains(&name) {
                failures.push(format!("{}: states nothing about {name}", describe(case)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The serialized form carries the same values as the properties.
#[cfg(feature = "serde")]
#[test]
fn every_pagination_case_serializes_its_properties() {
    for case in cases("pagination") {
        let p = pagination(&case);
        let json = serde_json::to_value(&p).expect("serializes");
        let obj = json.as_object().expect("an object");
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut want_keys = vec![
            "items", "page", "per_page", "total", "pages", "has_prev", "has_next", "prev_num",
            "next_num",
        ];
        want_keys.sort_unstable();
        let mut got_keys = keys.clone();
        got_keys.sort_unstable();
        assert_eq!(got_keys, want_keys, "{}", describe(&case));
        for name in [
            "total", "pages", "prev_num", "next_num", "has_prev", "has_next",
        ] {
            let want = match property(&p, name).unwrap() {
                None => serde_json::Value::Null,
                Some(Value::Integer(n)) => serde_json::Value::from(n),
                Some(Value::Boolean(b)) => serde_json::Value::from(b),
                Some(other) => panic!("unexpected {other}"),
            };
            assert_eq!(obj[name], want, "{name} in {}", describe(&case));
        }
    }
}
