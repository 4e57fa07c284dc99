//! Values and rows whose types are known only at run time: what a reflected table (one read
//! from the database, with no model) holds. SQLAlchemy's `Row` of a `select(table)`.
//!
//! A [`Value`] is one of the few shapes every backend can hand back without a Rust type chosen
//! at compile time; types beyond them (dates, decimals, JSON, UUIDs) travel as their text, the
//! database's own spelling, in both directions.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Result};

/// One column value of a row read without a model.
///
/// ```
/// use fsql_core::value::Value;
/// assert_eq!(Value::from(7), Value::Int(7));
/// assert_eq!(Value::from("Ada"), Value::Text("Ada".into()));
/// assert_eq!(Value::from(None::<i64>), Value::Null);
/// assert_eq!(Value::Text("x".into()).to_string(), "'x'");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// A boolean column (`BOOLEAN`; MySQL's `TINYINT(1)` and SQLite's integers when the column
    /// is declared boolean).
    Bool(bool),
    /// Any integer column that fits in 64 bits.
    Int(i64),
    /// A floating-point column.
    Float(f64),
    /// Text, and every type read as its text (dates, times, decimals, JSON, UUIDs, enums).
    Text(String),
    /// Binary data.
    Bytes(Vec<u8>),
}

impl Value {
    /// `true` for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The name of this value's shape, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
        }
    }
}

/// SQL-like: text quoted, bytes as hex, for logs and messages (values never reach SQL this
/// way; they are bound as parameters).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Text(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Value::Bytes(b) => {
                f.write_str("x'")?;
                for byte in b {
                    write!(f, "{byte:02x}")?;
                }
                f.write_str("'")
            }
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(i64::from(v))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Float(f64::from(v))
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Bytes(v.to_vec())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// A Rust type a [`Value`] converts into: what [`Row::get_as`] returns.
pub trait FromValue: Sized {
    /// The value as `Self`, or `None` when its shape does not fit.
    fn from_value(value: &Value) -> Option<Self>;
    /// The Rust type's name, for error messages.
    const NAME: &'static str;
}

macro_rules! from_value_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            const NAME: &'static str = stringify!($t);
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::Int(i) => <$t>::try_from(*i).ok(),
                    Value::Bool(b) => Some(<$t>::from(*b)),
                    _ => None,
                }
            }
        }
    )*};
}
from_value_int!(i16, i32, i64, u8, u16, u32, u64);

impl FromValue for bool {
    const NAME: &'static str = "bool";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            Value::Int(0) => Some(false),
            Value::Int(1) => Some(true),
            _ => None,
        }
    }
}
impl FromValue for f64 {
    const NAME: &'static str = "f64";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Float(x) => Some(*x),
            // Exactly representable integers only: a silent rounding would be a wrong result.
            Value::Int(i) if i.unsigned_abs() <= 1 << 53 => Some(*i as f64),
            _ => None,
        }
    }
}
impl FromValue for String {
    const NAME: &'static str = "String";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    const NAME: &'static str = "Vec<u8>";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Bytes(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    const NAME: &'static str = "Option";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One row read without a model: its values by column name, in the order of the statement's
/// columns.
///
/// ```
/// use fsql_core::value::{Row, Value};
/// let row = Row::new(vec!["id".into(), "name".into()].into(), vec![Value::Int(1), "Ada".into()]);
/// assert_eq!(row.get("name"), Some(&Value::Text("Ada".into())));
/// assert_eq!(row.get_as::<i32>("id")?, 1);
/// assert!(row.get_as::<i32>("name").is_err());
/// assert!(row.get_as::<i32>("email").is_err());
/// # Ok::<(), fsql_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    /// A row of `values` for `columns` (shared by every row of one result).
    pub fn new(columns: Arc<[String]>, values: Vec<Value>) -> Self {
        Self { columns, values }
    }

    /// The value of `column`, or `None` when the row has no such column.
    pub fn get(&self, column: &str) -> Option<&Value> {
        let index = self.columns.iter().position(|c| c == column)?;
        self.values.get(index)
    }

    /// The value of `column` as `T`: an error that names the column when the row has no such
    /// column or its value is not a `T` (a `NULL` into a non-`Option`, text into an integer, an
    /// integer out of `T`'s range).
    pub fn get_as<T: FromValue>(&self, column: &str) -> Result<T> {
        let value = self.get(column).ok_or_else(|| {
            Error::Schema(format!(
                "the row has no column `{column}`; its columns: {}",
                self.columns.join(", ")
            ))
        })?;
        T::from_value(value).ok_or_else(|| {
            Error::Schema(format!(
                "column `{column}` holds {} ({value}), which is not a `{}`",
                value.kind(),
                T::NAME
            ))
        })
    }

    /// The column names, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// `(column, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.columns
            .iter()
            .map(String::as_str)
            .zip(self.values.iter())
    }

    /// The values, taken out of the row.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}
