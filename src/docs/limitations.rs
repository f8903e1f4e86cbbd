//! # Limitations
//!
//! - **Booleans only, no targeting.** A toggle is on or off for the whole
//!   process: no percentages, users or segments. That keeps a check at a few
//!   atomic loads and the file reviewable.
//! - **One global store.** [`toggle!`](crate::toggle!) and
//!   [`Toggle`](crate::Toggle) read one process-wide store;
//!   [`init`](crate::init) replaces it (every call site follows at its next
//!   check). Other files are read through explicit [`Store`](crate::Store)s
//!   and `Store::is_enabled`, which has no per-call-site cache.
//! - **Appends are best effort.** They happen on a background thread: a
//!   process that exits right after its first check of a new name may not
//!   have written it (call [`Store::flush`](crate::Store::flush) first, or
//!   let the next run append it). A name passed to `Store::is_enabled` from
//!   user input would be written to the file: do not do that with
//!   appending on. At most 10 000 distinct unknown names are remembered per
//!   store.
//! - **Deleting a toggle that running code still checks puts it back**: a
//!   missing name is appended whenever it goes missing. Remove the code
//!   first (`toggles check` reports what is still used).
//! - **An editor that saves in place races an append.** A truncate-and-write
//!   save cannot be made atomic against another writer; the appender holds
//!   back while the file was just modified and never appends to an emptied
//!   file, which closes the window in practice, not in theory. Saves by
//!   rename (most editors, `git`, the `toggles` CLI) have no such window.
//! - **A crash mid-append is completed by the next store that appends.**
//!   Until then a store that may not write (appending off, a read-only
//!   folder) reads the file as it was before that append, and the `toggles`
//!   command refuses the cut file like any invalid one: start the
//!   application (or open a [`Store`](crate::Store) with appending on) once.
//! - **Overrides register names with the global store only.** Overriding a
//!   name that a non-global store's file lacks does not append it there.
//! - **Reload latency has a floor.** A save is visible after the folder has
//!   been quiet for 20 ms (at most 60 ms into a burst of events), plus the
//!   read: about 20 to 35 ms. Without file events (some network file
//!   systems), polling every second takes over.
//! - **An empty file never replaces a version with toggles**: it is what a
//!   truncating editor leaves mid-save. Leave a comment in the file to
//!   remove every toggle.
