//! Cursors: the [`CursorKey`] encodings of key values (integers, `String`, `bool`, tuples, and
//! chrono's date and time types under feature `chrono`), [`encode_cursor`] / [`decode_cursor`]
//! with their version, direction, ordering, table and checksum, and the URL-safe base64 they
//! travel in.

use std::fmt;

/// Where a cursor points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The rows after the key (the next page).
    After,
    /// The rows before the key (the previous page).
    Before,
}

/// A key value that can travel in a cursor. Implemented for the integer types, `String`,
/// `bool`, chrono's `NaiveDateTime`, `NaiveDate`, `NaiveTime` and `DateTime<Utc>` (feature
/// `chrono`), and tuples of up to four of them (composite keys, or "newest first, then id").
pub trait CursorKey: Sized {
    /// Appends the value.
    fn encode(&self, out: &mut Vec<u8>);
    /// Reads a value, advancing `input`; `None` when the bytes are not one.
    fn decode(input: &mut &[u8]) -> Option<Self>;
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if input.len() < n {
        return None;
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Some(head)
}

macro_rules! int_key {
    ($($t:ty),*) => {$(
        impl CursorKey for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_be_bytes());
            }
            fn decode(input: &mut &[u8]) -> Option<Self> {
                let bytes = take(input, std::mem::size_of::<$t>())?;
                Some(<$t>::from_be_bytes(bytes.try_into().ok()?))
            }
        }
    )*};
}
int_key!(i16, i32, i64, u16, u32, u64, u128);

impl CursorKey for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn decode(input: &mut &[u8]) -> Option<Self> {
        match take(input, 1)? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
}

impl CursorKey for String {
    fn encode(&self, out: &mut Vec<u8>) {
        let len = u32::try_from(self.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&self.as_bytes()[..len as usize]);
    }
    fn decode(input: &mut &[u8]) -> Option<Self> {
        let len = u32::decode(input)? as usize;
        String::from_utf8(take(input, len)?.to_vec()).ok()
    }
}

/// Date and time keys travel as their exact parts (seconds and nanoseconds), so a cursor read
/// back gives the very value the row held: a cursor that rounded would skip or repeat rows that
/// share a second.
#[cfg(feature = "chrono")]
mod chrono_keys {
    use super::CursorKey;
    use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    impl CursorKey for NaiveDateTime {
        fn encode(&self, out: &mut Vec<u8>) {
            self.and_utc().encode(out);
        }
        fn decode(input: &mut &[u8]) -> Option<Self> {
            DateTime::<Utc>::decode(input).map(|t| t.naive_utc())
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    impl CursorKey for DateTime<Utc> {
        fn encode(&self, out: &mut Vec<u8>) {
            self.timestamp().encode(out);
            self.timestamp_subsec_nanos().encode(out);
        }
        fn decode(input: &mut &[u8]) -> Option<Self> {
            let seconds = i64::decode(input)?;
            let nanos = u32::decode(input)?;
            DateTime::from_timestamp(seconds, nanos)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    impl CursorKey for NaiveDate {
        fn encode(&self, out: &mut Vec<u8>) {
            self.num_days_from_ce().encode(out);
        }
        fn decode(input: &mut &[u8]) -> Option<Self> {
            NaiveDate::from_num_days_from_ce_opt(i32::decode(input)?)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    impl CursorKey for NaiveTime {
        fn encode(&self, out: &mut Vec<u8>) {
            self.num_seconds_from_midnight().encode(out);
            self.nanosecond().encode(out);
        }
        fn decode(input: &mut &[u8]) -> Option<Self> {
            let seconds = u32::decode(input)?;
            let nanos = u32::decode(input)?;
            NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)
        }
    }
}

macro_rules! tuple_key {
    ($($name:ident)+) => {
        impl<$($name: CursorKey),+> CursorKey for ($($name,)+) {
            #[allow(non_snake_case)]
            fn encode(&self, out: &mut Vec<u8>) {
                let ($($name,)+) = self;
                $($name.encode(out);)+
            }
            fn decode(input: &mut &[u8]) -> Option<Self> {
                Some(($($name::decode(input)?,)+))
            }
        }
    };
}
tuple_key!(A);
tuple_key!(A B);
tuple_key!(A B C);
tuple_key!(A B C D);

const VERSION: u8 = 1;

/// FNV-1a, 32 bits: detects cut or edited cursors (it is not a signature; a cursor only ever
/// selects a starting key, bound as a parameter).
fn checksum(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Makes a cursor for `key` on `table`'s ordering.
pub fn encode_cursor<K: CursorKey>(
    table: &str,
    descending: bool,
    direction: Direction,
    key: &K,
) -> String {
    let mut payload = vec![
        VERSION,
        match direction {
            Direction::After => 0,
            Direction::Before => 1,
        },
        u8::from(descending),
    ];
    payload.extend_from_slice(&checksum(table.as_bytes()).to_be_bytes());
    key.encode(&mut payload);
    let sum = checksum(&payload);
    payload.extend_from_slice(&sum.to_be_bytes());
    base64url::encode(&payload)
}

/// Why a cursor was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorError {
    /// Not URL-safe base64, cut short, or edited.
    Malformed,
    /// Made for another table.
    OtherTable,
    /// Made for the other ordering (ascending vs descending).
    OtherOrdering,
}

impl fmt::Display for CursorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => "the cursor is malformed or was altered",
            Self::OtherTable => "the cursor belongs to another table",
            Self::OtherOrdering => "the cursor belongs to the other sort order",
        })
    }
}

/// Reads a cursor made by [`encode_cursor`] for the same table and ordering.
pub fn decode_cursor<K: CursorKey>(
    cursor: &str,
    table: &str,
    descending: bool,
) -> std::result::Result<(Direction, K), CursorError> {
    let bytes = base64url::decode(cursor.trim()).ok_or(CursorError::Malformed)?;
    if bytes.len() < 3 + 4 + 4 {
        return Err(CursorError::Malformed);
    }
    let (payload, sum) = bytes.split_at(bytes.len() - 4);
    if checksum(payload).to_be_bytes() != sum {
        return Err(CursorError::Malformed);
    }
    let mut input = payload;
    let header = take(&mut input, 3).ok_or(CursorError::Malformed)?;
    if header[0] != VERSION {
        return Err(CursorError::Malformed);
    }
    let direction = match header[1] {
        0 => Direction::After,
        1 => Direction::Before,
        _ => return Err(CursorError::Malformed),
    };
    let table_sum = u32::decode(&mut input).ok_or(CursorError::Malformed)?;
    if table_sum != checksum(table.as_bytes()) {
        return Err(CursorError::OtherTable);
    }
    if header[2] != u8::from(descending) {
        return Err(CursorError::OtherOrdering);
    }
    let key = K::decode(&mut input).ok_or(CursorError::Malformed)?;
    if !input.is_empty() {
        return Err(CursorError::Malformed);
    }
    Ok((direction, key))
}

/// URL-safe base64 without padding (RFC 4648 §5), small enough to keep here.
mod base64url {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(text.len() * 3 / 4);
        let values: Option<Vec<u32>> = text
            .bytes()
            .map(|c| ALPHABET.iter().position(|a| *a == c).map(|p| p as u32))
            .collect();
        let values = values?;
        for chunk in values.chunks(4) {
            if chunk.len() == 1 {
                return None;
            }
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, v)| acc | (v << (18 - 6 * i)));
            for i in 0..chunk.len() - 1 {
                out.push((n >> (16 - 8 * i)) as u8);
            }
        }
        // Reject non-canonical encodings (stray low bits), so one cursor has one spelling.
        (encode(&out) == text).then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_and_rejects_junk() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            let text = base64url::encode(&bytes);
            assert!(text
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
            assert_eq!(base64url::decode(&text), Some(bytes));
        }
        assert_eq!(base64url::decode("a"), None);
        assert_eq!(base64url::decode("ab+c"), None);
        assert_eq!(base64url::decode("AB"), None, "non-canonical: stray bits");
    }

    #[test]
    fn cursors_round_trip() {
        let c = encode_cursor("user", false, Direction::After, &42i32);
        assert_eq!(
            decode_cursor::<i32>(&c, "user", false),
            Ok((Direction::After, 42))
        );
        let c = encode_cursor(
            "report",
            true,
            Direction::Before,
            &(2024i32, "annual ✓".to_owned()),
        );
        assert_eq!(
            decode_cursor::<(i32, String)>(&c, "report", true),
            Ok((Direction::Before, (2024, "annual ✓".to_owned())))
        );
        let c = encode_cursor("t", false, Direction::After, &i64::MIN);
        assert_eq!(
            decode_cursor::<i64>(&c, "t", false),
            Ok((Direction::After, i64::MIN))
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn date_and_time_cursors_round_trip_exactly() {
        use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let at = |d: NaiveDate, h, mi, s, micro| d.and_hms_micro_opt(h, mi, s, micro).unwrap();
        let stamps: Vec<NaiveDateTime> = vec![
            at(day(1, 1, 1), 0, 0, 0, 0),
            at(day(1900, 1, 1), 0, 0, 0, 1),
            at(day(1969, 12, 31), 23, 59, 59, 999_999),
            at(day(2038, 1, 20), 3, 14, 8, 123_456),
            at(day(9999, 12, 31), 23, 59, 59, 999_999),
        ];
        for (i, t) in stamps.iter().enumerate() {
            let key = (*t, i as i32);
            let c = encode_cursor("post", true, Direction::After, &key);
            assert_eq!(
                decode_cursor::<(NaiveDateTime, i32)>(&c, "post", true),
                Ok((Direction::After, key))
            );
            let utc: DateTime<Utc> = t.and_utc();
            let c = encode_cursor("post", false, Direction::Before, &utc);
            assert_eq!(
                decode_cursor::<DateTime<Utc>>(&c, "post", false),
                Ok((Direction::Before, utc))
            );
            let c = encode_cursor("post", false, Direction::After, &(t.date(), t.time()));
            assert_eq!(
                decode_cursor::<(NaiveDate, NaiveTime)>(&c, "post", false),
                Ok((Direction::After, (t.date(), t.time())))
            );
        }
        // Bytes that are no date are refused, not turned into some other date.
        let c = encode_cursor("post", false, Direction::After, &(i64::MAX, u32::MAX));
        assert_eq!(
            decode_cursor::<NaiveDateTime>(&c, "post", false),
            Err(CursorError::Malformed)
        );
    }

    #[test]
    fn bad_cursors_are_refused() {
        let c = encode_cursor("user", false, Direction::After, &42i32);
        assert_eq!(
            decode_cursor::<i32>(&c, "post", false),
            Err(CursorError::OtherTable)
        );
        assert_eq!(
            decode_cursor::<i32>(&c, "user", true),
            Err(CursorError::OtherOrdering)
        );
        assert_eq!(
            decode_cursor::<i64>(&c, "user", false),
            Err(CursorError::Malformed),
            "wrong key type"
        );
        assert_eq!(
            decode_cursor::<i32>("", "user", false),
            Err(CursorError::Malformed)
        );
        assert_eq!(
            decode_cursor::<i32>("not a cursor!", "user", false),
            Err(CursorError::Malformed)
        );
        assert_eq!(
            decode_cursor::<i32>(&c[..c.len() - 2], "user", false),
            Err(CursorError::Malformed)
        );
        // Every single-character edit is caught.
        for i in 0..c.len() {
            let mut edited: Vec<u8> = c.bytes().collect();
            edited[i] = if edited[i] == b'A' { b'B' } else { b'A' };
            let edited = String::from_utf8(edited).unwrap();
            assert!(
                decode_cursor::<i32>(&edited, "user", false).is_err(),
                "edit at {i} accepted"
            );
        }
    }
}
