//! Every attribute name, once.

use std::fmt;
use syn::{Ident, Path};

#[derive(Copy, Clone, PartialEq, Eq)]
pub struct Symbol(pub &'static str);

pub const FSQL: Symbol = Symbol("fsql");

/// The items reached through a model's name, which a field of the same name would hide (see
/// `valid.rs`); kept in fsql-core, whose codegen names fields around them.
pub use fsql_core::metadata::MODEL_ITEMS;

// Container attributes.
pub const TABLE_NAME: Symbol = Symbol("table_name");
pub const BIND: Symbol = Symbol("bind");
pub const QUERY_CLASS: Symbol = Symbol("query_class");
pub const REPR: Symbol = Symbol("repr");
pub const ABSTRACT: Symbol = Symbol("abstract");
pub const POLYMORPHIC_ON: Symbol = Symbol("polymorphic_on");
pub const POLYMORPHIC_IDENTITY: Symbol = Symbol("polymorphic_identity");
pub const INHERITS: Symbol = Symbol("inherits");
/// The bind a mixin's carrier writes on the models that take its columns in: their own
/// `bind`, when they give one, wins. Not written by hand, so not listed as a choice.
pub const MIXIN_BIND: Symbol = Symbol("__mixin_bind");

// Field attributes.
pub const PRIMARY_KEY: Symbol = Symbol("primary_key");
pub const UNIQUE: Symbol = Symbol("unique");
pub const INDEX: Symbol = Symbol("index");
pub const LENGTH: Symbol = Symbol("length");
pub const PRECISION: Symbol = Symbol("precision");
pub const SCALE: Symbol = Symbol("scale");
pub const COLUMN: Symbol = Symbol("column");
pub const DEFAULT: Symbol = Symbol("default");
pub const DEFAULT_FN: Symbol = Symbol("default_fn");
pub const ONUPDATE: Symbol = Symbol("onupdate");
pub const SQL_TYPE: Symbol = Symbol("sql_type");
pub const DDL_TYPE: Symbol = Symbol("ddl_type");
pub const FOREIGN_KEY: Symbol = Symbol("foreign_key");
pub const REFERENCES: Symbol = Symbol("references");
pub const ON_DELETE: Symbol = Symbol("on_delete");
pub const AUTOINCREMENT: Symbol = Symbol("autoincrement");

// `#[derive(Enum)]`: on the enum, and on a variant.
pub const NAME: Symbol = Symbol("name");
pub const NATIVE: Symbol = Symbol("native");
pub const RENAME: Symbol = Symbol("rename");

// Relationship field attributes.
pub const LAZY: Symbol = Symbol("lazy");
pub const BACKREF: Symbol = Symbol("backref");
pub const BACKREF_LAZY: Symbol = Symbol("backref_lazy");
pub const BACK_POPULATES: Symbol = Symbol("back_populates");
pub const SECONDARY: Symbol = Symbol("secondary");
pub const PRIMARYJOIN: Symbol = Symbol("primaryjoin");
pub const CASCADE: Symbol = Symbol("cascade");
pub const PASSIVE_DELETES: Symbol = Symbol("passive_deletes");
pub const SECONDARYJOIN: Symbol = Symbol("secondaryjoin");

pub const CONTAINER_ATTRS: &[Symbol] = &[
    TABLE_NAME,
    BIND,
    QUERY_CLASS,
    REPR,
    ABSTRACT,
    POLYMORPHIC_ON,
    POLYMORPHIC_IDENTITY,
    INHERITS,
    INDEX,
    UNIQUE,
];
pub const FIELD_ATTRS: &[Symbol] = &[
    PRIMARY_KEY,
    UNIQUE,
    INDEX,
    LENGTH,
    PRECISION,
    SCALE,
    COLUMN,
    DEFAULT,
    DEFAULT_FN,
    ONUPDATE,
    SQL_TYPE,
    DDL_TYPE,
    FOREIGN_KEY,
    REFERENCES,
    ON_DELETE,
    AUTOINCREMENT,
];

/// On a relationship field (`HasMany<T>`, `HasOne<T>`, `BelongsTo<T>`, `ManyToMany<T>`).
pub const RELATION_ATTRS: &[Symbol] = &[
    LAZY,
    BACKREF,
    BACKREF_LAZY,
    BACK_POPULATES,
    FOREIGN_KEY,
    SECONDARY,
    PRIMARYJOIN,
    SECONDARYJOIN,
    CASCADE,
    PASSIVE_DELETES,
];

/// The parts of `cascade = ".."` fsql acts on (`all` includes `delete`).
pub const CASCADE_VALUES: &[&str] = &["all", "delete", "delete-orphan"];

/// The values of `lazy` and `backref_lazy`.
pub const LAZY_VALUES: &[&str] = &[
    "select", "joined", "subquery", "selectin", "dynamic", "noload", "raise",
];

/// `#[derive(Enum)]` on the enum.
pub const ENUM_ATTRS: &[Symbol] = &[NAME, NATIVE];
/// `#[derive(Enum)]` on a variant.
pub const VARIANT_ATTRS: &[Symbol] = &[RENAME];

/// `fsql::table!`: on the table, the same as on a model's struct.
pub const TABLE_ATTRS: &[Symbol] = &[TABLE_NAME, BIND, INDEX, UNIQUE];
/// `fsql::table!`: on a column, a field's attributes but `default_fn`, which fills in a Rust
/// struct the table does not have.
pub const TABLE_COLUMN_ATTRS: &[Symbol] = &[
    PRIMARY_KEY,
    UNIQUE,
    INDEX,
    LENGTH,
    PRECISION,
    SCALE,
    COLUMN,
    DEFAULT,
    SQL_TYPE,
    DDL_TYPE,
    FOREIGN_KEY,
    REFERENCES,
    ON_DELETE,
    AUTOINCREMENT,
];

/// `a, b, c` for error messages listing the valid choices.
pub fn list(symbols: &[Symbol]) -> String {
    symbols.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
}

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
