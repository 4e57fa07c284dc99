//! Every model in the binary, grouped by bind key and sorted by foreign-key dependency.
//!
//! Models register themselves (the derive emits an `inventory` submission), so `create_all`
//! needs no list and there is no "import your submodules first" rule as in Flask-SQLAlchemy.
//! Tests that want a fixed set build a [`Registry`] from an explicit list instead.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::metadata::{ColumnMeta, TableMeta};

/// One model's entry in the global registry; emitted by `#[derive(Model)]`.
#[derive(Debug)]
pub struct ModelRegistration {
    /// The model's table.
    pub table: &'static TableMeta,
}

impl ModelRegistration {
    /// Used by generated code.
    pub const fn new(table: &'static TableMeta) -> Self {
        Self { table }
    }
}

inventory::collect!(ModelRegistration);

/// A set of tables: every registered model ([`Registry::global`]) or a list of your own.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    tables: Vec<&'static TableMeta>,
}

impl Registry {
    /// Every model compiled into this binary.
    pub fn global() -> Self {
        Self::new(inventory::iter::<ModelRegistration>().map(|r| r.table))
    }

    /// Exactly these tables.
    pub fn new(tables: impl IntoIterator<Item = &'static TableMeta>) -> Self {
        let mut tables: Vec<_> = tables.into_iter().collect();
        // inventory's order is link order; sort so that everything downstream is deterministic.
        tables.sort_by_key(|t| (t.bind, t.name, t.model));
        // By value: a model's `META` is a constant, which need not have one address.
        tables.dedup_by(|a, b| a == b);
        Self {
            tables: merge_single_table_children(tables),
        }
    }

    /// All tables, every bind, sorted by bind then name.
    pub fn tables(&self) -> &[&'static TableMeta] {
        &self.tables
    }

    /// The bind keys that have at least one table (`None` = the default database).
    pub fn bind_keys(&self) -> Vec<Option<&'static str>> {
        let keys: BTreeSet<_> = self.tables.iter().map(|t| t.bind).collect();
        keys.into_iter().collect()
    }

    /// The table of a model, by the model's Rust name or its table name.
    pub fn find(&self, name: &str) -> Option<&'static TableMeta> {
        self.tables
            .iter()
            .copied()
            .find(|t| t.model == name || t.name == name)
    }

    /// The tables of one bind, checked and sorted so that every table comes after the tables
    /// it refers to.
    pub fn metadata(&self, bind: Option<&str>) -> Result<MetaData> {
        let tables: Vec<_> = self
            .tables
            .iter()
            .copied()
            .filter(|t| t.bind == bind)
            .collect();
        MetaData::new(bind.map(str::to_owned), tables)
    }

    /// Checks every bind: duplicate table names, foreign keys to missing tables or columns,
    /// cycles. `Database::check` calls this before any connection is opened.
    pub fn check(&self) -> Result<()> {
        for bind in self.bind_keys() {
            self.metadata(bind)?;
        }
        Ok(())
    }
}

/// Single-table inheritance: a child's `META` describes its parent's table with the child's
/// own columns added. The table is the parent's with every child's extra columns, nullable
/// (the parent's rows, and other children's, have no value for them); the children then have
/// no entry of their own. A child whose parent is not in the set keeps its own description.
fn merge_single_table_children(tables: Vec<&'static TableMeta>) -> Vec<&'static TableMeta> {
    let (children, mut out): (Vec<_>, Vec<_>) =
        tables.into_iter().partition(|t| t.inherits.is_some());
    if children.is_empty() {
        return out;
    }
    for parent in &mut out {
        let family: Vec<&'static TableMeta> = children
            .iter()
            .copied()
            .filter(|c| c.bind == parent.bind && c.name == parent.name)
            .filter(|c| c.inherits == Some(parent.model))
            .collect();
        if !family.is_empty() {
            *parent = merged(parent, &family);
        }
    }
    for child in children {
        if !out
            .iter()
            .any(|t| t.bind == child.bind && t.name == child.name)
        {
            out.push(child);
        }
    }
    out.sort_by_key(|t| (t.bind, t.name, t.model));
    out
}

/// The parent's table with its children's columns, built once per family for the life of the
/// process: `TableMeta` holds `'static` slices, and registries are built again and again (one
/// per `Database`), so each distinct merge is kept rather than leaked anew.
fn merged(parent: &'static TableMeta, children: &[&'static TableMeta]) -> &'static TableMeta {
    type Merges = Vec<(TableMeta, Vec<TableMeta>, &'static TableMeta)>;
    static MERGES: std::sync::Mutex<Merges> = std::sync::Mutex::new(Vec::new());
    let mut merges = MERGES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let key: Vec<TableMeta> = children.iter().map(|c| **c).collect();
    if let Some((_, _, done)) = merges.iter().find(|(p, c, _)| p == parent && *c == key) {
        return done;
    }
    let mut columns = parent.columns.to_vec();
    let mut foreign_keys = parent.foreign_keys.to_vec();
    let mut indexes = parent.indexes.to_vec();
    for child in children {
        for c in child.columns {
            if !columns.iter().any(|have| have.name == c.name) {
                columns.push(ColumnMeta {
                    nullable: true,
                    ..*c
                });
            }
        }
        for fk in child.foreign_keys {
            if !foreign_keys.iter().any(|have| have.columns == fk.columns) {
                foreign_keys.push(*fk);
            }
        }
        for ix in child.indexes {
            if !indexes.iter().any(|have| have.columns == ix.columns) {
                indexes.push(*ix);
            }
        }
    }
    let table: &'static TableMeta = Box::leak(Box::new(TableMeta {
        columns: Box::leak(columns.into_boxed_slice()),
        foreign_keys: Box::leak(foreign_keys.into_boxed_slice()),
        indexes: Box::leak(indexes.into_boxed_slice()),
        ..*parent
    }));
    merges.push((*parent, key, table));
    table
}

/// The tables of one bind, sorted by dependency: Flask-SQLAlchemy's `db.metadatas[key]`.
#[derive(Debug, Clone)]
pub struct MetaData {
    bind: Option<String>,
    sorted: Vec<&'static TableMeta>,
}

impl MetaData {
    fn new(bind: Option<String>, tables: Vec<&'static TableMeta>) -> Result<Self> {
        let by_name = index_by_name(&bind, &tables)?;
        check_foreign_keys(&bind, &tables, &by_name)?;
        let sorted = sort_by_dependency(&tables, &by_name)?;
        Ok(Self { bind, sorted })
    }

    /// The bind key (`None` = the default database).
    pub fn bind(&self) -> Option<&str> {
        self.bind.as_deref()
    }

    /// Tables in dependency order: a table comes after every table it refers to.
    pub fn sorted_tables(&self) -> &[&'static TableMeta] {
        &self.sorted
    }

    /// A table by name.
    pub fn table(&self, name: &str) -> Option<&'static TableMeta> {
        self.sorted.iter().copied().find(|t| t.name == name)
    }

    /// Number of tables.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// No tables.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }
}

fn bind_label(bind: &Option<String>) -> String {
    match bind {
        None => "the default bind".to_owned(),
        Some(k) => format!("bind {k:?}"),
    }
}

fn index_by_name<'t>(
    bind: &Option<String>,
    tables: &[&'t TableMeta],
) -> Result<BTreeMap<&'t str, &'t TableMeta>> {
    let mut by_name = BTreeMap::new();
    for &t in tables {
        if let Some(other) = by_name.insert(t.name, t) {
            return Err(Error::Schema(format!(
                "models `{}` and `{}` both use table `{}` in {}; give one of them \
                 #[fsql(table_name = \"...\")] or another bind",
                other.model,
                t.model,
                t.name,
                bind_label(bind)
            )));
        }
    }
    Ok(by_name)
}

fn check_foreign_keys(
    bind: &Option<String>,
    tables: &[&TableMeta],
    by_name: &BTreeMap<&str, &TableMeta>,
) -> Result<()> {
    for t in tables {
        for fk in t.foreign_keys {
            let Some(referred) = by_name.get(fk.referred_table) else {
                return Err(Error::Schema(format!(
                    "model `{}` column `{}` refers to table `{}`, which is not a table of {} \
                     (tables there: {}); check the foreign key's table name, or put both models \
                     in the same bind",
                    t.model,
                    fk.columns.join(", "),
                    fk.referred_table,
                    bind_label(bind),
                    by_name.keys().copied().collect::<Vec<_>>().join(", ")
                )));
            };
            for col in fk.referred_columns {
                if referred.column(col).is_none() {
                    return Err(Error::Schema(format!(
                        "model `{}` column `{}` refers to `{}.{}`, but table `{}` has no column \
                         `{}` (its columns: {})",
                        t.model,
                        fk.columns.join(", "),
                        fk.referred_table,
                        col,
                        fk.referred_table,
                        col,
                        referred
                            .columns
                            .iter()
                            .map(|c| c.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Kahn's algorithm in rounds: each round takes every table whose parents are all placed,
/// sorted by name, so the order is stable (tables of equal depth alphabetically), which keeps
/// DDL output reproducible. Linear in tables plus foreign keys, apart from sorting each round.
fn sort_by_dependency(
    tables: &[&'static TableMeta],
    by_name: &BTreeMap<&str, &'static TableMeta>,
) -> Result<Vec<&'static TableMeta>> {
    // children[parent] = tables referring to parent; waiting[t] = parents of t not yet placed.
    let mut children: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut waiting: BTreeMap<&str, usize> = BTreeMap::new();
    for t in tables {
        let parents: BTreeSet<&str> = t
            .foreign_keys
            .iter()
            .map(|fk| fk.referred_table)
            // A table referring to itself (a tree) needs no ordering.
            .filter(|p| *p != t.name)
            .collect();
        waiting.insert(t.name, parents.len());
        for p in parents {
            children.entry(p).or_default().push(t.name);
        }
    }
    let mut round: Vec<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(name, _)| *name)
        .collect();
    let mut sorted = Vec::with_capacity(tables.len());
    while !round.is_empty() {
        let mut next = Vec::new();
        for name in round {
            sorted.push(by_name[name]);
            for child in children.get(name).map(Vec::as_slice).unwrap_or_default() {
                let n = waiting.get_mut(child).expect("every child is a table");
                *n -= 1;
                if *n == 0 {
                    next.push(*child);
                }
            }
        }
        next.sort_unstable();
        round = next;
    }
    if sorted.len() < tables.len() {
        let mut cycle: Vec<&str> = waiting
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(name, _)| *name)
            .collect();
        cycle.sort_unstable();
        return Err(Error::Schema(format!(
            "foreign keys form a cycle between tables {}; no creation order exists. \
             Make one of the foreign keys nullable and set it after both rows exist, or \
             drop one of them",
            cycle
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(sorted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{ColumnMeta, ColumnType, ForeignKeyMeta};

    const fn col(name: &'static str) -> ColumnMeta {
        ColumnMeta::new(name, ColumnType::Integer)
    }
    const COLS: &[ColumnMeta] = &[col("id"), col("ref_id")];

    macro_rules! table {
        ($name:literal, $bind:expr, [$($to:literal),*]) => {{
            static T: TableMeta = TableMeta {
                model: $name,
                name: $name,
                bind: $bind,
                columns: COLS,
                primary_key: &["id"],
                foreign_keys: &[$(ForeignKeyMeta {
                    columns: &["ref_id"],
                    referred_table: $to,
                    referred_columns: &["id"],
                    on_delete: None,
                }),*],
                indexes: &[],
                inherits: None,
            };
            &T
        }};
    }

    fn names(md: &MetaData) -> Vec<&str> {
        md.sorted_tables().iter().map(|t| t.name).collect()
    }

    #[test]
    fn parents_before_children() {
        let r = Registry::new([
            table!("c", None, ["b"]),
            table!("b", None, ["a"]),
            table!("a", None, []),
            table!("z", None, []),
            table!("tree", None, ["tree"]),
        ]);
        assert_eq!(
            names(&r.metadata(None).unwrap()),
            ["a", "tree", "z", "b", "c"]
        );
    }

    #[test]
    fn binds_are_separate() {
        let r = Registry::new([table!("a", None, []), table!("a", Some("auth"), [])]);
        assert_eq!(r.bind_keys(), [None, Some("auth")]);
        assert_eq!(names(&r.metadata(Some("auth")).unwrap()), ["a"]);
        assert!(r.metadata(Some("other")).unwrap().is_empty());
        r.check().unwrap();
    }

    #[test]
    fn cycle_names_the_tables() {
        let r = Registry::new([
            table!("x", None, ["y"]),
            table!("y", None, ["x"]),
            table!("free", None, []),
        ]);
        let e = r.metadata(None).unwrap_err().to_string();
        assert!(e.contains("cycle between tables `x`, `y`"), "{e}");
        assert!(!e.contains("`free`"), "{e}");
    }

    #[test]
    fn missing_referred_table_names_model_column_and_table() {
        let r = Registry::new([table!("post", None, ["usr"]), table!("user", None, [])]);
        let e = r.check().unwrap_err().to_string();
        assert!(
            e.contains("model `post` column `ref_id` refers to table `usr`"),
            "{e}"
        );
        assert!(e.contains("tables there: post, user"), "{e}");
    }

    #[test]
    fn cross_bind_reference_is_an_error() {
        let r = Registry::new([
            table!("post", Some("blog"), ["user"]),
            table!("user", None, []),
        ]);
        let e = r.check().unwrap_err().to_string();
        assert!(e.contains("not a table of bind \"blog\""), "{e}");
    }

    #[test]
    fn the_same_table_listed_twice_counts_once() {
        static COPY: TableMeta = TableMeta {
            model: "a",
            name: "a",
            bind: None,
            columns: COLS,
            primary_key: &["id"],
            foreign_keys: &[],
            indexes: &[],
            inherits: None,
        };
        let r = Registry::new([table!("a", None, []), &COPY]);
        assert_eq!(r.tables().len(), 1);
        r.check().unwrap();
    }

    #[test]
    fn duplicate_table_in_one_bind() {
        static A: TableMeta = TableMeta {
            model: "A",
            name: "same",
            bind: None,
            columns: COLS,
            primary_key: &["id"],
            foreign_keys: &[],
            indexes: &[],
            inherits: None,
        };
        static B: TableMeta = TableMeta { model: "B", ..A };
        let e = Registry::new([&A, &B]).check().unwrap_err().to_string();
        assert!(
            e.contains("models `A` and `B` both use table `same`"),
            "{e}"
        );
    }
}
