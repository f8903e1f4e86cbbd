//! The store's background thread. It sleeps until something is due — a
//! read the file events call for (see [`Pending`]), a second look a
//! decision asked for, a poll, queued names to append — does it, and sleeps
//! again. It never waits on anything it does not control: appends take the
//! cross-process lock without blocking (another writer holding it only
//! delays the append, never a reload), and a subscriber that panics is
//! caught (see `publish.rs`).

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::Shared;
use super::reload::{Pending, SETTLE, Trigger};
use super::unknown::AppendOutcome;
use crate::deferred::{DeferredLog, defer_log};
use crate::read;
use crate::sync::lock;
use crate::watch::{self, Change};

/// How often to look for a watched folder that was deleted, and to poll the
/// file meanwhile.
const LOST_WATCH_POLL: Duration = Duration::from_secs(1);
/// How long [`Store::flush`](crate::Store::flush) waits at most.
pub(super) const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a stopping store keeps trying to append what is queued.
const STOP_APPEND_WAIT: Duration = Duration::from_secs(1);
/// How long a read waits at most for the watch to pass on the events that
/// came before its end (see [`Shared::events_during_read`]).
const MARKER_WAIT: Duration = Duration::from_millis(20);

/// What the worker has to do; under `Shared::work`, with `wake` and `idle`.
#[derive(Default)]
pub(super) struct Work {
    /// File events not handled yet.
    pub(super) events: Option<Pending>,
    /// The file's stamp at the last "done" signal among `events` (see
    /// [`Shared::reload_since`]).
    pub(super) signal: Option<read::Stamp>,
    /// How many [`Change::Marker`]s the watch passed on.
    pub(super) markers: u64,
    /// Whether the watch passes markers on (it does on Linux): set by each
    /// marker, cleared when one was waited for in vain.
    pub(super) markers_come: bool,
    /// A decision asked to look at the file again at this instant.
    pub(super) recheck: Option<Instant>,
    /// Names queued for appending.
    pub(super) names: Vec<Box<str>>,
    /// Names that could not be appended because the file did not parse; they
    /// are tried again after the next good version.
    pub(super) waiting: Vec<Box<str>>,
    /// An append held back (the lock is taken, the file may be mid-save):
    /// when to try again, and how many tries so far.
    pub(super) append_retry: Option<(Instant, u32)>,
    /// The watch was lost (its folder was deleted): poll and re-watch.
    pub(super) watch_lost: bool,
    /// The worker is handling something taken from this struct.
    pub(super) busy: bool,
    pub(super) stop: bool,
}

/// What the worker does next.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Read(Trigger),
    Append,
    Sleep(Option<Instant>),
    Exit,
}

impl Work {
    /// What is due at `now`, given when the next poll is due.
    fn next(&self, now: Instant, poll_at: Option<Instant>) -> Next {
        let append_at = self.append_retry.map_or(now, |(at, _)| at);
        let can_append = !self.names.is_empty() && !self.events.is_some_and(|e| e.is_writing());
        if self.stop {
            return if can_append && append_at <= now {
                Next::Append
            } else if can_append && self.append_retry.is_some() {
                Next::Sleep(Some(append_at))
            } else {
                Next::Exit
            };
        }
        let events_at = self.events.map(|e| e.due(now));
        if let Some(at) = events_at
            && at <= now
        {
            return Next::Read(self.events.map_or(Trigger::Event, |e| e.trigger()));
        }
        // A pending event supersedes a second look: its read comes instead.
        let recheck_at = self.recheck.filter(|_| self.events.is_none());
        if recheck_at.is_some_and(|at| at <= now) {
            return Next::Read(Trigger::Retry);
        }
        // A poll waits while a read is pending anyway.
        let poll_at = poll_at.filter(|_| self.events.is_none() && self.recheck.is_none());
        if poll_at.is_some_and(|at| at <= now) {
            return Next::Read(Trigger::Poll);
        }
        if can_append && append_at <= now {
            return Next::Append;
        }
        let append_at = can_append.then_some(append_at);
        let wake = [events_at, recheck_at, poll_at, append_at]
            .into_iter()
            .flatten()
            .min();
        Next::Sleep(wake)
    }
}

impl Shared {
    /// Starts the background worker if it is not running; a failure is
    /// logged through `lines`, after the caller's locks.
    pub(super) fn ensure_worker(self: &Arc<Self>, lines: &mut DeferredLog) {
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
            Err(e) => defer_log!(
                lines,
                log::Level::Error,
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
    pub(super) fn file_event(&self, change: Change) {
        if change == Change::Marker {
            let mut work = lock(&self.work);
            work.markers += 1;
            work.markers_come = true;
            drop(work);
            self.wake.notify_all();
            return;
        }
        // What the file is as its writer says it is done: a read that finds
        // it otherwise was overtaken by a later write.
        let signal = (change == Change::Complete)
            .then(|| read::stamp(&self.path))
            .flatten();
        let now = Instant::now();
        let mut lines = DeferredLog::new(); // logged after `work` is released
        let mut work = lock(&self.work);
        work.events
            .get_or_insert_with(Pending::new)
            .event(change, now);
        if change == Change::Complete {
            work.signal = signal;
        }
        if change == Change::FolderGone && !work.watch_lost {
            work.watch_lost = true;
            defer_log!(
                lines,
                log::Level::Warn,
                "{}: the folder was removed; polling every {LOST_WATCH_POLL:?} until it is back",
                self.path.display()
            );
        }
        drop(work);
        self.wake.notify_all();
    }

    /// Whether file events came between the moment the worker took the
    /// events that called for a read and now, the read's end. Events come
    /// from the watch's thread, a little after the write they tell of: a
    /// write during the read can still be on its way. So, where the watch
    /// passes markers on, this opens the folder ([`watch::mark`]) and waits
    /// (at most [`MARKER_WAIT`]) for the marker: every event before it has
    /// then arrived. (Someone else opening the folder meanwhile can end the
    /// wait early.)
    pub(super) fn events_during_read(&self) -> bool {
        let watching = lock(&self.watcher).is_some();
        let mut work = lock(&self.work);
        if !watching || work.watch_lost {
            return work.events.is_some();
        }
        let (before, wait) = (work.markers, work.markers_come);
        drop(work);
        // Even where no marker has come yet: the first one that does shows
        // that markers come, and the next reads wait for theirs.
        let marked = watch::mark(&self.path);
        work = lock(&self.work);
        let deadline = Instant::now() + MARKER_WAIT;
        while wait && marked && work.markers == before && work.events.is_none() {
            let now = Instant::now();
            if now >= deadline {
                // Not this time (a busy machine), perhaps never (a watch
                // that passes none on): read as before until one comes.
                work.markers_come = false;
                break;
            }
            work = self
                .wake
                .wait_timeout(work, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        work.events.is_some()
    }

    /// Queues a name for appending and wakes the worker (starting it if needed).
    pub(super) fn queue(self: &Arc<Self>, name: Box<str>) {
        lock(&self.work).names.push(name);
        self.ensure_worker(&mut DeferredLog::new());
        self.wake.notify_all();
    }

    /// Waits until the queued names are written (or have failed and been
    /// logged) and the store has reloaded after them, or `timeout` passed.
    /// Whether everything was done.
    pub(super) fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut work = lock(&self.work);
        while (work.busy || !work.names.is_empty()) && !work.stop {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            work = self
                .idle
                .wait_timeout(work, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    fn poll_interval(&self, work: &Work) -> Option<Duration> {
        let poll = self.poll.get().copied();
        if work.watch_lost {
            return Some(poll.map_or(LOST_WATCH_POLL, |p| p.min(LOST_WATCH_POLL)));
        }
        poll
    }

    fn run_worker(self: Arc<Self>) {
        let mut work = lock(&self.work);
        let mut last_poll = Instant::now();
        let mut stopping_since = None;
        loop {
            let now = Instant::now();
            let poll_at = self.poll_interval(&work).map(|p| last_poll + p);
            let next = work.next(now, poll_at);
            let trigger = match next {
                Next::Exit => break,
                Next::Sleep(until) => {
                    work = match until {
                        Some(at) => {
                            self.wake
                                .wait_timeout(work, at.saturating_duration_since(now))
                                .unwrap_or_else(|e| e.into_inner())
                                .0
                        }
                        None => self.wake.wait(work).unwrap_or_else(|e| e.into_inner()),
                    };
                    continue;
                }
                Next::Read(trigger) => {
                    work.events = None;
                    work.recheck = None;
                    let signal = work.signal.take();
                    if trigger == Trigger::Poll {
                        last_poll = now;
                    }
                    Some((trigger, signal.filter(|_| trigger == Trigger::Complete)))
                }
                Next::Append => None,
            };
            work.busy = true;
            let watch_lost = work.watch_lost;
            drop(work);
            // What is logged under `work` waits for the end of the round.
            let mut lines = DeferredLog::new();

            match trigger {
                Some((trigger, signal)) => {
                    if trigger == Trigger::Poll && watch_lost {
                        self.rewatch();
                    }
                    let reloaded = self.reload_since(trigger, signal);
                    work = lock(&self.work);
                    work.recheck = reloaded.retry_at;
                    if reloaded.result.is_ok() {
                        let waiting = std::mem::take(&mut work.waiting);
                        work.names.extend(waiting);
                    }
                }
                None => {
                    let mut work_now = lock(&self.work);
                    let mut names = std::mem::take(&mut work_now.names);
                    if self.last_error.load().is_none() {
                        // A good version may have come through `Store::reload`.
                        names.append(&mut work_now.waiting);
                    }
                    let attempt = work_now.append_retry.map_or(0, |(_, n)| n);
                    let stopping = work_now.stop;
                    drop(work_now);
                    let last_try = stopping
                        && stopping_since.get_or_insert_with(Instant::now).elapsed()
                            >= STOP_APPEND_WAIT;
                    let outcome = self.append(&names, attempt, stopping);
                    work = lock(&self.work);
                    work.append_retry = None;
                    let mut give_up = |why: &str| {
                        defer_log!(
                            lines,
                            log::Level::Warn,
                            "{}: stopping before {} new toggle(s) could be appended ({why}): {}",
                            self.path.display(),
                            names.len(),
                            names.join(", ")
                        )
                    };
                    match outcome {
                        AppendOutcome::Done => {}
                        AppendOutcome::Later if !last_try => {
                            work.names.extend(names);
                            work.append_retry = Some((Instant::now() + SETTLE, attempt + 1));
                        }
                        AppendOutcome::Later => give_up("the file stayed busy"),
                        // Never append to a version this store has not read
                        // and published, not even on the way out.
                        AppendOutcome::AfterReload if stopping => {
                            give_up("the file changed and was not read again")
                        }
                        AppendOutcome::AfterReload => {
                            // The file is not the version in use: learn
                            // what it is first (as if an event had said it
                            // changed), then try again.
                            work.names.extend(names);
                            work.events
                                .get_or_insert_with(Pending::new)
                                .event(Change::Other, Instant::now());
                        }
                        AppendOutcome::AfterGoodVersion => work.waiting.extend(names),
                    }
                }
            }
            if !lines.is_empty() {
                drop(work);
                lines.emit();
                work = lock(&self.work);
            }
            work.busy = false;
            self.idle.notify_all();
        }
        work.busy = false;
        self.idle.notify_all();
    }

    /// Tries to watch the folder again after it was deleted.
    fn rewatch(self: &Arc<Self>) {
        let weak = Arc::downgrade(self);
        let on_event = move |change| {
            if let Some(shared) = weak.upgrade() {
                shared.file_event(change);
            }
        };
        match watch::Watcher::start(&self.path, on_event) {
            Ok(watcher) => {
                let mut slot = lock(&self.watcher);
                if lock(&self.work).stop {
                    return;
                }
                // The lost watch is dropped unlocked: `notify` may log.
                let lost = slot.replace(watcher);
                drop(slot);
                drop(lost);
                lock(&self.work).watch_lost = false;
                log::warn!(
                    "{}: the folder is back; watching it again",
                    self.path.display()
                );
            }
            Err(e) => log::debug!("{}: cannot watch yet: {e}", self.path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_when_events_are_due_appends_when_no_write_is_going_on() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut work = Work::default();
        assert_eq!(work.next(t0, None), Next::Sleep(None));
        assert_eq!(
            work.next(t0, Some(t0 + ms(5))),
            Next::Sleep(Some(t0 + ms(5)))
        );
        assert_eq!(
            work.next(t0 + ms(5), Some(t0 + ms(5))),
            Next::Read(Trigger::Poll)
        );

        work.names.push("new_name".into());
        assert_eq!(work.next(t0, None), Next::Append);
        // A write in place is going on: neither read nor append until it closes.
        let mut events = Pending::new();
        events.event(Change::Writing, t0);
        work.events = Some(events);
        assert_eq!(
            work.next(t0 + ms(100), None),
            Next::Sleep(Some(events.due(t0)))
        );
        events.event(Change::Complete, t0 + ms(100));
        work.events = Some(events);
        assert_eq!(work.next(t0 + ms(100), None), Next::Read(Trigger::Complete));
        work.events = None;
        assert_eq!(work.next(t0 + ms(100), None), Next::Append);

        // A poll that is due waits for a pending read, without spinning.
        work.names.clear();
        let mut writing = Pending::new();
        writing.event(Change::Writing, t0);
        work.events = Some(writing);
        assert_eq!(
            work.next(t0 + ms(100), Some(t0)),
            Next::Sleep(Some(writing.due(t0)))
        );
        work.events = None;
        work.names.push("new_name".into());

        // A held-back append waits for its time; a second look comes first.
        work.append_retry = Some((t0 + ms(20), 1));
        work.recheck = Some(t0 + ms(10));
        assert_eq!(work.next(t0, None), Next::Sleep(Some(t0 + ms(10))));
        assert_eq!(work.next(t0 + ms(10), None), Next::Read(Trigger::Retry));
        work.recheck = None;
        assert_eq!(work.next(t0 + ms(20), None), Next::Append);

        // Stopping: the queued names still go out, then the worker exits.
        work.stop = true;
        assert_eq!(work.next(t0 + ms(20), None), Next::Append);
        work.names.clear();
        assert_eq!(work.next(t0 + ms(20), None), Next::Exit);
    }
}
