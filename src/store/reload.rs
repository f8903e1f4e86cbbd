//! The reload decision: a pure state machine.
//!
//! Given what a read of the file gave, why it was read, the time, and what
//! it remembers of earlier reads, [`ReloadState::decide`] says what to do:
//! nothing, publish, keep the version in use and report why, or look again
//! a moment later. [`Pending`] says when the file events not handled yet
//! call for a read: at once when a writer is done, when it closes the file
//! while one is writing in place, after a settle otherwise. Neither holds a
//! thread, a file or a clock: time comes in as an argument, so the unit
//! tests below replay sequences of saves through them.
//!
//! **A version is published only when its writer is done with it.** Where
//! the watcher says so (a close after writing, a rename into place), the
//! read is final — if nothing wrote the file between that signal and the
//! end of the read (see [`Trigger::counted`]): a read that a later save
//! overlapped can hold the start of one save and the end of the next, so it
//! is only a first look. Everywhere else (a poll, events with no writer to
//! wait for, a writer that never closes) new content is published only once
//! two reads a settle apart found the same bytes: a save in progress that
//! pauses for longer than that can still be caught (see
//! `docs::limitations`).
//!
//! The rest of the store carries the decisions out: `publish.rs` (the
//! snapshot swap, `last_error`, logs, subscribers) and `worker.rs` (when
//! to read).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::definitions::Definitions;
use crate::error::Error;
use crate::format;
use crate::read::{ReadError, content_hash as hash_of};
use crate::watch::Change;

/// Quiet time after the last file event before reloading, when no writer's
/// close will say when a change is over; also the pause before a second
/// look at content that may be a save in progress.
pub(super) const SETTLE: Duration = Duration::from_millis(20);
/// The longest a burst of such events can delay a reload.
pub(super) const MAX_DELAY: Duration = Duration::from_millis(60);
/// How long a write in place may go without a close before the file is
/// read anyway (a writer that keeps it open); the content must then still be
/// the same a settle later to be published.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(2);
/// How far apart two polls' reads must agree before new content they found
/// is published: a poll has no event to say that a writer is done.
pub(super) const POLL_STABLE: Duration = Duration::from_millis(250);

/// Why the file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trigger {
    /// A writer is done: a close after writing, a rename into place. Final.
    Complete,
    /// A first look after events that no writer's close ends (or a write
    /// that never closed): the file may be mid-save. A failure is looked at
    /// again after [`SETTLE`]; new content is published only if a second
    /// look finds it unchanged.
    Event,
    /// A timed poll: like [`Trigger::Event`], with [`POLL_STABLE`] between
    /// the two looks.
    Poll,
    /// A second look, asked for by a decision: final for errors; new content
    /// must match the first look's.
    Retry,
    /// [`Store::reload`](crate::Store::reload): final.
    Manual,
    /// After the store's own append: final.
    Append,
    /// A read during which the file was written, whatever called for it
    /// (see [`Trigger::counted`]): its bytes may be pieces of two saves. A
    /// first look whose content is never published as it is, nor confirms
    /// an earlier look: only a later read can.
    Overlapped,
}

impl Trigger {
    /// Whether the read was called for by the watcher or a poll (not by a
    /// caller, nor by the store's own append).
    pub(super) fn follows_the_watch(self) -> bool {
        !matches!(self, Trigger::Manual | Trigger::Append)
    }

    /// What a read called for by `self` counts as, given what was seen of
    /// writers while it went on. `events_during`: file events arrived
    /// between the moment the read was called for and its end (a save that
    /// began after the close that called for it); they count only for a
    /// read the watch called for, since a caller's read may see its own
    /// save's events come late. `changed_during`: the file's size or times
    /// moved during the read, or it gave fewer or more bytes than its size
    /// (see `read::Contents`). Either makes the read
    /// [`Trigger::Overlapped`]: no more than a first look.
    pub(super) fn counted(self, events_during: bool, changed_during: bool) -> Trigger {
        if changed_during || (events_during && self.follows_the_watch()) {
            Trigger::Overlapped
        } else {
            self
        }
    }

    /// Whether a read may have caught a save in progress.
    fn is_first_look(self) -> bool {
        matches!(self, Trigger::Event | Trigger::Poll | Trigger::Overlapped)
    }

    /// Whether new content read now is taken as complete.
    fn trusts_content(self) -> bool {
        matches!(self, Trigger::Complete | Trigger::Manual | Trigger::Append)
    }

    /// When to look again after a first look.
    fn second_look(self, now: Instant) -> Instant {
        match self {
            Trigger::Poll => now + POLL_STABLE,
            _ => now + SETTLE,
        }
    }
}

/// What to do after a read.
#[derive(Debug)]
pub(super) enum Decision {
    /// No file, and there never was a version of it: nothing to do.
    Absent,
    /// The file holds the version in use: nothing to publish, and nothing is
    /// wrong any more.
    Unchanged,
    /// New content that validates: publish it.
    Publish(Definitions),
    /// Keep the version in use, for the reason given.
    Keep(Keep),
    /// New content that validates but may be a save in progress: read again
    /// at this instant, and publish it if it is still the same.
    Recheck(Instant),
}

/// The version in use stays: why, and what to do about it.
#[derive(Debug)]
pub(super) struct Keep {
    pub(super) error: Arc<Error>,
    /// Log the error now, at this level: each problem is logged when it
    /// appears, not at every read that finds it again.
    pub(super) log: Option<log::Level>,
    /// Make it the store's `last_error` now. Not for a first look that may
    /// have caught a save in progress.
    pub(super) record: bool,
    /// Read again at this instant: the content may be a save in progress.
    pub(super) retry_at: Option<Instant>,
}

/// What the store remembers between reads.
#[derive(Debug, Default)]
pub(super) struct ReloadState {
    /// Hash of the bytes of the version in use; `None` until a file was loaded.
    good: Option<u64>,
    /// Whether the version in use defines nothing.
    in_use_is_empty: bool,
    /// Whether a file was ever there (read, or found unreadable): until
    /// then a missing file is simply an empty set of toggles.
    seen_file: bool,
    /// The last content that did not validate, and its error: the same
    /// content read again (a poll, a stray event, the same bytes saved
    /// again) is not logged again. Forgotten when a good version is read
    /// (published, or the one in use found again), so that the same bad
    /// content saved after it is reported again; a missing or empty file in
    /// between does not count (both are what a save looks like midway).
    bad: Option<(u64, Arc<Error>)>,
    /// The same for a blank file kept out at a final look: remembered apart
    /// from `bad`, so that a file found empty midway through a slow save in
    /// place does not make the bad content before it look new.
    blank: Option<(u64, Arc<Error>)>,
    /// Whether the current read error (a missing file, most often) has been
    /// logged.
    read_error_logged: bool,
    /// New, valid content seen by a look that could not trust it: published
    /// if the next look finds the same bytes.
    candidate: Option<u64>,
    /// The environment every version is read in (`None`: base values).
    environment: Option<Arc<str>>,
}

impl ReloadState {
    /// The state after a first load that gave `definitions` from `bytes`
    /// (`None`: there was no file).
    pub(super) fn loaded(
        bytes: Option<&[u8]>,
        definitions: &Definitions,
        environment: Option<&str>,
    ) -> ReloadState {
        ReloadState {
            good: bytes.map(hash_of),
            in_use_is_empty: definitions.is_empty(),
            seen_file: bytes.is_some(),
            environment: environment.map(Arc::from),
            ..ReloadState::default()
        }
    }

    /// The state after a first load of `bytes` failed with `error`: no
    /// version in use (every toggle off), and `bytes` known to be bad.
    pub(super) fn failed(
        bytes: Option<&[u8]>,
        error: Arc<Error>,
        environment: Option<&str>,
    ) -> ReloadState {
        ReloadState {
            in_use_is_empty: true,
            seen_file: true,
            bad: bytes.map(|b| (hash_of(b), error)),
            environment: environment.map(Arc::from),
            ..ReloadState::default()
        }
    }

    /// The hash of the bytes of the version in use; `None` if it came from
    /// no file (there was none, or it was unreadable).
    pub(super) fn in_use(&self) -> Option<u64> {
        self.good
    }

    /// If `hash` is the content that failed last time, read again: the same
    /// error, recorded, not logged again.
    fn known_bad(&self, hash: u64) -> Option<Decision> {
        let (_, error) = [&self.bad, &self.blank]
            .into_iter()
            .flatten()
            .find(|(bad, _)| *bad == hash)?;
        Some(Decision::Keep(Keep {
            error: Arc::clone(error),
            log: None,
            record: true,
            retry_at: None,
        }))
    }

    /// A good version was read: every bad content is news again.
    fn forget_bad(&mut self) {
        self.bad = None;
        self.blank = None;
    }

    /// Decides what a read of `path` that gave `read` means, at `now`.
    ///
    /// `path` only names the file in errors. A [`Decision::Publish`] is taken
    /// to be carried out: the state then describes the new version.
    pub(super) fn decide(
        &mut self,
        path: &Path,
        trigger: Trigger,
        read: Result<Vec<u8>, ReadError>,
        now: Instant,
    ) -> Decision {
        let first_look = trigger.is_first_look();
        let retry_at = first_look.then(|| trigger.second_look(now));
        let candidate = self.candidate.take();
        let bytes = match read {
            Ok(bytes) => bytes,
            Err(e) if e.is_not_found() && !self.seen_file => {
                // Never loaded: a missing file is an empty set of toggles.
                return Decision::Absent;
            }
            Err(e) => {
                // A missing file, or a folder (a FIFO…) in its place, is
                // no save in progress: say so at once.
                let settled = e.is_not_found() || e.is_not_a_file();
                self.seen_file = true;
                let log = (!std::mem::replace(&mut self.read_error_logged, true))
                    .then_some(log::Level::Warn);
                return Decision::Keep(Keep {
                    error: Arc::new(e.into_error(path, "read the file")),
                    log,
                    record: settled || !first_look,
                    retry_at,
                });
            }
        };
        self.read_error_logged = false;
        self.seen_file = true;
        let hash = hash_of(&bytes);
        if format::is_blank(&bytes) && self.good.is_some() && !self.in_use_is_empty {
            // A truncating editor mid-save, most likely: never switch every
            // toggle off for that. (To remove them all, leave a comment.)
            if first_look {
                return Decision::Keep(Keep {
                    error: Arc::new(Error::Emptied {
                        path: path.to_path_buf(),
                    }),
                    log: None,
                    record: false,
                    retry_at,
                });
            }
            // Still empty at a final look: a bad save like any other,
            // logged once.
            if let Some(known) = self.known_bad(hash) {
                return known;
            }
            let error = Arc::new(Error::Emptied {
                path: path.to_path_buf(),
            });
            self.blank = Some((hash, Arc::clone(&error)));
            return Decision::Keep(Keep {
                error,
                log: Some(log::Level::Warn),
                record: true,
                retry_at: None,
            });
        }
        if self.good == Some(hash) {
            self.forget_bad();
            return Decision::Unchanged;
        }
        if let Some(known) = self.known_bad(hash) {
            return known;
        }
        // What a read overlapped by a write found is no evidence that a
        // first look was right, even if the bytes agree.
        let confirms = candidate == Some(hash) && trigger != Trigger::Overlapped;
        match format::parse_in(path, &bytes, self.environment.as_deref()) {
            Ok(_) if !trigger.trusts_content() && !confirms => {
                // Perhaps a save in progress that happens to parse (a cut
                // after a whole table), or pieces of two saves: publish it
                // only if a later look finds it again.
                self.candidate = Some(hash);
                Decision::Recheck(trigger.second_look(now))
            }
            Ok(definitions) => {
                self.good = Some(hash);
                self.in_use_is_empty = definitions.is_empty();
                self.forget_bad();
                Decision::Publish(definitions)
            }
            Err(e) if first_look => Decision::Keep(Keep {
                // Not final yet: perhaps a save in progress.
                error: Arc::new(e),
                log: None,
                record: false,
                retry_at,
            }),
            Err(e) => {
                let error = Arc::new(e);
                self.bad = Some((hash, Arc::clone(&error)));
                Decision::Keep(Keep {
                    error,
                    log: Some(log::Level::Error),
                    record: true,
                    retry_at: None,
                })
            }
        }
    }
}

/// The file events not handled yet, and when they call for a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pending {
    /// A writer finished (closed the file after writing, renamed it into
    /// place) since the last read.
    complete: bool,
    /// The last event of a write in place whose close has not come yet.
    writing: Option<Instant>,
    /// The first and last of the events that no close ends (removal, a
    /// rename away, folder events, lost events).
    other: Option<(Instant, Instant)>,
}

impl Pending {
    /// Nothing pending yet.
    pub(super) fn new() -> Pending {
        Pending {
            complete: false,
            writing: None,
            other: None,
        }
    }

    /// Takes note of what an event at `now` said.
    pub(super) fn event(&mut self, change: Change, now: Instant) {
        match change {
            Change::Complete => {
                self.complete = true;
                self.writing = None;
            }
            Change::Writing => self.writing = Some(self.writing.map_or(now, |w| w.max(now))),
            // Nothing changed (see `Shared::events_during_read`).
            Change::Marker => {}
            Change::Other | Change::FolderGone => {
                let first = self.other.map_or(now, |(first, _)| first);
                let last = self.other.map_or(now, |(_, last)| last.max(now));
                self.other = Some((first, last));
            }
        }
    }

    /// When to read, if no other event arrives: at once after a writer is
    /// done; at the writer's close (or [`WRITE_TIMEOUT`] after its last
    /// write) while one is writing; else once the folder has been quiet for
    /// [`SETTLE`], at most [`MAX_DELAY`] after the first event.
    pub(super) fn due(&self, now: Instant) -> Instant {
        if let Some(last_write) = self.writing {
            return last_write + WRITE_TIMEOUT;
        }
        if self.complete {
            return now;
        }
        match self.other {
            Some((first, last)) => (first + MAX_DELAY).min(last + SETTLE),
            None => now,
        }
    }

    /// Whether a read now may append: no write in place is going on.
    pub(super) fn is_writing(&self) -> bool {
        self.writing.is_some()
    }

    /// How to read when [`due`](Self::due).
    pub(super) fn trigger(&self) -> Trigger {
        if self.complete && self.writing.is_none() {
            Trigger::Complete
        } else {
            Trigger::Event
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    const GOOD_A: &str = "[toggles.a]\nenabled = true\n";
    const GOOD_A_OFF: &str = "[toggles.a]\nenabled = false\n";
    const BAD: &str = "[toggles.a]\nenabeld = true\n";
    const HALF: &str = "[toggles.a]\nenab";

    fn path() -> &'static Path {
        Path::new("toggles.toml")
    }

    /// A store that loaded `text` at start-up.
    fn loaded(text: &str) -> ReloadState {
        let definitions = format::parse(path(), text.as_bytes()).unwrap();
        ReloadState::loaded(Some(text.as_bytes()), &definitions, None)
    }

    fn read(state: &mut ReloadState, trigger: Trigger, text: &str, now: Instant) -> Decision {
        state.decide(path(), trigger, Ok(text.as_bytes().to_vec()), now)
    }

    fn missing() -> Result<Vec<u8>, ReadError> {
        Err(ReadError::Io(io::ErrorKind::NotFound.into()))
    }

    /// A save as the worker reads it: a first look, then a second one
    /// after the settle if the first failed. Returns the final decision.
    fn save(state: &mut ReloadState, text: &str, now: Instant) -> Decision {
        let mut decision = read(state, Trigger::Event, text, now);
        for _ in 0..3 {
            decision = match decision {
                Decision::Keep(Keep {
                    retry_at: Some(at),
                    record,
                    log,
                    ..
                }) => {
                    assert!(!record && log.is_none(), "a first look reports nothing");
                    assert_eq!(at, now + SETTLE);
                    read(state, Trigger::Retry, text, at)
                }
                Decision::Recheck(at) => read(state, Trigger::Retry, text, at),
                decision => return decision,
            };
        }
        decision
    }

    #[track_caller]
    fn assert_publishes(decision: Decision, expected_on: bool) {
        match decision {
            Decision::Publish(d) => assert_eq!(d.toggles[0].is_enabled(), expected_on),
            other => panic!("expected a publish, got {other:?}"),
        }
    }

    /// A final, recorded report; returns whether it was logged.
    #[track_caller]
    fn assert_reported(decision: Decision) -> bool {
        match decision {
            Decision::Keep(Keep {
                record: true,
                retry_at: None,
                log,
                ..
            }) => log.is_some(),
            other => panic!("expected a final report, got {other:?}"),
        }
    }

    #[test]
    fn good_bad_good_then_the_same_bad_again_is_reported_again() {
        // The bug this machine was written for: A → B → A → B reported the
        // second B as nothing (no log, no last_error, a made-up error).
        let now = Instant::now();
        let mut state = loaded(GOOD_A);
        assert!(assert_reported(save(&mut state, BAD, now)), "logged");
        assert!(matches!(save(&mut state, GOOD_A, now), Decision::Unchanged));
        let decision = save(&mut state, BAD, now);
        let Decision::Keep(keep) = &decision else {
            panic!("{decision:?}")
        };
        assert_eq!(keep.error.location(), Some((2, 1)), "{}", keep.error);
        assert!(assert_reported(decision), "the second B is logged too");
    }

    #[test]
    fn good_bad_other_good_bad_again() {
        let now = Instant::now();
        let mut state = loaded(GOOD_A);
        assert!(assert_reported(save(&mut state, BAD, now)));
        assert_publishes(save(&mut state, GOOD_A_OFF, now), false);
        assert!(assert_reported(save(&mut state, BAD, now)));
        assert_publishes(save(&mut state, GOOD_A, now), true);
    }

    #[test]
    fn the_same_bad_content_read_again_is_reported_but_not_logged_again() {
        let now = Instant::now();
        let mut state = loaded(GOOD_A);
        assert!(assert_reported(save(&mut state, BAD, now)));
        for trigger in [Trigger::Poll, Trigger::Event, Trigger::Manual] {
            assert!(!assert_reported(read(&mut state, trigger, BAD, now)));
        }
    }

    #[test]
    fn an_empty_file_after_a_good_one_is_kept_out_then_reported() {
        let now = Instant::now();
        let mut state = loaded(GOOD_A);
        let logged: Vec<bool> = ["", "", " \n\t\n"]
            .iter()
            .map(|empty| assert_reported(save(&mut state, empty, now)))
            .collect();
        // Each empty save is logged once; the same empty content read again
        // is not logged again.
        assert_eq!(logged, [true, false, true]);
        assert!(matches!(save(&mut state, GOOD_A, now), Decision::Unchanged));
        // An empty file is fine where the version in use is empty too.
        let mut state = loaded("# nothing yet\n");
        assert!(matches!(save(&mut state, "", now), Decision::Publish(_)));
    }

    #[test]
    fn an_empty_file_midway_through_saving_the_same_bad_content_logs_it_once() {
        // CI caught this: B (bad) saved again in place by a writer slow
        // between truncate and write. The second look found the file still
        // empty, which used to replace B as "the content known bad", so the
        // same B, complete a moment later, was logged a second time.
        let now = Instant::now();
        let mut state = loaded(GOOD_A);
        assert!(assert_reported(save(&mut state, BAD, now)), "B is logged");
        assert!(
            assert_reported(save(&mut state, "", now)),
            "so is the empty file"
        );
        let again = read(&mut state, Trigger::Complete, BAD, now);
        assert!(!assert_reported(again), "the same B is not logged again");
        assert!(
            !assert_reported(save(&mut state, "", now)),
            "nor the empty file"
        );
        // A good version in between: both are news again.
        assert!(matches!(save(&mut state, GOOD_A, now), Decision::Unchanged));
        assert!(assert_reported(save(&mut state, "", now)));
        assert!(assert_reported(save(&mut state, BAD, now)));
    }

    #[test]
    fn a_deleted_file_keeps_the_version_and_is_logged_once() {
        let now = Instant::now();
        let mut state = loaded(GOOD_A);
        let logged: Vec<bool> = (0..3)
            .map(
                |_| match state.decide(path(), Trigger::Event, missing(), now) {
                    Decision::Keep(Keep {
                        record: true,
                        retry_at: Some(_),
                        log,
                        ..
                    }) => log.is_some(),
                    other => panic!("{other:?}"),
                },
            )
            .collect();
        assert_eq!(logged, [true, false, false]);
        assert!(matches!(save(&mut state, GOOD_A, now), Decision::Unchanged));
        let again = state.decide(path(), Trigger::Manual, missing(), now);
        assert!(assert_reported(again), "a new disappearance is logged");
    }

    #[test]
    fn a_file_that_never_existed_is_no_error() {
        let mut state = ReloadState::default();
        let decision = state.decide(path(), Trigger::Poll, missing(), Instant::now());
        assert!(matches!(decision, Decision::Absent));
        assert_publishes(save(&mut state, GOOD_A, Instant::now()), true);
    }

    #[test]
    fn a_half_written_save_is_looked_at_again_and_the_complete_one_published() {
        let now = Instant::now();
        let mut state = loaded(GOOD_A_OFF);
        let Decision::Keep(keep) = read(&mut state, Trigger::Event, HALF, now) else {
            panic!("a half-written save must not be published")
        };
        assert_eq!(keep.retry_at, Some(now + SETTLE));
        assert!(!keep.record && keep.log.is_none());
        // By the second look the writer may be done: published once a third
        // look finds the same bytes.
        let later = now + SETTLE;
        let Decision::Recheck(at) = read(&mut state, Trigger::Retry, GOOD_A, later) else {
            panic!("new content after a half-written one must be stable first")
        };
        assert_publishes(read(&mut state, Trigger::Retry, GOOD_A, at), true);
    }

    #[test]
    fn identical_bytes_publish_nothing() {
        let now = Instant::now();
        let mut state = loaded(GOOD_A);
        for trigger in [Trigger::Event, Trigger::Poll, Trigger::Append] {
            assert!(matches!(
                read(&mut state, trigger, GOOD_A, now),
                Decision::Unchanged
            ));
        }
        assert_publishes(save(&mut state, GOOD_A_OFF, now), false);
        assert!(matches!(
            save(&mut state, GOOD_A_OFF, now),
            Decision::Unchanged
        ));
    }

    #[test]
    fn a_bad_file_at_start_up_is_known_bad_until_fixed() {
        let now = Instant::now();
        let error = Arc::new(format::parse(path(), BAD.as_bytes()).unwrap_err());
        let mut state = ReloadState::failed(Some(BAD.as_bytes()), error, None);
        assert!(!assert_reported(read(&mut state, Trigger::Poll, BAD, now)));
        // Every toggle is off meanwhile, so an empty file is a fine version.
        assert!(matches!(save(&mut state, "", now), Decision::Publish(_)));
    }

    #[test]
    fn events_that_no_close_ends_settle_after_quiet_or_at_the_cap() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut pending = Pending::new();
        pending.event(Change::Other, t0);
        assert_eq!(pending.due(t0), t0 + SETTLE);
        pending.event(Change::Other, t0 + ms(5));
        assert_eq!(pending.due(t0), t0 + ms(5) + SETTLE);
        // Events every 10 ms forever: the read still comes at the cap.
        for i in 2..20 {
            pending.event(Change::Other, t0 + ms(10 * i));
        }
        assert_eq!(pending.due(t0), t0 + MAX_DELAY);
        // An event reported late (an earlier instant) moves nothing back.
        pending.event(Change::Other, t0);
        assert_eq!(pending.due(t0), t0 + MAX_DELAY);
        assert_eq!(pending.trigger(), Trigger::Event);
    }

    #[test]
    fn a_write_in_place_is_read_at_its_close_and_not_before() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut pending = Pending::new();
        // A large file written in chunks with pauses longer than any settle.
        for chunk in 0..5 {
            pending.event(Change::Writing, t0 + ms(30 * chunk));
            assert!(pending.is_writing());
            assert_eq!(pending.due(t0), t0 + ms(30 * chunk) + WRITE_TIMEOUT);
        }
        pending.event(Change::Complete, t0 + ms(130));
        assert_eq!(pending.due(t0 + ms(131)), t0 + ms(131), "at once");
        assert_eq!(pending.trigger(), Trigger::Complete);
        assert!(!pending.is_writing());
    }

    #[test]
    fn a_rename_into_place_is_read_at_once_and_a_new_write_waits_again() {
        let t0 = Instant::now();
        let mut pending = Pending::new();
        pending.event(Change::Complete, t0);
        assert_eq!(
            (pending.due(t0), pending.trigger()),
            (t0, Trigger::Complete)
        );
        // Before the read, another writer starts: wait for its close.
        pending.event(Change::Writing, t0);
        assert_eq!(pending.due(t0), t0 + WRITE_TIMEOUT);
        assert_eq!(pending.trigger(), Trigger::Event);
        pending.event(Change::Complete, t0);
        assert_eq!(pending.trigger(), Trigger::Complete);
    }

    #[test]
    fn a_vim_save_moves_the_file_away_then_writes_a_new_one() {
        let t0 = Instant::now();
        let mut pending = Pending::new();
        pending.event(Change::Other, t0); // renamed to the backup
        pending.event(Change::Writing, t0); // created, written
        assert_eq!(pending.due(t0), t0 + WRITE_TIMEOUT, "waits for the close");
        pending.event(Change::Complete, t0); // closed
        assert_eq!(
            (pending.due(t0), pending.trigger()),
            (t0, Trigger::Complete)
        );
    }

    #[test]
    fn content_that_parses_is_published_only_when_complete_or_stable() {
        let now = Instant::now();
        let mut state = loaded(GOOD_A_OFF);
        // A cut after a whole table parses: a first look must not publish it.
        let cut = "[toggles.a]\nenabled = true\n";
        let full = "[toggles.a]\nenabled = true\n[toggles.b]\nenabled = true\n";
        for trigger in [Trigger::Event, Trigger::Poll] {
            let Decision::Recheck(at) = read(&mut state, trigger, cut, now) else {
                panic!("{trigger:?} must not publish at once")
            };
            // The writer went on: still not published.
            let Decision::Recheck(at) = read(&mut state, Trigger::Retry, full, at) else {
                panic!("changed since the first look")
            };
            // The same bytes a settle later: published.
            let Decision::Publish(d) = read(&mut state, Trigger::Retry, full, at) else {
                panic!("stable content is published")
            };
            assert_eq!(d.toggles.len(), 2);
            state = loaded(GOOD_A_OFF);
        }
        // A writer's close or a rename, a manual reload, our own append: at once.
        for trigger in [Trigger::Complete, Trigger::Manual, Trigger::Append] {
            let mut state = loaded(GOOD_A_OFF);
            assert_publishes(read(&mut state, trigger, GOOD_A, now), true);
        }
        // A poll waits longer than an event between its two looks.
        let mut state = loaded(GOOD_A_OFF);
        assert!(matches!(
            read(&mut state, Trigger::Poll, GOOD_A, now),
            Decision::Recheck(at) if at == now + POLL_STABLE
        ));
    }
    #[test]
    fn a_read_that_a_later_save_overlapped_is_only_a_first_look() {
        // Issue 20: save N's close calls for a read; saves N+1 and N+2 are
        // written while it goes on, and it finds the start of one and the
        // end of the next. Both parse.
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let save = |on: bool| format!("[toggles.a]\nenabled = {on}\n[toggles.b]\nenabled = {on}\n");
        let (on, off) = (save(true), save(false));
        let mixed = format!(
            "{}{}",
            &on[..on.find("[toggles.b]").unwrap()],
            &off[off.find("[toggles.b]").unwrap()..]
        );
        assert!(format::parse(path(), mixed.as_bytes()).is_ok());
        let mut state = loaded(&off);
        let mut pending = Pending::new();
        // Save N (on): written, closed. The worker takes the events and reads.
        pending.event(Change::Writing, t0);
        pending.event(Change::Complete, t0);
        let called_for = pending.trigger();
        assert_eq!((pending.due(t0), called_for), (t0, Trigger::Complete));
        // During the read, save N+1 (off) writes and closes: its events
        // arrive before the read ends. The read holds N's start, N+1's end.
        let mut during = Pending::new();
        during.event(Change::Writing, t0 + ms(1));
        during.event(Change::Complete, t0 + ms(1));
        let counted = called_for.counted(true, false);
        assert_eq!(counted, Trigger::Overlapped);
        let Decision::Recheck(at) = read(&mut state, counted, &mixed, t0 + ms(2)) else {
            panic!("pieces of two saves must not be published")
        };
        assert_eq!(at, t0 + ms(2) + SETTLE);
        // The events that came during it (N+1's, then N+2's, on) call for
        // the next read, which nothing overlaps: N+2, published.
        during.event(Change::Writing, t0 + ms(2));
        during.event(Change::Complete, t0 + ms(2));
        assert_eq!(during.trigger(), Trigger::Complete);
        assert_publishes(
            read(&mut state, during.trigger().counted(false, false), &on, at),
            true,
        );

        // The same, told by the file instead of events (they come late):
        // its size or times moved during the read.
        let mut state = loaded(&off);
        let counted = Trigger::Complete.counted(false, true);
        assert_eq!(counted, Trigger::Overlapped);
        assert!(matches!(
            read(&mut state, counted, &mixed, t0),
            Decision::Recheck(_)
        ));
        // An overlapped read that finds the same pieces again confirms
        // nothing: two reads overlapped alike are no evidence.
        assert!(matches!(
            read(&mut state, counted, &mixed, t0),
            Decision::Recheck(_)
        ));
        // The next save's close, with nothing written meanwhile: published.
        assert_publishes(read(&mut state, Trigger::Complete, &on, t0), true);
    }

    #[test]
    fn an_overlapped_read_reports_nothing_yet() {
        let t0 = Instant::now();
        let overlapped = Trigger::Complete.counted(true, true);
        // A cut of a save that does not parse, and an emptied file: no log,
        // no last_error, a second look after the settle.
        for text in [HALF, ""] {
            let mut state = loaded(GOOD_A);
            let Decision::Keep(keep) = read(&mut state, overlapped, text, t0) else {
                panic!("{text:?} is kept out")
            };
            assert!(!keep.record && keep.log.is_none(), "{keep:?}");
            assert_eq!(keep.retry_at, Some(t0 + SETTLE));
        }
        // The version in use found again is no news.
        let mut state = loaded(GOOD_A);
        assert!(matches!(
            read(&mut state, overlapped, GOOD_A, t0),
            Decision::Unchanged
        ));
    }

    #[test]
    fn what_counts_as_overlapped() {
        for trigger in [
            Trigger::Complete,
            Trigger::Event,
            Trigger::Poll,
            Trigger::Retry,
        ] {
            assert_eq!(trigger.counted(false, false), trigger);
            assert_eq!(trigger.counted(true, false), Trigger::Overlapped);
            assert_eq!(trigger.counted(false, true), Trigger::Overlapped);
        }
        // A caller's read, and the one after an append, may see their own
        // save's events come late: only the file itself says they were
        // overlapped.
        for trigger in [Trigger::Manual, Trigger::Append] {
            assert_eq!(trigger.counted(true, false), trigger);
            assert_eq!(trigger.counted(false, true), Trigger::Overlapped);
        }
    }

    #[test]
    fn a_folder_in_the_files_place_is_reported_at_the_first_look() {
        // No save in progress leaves a folder (or a FIFO) in the file's place.
        let mut state = loaded(GOOD_A);
        let folder = Err(ReadError::NotAFile("a folder"));
        let decision = state.decide(path(), Trigger::Event, folder, Instant::now());
        let Decision::Keep(keep) = decision else {
            panic!("{decision:?}")
        };
        assert!(keep.record, "made last_error at once");
        assert!(matches!(
            *keep.error,
            Error::NotAFile {
                what: "a folder",
                ..
            }
        ));
        assert!(matches!(
            save(&mut state, GOOD_A, Instant::now()),
            Decision::Unchanged
        ));
    }
}
