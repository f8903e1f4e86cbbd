//! Generations: the number that identifies one snapshot in the process.
//!
//! Every snapshot a store loads takes the next number from one process-wide
//! counter, so a generation is never reused, unlike a freed snapshot's
//! address. Call-site caches are keyed on it.

use std::sync::atomic::{AtomicU64, Ordering};

/// The next generation to hand out. 0 is never handed out: it means "none"
/// in [`GLOBAL`] and marks snapshots no store loaded.
static NEXT: AtomicU64 = AtomicU64::new(1);

/// The generation of the global store's current snapshot; 0 until there is
/// one. Written only by the global store's publisher (`global.rs`), read by
/// every call-site cache (`toggle.rs`).
pub(crate) static GLOBAL: AtomicU64 = AtomicU64::new(0);

/// A generation no snapshot had before.
pub(crate) fn next() -> u64 {
    // Relaxed: only uniqueness matters, which a read-modify-write gives at
    // any ordering; nothing else is published through this counter.
    NEXT.fetch_add(1, Ordering::Relaxed)
}
