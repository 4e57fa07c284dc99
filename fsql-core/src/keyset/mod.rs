//! Keyset pagination: pages by an ordered unique key, with opaque cursors.
//!
//! Flask-SQLAlchemy's `paginate` counts every row and skips `OFFSET` rows on each page, which
//! is slow on big tables (pallets-eco/flask-sqlalchemy#518, #282). A keyset page starts right
//! after (or before) the key of the row that ended the previous page, so page 400 costs what
//! page 1 costs, and nothing is counted unless asked.
//!
//! Cursors are URL-safe base64 of: a format version, the direction, the ordering, the table
//! they belong to and the key, with a checksum. A cursor that was cut, edited, or made for
//! another table or ordering is refused with a clear error; key values always travel to the
//! database as bound parameters.

use crate::error::{Error, Result};

mod cursor;

pub use cursor::{decode_cursor, encode_cursor, CursorError, CursorKey, Direction};

/// What page of a keyset pagination to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysetRequest {
    /// The cursor of the page to read (`next_cursor` / `prev_cursor` of a page); `None` for
    /// the first page.
    pub cursor: Option<String>,
    /// Rows per page (default 20).
    pub per_page: u64,
    /// Upper bound for `per_page` (default 100).
    pub max_per_page: Option<u64>,
    /// Newest first: order by the key descending.
    pub descending: bool,
    /// A bad cursor or `per_page`, or an empty page after a cursor, is `NotFound` (default);
    /// otherwise they fall back to the first page / the default size / an empty page.
    pub error_out: bool,
    /// Also count the rows (off by default: counting is what keyset pagination avoids).
    pub count: bool,
}

impl Default for KeysetRequest {
    fn default() -> Self {
        Self {
            cursor: None,
            per_page: 20,
            max_per_page: Some(100),
            descending: false,
            error_out: true,
            count: false,
        }
    }
}

impl KeysetRequest {
    /// The first page, `per_page` rows.
    pub fn first(per_page: u64) -> Self {
        Self {
            per_page,
            ..Self::default()
        }
    }

    /// The page a cursor points at.
    pub fn at(cursor: impl Into<String>) -> Self {
        Self {
            cursor: Some(cursor.into()),
            ..Self::default()
        }
    }

    /// Rows per page.
    pub fn per_page(mut self, n: u64) -> Self {
        self.per_page = n;
        self
    }

    /// Order by the key descending (newest first).
    pub fn descending(mut self, descending: bool) -> Self {
        self.descending = descending;
        self
    }

    /// See [`KeysetRequest::error_out`].
    pub fn error_out(mut self, error_out: bool) -> Self {
        self.error_out = error_out;
        self
    }

    /// Also count the rows.
    pub fn count(mut self, count: bool) -> Self {
        self.count = count;
        self
    }

    /// From a URL query string: `cursor=..&per_page=..` (other keys ignored), with the rules of
    /// [`PageRequest::from_query`](crate::pagination::PageRequest) for `per_page`.
    pub fn from_query(query: &str, base: KeysetRequest) -> Result<Self> {
        let mut out = base;
        for pair in query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            // Browsers and HTTP clients encode the query string (`%3D` for a cursor's `=`).
            let (key, value) = (
                crate::percent::decode_form(key),
                crate::percent::decode_form(value),
            );
            match key.as_str() {
                "cursor" if !value.is_empty() => out.cursor = Some(value),
                "per_page" => match value.trim().parse::<u64>() {
                    Ok(n) if n >= 1 => out.per_page = n,
                    _ if out.error_out => {
                        return Err(Error::not_found_with(format!(
                            "per_page must be a whole number of at least 1, not {value:?}"
                        )))
                    }
                    _ => out.per_page = KeysetRequest::default().per_page,
                },
                _ => {}
            }
        }
        Ok(out)
    }

    /// Rows per page after `max_per_page`, or the error/default for 0.
    pub fn limit(&self) -> Result<u64> {
        let n = if self.per_page == 0 {
            if self.error_out {
                return Err(Error::not_found_with("per_page must be at least 1"));
            }
            KeysetRequest::default().per_page
        } else {
            self.per_page
        };
        Ok(self.max_per_page.map_or(n, |max| n.min(max.max(1))))
    }
}

/// One page of a keyset pagination: the items and the cursors of the pages around it. The
/// same shape as [`Pagination`](crate::pagination::Pagination) where it makes sense (`items`,
/// `per_page`, `total`, `has_prev`, `has_next`), with cursors instead of page numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysetPage<T> {
    items: Vec<T>,
    per_page: u64,
    total: Option<u64>,
    prev_cursor: Option<String>,
    next_cursor: Option<String>,
}

impl<T> KeysetPage<T> {
    /// Built by the runtime.
    pub fn new(
        items: Vec<T>,
        per_page: u64,
        total: Option<u64>,
        prev_cursor: Option<String>,
        next_cursor: Option<String>,
    ) -> Self {
        Self {
            items,
            per_page,
            total,
            prev_cursor,
            next_cursor,
        }
    }
    /// The rows of this page, in the pagination's order.
    pub fn items(&self) -> &[T] {
        &self.items
    }
    /// The rows, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
    /// Rows per page.
    pub fn per_page(&self) -> u64 {
        self.per_page
    }
    /// All matching rows, when counting was asked for.
    pub fn total(&self) -> Option<u64> {
        self.total
    }
    /// A page before this one exists.
    pub fn has_prev(&self) -> bool {
        self.prev_cursor.is_some()
    }
    /// A page after this one exists.
    pub fn has_next(&self) -> bool {
        self.next_cursor.is_some()
    }
    /// The cursor of the previous page.
    pub fn prev_cursor(&self) -> Option<&str> {
        self.prev_cursor.as_deref()
    }
    /// The cursor of the next page.
    pub fn next_cursor(&self) -> Option<&str> {
        self.next_cursor.as_deref()
    }
    /// The same page with every item turned into something else.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> KeysetPage<U> {
        KeysetPage {
            items: self.items.into_iter().map(f).collect(),
            per_page: self.per_page,
            total: self.total,
            prev_cursor: self.prev_cursor,
            next_cursor: self.next_cursor,
        }
    }
}

impl<T> IntoIterator for KeysetPage<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'p, T> IntoIterator for &'p KeysetPage<T> {
    type Item = &'p T;
    type IntoIter = std::slice::Iter<'p, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<T: serde::Serialize> serde::Serialize for KeysetPage<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("KeysetPage", 7)?;
        st.serialize_field("items", &self.items)?;
        st.serialize_field("per_page", &self.per_page)?;
        st.serialize_field("total", &self.total)?;
        st.serialize_field("has_prev", &self.has_prev())?;
        st.serialize_field("has_next", &self.has_next())?;
        st.serialize_field("prev_cursor", &self.prev_cursor)?;
        st.serialize_field("next_cursor", &self.next_cursor)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_rules() {
        let r = KeysetRequest::from_query("cursor=abc&per_page=5&x=1", KeysetRequest::default())
            .unwrap();
        assert_eq!((r.cursor.as_deref(), r.per_page), (Some("abc"), 5));
        let encoded =
            KeysetRequest::from_query("cur%73or=a%2Db%3D&per%5Fpage=%37", KeysetRequest::default())
                .unwrap();
        assert_eq!(
            (encoded.cursor.as_deref(), encoded.per_page),
            (Some("a-b="), 7)
        );
        assert!(
            KeysetRequest::from_query("per_page=zero", KeysetRequest::default())
                .unwrap_err()
                .is_not_found()
        );
        let lenient = KeysetRequest::default().error_out(false);
        assert_eq!(
            KeysetRequest::from_query("per_page=0", lenient.clone())
                .unwrap()
                .per_page,
            20
        );
        assert_eq!(KeysetRequest::first(500).limit().unwrap(), 100);
        assert!(KeysetRequest::first(0).limit().unwrap_err().is_not_found());
        assert_eq!(
            KeysetRequest::first(0).error_out(false).limit().unwrap(),
            20
        );
    }
}
