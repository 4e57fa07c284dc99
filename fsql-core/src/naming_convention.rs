//! Constraint naming conventions: SQLAlchemy's `MetaData(naming_convention=...)`.
//!
//! Templates use SQLAlchemy's tokens, so a convention copied from a Flask app (or Alembic's
//! docs) names constraints exactly as it did there.

use crate::metadata::{ForeignKeyMeta, IndexMeta, TableMeta};

/// Templates per constraint kind, in SQLAlchemy's `%(token)s` syntax.
///
/// Tokens: `%(table_name)s`, `%(column_0_name)s`, `%(column_0_label)s` (`table_column`),
/// `%(column_0N_name)s` / `%(column_0_N_name)s` (every column, joined directly / with `_`),
/// `%(referred_table_name)s` (foreign keys), `%(constraint_name)s`.
///
/// ```
/// use fsql_core::naming_convention::NamingConvention;
/// let c = NamingConvention::default();
/// assert_eq!(c.ix.as_deref(), Some("ix_%(column_0_label)s"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamingConvention {
    /// Indexes (`"ix"`). SQLAlchemy's default is `ix_%(column_0_label)s`.
    pub ix: Option<String>,
    /// Unique constraints (`"uq"`).
    pub uq: Option<String>,
    /// Check constraints (`"ck"`).
    pub ck: Option<String>,
    /// Foreign keys (`"fk"`).
    pub fk: Option<String>,
    /// Primary keys (`"pk"`).
    pub pk: Option<String>,
}

impl Default for NamingConvention {
    /// SQLAlchemy's `DEFAULT_NAMING_CONVENTION`: only indexes are named.
    fn default() -> Self {
        Self {
            ix: Some(DEFAULT_INDEX_TEMPLATE.to_owned()),
            uq: None,
            ck: None,
            fk: None,
            pk: None,
        }
    }
}

/// SQLAlchemy's default index name template.
pub const DEFAULT_INDEX_TEMPLATE: &str = "ix_%(column_0_label)s";

/// What a template is being filled for.
#[derive(Debug, Clone, Copy)]
pub struct ConstraintTarget<'a> {
    /// The table that owns the constraint.
    pub table: &'a TableMeta,
    /// The constrained columns.
    pub columns: &'a [&'a str],
    /// The referred table, for foreign keys.
    pub referred_table: Option<&'a str>,
    /// An explicit name given to the constraint, for `%(constraint_name)s`.
    pub constraint_name: Option<&'a str>,
}

impl<'a> ConstraintTarget<'a> {
    fn of(table: &'a TableMeta, columns: &'a [&'a str], referred_table: Option<&'a str>) -> Self {
        Self {
            table,
            columns,
            referred_table,
            constraint_name: None,
        }
    }
}

impl NamingConvention {
    /// A convention that names nothing (every constraint is left to the database).
    pub fn none() -> Self {
        Self {
            ix: None,
            uq: None,
            ck: None,
            fk: None,
            pk: None,
        }
    }

    /// Sets a template by SQLAlchemy's key (`"ix"`, `"uq"`, `"ck"`, `"fk"`, `"pk"`).
    pub fn set(&mut self, key: &str, template: impl Into<String>) -> crate::Result<()> {
        let slot =
            match key {
                "ix" => &mut self.ix,
                "uq" => &mut self.uq,
                "ck" => &mut self.ck,
                "fk" => &mut self.fk,
                "pk" => &mut self.pk,
                other => return Err(crate::Error::Config {
                    key: "naming_convention".to_owned(),
                    value: other.to_owned(),
                    reason:
                        "unknown constraint kind; use one of \"ix\", \"uq\", \"ck\", \"fk\", \"pk\""
                            .to_owned(),
                }),
            };
        let template = template.into();
        check_template(&template)?;
        *slot = Some(template);
        Ok(())
    }

    /// The primary key's constraint name, when there is a `pk` template.
    pub fn primary_key_name(&self, table: &TableMeta) -> Option<String> {
        let target = ConstraintTarget::of(table, table.primary_key, None);
        self.pk.as_ref().map(|t| Self::render(t, &target))
    }

    /// The name of the `UNIQUE` constraint on `column`, when there is a `uq` template.
    pub fn unique_name(&self, table: &TableMeta, column: &str) -> Option<String> {
        let columns = [column];
        let target = ConstraintTarget::of(table, &columns, None);
        self.uq.as_ref().map(|t| Self::render(t, &target))
    }

    /// A foreign key's constraint name, when there is an `fk` template.
    pub fn foreign_key_name(&self, table: &TableMeta, fk: &ForeignKeyMeta) -> Option<String> {
        let target = ConstraintTarget::of(table, fk.columns, Some(fk.referred_table));
        self.fk.as_ref().map(|t| Self::render(t, &target))
    }

    /// An index's name: its own, else the `ix` template, else SQLAlchemy's default
    /// `ix_%(column_0_label)s` (SQL needs a name for an index).
    pub fn index_name(&self, table: &TableMeta, ix: &IndexMeta) -> String {
        match ix.name {
            Some(name) => name.to_owned(),
            None => self.unnamed_index_name(table.name, ix.columns),
        }
    }

    /// The name an unnamed index over `columns` of the table `table` gets (the `ix` template,
    /// else SQLAlchemy's default): what [`index_name`](Self::index_name) gives a model's
    /// index, for a table known only by name (one read from a database).
    ///
    /// ```
    /// use fsql_core::naming_convention::NamingConvention;
    /// assert_eq!(NamingConvention::default().unnamed_index_name("book", &["author_id", "title"]), "ix_book_author_id");
    /// ```
    pub fn unnamed_index_name(&self, table: &str, columns: &[&str]) -> String {
        let template = self.ix.as_deref().unwrap_or(DEFAULT_INDEX_TEMPLATE);
        render_names(template, table, columns, None, None)
    }

    /// Fills `template` for `target`.
    pub fn render(template: &str, target: &ConstraintTarget<'_>) -> String {
        render_names(
            template,
            target.table.name,
            target.columns,
            target.referred_table,
            target.constraint_name,
        )
    }
}

/// Fills `template` for a constraint over `columns` of the table named `table`.
fn render_names(
    template: &str,
    table: &str,
    columns: &[&str],
    referred_table: Option<&str>,
    constraint_name: Option<&str>,
) -> String {
    let first = columns.first().copied().unwrap_or("");
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find("%(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find(")s") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let token = &after[..end];
        match token {
            "table_name" => out.push_str(table),
            "column_0_name" => out.push_str(first),
            "column_0_label" => {
                out.push_str(table);
                out.push('_');
                out.push_str(first);
            }
            "column_0N_name" => out.push_str(&columns.concat()),
            "column_0_N_name" => out.push_str(&columns.join("_")),
            "referred_table_name" => out.push_str(referred_table.unwrap_or("")),
            "constraint_name" => out.push_str(constraint_name.unwrap_or("")),
            other => {
                // check_template rejected unknown tokens when the template was set;
                // keep the text rather than lose it.
                out.push_str("%(");
                out.push_str(other);
                out.push_str(")s");
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

const TOKENS: &[&str] = &[
    "table_name",
    "column_0_name",
    "column_0_label",
    "column_0N_name",
    "column_0_N_name",
    "referred_table_name",
    "constraint_name",
];

fn check_template(template: &str) -> crate::Result<()> {
    let mut rest = template;
    while let Some(start) = rest.find("%(") {
        let after = &rest[start + 2..];
        let end = after.find(")s").ok_or_else(|| crate::Error::Config {
            key: "naming_convention".to_owned(),
            value: template.to_owned(),
            reason: "a `%(` is not closed by `)s`".to_owned(),
        })?;
        let token = &after[..end];
        if !TOKENS.contains(&token) {
            return Err(crate::Error::Config {
                key: "naming_convention".to_owned(),
                value: template.to_owned(),
                reason: format!(
                    "unknown token `%({token})s`; known tokens: {}",
                    TOKENS.join(", ")
                ),
            });
        }
        rest = &after[end + 2..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: TableMeta = TableMeta {
        model: "User",
        name: "user",
        bind: None,
        columns: &[],
        primary_key: &["id"],
        foreign_keys: &[],
        indexes: &[],
        inherits: None,
    };

    #[test]
    fn seeds_convention_names_like_sqlalchemy() {
        // The convention from the seeds (002) and the names SQLAlchemy gives with it.
        let target = |cols: &'static [&'static str], referred| ConstraintTarget {
            table: &USER,
            columns: cols,
            referred_table: referred,
            constraint_name: Some("positive_age"),
        };
        let r = NamingConvention::render;
        assert_eq!(
            r("ix_%(column_0_label)s", &target(&["name"], None)),
            "ix_user_name"
        );
        assert_eq!(
            r(
                "uq_%(table_name)s_%(column_0_name)s",
                &target(&["email"], None)
            ),
            "uq_user_email"
        );
        assert_eq!(
            r("ck_%(table_name)s_%(constraint_name)s", &target(&[], None)),
            "ck_user_positive_age"
        );
        assert_eq!(
            r(
                "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
                &target(&["group_id"], Some("group"))
            ),
            "fk_user_group_id_group"
        );
        assert_eq!(r("pk_%(table_name)s", &target(&["id"], None)), "pk_user");
        assert_eq!(
            r("x_%(column_0N_name)s", &target(&["a", "b"], None)),
            "x_ab"
        );
        assert_eq!(
            r("x_%(column_0_N_name)s", &target(&["a", "b"], None)),
            "x_a_b"
        );
    }

    #[test]
    fn bad_templates_are_config_errors() {
        let mut c = NamingConvention::default();
        let e = c.set("uq", "uq_%(nope)s").unwrap_err();
        assert!(e.to_string().contains("unknown token `%(nope)s`"), "{e}");
        let e = c.set("uq", "uq_%(table_name").unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
        let e = c.set("zz", "x").unwrap_err();
        assert!(e.to_string().contains("unknown constraint kind"), "{e}");
        c.set("pk", "pk_%(table_name)s").unwrap();
        assert_eq!(c.pk.as_deref(), Some("pk_%(table_name)s"));
    }
}
