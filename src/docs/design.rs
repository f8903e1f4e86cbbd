//! # Design
//!
//! See `ARCHITECTURE.md` in the repository for the module map. In short:
//!
//! 1. A [`Store`](crate::Store) reads the whole file, validates it, and
//!    publishes an immutable [`Snapshot`](crate::Snapshot) through an
//!    `arc_swap::ArcSwap`. Each snapshot gets a new, process-unique
//!    generation number.
//! 2. [`toggle!`](crate::toggle!) expands to a `static`
//!    [`Toggle`](crate::Toggle) that caches `(generation, state)` in one
//!    `AtomicU64`. A check compares the cached generation with the global
//!    store's and answers from the cache when they match: a few relaxed
//!    loads, no lock, no allocation.
//! 3. A name the snapshot lacks is off at once and queued; the store's
//!    background thread appends it under a cross-process lock on the file's
//!    folder, after re-reading the file.
