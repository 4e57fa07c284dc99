//! Names of table constraints in SQLite's `CREATE TABLE` text, which its pragmas do not keep.
//!
//! Part of reflection, which sits beside the top layer: it reads a connection and returns
//! `fsql_core::schema` data, and imports only from the connection layer.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Unique,
    ForeignKey,
}

/// `CONSTRAINT <name> UNIQUE (<columns>)` or `CONSTRAINT <name> FOREIGN KEY (<columns>)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named {
    pub name: String,
    pub kind: Kind,
    pub columns: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Tok {
    /// A bare word, as written.
    Word(String),
    /// A quoted identifier or string, unquoted.
    Quoted(String),
    Open,
    Close,
    Comma,
    Other,
}

fn quoted(chars: &[char], i: &mut usize, close: char) -> String {
    let mut s = String::new();
    *i += 1;
    while *i < chars.len() {
        let c = chars[*i];
        *i += 1;
        if c == close {
            // A doubled quote is the quote itself ([..] has no escape).
            if close != ']' && chars.get(*i) == Some(&close) {
                s.push(c);
                *i += 1;
                continue;
            }
            return s;
        }
        s.push(c);
    }
    s
}

fn tokenize(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '-' if chars.get(i + 1) == Some(&'-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            '"' | '`' | '\'' => out.push(Tok::Quoted(quoted(&chars, &mut i, c))),
            '[' => out.push(Tok::Quoted(quoted(&chars, &mut i, ']'))),
            '(' | ')' | ',' => {
                out.push(match c {
                    '(' => Tok::Open,
                    ')' => Tok::Close,
                    _ => Tok::Comma,
                });
                i += 1;
            }
            _ if c.is_alphanumeric() || c == '_' || c == '$' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
            _ => {
                out.push(Tok::Other);
                i += 1;
            }
        }
    }
    out
}

fn is_word(t: Option<&Tok>, word: &str) -> bool {
    matches!(t, Some(Tok::Word(w)) if w.eq_ignore_ascii_case(word))
}

fn name(t: Option<&Tok>) -> Option<String> {
    match t {
        Some(Tok::Word(w) | Tok::Quoted(w)) => Some(w.clone()),
        _ => None,
    }
}

/// The first name of each comma-separated item of the list opening at `toks[start]`
/// (`("a" COLLATE nocase, b DESC)` -> a, b).
fn column_list(toks: &[Tok], start: usize) -> Option<Vec<String>> {
    if toks.get(start) != Some(&Tok::Open) {
        return None;
    }
    let mut out = Vec::new();
    let mut depth = 0;
    let mut expect_name = true;
    for t in &toks[start..] {
        match t {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth -= 1;
                if depth == 0 {
                    return Some(out);
                }
            }
            Tok::Comma if depth == 1 => expect_name = true,
            _ if depth == 1 && expect_name => {
                out.push(name(Some(t))?);
                expect_name = false;
            }
            _ => {}
        }
    }
    None
}

pub(super) fn named_constraints(sql: &str) -> Vec<Named> {
    let toks = tokenize(sql);
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if !is_word(toks.get(i), "CONSTRAINT") {
            continue;
        }
        let Some(constraint) = name(toks.get(i + 1)) else {
            continue;
        };
        let (kind, list_at) = if is_word(toks.get(i + 2), "UNIQUE") {
            (Kind::Unique, i + 3)
        } else if is_word(toks.get(i + 2), "FOREIGN") && is_word(toks.get(i + 3), "KEY") {
            (Kind::ForeignKey, i + 4)
        } else {
            continue;
        };
        // A column constraint (`.. CONSTRAINT x UNIQUE,`) has no list: not handled.
        if let Some(columns) = column_list(&toks, list_at) {
            out.push(Named {
                name: constraint,
                kind,
                columns,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_named_table_constraints() {
        let sql = r#"CREATE TABLE "post" ( "id" INTEGER NOT NULL, "slug" VARCHAR(80) NOT NULL, [a b] TEXT DEFAULT ('x,(y'), -- CONSTRAINT no UNIQUE (id)
            CONSTRAINT "pk_post" PRIMARY KEY ("id"),
            CONSTRAINT "uq ""post"" slug" UNIQUE ("slug" COLLATE NOCASE, [a b] DESC),
            CONSTRAINT fk_1 FOREIGN KEY (`slug`) REFERENCES "user" ("name") ON DELETE CASCADE,
            UNIQUE ("id"), /* CONSTRAINT x FOREIGN KEY (y) */ CONSTRAINT c CHECK (id > 0) )"#;
        assert_eq!(
            named_constraints(sql),
            [
                Named {
                    name: "uq \"post\" slug".into(),
                    kind: Kind::Unique,
                    columns: vec!["slug".into(), "a b".into()],
                },
                Named {
                    name: "fk_1".into(),
                    kind: Kind::ForeignKey,
                    columns: vec!["slug".into()],
                },
            ]
        );
        assert_eq!(named_constraints("CREATE TABLE t (a, CONSTRAINT"), []);
        assert_eq!(
            named_constraints("CREATE TABLE t (a CONSTRAINT u UNIQUE)"),
            []
        );
    }
}
