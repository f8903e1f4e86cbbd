//! # Patterns
//!
//! ## Fail fast at start-up
//!
//! Without [`init`](crate::init), the first check opens `$TOGGLES_FILE` or
//! `./toggles.toml`, and a broken file means every toggle is off (logged).
//! A service usually prefers to refuse to start:
//!
//! ```no_run
//! fn main() -> Result<(), toggles::Error> {
//!     toggles::init("toggles.toml")?; // the error names file, line and column
//!     // …
//!     Ok(())
//! }
//! ```
//!
//! ## Name a toggle once
//!
//! A toggle checked in several places is best a `static`, so a typo in one
//! place cannot create a second toggle:
//!
//! ```
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
//! # toggles::init("toggles.toml").unwrap();
//! pub static NEW_CART: toggles::Toggle = toggles::Toggle::new("new_cart");
//!
//! fn render() -> &'static str {
//!     if NEW_CART.is_enabled() { "drawer" } else { "page" }
//! }
//! # assert_eq!(render(), "page");
//! ```
//!
//! ## Read several toggles consistently
//!
//! Two checks can straddle a reload. When toggles must agree — the parts of
//! one release, say — read them from one [`Snapshot`](crate::Snapshot):
//!
//! ```
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
//! # toggles::init("toggles.toml").unwrap();
//! let snapshot = toggles::global().snapshot();
//! let (cart, pay) = (snapshot.is_enabled("new_cart"), snapshot.is_enabled("one_click_pay"));
//! # assert_eq!((cart, pay), (false, false));
//! ```
//!
//! ## Libraries
//!
//! A library should not decide where its application's toggles live: take a
//! [`Store`](crate::Store) (or nothing, and use the global store the
//! application configured), and document the toggle names it checks.
//!
//! ## Releases
//!
//! Put the toggles of one feature in a release and switch the release; hold
//! one part back (or let it through early) with its own `enabled`. When a
//! release has been fully on long enough, fold it away: delete the toggles
//! and their dead branches. `toggles check` reports releases that are fully
//! on and toggles older than `--max-age`.
//!
//! ## Production
//!
//! - Set `TOGGLES_APPEND=off` where the file is read-only (a ConfigMap) or
//!   not under version control: new names belong in the repository's file,
//!   and `toggles check` in CI makes pull requests carry them.
//! - React to changes with [`Store::subscribe`](crate::Store::subscribe)
//!   (metrics, cache warm-up) and watch
//!   [`Store::last_error`](crate::Store::last_error) in health checks: it is
//!   set while the file on disk is not the version in use.
//!
//! ## Tests
//!
//! [`toggle_as`](crate::toggle_as) and [`with_toggles`](crate::with_toggles)
//! are scoped to the test's thread, so parallel tests never see each other's
//! overrides; [`toggle_as_global`](crate::toggle_as_global) reaches worker
//! threads at the price of serializing the tests that use it. A test of the
//! file itself opens a [`Store`](crate::Store) on a temporary file.
