//! Names the file lacks: each is remembered once, and appended to the file
//! (off) by the worker, holding back while an editor may be saving.

use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::reload::{SETTLE, Trigger};
use super::{APPEND_ENV, Shared};
use crate::append::{self, AppendError};
use crate::date::Date;
use crate::name::is_valid_name;
use crate::seen::{LOG_EVERY, MAX_SEEN, MAX_SEEN_BYTES, Seen, Shown};
use crate::snapshot::Snapshot;
use crate::sync::lock;

/// How many times an append holds back while the file was just modified
/// by someone else (it may be mid-save); after that it goes ahead.
const APPEND_ATTEMPTS: u32 = 5;

/// How long a thread that checked new names waits, when it exits, for
/// them to be appended.
const EXIT_FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

thread_local! {
    /// The stores this thread queued names for.
    static FLUSH_AT_EXIT: FlushAtExit = const { FlushAtExit(RefCell::new(Vec::new())) };
}

/// Flushes, when its thread exits, the stores that thread queued names
/// for: a short program that checks a new name and returns from `main`
/// has appended it. (The main thread's thread-locals are destroyed when
/// `main` returns, before the process exits, on the platforms Rust runs
/// their destructors at exit, Linux among them.)
struct FlushAtExit(RefCell<Vec<Weak<Shared>>>);

impl Drop for FlushAtExit {
    fn drop(&mut self) {
        for store in self.0.get_mut().drain(..) {
            let Some(store) = store.upgrade() else {
                continue;
            };
            if !store.flush(EXIT_FLUSH_TIMEOUT) {
                log::warn!(
                    "{}: a thread that checked new toggles exits before they could be \
                     appended (the file's lock is taken, or an editor is saving it)",
                    store.path.display()
                );
            }
        }
    }
}

/// Makes the current thread flush `store` when it exits (once per store).
fn flush_when_this_thread_exits(store: &Arc<Shared>) {
    // During the thread's own teardown there is nothing left to register.
    let _ = FLUSH_AT_EXIT.try_with(|stores| {
        let mut stores = stores.0.borrow_mut();
        if !stores.iter().any(|s| s.as_ptr() == Arc::as_ptr(store)) {
            stores.retain(|s| s.strong_count() > 0);
            stores.push(Arc::downgrade(store));
        }
    });
}

/// What became of an append attempt.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum AppendOutcome {
    /// Appended (or nothing was missing), or failed for good (logged).
    Done,
    /// Held back: the lock is taken, or the file may be mid-save. Try again
    /// a moment later.
    Later,
    /// The file is not the version in use: reload, then try again.
    AfterReload,
    /// The file does not validate: try again after the next good version.
    AfterGoodVersion,
}

impl Shared {
    /// Records a name the current snapshot lacks: logs it once if invalid
    /// (within a rate limit, quoting its start only), otherwise queues it
    /// once for appending.
    #[cold]
    #[inline(never)]
    pub(super) fn note_unknown(self: &Arc<Self>, name: &str) {
        match self.seen.insert(name) {
            Seen::Before | Seen::Full { first: false } | Seen::Invalid { log: None } => return,
            Seen::Full { first: true } => {
                log::warn!(
                    "{}: more than {MAX_SEEN} unknown toggle names (or {} KiB of them) were \
                     checked; further ones are off and not appended",
                    self.path.display(),
                    MAX_SEEN_BYTES >> 10
                );
                return;
            }
            Seen::Invalid { log: Some(0) } => {
                log::warn!(
                    "invalid toggle name {}: use 1 to 255 ASCII letters, digits, `_` or `-` \
                     (a TOML bare key)",
                    Shown(name)
                );
                return;
            }
            Seen::Invalid {
                log: Some(held_back),
            } => {
                log::warn!(
                    "invalid toggle name {}: use 1 to 255 ASCII letters, digits, `_` or `-` \
                     (a TOML bare key); and {held_back} more invalid name(s) since the last \
                     such line, not logged (at most one line per {}s)",
                    Shown(name),
                    LOG_EVERY.as_secs()
                );
                return;
            }
            Seen::New => {}
        }
        if self.append && !self.current.load().contains(name) {
            self.queue(name.into());
            flush_when_this_thread_exits(self);
        }
    }

    /// Queues again the names checked while missing that a new version lacks
    /// once more: an editor that saved over an append without the lock, or a
    /// user who deleted a toggle that running code still checks. A missing
    /// name is appended, whenever it goes missing.
    pub(super) fn requeue_vanished(&self, snapshot: &Snapshot) {
        if !self.append {
            return;
        }
        let vanished = self
            .seen
            .filtered(|name| is_valid_name(name) && !snapshot.contains(name));
        if !vanished.is_empty() {
            let mut work = lock(&self.work);
            for name in vanished {
                if !work.names.contains(&name) && !work.waiting.contains(&name) {
                    work.names.push(name);
                }
            }
            drop(work);
            self.wake.notify_all();
        }
    }

    /// Tries once to append `names` (those the file still lacks) to the
    /// version in use, without waiting for anything; reloads after an
    /// append. `attempt` counts the tries held back so far; `stopping`, the
    /// store is being dropped (no more holding back for an editor).
    pub(super) fn append(&self, names: &[Box<str>], attempt: u32, stopping: bool) -> AppendOutcome {
        // An editor may be saving in place right now: hold back a few times,
        // then append anyway (a modification time can lie) — unless the file
        // is empty while the version in use is not.
        let quiet_for = (attempt + 1 < APPEND_ATTEMPTS && !stopping).then_some(2 * SETTLE);
        let caution = append::Caution {
            quiet_for,
            refuse_empty: !self.current.load().is_empty(),
            ours: *lock(&self.appended_at),
            expected: match lock(&self.reload).in_use() {
                Some(hash) => append::Expected::Hash(hash),
                None => append::Expected::NoFile,
            },
        };
        match append::append_missing(&self.path, names, Date::today(), caution) {
            Ok(appended) => {
                if !appended.names.is_empty() {
                    *lock(&self.appended_at) = appended.modified;
                    log::info!(
                        "{}: appended {} new toggle(s), off: {}",
                        self.path.display(),
                        appended.names.len(),
                        appended.names.join(", ")
                    );
                }
                self.reload(Trigger::Append);
                AppendOutcome::Done
            }
            Err(AppendError::Invalid(e)) => {
                log::debug!(
                    "{}: not appending while the file is invalid: {e}",
                    self.path.display()
                );
                AppendOutcome::AfterGoodVersion
            }
            Err(AppendError::Busy) if quiet_for.is_some() => {
                log::debug!(
                    "{}: not appending while an editor may be saving",
                    self.path.display()
                );
                AppendOutcome::Later
            }
            Err(AppendError::Busy) => {
                log::debug!("{}: not appending to an emptied file", self.path.display());
                AppendOutcome::AfterGoodVersion
            }
            Err(AppendError::Locked) => {
                log::debug!("{}: another writer holds the lock", self.path.display());
                AppendOutcome::Later
            }
            Err(AppendError::Unpublished) => AppendOutcome::AfterReload,
            Err(AppendError::Io(e)) => {
                // Relaxed: a flag that only limits logging to once.
                if !self.append_failure_logged.swap(true, Ordering::Relaxed) {
                    log::warn!(
                        "{e}; unknown toggles stay off and are not appended \
                         (set {APPEND_ENV}=off to stop trying)"
                    );
                }
                AppendOutcome::Done
            }
        }
    }
}
