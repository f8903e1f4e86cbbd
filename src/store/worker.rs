//! The store's background thread: it sleeps until a file event, a queued
//! name or a due poll, lets a burst of events settle, reloads, and appends.

use std::sync::Arc;
use std::thread;
use std::time::Instant;

use super::Shared;
use super::reload::{Burst, Trigger};
use crate::sync::lock;

/// What the worker has to do; under `Shared::work`, with `wake` and `idle`.
#[derive(Default)]
pub(super) struct Work {
    /// A file event arrived (or a poll is due) and no reload has run since.
    pub(super) dirty: bool,
    /// The events not handled yet.
    pub(super) burst: Option<Burst>,
    /// Names queued for appending.
    pub(super) pending: Vec<Box<str>>,
    /// Names that could not be appended because the file did not parse; they
    /// are tried again after the next good load.
    pub(super) waiting: Vec<Box<str>>,
    /// The worker is handling something taken from this struct.
    pub(super) busy: bool,
    pub(super) stop: bool,
}

impl Shared {
    /// Starts the background worker if it is not running.
    pub(super) fn ensure_worker(self: &Arc<Self>) {
        let mut worker = lock(&self.worker);
        if worker.is_some() || lock(&self.work).stop {
            return;
        }
        let shared = Arc::clone(self);
        let spawned = thread::Builder::new()
            .name("toggles".into())
            .spawn(move || shared.run_worker());
        match spawned {
            Ok(handle) => *worker = Some(handle),
            Err(e) => log::error!(
                "{}: cannot start the toggles worker thread: {e}",
                self.path.display()
            ),
        }
    }

    /// Stops the worker after it has written what is queued, and joins it.
    pub(super) fn stop_worker(&self) {
        lock(&self.work).stop = true;
        self.wake.notify_all();
        let worker = lock(&self.worker).take();
        if let Some(worker) = worker {
            // The last handle can be dropped by a subscriber, on the worker.
            if worker.thread().id() != thread::current().id() {
                let _ = worker.join();
            }
        }
    }

    /// Called by the watcher for each event that could concern the file.
    pub(super) fn file_event(&self) {
        let now = Instant::now();
        let mut work = lock(&self.work);
        work.dirty = true;
        match &mut work.burst {
            Some(burst) => burst.event(now),
            None => work.burst = Some(Burst::new(now)),
        }
        drop(work);
        self.wake.notify_all();
    }

    /// Queues names for appending and wakes the worker (starting it if needed).
    pub(super) fn queue(self: &Arc<Self>, name: Box<str>) {
        lock(&self.work).pending.push(name);
        self.ensure_worker();
        self.wake.notify_all();
    }

    pub(super) fn flush(&self) {
        let mut work = lock(&self.work);
        while (work.busy || !work.pending.is_empty()) && !work.stop {
            work = self.idle.wait(work).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn run_worker(self: Arc<Self>) {
        let mut work = lock(&self.work);
        loop {
            // Sleep until there is something to do, or a poll is due.
            while !work.dirty && work.pending.is_empty() && !work.stop {
                match self.poll.get().copied() {
                    Some(poll) => {
                        let (next, timeout) = self
                            .wake
                            .wait_timeout(work, poll)
                            .unwrap_or_else(|e| e.into_inner());
                        work = next;
                        if timeout.timed_out() && !work.dirty {
                            work.dirty = true;
                        }
                    }
                    None => work = self.wake.wait(work).unwrap_or_else(|e| e.into_inner()),
                }
            }
            if work.stop && work.pending.is_empty() {
                break;
            }
            // Let a burst of events settle (see `Burst::due`).
            let trigger = match work.burst {
                Some(_) => {
                    while let Some(burst) = work.burst {
                        let now = Instant::now();
                        if now >= burst.due() || work.stop {
                            break;
                        }
                        work = self
                            .wake
                            .wait_timeout(work, burst.due() - now)
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                    Trigger::Event
                }
                None => Trigger::Poll,
            };
            let reload = std::mem::take(&mut work.dirty);
            work.burst = None;
            let pending = std::mem::take(&mut work.pending);
            work.busy = true;
            drop(work);

            if reload {
                let reloaded = self.reload(trigger);
                if let Some(at) = reloaded.retry_at {
                    // Perhaps read mid-save: look again once things settle.
                    thread::sleep(at.saturating_duration_since(Instant::now()));
                    self.reload(Trigger::Retry);
                }
            }
            let mut names = pending;
            if !names.is_empty() || self.last_error.load().is_none() {
                names.append(&mut lock(&self.work).waiting);
            }
            if !names.is_empty() {
                self.append(names);
            }

            work = lock(&self.work);
            work.busy = false;
            self.idle.notify_all();
        }
        work.busy = false;
        self.idle.notify_all();
    }
}
