//! # Design
//!
//! `ARCHITECTURE.md` in the repository maps the modules; this is the short
//! story of one byte of `toggles.toml` becoming the answer of a check.
//!
//! 1. **A whole version at a time.** A [`Store`](crate::Store) reads the
//!    whole file, validates every rule, and publishes an immutable
//!    [`Snapshot`](crate::Snapshot) with one `arc_swap::ArcSwap::swap`.
//!    Each snapshot gets a new, process-unique *generation* number. A reader
//!    sees the old version or the new one, never a mix; a version that fails
//!    validation is never published, so a bad edit switches nothing off.
//! 2. **A check is a cache hit.** [`toggle!`](crate::toggle!) expands to a
//!    `static` [`Toggle`](crate::Toggle) that caches `(generation, state)`
//!    in one `AtomicU64`. A check loads the override counter, the cache and
//!    the global store's generation — three relaxed loads, inlined — and
//!    answers from the cache when the generations match. Only after a
//!    reload does a call site look its name up again (cold, out of line).
//!    Caches are keyed on generations, never on a snapshot's address, which
//!    the allocator may reuse.
//! 3. **New names write themselves down.** A name the snapshot lacks is off
//!    at once and queued, once; the store's background thread appends it to
//!    the end of the file under a lock on the file's folder, after
//!    re-reading the file. The library never rewrites a byte of yours.
//! 4. **Reloads follow the folder.** A `notify` watch on the file's folder
//!    (so renames do not silence it) marks the store dirty; the worker lets
//!    a burst settle, re-reads, and compares a hash of the bytes. A poll is
//!    the safety net.
//! 5. **Overrides sit in front.** Test overrides live on a thread-local (or
//!    a process-wide) stack consulted before any snapshot, only while at
//!    least one exists, and are never written into a cache.
