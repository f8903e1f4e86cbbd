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
