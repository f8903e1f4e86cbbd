//! The store's background thread. It sleeps until something is due — a
//! read the file events call for (see [`Pending`]), a second look a
//! decision asked for, a poll, queued names to append — does it, and sleeps
//! again. It never waits on anything it does not control: appends take the
//! cross-process lock without blocking (another writer holding it only
//! delays the append, never a reload), and a subscriber that panics is
//! caught (see `publish.rs`).
//!
//! It never spins either: whatever it tries again (an append held back by
//! the lock or an editor, an append that must wait for a reload, an append
//! to a file it cannot append to) waits for its [`Backoff`]. Every deadline
//! goes through [`deadline`], so no duration overflows: `Duration::MAX`
//! means "never". If it dies all the same (a panic in the application's
//! logger, which it runs), the store says so in `last_error` and a log
//! line, and `flush` no longer waits for it.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use super::Shared;
use super::reload::{Pending, Trigger};
use super::unknown::AppendOutcome;
use crate::date::Timestamp;
use crate::deferred::{DeferredLog, defer_log};
use crate::error::Error;
use crate::read;
use crate::sync::lock;
use crate::watch::{self, Change};

/// How often to look for a watched folder that was deleted, and to poll the
/// file meanwhile.
const LOST_WATCH_POLL: Duration = Duration::from_secs(1);
/// How often a store whose file has schedules reads the wall clock again
/// while it waits for the next step: a clock that jumps (NTP, a suspended
/// VM) is followed within this, whichever way it moved.
const STEP_CLOCK_CHECK: Duration = Duration::from_secs(5);
/// How long [`Store::flush`](crate::Store::flush) waits at most.
pub(super) const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a stopping store keeps trying to append what is queued.
const STOP_APPEND_WAIT: Duration = Duration::from_secs(1);
/// How long a read waits at most for the watch to pass on the events that
/// came before its end (see [`Shared::events_during_read`]).
const MARKER_WAIT: Duration = Duration::from_millis(20);

/// `from + after`, or `None` — never — if no `Instant` is that far: every
/// deadline the worker and `flush` compute goes through here, so that a
/// duration given by the caller (`Duration::MAX` for "never poll", "wait as
/// long as it takes") cannot overflow.
pub(super) fn deadline(from: Instant, after: Duration) -> Option<Instant> {
    from.checked_add(after)
}

/// When to try again something that did not go through: [`Backoff::FIRST`]
/// after the first failure in a row, twice as long after each next one, at
/// most [`Backoff::MAX`] apart; progress (an append done, a new version
/// published) resets it. A pure value: the time comes in as an argument.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Backoff {
    /// Failures in a row.
    failures: u32,
    /// When the last of them happened.
    last: Option<Instant>,
}

impl Backoff {
    /// The wait after a first failure.
    pub(super) const FIRST: Duration = Duration::from_millis(20);
    /// The longest wait.
    pub(super) const MAX: Duration = Duration::from_secs(1);

    /// A try failed at `now`: the next one waits longer.
    pub(super) fn failed(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        self.last = Some(now);
    }

    /// Progress: the next try may come at once.
    pub(super) fn reset(&mut self) {
        *self = Backoff::default();
    }

    /// Failures in a row so far.
    pub(super) fn failures(&self) -> u32 {
        self.failures
    }

    /// When the next try is due (`now` if nothing failed; `None`: never).
    pub(super) fn due(&self, now: Instant) -> Option<Instant> {
        let Some(last) = self.last else {
            return Some(now);
        };
        let doublings = self.failures.saturating_sub(1).min(16);
        let wait = Self::FIRST.saturating_mul(1 << doublings).min(Self::MAX);
        deadline(last, wait)
    }
}

/// The text of a panic's payload.
pub(super) fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

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
    /// When to try an append again after it did not go through (the lock
    /// is taken, the file may be mid-save, it is not the version in use, it
    /// cannot be appended to); its failures count the tries held back.
    pub(super) append_backoff: Backoff,
    /// The watch was lost (its folder was deleted): poll and re-watch.
    pub(super) watch_lost: bool,
    /// The worker is handling something taken from this struct.
    pub(super) busy: bool,
    pub(super) stop: bool,
    /// The worker died (it panicked): nobody will handle anything here.
    pub(super) dead: bool,
}

/// What the worker does next.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Read(Trigger),
    /// The version in use is due to be resolved at the current instant (a
    /// schedule's step, or a look at the wall clock).
    Step,
    Append,
    Sleep(Option<Instant>),
    Exit,
}

impl Work {
    /// What is due at `now`, given when the next poll is due and when the
    /// next step of a schedule (or a look at the wall clock for one) is.
    fn next(&self, now: Instant, poll_at: Option<Instant>, step_at: Option<Instant>) -> Next {
        let can_append = !self.names.is_empty() && !self.events.is_some_and(|e| e.is_writing());
        let append_at = self.append_backoff.due(now).filter(|_| can_append);
        if self.stop {
            return match append_at {
                Some(at) if at <= now => Next::Append,
                // Held back: its time comes before the worker may leave.
                Some(at) => Next::Sleep(Some(at)),
                None => Next::Exit,
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
        if step_at.is_some_and(|at| at <= now) {
            return Next::Step;
        }
        // A poll waits while a read is pending anyway.
        let poll_at = poll_at.filter(|_| self.events.is_none() && self.recheck.is_none());
        if poll_at.is_some_and(|at| at <= now) {
            return Next::Read(Trigger::Poll);
        }
        if append_at.is_some_and(|at| at <= now) {
            return Next::Append;
        }
        let wake = [events_at, recheck_at, poll_at, append_at, step_at]
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
    ///
    /// Never waits on the worker from the worker (a subscriber that
    /// flushes: the worker is busy calling it), nor on a worker that died:
    /// then it returns at once, `true` if nothing is queued. Names queued by
    /// a subscriber are appended once it returns.
    pub(super) fn flush(&self, timeout: Duration) -> bool {
        let on_worker = lock(&self.worker)
            .as_ref()
            .is_some_and(|worker| worker.thread().id() == thread::current().id());
        let until = deadline(Instant::now(), timeout);
        let mut work = lock(&self.work);
        while (work.busy || !work.names.is_empty()) && !work.stop {
            if on_worker || work.dead {
                return work.names.is_empty();
            }
            work = match until {
                Some(until) => {
                    let now = Instant::now();
                    if now >= until {
                        return false;
                    }
                    self.idle
                        .wait_timeout(work, until - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => self.idle.wait(work).unwrap_or_else(|e| e.into_inner()),
            };
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

    /// When the version in use is next to be resolved again: now if a step
    /// of its schedules has come (by the wall clock, either way), else at
    /// its next step's instant, but no later than [`STEP_CLOCK_CHECK`] from
    /// `now` (the wall clock may jump meanwhile). `None` for a file without
    /// schedules.
    fn step_at(&self, now: Instant) -> Option<Instant> {
        let current = self.current.load();
        current.resolved_at()?;
        let wall = SystemTime::now();
        if !current.holds_at(Timestamp::from_system_time(wall)) {
            return Some(now);
        }
        let next = current.next_step().and_then(|step| {
            let wait = step
                .to_system_time()
                .duration_since(wall)
                .unwrap_or_default();
            deadline(now, wait)
        });
        [next, deadline(now, STEP_CLOCK_CHECK)]
            .into_iter()
            .flatten()
            .min()
    }

    /// The worker thread: the loop, and what happens if it dies.
    fn run_worker(self: Arc<Self>) {
        // Nothing in the loop is meant to panic, but it runs the
        // application's logger. Unwind safety: checks only read whole
        // snapshots (`ArcSwap`), every mutex is taken whatever its last
        // holder did (`sync::lock`), and `Work` is marked dead below.
        let Err(panic) = catch_unwind(AssertUnwindSafe(|| self.work_loop())) else {
            return;
        };
        let error = Arc::new(Error::WorkerStopped {
            path: self.path.clone(),
            message: panic_message(&*panic).to_owned(),
        });
        let _ = self.worker_stopped.set(Arc::clone(&error));
        let mut work = lock(&self.work);
        work.dead = true;
        work.busy = false;
        drop(work);
        self.idle.notify_all();
        log::error!("{error}");
    }

    fn work_loop(self: &Arc<Self>) {
        let mut work = lock(&self.work);
        let mut last_poll = Instant::now();
        let mut stopping_since = None;
        loop {
            let now = Instant::now();
            let poll_at = self
                .poll_interval(&work)
                .and_then(|p| deadline(last_poll, p));
            let next = work.next(now, poll_at, self.step_at(now));
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
                Next::Step => {
                    work.busy = true;
                    drop(work);
                    self.step();
                    work = lock(&self.work);
                    work.busy = false;
                    self.idle.notify_all();
                    continue;
                }
            };
            work.busy = true;
            let watch_lost = work.watch_lost;
            drop(work);

            match trigger {
                Some((trigger, signal)) => {
                    if trigger == Trigger::Poll && watch_lost {
                        self.rewatch();
                    }
                    let reloaded = self.reload_since(trigger, signal);
                    work = lock(&self.work);
                    work.recheck = reloaded.retry_at;
                    match reloaded.result {
                        Ok(published) => {
                            if published {
                                // A new version: whatever waited may go through now.
                                work.append_backoff.reset();
                            }
                            let waiting = std::mem::take(&mut work.waiting);
                            work.names.extend(waiting);
                        }
                        // A final no: the file cannot be published as it
                        // is (not in this store's environment, say), and
                        // an append would only ask for this reload again.
                        // The names wait for the next good version. (After
                        // a first look, the second one decides.)
                        Err(_) if reloaded.retry_at.is_none() => {
                            let names = std::mem::take(&mut work.names);
                            work.waiting.extend(names);
                        }
                        Err(_) => {}
                    }
                }
                None => {
                    let mut work_now = lock(&self.work);
                    let mut names = std::mem::take(&mut work_now.names);
                    if self.last_error.load().is_none() {
                        // A good version may have come through `Store::reload`.
                        names.append(&mut work_now.waiting);
                    }
                    let attempt = work_now.append_backoff.failures();
                    let stopping = work_now.stop;
                    drop(work_now);
                    let last_try = stopping
                        && stopping_since.get_or_insert_with(Instant::now).elapsed()
                            >= STOP_APPEND_WAIT;
                    let outcome = self.append(&names, attempt, stopping);
                    let now = Instant::now();
                    work = lock(&self.work);
                    let gave_up = match outcome {
                        AppendOutcome::Done => {
                            work.append_backoff.reset();
                            None
                        }
                        AppendOutcome::Later if !last_try => {
                            work.names.append(&mut names);
                            work.append_backoff.failed(now);
                            None
                        }
                        AppendOutcome::Later => Some("the file stayed busy"),
                        // Never append to a version this store has not read
                        // and published, not even on the way out.
                        AppendOutcome::AfterReload if stopping => {
                            Some("the file changed and was not read again")
                        }
                        AppendOutcome::AfterReload => {
                            // The file is not the version in use: learn
                            // what it is first (as if an event had said it
                            // changed), then try again, not before the
                            // backoff says (the reload may not publish).
                            work.names.append(&mut names);
                            work.append_backoff.failed(now);
                            work.events
                                .get_or_insert_with(Pending::new)
                                .event(Change::Other, now);
                            None
                        }
                        AppendOutcome::AfterGoodVersion => {
                            work.waiting.append(&mut names);
                            // A version found good again does not make the
                            // file appendable: wait before the next try.
                            work.append_backoff.failed(now);
                            None
                        }
                    };
                    if let Some(why) = gave_up {
                        drop(work);
                        self.give_up(&names, why);
                        work = lock(&self.work);
                    }
                }
            }
            work.busy = false;
            self.idle.notify_all();
        }
        work.busy = false;
        let waiting = std::mem::take(&mut work.waiting);
        drop(work);
        self.idle.notify_all();
        if !waiting.is_empty() {
            self.give_up(&waiting, "the file does not validate");
        }
    }

    /// Logs the names a stopping store could not append.
    fn give_up(&self, names: &[Box<str>], why: &str) {
        log::warn!(
            "{}: stopping before {} new toggle(s) could be appended ({why}): {}",
            self.path.display(),
            names.len(),
            names.join(", ")
        );
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
        assert_eq!(work.next(t0, None, None), Next::Sleep(None));
        assert_eq!(
            work.next(t0, Some(t0 + ms(5)), None),
            Next::Sleep(Some(t0 + ms(5)))
        );
        assert_eq!(
            work.next(t0 + ms(5), Some(t0 + ms(5)), None),
            Next::Read(Trigger::Poll)
        );

        work.names.push("new_name".into());
        assert_eq!(work.next(t0, None, None), Next::Append);
        // A write in place is going on: neither read nor append until it closes.
        let mut events = Pending::new();
        events.event(Change::Writing, t0);
        work.events = Some(events);
        assert_eq!(
            work.next(t0 + ms(100), None, None),
            Next::Sleep(Some(events.due(t0)))
        );
        events.event(Change::Complete, t0 + ms(100));
        work.events = Some(events);
        assert_eq!(
            work.next(t0 + ms(100), None, None),
            Next::Read(Trigger::Complete)
        );
        work.events = None;
        assert_eq!(work.next(t0 + ms(100), None, None), Next::Append);

        // A poll that is due waits for a pending read, without spinning.
        work.names.clear();
        let mut writing = Pending::new();
        writing.event(Change::Writing, t0);
        work.events = Some(writing);
        assert_eq!(
            work.next(t0 + ms(100), Some(t0), None),
            Next::Sleep(Some(writing.due(t0)))
        );
        work.events = None;
        work.names.push("new_name".into());

        // A held-back append waits for its time; a second look comes first.
        work.append_backoff.failed(t0);
        work.recheck = Some(t0 + ms(10));
        assert_eq!(work.next(t0, None, None), Next::Sleep(Some(t0 + ms(10))));
        assert_eq!(
            work.next(t0 + ms(10), None, None),
            Next::Read(Trigger::Retry)
        );
        work.recheck = None;
        assert_eq!(
            work.next(t0 + ms(10), None, None),
            Next::Sleep(Some(t0 + ms(20)))
        );
        assert_eq!(work.next(t0 + ms(20), None, None), Next::Append);

        // Stopping: the queued names still go out (a held-back one at its
        // time), then the worker exits.
        work.stop = true;
        assert_eq!(work.next(t0, None, None), Next::Sleep(Some(t0 + ms(20))));
        assert_eq!(work.next(t0 + ms(20), None, None), Next::Append);
        work.names.clear();
        assert_eq!(work.next(t0 + ms(20), None, None), Next::Exit);
    }

    #[test]
    fn a_step_comes_after_pending_reads_and_never_holds_a_stopping_worker() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut work = Work::default();
        // Not due yet: the worker sleeps until it is.
        assert_eq!(
            work.next(t0, Some(t0 + ms(50)), Some(t0 + ms(10))),
            Next::Sleep(Some(t0 + ms(10)))
        );
        assert_eq!(work.next(t0 + ms(10), None, Some(t0 + ms(10))), Next::Step);
        // A read that is due comes first: it resolves at its own instant.
        work.events = Some(Pending::new());
        work.events.as_mut().unwrap().event(Change::Complete, t0);
        assert!(matches!(
            work.next(t0 + ms(100), None, Some(t0)),
            Next::Read(_)
        ));
        work.events = None;
        // A stopping worker does not wait for a step.
        work.stop = true;
        assert_eq!(work.next(t0, None, Some(t0)), Next::Exit);
    }

    #[test]
    fn retries_back_off_from_20_ms_to_1_s_and_progress_resets_them() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut backoff = Backoff::default();
        assert_eq!(backoff.due(t0), Some(t0), "nothing failed: at once");
        // Each failure at the instant its try was due: the gaps double.
        let mut now = t0;
        let mut gaps = Vec::new();
        for _ in 0..10 {
            backoff.failed(now);
            let due = backoff.due(now).unwrap();
            gaps.push(due - now);
            now = due;
        }
        assert_eq!(
            gaps,
            [20, 40, 80, 160, 320, 640, 1000, 1000, 1000, 1000].map(ms)
        );
        assert_eq!(backoff.failures(), 10);
        // However many failures, never more than the cap, never an overflow.
        for _ in 0..100 {
            backoff.failed(now);
        }
        assert_eq!(backoff.due(now), Some(now + Backoff::MAX));
        backoff.reset();
        assert_eq!(backoff.due(now), Some(now));
        assert_eq!(backoff.failures(), 0);
    }

    #[test]
    fn a_spin_is_impossible_whatever_fails() {
        // Replays the loop the worker fell into: every append attempt
        // failing at once, the worker asking `next` again right away. Count
        // the attempts over 10 s of simulated time: with a backoff from 20 ms
        // to 1 s, a handful (it used to be one per pass, some 18 000).
        let t0 = Instant::now();
        let mut work = Work::default();
        work.names.push("new_name".into());
        let mut now = t0;
        let mut attempts = 0;
        while now < t0 + Duration::from_secs(10) {
            match work.next(now, None, None) {
                Next::Append => {
                    attempts += 1;
                    work.append_backoff.failed(now);
                }
                Next::Sleep(Some(at)) => now = at.max(now),
                other => panic!("{other:?}"),
            }
        }
        // At 0, 20, 60, 140, 300, 620 and 1 260 ms, then every second.
        assert_eq!(attempts, 15);
    }

    #[test]
    fn deadlines_saturate_to_never() {
        let now = Instant::now();
        assert_eq!(deadline(now, Duration::MAX), None);
        assert_eq!(
            deadline(now, Duration::from_secs(1)),
            Some(now + Duration::from_secs(1))
        );
    }
}
