//! Carrying out a reload decision: the snapshot swap, `last_error`, the log
//! line, the publish hook and the subscribers.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, MutexGuard};
use std::time::Instant;

use super::Shared;
use super::reload::{Decision, ReloadState, Trigger};
use super::worker::panic_message;
use crate::changes::Changes;
use crate::date::Timestamp;
use crate::deferred::{DeferredLog, defer_log};
use crate::error::Error;
use crate::generation;
use crate::read;
use crate::snapshot::Snapshot;
use crate::sync::lock;

/// A [`Store::subscribe`](crate::Store::subscribe) callback, and who it is.
pub(super) struct Subscriber {
    pub(super) id: u64,
    /// The callback's type, which names the function or closure that made it.
    pub(super) name: &'static str,
    pub(super) callback: Box<dyn Fn(&Changes) + Send + Sync>,
    /// Whether a panic of this subscriber was logged already.
    pub(super) panicked: AtomicBool,
}

impl Subscriber {
    /// Calls the subscriber; a panic is caught and logged (once per
    /// subscriber), so no subscriber can stop the worker.
    fn notify(&self, changes: &Changes, path: &std::path::Path) {
        // The callback only sees `changes`, which it cannot leave half-made;
        // whatever it broke of its own is its own business.
        let Err(panic) = catch_unwind(AssertUnwindSafe(|| (self.callback)(changes))) else {
            return;
        };
        // Relaxed: a flag that only limits logging to once.
        if !self.panicked.swap(true, Ordering::Relaxed) {
            let message = panic_message(&*panic);
            log::error!(
                "{}: subscriber #{} ({}) panicked: {message}; it stays subscribed, and \
                 reloads go on (further panics of it are not logged)",
                path.display(),
                self.id,
                self.name
            );
        }
    }
}

/// Hears the generation of each snapshot a store publishes (see
/// [`Store::set_on_publish`](crate::Store::set_on_publish)).
pub(crate) type PublishHook = Arc<dyn Fn(&Arc<Snapshot>) + Send + Sync>;

/// What a reload did, and whether the worker should look again.
pub(super) struct Reloaded {
    /// As [`Store::reload`](crate::Store::reload) returns it.
    pub(super) result: Result<bool, Arc<Error>>,
    /// The content may be a save in progress: read again at this instant.
    pub(super) retry_at: Option<Instant>,
}

impl Shared {
    /// Reads the file, decides, and carries the decision out.
    pub(super) fn reload(&self, trigger: Trigger) -> Reloaded {
        self.reload_since(trigger, None)
    }

    /// [`reload`](Self::reload), for a read called for by a writer's "done"
    /// signal at which the file's stamp was `signal`: a file that differs
    /// from it was written since, and the read is only a first look.
    pub(super) fn reload_since(&self, trigger: Trigger, signal: Option<read::Stamp>) -> Reloaded {
        let done = |result| Reloaded {
            result,
            retry_at: None,
        };
        // Logged after `state` is released (declared first, dropped last):
        // a logger may reload the store itself.
        let mut lines = DeferredLog::new();
        // Held until the snapshot is published and the hook has run, so
        // that publishes happen one at a time, in order.
        let mut state = lock(&self.reload);
        let (read, changed_during) = match read::read_watching(&self.path, signal.as_ref()) {
            Ok(contents) => (Ok(contents.bytes), contents.written_during),
            Err(e) => (Err(e), false),
        };
        // The worker took the events that called for this read before it
        // began: any there now came during it, from a later write.
        let events_during = trigger.follows_the_watch() && self.events_during_read();
        let counted = trigger.counted(events_during, changed_during);
        let decision = state.decide(&self.path, counted, read, Instant::now());
        let retry_at = match &decision {
            Decision::Keep(keep) => keep.retry_at,
            Decision::Recheck(at) => Some(*at),
            _ => None,
        };
        if let Some(at) = retry_at
            && !trigger.follows_the_watch()
        {
            // A caller's read, or the one after an append, that a write
            // overlapped: the worker (if the store has one) looks again,
            // as it does after its own reads.
            let mut work = lock(&self.work);
            work.recheck = Some(work.recheck.map_or(at, |r| r.min(at)));
            drop(work);
            self.wake.notify_all();
        }
        let definitions = match decision {
            Decision::Absent => return done(Ok(false)),
            Decision::Unchanged => {
                self.last_error.store(None);
                // The same bytes, but perhaps a later instant: a schedule's
                // next step (a poll is the backstop for a clock that jumped).
                let stepped = self.publish_step(state, lines);
                return done(Ok(stepped));
            }
            Decision::Keep(keep) => {
                match keep.log {
                    Some(level @ log::Level::Error) => {
                        defer_log!(
                            lines,
                            level,
                            "{}\nkeeping the last good version",
                            keep.error
                        )
                    }
                    // An emptied file says what it keeps itself.
                    Some(level) if matches!(*keep.error, Error::Emptied { .. }) => {
                        defer_log!(lines, level, "{}", keep.error)
                    }
                    Some(level) => {
                        defer_log!(
                            lines,
                            level,
                            "{}; keeping the last good version",
                            keep.error
                        )
                    }
                    None => {}
                }
                if keep.record {
                    self.last_error.store(Some(Arc::clone(&keep.error)));
                }
                return Reloaded {
                    result: Err(keep.error),
                    retry_at: keep.retry_at,
                };
            }
            Decision::Recheck(at) => {
                return Reloaded {
                    result: Ok(false),
                    retry_at: Some(at),
                };
            }
            Decision::Publish(definitions) => definitions,
        };
        let snapshot = Snapshot::new(generation::next(), definitions);
        self.last_error.store(None);
        self.publish(state, lines, snapshot, |name, changes| {
            format!("{name} reloaded: {changes}")
        });
        done(Ok(true))
    }

    /// Publishes the version in use resolved at the current instant, if a
    /// step of a schedule lies between it and the instant it was resolved
    /// at (either way: a clock set back is followed); whether it did.
    pub(super) fn step(&self) -> bool {
        let lines = DeferredLog::new(); // declared first, dropped last
        let state = lock(&self.reload);
        self.publish_step(state, lines)
    }

    /// [`step`](Self::step), under the reload lock the caller holds.
    fn publish_step(&self, state: MutexGuard<'_, ReloadState>, lines: DeferredLog) -> bool {
        let now = Timestamp::now();
        let current = self.current.load_full();
        let resolved = (!current.holds_at(now))
            .then(|| current.resolved(generation::next(), now))
            .flatten();
        let Some(snapshot) = resolved else {
            drop(state);
            lines.emit();
            return false;
        };
        let why = match snapshot.last_step() {
            Some(step) if current.resolved_at().is_none_or(|at| at < step) => {
                format!("step at {step}")
            }
            _ => format!("the clock is back at {now}"),
        };
        self.publish(state, lines, snapshot, |name, changes| {
            format!("{name}: scheduled ({why}): {changes}")
        });
        true
    }

    /// Swaps `snapshot` in, runs the publish hook, and tells the log (in
    /// the words of `describe`, given the file's name and the changes) and
    /// the subscribers what changed, once `state` is released.
    fn publish(
        &self,
        state: MutexGuard<'_, ReloadState>,
        mut lines: DeferredLog,
        snapshot: Snapshot,
        describe: impl FnOnce(&str, &Changes) -> String,
    ) {
        let snapshot = Arc::new(snapshot);
        let old = self.current.swap(Arc::clone(&snapshot));
        let hook = lock(&self.on_publish).clone();
        if let Some(hook) = hook {
            hook(&snapshot);
        }
        self.requeue_vanished(&snapshot);
        let changes = Changes::between(&old, &snapshot);
        let mut subscribers: Vec<Arc<Subscriber>> = Vec::new();
        if !changes.is_empty() {
            let name = self.path.file_name().map_or_else(
                || self.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            defer_log!(lines, log::Level::Info, "{}", describe(&name, &changes));
            subscribers = lock(&self.subscribers).iter().map(Arc::clone).collect();
        }
        // Unlocked: a subscriber (or the logger) may call `reload` or drop
        // the store.
        drop(state);
        lines.emit();
        for subscriber in subscribers {
            subscriber.notify(&changes, &self.path);
        }
    }
}
