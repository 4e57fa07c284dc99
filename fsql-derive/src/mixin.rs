//! Mixins: structs of shared columns (`#[derive(Mixin)]`, or `#[derive(Model)]` with
//! `#[fsql(abstract)]`) that `#[fsql::mixin(..)]` copies into models.
//!
//! A derive sees only its own struct, so a model cannot read a mixin's fields. The mixin
//! therefore carries them itself: its derive emits a `macro_rules!` macro, re-exported under the
//! mixin's own name in the macro namespace (`TimestampMixin!`, beside the type
//! `TimestampMixin`), that splices the fields into a struct definition. `#[fsql::mixin(A, B)]`
//! hands the model's definition to `B!`, which passes it on to `A!` through
//! [`inject_next`], and the last one emits the struct with every field written out, where
//! `#[derive(Model)]` sees them as its own. Python's mixins put their attributes on the class
//! itself, so do these: `post.created`, not `post.stamps.created`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields, Path, Token};

use crate::ast::RelationKind;
use crate::attr::{ContainerAttrs, FieldAttrs, RelationAttrs};
use crate::ctxt::Ctxt;
use crate::private::private;

/// `#[derive(Mixin)]`, and `#[derive(Model)]` on an `#[fsql(abstract)]` struct.
pub fn derive_mixin(input: &DeriveInput, abstract_model: bool) -> TokenStream {
    let cx = Ctxt::new();
    let what = if abstract_model {
        "an abstract model"
    } else {
        "#[derive(Mixin)]"
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            format!("{what} cannot be generic: its fields are copied into models as written"),
        );
    }
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(n) => Some(&n.named),
            _ => None,
        },
        _ => None,
    };
    let Some(fields) = fields else {
        cx.error_spanned_by(
            &input.ident,
            format!("{what} needs a struct with named fields: each field is a column"),
        );
        return errors(cx);
    };
    // A base carries a bind to the models built on it (Flask-SQLAlchemy's `__bind_key__` on
    // an abstract base); a table name, query class or repr belongs to each model.
    let attrs = ContainerAttrs::from_ast(&cx, input);
    for (tokens, name) in [
        (
            attrs.table_name.get_with_tokens().map(|(t, _)| t),
            "table_name",
        ),
        (
            attrs.query_class.get_with_tokens().map(|(t, _)| t),
            "query_class",
        ),
        (attrs.repr.get_with_tokens().map(|(t, _)| t), "repr"),
        (
            attrs.polymorphic_on.get_with_tokens().map(|(t, _)| t),
            "polymorphic_on",
        ),
        (
            attrs.polymorphic_identity.get_with_tokens().map(|(t, _)| t),
            "polymorphic_identity",
        ),
        (attrs.inherits.get_with_tokens().map(|(t, _)| t), "inherits"),
    ]
    .into_iter()
    .chain(attrs.indexes.iter().map(|ix| {
        let name = if ix.unique { "unique(..)" } else { "index(..)" };
        (Some(&ix.at), name)
    })) {
        if let Some(tokens) = tokens {
            cx.error_spanned_by(
                tokens,
                format!(
                    "{what} has no table, so `{name}` does not apply; put it on the models that \
                     take its columns in with #[fsql::mixin(..)] (a `bind` may stay here)"
                ),
            );
        }
    }
    if !abstract_model {
        if let Some((tokens, _)) = attrs.abstract_.get_with_tokens() {
            cx.error_spanned_by(
                tokens,
                "`abstract` is for #[derive(Model)]; a #[derive(Mixin)] is abstract already",
            );
        }
    }
    // Parsed here too, so a mistake is reported at the mixin, once, not in every model.
    for field in fields {
        if RelationKind::of(&field.ty).is_some() {
            RelationAttrs::from_ast(&cx, field);
        } else {
            FieldAttrs::from_ast(&cx, field);
        }
    }
    if let Err(e) = cx.check() {
        return e.to_compile_error();
    }
    let bind = attrs
        .bind
        .get()
        .map(|bind| quote!(#[fsql(__mixin_bind = #bind)]));
    carrier(&input.ident, fields.iter(), bind.unwrap_or_default())
}

/// The macro that carries `fields` into the structs it is applied to, adding `attrs` (extra
/// `#[fsql(..)]` on the struct) too.
pub fn carrier<'f>(
    ident: &syn::Ident,
    fields: impl Iterator<Item = &'f syn::Field> + Clone,
    attrs: TokenStream,
) -> TokenStream {
    let macro_name = format_ident!("__fsql_mixin_{}", ident);
    let names = fields.clone().map(|f| &f.ident);
    quote! {
        #[doc(hidden)]
        #[allow(unused_macros)]
        macro_rules! #macro_name {
            (@fsql_inject [$($rest:tt)*] $(#[$attr:meta])* $vis:vis struct $name:ident { $($body:tt)* }) => {
                #private::inject_mixins! {
                    [$($rest)*]
                    $(#[$attr])* #attrs $vis struct $name { #(#fields,)* $($body)* }
                }
            };
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub(crate) use #macro_name as #ident;
        // The struct itself is only a carrier of fields, often never built: that is not dead
        // code to warn about.
        const _: fn(#ident) -> #ident = |mixin| {
            let _ = (#(&mixin.#names,)*);
            #ident { ..mixin }
        };
    }
}

fn errors(cx: Ctxt) -> TokenStream {
    match cx.check() {
        Ok(()) => TokenStream::new(),
        Err(e) => e.to_compile_error(),
    }
}

/// The mixins of `#[fsql::mixin(A, B)]`.
struct MixinList(Punctuated<Path, Token![,]>);

impl Parse for MixinList {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Punctuated::parse_terminated(input).map(Self)
    }
}

/// `#[fsql::mixin(A, B)] struct Post { .. }`: `Post` gets `A`'s fields, then `B`'s, then its
/// own.
pub fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let list = match syn::parse2::<MixinList>(args.clone()) {
        Ok(l) => l.0,
        Err(e) => return with_item(e, item),
    };
    if list.is_empty() {
        let e = syn::Error::new(
            args.span(),
            "name the mixins to take columns from, e.g. #[fsql::mixin(TimestampMixin)]",
        );
        return with_item(e, item);
    }
    if let Err(e) = syn::parse2::<syn::ItemStruct>(item.clone()) {
        let e = syn::Error::new(
            e.span(),
            "#[fsql::mixin(..)] applies to a struct with named fields, written above \
             #[derive(Model)]",
        );
        return with_item(e, item);
    }
    // Each mixin puts its fields first, so the last one listed goes first.
    let paths: Vec<&Path> = list.iter().rev().collect();
    next(&paths, item)
}

/// `#[fsql::inherits(Parent)] struct Child { .. }`: single-table inheritance. `Parent` (a model
/// with `polymorphic_on`) brings its columns, its table and its discriminator.
pub fn inherits(args: TokenStream, item: TokenStream) -> TokenStream {
    if syn::parse2::<Path>(args.clone()).is_ok() {
        return attribute(args, item);
    }
    let e = syn::Error::new(
        args.span(),
        "name the one parent model, e.g. #[fsql::inherits(Employee)]",
    )
    .to_compile_error();
    // Still take the columns in, so the model's own checks do not add errors of their own.
    let taken = attribute(args, item);
    quote!(#e #taken)
}

/// On an error, the item is still emitted so its own uses do not fail too.
fn with_item(e: syn::Error, item: TokenStream) -> TokenStream {
    let e = e.to_compile_error();
    quote!(#e #item)
}

/// The struct after one more mixin: handed to the next mixin, or emitted when none is left.
fn next(paths: &[&Path], item: TokenStream) -> TokenStream {
    match paths.split_first() {
        None => item,
        Some((first, rest)) => {
            // The span of the path as written, so "cannot find macro" points at it.
            quote_spanned! {first.span()=>
                #first! { @fsql_inject [#(#rest,)*] #item }
            }
        }
    }
}

/// What `inject_mixins!` reads: `[B, A,] struct ..`.
struct Pending {
    paths: Vec<Path>,
    item: TokenStream,
}

impl Parse for Pending {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let content;
        syn::bracketed!(content in input);
        let paths = Punctuated::<Path, Token![,]>::parse_terminated(&content)?;
        Ok(Self {
            paths: paths.into_iter().collect(),
            item: input.parse()?,
        })
    }
}

/// `inject_mixins!`: called back by each mixin's macro with the mixins still to apply.
pub fn inject_next(input: TokenStream) -> TokenStream {
    match syn::parse2::<Pending>(input) {
        Ok(p) => {
            let paths: Vec<&Path> = p.paths.iter().collect();
            next(&paths, p.item)
        }
        Err(e) => e.to_compile_error(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(tokens: TokenStream) -> String {
        tokens.to_string()
    }

    #[test]
    fn the_last_mixin_listed_is_applied_first_so_fields_keep_the_listed_order() {
        let out = attribute(
            quote!(IdModel, TimestampMixin),
            quote!(
                struct Post {
                    title: String,
                }
            ),
        );
        let s = pretty(out);
        assert!(
            s.starts_with("TimestampMixin ! { @ fsql_inject [IdModel ,]"),
            "{s}"
        );
    }

    #[test]
    fn nothing_left_to_apply_emits_the_struct() {
        let item = quote!(
            struct Post {
                id: i32,
                title: String,
            }
        );
        let out = inject_next(quote!([] #item));
        assert_eq!(pretty(out), item.to_string());
    }

    #[test]
    fn an_empty_list_is_an_error_and_keeps_the_struct() {
        let s = pretty(attribute(
            quote!(),
            quote!(
                struct Post {
                    title: String,
                }
            ),
        ));
        assert!(s.contains("name the mixins"), "{s}");
        assert!(s.contains("struct Post"), "{s}");
    }

    #[test]
    fn the_mixin_macro_splices_fields_before_the_models_own() {
        let input: DeriveInput = syn::parse_quote! {
            pub struct IdModel {
                #[fsql(primary_key)]
                pub id: i32,
            }
        };
        let s = pretty(derive_mixin(&input, false));
        assert!(s.contains("macro_rules ! __fsql_mixin_IdModel"), "{s}");
        assert!(
            s.contains("struct $ name { # [fsql (primary_key)] pub id : i32 , $ ($ body) * }"),
            "{s}"
        );
        assert!(
            s.contains("pub (crate) use __fsql_mixin_IdModel as IdModel"),
            "{s}"
        );
    }

    #[test]
    fn an_abstract_model_takes_no_table_name() {
        let input: DeriveInput = syn::parse_quote! {
            #[fsql(abstract, table_name = "base")]
            pub struct Base { pub id: i32 }
        };
        let s = pretty(derive_mixin(&input, true));
        assert!(s.contains("an abstract model has no table"), "{s}");
    }
}
