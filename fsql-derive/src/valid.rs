//! Rules between attributes, checked after parsing.

use std::collections::BTreeMap;

use crate::ast::{Field, Model};
use crate::attr::{span_of, OnDelete};
use crate::ctxt::{Ctxt, Syntax};
use crate::types::{Scalar, SUPPORTED};

pub fn check(cx: &Ctxt, model: &Model<'_>) {
    check_primary_key(cx, model);
    check_columns_unique(cx, model);
    if cx.syntax() == Syntax::Derive {
        check_no_column_hides_a_generated_item(cx, model);
    }
    for field in &model.fields {
        check_field(cx, field);
    }
    for relation in &model.relations {
        check_relation(cx, model, relation);
    }
    check_inheritance(cx, model);
    check_table_indexes(cx, model);
    check_autoincrement(cx, model);
}

/// `autoincrement = ..` is about the one integer key a model can have assigned.
fn check_autoincrement(cx: &Ctxt, model: &Model<'_>) {
    let key = model.primary_key();
    for f in &model.fields {
        let Some((tokens, _)) = f.attrs.autoincrement.get_with_tokens() else {
            continue;
        };
        let single_integer_key = matches!(key.as_slice(), [only] if only.ident == f.ident)
            && f.scalar.is_some_and(Scalar::is_integer)
            && f.attrs.sql_type.get().is_none();
        if !single_integer_key {
            cx.error_spanned_by(
                tokens,
                format!(
                    "`autoincrement` applies to a single integer primary key, and `{}` is not \
                     one",
                    f.ident
                ),
            );
        }
    }
}

/// `index(..)` / `unique(..)` on the struct name column fields of the model.
fn check_table_indexes(cx: &Ctxt, model: &Model<'_>) {
    for index in &model.attrs.indexes {
        for field in &index.fields {
            if !model.fields.iter().any(|f| f.ident == field) {
                let columns: Vec<String> =
                    model.fields.iter().map(|f| f.ident.to_string()).collect();
                cx.error_spanned_by(
                    field,
                    format!(
                        "`{field}` is not a column of `{}`; expected one of: {}",
                        model.ident,
                        columns.join(", ")
                    ),
                );
            }
        }
    }
}

/// Single-table inheritance: the discriminator is a `String` column of the model, a child
/// comes through `#[fsql::inherits(..)]` and says its identity.
fn check_inheritance(cx: &Ctxt, model: &Model<'_>) {
    let a = &model.attrs;
    if let Some((tokens, on)) = a.polymorphic_on.get_with_tokens() {
        match model.fields.iter().find(|f| f.ident == on) {
            None => cx.error_spanned_by(
                tokens,
                format!(
                    "`polymorphic_on = {on}` names no column of `{}`; name the String field \
                     that holds each row's kind",
                    model.ident
                ),
            ),
            Some(f) if f.nullable || f.scalar != Some(Scalar::Text) || f.is_primary_key() => cx
                .error_spanned_by(
                    f.ty,
                    format!(
                        "the discriminator `{on}` must be a `String` column that is not part of \
                         the key: it holds the polymorphic_identity of each row"
                    ),
                ),
            Some(_) => {}
        }
    }
    if let Some((tokens, _)) = a.polymorphic_identity.get_with_tokens() {
        if !a.polymorphic_on.is_set() {
            cx.error_spanned_by(
                tokens,
                "`polymorphic_identity` needs a discriminator: give the parent \
                 #[fsql(polymorphic_on = field)] and take it in with \
                 #[fsql::inherits(Parent)] above #[derive(Model)]",
            );
        }
    }
    if let Some((tokens, parent)) = a.inherits.get_with_tokens() {
        let parent = quote::ToTokens::to_token_stream(parent)
            .to_string()
            .replace(' ', "");
        if a.polymorphic_on.is_set() {
            // Single-table: `#[fsql::inherits(..)]` wrote `inherits`, `table_name` and
            // `polymorphic_on`; the child says its identity.
            if !a.polymorphic_identity.is_set() {
                cx.error_spanned_by(
                    model.ident,
                    format!(
                        "`{}` shares the table of `{parent}`: say which rows are its own with \
                         #[fsql(polymorphic_identity = \"{}\")]",
                        model.ident,
                        fsql_core::camel_to_snake(&model.ident.to_string())
                    ),
                );
            }
        } else {
            check_joined_inheritance(cx, model, tokens, &parent);
        }
    }
}

/// Joined-table inheritance: one key (the parent's) and a `BelongsTo<Parent>` field for the
/// parent's row.
fn check_joined_inheritance(
    cx: &Ctxt,
    model: &Model<'_>,
    tokens: &proc_macro2::TokenStream,
    parent: &str,
) {
    let key = model.primary_key();
    if key.len() != 1 {
        cx.error_spanned_by(
            tokens,
            format!(
                "`{}` inherits from `{parent}`: its key is the parent's row's key, so give it \
                 exactly one #[fsql(primary_key)] field (e.g. `pub id: i32`, or take it from \
                 a mixin)",
                model.ident
            ),
        );
    }
    if model.parent_slot().is_none() {
        cx.error_spanned_by(
            tokens,
            format!(
                "`{}` inherits from `{parent}`: it holds its parent's row in a field, loaded \
                 with it; add `pub {}: BelongsTo<{parent}>`",
                model.ident,
                fsql_core::camel_to_snake(parent.rsplit("::").next().unwrap_or(parent))
            ),
        );
    }
}

fn check_relation(cx: &Ctxt, model: &Model<'_>, r: &crate::ast::Relation<'_>) {
    use crate::ast::RelationKind;
    let a = &r.attrs;
    let kind = match r.kind {
        RelationKind::HasMany => "HasMany",
        RelationKind::HasOne => "HasOne",
        RelationKind::BelongsTo => "BelongsTo",
        RelationKind::ManyToMany => "ManyToMany",
    };
    if r.kind == RelationKind::ManyToMany && !a.secondary.is_set() {
        cx.error_spanned_by(
            r.ident,
            format!(
                "`{}` is a ManyToMany: name its association table (declared with fsql::table!), \
                 e.g. #[fsql(secondary = page_tags)]",
                r.ident
            ),
        );
    }
    if r.kind != RelationKind::ManyToMany && a.secondary.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.secondary),
            format!(
                "`secondary` applies to ManyToMany fields only; `{}` is a {kind}",
                r.ident
            ),
        ));
    }
    if r.kind == RelationKind::ManyToMany && a.foreign_key.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.foreign_key),
            "a ManyToMany links through its association table's `references` columns; \
             `foreign_key` does not apply",
        ));
    }
    if a.backref_lazy.get().is_some_and(|l| l == "raise") {
        cx.syn_error(syn::Error::new(
            span_of(&a.backref_lazy),
            "a backref has no field to hold loaded rows, so `raise` would refuse every access; \
             declare the other side as a field with `back_populates` and give it `lazy = \"raise\"`",
        ));
    }
    if a.backref_lazy.is_set() && !a.backref.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.backref_lazy),
            "`backref_lazy` sets the strategy of the backref: give `backref = \"name\"` too",
        ));
    }
    if a.backref.is_set() && a.back_populates.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.back_populates),
            "give either `backref` (generates the other side) or `back_populates` (the other \
             side declares its own field), not both",
        ));
    }
    if r.kind == RelationKind::BelongsTo && a.lazy.get().is_some_and(|l| l == "dynamic") {
        cx.syn_error(syn::Error::new(
            span_of(&a.lazy),
            "`lazy = \"dynamic\"` is for collections (HasMany, ManyToMany); a BelongsTo leads to one row",
        ));
    }
    if let Some(fk) = a.foreign_key.get() {
        if r.kind == RelationKind::BelongsTo {
            // The key is this model's own field: check it here, with the fix.
            let found = model.fields.iter().find(|f| f.ident == fk);
            match found {
                None => cx.error_spanned_by(
                    fk,
                    format!(
                        "`{}` has no field `{fk}` to use as the foreign key of `{}`",
                        model.ident, r.ident
                    ),
                ),
                Some(f) if !f.attrs.references.is_set() => cx.error_spanned_by(
                    fk,
                    format!(
                        "field `{fk}` of `{}` is not a typed foreign key; mark it with \
                         #[fsql(references = Model)]",
                        model.ident
                    ),
                ),
                Some(_) => {}
            }
        }
    }
    if let syn::Type::Path(tp) = r.target {
        if tp.qself.is_none() && tp.path.is_ident("Self") {
            cx.error_spanned_by(
                r.target,
                format!(
                    "write the model's name, `{kind}<{}>`: the relationship's generated code is \
                     not inside the model's impl, where `Self` would mean the model",
                    model.ident
                ),
            );
        }
    }
    let owns = matches!(r.kind, RelationKind::HasMany | RelationKind::HasOne);
    if a.cascade.is_set() && !owns {
        cx.syn_error(syn::Error::new(
            span_of(&a.cascade),
            format!(
                "`cascade` goes on the side that owns the rows (HasMany, HasOne); `{}` is a {kind}{}",
                r.ident,
                if r.kind == RelationKind::ManyToMany {
                    ", whose association rows are deleted with either side already"
                } else {
                    ""
                }
            ),
        ));
    }
    if a.passive_deletes.is_set() && !a.cascade.get().is_some_and(|c| c.delete) {
        cx.syn_error(syn::Error::new(
            span_of(&a.passive_deletes),
            "`passive_deletes` leaves a cascade delete to the database's ON DELETE CASCADE: it \
             goes with `cascade = \"all\"` (and `on_delete = \"cascade\"` on the foreign key)",
        ));
    }
    let joins = [
        (&a.primaryjoin, "primaryjoin"),
        (&a.secondaryjoin, "secondaryjoin"),
    ];
    for (attr, name) in joins {
        if attr.is_set() && r.kind != RelationKind::ManyToMany {
            cx.syn_error(syn::Error::new(
                span_of(attr),
                format!("`{name}` names a column of a ManyToMany's association table"),
            ));
        }
    }
    if r.kind == RelationKind::ManyToMany && a.primaryjoin.is_set() != a.secondaryjoin.is_set() {
        let given = if a.primaryjoin.is_set() {
            &a.primaryjoin
        } else {
            &a.secondaryjoin
        };
        cx.syn_error(syn::Error::new(
            span_of(given),
            "give both `primaryjoin` (the association column pointing at this row) and \
             `secondaryjoin` (the one pointing at the target)",
        ));
    }
    if r.kind == RelationKind::ManyToMany
        && types_equal_self(model, r.target)
        && !a.primaryjoin.is_set()
        && !a.secondaryjoin.is_set()
    {
        cx.error_spanned_by(
            r.target,
            format!(
                "`{}` is a many-to-many from `{}` to itself: say which association column \
                 points at this row and which at the other, e.g. \
                 #[fsql(secondary = follows, primaryjoin = follower_id, secondaryjoin = \
                 followed_id)] (SQLAlchemy's primaryjoin/secondaryjoin)",
                r.ident, model.ident
            ),
        );
    }
}

/// The relationship's target is the model itself (`HasMany<Category>` on `Category`).
pub(crate) fn types_equal_self(model: &Model<'_>, ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(tp) if tp.qself.is_none() => {
            tp.path.is_ident("Self") || tp.path.is_ident(model.ident)
        }
        _ => false,
    }
}

fn check_primary_key(cx: &Ctxt, model: &Model<'_>) {
    let pk = model.primary_key();
    if pk.is_empty() {
        let message = match cx.syntax() {
            Syntax::Derive => format!(
                "model `{}` has no primary key; mark its key field with #[fsql(primary_key)] \
                 (several fields make a composite key)",
                model.ident
            ),
            Syntax::TableMacro => format!(
                "table `{}` has no primary key; mark its key columns with #[primary_key] (an \
                 association table's key is usually both foreign keys: a composite key)",
                model.table_name
            ),
        };
        cx.error_spanned_by(model.ident, message);
    }
    if cx.syntax() == Syntax::TableMacro {
        // No struct, so no "not assigned yet": an Option key is only a mistake.
        for f in pk.iter().filter(|f| f.nullable) {
            cx.error_spanned_by(
                f.ty,
                "a primary-key column is never NULL; write the plain type, not an Option",
            );
        }
        return;
    }
    if pk.len() > 1 {
        for f in pk.iter().filter(|f| f.nullable) {
            cx.error_spanned_by(
                f.ty,
                "a field of a composite primary key cannot be an Option: key columns are never NULL",
            );
        }
    }
    if let [only] = pk.as_slice() {
        if only.nullable && !only.scalar.is_some_and(Scalar::is_integer) {
            cx.error_spanned_by(
                only.ty,
                "an Option primary key means \"the database assigns it\", which only integer keys \
                 do; use the plain type",
            );
        }
    }
}

fn check_columns_unique(cx: &Ctxt, model: &Model<'_>) {
    let mut seen: BTreeMap<&str, &Field<'_>> = BTreeMap::new();
    for f in &model.fields {
        if let Some(first) = seen.insert(&f.column, f) {
            let message = match cx.syntax() {
                Syntax::Derive => format!(
                    "fields `{}` and `{}` both map to column `{}`",
                    first.ident, f.ident, f.column
                ),
                Syntax::TableMacro if first.ident == f.ident => {
                    format!("column `{}` is declared twice", f.column)
                }
                Syntax::TableMacro => format!(
                    "columns `{}` and `{}` both have the SQL name `{}`",
                    first.ident, f.ident, f.column
                ),
            };
            cx.error_spanned_by(f.ident, message);
        }
    }
}

/// Every field becomes an associated constant of the model (`User::username`, the column for
/// queries). An inherent constant wins over a trait's item of the same name, so a field named
/// `query` would turn `Item::query()` into a call of a column; the same goes for the other
/// items reached through the model's name and for a relationship's accessors.
fn check_no_column_hides_a_generated_item(cx: &Ctxt, model: &Model<'_>) {
    let accessors: Vec<(String, String)> = model
        .relations
        .iter()
        .flat_map(|r| {
            let rel = r.ident.to_string();
            [
                (
                    format!("load_{rel}"),
                    format!("{}::load_{rel}(..)", model.ident),
                ),
                (
                    format!("{rel}_query"),
                    format!("{}::{rel}_query(..)", model.ident),
                ),
            ]
        })
        .collect();
    for f in &model.fields {
        let name = f.ident.to_string();
        let hidden = crate::symbol::MODEL_ITEMS
            .iter()
            .find(|(item, _)| *item == name)
            .map(|(item, shape)| format!("{}::{item}{shape}", model.ident))
            .or_else(|| {
                accessors
                    .iter()
                    .find(|(item, _)| *item == name)
                    .map(|(_, call)| call.clone())
            });
        if let Some(hidden) = hidden {
            cx.error_spanned_by(
                f.ident,
                format!(
                    "field `{name}` would hide `{hidden}`: every field becomes a column \
                     constant of the model with the field's name; rename the field and keep \
                     the column's name with #[fsql(column = \"{}\")]",
                    f.column
                ),
            );
        }
    }
}

fn check_field(cx: &Ctxt, f: &Field<'_>) {
    let a = &f.attrs;
    let syntax = cx.syntax();
    let wrapper = Scalar::wrapper_for(f.inner).filter(|_| a.sql_type.get().is_none());
    if let Some(wrapper) = wrapper {
        cx.error_spanned_by(
            f.inner,
            format!(
                "use `{wrapper}` for column `{}`: it derefs to `{}` and converts to and from it \
                 with `From`. Diesel lets only itself and the type's own crate bind `{}`, so \
                 fsql binds its own type",
                f.column,
                crate::types::display(f.inner),
                crate::types::display(f.inner),
            ),
        );
    } else if f.scalar.is_none() && a.sql_type.get().is_none() && Scalar::never_a_column(f.inner) {
        cx.error_spanned_by(
            f.inner,
            format!(
                "unsupported {} type `{}` for column `{}`; supported: {SUPPORTED}; for any \
                 other type give its Diesel SQL type and DDL, e.g. {}",
                syntax.item(),
                crate::types::display(f.inner),
                f.column,
                syntax.attr("sql_type = diesel::sql_types::Text, ddl_type = \"TEXT\"")
            ),
        );
    }
    // A type fsql maps by name has no `ColumnValue` to take the DDL from.
    if let Some(ty) = a.sql_type.get() {
        let no_column_value = f.scalar.is_some() || Scalar::never_a_column(f.inner);
        if Scalar::of_diesel(ty).is_none() && a.ddl_type.get().is_none() && no_column_value {
            cx.error_spanned_by(
                ty,
                format!(
                    "fsql does not know how to write this SQL type in DDL; add its DDL \
                     spelling, e.g. {}",
                    syntax.attr("sql_type = .., ddl_type = \"JSONB\"")
                ),
            );
        }
    }
    let numeric = |cx: &Ctxt, attr: &crate::attr::Attr<u32>, name: &str| {
        if attr.is_set() && f.ddl_scalar() != Some(Scalar::Decimal) {
            cx.syn_error(syn::Error::new(
                span_of(attr),
                format!(
                    "`{name}` applies to fsql::Decimal columns only; `{}` is `{}`",
                    f.ident,
                    crate::types::display(f.ty)
                ),
            ));
        }
    };
    numeric(cx, &a.precision, "precision");
    numeric(cx, &a.scale, "scale");
    if let (Some(p), Some(s)) = (a.precision.get(), a.scale.get()) {
        if s > p {
            cx.syn_error(syn::Error::new(
                span_of(&a.scale),
                format!("`scale` ({s}) cannot exceed `precision` ({p}): NUMERIC({p}, {s})"),
            ));
        }
    }
    if a.scale.is_set() && !a.precision.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.scale),
            "`scale` needs a `precision`, e.g. #[fsql(precision = 10, scale = 2)]",
        ));
    }
    if a.length.is_set() && f.ddl_scalar() != Some(Scalar::Text) {
        cx.syn_error(syn::Error::new(
            span_of(&a.length),
            format!(
                "`length` applies to String columns only; `{}` is `{}`",
                f.ident,
                crate::types::display(f.ty)
            ),
        ));
    }
    if a.foreign_key.is_set() && a.references.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.foreign_key),
            "give either `foreign_key = \"table.column\"` or `references = Model`, not both",
        ));
    }
    if a.on_delete.is_set() && !a.foreign_key.is_set() && !a.references.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.on_delete),
            format!(
                "`on_delete` needs a foreign key on the same {} (`references = Model` or \
                 `foreign_key = \"table.column\"`)",
                syntax.item()
            ),
        ));
    }
    if a.on_delete.get() == Some(&OnDelete::SetNull) && !f.nullable {
        cx.syn_error(syn::Error::new(
            span_of(&a.on_delete),
            format!(
                "on_delete = \"set null\" needs a nullable column; make `{}` an Option",
                f.ident
            ),
        ));
    }
    if a.default.is_set() && a.default_fn.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.default_fn),
            "give either `default` (in the database) or `default_fn` (in Rust), not both",
        ));
    }
    if f.is_primary_key() && a.onupdate.is_set() {
        cx.syn_error(syn::Error::new(
            span_of(&a.onupdate),
            "a primary key is never updated (it identifies the row); `onupdate` does not apply",
        ));
    }
    if f.is_primary_key() && a.default_fn.is_set() && f.scalar.is_some_and(Scalar::is_integer) {
        cx.syn_error(syn::Error::new(
            span_of(&a.default_fn),
            "an integer primary key is assigned by the database; `default_fn` does not apply",
        ));
    }
}
