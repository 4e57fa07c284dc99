//! Which page to fetch: [`PageRequest`], its defaults, and reading `page` / `per_page` from a
//! query string or request arguments ([`PageRequest::from_query`], [`PageRequest::from_args`],
//! [`parse_int`]), by the rules in the [module docs](crate::pagination).

use crate::error::{Error, Result};

/// The page [`PageRequest::default`] asks for: 1.
pub const DEFAULT_PAGE: u64 = 1;
/// Items per page when nothing says otherwise: 20.
pub const DEFAULT_PER_PAGE: u64 = 20;
/// The default cap on `per_page`: 100 (applied; see the [module docs](crate::pagination)).
pub const DEFAULT_MAX_PER_PAGE: u64 = 100;

/// Which page to fetch and how: Flask-SQLAlchemy's `paginate(page=, per_page=, max_per_page=,
/// error_out=, count=)` arguments.
///
/// Build one with [`PageRequest::new`] and the setters, or from user input with
/// [`PageRequest::from_query`] / [`PageRequest::from_args`], which apply the rules in the
/// [module docs](crate::pagination). Values set by hand are checked by the runtime with
/// [`PageRequest::validate`].
///
/// ```
/// use fsql_core::pagination::PageRequest;
///
/// let req = PageRequest::from_query("page=3&per_page=50&sort=name")?;
/// assert_eq!((req.page, req.per_page, req.offset(), req.limit()), (3, 50, 100, 50));
///
/// let capped = PageRequest::from_query("per_page=5000")?;
/// assert_eq!(capped.limit(), 100);
///
/// assert!(PageRequest::from_query("page=abc").unwrap_err().is_not_found());
/// let lenient = PageRequest::from_query_with("page=abc", PageRequest::default().error_out(false))?;
/// assert_eq!(lenient.page, 1);
/// # Ok::<(), fsql_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageRequest {
    /// The page, from 1. Default 1.
    pub page: u64,
    /// Items per page. Default 20.
    pub per_page: u64,
    /// Cap on `per_page`; `None` for no cap. Default `Some(100)`, and it applies.
    pub max_per_page: Option<u64>,
    /// Answer bad arguments and a page past the end (other than page 1) with
    /// [`Error::NotFound`]; when off, fall back to defaults / an empty page. Default `true`.
    pub error_out: bool,
    /// Run the `COUNT(*)` query for [`Pagination::total`](crate::pagination::Pagination::total). Default `true`.
    pub count: bool,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: DEFAULT_PAGE,
            per_page: DEFAULT_PER_PAGE,
            max_per_page: Some(DEFAULT_MAX_PER_PAGE),
            error_out: true,
            count: true,
        }
    }
}

impl PageRequest {
    /// Page `page` with the other fields at their defaults.
    pub fn new(page: u64) -> Self {
        Self {
            page,
            ..Self::default()
        }
    }

    /// Items per page.
    #[must_use]
    pub fn per_page(mut self, n: u64) -> Self {
        self.per_page = n;
        self
    }

    /// Cap on `per_page` (`None`: no cap).
    #[must_use]
    pub fn max_per_page(mut self, n: Option<u64>) -> Self {
        self.max_per_page = n;
        self
    }

    /// `NotFound` for bad arguments and pages past the end (`true`), or fall back (`false`).
    #[must_use]
    pub fn error_out(mut self, b: bool) -> Self {
        self.error_out = b;
        self
    }

    /// Run the count query (`true`) or leave [`Pagination::total`](crate::pagination::Pagination::total) as `None` (`false`).
    #[must_use]
    pub fn count(mut self, b: bool) -> Self {
        self.count = b;
        self
    }

    /// Reads `page` and `per_page` from a URL query string, with the defaults of
    /// [`PageRequest::default`] (`error_out` on, `max_per_page` 100).
    ///
    /// See [`PageRequest::from_query_with`] for how the string is read.
    pub fn from_query(query: &str) -> Result<Self> {
        Self::from_query_with(query, Self::default())
    }

    /// Reads `page` and `per_page` from a URL query string; `base` gives `error_out`,
    /// `max_per_page`, `count` and the values used when a key is absent.
    ///
    /// The string is read as Werkzeug reads `request.args`: an optional leading `?`, pairs
    /// split on `&`, `+` is a space, `%XX` is percent-decoded (keys too; invalid UTF-8 becomes
    /// U+FFFD), a pair without `=` has an empty value, other keys are ignored, and for a
    /// repeated key the first value counts. Then the rules of [`PageRequest::from_args`].
    pub fn from_query_with(query: &str, base: PageRequest) -> Result<Self> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut page: Option<String> = None;
        let mut per_page: Option<String> = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match crate::percent::decode_form(key).as_str() {
                "page" => &mut page,
                "per_page" => &mut per_page,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(crate::percent::decode_form(value));
            }
        }
        Self::from_args(page.as_deref(), per_page.as_deref(), base)
    }

    /// From raw optional values (e.g. a web framework's request arguments): `None` means the
    /// argument is absent and `base`'s value is used; `base` also gives `error_out`,
    /// `max_per_page` and `count`.
    ///
    /// A value that [`parse_int`] rejects, `page < 1` or `per_page < 1` is
    /// [`Error::NotFound`] when `base.error_out`; otherwise `page` falls back to 1 and
    /// `per_page` to `base.per_page` (or 20 if that is below 1). `per_page` is then capped at
    /// `max_per_page`, so the result's `per_page` equals its [`limit`](Self::limit).
    pub fn from_args(
        page: Option<&str>,
        per_page: Option<&str>,
        base: PageRequest,
    ) -> Result<Self> {
        let parse = |value: Option<&str>, absent: u64| -> Option<u64> {
            match value {
                None => Some(absent),
                Some(s) => parse_int(s).and_then(|n| u64::try_from(n).ok()),
            }
        };
        resolve(
            parse(page, base.page),
            parse(per_page, base.per_page),
            &base,
        )
    }

    /// Applies the argument rules to values set by hand: `page < 1` or `per_page < 1` is
    /// [`Error::NotFound`] under `error_out`, else `page` becomes 1 and `per_page` 20; then
    /// `per_page` is capped at `max_per_page`. The runtime calls this before querying, so
    /// `PageRequest::new(0)` is a 404 just like `paginate(page=0)` in Flask-SQLAlchemy.
    pub fn validate(self) -> Result<Self> {
        resolve(Some(self.page), Some(self.per_page), &self)
    }

    /// Rows to skip: `(page - 1) * limit()`, saturating (page 0 counts as page 1).
    pub fn offset(&self) -> u64 {
        self.page.saturating_sub(1).saturating_mul(self.limit())
    }

    /// Rows to fetch: `per_page`, capped at `max_per_page` when that is `Some`.
    pub fn limit(&self) -> u64 {
        cap(self.per_page, self.max_per_page)
    }
}

fn cap(per_page: u64, max_per_page: Option<u64>) -> u64 {
    match max_per_page {
        Some(max) => per_page.min(max),
        None => per_page,
    }
}

/// The rules, on values that parsed (`Some`) or did not (`None`).
fn resolve(page: Option<u64>, per_page: Option<u64>, base: &PageRequest) -> Result<PageRequest> {
    let page = match page {
        Some(p) if p >= 1 => p,
        _ if base.error_out => return Err(Error::not_found()),
        _ => DEFAULT_PAGE,
    };
    // Flask caps before it checks; the same here, and the fallback is capped as well.
    let per_page = match per_page.map(|n| cap(n, base.max_per_page)) {
        Some(n) if n >= 1 => n,
        _ if base.error_out => return Err(Error::not_found()),
        _ => {
            let fallback = if base.per_page >= 1 {
                base.per_page
            } else {
                DEFAULT_PER_PAGE
            };
            cap(fallback, base.max_per_page)
        }
    };
    Ok(PageRequest {
        page,
        per_page,
        ..*base
    })
}

/// Parses an integer as Python's `int(s)` does, within `i64`.
///
/// Accepted: surrounding whitespace (Unicode, as Python's `str.strip()`), one leading `+` or
/// `-` directly before the digits, ASCII digits with leading zeros (`"007"` is 7), and single
/// underscores *between* digits (`"1_000"` is 1000, as Python 3.6+ accepts; `"_1"`, `"1_"`,
/// `"1__0"` are rejected).
///
/// Rejected (`None`): `""`, whitespace only, `"2.5"`, `"abc"`, `"1e3"`, `"0x10"`, `"- 1"`,
/// `"++1"`, embedded whitespace, non-ASCII digits (which Python would accept), and values
/// outside `i64` (which Python would accept).
///
/// ```
/// use fsql_core::pagination::parse_int;
/// assert_eq!(parse_int(" +42\n"), Some(42));
/// assert_eq!(parse_int("-1_000"), Some(-1000));
/// assert_eq!(parse_int("2.5"), None);
/// assert_eq!(parse_int("99999999999999999999"), None);
/// ```
pub fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulate as a negative number so that i64::MIN parses.
    let mut value: i64 = 0;
    let mut previous_was_digit = false;
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                value = value.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
                previous_was_digit = true;
            }
            b'_' if previous_was_digit => previous_was_digit = false,
            _ => return None,
        }
    }
    if !previous_was_digit {
        return None; // trailing underscore
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(page: Option<&str>, per_page: Option<&str>) -> Result<PageRequest> {
        PageRequest::from_args(page, per_page, PageRequest::default())
    }

    fn lenient(page: Option<&str>, per_page: Option<&str>) -> PageRequest {
        PageRequest::from_args(page, per_page, PageRequest::default().error_out(false))
            .expect("error_out=false never fails")
    }

    fn assert_404(r: Result<PageRequest>) {
        match r {
            Err(Error::NotFound { description }) => {
                assert_eq!(description, crate::error::NOT_FOUND_DESCRIPTION)
            }
            other => panic!("expected NotFound, got {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let d = PageRequest::default();
        assert_eq!(
            d,
            PageRequest {
                page: 1,
                per_page: 20,
                max_per_page: Some(100),
                error_out: true,
                count: true
            }
        );
        assert_eq!(PageRequest::new(7), PageRequest { page: 7, ..d });
        let built = PageRequest::new(2)
            .per_page(5)
            .max_per_page(None)
            .error_out(false)
            .count(false);
        assert_eq!(
            built,
            PageRequest {
                page: 2,
                per_page: 5,
                max_per_page: None,
                error_out: false,
                count: false
            }
        );
        assert_eq!(args(None, None).unwrap(), d);
    }

    #[test]
    fn parse_int_like_python() {
        for (s, n) in [
            ("2", 2),
            (" 3 ", 3),
            ("+4", 4),
            ("-1", -1),
            ("0", 0),
            ("007", 7),
            ("-0", 0),
            ("\t\n 12 \r\n", 12),
            ("\u{a0}5\u{3000}", 5),
            ("1_000", 1000),
            ("-1_2_3", -123),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
        ] {
            assert_eq!(parse_int(s), Some(n), "{s:?}");
        }
        for s in [
            "",
            " ",
            "+",
            "-",
            "2.5",
            "abc",
            "1e3",
            "0x10",
            "1 2",
            "- 1",
            "++1",
            "+-1",
            "_1",
            "1_",
            "1__0",
            "+_1",
            "٣",
            "３",
            "\u{1c}1",
            "9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999999",
        ] {
            assert_eq!(parse_int(s), None, "{s:?}");
        }
    }

    #[test]
    fn valid_values() {
        assert_eq!(args(Some("2"), None).unwrap().page, 2);
        assert_eq!(args(Some(" 3 "), None).unwrap().page, 3);
        assert_eq!(args(Some("+4"), None).unwrap().page, 4);
        let r = args(Some("5"), Some(" 30 ")).unwrap();
        assert_eq!(
            (r.page, r.per_page, r.offset(), r.limit()),
            (5, 30, 120, 30)
        );
    }

    #[test]
    fn bad_values_are_404_under_error_out() {
        for bad in ["-1", "0", "", "2.5", "abc", "1e3", "99999999999999999999"] {
            assert_404(args(Some(bad), None));
            assert_404(args(None, Some(bad)));
        }
    }

    #[test]
    fn bad_values_fall_back_without_error_out() {
        for bad in ["-1", "0", "", "2.5", "abc", "1e3", "99999999999999999999"] {
            let r = lenient(Some(bad), Some(bad));
            assert_eq!((r.page, r.per_page), (1, 20), "{bad:?}");
            assert!(!r.error_out);
        }
        // Only the bad one falls back.
        let r = lenient(Some("abc"), Some("7"));
        assert_eq!((r.page, r.per_page), (1, 7));
        let r = lenient(Some("3"), Some("x"));
        assert_eq!((r.page, r.per_page), (3, 20));
    }

    #[test]
    fn fallback_per_page_is_the_base_one() {
        let base = PageRequest::default().per_page(50).error_out(false);
        let r = PageRequest::from_args(None, Some("abc"), base).unwrap();
        assert_eq!(r.per_page, 50);
        let r = PageRequest::from_args(None, None, base).unwrap();
        assert_eq!(r.per_page, 50);
        // A base per_page below 1 cannot be the fallback.
        let r = PageRequest::from_args(None, Some("0"), base.per_page(0)).unwrap();
        assert_eq!(r.per_page, 20);
        // Absent values come from the base, and are checked too.
        let base = PageRequest::new(4).per_page(9);
        let r = PageRequest::from_args(None, None, base).unwrap();
        assert_eq!((r.page, r.per_page), (4, 9));
        assert_404(PageRequest::from_args(None, None, PageRequest::new(0)));
    }

    #[test]
    fn per_page_zero() {
        assert_404(args(None, Some("0")));
        assert_404(PageRequest::new(1).per_page(0).validate());
        assert_eq!(lenient(None, Some("0")).per_page, 20);
        assert_eq!(lenient(None, Some("-5")).per_page, 20);
    }

    #[test]
    fn per_page_above_max_is_capped() {
        let r = args(None, Some("500")).unwrap();
        assert_eq!((r.per_page, r.limit()), (100, 100));
        let r = PageRequest::from_args(
            Some("3"),
            Some("500"),
            PageRequest::default().max_per_page(Some(30)),
        )
        .unwrap();
        assert_eq!((r.per_page, r.limit(), r.offset()), (30, 30, 60));
        let r =
            PageRequest::from_args(None, Some("500"), PageRequest::default().max_per_page(None))
                .unwrap();
        assert_eq!(r.per_page, 500);
        // Set by hand: limit() caps, validate() stores the capped value.
        let hand = PageRequest::new(2).per_page(1000);
        assert_eq!(
            (hand.per_page, hand.limit(), hand.offset()),
            (1000, 100, 100)
        );
        assert_eq!(hand.validate().unwrap().per_page, 100);
        // The fallback is capped as well (Flask-SQLAlchemy would give 20 here).
        let base = PageRequest::default()
            .max_per_page(Some(10))
            .error_out(false);
        assert_eq!(
            PageRequest::from_args(None, Some("0"), base)
                .unwrap()
                .per_page,
            10
        );
    }

    #[test]
    fn validate_hand_made_requests() {
        assert_eq!(PageRequest::new(3).validate().unwrap(), PageRequest::new(3));
        assert_404(PageRequest::new(0).validate());
        let r = PageRequest::new(0)
            .per_page(0)
            .error_out(false)
            .validate()
            .unwrap();
        assert_eq!((r.page, r.per_page), (1, 20));
        let r = PageRequest::new(2).count(false).validate().unwrap();
        assert!(!r.count);
    }

    #[test]
    fn offset_and_limit_saturate() {
        let r = PageRequest::new(u64::MAX)
            .max_per_page(None)
            .per_page(u64::MAX);
        assert_eq!(r.offset(), u64::MAX);
        assert_eq!(PageRequest::new(0).offset(), 0);
        assert_eq!(PageRequest::new(1).offset(), 0);
        assert_eq!(PageRequest::new(4).per_page(25).offset(), 75);
    }

    #[test]
    fn query_strings() {
        let q = |s| PageRequest::from_query(s).map(|r| (r.page, r.per_page));
        assert_eq!(q("").unwrap(), (1, 20));
        assert_eq!(q("?").unwrap(), (1, 20));
        assert_eq!(q("page=2").unwrap(), (2, 20));
        assert_eq!(q("?page=2&per_page=10").unwrap(), (2, 10));
        assert_eq!(q("sort=name&page=3&q=a%26b&&per_page=5").unwrap(), (3, 5));
        // Percent-encoding in values and keys, '+' is a space.
        assert_eq!(q("page=%33").unwrap(), (3, 20));
        assert_eq!(q("page=%2B4&per_page=%20%206%20").unwrap(), (4, 6));
        assert_eq!(q("page=+5+").unwrap(), (5, 20));
        assert_eq!(q("pa%67e=6&per%5Fpage=7").unwrap(), (6, 7));
        // Repeated keys: the first value counts (Werkzeug's MultiDict.get).
        assert_eq!(q("page=2&page=3").unwrap(), (2, 20));
        assert_404(PageRequest::from_query("page=abc&page=3"));
        assert_eq!(q("page=3&page=abc").unwrap(), (3, 20));
        // Other keys are ignored even when their values are junk; keys are case-sensitive.
        assert_eq!(q("pages=x&Page=x&per_page_=x").unwrap(), (1, 20));
        // Bad values.
        assert_404(PageRequest::from_query("page=2&per_page=abc"));
        assert_404(PageRequest::from_query("page"));
        assert_404(PageRequest::from_query("page="));
        assert_404(PageRequest::from_query("page=%zz"));
        assert_404(PageRequest::from_query("page=%FF"));
        assert_404(PageRequest::from_query("page=1%2E5"));
        assert_404(PageRequest::from_query("per_page=0"));
        assert_eq!(q("per_page=101").unwrap(), (1, 100));
    }

    #[test]
    fn query_strings_with_a_base() {
        let base = PageRequest::default()
            .error_out(false)
            .max_per_page(Some(50))
            .count(false);
        let r = PageRequest::from_query_with("page=abc&per_page=-3", base).unwrap();
        assert_eq!(
            r,
            PageRequest::new(1)
                .max_per_page(Some(50))
                .error_out(false)
                .count(false)
        );
        let r = PageRequest::from_query_with("page=4&per_page=80", base).unwrap();
        assert_eq!((r.page, r.per_page, r.max_per_page), (4, 50, Some(50)));
        assert!(!r.count && !r.error_out);
    }

    #[test]
    fn url_decoding() {
        assert_eq!(crate::percent::decode_form("a+b%20c"), "a b c");
        assert_eq!(crate::percent::decode_form("%"), "%");
        assert_eq!(crate::percent::decode_form("%4"), "%4");
        assert_eq!(crate::percent::decode_form("%4g"), "%4g");
        assert_eq!(crate::percent::decode_form("100%25"), "100%");
        assert_eq!(crate::percent::decode_form("%C3%A9"), "é");
        assert_eq!(crate::percent::decode_form("%FF"), "\u{fffd}");
    }
}
