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
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
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
//!   table (`enabled`, `rollout`, `allow`) › its release's › `false`
//!   ([the file](docs::file_format)).
//! - **Gradual rollouts and allow lists**: `rollout = 10` turns a toggle on
//!   for 10 % of keys, `allow = ["staff-ada"]` for named keys;
//!   `toggle!("name", &user_id)` checks it for a key (a string or an
//!   integer: [`Key`]), without a lock or an allocation. Keys are bucketed
//!   bit for bit like flagd's `fractional` ([`Bucketing`]), so services in
//!   other languages agree ([rollouts](docs::rollouts)).
//! - **Hot reload**: the file is parsed and validated as a whole into an
//!   immutable [`Snapshot`], swapped in atomically when the file changes,
//!   however it was saved. A bad edit keeps the last good snapshot: nothing is
//!   ever switched off by accident ([`Store::last_error`] says what is wrong;
//!   [hot reload](docs::hot_reload)).
//! - **Releases** group toggles switched together: [`Store::release`] reports
//!   "2 of 5 enabled".
//!
//! # Quick start
//!
//! Depend on `toggles`, and install a logger: the library never prints, it
//! logs reloads, bad saves and failed appends through [`log`](https://docs.rs/log),
//! and without a logger an application sees none of it (see [Logging](#logging)).
//! With `toggles.toml` in the folder the program runs from (this one is the
//! repository's: `dark_mode` is on, `new_search` is at `rollout = 10` with
//! `allow = ["staff-ada", "staff-bob"]`):
//!
//! ```
//! fn main() -> Result<(), toggles::Error> {
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
//!     // First a logger, e.g.
//!     // env_logger::init_from_env(env_logger::Env::default().default_filter_or("info"));
//!
//!     // Optional, but fails fast on a broken file. Without it, the first check
//!     // opens $TOGGLES_FILE or ./toggles.toml (a broken file: all off, logged).
//!     toggles::init("toggles.toml")?;
//!
//!     if toggles::toggle!("dark_mode") {
//!         println!("dark mode");
//!     }
//!
//!     // With a key (a user id, an account, a tenant): the allow list, then the rollout.
//!     for user in ["staff-ada", "user-2", "user-42"] {
//!         if toggles::toggle!("new_search", user) {
//!             println!("new search for {user}");
//!         }
//!     }
//! #   assert!(toggles::toggle!("dark_mode"));
//! #   assert!(toggles::toggle!("new_search", "staff-ada")); // allowed
//! #   assert!(toggles::toggle!("new_search", "user-2")); // bucket 546: inside 10 %
//! #   assert!(!toggles::toggle!("new_search", "user-42")); // bucket 3314: outside
//!     Ok(())
//! }
//! ```
//!
//! A broken file makes [`init`] fail with an [`Error`] that names the file,
//! line and column, shows the line and says what to do; returned from
//! `main`, it is printed and the process exits with 1.
//!
//! # Testing
//!
//! [`toggle_as`] overrides a toggle **on the current thread** until its guard
//! is dropped, so parallel tests never see each other's overrides;
//! [`with_toggles`] sets several for a closure, [`toggle_as_global`] reaches
//! worker threads. Overrides never write the file. See
//! [testing](docs::testing).
//!
//! ```
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
//! # toggles::init("toggles.toml").unwrap();
//! let _on = toggles::toggle_as("new_cart", true);
//! assert!(toggles::toggle!("new_cart"));
//! assert!(toggles::toggle!("new_cart", "user-42")); // keyed checks too
//! ```
//!
//! # Environments
//!
//! One file for every environment: `environments = ["staging",
//! "production"]`, and `env.production.enabled`, `env.staging.rollout` or
//! `env.E.allow` where an environment differs. A process reads the file in
//! the environment [`Builder::environment`] names, else `$TOGGLES_ENV`
//! ([`ENVIRONMENT_ENV`]), else in its base values. See
//! [environments](docs::environments).
//!
//! # The `toggles` command
//!
//! With the cargo feature `cli`, the `toggles` binary lists toggles, says why
//! one is on or off (for a key too), edits the file keeping its layout,
//! checks a pull request (`toggles check`, `toggles diff`) and exports to
//! flagd. See [the command](docs::cli) and [operations](docs::operations).
//!
//! # The global store and explicit stores
//!
//! [`toggle!`] and [`Toggle`] read the *global* store: the file given to
//! [`init`], or `$TOGGLES_FILE`, or `./toggles.toml`. A [`Store`] opens any
//! file explicitly, for libraries, several files, or options:
//!
//! ```
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
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
//! code that evaluates flags through the `open-feature` crate's `Client`
//! ([OpenFeature](docs::openfeature)).
//!
//! # Logging
//!
//! The library never prints. It logs through the [`log`](https://docs.rs/log)
//! facade: a line per reload that changed something, bad saves with file,
//! line and column, names appended, and I/O problems (each once).
//!
//! Install the logger you already use (`env_logger`, `tracing-subscriber`
//! with its `log` bridge, …); [operations](docs::operations#logging).
//!
//! See [`docs`] for the longer story, one page per topic: the file,
//! rollouts, environments, hot reload, testing, the command, operations,
//! OpenFeature, design, patterns, limitations and performance.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Modules in layers (ARCHITECTURE.md, "Layers"): each imports only from
// the ones before it. `tests/it/layers.rs` holds the code to that rule.

// Leaves: plain values and process-wide counters.
mod bucket;
mod date;
mod deferred;
mod error;
mod generation;
mod key;
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
mod contents;
pub mod lock;
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

pub use bucket::{Bucketing, ParseRolloutError, Rollout};
pub use changes::{Changes, Flip, ReleaseChange, Retarget};
pub use contents::{FileContents, PendingAppend, read_file};
pub use date::{Date, ParseDateError, ParseTimestampError, Timestamp};
pub use definitions::{
    Evaluation, Field, Kind, ParseKindError, Reason, Release, Schedule, Source, Step, ToggleInfo,
    Written,
};
pub use error::{Error, MAX_ERRORS};
pub use format::MAX_ENVIRONMENTS;
pub use global::{FILE_ENV, global, init, init_with};
pub use key::Key;
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
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// # toggles::init("toggles.toml").unwrap();
/// if toggles::toggle!("dark_mode") {
///     // …
/// }
/// ```
///
/// With a key (a user id, a tenant: any [`Key`], a string such as `&str`
/// or `&String`, or an integer such as `u64` or `&i64`), the check follows
/// the toggle's `allow` list and rollout for that key, without allocating;
/// see [`Toggle::is_enabled_for`]:
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// # toggles::init("toggles.toml").unwrap();
/// let user_id = String::from("user-42");
/// if toggles::toggle!("new_search", &user_id) {
///     // …
/// }
/// ```
///
/// An integer key is the key of its decimal text: `toggle!("x", 42u64)`
/// answers what `toggle!("x", "42")` does (the same bucket, the same
/// `allow` entry), and what flagd answers for the `targetingKey` `"42"`.
/// Its digits are written on the stack, only when the toggle has a rollout
/// or an `allow` list:
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// # toggles::init("toggles.toml").unwrap();
/// struct User { id: u64 }
/// let user = User { id: 4711 };
/// if toggles::toggle!("new_search", user.id) {
///     // …
/// }
/// ```
///
/// The name is a literal, so that it is checked at compile time and found
/// by `toggles check`; a name known only at run time goes through
/// [`Store::is_enabled`] (`toggles::global().is_enabled(name)`), and
/// anything else is a compile error that says so:
///
/// ```compile_fail
/// let name = "dark_mode";
/// toggles::toggle!(name); // error: toggle! takes the name as a string literal …
/// ```
#[macro_export]
macro_rules! toggle {
    ($name:literal) => {{ $crate::__toggle_static!($name).is_enabled() }};
    ($name:literal, $key:expr $(,)?) => {{ $crate::__toggle_static!($name).is_enabled_for($key) }};
    ($($not_a_literal:tt)*) => {
        ::core::compile_error!(
            "toggle! takes the name as a string literal, like toggle!(\"dark_mode\") or \
             toggle!(\"dark_mode\", key); for a name known only at run time, use \
             toggles::global().is_enabled(name) (or .is_enabled_for(name, key))"
        )
    };
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
