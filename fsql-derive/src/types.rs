//! Rust field types → SQL column types.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericArgument, PathArguments, Type};

use crate::private::private;

/// The Rust types fsql maps by name; any other goes through `fsql::ColumnValue`.
pub const SUPPORTED: &str = "i16, i32, i64, f32, f64, bool, String, Vec<u8>, chrono::NaiveDate, \
     chrono::NaiveTime, chrono::NaiveDateTime (feature `chrono`), fsql::Json<T> (any serde \
     type), an enum with #[derive(fsql::Enum)], a type implementing fsql::ColumnValue, and \
     Option<T> of these";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    SmallInt,
    Integer,
    BigInt,
    Float,
    Double,
    Bool,
    Text,
    Binary,
    Date,
    Time,
    Timestamp,
    /// `fsql::Json<T>`.
    Json,
    /// `fsql::UtcDateTime`.
    TimestampTz,
    /// `fsql::Uuid`.
    Uuid,
    /// `fsql::Decimal`.
    Decimal,
}

impl Scalar {
    /// The Diesel SQL type.
    pub fn diesel_type(self) -> TokenStream {
        let own = |name: TokenStream| quote!(#private::sql_types::#name);
        let name = match self {
            Self::Json => return own(quote!(Json)),
            Self::TimestampTz => return own(quote!(TimestampTz)),
            Self::Uuid => return own(quote!(Uuid)),
            Self::Decimal => return own(quote!(Decimal)),
            Self::SmallInt => quote!(SmallInt),
            Self::Integer => quote!(Integer),
            Self::BigInt => quote!(BigInt),
            Self::Float => quote!(Float),
            Self::Double => quote!(Double),
            Self::Bool => quote!(Bool),
            Self::Text => quote!(Text),
            Self::Binary => quote!(Binary),
            Self::Date => quote!(Date),
            Self::Time => quote!(Time),
            Self::Timestamp => quote!(Timestamp),
        };
        quote!(::diesel::sql_types::#name)
    }

    /// The backend-free column type (`fsql_core::ColumnType` variant name).
    pub fn column_type(self, length: Option<u32>) -> TokenStream {
        let variant = match self {
            Self::SmallInt => quote!(SmallInt),
            Self::Integer => quote!(Integer),
            Self::BigInt => quote!(BigInt),
            Self::Float => quote!(Float),
            Self::Double => quote!(Double),
            Self::Bool => quote!(Bool),
            Self::Text => match length {
                Some(n) => return quote!(#private::ColumnType::Varchar(#n)),
                None => quote!(Text),
            },
            Self::Binary => quote!(Binary),
            Self::Date => quote!(Date),
            Self::Time => quote!(Time),
            Self::Timestamp => quote!(Timestamp),
            Self::Json => quote!(Json),
            Self::TimestampTz => quote!(TimestampTz),
            Self::Uuid => quote!(Uuid),
            Self::Decimal => quote!(Numeric(::core::option::Option::None)),
        };
        quote!(#private::ColumnType::#variant)
    }

    pub fn is_integer(self) -> bool {
        matches!(self, Self::SmallInt | Self::Integer | Self::BigInt)
    }

    /// A type that is `Clone` whatever the model is (`Json<T>` is only when `T` is).
    pub fn is_always_clone(self) -> bool {
        self != Self::Json
    }

    /// The scalar of a Rust type, by its last path segment.
    pub fn of_rust(ty: &Type) -> Option<Self> {
        let seg = last_segment(ty)?;
        let name = seg.ident.to_string();
        Some(match name.as_str() {
            "i16" => Self::SmallInt,
            "i32" => Self::Integer,
            "i64" => Self::BigInt,
            "f32" => Self::Float,
            "f64" => Self::Double,
            "bool" => Self::Bool,
            "String" => Self::Text,
            "NaiveDate" => Self::Date,
            "NaiveTime" => Self::Time,
            "NaiveDateTime" => Self::Timestamp,
            "Json" => {
                single_generic(seg)?;
                Self::Json
            }
            "UtcDateTime" => Self::TimestampTz,
            "Uuid" => Self::Uuid,
            "Decimal" => Self::Decimal,
            "Vec" => match single_generic(seg)? {
                Type::Path(p) if p.path.is_ident("u8") => Self::Binary,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The fsql type to use for a type of another crate that fsql wraps (`uuid::Uuid` is
    /// bound as `fsql::Uuid`, which derefs to it).
    pub fn wrapper_for(ty: &Type) -> Option<&'static str> {
        let Type::Path(p) = ty else { return None };
        let segments: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        match segments
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [.., "DateTime"] => Some("fsql::UtcDateTime"),
            [.., "BigDecimal"] => Some("fsql::Decimal"),
            ["uuid", .., "Uuid"] => Some("fsql::Uuid"),
            _ => None,
        }
    }

    /// A type no crate but fsql could make a column (`ColumnValue` is fsql's trait, these
    /// are the standard library's), so the derive says what to use instead rather than leave
    /// a missing trait impl to the compiler: unsigned and 128-bit integers, `char`, references,
    /// tuples, arrays, collections, boxes.
    pub fn never_a_column(ty: &Type) -> bool {
        match ty {
            Type::Path(p) if p.qself.is_none() => {
                let Some(seg) = p.path.segments.last() else {
                    return true;
                };
                matches!(
                    seg.ident.to_string().as_str(),
                    "u8" | "u16"
                        | "u32"
                        | "u64"
                        | "u128"
                        | "usize"
                        | "i8"
                        | "i128"
                        | "isize"
                        | "char"
                        | "str"
                        | "Vec"
                        | "VecDeque"
                        | "HashMap"
                        | "BTreeMap"
                        | "HashSet"
                        | "BTreeSet"
                        | "Box"
                        | "Rc"
                        | "Arc"
                        | "Cow"
                        | "Option"
                        | "Result"
                )
            }
            Type::Group(g) => Self::never_a_column(&g.elem),
            Type::Paren(p) => Self::never_a_column(&p.elem),
            _ => true,
        }
    }

    /// The scalar of a Diesel SQL type given with `sql_type = ..`, for the DDL.
    pub fn of_diesel(ty: &Type) -> Option<Self> {
        let name = last_segment(ty)?.ident.to_string();
        Some(match name.as_str() {
            "SmallInt" | "Int2" | "Smallint" => Self::SmallInt,
            "Integer" | "Int4" => Self::Integer,
            "BigInt" | "Int8" | "Bigint" => Self::BigInt,
            "Float" | "Float4" => Self::Float,
            "Double" | "Float8" => Self::Double,
            "Bool" => Self::Bool,
            "Text" | "VarChar" | "Varchar" => Self::Text,
            "Binary" | "Blob" | "Bytea" => Self::Binary,
            "Date" => Self::Date,
            "Time" => Self::Time,
            "Timestamp" | "Datetime" => Self::Timestamp,
            _ => return None,
        })
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn single_generic(seg: &syn::PathSegment) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    match (args.args.len(), args.args.first()) {
        (1, Some(GenericArgument::Type(t))) => Some(t),
        _ => None,
    }
}

/// A type as a person writes it (`&'static str`, `Vec<u8>`), for error messages: token
/// streams print with a space between every token.
pub fn display(ty: &Type) -> String {
    let raw = quote!(#ty).to_string();
    let mut out = String::with_capacity(raw.len());
    let tokens: Vec<&str> = raw.split(' ').collect();
    for (i, tok) in tokens.iter().enumerate() {
        let prev = if i == 0 { "" } else { tokens[i - 1] };
        let glue = i == 0
            || matches!(*tok, "<" | ">" | "," | ";" | "::" | ")" | "]" | ">>")
            || matches!(prev, "<" | "&" | "::" | "(" | "[" | "*");
        if !glue {
            out.push(' ');
        }
        out.push_str(tok);
    }
    out
}

/// `Option<T>` → `Some(T)`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let seg = last_segment(ty)?;
    if seg.ident != "Option" {
        return None;
    }
    single_generic(seg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn types_display_as_written() {
        let cases: Vec<(Type, &str)> = vec![
            (parse_quote!(&'static str), "&'static str"),
            (parse_quote!(Vec<u8>), "Vec<u8>"),
            (
                parse_quote!(std::collections::HashMap<String, Vec<i32>>),
                "std::collections::HashMap<String, Vec<i32>>",
            ),
            (parse_quote!(u32), "u32"),
            (parse_quote!((i32, String)), "(i32, String)"),
            (parse_quote!([u8; 4]), "[u8; 4]"),
        ];
        for (ty, expect) in cases {
            assert_eq!(display(&ty), expect);
        }
    }

    #[test]
    fn rust_types() {
        let cases: Vec<(Type, Option<Scalar>)> = vec![
            (parse_quote!(i32), Some(Scalar::Integer)),
            (parse_quote!(std::string::String), Some(Scalar::Text)),
            (parse_quote!(Vec<u8>), Some(Scalar::Binary)),
            (parse_quote!(Vec<i32>), None),
            (parse_quote!(chrono::NaiveDateTime), Some(Scalar::Timestamp)),
            (parse_quote!(fsql::Json<Profile>), Some(Scalar::Json)),
            (parse_quote!(Json), None),
            (parse_quote!(fsql::UtcDateTime), Some(Scalar::TimestampTz)),
            (parse_quote!(Uuid), Some(Scalar::Uuid)),
            (parse_quote!(fsql::Decimal), Some(Scalar::Decimal)),
            (parse_quote!(u32), None),
            (parse_quote!(&str), None),
        ];
        for (ty, expect) in cases {
            assert_eq!(Scalar::of_rust(&ty), expect, "{}", quote!(#ty));
        }
        let opt: Type = parse_quote!(Option<String>);
        assert_eq!(
            Scalar::of_rust(option_inner(&opt).unwrap()),
            Some(Scalar::Text)
        );
        assert!(option_inner(&parse_quote!(String)).is_none());
    }
}
