//! # Limitations
//!
//! - **Booleans, keys and percentages; no segments.** A toggle is on or off,
//!   for everyone or per key: an `allow` list of keys and a `rollout`
//!   percentage. There are no rules on other attributes (country, plan,
//!   version): that keeps a check cheap and the file reviewable.
//! - **A check without a key ignores keys.** `toggle!("x")` (or an empty
//!   key) skips `allow` lists, and a rollout is on only at 100 %: code with
//!   no user at hand sees a feature once it is out to everyone, and never
//!   through someone's allow-list entry.
//! - **Changing `bucketing` reshuffles users.** The scheme is part of the
//!   hash: under the other one, a user inside a 10 % rollout is outside it
//!   nine times in ten. Change it only with every rollout at 0 or 100 %.
//!   Renaming a toggle (or the release a rollout is on) reshuffles its users
//!   the same way.
//! - **flagd's evaluators differ from one another.** `flagd-v3` matches the
//!   PyPI `openfeature-flagd-core` 2.x bit for bit; `flagd-v2` matches the
//!   npm `@openfeature/flagd-core` 4.x for ASCII keys only (that evaluator
//!   hashes JavaScript strings as UTF-16 code units, not UTF-8). flagd
//!   refuses an empty targeting key and serves the default variant: here
//!   an empty key is no key, which gives the same answer.
//! - **A store's environment is fixed when it opens.** `TOGGLES_ENV` (or
//!   [`Builder::environment`](crate::Builder::environment)) is read once;
//!   changing the variable of a running process changes nothing, and the
//!   global store keeps its environment until [`init`](crate::init)
//!   replaces it ([`Builder::base_values`](crate::Builder::base_values)
//!   ignores the variable). A save that stops declaring a running store's
//!   environment is refused like any broken save: the last good version
//!   stays.
//! - **A file declares at most 256 environments**
//!   ([`MAX_ENVIRONMENTS`](crate::MAX_ENVIRONMENTS)): every load validates
//!   every environment's values, and the `toggles` command shows one column
//!   per environment. A file that declares more is refused, at its 257th
//!   name. At the cap, the `toggles` command reads a file of 1 000 toggles
//!   with values in 16 environments each in well under a second; a file
//!   with a value in every environment of every toggle (6 MB) takes one to
//!   two seconds per edit, most of it in `toml_edit`'s reading of the text.
//! - **Environment values written as tables are read by the TOML parser**,
//!   not the fast line reader: `env.production.enabled = false` lines are
//!   read fast, but `[toggles.NAME.env.production]` sections or inline
//!   tables (`env = { … }`) make a large file load a few times slower
//!   (milliseconds for thousands of toggles); checks are unaffected. So does
//!   a `schedule` anywhere in the file (its steps are inline tables).
//! - **A file with schedules keeps its validated form in memory** beside
//!   the snapshot in use (to resolve the next step without reading the
//!   file again): 4.3 MB for 10 000 toggles against 1.9 MB without a
//!   schedule (`tests/alloc.rs`), for such files only.
//!   Each step resolves the whole file again, in milliseconds for
//!   thousands of toggles, on the worker thread.
//! - **A store that does not watch takes steps only when asked**
//!   ([`Store::reload`](crate::Store::reload)): with
//!   [`Builder::watch`](crate::Builder::watch)`(false)` there is no thread
//!   to wake at a step's instant.
//! - **A keyed check of a rollout hashes the key** (MurmurHash3 over the
//!   key and a few bytes): a few times a key-less check, still without a
//!   lock or an allocation (the name's part of the value is hashed once, at
//!   load; under `flagd-v3` a release keeps that part for keys of 1 to 64
//!   bytes and hashes its name again for longer ones). Each thread keeps
//!   its own reference to the global snapshot
//!   for keyed checks, so an old version stays in memory until that thread's
//!   next keyed check after a reload.
//! - **One global store.** [`toggle!`](crate::toggle!) and
//!   [`Toggle`](crate::Toggle) read one process-wide store;
//!   [`init`](crate::init) replaces it (every call site follows at its next
//!   check). Other files are read through explicit [`Store`](crate::Store)s
//!   and `Store::is_enabled`, which has no per-call-site cache.
//! - **Appends are best effort at exit.** They happen on a background
//!   thread; a thread that checked new names waits for them (at most 2 s)
//!   when it exits, which covers returning from `main`. A process that ends
//!   by `std::process::exit`, an abort or a kill may not have written them
//!   (call [`Store::flush`](crate::Store::flush) first, or let the next run
//!   append them). A name passed to `Store::is_enabled` from
//!   user input would be written to the file: do not do that with
//!   appending on. At most 10 000 distinct valid unknown names (1 MiB of
//!   them) are remembered per store; invalid ones only as fingerprints.
//! - **Deleting a toggle that running code still checks puts it back**: a
//!   missing name is appended whenever it goes missing. Remove the code
//!   first (`toggles check` reports what is still used).
//! - **An editor that saves in place can still race an append in one
//!   instant.** The library appends only to the version it has published
//!   (the file's bytes must hash to it, under the lock) and never while the
//!   watcher reports a write in progress, so it never appends into a save
//!   it could see. A writer that starts truncating in the same instant as an
//!   append, without taking the lock, is the window that remains: nothing
//!   can make a truncate-and-write save atomic against another writer. Saves
//!   by rename (most editors, `git`, the `toggles` CLI) have no such window.
//! - **A crash mid-append is completed by the next store that appends.**
//!   Until then a store that may not write (appending off, a read-only
//!   folder) reads the file as it was before that append. The `toggles`
//!   command's reading commands read it as completed, in memory
//!   ([`read_file`](crate::read_file)), and say the append is pending; its
//!   edit commands complete it on disk first, as a store that appends does
//!   (not with `TOGGLES_APPEND=off`: then start the application once).
//! - **Overrides register names with the global store only.** Overriding a
//!   name that a non-global store's file lacks does not append it there.
//! - **Knowing that a save is complete needs the watcher's word.** On
//!   Linux, inotify reports a rename into place and the close of a file
//!   that was written: the file is read then, and only then — and that
//!   read counts as the word only if nothing wrote the file between the word
//!   and the read's end (rapid saves: a file event came meanwhile, or the
//!   file's size or times moved; the read may hold pieces of two saves).
//!   Where no such word comes — polling (a network file system without
//!   events, or after the watch could not start), a writer that keeps the
//!   file open (2 s without a close), other platforms' watchers, events lost
//!   to a queue overflow — the store reads after a quiet time and publishes new
//!   content only when a second read, 20 ms later (250 ms for a poll),
//!   finds the same bytes. A writer that pauses longer than that in the
//!   middle of a save, with a cut that happens to parse, can then still be
//!   published: a conservative settle, not a guarantee.
//! - **Reload latency is the read and the parse.** A complete save is read
//!   at once: a 2 000-toggle file is visible in about 4 ms (most of it
//!   parsing 260 KB; `BENCHMARKS.md`). Changes no writer's close ends (a
//!   deleted file, folder events) settle for 20 ms first (at most 60 ms).
//! - **An empty file never replaces a version with toggles**: it is what a
//!   truncating editor leaves mid-save. Leave a comment in the file to
//!   remove every toggle.
