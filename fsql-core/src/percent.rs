//! Percent-decoding, shared by query strings (`?cursor=..`) and database URLs.

/// Decodes `%XX` sequences; a `%` not followed by two hex digits is kept as written (as
/// browsers and the `url` crate do), so no input is an error.
pub fn decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |j: usize| bytes.get(j).and_then(|&b| (b as char).to_digit(16));
            if let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) {
                // Two hex digits make at most 0xFF.
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// A form-encoded query-string component (`application/x-www-form-urlencoded`): `+` is a
/// space, `%XX` a byte; invalid UTF-8 becomes U+FFFD.
pub fn decode_form(s: &str) -> String {
    String::from_utf8_lossy(&decode(&s.replace('+', " "))).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_is_encoded_and_keeps_the_rest() {
        assert_eq!(decode("a%2Fb%3d"), b"a/b=");
        assert_eq!(decode("100%"), b"100%");
        assert_eq!(decode("%zz%4"), b"%zz%4");
        assert_eq!(decode_form("a+b%2Bc"), "a b+c");
        assert_eq!(decode_form("%ff"), "\u{fffd}");
    }
}
