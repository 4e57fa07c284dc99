//! Relationships: the key and foreign-key impls a model offers to others, and for each
//! relationship field (and backref) a relationship type, its constant on the model, its
//! accessors and its per-backend loading.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{Ident, Type};

use crate::ast::{Model, Relation, RelationKind};
use crate::private::private;

/// `SingleKey` for a model with a one-column key.
pub fn single_key(m: &Model<'_>) -> TokenStream {
    let pk = m.primary_key();
    let [key] = pk.as_slice() else {
        return TokenStream::new();
    };
    let (ident, table_mod, col) = (m.ident, &m.table_mod, &key.column_ident);
    quote! {
        #[automatically_derived]
        impl #private::SingleKey for #ident {
            type KeyColumn = #table_mod::#col;
            #[inline]
            fn filter_keys<'__a>(
                query: #private::Query<'__a, Self>,
                keys: ::std::vec::Vec<<Self as #private::Model>::PrimaryKey>,
            ) -> #private::Query<'__a, Self> {
                use ::diesel::ExpressionMethods as _;
                query.filter(#table_mod::#col.eq_any(keys))
            }
        }
    }
}

/// `ForeignKey<Parent, id>` for each `references = Parent` field, and `ForeignKey<Parent>` when
/// the field is the only one referencing that model.
pub fn foreign_keys(m: &Model<'_>) -> TokenStream {
    let (ident, table_mod) = (m.ident, &m.table_mod);
    let referencing: Vec<_> = m
        .fields
        .iter()
        .filter_map(|f| f.attrs.references.get().map(|p| (f, p)))
        .collect();
    let last = |p: &syn::Path| p.segments.last().map(|s| s.ident.to_string());
    let mut out = TokenStream::new();
    for (f, parent) in &referencing {
        let col = &f.column_ident;
        let id = f.ident;
        let key = if f.nullable {
            quote!(::core::clone::Clone::clone(&self.#id))
        } else {
            quote!(::core::option::Option::Some(::core::clone::Clone::clone(&self.#id)))
        };
        let only = referencing
            .iter()
            .filter(|(_, p)| last(p) == last(parent))
            .count()
            == 1;
        let field_id = fsql_core::foreign_key_id(&id.to_string());
        let mut ids = vec![quote!(#field_id)];
        if only {
            ids.push(quote!(0));
        }
        for n in ids {
            // The header carries the `references = ..` span, so "not a model" points there; the
            // body keeps the call site's hygiene (`self` must resolve to the parameter).
            let span = syn::spanned::Spanned::span(parent);
            let runtime = private.at(span);
            let fk_trait = quote_spanned! {span=>
                #runtime::ForeignKey<#parent, #n>
            };
            let parent_key = quote_spanned! {span=>
                <#parent as #runtime::Model>::PrimaryKey
            };
            out.extend(quote! {
                #[automatically_derived]
                impl #fk_trait for #ident {
                    type Column = #table_mod::#col;
                    #[inline]
                    fn parent_key(&self) -> ::core::option::Option<#parent_key> {
                        #key
                    }
                    #[inline]
                    fn filter_parent<'__a>(
                        query: #private::Query<'__a, Self>,
                        key: #parent_key,
                    ) -> #private::Query<'__a, Self> {
                        use ::diesel::ExpressionMethods as _;
                        query.filter(#table_mod::#col.eq(key))
                    }
                    #[inline]
                    fn filter_parents<'__a>(
                        query: #private::Query<'__a, Self>,
                        keys: ::std::vec::Vec<#parent_key>,
                    ) -> #private::Query<'__a, Self> {
                        use ::diesel::ExpressionMethods as _;
                        query.filter(#table_mod::#col.eq_any(keys))
                    }
                }
            });
        }
    }
    out
}

/// `Model::__default_loads` for the relationships loaded eagerly by default; empty otherwise.
pub fn default_loads(m: &Model<'_>) -> TokenStream {
    let eager: Vec<_> = m
        .relations
        .iter()
        .filter(|r| {
            matches!(
                r.attrs.lazy.get().map(String::as_str),
                Some("joined" | "subquery" | "selectin")
            )
        })
        .map(|r| rel_type(m.ident, r.ident))
        .collect();
    if eager.is_empty() {
        return TokenStream::new();
    }
    // A repetition rebinds every name it interpolates, and a unit struct cannot be rebound.
    let runtime = private;
    quote! {
        const __HAS_DEFAULT_LOADS: bool = true;
        #[inline]
        fn __default_loads() -> ::std::vec::Vec<#private::LoadOption<Self>> {
            ::std::vec![#(
                ::core::convert::Into::into(#runtime::Eager::from(#eager)),
            )*]
        }
    }
}

fn rel_type(model: &Ident, field: &Ident) -> Ident {
    format_ident!("__FsqlRelationship_{}_{}", model, field)
}

fn lazy_variant(lazy: Option<&String>) -> TokenStream {
    let v = match lazy.map(String::as_str).unwrap_or("select") {
        "joined" => quote!(Joined),
        "subquery" => quote!(Subquery),
        "selectin" => quote!(Selectin),
        "dynamic" => quote!(Dynamic),
        "noload" => quote!(NoLoad),
        "raise" => quote!(Raise),
        _ => quote!(Select),
    };
    quote!(#private::Lazy::#v)
}

/// The association table's columns that point at a many-to-many's parent and at its target:
/// named by `primaryjoin`/`secondaryjoin` (swapped for the backref), else the one column
/// that references each model.
fn association_columns(
    r: &Relation<'_>,
    reverse: bool,
    parent: &TokenStream,
    target: &TokenStream,
) -> (TokenStream, TokenStream) {
    let secondary = r.attrs.secondary.get();
    match (
        secondary,
        r.attrs.primaryjoin.get(),
        r.attrs.secondaryjoin.get(),
    ) {
        (Some(table), Some(mine), Some(theirs)) => {
            let (p, t) = if reverse {
                (theirs, mine)
            } else {
                (mine, theirs)
            };
            (quote!(#table::#p), quote!(#table::#t))
        }
        _ => {
            let assoc = secondary.map(|t| quote!(#t::table));
            (
                quote!(<#assoc as #private::AssociationLink<#parent>>::Column),
                quote!(<#assoc as #private::AssociationLink<#target>>::Column),
            )
        }
    }
}

/// One side of a relationship, as generated.
struct Side<'a> {
    /// The model the relationship is declared on (its accessors go there).
    parent: TokenStream,
    target: &'a Type,
    name: &'a Ident,
    rel: Ident,
    lazy: Option<&'a String>,
    /// `Some(field)` when the parent has the slot field.
    slot_field: Option<&'a Ident>,
    kind: RelationKind,
    /// `query_class = MyQuery`: what `<field>_query()` (and a dynamic loader) return.
    query_class: Option<&'a syn::Path>,
}

/// Everything for the relationship fields of `m` and the backrefs they declare.
pub fn expand(m: &Model<'_>) -> TokenStream {
    let mut out = TokenStream::new();
    let ident = m.ident;
    for r in &m.relations {
        let this = Side {
            parent: quote!(#ident),
            target: r.target,
            name: r.ident,
            rel: rel_type(ident, r.ident),
            lazy: r.attrs.lazy.get(),
            slot_field: Some(r.ident),
            kind: r.kind,
            query_class: r.attrs.query_class.get(),
        };
        out.extend(side(m, r, &this, false));
        if let Some(backref) = r.attrs.backref.get() {
            let target_name = match r.target {
                Type::Path(tp) => tp.path.segments.last().map(|s| s.ident.clone()),
                _ => None,
            }
            .unwrap_or_else(|| format_ident!("Target"));
            let reverse = Side {
                parent: {
                    let t = r.target;
                    quote!(#t)
                },
                target: r.target,
                name: backref,
                rel: rel_type(&target_name, backref),
                lazy: r.attrs.backref_lazy.get(),
                slot_field: None,
                kind: match r.kind {
                    RelationKind::HasMany | RelationKind::HasOne => RelationKind::BelongsTo,
                    RelationKind::BelongsTo => RelationKind::HasMany,
                    RelationKind::ManyToMany => RelationKind::ManyToMany,
                },
                query_class: None,
            };
            out.extend(side(m, r, &reverse, true));
        }
        if let Some(other) = r.attrs.back_populates.get() {
            // The other side declares its own field; check that it exists.
            let t = r.target;
            let check = format_ident!("__fsql_back_populates_{}_{}", ident, r.ident);
            out.extend(quote_spanned! {other.span()=>
                #[allow(non_upper_case_globals, dead_code)]
                const #check: () = {
                    let _ = <#t>::#other;
                };
            });
        }
    }
    out
}

/// One relationship type with its impls. `reverse`: the backref of `r`, declared on `r`'s
/// target and leading back to the model being derived.
fn side(m: &Model<'_>, r: &Relation<'_>, s: &Side<'_>, reverse: bool) -> TokenStream {
    let model = m.ident;
    let vis = m.vis;
    let parent = &s.parent;
    // Inside the generated items `Self` is not the model; name it.
    let target: TokenStream = if reverse {
        quote!(#model)
    } else {
        let t = s.target;
        quote!(#t)
    };
    let rel = &s.rel;
    let name_str = format!("{}.{}", parent.to_string().replace(' ', ""), s.name);
    let lazy = lazy_variant(s.lazy);
    // Emitted only when true: the trait's default is false, and every line is compiled per model.
    let self_referential = crate::valid::types_equal_self(m, r.target).then(|| {
        quote!(
            const SELF_REFERENTIAL: bool = true;
        )
    });
    // The model holding the foreign key, the model it references, and which key.
    let fk_field = r.attrs.foreign_key.get();
    let fk_id = fk_field.map_or(0, |f| fsql_core::foreign_key_id(&f.to_string()));
    let declared_target = r.target;
    let q = quote!(#private::Query);
    let model_tr = quote!(#private::Model);
    let single = quote!(#private::SingleKey);
    let (slot, link_ty, body, links, join) = match s.kind {
        RelationKind::HasMany | RelationKind::HasOne => {
            // Parent = the referenced model, target = the one with the foreign key.
            let (child, referenced) = if reverse {
                // Reverse of a BelongsTo declared on `model`: model is the child.
                (quote!(#model), quote!(#declared_target))
            } else {
                (quote!(#declared_target), quote!(#model))
            };
            let fk = quote!(<#child as #private::ForeignKey<#referenced, #fk_id>>);
            let slot = if s.kind == RelationKind::HasMany {
                quote!(#private::HasMany<#target>)
            } else {
                quote!(#private::HasOne<#target>)
            };
            let body = quote! {
                #[inline]
                fn link(parent: &#parent) -> ::core::option::Option<Self::Link> {
                    ::core::option::Option::Some(<#parent as #model_tr>::primary_key(parent))
                }
                #[inline]
                fn targets_of<'__a>(link: Self::Link) -> #q<'__a, #target> {
                    #fk::filter_parent(#q::new(), link)
                }
                #[inline]
                fn targets_in<'__a>(links: ::std::vec::Vec<Self::Link>) -> #q<'__a, #target> {
                    #fk::filter_parents(#q::new(), links)
                }
                #[inline]
                fn targets_under<'__a>(parents: #q<'__a, #parent>) -> ::core::option::Option<#q<'__a, #target>> {
                    ::core::option::Option::Some(#q::new().filter(#private::under(
                        <#fk::Column as ::core::default::Default>::default(),
                        <<#parent as #single>::KeyColumn as ::core::default::Default>::default(),
                        parents,
                    )))
                }
            };
            let links = quote!(direct_by(|t: &#target| #fk::parent_key(t), #fk::Column));
            let join = quote! {
                    #private::JoinTo {
                        right: ::std::boxed::Box::new(<<#target as #model_tr>::Table as ::core::default::Default>::default()),
                        on_left: ::std::boxed::Box::new(<#fk::Column as ::core::default::Default>::default()),
                        on_left_name: <#fk::Column as ::diesel::Column>::NAME,
                        on_left_table: <#target as #model_tr>::META.name,
                        on_right: ::std::boxed::Box::new(<<#parent as #single>::KeyColumn as ::core::default::Default>::default()),
                        on_right_name: <<#parent as #single>::KeyColumn as ::diesel::Column>::NAME,
                    }
            };
            (
                slot,
                quote!(<#parent as #model_tr>::PrimaryKey),
                body,
                links,
                join,
            )
        }
        RelationKind::BelongsTo => {
            // Parent = the model with the foreign key, target = the referenced one.
            let fk = quote!(<#parent as #private::ForeignKey<#target, #fk_id>>);
            let body = quote! {
                #[inline]
                fn link(parent: &#parent) -> ::core::option::Option<Self::Link> {
                    #fk::parent_key(parent)
                }
                #[inline]
                fn targets_of<'__a>(link: Self::Link) -> #q<'__a, #target> {
                    <#target as #single>::filter_keys(#q::new(), ::std::vec![link])
                }
                #[inline]
                fn targets_in<'__a>(links: ::std::vec::Vec<Self::Link>) -> #q<'__a, #target> {
                    <#target as #single>::filter_keys(#q::new(), links)
                }
                #[inline]
                fn targets_under<'__a>(parents: #q<'__a, #parent>) -> ::core::option::Option<#q<'__a, #target>> {
                    ::core::option::Option::Some(#q::new().filter(#private::under(
                        <<#target as #single>::KeyColumn as ::core::default::Default>::default(),
                        <#fk::Column as ::core::default::Default>::default(),
                        parents,
                    )))
                }
            };
            let links = quote!(direct(|t: &#target| ::core::option::Option::Some(<#target as #model_tr>::primary_key(t))));
            (
                quote!(#private::BelongsTo<#target>),
                quote!(<#target as #model_tr>::PrimaryKey),
                body,
                links,
                quote! {
                    #private::JoinTo {
                        right: ::std::boxed::Box::new(<<#target as #model_tr>::Table as ::core::default::Default>::default()),
                        on_left: ::std::boxed::Box::new(<<#target as #single>::KeyColumn as ::core::default::Default>::default()),
                        on_left_name: <<#target as #single>::KeyColumn as ::diesel::Column>::NAME,
                        on_left_table: <#target as #model_tr>::META.name,
                        on_right: ::std::boxed::Box::new(<#fk::Column as ::core::default::Default>::default()),
                        on_right_name: <#fk::Column as ::diesel::Column>::NAME,
                    }
                },
            )
        }
        RelationKind::ManyToMany => {
            let Some(secondary) = r.attrs.secondary.get() else {
                return TokenStream::new(); // reported by valid.rs
            };
            let assoc = quote!(#secondary::table);
            let (pcol, tcol) = association_columns(r, reverse, parent, &target);
            let body = quote! {
                const LOADS_BY_LINKS: bool = true;
                #[inline]
                fn link(parent: &#parent) -> ::core::option::Option<Self::Link> {
                    ::core::option::Option::Some(<#parent as #model_tr>::primary_key(parent))
                }
                #[inline]
                fn targets_of<'__a>(link: Self::Link) -> #q<'__a, #target> {
                    use ::diesel::{ExpressionMethods as _, QueryDsl as _};
                    #q::new().filter(#private::InSubquery::plain(
                        <<#target as #single>::KeyColumn as ::core::default::Default>::default(),
                        <#assoc as ::core::default::Default>::default()
                            .select(<#tcol as ::core::default::Default>::default())
                            .filter(<#pcol as ::core::default::Default>::default().eq(link)),
                    ))
                }
                #[inline]
                fn targets_in<'__a>(links: ::std::vec::Vec<Self::Link>) -> #q<'__a, #target> {
                    use ::diesel::{ExpressionMethods as _, QueryDsl as _};
                    #q::new().filter(#private::InSubquery::plain(
                        <<#target as #single>::KeyColumn as ::core::default::Default>::default(),
                        <#assoc as ::core::default::Default>::default()
                            .select(<#tcol as ::core::default::Default>::default())
                            .filter(<#pcol as ::core::default::Default>::default().eq_any(links)),
                    ))
                }
                #[inline]
                fn targets_under<'__a>(_: #q<'__a, #parent>) -> ::core::option::Option<#q<'__a, #target>> {
                    ::core::option::Option::None
                }
            };
            (
                quote!(#private::ManyToMany<#target>),
                quote!(<#parent as #model_tr>::PrimaryKey),
                body,
                quote!(secondary(#assoc, #pcol, #tcol)),
                quote! {
                    #private::JoinTo {
                        right: ::std::boxed::Box::new(#private::Join::<__DB> {
                            left: ::std::boxed::Box::new(<#assoc as ::core::default::Default>::default()),
                            kind: #private::JoinKind::Inner,
                            right: ::std::boxed::Box::new(<<#target as #model_tr>::Table as ::core::default::Default>::default()),
                            on_left: ::std::boxed::Box::new(<#tcol as ::core::default::Default>::default()),
                            on_right: ::std::boxed::Box::new(<<#target as #single>::KeyColumn as ::core::default::Default>::default()),
                        }),
                        on_left: ::std::boxed::Box::new(<#pcol as ::core::default::Default>::default()),
                        on_left_name: <#pcol as ::diesel::Column>::NAME,
                        on_left_table: #assoc::META.name,
                        on_right: ::std::boxed::Box::new(<<#parent as #single>::KeyColumn as ::core::default::Default>::default()),
                        on_right_name: <<#parent as #single>::KeyColumn as ::diesel::Column>::NAME,
                    }
                },
            )
        }
    };
    let with_slot = s.slot_field.map(|field| {
        quote! {
            #[automatically_derived]
            impl #private::WithSlot for #rel {
                #[inline]
                fn slot(parent: &#parent) -> &Self::Slot {
                    &parent.#field
                }
                #[inline]
                fn slot_mut(parent: &mut #parent) -> &mut Self::Slot {
                    &mut parent.#field
                }
            }
        }
    });
    let name = s.name;
    let load_fn = format_ident!("load_{}", name);
    let query_fn = format_ident!("{}_query", name);
    let doc_const = format!(
        "The relationship `{name_str}`, for loader options (`selectinload({})`), \
         `Query::with_parent` and `Query::all_with`.",
        name_str.replace('.', "::")
    );
    let doc_query = format!("The rows of `{name_str}` for this row, as a query to refine.");
    let owned = quote!(<<#rel as #private::Relationship>::Slot as #private::Slot>::Value);
    let view = quote!(<<#rel as #private::Relationship>::Slot as #private::Slot>::View<'_>);
    // Flask-SQLAlchemy's `relationship(.., query_class=..)`: the related rows' query comes
    // as the class named, converted from the `Query` it wraps.
    let (query_ty, query_expr) = match s.query_class {
        Some(class) => (
            quote!(#class<'static, #target>),
            quote!(::core::convert::From::from(::fsql::Query::new().with_parent(self, #rel))),
        ),
        None => (
            quote!(::fsql::Query<'static, #target>),
            quote!(::fsql::Query::new().with_parent(self, #rel)),
        ),
    };
    let loader = if s.lazy.map(String::as_str) == Some("dynamic") {
        let doc = format!("`{name_str}` (`lazy = \"dynamic\"`): a query of this row's related rows, to filter, order or paginate.");
        quote! {
            #[doc = #doc]
            #[inline]
            #vis fn #load_fn(&self) -> #query_ty {
                #query_expr
            }
        }
    } else if s.slot_field.is_some() {
        if s.lazy.map(String::as_str) == Some("noload") {
            let doc = format!("What `{name_str}` holds (`lazy = \"noload\"`: only what was loaded with an option).");
            quote! {
                #[doc = #doc]
                #[inline]
                #vis fn #load_fn(&self) -> ::core::option::Option<#view> {
                    #private::Slot::cell(<#rel as #private::WithSlot>::slot(self))
                        .get()
                        .map(<<#rel as #private::Relationship>::Slot as #private::Slot>::view)
                }
            }
        } else {
            let doc = if s.lazy.map(String::as_str) == Some("raise") {
                format!("The rows of `{name_str}` loaded with the query (`lazy = \"raise\"`: an `Error::NotLoaded` naming the loader option when they were not).")
            } else {
                format!("The rows of `{name_str}`: loaded with one statement on first use, then kept in the field.")
            };
            quote! {
                #[doc = #doc]
                #[track_caller]
                #[inline]
                #vis fn #load_fn<__E: ::fsql::Executor>(&self, exec: __E) -> ::fsql::Result<#view> {
                    #private::lazy_load::<#rel, __E>(self, exec)
                }
            }
        }
    } else {
        let doc = format!("The rows of the backref `{name_str}` (loaded on each call; there is no field to keep them).");
        quote! {
            #[doc = #doc]
            #[track_caller]
            #[inline]
            #vis fn #load_fn<__E: ::fsql::Executor>(&self, exec: __E) -> ::fsql::Result<#owned> {
                #private::load_backref::<#rel, __E>(self, exec)
            }
        }
    };
    let writes = match (s.kind, r.attrs.secondary.get()) {
        (RelationKind::ManyToMany, Some(secondary)) => {
            let assoc = quote!(#secondary::table);
            let (pcol_ty, tcol_ty) = association_columns(r, reverse, parent, &target);
            let pcol = quote!(<#pcol_ty as ::core::default::Default>::default());
            let tcol = quote!(<#tcol_ty as ::core::default::Default>::default());
            let keys = quote! {
                let pk = <#parent as #model_tr>::primary_key(parent);
                let tk = <#target as #model_tr>::primary_key(target);
            };
            quote! {
                impl #rel {
                    /// Links `parent` and `target`: inserts their row into the association table.
                    #[inline]
                    #vis fn add<__E: ::fsql::Executor>(self, exec: __E, parent: &#parent, target: &#target) -> ::fsql::Result<()> {
                        use ::diesel::{ExpressionMethods as _, RunQueryDsl as _};
                        #keys
                        ::fsql::Executor::run(exec, #assoc::META, |conn: &mut #private::AnyConnection| {
                            ::diesel::insert_into(<#assoc as ::core::default::Default>::default())
                                .values((#pcol.eq(pk), #tcol.eq(tk)))
                                .execute(conn)
                                .map(|_| ())
                                .map_err(|e| #private::association_error(e, #assoc::META))
                        })
                    }

                    /// Unlinks `parent` and `target`; whether they were linked.
                    #[inline]
                    #vis fn remove<__E: ::fsql::Executor>(self, exec: __E, parent: &#parent, target: &#target) -> ::fsql::Result<bool> {
                        use ::diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
                        #keys
                        ::fsql::Executor::run(exec, #assoc::META, |conn: &mut #private::AnyConnection| {
                            ::diesel::delete(
                                <#assoc as ::core::default::Default>::default()
                                    .filter(#pcol.eq(pk))
                                    .filter(#tcol.eq(tk)),
                            )
                            .execute(conn)
                            .map(|n| n > 0)
                            .map_err(|e| #private::association_error(e, #assoc::META))
                        })
                    }

                    /// Whether `parent` and `target` are linked.
                    #[inline]
                    #vis fn contains<__E: ::fsql::Executor>(self, exec: __E, parent: &#parent, target: &#target) -> ::fsql::Result<bool> {
                        use ::diesel::{ExpressionMethods as _, QueryDsl as _, RunQueryDsl as _};
                        #keys
                        ::fsql::Executor::run(exec, #assoc::META, |conn: &mut #private::AnyConnection| {
                            ::diesel::select(::diesel::dsl::exists(
                                <#assoc as ::core::default::Default>::default()
                                    .filter(#pcol.eq(pk))
                                    .filter(#tcol.eq(tk)),
                            ))
                            .get_result::<bool>(conn)
                            .map_err(|e| #private::association_error(e, #assoc::META))
                        })
                    }
                }
            }
        }
        _ => TokenStream::new(),
    };
    let parent_for_impl = if reverse {
        target_type_tokens(r)
    } else {
        quote!(#model)
    };
    let cascades = if reverse {
        TokenStream::new()
    } else {
        cascades(r, rel, &name_str, fk_id)
    };
    quote! {
        #cascades

        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #rel;

        #[automatically_derived]
        impl #private::Relationship for #rel {
            type Parent = #parent;
            type Target = #target;
            type Link = #link_ty;
            type Slot = #slot;
            const NAME: &'static str = #name_str;
            const LAZY: #private::Lazy = #lazy;
            #self_referential
            #body
        }

        #with_slot

        #writes

        #private::impl_relationship_backends!(rel = #rel, parent = #parent, target = #target, links = #links, join = { #join });

        #[allow(non_upper_case_globals)]
        impl #parent_for_impl {
            #[doc = #doc_const]
            #vis const #name: #rel = #rel;

            #loader

            #[doc = #doc_query]
            #[inline]
            #vis fn #query_fn(&self) -> #query_ty {
                #query_expr
            }
        }
    }
}

/// The registrations of `cascade = ".."` on a `HasMany`/`HasOne` (checked by valid.rs): the
/// children deleted before their parent (unless `passive_deletes` leaves it to the database),
/// and the rule that a child pointing at no parent is an orphan.
fn cascades(r: &Relation<'_>, rel: &Ident, name_str: &str, fk_id: u64) -> TokenStream {
    let Some(cascade) = r.attrs.cascade.get() else {
        return TokenStream::new();
    };
    if !matches!(r.kind, RelationKind::HasMany | RelationKind::HasOne) {
        return TokenStream::new();
    }
    let target = r.target;
    let model_tr = quote!(#private::Model);
    let delete = (cascade.delete && !r.attrs.passive_deletes.is_set()).then(|| {
        quote! {
            #private::inventory::submit! {
                #private::CascadeDelete {
                    parent: <<#rel as #private::Relationship>::Parent as #model_tr>::META,
                    relationship: #name_str,
                    delete: #private::delete_children::<#rel>,
                }
            }
        }
    });
    let orphan = cascade.delete_orphan.then(|| {
        let fk = quote!(<#target as #private::ForeignKey<<#rel as #private::Relationship>::Parent, #fk_id>>);
        quote! {
            #private::inventory::submit! {
                #private::OrphanRule {
                    child: <#target as #model_tr>::META,
                    is_orphan: {
                        fn is_orphan(row: &dyn ::core::any::Any) -> bool {
                            row.downcast_ref::<#target>()
                                .is_some_and(|t| #fk::parent_key(t).is_none())
                        }
                        is_orphan
                    },
                }
            }
        }
    });
    quote! {
        #delete
        #orphan
    }
}

fn target_type_tokens(r: &Relation<'_>) -> TokenStream {
    let t = r.target;
    quote!(#t)
}
