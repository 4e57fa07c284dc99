//! The statements of a revision's SQL script as MySQL reads them, so that a revision can run
//! there one statement at a time and a failure can name the statement it stopped at (MySQL
//! commits each schema change by itself: the statements before it stay applied).
//!
//! A `;` ends a statement unless it is inside a string (`'..'`, `".."`, with `\` escapes and
//! doubled quotes, as MySQL reads them without `NO_BACKSLASH_ESCAPES`), an identifier in
//! backticks, or a comment (`-- ` and `#` to the end of the line, `/* .. */`). A stored
//! routine's body (`BEGIN .. END`) holds `;`s only the server can tell apart: a script with
//! one is not split.

use std::ops::Range;

/// What a stretch of a script is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// Code outside quotes and comments (words, operators, white space).
    Code,
    /// A string literal, quotes included.
    Text,
    /// An identifier in backticks.
    Quoted,
    /// A comment (`/*! .. */` and `/*+ .. */` are code MySQL runs, and count as code).
    Comment,
    /// The `;` that ends a statement.
    End,
}

/// The script cut into pieces, in order; together they cover all of it.
fn pieces(sql: &str) -> Vec<(Piece, Range<usize>)> {
    let b = sql.as_bytes();
    let mut out: Vec<(Piece, Range<usize>)> = Vec::new();
    let mut push = |kind: Piece, range: Range<usize>| match out.last_mut() {
        Some((Piece::Code, last)) if kind == Piece::Code && last.end == range.start => {
            last.end = range.end;
        }
        _ => out.push((kind, range)),
    };
    // Where the closing `quote` ends, from just after the opening one.
    let close = |mut i: usize, quote: u8| {
        while i < b.len() {
            match b[i] {
                b'\\' if quote != b'`' => i += 2,
                c if c == quote && b.get(i + 1) == Some(&quote) => i += 2,
                c if c == quote => return i + 1,
                _ => i += 1,
            }
        }
        b.len()
    };
    let line_end = |i: usize| {
        b[i..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| i + p)
    };
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let (kind, end) = match b[i] {
            b'\'' | b'"' => (Piece::Text, close(i + 1, b[i])),
            b'`' => (Piece::Quoted, close(i + 1, b'`')),
            b'#' => (Piece::Comment, line_end(i)),
            // `--` starts a comment only before white space or a control character.
            b'-' if b.get(i + 1) == Some(&b'-')
                && b.get(i + 2)
                    .is_none_or(|c| c.is_ascii_whitespace() || c.is_ascii_control()) =>
            {
                (Piece::Comment, line_end(i))
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = sql[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
                let runs = matches!(b.get(i + 2), Some(b'!' | b'+'));
                (if runs { Piece::Code } else { Piece::Comment }, end)
            }
            b';' => (Piece::End, i + 1),
            _ => (Piece::Code, i + 1),
        };
        i = end.max(start + 1);
        push(kind, start..i);
    }
    out
}

/// The words of code pieces, upper-cased, in order.
fn words<'a>(
    sql: &'a str,
    pieces: &'a [(Piece, Range<usize>)],
) -> impl Iterator<Item = String> + 'a {
    pieces
        .iter()
        .filter(|(kind, _)| *kind == Piece::Code)
        .flat_map(move |(_, r)| {
            sql[r.clone()]
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .filter(|w| !w.is_empty())
                .map(str::to_ascii_uppercase)
        })
}

/// The statements of `sql`, in order, each without the comments and white space before it and
/// without its `;`; a stretch holding only comments is no statement. `None` when the script
/// holds a compound statement (`BEGIN` anywhere but at the start of a statement, or
/// `BEGIN NOT ATOMIC`): a stored routine, trigger or event body, or an anonymous block.
pub(super) fn split(sql: &str) -> Option<Vec<&str>> {
    let all = pieces(sql);
    let mut out = Vec::new();
    for statement in all.split(|(kind, _)| *kind == Piece::End) {
        let Some(first) = statement
            .iter()
            .position(|(kind, r)| *kind != Piece::Comment && !sql[r.clone()].trim().is_empty())
        else {
            continue;
        };
        let statement = &statement[first..];
        let mut w = words(sql, statement);
        let leading = w.next();
        if w.any(|w| w == "BEGIN")
            || (leading.as_deref() == Some("BEGIN")
                && words(sql, statement).nth(1).as_deref() == Some("NOT"))
        {
            return None;
        }
        let (_, first) = &statement[0];
        let start = first.end - sql[first.clone()].trim_start().len();
        let end = statement.last().map_or(start, |(_, r)| r.end);
        out.push(sql[start..end].trim_end());
    }
    Some(out)
}

/// Longest statement text an error quotes, in characters.
const SHOWN: usize = 200;

/// A statement as an error quotes it: on one line, shortened when long, and with its string
/// literals masked when it mentions a password (`IDENTIFIED BY '..'`, `PASSWORD '..'`).
pub(super) fn shown(statement: &str) -> String {
    let all = pieces(statement);
    let secret = words(statement, &all).any(|w| w == "PASSWORD" || w == "IDENTIFIED");
    let mut text = String::new();
    for (kind, r) in &all {
        if secret && *kind == Piece::Text {
            text.push_str("'***'");
        } else {
            text.push_str(&statement[r.clone()]);
        }
    }
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= SHOWN {
        return one_line;
    }
    let mut short: String = one_line.chars().take(SHOWN).collect();
    short.push_str(" …");
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_end_statements_outside_strings_identifiers_and_comments() {
        let sql = "-- first; of three\n\
                   CREATE TABLE `a;b` (id INT, note VARCHAR(9) DEFAULT 'x;y');\n\
                   /* a; comment */ INSERT INTO t VALUES ('it''s; \\'quoted\\';', \"d;q\"); # trailing; note\n\
                   \n  UPDATE t SET n = 5--1 ;\n\
                   -- nothing after the last one;\n";
        assert_eq!(
            split(sql).unwrap(),
            [
                "CREATE TABLE `a;b` (id INT, note VARCHAR(9) DEFAULT 'x;y')",
                "INSERT INTO t VALUES ('it''s; \\'quoted\\';', \"d;q\")",
                "UPDATE t SET n = 5--1",
            ]
        );
    }

    #[test]
    fn backticks_double_and_executable_comments_are_code() {
        let sql = "CREATE TABLE `x``;y` (id INT);/*!40101 SET NAMES utf8mb4 */;;  ;\n";
        assert_eq!(
            split(sql).unwrap(),
            [
                "CREATE TABLE `x``;y` (id INT)",
                "/*!40101 SET NAMES utf8mb4 */"
            ]
        );
        assert_eq!(split("-- only a comment\n").unwrap(), Vec::<&str>::new());
        assert_eq!(split("SELECT 1").unwrap(), ["SELECT 1"]);
        // An unterminated string runs to the end instead of splitting.
        assert_eq!(split("SELECT 'a;b").unwrap(), ["SELECT 'a;b"]);
    }

    #[test]
    fn a_routine_body_is_left_whole() {
        let sql = "CREATE TABLE t (id INT);\n\
                   CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = 1; END;\n";
        assert_eq!(split(sql), None);
        assert_eq!(split("BEGIN NOT ATOMIC SELECT 1; END"), None);
        // A transaction's `BEGIN` is a statement of its own; `begin` in a string is text.
        assert_eq!(
            split("BEGIN; INSERT INTO t VALUES ('begin'); COMMIT;").unwrap(),
            ["BEGIN", "INSERT INTO t VALUES ('begin')", "COMMIT"]
        );
    }

    #[test]
    fn errors_quote_statements_on_one_line_short_and_without_passwords() {
        assert_eq!(
            shown("INSERT INTO t\n  VALUES (1)"),
            "INSERT INTO t VALUES (1)"
        );
        assert_eq!(
            shown("CREATE USER app IDENTIFIED BY 's3cret'"),
            "CREATE USER app IDENTIFIED BY '***'"
        );
        assert!(!shown("SET PASSWORD FOR app = \"s3cret\"").contains("s3cret"));
        let long = format!("INSERT INTO t VALUES ('{}')", "é".repeat(300));
        let short = shown(&long);
        assert!(short.ends_with(" …"), "{short}");
        assert_eq!(short.chars().count(), SHOWN + 2);
    }
}
