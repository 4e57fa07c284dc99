//! Flask-SQLAlchemy 3.x's automatic table name: CamelCase → snake_case.

/// Turns a model's name into its table name, exactly as Flask-SQLAlchemy 3.x does.
///
/// Flask-SQLAlchemy's rule is the regular expression
/// `((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))` replaced by `_\1`, then lower case, then leading
/// underscores stripped. In words: an ASCII capital gets an underscore before it when it follows a
/// lowercase letter or a digit, or when it starts a new word (it is not the first character and
/// a lowercase letter follows it). Runs of capitals therefore stay together as one word
/// (`HTMLLayout` → `html_layout`, `HTTP2Request` → `http2_request`).
///
/// ```
/// use fsql_core::camel_to_snake;
/// assert_eq!(camel_to_snake("User"), "user");
/// assert_eq!(camel_to_snake("ShoppingCartSession"), "shopping_cart_session");
/// assert_eq!(camel_to_snake("HTMLLayout"), "html_layout");
/// assert_eq!(camel_to_snake("UserST4"), "user_st4");
/// ```
pub fn camel_to_snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let after_lower_or_digit = i > 0 && {
                let p = chars[i - 1];
                p.is_ascii_lowercase() || p.is_ascii_digit()
            };
            let starts_word = i > 0 && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if after_lower_or_digit || starts_word {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out.trim_start_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::camel_to_snake;

    // The conformance file holds Flask-SQLAlchemy's own cases; these are the edges of the rule
    // itself, so a change to it shows which clause broke.
    #[test]
    fn rule_edges() {
        let cases = [
            ("", ""),
            ("A", "a"),
            ("a", "a"),
            ("Ab", "ab"),
            ("aB", "a_b"),
            ("AB", "ab"),
            ("ABc", "a_bc"),
            ("a1B", "a1_b"),
            // Where a general-purpose case converter (heck) answers differently: a capital
            // after a digit starts a word, and existing underscores are kept, not folded.
            ("A1B", "a1_b"),
            ("Foo__Bar", "foo___bar"),
            ("_Private", "private"),
            ("__A", "a"),
            ("already_snake", "already_snake"),
            ("X11Window", "x11_window"),
            ("Ünïcode", "ünïcode"),
        ];
        for (input, expect) in cases {
            assert_eq!(camel_to_snake(input), expect, "camel_to_snake({input:?})");
        }
    }
}
