//! # Appends, hot reload and reliability
//!
//! What the library does with the file while an application runs: it
//! appends the names it lacks, reloads every save, and keeps the last good
//! version when a save is bad.
//!
//! ## New toggles append themselves
//!
//! The first check of a name the file lacks returns `false` at once; a
//! background thread then appends exactly
//!
//! ```toml
//!
//! [toggles.NAME]
//! enabled = false
//! created = 2026-11-25
//! ```
//!
//! to the end of the file. The library never rewrites, reorders or reformats a
//! byte of yours (a file without a final newline gets one first; a CRLF file
//! gets CRLF lines). Each name is appended once, across threads and across
//! processes sharing the file: the writer takes a lock on the file's folder,
//! re-reads the file, and skips names already there. A file that does not parse
//! at that moment (you are mid-save) is not appended to; the names wait for the
//! next good version. An append is made only to the version the store has
//! published — never into a save still in progress. A missing file is an
//! error at `init` and `Store::open` (`Error::NotFound`, naming the absolute
//! path and the current directory: usually a wrong folder), unless the store is
//! opened with `Builder::create_if_missing(true)`; then, and for the global
//! store opened without `init` (which logs a warning naming the path), the
//! file is created by the first append, holding that name's table (never an
//! empty file).
//!
//! **Short programs append too.** Appends run on the store's background
//! thread; a thread that checked new names waits for them (at most 2 s) when
//! it exits. So a program that checks a new name and **returns from `main`**
//! has appended it, with `toggles::init` or with the global store opened by
//! the first check; so has any thread that checked one and finished. Not
//! covered: `std::process::exit` (Rust does not promise to run the
//! thread-exit step then, though on Linux it does), an abort, a panic with
//! `panic = "abort"`, and a kill — the next run appends the name instead. `store.flush()` waits
//! until queued appends are on disk, for at most 5 s (`store.flush_timeout(d)`
//! chooses the bound and says whether everything was written): another process
//! holding the file's lock delays appends, never reloads.
//!
//! Turn appending off with `Store::builder(…).append_unknown(false)`, or for a
//! whole deployment with the environment variable `TOGGLES_APPEND=off` (also
//! `0`, `false`, `no`), which wins over the builder. A read-only file or folder
//! is logged once; checks keep returning `false`, nothing retries in a loop.
//!
//! ## Hot reload
//!
//! A `Store` (and the global store behind `toggle!`) watches its file and
//! reloads it when it changes — however it was saved — without a restart:
//!
//! - in-place writes (`echo … > toggles.toml`, editors that truncate and write);
//! - write-to-temp + rename (vim, JetBrains "safe write", VS Code,
//!   `git checkout`, `git pull`);
//! - delete, then re-create (the watch keeps working for later saves);
//! - a Kubernetes ConfigMap or Secret volume, where `toggles.toml` is a symlink
//!   to `..data/toggles.toml` and kubelet swaps `..data`;
//! - a symlink to a file in another folder (saves to the target are seen).
//!
//! How: the watch (`notify`) is on the file's **folder**, not the file, so a
//! rename does not silence it. **A version is read when its writer is done
//! with it**: at once after a rename into place (or a ConfigMap swap), and
//! after an in-place write at the moment the writer *closes* the file — never
//! in the middle of a slow save, however long it pauses. A 2 000-toggle file is
//! visible to checks about 4 ms after the save on a laptop-class core (most of
//! it parsing; `BENCHMARKS.md`). Other changes (the file deleted, the folder
//! touched) settle first (20 ms of quiet, at most 60 ms). The file is then read
//! and a hash of its bytes is compared with the version in use: a touch without
//! a change does nothing, and two saves within one timestamp tick are both
//! seen. Where nothing says that a writer is done (a writer that keeps the file
//! open, a poll), new content is published only once two reads a moment apart
//! agree. A slow safety-net poll (every 15 s,
//! `Builder::safety_poll_interval`) catches anything the events missed; if the
//! folder cannot be watched at all (inotify limits, a file system without
//! events) the store says so in the log and polls every second
//! (`Builder::poll_interval`). If the folder itself is deleted, the store logs
//! it, polls every second, and watches the folder again once it is back.
//! `store.reload()` forces a reload now.
//! `Store::builder(path).watch(false)` turns watching off.
//!
//! **Atomic.** A reload reads, parses and validates the whole file, then
//! publishes it with one atomic swap. A `store.snapshot()` is always one whole
//! version: two toggles of one release never disagree mid-save.
//!
//! **A bad edit keeps the last good version.** A save that does not parse or
//! validate — a syntax error, a typo'd field, an undefined release, a
//! half-written file, an empty file from a truncating editor mid-save — is read
//! once more after a moment (an editor may still be writing), and if still bad,
//! the last good snapshot stays in use: nothing is switched off. The error is
//! logged once per distinct bad content, with file, line and column, and
//! `store.last_error()` returns it until a good version loads. A deleted file
//! also keeps the last good version until it is back. (An empty file never
//! replaces a version that had toggles; to remove every toggle, leave a comment
//! in the file.)
//!
//! **Change events.** After each reload that changed something, the library
//! logs one line, e.g. `toggles.toml reloaded: new_cart off→on, dark_mode
//! on→off, 1 added`, and `store.subscribe(callback)` delivers the `Changes`:
//! toggles whose state flipped (name, old, new), toggles whose answer changed
//! for some keys only (a rollout, an `allow` list: `retargeted`), toggles
//! added and removed, and releases switched — to log, emit metrics or warm
//! caches. A change is defined by answers: a save that rewrites a toggle so
//! that every check answers the same (`rollout = 0` as `enabled = false`) is
//! no change, and nobody is told. Keep callbacks
//! quick: they run on the store's background thread. (This example logs with
//! the [`log`](https://docs.rs/log) crate: add `log = "0.4"` to your
//! `[dependencies]`, or print instead.)
//!
//! ```rust
//! # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
//! # toggles::init("toggles.toml").unwrap();
//! let store = toggles::global();
//! let _subscription = store.subscribe(|changes| {
//!     for flip in changes.flipped() {
//!         log::info!("{} is now {}", flip.name, if flip.new { "on" } else { "off" });
//!     }
//! });
//! ```
//!
//! Dropping the last clone of a `Store` stops its watch and its thread, after
//! writing any queued appends.
//!
//! ## Reliability
//!
//! Toggles gate production behaviour, so the library is built to never lose a
//! toggle, corrupt the file or flip a feature by accident:
//!
//! - a bad, half-written or empty save keeps the last good version (see [Hot
//!   reload](#hot-reload));
//! - appends never touch existing bytes, land once per name across processes,
//!   survive an editor saving over them (the name is appended again), and a
//!   writer killed mid-append is repaired by the next one (`ARCHITECTURE.md`,
//!   "Crash safety");
//! - hostile files — 100 000 toggles, 10 MB, deeply nested junk, binary,
//!   invalid UTF-8, a folder or a dangling symlink in the file's place — load or
//!   give a clear error, never a panic or a hang; files over 64 MiB are refused;
//! - a read-only deployment keeps checking; the failed append is logged once.
//!
//! This is tested with property tests (`proptest`), multi-process stress and
//! crash tests, and a soak of file events (`tests/it/stress.rs`; the long
//! variants run with `cargo test --release --all-features --test it -- --ignored stress::`,
//! and in CI),
//! plus a `cargo fuzz` target in `fuzz/`. `SECURITY.md` says
//! what the library writes, where, and why a name can never inject TOML.
