//! What a keyed check takes as its key: [`Key`], a string or an integer,
//! and the one rule for a key's text (an integer's is its decimal text,
//! written into a stack buffer: no allocation).

use std::borrow::Cow;
use std::num::NonZero;
use std::rc::Rc;
use std::sync::Arc;

/// A key for a keyed check (a user id, a tenant…): a string, or an
/// integer, by value or behind any reference or smart pointer.
///
/// [`toggle!`](crate::toggle!)`("x", key)`,
/// [`Toggle::is_enabled_for`](crate::Toggle::is_enabled_for),
/// [`Store::is_enabled_for`](crate::Store::is_enabled_for),
/// [`Snapshot::is_enabled_for`](crate::Snapshot::is_enabled_for),
/// [`ToggleInfo::is_enabled_for`](crate::ToggleInfo::is_enabled_for) and
/// the `evaluate` methods take any `Key`:
///
/// | key | its text |
/// |---|---|
/// | `str`, `String`, `Cow<str>` | the string itself |
/// | `u8`…`u128`, `usize`, `i8`…`i128`, `isize`, and their `NonZero` | the decimal text: `42`, `-7`, `0`, no leading zeros, no `+` |
/// | `&K`, `&mut K`, `Box<K>`, `Rc<K>`, `Arc<K>` for any `K: Key` (so `&str`, `&String`, `Box<str>`, `Arc<str>`, `&u64`) | `K`'s |
///
/// **A key is its text.** It is bucketed by the bytes of its text and
/// compared with `allow` by its text, so the integer `42` and the string
/// `"42"` are the same key: the same bucket in every rollout, and both match
/// `allow = ["42"]`. A flagd evaluator (or another service) given the text
/// as its `targetingKey` gives the same answer; flagd's targeting keys are
/// strings. An integer's text is written into a buffer on the stack: a
/// check with an integer key allocates no more than one with a `&str`
/// (nothing).
///
/// An empty string is no key (the key-less state applies, see
/// [`ToggleInfo::is_enabled_for`](crate::ToggleInfo::is_enabled_for)); an
/// integer is never empty.
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// let text = "[toggles.beta]\nrollout = 10\nallow = [\"42\"]\n";
/// let snapshot = toggles::Snapshot::parse("toggles.toml", text.as_bytes())?;
/// let user_id: u64 = 42;
/// assert!(snapshot.is_enabled_for("beta", user_id)); // in `allow`, as "42"
/// let account: i64 = -4711;
/// assert_eq!(
///     snapshot.is_enabled_for("beta", &account),
///     snapshot.is_enabled_for("beta", "-4711"), // the same bucket
/// );
/// # Ok::<(), toggles::Error>(())
/// ```
///
/// **Sealed**: the crate implements `Key`, and no other crate can. A key's
/// text is what other services must send as their targeting key for the
/// same answer, so the crate keeps the one rule for it rather than let
/// each type write its own. A newtype passes its field
/// (`toggle!("x", user.id.0)`); another string type passes its `&str`
/// (`&*name`, `name.as_str()`); anything else is written to text first,
/// without allocating where the type allows it (a `uuid::Uuid`:
/// `id.as_hyphenated().encode_lower(&mut buffer)` gives a `&mut str`).
///
/// (Before this trait, keys were `impl AsRef<str>`: every such key of the
/// table above still works unchanged; a key of another crate's string type
/// now needs its `&str`.)
pub trait Key: sealed::Sealed {}

/// The most bytes an integer's text takes: `i128::MIN`, a sign and 39 digits.
const MAX_INTEGER_TEXT: usize = 40;

pub(crate) use sealed::Buffer;

mod sealed {
    /// Where an integer key's text is written for one check; unused by
    /// string keys (and then optimised away).
    pub struct Buffer(pub(super) [u8; super::MAX_INTEGER_TEXT]);

    impl Buffer {
        #[inline]
        pub(crate) const fn new() -> Buffer {
            Buffer([0; super::MAX_INTEGER_TEXT])
        }
    }

    /// The hidden half of [`Key`](super::Key): in a private module, so
    /// that no other crate can implement it or call it.
    pub trait Sealed {
        /// The key's text: its own bytes, or written into `buffer`.
        fn text<'a>(&'a self, buffer: &'a mut Buffer) -> &'a [u8];
    }
}

/// The text of `key`: the bytes that are hashed and compared with `allow`.
#[inline]
pub(crate) fn text<'a, K: Key + ?Sized>(key: &'a K, buffer: &'a mut Buffer) -> &'a [u8] {
    key.text(buffer)
}

impl Key for str {}
impl sealed::Sealed for str {
    #[inline]
    fn text<'a>(&'a self, _: &'a mut Buffer) -> &'a [u8] {
        self.as_bytes()
    }
}

impl Key for String {}
impl sealed::Sealed for String {
    #[inline]
    fn text<'a>(&'a self, _: &'a mut Buffer) -> &'a [u8] {
        self.as_bytes()
    }
}

/// `Key` for the types that hold or point to a key, `K`'s text being theirs.
macro_rules! pointer {
    ($($ty:ty),*) => {$(
        impl<K: Key + ?Sized> Key for $ty {}
        impl<K: Key + ?Sized> sealed::Sealed for $ty {
            #[inline]
            fn text<'a>(&'a self, buffer: &'a mut Buffer) -> &'a [u8] {
                (**self).text(buffer)
            }
        }
    )*};
}

pointer!(&K, &mut K, Box<K>, Rc<K>, Arc<K>);

impl<K: Key + ToOwned + ?Sized> Key for Cow<'_, K> {}
impl<K: Key + ToOwned + ?Sized> sealed::Sealed for Cow<'_, K> {
    #[inline]
    fn text<'a>(&'a self, buffer: &'a mut Buffer) -> &'a [u8] {
        (**self).text(buffer)
    }
}

/// `Key` for integer types and their `NonZero`: `$write` writes the value,
/// widened losslessly to `$wide`, at the end of the buffer.
macro_rules! integer {
    ($write:ident, $wide:ty: $($ty:ty),*) => {$(
        impl Key for $ty {}
        impl sealed::Sealed for $ty {
            #[inline]
            fn text<'a>(&'a self, buffer: &'a mut Buffer) -> &'a [u8] {
                // Lossless: `$wide` holds every `$ty` (`usize` and `isize`
                // are at most 64 bits on every target Rust has).
                let start = $write(&mut buffer.0, *self as $wide);
                &buffer.0[start..]
            }
        }
        impl Key for NonZero<$ty> {}
        impl sealed::Sealed for NonZero<$ty> {
            #[inline]
            fn text<'a>(&'a self, buffer: &'a mut Buffer) -> &'a [u8] {
                // Lossless, as above.
                let start = $write(&mut buffer.0, self.get() as $wide);
                &buffer.0[start..]
            }
        }
    )*};
}

integer!(write_unsigned, u64: u8, u16, u32, u64, usize);
integer!(write_signed, i64: i8, i16, i32, i64, isize);
integer!(write_u128, u128: u128);
integer!(write_i128, i128: i128);

/// "00" to "99": two digits per division, as `itoa` and `core::fmt` do.
const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// The digits of each chunk of a `u128` but its first.
const CHUNK_DIGITS: usize = 19;
/// 10^19: the largest power of ten below `u64::MAX`, the chunk `u128`s are
/// written in.
const TEN_TO_19: u64 = 10_000_000_000_000_000_000;

type Digits = [u8; MAX_INTEGER_TEXT];

/// Writes the decimal text of `n` so that it ends before `end`, and returns
/// where it starts. The callers leave room: 20 digits at most.
///
/// Eight digits per 64-bit division, then four, then two, each chunk's
/// digits from 32-bit arithmetic that does not wait on the next chunk's:
/// a 19-digit id takes three dependent divisions instead of ten.
fn write_u64(buffer: &mut Digits, end: usize, mut n: u64) -> usize {
    let mut at = end;
    while n >= 100_000_000 {
        // Below 10^8: fits a u32.
        let chunk = (n % 100_000_000) as u32;
        n /= 100_000_000;
        at -= 8;
        // One 8-byte store: the hash reads these bytes right after, and a
        // read that spans several small stores waits for them to retire.
        let digits = eight_digits(chunk);
        buffer[at..at + 8].copy_from_slice(&digits.to_le_bytes());
    }
    // Below 10^8 now: fits a u32.
    let mut n = n as u32;
    while n >= 10_000 {
        at -= 4;
        write_4(buffer, at, n % 10_000);
        n /= 10_000;
    }
    if n >= 100 {
        at -= 2;
        write_2(buffer, at, n % 100);
        n /= 100;
    }
    if n >= 10 {
        at -= 2;
        write_2(buffer, at, n);
    } else {
        at -= 1;
        // n < 10: a digit.
        buffer[at] = b'0' + n as u8;
    }
    at
}

/// The eight digits of `n` (below 10^8, leading zeros kept) as the bytes
/// of a little-endian `u64`, built in registers.
#[inline]
fn eight_digits(n: u32) -> u64 {
    let pair = |p: u32| {
        // p < 100, so the pair is in `PAIRS`.
        let at = p as usize * 2;
        u64::from(u16::from_le_bytes([PAIRS[at], PAIRS[at + 1]]))
    };
    let (high, low) = (n / 10_000, n % 10_000);
    pair(high / 100) | pair(high % 100) << 16 | pair(low / 100) << 32 | pair(low % 100) << 48
}

/// Writes `n` (below 10 000) as four digits at `at`, leading zeros kept.
#[inline]
fn write_4(buffer: &mut Digits, at: usize, n: u32) {
    write_2(buffer, at, n / 100);
    write_2(buffer, at + 2, n % 100);
}

/// Writes `n` (below 100) as two digits at `at`.
#[inline]
fn write_2(buffer: &mut Digits, at: usize, n: u32) {
    // n < 100, so the pair is in `PAIRS`.
    let pair = n as usize * 2;
    buffer[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
}

/// The decimal text of `n` at the end of the buffer; returns where it starts.
fn write_unsigned(buffer: &mut Digits, n: u64) -> usize {
    write_u64(buffer, MAX_INTEGER_TEXT, n)
}

/// [`write_unsigned`] of `n`'s magnitude, after a `-` if it is negative.
fn write_signed(buffer: &mut Digits, n: i64) -> usize {
    let mut start = write_unsigned(buffer, n.unsigned_abs());
    if n < 0 {
        // 20 digits at most, at the end of 40 bytes: the byte before is there.
        start -= 1;
        buffer[start] = b'-';
    }
    start
}

/// [`write_u128`] of `n`'s magnitude, after a `-` if it is negative.
fn write_i128(buffer: &mut Digits, n: i128) -> usize {
    let mut start = write_u128(buffer, n.unsigned_abs());
    if n < 0 {
        // `write_u128` leaves the first byte free.
        start -= 1;
        buffer[start] = b'-';
    }
    start
}

/// The decimal text of `n` at the end of the buffer, leaving its first byte
/// free (39 digits at most); returns where it starts. Written in chunks of
/// 19 digits, so that a `u128` that fits a `u64` costs no 128-bit division.
fn write_u128(buffer: &mut Digits, mut n: u128) -> usize {
    let mut end = MAX_INTEGER_TEXT;
    while n > u128::from(u64::MAX) {
        // The remainder is below 10^19, so it fits a u64.
        let chunk = (n % u128::from(TEN_TO_19)) as u64;
        n /= u128::from(TEN_TO_19);
        let start = write_u64(buffer, end, chunk);
        // The chunk is not the first digits: zeros up to 19 digits.
        let chunk_start = end - CHUNK_DIGITS;
        buffer[chunk_start..start].fill(b'0');
        end = chunk_start;
    }
    // At most two chunks: after one, `end` is 21 and n has at most 20
    // digits; after two, `end` is 2 and n ≤ 3 (u128::MAX < 4 × 10^38).
    // Lossless: the loop left n ≤ u64::MAX.
    write_u64(buffer, end, n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of<K: Key>(key: K) -> String {
        let mut buffer = Buffer::new();
        String::from_utf8(text(&key, &mut buffer).to_vec()).unwrap()
    }

    /// splitmix64, so every run checks the same numbers.
    fn numbers() -> impl Iterator<Item = u64> {
        let mut state = 7u64;
        std::iter::repeat_with(move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
    }

    /// Every power of ten and its neighbours, the limits, and random values
    /// of every width: each integer type's text is its `Display`.
    #[test]
    // `try_from` of a type into itself cannot fail: the macro tries all.
    #[allow(irrefutable_let_patterns)]
    fn an_integer_key_is_its_decimal_text() {
        let mut values: Vec<u128> = vec![0, 1, 9, 10, 11, 99, 100, 101, u128::MAX];
        let mut power = 1u128;
        while let Some(next) = power.checked_mul(10) {
            values.extend([next - 1, next, next + 1]);
            power = next;
        }
        let random: Vec<u64> = numbers().take(20_000).collect();
        for pair in random.chunks(2) {
            values.push(u128::from(pair[0]) << 64 | u128::from(pair[1]));
            values.push(u128::from(pair[0]));
            for bits in [8, 16, 32] {
                values.push(u128::from(pair[1] >> (64 - bits)));
            }
        }
        for &v in &values {
            assert_eq!(text_of(v), v.to_string());
            let s = v as i128;
            assert_eq!(text_of(s), s.to_string());
            assert_eq!(text_of(s.wrapping_neg()), s.wrapping_neg().to_string());
            macro_rules! each {
                ($($ty:ty),*) => {$(
                    if let Ok(n) = <$ty>::try_from(v) {
                        assert_eq!(text_of(n), n.to_string(), "{}", stringify!($ty));
                        assert_eq!(text_of(&n), n.to_string());
                        if let Some(n) = NonZero::new(n) {
                            assert_eq!(text_of(n), n.to_string());
                        }
                    }
                    if let Ok(n) = <$ty>::try_from(s.wrapping_neg()) {
                        assert_eq!(text_of(n), n.to_string(), "{}", stringify!($ty));
                        if let Some(n) = NonZero::new(n) {
                            assert_eq!(text_of(n), n.to_string());
                        }
                    }
                )*};
            }
            each!(
                u8, u16, u32, u64, usize, u128, i8, i16, i32, i64, isize, i128
            );
        }
        assert_eq!(
            text_of(i128::MIN),
            "-170141183460469231731687303715884105728"
        );
        assert_eq!(text_of(i64::MIN), "-9223372036854775808");
        assert_eq!(text_of(i8::MIN), "-128");
        assert_eq!(text_of(u64::MAX), "18446744073709551615");
        assert_eq!(
            text_of(u128::MAX),
            "340282366920938463463374607431768211455"
        );
        assert_eq!(text_of(u128::MAX).len(), MAX_INTEGER_TEXT - 1);
        assert_eq!(text_of(i128::MIN).len(), MAX_INTEGER_TEXT);
    }

    #[test]
    // The references are what is tested: the `&K` and `&mut K` impls.
    #[allow(clippy::needless_borrows_for_generic_args)]
    fn a_string_key_is_its_own_bytes_behind_any_pointer() {
        let s = String::from("user-1");
        assert_eq!(text_of("user-1"), "user-1");
        assert_eq!(text_of(&s), "user-1");
        assert_eq!(text_of(&&s), "user-1");
        assert_eq!(text_of(s.clone()), "user-1");
        assert_eq!(text_of(Box::<str>::from("user-1")), "user-1");
        assert_eq!(text_of(Arc::<str>::from("user-1")), "user-1");
        assert_eq!(text_of(Rc::<str>::from("user-1")), "user-1");
        assert_eq!(text_of(Cow::Borrowed("user-1")), "user-1");
        assert_eq!(text_of(Cow::<str>::Owned(s.clone())), "user-1");
        assert_eq!(text_of(&mut String::from("user-1")), "user-1");
        assert_eq!(text_of(Box::new(42u32)), "42");
        assert_eq!(text_of(""), "");
    }
}
