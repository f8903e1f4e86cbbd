//! The names a store has seen missing from its file: each is handled (logged
//! or queued for appending) once, in bounded memory.
//!
//! Checks of a name the file lacks look here on every call (a production
//! service with appending off may check a missing name on every request), so
//! the common answer — "seen before" — comes from a published set without a
//! lock. New names go to a small locked set first, which is merged into a new
//! published set once it holds half as many names as that set (so a flood of
//! new names costs amortized O(1) copies each), or as soon as one of its
//! names is checked again (so names checked repeatedly are soon lock-free).
//! Names are shared (`Arc<str>`): a merge copies pointers, not strings.
//!
//! Names may come from request data (a service passing user input to
//! `Store::is_enabled`), so what is kept is bounded in bytes, not only in
//! count:
//!
//! - **Valid names** (slugs, at most 255 bytes: they may be appended) are
//!   kept whole: at most [`MAX_SEEN`] of them and [`MAX_SEEN_BYTES`] bytes
//!   of them in all, whichever comes first.
//! - **Invalid names** (any length: they are never written) are kept as a
//!   64-bit fingerprint (a hash with a key random per store), at most
//!   [`MAX_SEEN`] of them: enough to log each once and to answer "seen
//!   before" without a lock, never the name's bytes. Two invalid names with
//!   the same fingerprint (a chance of about 2⁻⁶⁴ per pair) only means the
//!   second is not logged. Invalid names do not use up room for valid ones.
//!
//! So a store keeps at most about 1 MiB of name bytes, 80 KB of
//! fingerprints, and the tables over them (tens of bytes per entry, twice
//! while a merge copies them). Log lines about invalid names quote at most
//! [`SHOWN_BYTES`] bytes of a name ([`Shown`]) and are rate-limited
//! ([`RateLimit`]: one line per [`LOG_EVERY`], with the count of the lines
//! held back).

use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use foldhash::fast::RandomState;

use crate::name::{MAX_NAME_LEN, is_valid_name};
use crate::sync::lock;

/// How many distinct valid names one store remembers; and, separately, how
/// many fingerprints of invalid names.
pub(crate) const MAX_SEEN: usize = 10_000;

/// How many bytes of valid names one store remembers, in all: 1 MiB. Room
/// for [`MAX_SEEN`] names of 104 bytes on average (real names are a few
/// dozen), or for 4 112 names of the longest valid length (255 bytes).
pub(crate) const MAX_SEEN_BYTES: usize = 1 << 20;

/// At most one log line about invalid names per this long, per store.
pub(crate) const LOG_EVERY: Duration = Duration::from_secs(10);

/// How many bytes of a name a log line quotes, at most.
pub(crate) const SHOWN_BYTES: usize = 64;

/// What [`SeenNames::insert`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// The name was seen before: nothing to do.
    Before,
    /// The name is valid, new, and now remembered.
    New,
    /// The name is valid and new, but there is no room left to remember it;
    /// `first` the first time this happens.
    Full { first: bool },
    /// The name is invalid and was not seen before: log it if `log` is
    /// `Some`, which holds how many such lines were held back since the
    /// last one written (see [`RateLimit`]).
    Invalid { log: Option<u64> },
}

/// A set of names, hashed like the snapshot's index (foldhash).
type Names = HashSet<Arc<str>, RandomState>;
/// Fingerprints of invalid names.
type Fingerprints = HashSet<u64, RandomState>;

/// What checks read without a lock.
#[derive(Default)]
struct Published {
    names: Names,
    invalid: Fingerprints,
}

impl Published {
    fn len(&self) -> usize {
        self.names.len() + self.invalid.len()
    }
}

#[derive(Default)]
pub(crate) struct SeenNames {
    published: ArcSwap<Published>,
    recent: Mutex<Recent>,
    /// The key of the fingerprints of invalid names: random per store, so
    /// that nobody can choose names that collide.
    fingerprints: RandomState,
}

#[derive(Default)]
struct Recent {
    names: Names,
    invalid: Fingerprints,
    /// The bytes of every valid name remembered, published or recent.
    bytes: usize,
    full_reported: bool,
    /// When to log an invalid name.
    invalid_log: RateLimit,
}

impl Recent {
    fn len(&self) -> usize {
        self.names.len() + self.invalid.len()
    }
}

impl SeenNames {
    /// Remembers `name`, saying whether it is new.
    pub(crate) fn insert(&self, name: &str) -> Seen {
        // First the common case, a valid name seen before: only valid names
        // are in this set, so the name needs no check of its own (a name too
        // long to be valid is not even hashed).
        if name.len() <= MAX_NAME_LEN && self.published.load().names.contains(name) {
            return Seen::Before;
        }
        if !is_valid_name(name) {
            return self.insert_invalid(name);
        }
        let mut recent = lock(&self.recent);
        // Merges happen under this lock: a name merged meanwhile is here now.
        let published = self.published.load_full();
        if published.names.contains(name) {
            return Seen::Before;
        }
        if recent.names.contains(name) {
            // Checked again: publish, so that later checks take no lock.
            self.merge(&published, &mut recent);
            return Seen::Before;
        }
        if published.names.len() + recent.names.len() >= MAX_SEEN
            || recent.bytes + name.len() > MAX_SEEN_BYTES
        {
            let first = !std::mem::replace(&mut recent.full_reported, true);
            return Seen::Full { first };
        }
        recent.bytes += name.len();
        recent.names.insert(name.into());
        if recent.len() * 2 >= published.len() {
            self.merge(&published, &mut recent);
        }
        Seen::New
    }

    /// The fingerprint of an invalid name: its length, its first and its
    /// last 256 bytes, hashed with the store's key. Bounded work however
    /// long the name (a flood of megabyte names costs no more than short
    /// ones); two names that share all three are one name here, which only
    /// means the second is not logged (an invalid name is never written).
    fn fingerprint(&self, name: &str) -> u64 {
        const EDGE: usize = 256;
        let bytes = name.as_bytes();
        let head = &bytes[..bytes.len().min(EDGE)];
        let tail = &bytes[bytes.len().saturating_sub(EDGE)..];
        self.fingerprints.hash_one((bytes.len(), head, tail))
    }

    /// [`insert`](Self::insert) for an invalid name: by fingerprint only.
    fn insert_invalid(&self, name: &str) -> Seen {
        let fingerprint = self.fingerprint(name);
        if self.published.load().invalid.contains(&fingerprint) {
            return Seen::Before;
        }
        let mut recent = lock(&self.recent);
        let published = self.published.load_full();
        if published.invalid.contains(&fingerprint) {
            return Seen::Before;
        }
        if recent.invalid.contains(&fingerprint) {
            self.merge(&published, &mut recent);
            return Seen::Before;
        }
        // When there is no room, the name is not remembered: each check of
        // it comes back here, and the rate limit holds the log.
        if published.invalid.len() + recent.invalid.len() < MAX_SEEN {
            recent.invalid.insert(fingerprint);
            if recent.len() * 2 >= published.len() {
                self.merge(&published, &mut recent);
            }
        }
        let log = recent.invalid_log.allow(Instant::now());
        Seen::Invalid { log }
    }

    /// Publishes `published` ∪ the recent names; the caller holds `recent`.
    fn merge(&self, published: &Published, recent: &mut Recent) {
        let mut names = Names::with_capacity_and_hasher(
            published.names.len() + recent.names.len(),
            RandomState::default(),
        );
        names.extend(published.names.iter().cloned());
        names.extend(recent.names.drain());
        let mut invalid = Fingerprints::with_capacity_and_hasher(
            published.invalid.len() + recent.invalid.len(),
            RandomState::default(),
        );
        invalid.extend(published.invalid.iter().copied());
        invalid.extend(recent.invalid.drain());
        self.published.store(Arc::new(Published { names, invalid }));
    }

    /// Every valid name remembered, that `keep` accepts.
    pub(crate) fn filtered(&self, keep: impl Fn(&str) -> bool) -> Vec<Box<str>> {
        let recent = lock(&self.recent);
        let published = self.published.load();
        published
            .names
            .iter()
            .chain(recent.names.iter())
            .filter(|n| keep(n))
            .map(|n| Box::from(&**n))
            .collect()
    }
}

/// At most one log line per period; the lines held back are counted, and
/// the count goes with the next line written.
///
/// A pure value: the time comes in as an argument, so a test can replay a
/// sequence of events without sleeping.
#[derive(Debug, Clone)]
pub(crate) struct RateLimit {
    every: Duration,
    /// The earliest time the next line may be written; `None`: at once.
    next: Option<Instant>,
    held_back: u64,
}

impl Default for RateLimit {
    fn default() -> RateLimit {
        RateLimit::new(LOG_EVERY)
    }
}

impl RateLimit {
    /// At most one line per `every`.
    pub(crate) const fn new(every: Duration) -> RateLimit {
        RateLimit {
            every,
            next: None,
            held_back: 0,
        }
    }

    /// Whether a line may be written at `now`: `Some(n)`, with `n` the lines
    /// held back since the last one written; `None` holds this one back
    /// (and counts it).
    pub(crate) fn allow(&mut self, now: Instant) -> Option<u64> {
        if self.next.is_some_and(|next| now < next) {
            self.held_back = self.held_back.saturating_add(1);
            return None;
        }
        // An `Instant` this far in the future cannot be: never panic on it.
        self.next = Some(now.checked_add(self.every).unwrap_or(now));
        Some(std::mem::take(&mut self.held_back))
    }
}

/// A name as a log line shows it: quoted and escaped like `{:?}`, and cut
/// after at most [`SHOWN_BYTES`] bytes (on a character boundary), followed by
/// `… (N bytes)`. A log line is never longer because a name is.
pub(crate) struct Shown<'a>(pub(crate) &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.0;
        if name.len() <= SHOWN_BYTES {
            return write!(f, "{name:?}");
        }
        let mut end = SHOWN_BYTES;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        write!(f, "{:?}… ({} bytes)", &name[..end], name.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_new_once_up_to_the_limit() {
        let seen = SeenNames::default();
        for i in 0..MAX_SEEN {
            assert_eq!(seen.insert(&format!("n{i}")), Seen::New);
        }
        for i in (0..MAX_SEEN).step_by(7) {
            assert_eq!(seen.insert(&format!("n{i}")), Seen::Before, "n{i}");
        }
        assert_eq!(seen.insert("one_more"), Seen::Full { first: true });
        assert!(
            seen.recent.lock().unwrap().names.len() < MAX_SEEN,
            "merged as it grew"
        );
        assert_eq!(seen.insert("and_another"), Seen::Full { first: false });
        assert_eq!(seen.filtered(|n| n.ends_with('7')).len(), MAX_SEEN / 10);
    }

    #[test]
    fn long_names_stop_at_the_byte_limit() {
        let seen = SeenNames::default();
        let long = |i: usize| format!("{i:0>255}");
        let mut new = 0;
        while seen.insert(&long(new)) == Seen::New {
            new += 1;
        }
        assert_eq!(new, MAX_SEEN_BYTES / 255, "as many as fit in the bytes");
        assert!(new < MAX_SEEN, "the bytes, not the count, were the limit");
        assert_eq!(seen.insert(&long(new + 1)), Seen::Full { first: false });
        let kept: usize = seen.filtered(|_| true).iter().map(|n| n.len()).sum();
        assert!(kept <= MAX_SEEN_BYTES, "{kept} bytes kept");
        // Names seen before are still known; a short one still fits.
        assert_eq!(seen.insert(&long(0)), Seen::Before);
        assert_eq!(seen.insert("short"), Seen::New);
    }

    #[test]
    fn invalid_names_are_remembered_by_fingerprint_not_by_their_bytes() {
        let seen = SeenNames::default();
        let mut name = vec![b' '; 32 << 10];
        for i in 0..MAX_SEEN + 100 {
            name[..8].copy_from_slice(format!("{i:08}").as_bytes());
            let name = std::str::from_utf8(&name).unwrap();
            assert!(matches!(seen.insert(name), Seen::Invalid { .. }), "{i}");
        }
        let recent = seen.recent.lock().unwrap();
        assert_eq!(recent.bytes, 0, "no bytes of invalid names are kept");
        let fingerprints = recent.invalid.len() + seen.published.load().invalid.len();
        assert_eq!(fingerprints, MAX_SEEN);
        drop(recent);
        // They take no room from valid names.
        assert_eq!(seen.insert("valid"), Seen::New);
    }

    #[test]
    fn an_invalid_name_checked_again_is_seen_before_without_a_lock() {
        let seen = SeenNames::default();
        for i in 0..100 {
            seen.insert(&format!("n{i}"));
        }
        assert!(matches!(
            seen.insert("bad name"),
            Seen::Invalid { log: Some(0) }
        ));
        assert_eq!(seen.insert("bad name"), Seen::Before);
        let fingerprint = seen.fingerprint("bad name");
        assert!(seen.published.load().invalid.contains(&fingerprint));
        assert!(matches!(
            seen.insert("other bad"),
            Seen::Invalid { log: None }
        ));
    }

    #[test]
    fn the_rate_limit_writes_one_line_per_period_and_counts_the_rest() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let mut limit = RateLimit::new(Duration::from_secs(10));
        assert_eq!(limit.allow(at(0)), Some(0), "the first line at once");
        assert_eq!(limit.allow(at(1)), None);
        assert_eq!(limit.allow(at(5_000)), None);
        assert_eq!(limit.allow(at(9_999)), None);
        assert_eq!(limit.allow(at(10_000)), Some(3), "three held back");
        assert_eq!(limit.allow(at(10_001)), None);
        // A quiet spell: the next line is written at once, with the count.
        assert_eq!(limit.allow(at(60_000)), Some(1));
        assert_eq!(limit.allow(at(70_000)), Some(0));
        // A million events in one period: one line, then the count.
        for ms in 0..1_000_000 {
            assert_eq!(limit.allow(at(70_001) + Duration::from_nanos(ms)), None);
        }
        assert_eq!(limit.allow(at(80_000)), Some(1_000_000));
    }

    #[test]
    fn a_shown_name_is_cut_on_a_character_boundary() {
        assert_eq!(Shown("bad name").to_string(), "\"bad name\"");
        let exactly = "x".repeat(SHOWN_BYTES);
        assert_eq!(Shown(&exactly).to_string(), format!("{exactly:?}"));
        let long = "y".repeat(32 << 10);
        assert_eq!(
            Shown(&long).to_string(),
            format!("{:?}… (32768 bytes)", &long[..SHOWN_BYTES])
        );
        // `é` is two bytes: 63 of `a`, then one that does not fit whole.
        let accents = format!("{}{}", "a".repeat(SHOWN_BYTES - 1), "é".repeat(100));
        assert_eq!(
            Shown(&accents).to_string(),
            format!("{:?}… (263 bytes)", "a".repeat(SHOWN_BYTES - 1))
        );
        // Escaped: a name cannot start a new log line.
        assert_eq!(Shown("a\nb").to_string(), "\"a\\nb\"");
    }
}

#[cfg(test)]
mod promote {
    use super::*;

    #[test]
    fn a_name_checked_again_is_published() {
        let seen = SeenNames::default();
        for i in 0..100 {
            seen.insert(&format!("n{i}"));
        }
        assert_eq!(seen.insert("again"), Seen::New);
        assert_eq!(seen.insert("again"), Seen::Before);
        assert!(
            seen.published.load().names.contains("again"),
            "lock-free from now on"
        );
        assert!(seen.recent.lock().unwrap().names.is_empty());
    }
}
