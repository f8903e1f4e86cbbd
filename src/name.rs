//! Toggle and release names.
//!
//! A name is a *slug*: 1 to 255 characters of ASCII letters, digits, `_` and
//! `-`. Those are exactly the characters of a TOML bare key, so a valid name
//! can be written into `toggles.toml` as it is, and can never inject TOML.

/// The longest valid name, in bytes (and characters: names are ASCII).
pub const MAX_NAME_LEN: usize = 255;

/// Whether `name` is a valid toggle or release name.
///
/// A valid name is 1 to 255 characters of ASCII letters, digits, `_` and `-`.
/// This is a `const fn`, which is how [`toggle!`](crate::toggle!) rejects a bad
/// literal at compile time.
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// assert!(toggles::is_valid_name("new_checkout"));
/// assert!(toggles::is_valid_name("checkout-v2"));
/// assert!(!toggles::is_valid_name("new checkout"));
/// assert!(!toggles::is_valid_name("toggles.dark_mode"));
/// assert!(!toggles::is_valid_name(""));
/// ```
pub const fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_NAME_LEN {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !is_name_byte(bytes[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `b` may appear in a name: an ASCII letter or digit, `_` or `-`
/// (the bytes of a TOML bare key). The one definition of the rule.
#[inline]
pub(crate) const fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_slugs_and_rejects_everything_else() {
        let longest = "a".repeat(MAX_NAME_LEN);
        for good in ["a", "A9", "new_cart", "checkout-v2", "-", "_", &longest] {
            assert!(is_valid_name(good), "{good:?} should be valid");
        }
        let too_long = "a".repeat(MAX_NAME_LEN + 1);
        for bad in [
            "", " ", "a b", "a.b", "a\"b", "a\nb", "[a]", "é", "a=b", "a#", &too_long,
        ] {
            assert!(!is_valid_name(bad), "{bad:?} should be invalid");
        }
    }
}
