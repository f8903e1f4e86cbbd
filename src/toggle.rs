//! `Toggle`: a named toggle of the global store with a per-call-site cache.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{generation, global, overrides};

/// The cache value of a toggle never resolved: its generation part
/// (`u64::MAX >> 1`) is never reached by a real generation.
const UNRESOLVED: u64 = u64::MAX;

/// A toggle of the global store, meant to live in a `static`.
///
/// [`toggle!`](crate::toggle!) makes one per call site; declare one yourself
/// to name a toggle once and check it in many places:
///
/// ```
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
pub struct Toggle {
    name: &'static str,
    /// `generation << 1 | state`, or [`UNRESOLVED`].
    cache: AtomicU64,
}

impl Toggle {
    /// A toggle named `name`. `const`, for use in a `static`.
    pub const fn new(name: &'static str) -> Toggle {
        Toggle {
            name,
            cache: AtomicU64::new(UNRESOLVED),
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
        // global generation, not used to reach any data (see `resolve`).
        let cached = self.cache.load(Ordering::Relaxed);
        if cached >> 1 == generation::GLOBAL.load(Ordering::Relaxed) {
            return cached & 1 == 1;
        }
        self.resolve()
    }

    #[cold]
    #[inline(never)]
    fn resolve(&self) -> bool {
        let store = global::global_arc();
        let snapshot = store.current();
        let value = match snapshot.state(self.name) {
            Some(value) => value,
            None => {
                store.note_unknown(self.name);
                false
            }
        };
        // Relaxed: the word is self-contained (see `is_enabled`). It carries
        // the generation of the snapshot read here, not the current global
        // one, so a resolve racing a reload costs one more miss, never a
        // stale hit.
        self.cache.store(
            snapshot.generation() << 1 | u64::from(value),
            Ordering::Relaxed,
        );
        value
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
