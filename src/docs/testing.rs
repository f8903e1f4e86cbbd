//! # Testing with toggles
//!
//! `cargo test` runs tests in parallel threads, so an override that mutated
//! global state would leak from one test into another. Overrides here are
//! **scoped to the thread** that creates them:
//!
//! ```rust,test_harness
//! use toggles::{toggle_as, with_toggles};
//! # fn render_cart() -> &'static str {
//! #     if toggles::toggle!("new_cart") { "drawer" } else { "page" }
//! # }
//!
//! #[test]
//! fn checkout_shows_the_drawer() {
//!     let _on = toggle_as("new_cart", true); // until `_on` is dropped, on this thread
//!     assert!(render_cart().contains("drawer"));
//! }
//!
//! #[test]
//! fn several_at_once() {
//!     with_toggles(&[("new_cart", true), ("dark_mode", false)], || {
//!         assert!(render_cart().contains("drawer"));
//!     });
//! }
//! ```
//!
//! - While the guard lives, every check of that name on the current thread —
//!   `toggle!`, a static `Toggle`, `Store::is_enabled` and `Snapshot::is_enabled`
//!   of any store — returns the value. Other threads, such as other tests, never
//!   see it.
//! - Guards nest (dropping the inner one brings back the outer), and a panic
//!   unwinding through a guard restores too. `with_toggles` ends its overrides
//!   when the closure returns or panics.
//! - Overrides never open, create or write `toggles.toml`: a name that only
//!   tests override is not appended to the committed file. (The code under
//!   test still appends a name it checks without an override, as in
//!   production.) `toggles check` scans `tests/` too, so such a name is not
//!   called stale.
//! - An invalid name panics: it is test code, where failing loudly is right.
//! - Cost outside tests: while no override exists in the process, a check pays
//!   one extra relaxed atomic load. Cached `toggle!` call sites never return a
//!   stale value around an override.
//!
//! **Code under test on other threads** (a thread pool, a multi-threaded async
//! runtime) cannot see a thread-scoped override. Use `toggle_as_global`, which
//! sets the value for every thread of the process:
//!
//! ```rust,test_harness
//! #[test]
//! fn workers_see_it() {
//!     let _on = toggles::toggle_as_global("new_cart", true);
//!     std::thread::scope(|s| {
//!         s.spawn(|| assert!(toggles::toggle!("new_cart")));
//!     });
//! }
//! ```
//!
//! The trade-off, plainly: process-wide guards serialize with each other
//! through a lock, so two tests using `toggle_as_global` never overlap — they
//! run one after the other. A parallel test that checks the same toggle
//! *without* taking part would see the value, so override a toggle
//! process-wide only in tests that all do so (or run them with
//! `--test-threads=1`).
//!
//! `examples/testing.rs` holds these tests as a program of their own
//! (`cargo test --example testing`); [patterns](crate::docs::patterns#tests)
//! says when to reach for which.
