//! One page of results: [`Pagination`] (its items and Flask-SQLAlchemy's page properties:
//! `pages`, `has_next`, `first`, `last` ...; `Serialize` under feature `serde`) and
//! [`IterPages`], the page numbers of a pagination widget.

use std::fmt;
use std::iter::FusedIterator;

use super::request::PageRequest;

/// One page of results: Flask-SQLAlchemy's `Pagination`.
///
/// `T` is the item type; `Q` is whatever the runtime keeps to fetch other pages (its query),
/// `()` when there is none. Iterating over a pagination iterates over its items.
///
/// ```
/// use fsql_core::pagination::{PageRequest, Pagination};
///
/// let page = Pagination::new(vec!["k", "l"], &PageRequest::new(6).per_page(2), Some(12), ());
/// assert_eq!((page.pages(), page.first(), page.last()), (6, 11, 12));
/// assert_eq!((page.prev_num(), page.next_num()), (Some(5), None));
/// let widget: Vec<Option<u64>> = page.iter_pages().collect();
/// assert_eq!(widget, [Some(1), Some(2), None, Some(4), Some(5), Some(6)]);
/// for item in &page {
///     assert!(item.len() == 1);
/// }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Pagination<T, Q = ()> {
    items: Vec<T>,
    page: u64,
    per_page: u64,
    max_per_page: Option<u64>,
    error_out: bool,
    count: bool,
    total: Option<u64>,
    query: Q,
}

impl<T, Q> Pagination<T, Q> {
    /// Built by the runtime after it ran the page query (and the count query unless `count` is
    /// off). `per_page` is taken as `request.limit()`, i.e. after `max_per_page`. No checks
    /// are made here: validate the request first ([`PageRequest::validate`]).
    pub fn new(items: Vec<T>, request: &PageRequest, total: Option<u64>, query: Q) -> Self {
        Self {
            items,
            page: request.page,
            per_page: request.limit(),
            max_per_page: request.max_per_page,
            error_out: request.error_out,
            count: request.count,
            total,
            query,
        }
    }

    /// The items on this page.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items on this page, by value.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The current page number, from 1.
    pub fn page(&self) -> u64 {
        self.page
    }

    /// The most items a page holds (after `max_per_page`).
    pub fn per_page(&self) -> u64 {
        self.per_page
    }

    /// The cap on `per_page` this page was made with.
    pub fn max_per_page(&self) -> Option<u64> {
        self.max_per_page
    }

    /// Items across all pages; `None` when the count query was not run.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The number of pages: `ceil(total / per_page)`; 0 when `total` is `None` or 0 (and when
    /// `per_page` is 0).
    pub fn pages(&self) -> u64 {
        match self.total {
            None | Some(0) => 0,
            Some(_) if self.per_page == 0 => 0,
            Some(total) => total.div_ceil(self.per_page),
        }
    }

    /// `true` if this is not the first page (`page > 1`).
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    /// `true` if this is not the last page: `page < pages`. As in Flask-SQLAlchemy 3.1 this is
    /// `false` when `total` is unknown (`pages` is then 0), however many items the page holds.
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    /// The previous page number, `None` on the first page.
    pub fn prev_num(&self) -> Option<u64> {
        self.has_prev().then(|| self.page - 1)
    }

    /// The next page number, `None` on the last page (see [`has_next`](Self::has_next)).
    pub fn next_num(&self) -> Option<u64> {
        self.has_next().then(|| self.page + 1)
    }

    /// The number of the first item on the page, from 1; 0 when the page has no items.
    pub fn first(&self) -> u64 {
        if self.items.is_empty() {
            return 0;
        }
        self.page
            .saturating_sub(1)
            .saturating_mul(self.per_page)
            .saturating_add(1)
    }

    /// The number of the last item on the page, from 1, inclusive; 0 when the page has no
    /// items.
    pub fn last(&self) -> u64 {
        let first = self.first();
        first.max(
            first
                .saturating_add(self.items.len() as u64)
                .saturating_sub(1),
        )
    }

    /// Page numbers for a pagination widget with Flask-SQLAlchemy's default edges:
    /// `iter_pages_with(2, 2, 4, 2)`. `None` stands for a gap (an ellipsis).
    ///
    /// With 20 pages and page 7: `1, 2, None, 5, 6, 7, 8, 9, 10, 11, None, 19, 20`.
    pub fn iter_pages(&self) -> IterPages {
        self.iter_pages_with(2, 2, 4, 2)
    }

    /// Page numbers for a pagination widget, as Flask-SQLAlchemy 3.x's
    /// `iter_pages(left_edge=, left_current=, right_current=, right_edge=)`: `left_edge` pages
    /// from the first, `left_current` before the current page, `right_current` after it
    /// (inclusive), `right_edge` up to the last; `None` for each gap. Nothing when there are
    /// no pages.
    pub fn iter_pages_with(
        &self,
        left_edge: u64,
        left_current: u64,
        right_current: u64,
        right_edge: u64,
    ) -> IterPages {
        IterPages::new(
            self.page,
            self.pages(),
            left_edge,
            left_current,
            right_current,
            right_edge,
        )
    }

    /// What the runtime keeps to fetch other pages.
    pub fn query(&self) -> &Q {
        &self.query
    }

    /// The request this page was made with: `page`, `per_page` (after `max_per_page`),
    /// `max_per_page`, `error_out` and `count`. The runtime's `prev()`/`next()` start from it,
    /// so both keep `max_per_page`.
    pub fn request(&self) -> PageRequest {
        PageRequest {
            page: self.page,
            per_page: self.per_page,
            max_per_page: self.max_per_page,
            error_out: self.error_out,
            count: self.count,
        }
    }

    /// The same page with every item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Pagination<U, Q> {
        Pagination {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            max_per_page: self.max_per_page,
            error_out: self.error_out,
            count: self.count,
            total: self.total,
            query: self.query,
        }
    }

    /// The same page with another query attached (`()` to drop it).
    pub fn with_query<R>(self, query: R) -> Pagination<T, R> {
        Pagination {
            items: self.items,
            page: self.page,
            per_page: self.per_page,
            max_per_page: self.max_per_page,
            error_out: self.error_out,
            count: self.count,
            total: self.total,
            query,
        }
    }
}

/// Shows the query by its type name, so a pagination is `Debug` whatever the query is.
impl<T: fmt::Debug, Q> fmt::Debug for Pagination<T, Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pagination")
            .field("items", &self.items)
            .field("page", &self.page)
            .field("per_page", &self.per_page)
            .field("max_per_page", &self.max_per_page)
            .field("error_out", &self.error_out)
            .field("count", &self.count)
            .field("total", &self.total)
            .field("query", &format_args!("{}", std::any::type_name::<Q>()))
            .finish()
    }
}

impl<T, Q> IntoIterator for Pagination<T, Q> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T, Q> IntoIterator for &'a Pagination<T, Q> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// `{items, page, per_page, total, pages, has_prev, has_next, prev_num, next_num}`;
/// `total`, `prev_num` and `next_num` are `null` when `None`. The query is not serialized.
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<T: serde::Serialize, Q> serde::Serialize for Pagination<T, Q> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Pagination", 9)?;
        s.serialize_field("items", &self.items)?;
        s.serialize_field("page", &self.page)?;
        s.serialize_field("per_page", &self.per_page)?;
        s.serialize_field("total", &self.total)?;
        s.serialize_field("pages", &self.pages())?;
        s.serialize_field("has_prev", &self.has_prev())?;
        s.serialize_field("has_next", &self.has_next())?;
        s.serialize_field("prev_num", &self.prev_num())?;
        s.serialize_field("next_num", &self.next_num())?;
        s.end()
    }
}

/// Page numbers for a pagination widget, from [`Pagination::iter_pages`]: `Some(page)`, or
/// `None` for a gap, exactly as Flask-SQLAlchemy 3.x's `iter_pages` yields them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IterPages {
    /// Up to five parts: left range, gap, middle range, gap, right range.
    parts: [Part; 5],
    len: usize,
    next: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Pages `start..end`.
    Range(u64, u64),
    Gap,
}

impl IterPages {
    /// Flask-SQLAlchemy 3.x's algorithm, in saturating `u64` arithmetic (where Python would go
    /// below zero, the `max` that follows picks the other operand either way).
    fn new(
        page: u64,
        pages: u64,
        left_edge: u64,
        left_current: u64,
        right_current: u64,
        right_edge: u64,
    ) -> Self {
        let mut it = IterPages {
            parts: [Part::Range(0, 0); 5],
            len: 0,
            next: 0,
        };
        let mut push = |part| {
            it.parts[it.len] = part;
            it.len += 1;
        };
        let pages_end = pages.saturating_add(1);
        if pages_end == 1 {
            return it;
        }
        let left_end = left_edge.saturating_add(1).min(pages_end);
        push(Part::Range(1, left_end));
        if left_end == pages_end {
            return it;
        }
        let mid_start = left_end.max(page.saturating_sub(left_current));
        let mid_end = page
            .saturating_add(right_current)
            .saturating_add(1)
            .min(pages_end);
        if mid_start > left_end {
            push(Part::Gap);
        }
        push(Part::Range(mid_start, mid_end));
        if mid_end == pages_end {
            return it;
        }
        let right_start = mid_end.max(pages_end.saturating_sub(right_edge));
        if right_start > mid_end {
            push(Part::Gap);
        }
        push(Part::Range(right_start, pages_end));
        it
    }

    fn remaining(&self) -> u64 {
        self.parts[self.next..self.len]
            .iter()
            .map(|p| match *p {
                Part::Range(start, end) => end.saturating_sub(start),
                Part::Gap => 1,
            })
            .fold(0u64, u64::saturating_add)
    }
}

impl Iterator for IterPages {
    type Item = Option<u64>;

    fn next(&mut self) -> Option<Option<u64>> {
        while self.next < self.len {
            match &mut self.parts[self.next] {
                Part::Gap => {
                    self.next += 1;
                    return Some(None);
                }
                Part::Range(start, end) if *start < *end => {
                    let page = *start;
                    *start += 1;
                    return Some(Some(page));
                }
                Part::Range(..) => self.next += 1,
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining();
        match usize::try_from(n) {
            Ok(n) => (n, Some(n)),
            Err(_) => (usize::MAX, None),
        }
    }
}

impl FusedIterator for IterPages {}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_of(page: u64, per_page: u64, total: Option<u64>, items: usize) -> Pagination<usize> {
        let req = PageRequest::new(page).per_page(per_page);
        Pagination::new((0..items).collect(), &req, total, ())
    }

    #[test]
    fn properties() {
        let p = page_of(2, 10, Some(25), 10);
        assert_eq!(p.pages(), 3);
        assert!(p.has_prev() && p.has_next());
        assert_eq!((p.prev_num(), p.next_num()), (Some(1), Some(3)));
        assert_eq!((p.first(), p.last()), (11, 20));
        let p = page_of(3, 10, Some(25), 5);
        assert_eq!((p.first(), p.last(), p.next_num()), (21, 25, None));
        // Unknown total: no pages, no next, even on a full page (Flask-SQLAlchemy 3.1).
        let p = page_of(1, 10, None, 10);
        assert_eq!((p.pages(), p.has_next(), p.next_num()), (0, false, None));
        assert_eq!((p.first(), p.last()), (1, 10));
        assert_eq!(p.iter_pages().count(), 0);
        // per_page 0 (only if built by hand without validation) does not divide by zero.
        let p = Pagination::new(
            Vec::<u8>::new(),
            &PageRequest::new(1).per_page(0),
            Some(5),
            (),
        );
        assert_eq!(p.pages(), 0);
    }

    #[test]
    fn per_page_in_pagination_is_the_limit() {
        let req = PageRequest::new(2).per_page(500);
        let p = Pagination::new(vec![1u8; 100], &req, Some(1000), ());
        assert_eq!(
            (p.per_page(), p.max_per_page(), p.pages()),
            (100, Some(100), 10)
        );
        assert_eq!(p.request(), PageRequest::new(2).per_page(100));
        let req = PageRequest::new(3)
            .per_page(7)
            .max_per_page(Some(9))
            .error_out(false)
            .count(false);
        assert_eq!(
            Pagination::new(Vec::<u8>::new(), &req, None, ()).request(),
            req
        );
    }

    #[test]
    fn iter_pages_defaults_match_the_docstring() {
        let p = page_of(7, 10, Some(200), 10);
        let got: Vec<Option<u64>> = p.iter_pages().collect();
        let want = [
            Some(1),
            Some(2),
            None,
            Some(5),
            Some(6),
            Some(7),
            Some(8),
            Some(9),
            Some(10),
            Some(11),
            None,
            Some(19),
            Some(20),
        ];
        assert_eq!(got, want);
        let mut it = p.iter_pages();
        assert_eq!(it.size_hint(), (13, Some(13)));
        it.nth(3);
        assert_eq!(it.size_hint(), (9, Some(9)));
        assert_eq!(it.by_ref().count(), 9);
        assert_eq!(it.next(), None);
    }

    #[test]
    fn iter_pages_with_other_edges() {
        let p = page_of(10, 10, Some(200), 10);
        let got: Vec<Option<u64>> = p.iter_pages_with(0, 0, 0, 0).collect();
        assert_eq!(got, [None, Some(10), None]);
        let got: Vec<Option<u64>> = p.iter_pages_with(1, 1, 1, 1).collect();
        assert_eq!(
            got,
            [Some(1), None, Some(9), Some(10), Some(11), None, Some(20)]
        );
        let got: Vec<Option<u64>> = p.iter_pages_with(u64::MAX, 0, 0, 0).collect();
        assert_eq!(got, (1..=20).map(Some).collect::<Vec<_>>());
        let got: Vec<Option<u64>> = p.iter_pages_with(0, u64::MAX, u64::MAX, 0).collect();
        assert_eq!(got, (1..=20).map(Some).collect::<Vec<_>>());
        // A page past the end: Python yields 1, 2, None and stops.
        let p = page_of(30, 10, Some(150), 0);
        let got: Vec<Option<u64>> = p.iter_pages().collect();
        assert_eq!(got, [Some(1), Some(2), None]);
        // Gaps of one page are still gaps (Flask does not fill them).
        let p = page_of(6, 10, Some(150), 10);
        let got: Vec<Option<u64>> = p.iter_pages().take(3).collect();
        assert_eq!(got, [Some(1), Some(2), None]);
    }

    #[test]
    fn iterate_map_and_query() {
        let p = page_of(1, 3, Some(3), 3).with_query("select");
        assert_eq!(*p.query(), "select");
        let refs: Vec<&usize> = (&p).into_iter().collect();
        assert_eq!(refs, [&0, &1, &2]);
        let mut sum = 0;
        for i in &p {
            sum += i;
        }
        assert_eq!(sum, 3);
        let mapped = p.clone().map(|i| format!("#{i}"));
        assert_eq!(mapped.items(), ["#0", "#1", "#2"]);
        assert_eq!(mapped.total(), Some(3));
        assert_eq!(mapped.request(), p.request());
        assert_eq!(*mapped.query(), "select");
        let owned: Vec<usize> = p.clone().into_iter().collect();
        assert_eq!(owned, p.into_items());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serializes_like_the_issue_says() {
        let p = page_of(2, 2, Some(5), 2).with_query(std::cell::Cell::new(0));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"items":[0,1],"page":2,"per_page":2,"total":5,"pages":3,"has_prev":true,"has_next":true,"prev_num":1,"next_num":3}"#
        );
        let p = page_of(1, 20, None, 1).map(|i| format!("u{i}"));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"items":["u0"],"page":1,"per_page":20,"total":null,"pages":0,"has_prev":false,"has_next":false,"prev_num":null,"next_num":null}"#
        );
    }

    #[test]
    fn debug_does_not_need_a_debug_query() {
        struct Opaque;
        let p = Pagination::new(vec![1], &PageRequest::new(1), Some(1), Opaque);
        let s = format!("{p:?}");
        assert!(s.contains("items: [1]") && s.contains("Opaque"), "{s}");
    }
}
