//! Bucketing keys into weighted variants, bit for bit like flagd's
//! `fractional` operator, so that a Rust service and a JavaScript or
//! Python service reading the same rollout give the same key the same
//! answer.
//!
//! flagd hashes a *bucketing value* with MurmurHash3 x86 32-bit, seed 0, and
//! turns the hash into a bucket in `0..total_weight` with
//! `bucket = (hash * total_weight) >> 32`; the first variant whose cumulative
//! weight exceeds the bucket wins. The schemes differ in what is hashed:
//!
//! - [`Bucketing::FlagdV2`] (npm `@openfeature/flagd-core` 4.x): the UTF-8
//!   bytes of a string, by default `flag_key + targeting_key`.
//! - [`Bucketing::FlagdV3`] (PyPI `openfeature-flagd-core` 2.x): the canonical
//!   CBOR encoding (RFC 8949 §4.2.1, deterministic) of a value, by default
//!   the array `[flag_key, targeting_key]` of two text strings.
//!
//! flagd's legacy v1 scheme (a float ratio of the signed hash, bucketed into
//! whole percents) is not implemented: it cannot express a rollout finer
//! than 1 %, and its float steps differ between evaluators.
//!
//! Everything here is pure: no I/O, no allocation (values are hashed in
//! pieces or gathered in a stack buffer), no panic. The general rule
//! (`variant`, `in_rollout`, `hash_v2`, `hash_v3`) is compiled for the
//! tests only: they hold the fast paths a check uses ([`bucket_of`],
//! [`default_hash`], [`release_hash`], [`KeyHasher`]) equal to it and to
//! flagd's published vectors.
//!
//! Two differences with the evaluators are the caller's to handle: flagd
//! refuses an empty targeting key under the default bucketing value (the
//! flag then takes its default variant), where the hash here takes it like
//! any key (`ToggleInfo` treats an empty key as no key); and the npm evaluator 4.0.1 does not hash UTF-8 bytes: its
//! `imurmurhash` 0.1.4 reads a JavaScript string's UTF-16 code units, one
//! per "byte" but with all 16 bits mixed in. It agrees with UTF-8 (flagd's
//! definition of v2, and this module) on ASCII only: a cross-check found all
//! 4 800 ASCII decisions equal and 66 of 240 non-ASCII ones different.

/// How keys are bucketed for rollouts: which of flagd's `fractional`
/// schemes a file follows, stated in it as `bucketing = "flagd-v3"` (the
/// default) or `bucketing = "flagd-v2"`.
///
/// Both hash a bucketing value with MurmurHash3 (x86, 32 bits, seed 0) and
/// take `bucket = (hash * 10_000) >> 32`; a key is inside a rollout of `p`
/// percent when its bucket is below `p * 100`. They differ in the value
/// hashed, so **changing the scheme moves keys between buckets**: a user
/// inside a 10 % rollout under one scheme is, nine times in ten, outside
/// it under the other.
///
/// | | value hashed for toggle `T`, key `K` | same answers as |
/// |---|---|---|
/// | `FlagdV3` | canonical CBOR of the array `[T, K]` | flagd's newest test vectors; PyPI `openfeature-flagd-core` 2.x |
/// | `FlagdV2` | UTF-8 bytes of `T + K` | flagd's v2 vectors; npm `@openfeature/flagd-core` 4.x for ASCII keys |
///
/// A toggle that follows a release's rollout is bucketed by the release
/// instead, so that a key gets all toggles of a release together: the value
/// is then the text `R + K` (v3: its CBOR text string), which flagd
/// computes from `{"cat": [R, {"var": "targetingKey"}]}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Bucketing {
    /// flagd's v2 scheme: MurmurHash3 of the UTF-8 bytes of `flag_key + targeting_key`.
    FlagdV2,
    /// flagd's v3 scheme (the default): MurmurHash3 of the canonical CBOR of
    /// `[flag_key, targeting_key]`.
    #[default]
    FlagdV3,
}

impl Bucketing {
    /// Every scheme, oldest first: the values `bucketing` may have.
    pub const ALL: [Bucketing; 2] = [Bucketing::FlagdV2, Bucketing::FlagdV3];

    /// The spelling in the file: `"flagd-v2"` or `"flagd-v3"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Bucketing::FlagdV2 => "flagd-v2",
            Bucketing::FlagdV3 => "flagd-v3",
        }
    }

    /// The scheme spelled `text` in a file, if there is one.
    pub(crate) fn from_file(text: &str) -> Option<Bucketing> {
        Bucketing::ALL.into_iter().find(|b| b.as_str() == text)
    }
}

impl std::fmt::Display for Bucketing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rollout: the share of keys for which a toggle is on, from 0 to 100 %
/// with two decimals, held exactly as basis points (1 basis point =
/// 0.01 %), `0..=10_000`.
///
/// `Display` writes the percent as the file does, without trailing zeros:
/// `12.5%`, `0.01%`, `100%`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rollout(u16);

impl Rollout {
    /// 100 %, in basis points: the total weight of a rollout's two variants.
    pub const FULL_BASIS_POINTS: u16 = 10_000;

    /// The rollout of `basis_points` hundredths of a percent (`3333` is
    /// 33.33 %), or `None` above 10 000.
    pub const fn from_basis_points(basis_points: u16) -> Option<Self> {
        if basis_points <= Self::FULL_BASIS_POINTS {
            Some(Self(basis_points))
        } else {
            None
        }
    }

    /// The rollout of a percent written in decimal digits, as the file and
    /// the `toggles` command take it: `10`, `12.5`, `0.01`, from 0 to 100
    /// and a whole number of hundredths. The rule is on the digits, never on
    /// a float they round to: `12.345` and `12.340000000000000001` are
    /// `None`, `12.50` is 12.5 % (zeros after the second decimal change
    /// nothing). No sign, exponent, `_` or `%`.
    ///
    /// ```
    /// use toggles::Rollout;
    /// assert_eq!(Rollout::from_percent("12.5").map(Rollout::basis_points), Some(1_250));
    /// assert_eq!(Rollout::from_percent("12.340000000000000001"), None);
    /// assert_eq!(Rollout::from_percent("1e1"), None);
    /// ```
    pub fn from_percent(digits: &str) -> Option<Self> {
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
        let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !is_digits(whole) || !is_digits(fraction) {
            return None;
        }
        // At most `100`: longer digits (after leading zeros) are out of range.
        let whole = whole.trim_start_matches('0');
        if whole.len() > 3 {
            return None;
        }
        let whole = whole
            .bytes()
            .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
        let (hundredths, beyond) = fraction.split_at(fraction.len().min(2));
        if beyond.bytes().any(|b| b != b'0') {
            return None;
        }
        let hundredths = hundredths
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(2)
            .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
        Self::from_basis_points(whole.checked_mul(100)?.checked_add(hundredths)?)
    }

    /// The share in basis points, `0..=10_000`.
    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// The percent's digits as the file writes them, without `%`: the
    /// fewest that say it exactly (`12.5`, `33.33`, `0.01`, `100`), which
    /// [`from_percent`](Self::from_percent) reads back. The text of a TOML
    /// literal for it (`rollout = 12.5`).
    ///
    /// ```
    /// use toggles::Rollout;
    /// let third = Rollout::from_basis_points(3_333).unwrap();
    /// assert_eq!(third.digits().to_string(), "33.33");
    /// assert_eq!(third.to_string(), "33.33%");
    /// ```
    pub fn digits(self) -> impl std::fmt::Display + Copy {
        Digits(self.0)
    }

    /// The percent, if it is a whole number (`Some(12)` for 12 %, `None`
    /// for 12.5 %): the integer a TOML file or JSON writes for it, where a
    /// rollout with decimals is the float [`percent`](Self::percent).
    pub const fn whole_percent(self) -> Option<u8> {
        if self.0.is_multiple_of(100) {
            Some((self.0 / 100) as u8)
        } else {
            None
        }
    }

    /// The percent as a float (`12.5`): the nearest `f64` to the exact
    /// percent, whose shortest text (`{}`) is its [`digits`](Self::digits).
    pub fn percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// Whether this is 100 %: every key, and the state of a check without a key.
    pub const fn is_full(self) -> bool {
        self.0 == Self::FULL_BASIS_POINTS
    }

    /// Whether a key whose bucketing value hashes to `hash` is inside: what
    /// flagd answers for `{"fractional": [VALUE, ["on", bp], ["off",
    /// 10000 - bp]]}`, for any bucketing value (see `in_rollout` for the
    /// default one).
    #[cfg(test)] // flagd's general rule: the tests check the fast path against it
    pub(crate) fn contains(self, hash: u32) -> bool {
        let on = u32::from(self.0);
        // Cannot wrap: `from_basis_points` keeps `on` at most 10 000.
        let off = u32::from(Self::FULL_BASIS_POINTS) - on;
        variant(hash, &[on, off]) == Some(0)
    }
}

/// `12.5%`: the percent's [digits](Rollout::digits), then `%`.
impl std::fmt::Display for Rollout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}%", Digits(self.0))
    }
}

/// A percent's digits as the file writes them: the fewest that say it
/// exactly (`12.5`, `0.01`, `100`).
#[derive(Clone, Copy)]
struct Digits(u16);

impl std::fmt::Display for Digits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, hundredths) = (self.0 / 100, self.0 % 100);
        match hundredths {
            0 => write!(f, "{whole}"),
            h if h % 10 == 0 => write!(f, "{whole}.{}", h / 10),
            h => write!(f, "{whole}.{h:02}"),
        }
    }
}

/// A percent as a person types it: [`Rollout::from_percent`]'s digits,
/// with spaces around them and a `%` after them allowed (`12.5`, ` 12.5 %`);
/// the rule of the `toggles rollout` command.
///
/// ```
/// use toggles::Rollout;
/// let rollout: Rollout = "12.5%".parse()?;
/// assert_eq!(rollout.basis_points(), 1_250);
/// assert_eq!(rollout.to_string().parse::<Rollout>()?, rollout);
/// assert!("12.345".parse::<Rollout>().is_err());
/// # Ok::<(), toggles::ParseRolloutError>(())
/// ```
impl std::str::FromStr for Rollout {
    type Err = ParseRolloutError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let text = value.trim();
        let text = text.strip_suffix('%').unwrap_or(text).trim_end();
        Rollout::from_percent(text).ok_or_else(|| ParseRolloutError { text: value.into() })
    }
}

/// Text that is not a percent from 0 to 100 with at most two decimals
/// (see [`Rollout`]'s `FromStr`). `Display` says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseRolloutError {
    text: Box<str>,
}

impl std::fmt::Display for ParseRolloutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not a percent from 0 to 100 with at most two decimals: \
             write the share of keys that get it, like 10 or 12.5",
            self.text
        )
    }
}

impl std::error::Error for ParseRolloutError {}

/// Where a key falls among 10 000 buckets, `0..10_000`, given the hash of
/// its bucketing value: inside a rollout of `bp` basis points exactly when
/// below `bp`.
pub(crate) fn bucket_of(hash: u32) -> u16 {
    // hash < 2^32, so the product < 2^46 and the result < 10 000: fits.
    ((u64::from(hash) * u64::from(Rollout::FULL_BASIS_POINTS)) >> 32) as u16
}

/// The hash of a release's bucketing value for a key: the text
/// `release + key`, as flagd's `{"cat": [release, {"var": "targetingKey"}]}`
/// computes it (v2: its UTF-8 bytes; v3: its CBOR text string). Hashed in
/// pieces, without building the text.
pub(crate) fn release_hash(bucketing: Bucketing, release: &str, key: &[u8]) -> u32 {
    match bucketing {
        Bucketing::FlagdV2 => hash_concat(&[release.as_bytes(), key]),
        Bucketing::FlagdV3 => {
            let (head, len) = cbor_head(MAJOR_TEXT, release.len().saturating_add(key.len()));
            hash_concat(&[&head[..len], release.as_bytes(), key])
        }
    }
}

/// The hash of a table's bucketing value for any key, with the part
/// before the key hashed once, when the file is loaded: the toggle's name
/// (and CBOR heads) for its own rollout, the release's name for a
/// release's. A keyed check then hashes only the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyHasher {
    /// The hasher's state after the fixed part; the key follows (as a CBOR
    /// text, head first, for v3's `[flag, key]`).
    Prefix { prefix: Murmur3, cbor_key: bool },
    /// A v3 release: its value, the CBOR text `release + key`, starts with
    /// a head that holds the text's length, so the state after the head and
    /// the release's name is kept for each key length from 1 to
    /// [`RELEASE_KEY_LENGTHS`] (index `length - 1`); longer keys are hashed
    /// whole.
    ByKeyLength(Box<[Murmur3]>),
}

/// Key lengths a v3 release precomputes its states for: ids, UUIDs and
/// e-mail addresses fit; each length costs 16 bytes per release rollout.
pub(crate) const RELEASE_KEY_LENGTHS: usize = 64;

impl KeyHasher {
    /// For a toggle's own rollout: [`default_hash`] of `flag` and a key.
    pub(crate) fn own(bucketing: Bucketing, flag: &str) -> KeyHasher {
        let mut prefix = Murmur3::new(0);
        match bucketing {
            Bucketing::FlagdV2 => prefix.write(flag.as_bytes()),
            Bucketing::FlagdV3 => {
                let (array, array_len) = cbor_head(MAJOR_ARRAY, 2);
                let (text, text_len) = cbor_head(MAJOR_TEXT, flag.len());
                prefix.write(&array[..array_len]);
                prefix.write(&text[..text_len]);
                prefix.write(flag.as_bytes());
            }
        }
        KeyHasher::Prefix {
            prefix,
            cbor_key: bucketing == Bucketing::FlagdV3,
        }
    }

    /// For a release's rollout: [`release_hash`] of `release` and a key.
    pub(crate) fn release(bucketing: Bucketing, release: &str) -> KeyHasher {
        match bucketing {
            Bucketing::FlagdV2 => KeyHasher::own(bucketing, release),
            Bucketing::FlagdV3 => KeyHasher::ByKeyLength(
                (1..=RELEASE_KEY_LENGTHS)
                    .map(|key_len| {
                        let mut prefix = Murmur3::new(0);
                        let total = release.len().saturating_add(key_len);
                        let (head, head_len) = cbor_head(MAJOR_TEXT, total);
                        prefix.write(&head[..head_len]);
                        prefix.write(release.as_bytes());
                        prefix
                    })
                    .collect(),
            ),
        }
    }

    /// The hash of the bucketing value for `key` (a key's text, see
    /// [`Key`](crate::key::Key)); `None` for a key this
    /// hasher has no state for (empty, or longer than
    /// [`RELEASE_KEY_LENGTHS`] for a v3 release): hash the whole value.
    #[inline]
    pub(crate) fn hash(&self, key: &[u8]) -> Option<u32> {
        let mut hasher = match self {
            KeyHasher::Prefix { prefix, cbor_key } => {
                let mut hasher = prefix.clone();
                if *cbor_key {
                    let (head, len) = cbor_head(MAJOR_TEXT, key.len());
                    hasher.write(&head[..len]);
                }
                hasher
            }
            KeyHasher::ByKeyLength(prefixes) => prefixes.get(key.len().wrapping_sub(1))?.clone(),
        };
        hasher.write(key);
        Some(hasher.finish())
    }
}

/// How many bytes [`hash_concat`] gathers on the stack before hashing
/// them in one pass: a flag name, a key and CBOR heads of usual lengths.
const GATHER: usize = 160;

/// MurmurHash3 (seed 0) of the concatenation of `parts`. Up to [`GATHER`]
/// bytes are copied into a stack buffer and hashed in one pass of whole
/// blocks (a keyed check's usual case: several times faster than feeding
/// five short, unaligned pieces to the streaming hasher); longer input is
/// streamed. Same result either way.
#[inline]
fn hash_concat(parts: &[&[u8]]) -> u32 {
    let total = parts
        .iter()
        .fold(0usize, |sum, part| sum.saturating_add(part.len()));
    let mut hasher = Murmur3::new(0);
    if total <= GATHER {
        let mut buffer = [0u8; GATHER];
        let mut end = 0;
        for part in parts {
            // In bounds: the parts add up to `total` ≤ GATHER.
            buffer[end..end + part.len()].copy_from_slice(part);
            end += part.len();
        }
        hasher.write(&buffer[..end]);
    } else {
        for part in parts {
            hasher.write(part);
        }
    }
    hasher.finish()
}

/// Whether `targeting_key` is inside `rollout` of the flag `flag_key`.
///
/// This is what flagd answers for
/// `{"fractional": [["on", bp], ["off", 10000 - bp]]}` with the scheme's
/// default bucketing value: the key is on exactly when its bucket in
/// `0..10_000` is below the rollout's basis points. So a key inside a
/// rollout stays inside every larger one, 0 % is no key and 100 % every key.
#[cfg(test)] // flagd's general rule: the tests check the fast path against it
pub(crate) fn in_rollout(
    scheme: Bucketing,
    flag_key: &str,
    targeting_key: &str,
    rollout: Rollout,
) -> bool {
    rollout.contains(default_hash(scheme, flag_key, targeting_key.as_bytes()))
}

/// The hash of the scheme's default bucketing value for a flag and a key:
/// `flag_key + targeting_key` (v2) or `[flag_key, targeting_key]` (v3).
pub(crate) fn default_hash(scheme: Bucketing, flag_key: &str, targeting_key: &[u8]) -> u32 {
    match scheme {
        Bucketing::FlagdV2 => hash_concat(&[flag_key.as_bytes(), targeting_key]),
        Bucketing::FlagdV3 => {
            // The canonical CBOR of `[flag_key, targeting_key]`, as
            // `write_cbor` of that array writes it: the array's head, then
            // each text's head and bytes.
            let (array, array_len) = cbor_head(MAJOR_ARRAY, 2);
            let (flag, flag_len) = cbor_head(MAJOR_TEXT, flag_key.len());
            let (key, key_len) = cbor_head(MAJOR_TEXT, targeting_key.len());
            hash_concat(&[
                &array[..array_len],
                &flag[..flag_len],
                flag_key.as_bytes(),
                &key[..key_len],
                targeting_key,
            ])
        }
    }
}

/// The v2 hash of any bucketing string (for a custom bucketing expression,
/// such as a `cat`): MurmurHash3, seed 0, of its UTF-8 bytes.
#[cfg(test)] // flagd's general rule: the tests check the fast path against it
pub(crate) fn hash_v2(bucketing: &str) -> u32 {
    murmur3_x86_32(bucketing.as_bytes(), 0)
}

/// The v3 hash of any bucketing value: MurmurHash3, seed 0, of its canonical
/// CBOR encoding.
#[cfg(test)] // flagd's general rule: the tests check the fast path against it
pub(crate) fn hash_v3(bucketing: &Value<'_>) -> u32 {
    let mut hasher = Murmur3::new(0);
    write_cbor(&mut hasher, bucketing);
    hasher.finish()
}

/// The largest total weight flagd accepts (`i32::MAX`, in every evaluator):
/// a larger sum makes `fractional` return null.
#[cfg(test)] // flagd's general rule: the tests check the fast path against it
pub(crate) const MAX_TOTAL_WEIGHT: u64 = 2_147_483_647;

/// Which of the weighted variants, in order, a hash falls in: the index of
/// the first variant whose cumulative weight exceeds
/// `bucket = (hash * total) >> 32`, as flagd computes it.
///
/// `None` where flagd's `fractional` returns null: a total weight of 0 (no
/// variants, or all weights 0) or above `MAX_TOTAL_WEIGHT`. flagd clamps
/// negative weights to 0 and gives a variant without a weight the weight 1;
/// callers translating a flagd definition do the same.
#[cfg(test)] // flagd's general rule: the tests check the fast path against it
pub(crate) fn variant(hash: u32, weights: &[u32]) -> Option<usize> {
    // The sum is checked at each step, so before an addition it is at most
    // `MAX_TOTAL_WEIGHT` < 2^31, and after it < 2^31 + 2^32: never wraps.
    let mut total: u64 = 0;
    for &weight in weights {
        total += u64::from(weight);
        if total > MAX_TOTAL_WEIGHT {
            return None;
        }
    }
    if total == 0 {
        return None;
    }
    // `u64`: hash < 2^32 and total < 2^31, so the product is < 2^63 and
    // exact (flagd computes it with BigInt in JavaScript and arbitrary-size
    // ints in Python). After the shift, bucket < total.
    let bucket = (u64::from(hash) * total) >> 32;
    // Cumulative sums never exceed `total`, checked above: no wrap.
    let mut end: u64 = 0;
    for (index, &weight) in weights.iter().enumerate() {
        end += u64::from(weight);
        if bucket < end {
            return Some(index);
        }
    }
    // Unreachable (bucket < total = the last `end`), but not worth a panic.
    None
}

/// A bucketing value, as far as the v3 scheme needs one: flagd's bucketing
/// values are text (a targeting key, a `cat`) or arrays of them (the
/// default `[flag_key, targeting_key]`). Numbers, booleans and maps are not
/// supported.
#[cfg(test)] // flagd's general rule: the tests check the fast path against it
#[derive(Clone, Copy, Debug)]
pub(crate) enum Value<'a> {
    /// A CBOR text string (major type 3).
    Text(&'a str),
    /// A CBOR array (major type 4) of definite length.
    Array(&'a [Value<'a>]),
}

/// CBOR major type 3: a UTF-8 text string.
const MAJOR_TEXT: u8 = 3;
/// CBOR major type 4: an array.
const MAJOR_ARRAY: u8 = 4;

/// Feeds the canonical CBOR encoding of `value` to `hasher`. Canonical
/// (RFC 8949 §4.2.1) for these types means: definite lengths, each in the
/// shortest head that holds it. (The recursion is as deep as the value the
/// caller built.)
#[cfg(test)] // as `Value`
fn write_cbor(hasher: &mut Murmur3, value: &Value<'_>) {
    match *value {
        Value::Text(text) => {
            let (head, len) = cbor_head(MAJOR_TEXT, text.len());
            hasher.write(&head[..len]);
            hasher.write(text.as_bytes());
        }
        Value::Array(items) => {
            let (head, len) = cbor_head(MAJOR_ARRAY, items.len());
            hasher.write(&head[..len]);
            for item in items {
                write_cbor(hasher, item);
            }
        }
    }
}

/// The shortest CBOR head for a major type and a length (RFC 8949 §3): the
/// bytes, and how many of the 9 are used. The length is in the first byte
/// below 24, else in the 1, 2, 4 or 8 big-endian bytes after it (additional
/// information 24, 25, 26, 27).
#[inline]
fn cbor_head(major: u8, len: usize) -> ([u8; 9], usize) {
    let first = major << 5; // major < 8: the shift keeps every bit
    let mut head = [0; 9];
    // Each `try_from` picks the narrowest width; none truncates.
    if let Ok(n) = u8::try_from(len) {
        if n < 24 {
            head[0] = first | n;
            return (head, 1);
        }
        head[0] = first | 24;
        head[1] = n;
        (head, 2)
    } else if let Ok(n) = u16::try_from(len) {
        head[0] = first | 25;
        head[1..3].copy_from_slice(&n.to_be_bytes());
        (head, 3)
    } else if let Ok(n) = u32::try_from(len) {
        head[0] = first | 26;
        head[1..5].copy_from_slice(&n.to_be_bytes());
        (head, 5)
    } else {
        // `usize` is at most 64 bits on every target Rust supports; were it
        // wider, the saturated length would still never be reached by a
        // real slice.
        let n = u64::try_from(len).unwrap_or(u64::MAX);
        head[0] = first | 27;
        head[1..9].copy_from_slice(&n.to_be_bytes());
        (head, 9)
    }
}

/// MurmurHash3 x86 32-bit of `bytes` in one call.
#[cfg(test)] // flagd's general rule: the tests check the fast path against it
pub(crate) fn murmur3_x86_32(bytes: &[u8], seed: u32) -> u32 {
    let mut hasher = Murmur3::new(seed);
    hasher.write(bytes);
    hasher.finish()
}

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

/// MurmurHash3 x86 32-bit (Austin Appleby, public domain; `MurmurHash3.cpp`
/// of SMHasher), fed in pieces: the hash of several writes is the hash of
/// their concatenation. All arithmetic is on `u32` and wraps, as the
/// reference's `uint32_t` does: `wrapping_*` say so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Murmur3 {
    /// The running state, `h1` in the reference.
    h: u32,
    /// The bytes of an unfinished 4-byte block, little-endian (the first
    /// byte lowest), as the reference reads blocks and the tail.
    pending: u32,
    /// How many bytes `pending` holds: 0 to 3 between writes.
    pending_len: u32,
    /// The total length, modulo 2^32 (wrapping): the reference takes an
    /// `int` length and mixes in its 32 bits, so this equals it for every
    /// input under 2 GiB; evaluators disagree beyond that anyway.
    len: u32,
}

impl Murmur3 {
    /// A hasher with no input yet.
    pub(crate) const fn new(seed: u32) -> Self {
        Self {
            h: seed,
            pending: 0,
            pending_len: 0,
            len: 0,
        }
    }

    /// Mixes `bytes` in after everything written before.
    #[inline]
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        // `as u32` keeps the length modulo 2^32, and the sum wraps: the
        // reference's 32-bit length (see `len`).
        self.len = self.len.wrapping_add(bytes.len() as u32);
        let mut rest = bytes;
        // First complete a block a previous write left unfinished.
        if self.pending_len > 0 {
            while self.pending_len < 4 {
                let Some((&byte, after)) = rest.split_first() else {
                    return;
                };
                self.pending |= u32::from(byte) << (8 * self.pending_len);
                self.pending_len += 1;
                rest = after;
            }
            self.h = mix_block(self.h, self.pending);
            self.pending = 0;
            self.pending_len = 0;
        }
        let (blocks, tail) = rest.as_chunks::<4>();
        for block in blocks {
            self.h = mix_block(self.h, u32::from_le_bytes(*block));
        }
        // At most 3 bytes are left: they wait for the next write or `finish`.
        for &byte in tail {
            self.pending |= u32::from(byte) << (8 * self.pending_len);
            self.pending_len += 1;
        }
    }

    /// The hash of everything written.
    #[inline]
    pub(crate) fn finish(&self) -> u32 {
        let mut h = self.h;
        if self.pending_len > 0 {
            // The tail: scrambled like a block, but not followed by the
            // rotate-multiply-add step.
            h ^= scramble(self.pending);
        }
        h ^= self.len;
        fmix32(h)
    }
}

/// `k1` of the reference: a block scrambled before it is mixed in.
const fn scramble(k: u32) -> u32 {
    k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2)
}

/// One 4-byte block mixed into the state.
const fn mix_block(h: u32, block: u32) -> u32 {
    (h ^ scramble(block))
        .rotate_left(13)
        .wrapping_mul(5)
        .wrapping_add(0xe654_6b64)
}

/// The reference's finalization mix: forces every bit to avalanche.
const fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_is_in_all_and_read_back_from_its_spelling() {
        // A new scheme fails to compile here until it is listed.
        let listed = |b: Bucketing| match b {
            Bucketing::FlagdV2 | Bucketing::FlagdV3 => Bucketing::ALL.contains(&b),
        };
        assert!(listed(Bucketing::FlagdV2) && listed(Bucketing::FlagdV3));
        assert!(Bucketing::ALL.contains(&Bucketing::default()));
        for b in Bucketing::ALL {
            assert_eq!(Bucketing::from_file(b.as_str()), Some(b));
        }
    }

    #[test]
    fn murmur3_known_answers() {
        // Published MurmurHash3_x86_32 test vectors: SMHasher's reference
        // implementation as collected in the answer "MurmurHash3 test
        // vectors" (Ian Boyd, Stack Overflow question 14747343), with the
        // last three (seed 0) from Python's `mmh3.hash(.., signed=False)`,
        // which wraps the same reference code.
        let cases: &[(&[u8], u32, u32)] = &[
            (b"", 0, 0),
            (b"", 1, 0x514e_28b7),
            (b"", 0xffff_ffff, 0x81f1_6f39),
            (&[0, 0, 0, 0], 0, 0x2362_f9de),
            (&[0xff, 0xff, 0xff, 0xff], 0, 0x7629_3b50),
            (&[0x21, 0x43, 0x65, 0x87], 0, 0xf55b_516b),
            (&[0x21, 0x43, 0x65, 0x87], 0x5082_edee, 0x2362_f9de),
            (&[0x21, 0x43, 0x65], 0, 0x7e4a_8634),
            (&[0x21, 0x43], 0, 0xa0f7_b07a),
            (&[0x21], 0, 0x7266_1cf4),
            (&[0, 0, 0], 0, 0x85f0_b427),
            (&[0, 0], 0, 0x30f4_c306),
            (&[0], 0, 0x514e_28b7),
            (b"aaaa", 0x9747_b28c, 0x5a97_808a),
            (b"aaa", 0x9747_b28c, 0x283e_0130),
            (b"aa", 0x9747_b28c, 0x5d21_1726),
            (b"a", 0x9747_b28c, 0x7fa0_9ea6),
            (b"abcd", 0x9747_b28c, 0xf047_8627),
            (b"abc", 0x9747_b28c, 0xc84a_62dd),
            (b"ab", 0x9747_b28c, 0x7487_5592),
            (b"Hello, world!", 0x9747_b28c, 0x2488_4cba),
            (
                b"The quick brown fox jumps over the lazy dog",
                0x9747_b28c,
                0x2fa8_26cd,
            ),
            (b"hello", 0, 0x248b_fa47),
            (b"Hello, world!", 0, 0xc036_3e43),
            (
                b"The quick brown fox jumps over the lazy dog",
                0,
                0x2e4f_f723,
            ),
        ];
        for &(bytes, seed, expected) in cases {
            assert_eq!(
                murmur3_x86_32(bytes, seed),
                expected,
                "{bytes:x?} seed {seed:#x}"
            );
        }
    }

    #[test]
    fn murmur3_in_pieces_is_murmur3_of_the_whole() {
        let text: Vec<u8> = (0u8..=40).collect();
        for len in 0..text.len() {
            let whole = murmur3_x86_32(&text[..len], 7);
            for a in 0..=len {
                for b in a..=len {
                    let mut hasher = Murmur3::new(7);
                    hasher.write(&text[..a]);
                    hasher.write(&text[a..b]);
                    hasher.write(&[]);
                    hasher.write(&text[b..len]);
                    assert_eq!(hasher.finish(), whole, "len {len}, cuts {a} {b}");
                }
            }
        }
    }

    #[test]
    fn cbor_heads_are_the_shortest() {
        // RFC 8949 §3 and appendix A: the length in the first byte below 24,
        // then in 1, 2, 4, 8 bytes.
        let cases: &[(u8, usize, &[u8])] = &[
            (MAJOR_TEXT, 0, &[0x60]),
            (MAJOR_TEXT, 23, &[0x77]),
            (MAJOR_TEXT, 24, &[0x78, 24]),
            (MAJOR_TEXT, 255, &[0x78, 0xff]),
            (MAJOR_TEXT, 256, &[0x79, 0x01, 0x00]),
            (MAJOR_TEXT, 65_535, &[0x79, 0xff, 0xff]),
            (MAJOR_TEXT, 65_536, &[0x7a, 0x00, 0x01, 0x00, 0x00]),
            (MAJOR_ARRAY, 2, &[0x82]),
            (MAJOR_ARRAY, 1000, &[0x99, 0x03, 0xe8]),
        ];
        for &(major, len, expected) in cases {
            let (head, used) = cbor_head(major, len);
            assert_eq!(&head[..used], expected, "major {major}, len {len}");
        }
        #[cfg(target_pointer_width = "64")]
        {
            let (head, used) = cbor_head(MAJOR_TEXT, 1 << 32);
            assert_eq!(&head[..used], &[0x7b, 0, 0, 0, 1, 0, 0, 0, 0]);
        }
    }

    /// The variants of a flag in the vectors, with their weights.
    const SUITS: [(&str, u32); 4] = [
        ("clubs", 25),
        ("diamonds", 25),
        ("hearts", 25),
        ("spades", 25),
    ];

    fn pick<'a>(hash: u32, variants: &[(&'a str, u32)]) -> Option<&'a str> {
        let weights: Vec<u32> = variants.iter().map(|&(_, weight)| weight).collect();
        variant(hash, &weights).map(|index| variants[index].0)
    }

    // The cases below are copied from `shared/reference/
    // flagd-fractional-vectors.json` (flagd-testbed 3.9.0,
    // gherkin/targeting.feature and flags/custom-ops.json): every v2 and v3
    // example. Its v1 examples are not: v1 is not implemented.

    /// `fractional-flag`: bucketing value `cat($flagd.flagKey, user.name)`,
    /// four suits of 25.
    #[test]
    fn vectors_fractional_flag() {
        let v2 = [
            ("jack", "hearts"),
            ("queen", "spades"),
            ("ten", "clubs"),
            ("nine", "diamonds"),
            ("3", "clubs"),
        ];
        let v3 = [
            ("jack", "diamonds"),
            ("queen", "diamonds"),
            ("ten", "clubs"),
            ("nine", "clubs"),
            ("3", "spades"),
        ];
        for (name, expected) in v2 {
            let bucketing = format!("fractional-flag{name}");
            assert_eq!(
                pick(hash_v2(&bucketing), &SUITS),
                Some(expected),
                "v2 {name}"
            );
        }
        for (name, expected) in v3 {
            let bucketing = format!("fractional-flag{name}");
            assert_eq!(
                pick(hash_v3(&Value::Text(&bucketing)), &SUITS),
                Some(expected),
                "v3 {name}"
            );
        }
    }

    /// `fractional-flag-shorthand`: no bucketing value, so the default one;
    /// `[["heads"], ["tails", 1]]`, the missing weight being 1.
    #[test]
    fn vectors_shorthand_uses_the_default_bucketing_value() {
        let flag = "fractional-flag-shorthand";
        let coin = [("heads", 1), ("tails", 1)];
        let v2 = [("jon@company.com", "heads"), ("jane@company.com", "tails")];
        let v3 = [("jon@company.com", "tails"), ("jane@company.com", "tails")];
        for (key, expected) in v2 {
            assert_eq!(
                pick(
                    default_hash(Bucketing::FlagdV2, flag, key.as_bytes()),
                    &coin
                ),
                Some(expected),
                "v2 {key}"
            );
        }
        for (key, expected) in v3 {
            assert_eq!(
                pick(
                    default_hash(Bucketing::FlagdV3, flag, key.as_bytes()),
                    &coin
                ),
                Some(expected),
                "v3 {key}"
            );
        }
    }

    /// `fractional-flag-A-shared-seed` and `-B-shared-seed`: bucketing value
    /// `cat("shared-seed", user.name)`, so both flags bucket a user alike
    /// (B's variants have other values, `ace-of-…`, but the same names).
    #[test]
    fn vectors_shared_seed() {
        let v2 = [
            ("seven", "hearts"),
            ("eight", "diamonds"),
            ("nine", "clubs"),
            ("two", "spades"),
        ];
        let v3 = [
            ("seven", "hearts"),
            ("eight", "hearts"),
            ("nine", "diamonds"),
            ("two", "diamonds"),
        ];
        for (name, expected) in v2 {
            let bucketing = format!("shared-seed{name}");
            assert_eq!(
                pick(hash_v2(&bucketing), &SUITS),
                Some(expected),
                "v2 {name}"
            );
        }
        for (name, expected) in v3 {
            let bucketing = format!("shared-seed{name}");
            assert_eq!(
                pick(hash_v3(&Value::Text(&bucketing)), &SUITS),
                Some(expected),
                "v3 {name}"
            );
        }
    }

    /// `fractional-hash-edge-flag` (v2 only in the file): bucketing value
    /// the targeting key alone, `lower` 50 / `upper` 50. The keys are chosen
    /// to hash to 0, 1, 2^31 − 1, 2^31 and 2^32 − 1 (checked here): the
    /// hash must be read as unsigned, and the bucket must round down.
    #[test]
    fn vectors_hash_edges() {
        let halves = [("lower", 50), ("upper", 50)];
        let cases = [
            ("ejOoVL", 0, "lower"),
            ("bY9fO-", 1, "lower"),
            ("SI7p-", 0x7fff_ffff, "lower"),
            ("6LvT0", 0x8000_0000, "upper"),
            ("ceQdGm", 0xffff_ffff, "upper"),
        ];
        for (key, hash, expected) in cases {
            assert_eq!(hash_v2(key), hash, "{key}");
            assert_eq!(pick(hash_v2(key), &halves), Some(expected), "{key}");
        }
    }

    #[test]
    fn default_bucketing_values_edge_cases() {
        // Expected hashes from Python's `mmh3.hash(b, signed=False)` of
        // `(flag + key).encode()` (v2) and of `cbor2.dumps([flag, key],
        // canonical=True)` (v3; `cbor2.dumps(key, ...)` for the text alone).
        // Key lengths cross each CBOR length-head boundary.
        let cases: [(usize, u32, u32, u32); 8] = [
            (0, 0x0dec_588c, 0x4e14_b814, 0x276e_becf),
            (1, 0xdb1e_6d8e, 0xcca4_50c8, 0xd7d5_160f),
            (23, 0x8593_c97d, 0x75bf_7b2e, 0x1a4d_83bc),
            (24, 0x5421_47f9, 0xbc77_1b54, 0x02a8_1256),
            (255, 0x3ca2_d975, 0xb35d_901b, 0xb040_8c9e),
            (256, 0x0ec6_1f63, 0x764e_cd72, 0x9ab0_c178),
            (65_535, 0x8943_7113, 0x2935_c1ba, 0x53f0_d353),
            (65_536, 0x18a5_e715, 0xa483_20a0, 0x0fc2_420c),
        ];
        for (len, v2, v3, v3_text) in cases {
            let key = "k".repeat(len);
            assert_eq!(
                default_hash(Bucketing::FlagdV2, "flag", key.as_bytes()),
                v2,
                "v2, {len}"
            );
            assert_eq!(hash_v2(&format!("flag{key}")), v2, "v2 string, {len}");
            assert_eq!(
                default_hash(Bucketing::FlagdV3, "flag", key.as_bytes()),
                v3,
                "v3, {len}"
            );
            let array = [Value::Text("flag"), Value::Text(&key)];
            assert_eq!(hash_v3(&Value::Array(&array)), v3, "v3 value, {len}");
            assert_eq!(hash_v3(&Value::Text(&key)), v3_text, "v3 text, {len}");
        }
        // Characters outside ASCII: 14 characters, 25 UTF-8 bytes.
        let key = "ünïcødé-ключ-🔑";
        assert_eq!(
            default_hash(Bucketing::FlagdV2, "flag", key.as_bytes()),
            0x865e_0168
        );
        assert_eq!(
            default_hash(Bucketing::FlagdV3, "flag", key.as_bytes()),
            0xebce_0c64
        );
        assert_eq!(hash_v3(&Value::Text(key)), 0x7193_4860);
        // Everything empty.
        assert_eq!(default_hash(Bucketing::FlagdV2, "", b""), 0);
        assert_eq!(default_hash(Bucketing::FlagdV3, "", b""), 0x8cde_b133);
        assert_eq!(hash_v3(&Value::Text("")), 0x276e_becf);
    }

    #[test]
    fn variant_follows_flagds_bucket_rule() {
        // bucket = (hash * total) >> 32; the first cumulative end above it.
        assert_eq!(variant(0, &[1, 1]), Some(0));
        assert_eq!(variant(0x7fff_ffff, &[1, 1]), Some(0));
        assert_eq!(variant(0x8000_0000, &[1, 1]), Some(1));
        assert_eq!(variant(u32::MAX, &[1, 1]), Some(1));
        // Zero weights are skipped, wherever they are.
        assert_eq!(variant(0, &[0, 3, 0]), Some(1));
        assert_eq!(variant(u32::MAX, &[0, 3, 0]), Some(1));
        // Null in flagd: no weight at all, or too much.
        assert_eq!(variant(0, &[]), None);
        assert_eq!(variant(0, &[0, 0]), None);
        assert_eq!(variant(u32::MAX, &[u32::MAX]), None);
        assert_eq!(variant(0, &[1 << 30, 1 << 30]), None);
        assert_eq!(variant(u32::MAX, &[(1 << 30) - 1, 1 << 30]), Some(1));
        assert_eq!(variant(u32::MAX, &[u32::MAX, u32::MAX, u32::MAX]), None);
    }

    #[test]
    fn bucket_of_is_flagds_rule_for_a_rollout() {
        // `bucket_of(h) < bp` is what `contains` (flagd's general rule with
        // the variants `on`/`off`) says, for hashes across the range and
        // its edges, at every rollout the edges of buckets make interesting.
        let hashes = (0..=u32::MAX).step_by(65_537).chain([u32::MAX, 1, 429_496]);
        for hash in hashes {
            let bucket = bucket_of(hash);
            assert!(bucket < 10_000);
            for bp in [0, 1, bucket, bucket + 1, 5_000, 9_999, 10_000] {
                let rollout = Rollout::from_basis_points(bp).unwrap();
                assert_eq!(bucket < bp, rollout.contains(hash), "{hash} {bp}");
            }
        }
    }

    /// The gathered hashes equal the general rule for lengths around every
    /// CBOR head size and around the stack buffer's size (both paths).
    #[test]
    fn gathered_hashes_equal_the_streamed_general_rule() {
        for flag_len in [0, 1, 23, 24, 60, 255, 256] {
            for key_len in [0, 3, 22, 23, 24, 25, 36, 100, 101, 140, 300] {
                let flag = "f".repeat(flag_len);
                let key = "é".repeat(key_len / 2) + &"k".repeat(key_len % 2);
                let v3 = hash_v3(&Value::Array(&[Value::Text(&flag), Value::Text(&key)]));
                assert_eq!(default_hash(Bucketing::FlagdV3, &flag, key.as_bytes()), v3);
                let v2 = hash_v2(&format!("{flag}{key}"));
                assert_eq!(default_hash(Bucketing::FlagdV2, &flag, key.as_bytes()), v2);
            }
        }
    }

    #[test]
    fn key_hashers_equal_the_whole_value_hashed() {
        for flag_len in [0, 1, 3, 4, 14, 23, 24, 255, 256] {
            for key_len in [0, 1, 2, 3, 5, 23, 24, 25, 36, 200, 300] {
                let flag = "f".repeat(flag_len);
                let key = "é".repeat(key_len / 2) + &"k".repeat(key_len % 2);
                for b in [Bucketing::FlagdV2, Bucketing::FlagdV3] {
                    let own = KeyHasher::own(b, &flag).hash(key.as_bytes());
                    let expected = Some(default_hash(b, &flag, key.as_bytes()));
                    assert_eq!(own, expected, "{b} {flag_len} {key_len}");
                    let release = KeyHasher::release(b, &flag).hash(key.as_bytes());
                    if release.is_some() || b == Bucketing::FlagdV2 {
                        let expected = Some(release_hash(b, &flag, key.as_bytes()));
                        assert_eq!(release, expected, "{b} {flag_len} {key_len}");
                    }
                }
            }
        }
        // A v3 release keeps states for keys of 1 to 64 bytes, across every
        // CBOR head size of the whole text; other keys are hashed whole.
        for release_len in [0, 1, 22, 23, 200, 230, 255, 65_500] {
            let release = "r".repeat(release_len);
            let hasher = KeyHasher::release(Bucketing::FlagdV3, &release);
            for key_len in 0..=RELEASE_KEY_LENGTHS + 1 {
                let key = "k".repeat(key_len);
                let expected = (1..=RELEASE_KEY_LENGTHS)
                    .contains(&key_len)
                    .then(|| release_hash(Bucketing::FlagdV3, &release, key.as_bytes()));
                assert_eq!(
                    hasher.hash(key.as_bytes()),
                    expected,
                    "{release_len} {key_len}"
                );
            }
        }
    }

    #[test]
    fn a_release_is_bucketed_by_the_text_release_plus_key() {
        for (release, key) in [
            ("checkout-v2", "user-1"),
            ("r", ""),
            ("", "é-ü"),
            ("x", &"k".repeat(300)),
        ] {
            let text = format!("{release}{key}");
            assert_eq!(
                release_hash(Bucketing::FlagdV2, release, key.as_bytes()),
                hash_v2(&text)
            );
            assert_eq!(
                release_hash(Bucketing::FlagdV3, release, key.as_bytes()),
                hash_v3(&Value::Text(&text))
            );
            // v2: the release's value is flagd's default value for a flag
            // named like the release.
            assert_eq!(
                release_hash(Bucketing::FlagdV2, release, key.as_bytes()),
                default_hash(Bucketing::FlagdV2, release, key.as_bytes())
            );
        }
    }

    #[test]
    fn rollouts_display_as_the_file_writes_them() {
        let shown: Vec<String> = [0, 1, 10, 100, 1_250, 3_333, 10_000]
            .map(|bp| Rollout::from_basis_points(bp).unwrap().to_string())
            .into();
        assert_eq!(
            shown,
            ["0%", "0.01%", "0.1%", "1%", "12.5%", "33.33%", "100%"]
        );
        assert_eq!(Bucketing::default(), Bucketing::FlagdV3);
        for b in [Bucketing::FlagdV2, Bucketing::FlagdV3] {
            assert_eq!(Bucketing::from_file(&b.to_string()), Some(b));
        }
        assert_eq!(Bucketing::from_file("flagd-v1"), None);
    }

    /// Every rollout, 0 to 100 % in hundredths: its `Display`, its digits
    /// and its float each read back as itself, and nothing in between
    /// (a third decimal) is a rollout.
    #[test]
    fn every_rollout_round_trips_through_its_text() {
        for bp in 0..=Rollout::FULL_BASIS_POINTS {
            let rollout = Rollout::from_basis_points(bp).unwrap();
            let shown = rollout.to_string();
            let digits = rollout.digits().to_string();
            assert_eq!(shown, format!("{digits}%"));
            assert_eq!(shown.parse::<Rollout>(), Ok(rollout), "{shown}");
            assert_eq!(digits.parse::<Rollout>(), Ok(rollout), "{digits}");
            assert_eq!(Rollout::from_percent(&digits), Some(rollout), "{digits}");
            assert_eq!(format!(" {digits} %").parse::<Rollout>(), Ok(rollout));
            // The float's shortest text is the digits: what TOML and JSON write.
            assert_eq!(rollout.percent().to_string(), digits);
            assert_eq!(
                rollout.whole_percent().map(u16::from),
                bp.is_multiple_of(100).then_some(bp / 100)
            );
            // The fewest digits: no trailing zero after the point.
            assert!(!digits.contains('.') || !digits.ends_with('0'), "{digits}");
            if bp < Rollout::FULL_BASIS_POINTS {
                let between = format!("{}.{:02}5", bp / 100, bp % 100);
                assert!(between.parse::<Rollout>().is_err(), "{between}");
            }
        }
        for refused in [
            "", "%", "-1", "100.01", "101", "1e1", "12.345", "0x10", "1_0",
        ] {
            let error = refused.parse::<Rollout>().unwrap_err();
            assert!(
                error.to_string().contains("at most two decimals"),
                "{error}"
            );
        }
    }

    #[test]
    fn rollout_bounds() {
        assert_eq!(Rollout::from_basis_points(10_001), None);
        assert_eq!(Rollout::from_basis_points(u16::MAX), None);
        let third = Rollout::from_basis_points(3_333).unwrap();
        assert_eq!(third.basis_points(), 3_333);
        let none = Rollout::from_basis_points(0).unwrap();
        let all = Rollout::from_basis_points(10_000).unwrap();
        for scheme in [Bucketing::FlagdV2, Bucketing::FlagdV3] {
            // The edge keys hash (v2, key alone) to 0 and 2^32 − 1; with
            // an empty flag key their default v2 value is the key alone.
            for key in ["ejOoVL", "ceQdGm", "", "user-1"] {
                assert!(!in_rollout(scheme, "", key, none), "{scheme:?} {key}");
                assert!(in_rollout(scheme, "", key, all), "{scheme:?} {key}");
            }
        }
        // Hash 0 is bucket 0: inside 0.01 %. Hash 2^32 − 1 is bucket 9999:
        // inside only 100 %.
        let one = Rollout::from_basis_points(1).unwrap();
        let almost = Rollout::from_basis_points(9_999).unwrap();
        assert!(in_rollout(Bucketing::FlagdV2, "", "ejOoVL", one));
        assert!(!in_rollout(Bucketing::FlagdV2, "", "ceQdGm", almost));
    }

    #[test]
    fn a_key_is_inside_every_rollout_from_its_bucket_up() {
        // Every rollout from 0 to 100 %, one basis point apart: a key is
        // outside all of them up to some share, and inside all from there
        // (its bucket + 1), so raising a rollout never turns a key off.
        for scheme in [Bucketing::FlagdV2, Bucketing::FlagdV3] {
            for i in 0..40 {
                let key = format!("user-{i}");
                let inside: Vec<bool> = (0..=Rollout::FULL_BASIS_POINTS)
                    .map(|bp| Rollout::from_basis_points(bp).unwrap())
                    .map(|rollout| in_rollout(scheme, "flag", &key, rollout))
                    .collect();
                let first_in = inside.iter().position(|&inside| inside).unwrap();
                assert!(first_in >= 1, "{scheme:?} {key}: 0 % holds no key");
                assert!(
                    inside[first_in..].iter().all(|&inside| inside),
                    "{scheme:?} {key}"
                );
                let bucket =
                    (u64::from(default_hash(scheme, "flag", key.as_bytes())) * 10_000) >> 32;
                assert_eq!(first_in as u64, bucket + 1, "{scheme:?} {key}");
            }
        }
    }

    /// Over 1 000 000 keys `user-0` … `user-999999`, the share inside a
    /// rollout is within 0.2 percentage points of it, for both schemes.
    /// Each key is hashed once per scheme (`in_rollout` is `contains` of
    /// that hash), which keeps the test near a second in a debug build.
    #[test]
    fn rollout_shares_match_their_percent() {
        const KEYS: u32 = 1_000_000;
        const ROLLOUTS: [u16; 5] = [100, 1_000, 3_333, 5_000, 9_999];
        let mut key = String::with_capacity(16);
        for scheme in [Bucketing::FlagdV2, Bucketing::FlagdV3] {
            let mut inside = [0u32; ROLLOUTS.len()];
            for i in 0..KEYS {
                key.clear();
                std::fmt::Write::write_fmt(&mut key, format_args!("user-{i}")).unwrap();
                let hash = default_hash(scheme, "rollout", key.as_bytes());
                for (count, &bp) in inside.iter_mut().zip(&ROLLOUTS) {
                    let rollout = Rollout::from_basis_points(bp).unwrap();
                    *count += u32::from(rollout.contains(hash));
                }
            }
            for (&count, &bp) in inside.iter().zip(&ROLLOUTS) {
                // In basis points: 0.2 percentage points are 20.
                let share = f64::from(count) * 10_000.0 / f64::from(KEYS);
                let off = (share - f64::from(bp)).abs();
                println!("{scheme:?} {bp} bp: {share:.1} bp inside (off by {off:.1})");
                assert!(off <= 20.0, "{scheme:?} {bp} bp: {share} bp inside");
            }
        }
    }
}
