//! # Performance
//!
//! Measured by `cargo bench` (see `BENCHMARKS.md` for the tables, the
//! machine and the method); ratios from one run, side by side:
//!
//! | check | cost |
//! |---|---|
//! | `toggle!("x")`, static `Toggle` | about 2× a relaxed `AtomicBool` load (0.56 ns) |
//! | `store.is_enabled("x")` | 12–15 ns: faster than a `RwLock<HashMap>` on one thread, ~6× on two |
//! | `snapshot.is_enabled("x")` | ~9 ns |
//! | while a test override exists anywhere | a few ns more per check |
//!
//! - **No allocation per check**: `tests/alloc.rs` counts allocations with a
//!   global allocator around `toggle!`, static `Toggle`s,
//!   `Store::is_enabled` and `Snapshot::is_enabled`.
//! - **No shared write on the hot path**: two threads checking at once each
//!   keep 98–100% of one thread's throughput.
//! - **Reload**: a 10 000-toggle file parses, validates and swaps in about
//!   7 ms (files in the usual shape are read in one pass over their lines);
//!   a complete save reaches checks as soon as it is read and parsed (about
//!   4 ms for a 2 000-toggle file; no settle when the watcher says the
//!   writer is done).
//! - **Memory**: a 10 000-toggle snapshot takes about 1.8 MB with the
//!   allocator's overhead.
//!
//! What is not free: the first check of a call site after each reload (a
//! hash lookup, out of line), a check of a name the file lacks (about 21 ns,
//! and a lock on its first two checks only), and checks while a test override exists.
//!
//! ## In short
//!
//! A `toggle!` check costs about twice a relaxed load of an `AtomicBool`
//! (0.56 ns against 0.27 ns here) and never allocates; `store.is_enabled("x")`
//! by name is faster than a `RwLock<HashMap>` lookup on one thread and about
//! six times faster on two; a 10 000-toggle file reloads in about 7 ms, and a
//! complete save of a 2 000-toggle file reaches checks in about 4 ms (it was
//! 20 to 35 ms while every reload waited for 20 ms of quiet). `BENCHMARKS.md` has
//! the tables, the machine and the one command that reproduces them
//! (`cargo bench`).
//!
//! A check with a key, `toggle!("x", &user_id)`, costs what a key-less one
//! does while the toggle has no rollout or allow list; with one, it hashes the
//! key (MurmurHash3, as flagd does) and never allocates: about 37 ns on this
//! 2 GHz machine under load, most of it the hash (see `BENCHMARKS.md`).
