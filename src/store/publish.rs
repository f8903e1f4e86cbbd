//! Carrying out a reload decision: the snapshot swap, `last_error`, the log
//! line, the publish hook and the subscribers.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::Shared;
use super::reload::{Decision, Trigger};
use super::worker::panic_message;
use crate::changes::Changes;
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
        let done = |result| Reloaded {
            result,
            retry_at: None,
        };
        // Held until the snapshot is published and the hook has run, so
        // that publishes happen one at a time, in order.
        let mut state = lock(&self.reload);
        let read = read::read(&self.path);
        if trigger.follows_the_watch() && lock(&self.work).events.is_some_and(|e| e.is_writing()) {
            // A write in place began while (or before) this read: what was
            // read may be its first part. Its close calls for the next read.
            return done(Ok(false));
        }
        let definitions = match state.decide(&self.path, trigger, read, Instant::now()) {
            Decision::Absent => return done(Ok(false)),
            Decision::Unchanged => {
                self.last_error.store(None);
                return done(Ok(false));
            }
            Decision::Keep(keep) => {
                match keep.log {
                    Some(log::Level::Error) => {
                        log::error!("{}\nkeeping the last good version", keep.error)
                    }
                    // An emptied file says what it keeps itself.
                    Some(level) if matches!(*keep.error, Error::Emptied { .. }) => {
                        log::log!(level, "{}", keep.error)
                    }
                    Some(level) => {
                        log::log!(level, "{}; keeping the last good version", keep.error)
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
        let snapshot = Arc::new(Snapshot::new(generation::next(), definitions));
        let old = self.current.swap(Arc::clone(&snapshot));
        self.last_error.store(None);
        let hook = lock(&self.on_publish).clone();
        if let Some(hook) = hook {
            hook(&snapshot);
        }
        self.requeue_vanished(&snapshot);
        let changes = Changes::between(&old, &snapshot);
        if !changes.is_empty() {
            let name = self.path.file_name().map_or_else(
                || self.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            log::info!("{name} reloaded: {changes}");
            let subscribers: Vec<Arc<Subscriber>> =
                lock(&self.subscribers).iter().map(Arc::clone).collect();
            // Unlocked: a subscriber may call `reload` or drop the store.
            drop(state);
            for subscriber in subscribers {
                subscriber.notify(&changes, &self.path);
            }
        }
        done(Ok(true))
    }
}
