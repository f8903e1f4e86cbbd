//! `Toggle`: a named toggle of the global store with a per-call-site cache.

use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use crate::key::{self, Buffer, Key};
use crate::{generation, global, overrides};

/// The cache value of a toggle never resolved: its generation part
/// (`u64::MAX >> 2`) is never reached by a real generation.
const UNRESOLVED: u64 = u64::MAX;
/// The cache word's bit for "the key-less state is on".
const ON: u64 = 1;
/// The cache word's bit for "a key can change the state" (the toggle has
/// an `allow` list or a rollout): a keyed check must then look further.
const TARGETED: u64 = 2;
/// How far the generation is shifted left in the cache word.
const SHIFT: u32 = 2;

/// A toggle of the global store, meant to live in a `static`.
///
/// [`toggle!`](crate::toggle!) makes one per call site; declare one yourself
/// to name a toggle once and check it in many places:
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// use toggles::Toggle;
/// # toggles::init("toggles.toml").unwrap();
///
/// static DARK_MODE: Toggle = Toggle::new("dark_mode");
///
/// if DARK_MODE.is_enabled() {
///     // …
/// }
/// println!("{DARK_MODE}"); // "dark_mode ON" or "dark_mode OFF"
/// ```
///
/// A check is an inlined handful of relaxed atomic loads: the toggle caches
/// its state together with the generation of the snapshot it was read from,
/// and only looks the name up again after a reload. An invalid name (which
/// `Toggle::new` cannot reject at compile time, unlike `toggle!`) is off and
/// logged once.
///
/// [`is_enabled_for`](Self::is_enabled_for) checks it for a key (a user id,
/// a tenant…), for rollouts and allow-lists: as cheap as a key-less check
/// while the toggle has neither, else a lookup in the current snapshot and
/// a hash of the key, still without lock or allocation.
pub struct Toggle {
    name: &'static str,
    /// `generation << SHIFT | TARGETED? | ON?`, or [`UNRESOLVED`].
    cache: AtomicU64,
    /// Where the name was last found in a snapshot's list: a keyed check
    /// of a toggle with a rollout looks there first (a compare of the
    /// name instead of a hash lookup). Only a hint: always verified.
    hint: AtomicU32,
}

impl Toggle {
    /// A toggle named `name`. `const`, for use in a `static`.
    pub const fn new(name: &'static str) -> Toggle {
        Toggle {
            name,
            cache: AtomicU64::new(UNRESOLVED),
            hint: AtomicU32::new(u32::MAX),
        }
    }

    /// The toggle's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Whether the toggle is on: a test override, else the global store's
    /// current snapshot; a name the file lacks is off and is appended to it.
    #[inline]
    pub fn is_enabled(&self) -> bool {
        if let Some(value) = overrides::lookup(self.name) {
            return value;
        }
        // Relaxed, both: the cache word holds the generation and the state
        // together, so it is consistent on its own; it is compared with the
        // global generation, not used to reach any data (see `refresh`).
        let cached = self.cache.load(Ordering::Relaxed);
        if cached >> SHIFT == generation::GLOBAL.load(Ordering::Relaxed) {
            return cached & ON != 0;
        }
        self.refresh() & ON != 0
    }

    /// Whether the toggle is on for the key `key` (a user id, a tenant…): a
    /// test override, else the global store's current snapshot's state for
    /// that key (see [`ToggleInfo::is_enabled_for`](crate::ToggleInfo::is_enabled_for)):
    /// in `allow`, or inside the rollout. A name the file lacks is off and
    /// is appended to it. No lock, no allocation.
    ///
    /// The key is any [`Key`]: a string (`&str`, `&String`, `String`…) or
    /// an integer (`u64`, `&i64`…), which is the same key as its decimal
    /// text. An integer's text is written only when the toggle has a
    /// rollout or an `allow` list.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// use toggles::Toggle;
    /// # toggles::init("toggles.toml").unwrap();
    /// static NEW_SEARCH: Toggle = Toggle::new("new_search");
    ///
    /// let user_id = String::from("user-42");
    /// if NEW_SEARCH.is_enabled_for(&user_id) {
    ///     // …
    /// }
    /// let account_id: u64 = 4711;
    /// if NEW_SEARCH.is_enabled_for(account_id) {
    ///     // …
    /// }
    /// ```
    #[inline]
    pub fn is_enabled_for(&self, key: impl Key) -> bool {
        if let Some(value) = overrides::lookup(self.name) {
            return value;
        }
        // Relaxed, both: as in `is_enabled`.
        let mut word = self.cache.load(Ordering::Relaxed);
        if word >> SHIFT != generation::GLOBAL.load(Ordering::Relaxed) {
            // After a reload (cold): look the name up again.
            word = self.refresh();
        }
        if word & TARGETED == 0 {
            return word & ON != 0;
        }
        let mut buffer = Buffer::new();
        self.targeted(key::text(&key, &mut buffer))
    }

    /// A keyed check of a toggle with a rollout or an `allow` list: the
    /// rule, in the current snapshot, for this key.
    #[inline(never)]
    fn targeted(&self, key: &[u8]) -> bool {
        global::with_current(|snapshot| {
            // Relaxed: a hint, verified by name before use.
            let hint = self.hint.load(Ordering::Relaxed);
            let Some((found, toggle)) = snapshot.find_hinted(self.name, hint) else {
                return false;
            };
            if found != hint {
                // Relaxed: as above.
                self.hint.store(found, Ordering::Relaxed);
            }
            toggle.is_enabled_for_text(key)
        })
    }

    #[cold]
    #[inline(never)]
    fn refresh(&self) -> u64 {
        let store = global::global_arc();
        let snapshot = store.current();
        let word = match snapshot.state_and_targeted(self.name) {
            Some((on, targeted)) => {
                snapshot.generation() << SHIFT
                    | if on { ON } else { 0 }
                    | if targeted { TARGETED } else { 0 }
            }
            None => {
                store.note_unknown(self.name);
                snapshot.generation() << SHIFT
            }
        };
        // Relaxed: the word is self-contained (see `is_enabled`). It carries
        // the generation of the snapshot read here, not the current global
        // one, so a resolve racing a reload costs one more miss, never a
        // stale hit.
        self.cache.store(word, Ordering::Relaxed);
        word
    }
}

fn on_off(value: bool) -> &'static str {
    if value { "ON" } else { "OFF" }
}

impl fmt::Display for Toggle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, on_off(self.is_enabled()))
    }
}

impl fmt::Debug for Toggle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Toggle({:?}, {})", self.name, on_off(self.is_enabled()))
    }
}
