//! File-backed feature toggles with hot reload.
//!
//! Every toggle of an application lives in `toggles.toml`, committed with the
//! code; turning a feature on is an edit and a commit, reviewed like code.
//!
//! ```toml
//! [releases.checkout-v2]
//! description = "New checkout flow"
//! enabled = false
//!
//! [toggles.new_cart]
//! description = "Cart drawer instead of cart page"
//! release = "checkout-v2"      # no `enabled` here: follows the release
//! created = 2026-11-24
//!
//! [toggles.dark_mode]
//! enabled = true
//! created = 2026-11-20
//! ```
//!
//! Code checks a toggle with [`toggle!`]:
//!
//! ```
//! use toggles::toggle;
//! # toggles::init("toggles.toml").unwrap();
//!
//! if toggle!("dark_mode") {
//!     // the new behaviour
//! }
//! ```
//!
//! - **A check is nearly free**: a few relaxed atomic loads, inlined, with
//!   no lock, no allocation and no string hashing once the call site has run.
//! - **New names register themselves**: a name the file lacks reads as off
//!   and is appended to the file (off, with a `created` date) by a background
//!   thread, so a new toggle shows up in the next `git diff`.
//! - **Precedence**: a test override ([`toggle_as`]) › the toggle's own
//!   table (`enabled`, `rollout`, `allow`) › its release's › `false`.
//! - **Gradual rollouts and allow lists**: `rollout = 10` turns a toggle on
//!   for 10 % of keys, `allow = ["staff-ada"]` for named keys;
//!   `toggle!("name", &user_id)` checks it for a key, without a lock or an
//!   allocation. Keys are bucketed bit for bit like flagd's `fractional`
//!   ([`Bucketing`]), so services in other languages agree.
//! - **Hot reload**: the file is parsed and validated as a whole into an
//!   immutable [`Snapshot`], swapped in atomically when the file changes,
//!   however it was saved. A bad edit keeps the last good snapshot: nothing is
//!   ever switched off by accident ([`Store::last_error`] says what is wrong).
//! - **Releases** group toggles switched together: [`Store::release`] reports
//!   "2 of 5 enabled".
//!
//! # The global store and explicit stores
//!
//! [`toggle!`] and [`Toggle`] read the *global* store: the file given to
//! [`init`], or `$TOGGLES_FILE`, or `./toggles.toml`. A [`Store`] opens any
//! file explicitly, for libraries, several files, or options:
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # let path = dir.path().join("toggles.toml");
//! # std::fs::write(&path, "[toggles.dark_mode]\nenabled = true\n").unwrap();
//! let store = toggles::Store::builder(&path).append_unknown(false).open()?;
//! assert!(store.is_enabled("dark_mode"));
//! let snapshot = store.snapshot(); // one version, for consistent reads
//! assert!(snapshot.is_enabled("dark_mode"));
//! # Ok::<(), toggles::Error>(())
//! ```
//!
//! # Names
//!
//! Names are slugs: 1 to 255 ASCII letters, digits, `_` and `-` (exactly the
//! TOML bare keys). `toggle!` rejects any other literal at compile time:
//!
//! ```compile_fail
//! toggles::toggle!("bad name");
//! ```
//!
//! ```compile_fail
//! toggles::toggle!("");
//! ```
//!
//! The same holds with a key:
//!
//! ```compile_fail
//! toggles::toggle!("bad name", "user-1");
//! ```
//!
//! At run time an invalid name is off, logged once, and never written.
//!
//! # OpenFeature
//!
//! With the cargo feature `openfeature`, `toggles::openfeature::TogglesProvider`
//! is an [OpenFeature](https://openfeature.dev) provider over a [`Store`], for
//! code that evaluates flags through the `open-feature` crate's `Client`.
//!
//! # Logging
//!
//! The library never prints. It logs through the [`log`](https://docs.rs/log)
//! facade: a line per reload that changed something, bad saves with file,
//! line and column, names appended, and I/O problems (each once).
//!
//! See [`docs`] for the longer story: design, limits and patterns.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Modules in layers (ARCHITECTURE.md, "Layers"): each imports only from
// the ones before it. `tests/it/layers.rs` holds the code to that rule.

// Leaves: plain values and process-wide counters.
mod bucket;
mod date;
mod error;
mod generation;
mod name;
mod overrides;
mod sync;
// Values: what a version of the file is, pure functions of bytes.
mod changes;
mod definitions;
mod format;
mod parse;
mod snapshot;
// Effects: the file system, each through a narrow interface.
mod append;
mod lock;
mod read;
mod seen;
mod watch;
// Runtime: one file's store.
mod store;
// Facade: the global store and what reads it; long-form docs.
pub mod docs;
mod global;
#[cfg(feature = "openfeature")]
#[cfg_attr(docsrs, doc(cfg(feature = "openfeature")))]
pub mod openfeature;
mod testing;
mod toggle;

pub use bucket::{Bucketing, Rollout};
pub use changes::{Changes, Flip, ReleaseChange, Retarget};
pub use date::Date;
pub use definitions::{Evaluation, Reason, Release, Source, ToggleInfo};
pub use error::Error;
pub use format::MAX_ENVIRONMENTS;
pub use global::{FILE_ENV, global, init, init_with};
pub use lock::FileLock;
pub use name::{MAX_NAME_LEN, is_valid_name};
pub use snapshot::Snapshot;
pub use store::{APPEND_ENV, Builder, ENVIRONMENT_ENV, Store, Subscription};
pub use testing::{GlobalOverride, Override, toggle_as, toggle_as_global, with_toggles};
pub use toggle::Toggle;

/// Checks a toggle of the global store: `true` if it is on.
///
/// The name must be a string literal and a valid name (checked at compile
/// time). Each call site gets its own `static` [`Toggle`], so a check is a
/// few relaxed atomic loads once the site has run; see [`Toggle`].
///
/// ```
/// # toggles::init("toggles.toml").unwrap();
/// if toggles::toggle!("dark_mode") {
///     // …
/// }
/// ```
///
/// With a key (a user id, a tenant: anything `AsRef<str>`, such as `&str`
/// or `&String`), the check follows the toggle's `allow` list and rollout
/// for that key, without allocating; see [`Toggle::is_enabled_for`]:
///
/// ```
/// # toggles::init("toggles.toml").unwrap();
/// let user_id = String::from("user-42");
/// if toggles::toggle!("new_search", &user_id) {
///     // …
/// }
/// ```
#[macro_export]
macro_rules! toggle {
    ($name:literal) => {{ $crate::__toggle_static!($name).is_enabled() }};
    ($name:literal, $key:expr $(,)?) => {{ $crate::__toggle_static!($name).is_enabled_for($key) }};
}

/// The per-call-site `static` [`Toggle`] of [`toggle!`], its name checked
/// at compile time. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __toggle_static {
    ($name:literal) => {{
        const _: () = ::core::assert!(
            $crate::is_valid_name($name),
            ::core::concat!(
                "invalid toggle name ",
                ::core::stringify!($name),
                ": use 1 to 255 ASCII letters, digits, `_` or `-`"
            )
        );
        static TOGGLE: $crate::Toggle = $crate::Toggle::new($name);
        &TOGGLE
    }};
}
