//! `Store`: one toggles file, its current snapshot, and the background worker
//! that reloads it and appends unknown names.

use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use arc_swap::{ArcSwap, ArcSwapOption};

use crate::append::{self, AppendError};
use crate::changes::Changes;
use crate::date::Date;
use crate::error::Error;
use crate::format::{self, Definitions};
use crate::name::is_valid_name;
use crate::overrides;
use crate::seen::{MAX_SEEN, Seen, SeenNames};
use crate::snapshot::{Release, Snapshot};
use crate::{global, watch};

/// The environment variable that turns appending off for every store when set
/// to `0`, `false`, `off` or `no` (for production and read-only deployments).
pub const APPEND_ENV: &str = "TOGGLES_APPEND";

/// Quiet time after the last file event before reloading.
const SETTLE: Duration = Duration::from_millis(20);
/// The longest a burst of events can delay a reload.
const MAX_DELAY: Duration = Duration::from_millis(60);

/// How many times an append holds back while the file may be mid-save.
const APPEND_ATTEMPTS: u32 = 5;

/// Every snapshot of every store gets the next number from here, so a
/// generation identifies one snapshot in the whole process. 0 is never used.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    NEXT_GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// One `toggles.toml`: its current snapshot, hot reload, and appends.
///
/// A `Store` is cheap to clone (clones share everything) and can be used from
/// any thread. Dropping the last clone stops the watcher and the background
/// worker after it has written any queued appends.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("toggles.toml");
/// std::fs::write(&path, "[toggles.dark_mode]\nenabled = true\n").unwrap();
///
/// let store = toggles::Store::open(&path).unwrap();
/// assert!(store.is_enabled("dark_mode"));
/// assert!(!store.is_enabled("brand_new")); // off, and appended to the file:
/// store.flush();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("[toggles.brand_new]"));
/// ```
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

/// What the handle owns: dropping it stops the background work.
struct Inner {
    shared: Arc<Shared>,
    _watcher: Option<watch::Watcher>,
}

/// What the handle and the background worker share.
pub(crate) struct Shared {
    path: PathBuf,
    current: ArcSwap<Snapshot>,
    append: bool,
    /// Unknown or invalid names already seen, each handled once.
    seen: SeenNames,
    reload: Mutex<ReloadState>,
    last_error: ArcSwapOption<Error>,
    subscribers: Mutex<Vec<(u64, Subscriber)>>,
    next_subscriber: AtomicU64,
    pub(crate) is_global: AtomicBool,
    work: Mutex<Work>,
    wake: Condvar,
    idle: Condvar,
    worker: Mutex<Option<JoinHandle<()>>>,
    /// How often to re-read the file when nothing said it changed: a safety
    /// net with a working watcher, the only means without one; unset when
    /// not watching. Set before the worker starts.
    poll: OnceLock<Duration>,
    append_failure_logged: AtomicBool,
    /// The file's modification time after our last append.
    appended_at: Mutex<Option<std::time::SystemTime>>,
}

type Subscriber = Arc<dyn Fn(&Changes) + Send + Sync>;

#[derive(Default)]
struct ReloadState {
    /// Hash of the bytes of the snapshot in use.
    good: Option<u64>,
    /// Hash of the last bytes that failed, so each bad content is logged once.
    bad: Option<u64>,
    /// Whether a read error (a missing file, most often) has been logged
    /// since the last successful read.
    read_error_logged: bool,
}

#[derive(Default)]
struct Work {
    /// A file event arrived (or a poll is due) and no reload has run since.
    dirty: bool,
    /// When the first and the last of the events not yet handled arrived.
    burst: Option<(Instant, Instant)>,
    /// Names queued for appending.
    pending: Vec<Box<str>>,
    /// Names that could not be appended because the file did not parse; they
    /// are tried again after the next good load.
    waiting: Vec<Box<str>>,
    /// The worker is handling something taken from this struct.
    busy: bool,
    stop: bool,
}

/// Options for [`Store::builder`].
#[derive(Debug, Clone)]
#[must_use = "call .open() to open the store"]
pub struct Builder {
    path: PathBuf,
    watch: bool,
    append: bool,
    poll_interval: Duration,
    safety_poll: Duration,
}

impl Builder {
    /// Whether to reload the file when it changes (default: `true`).
    pub fn watch(mut self, watch: bool) -> Builder {
        self.watch = watch;
        self
    }

    /// Whether a check of a name the file lacks appends it to the file, off
    /// (default: `true`, unless the environment variable `TOGGLES_APPEND` is
    /// `0`, `false`, `off` or `no`, which wins over this setting).
    pub fn append_unknown(mut self, append: bool) -> Builder {
        self.append = append;
        self
    }

    /// How often to re-read the file when file events cannot be watched
    /// (inotify limits, a file system without events). Default: 1 s.
    pub fn poll_interval(mut self, interval: Duration) -> Builder {
        self.poll_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// How often to re-read the file even though the watcher works, to catch
    /// anything its events missed. Default: 15 s.
    pub fn safety_poll_interval(mut self, interval: Duration) -> Builder {
        self.safety_poll = interval.max(Duration::from_millis(10));
        self
    }

    /// Loads the file and starts watching it.
    ///
    /// A missing file is an empty set of toggles (it is created by the first
    /// append). A file that cannot be read or does not validate is an error.
    pub fn open(self) -> Result<Store, Error> {
        let path = std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone());
        let (hash, definitions) = read_initial(&path).map_err(|(_, e)| e)?;
        let state = ReloadState {
            good: hash,
            ..ReloadState::default()
        };
        Ok(self.start(path, definitions, state, None))
    }

    /// Opens the store even if the file is invalid: then every toggle is off
    /// until a good version is saved, and [`Store::last_error`] says why.
    pub(crate) fn open_lenient(self) -> Store {
        let path = std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone());
        match read_initial(&path) {
            Ok((hash, definitions)) => {
                let state = ReloadState {
                    good: hash,
                    ..ReloadState::default()
                };
                self.start(path, definitions, state, None)
            }
            Err((hash, error)) => {
                log::error!("{error}\nevery toggle is off until the file is fixed");
                let state = ReloadState {
                    bad: hash,
                    ..ReloadState::default()
                };
                self.start(path, Definitions::default(), state, Some(error))
            }
        }
    }

    fn start(
        self,
        path: PathBuf,
        definitions: Definitions,
        state: ReloadState,
        error: Option<Error>,
    ) -> Store {
        let shared = Arc::new(Shared {
            path,
            current: ArcSwap::from_pointee(Snapshot::new(next_generation(), definitions)),
            append: self.append && append_allowed_by_env(),
            seen: SeenNames::default(),
            reload: Mutex::new(state),
            last_error: ArcSwapOption::new(error.map(Arc::new)),
            subscribers: Mutex::new(Vec::new()),
            next_subscriber: AtomicU64::new(0),
            is_global: AtomicBool::new(false),
            work: Mutex::new(Work::default()),
            wake: Condvar::new(),
            idle: Condvar::new(),
            worker: Mutex::new(None),
            poll: OnceLock::new(),
            append_failure_logged: AtomicBool::new(false),
            appended_at: Mutex::new(None),
        });
        let mut watcher = None;
        if self.watch {
            match watch::Watcher::start(&shared) {
                Ok(w) => {
                    watcher = Some(w);
                    let _ = shared.poll.set(self.safety_poll);
                }
                Err(e) => {
                    log::warn!(
                        "{}: cannot watch for changes ({e}); polling every {:?} instead",
                        shared.path.display(),
                        self.poll_interval
                    );
                    let _ = shared.poll.set(self.poll_interval);
                }
            }
            shared.ensure_worker();
        }
        Store {
            inner: Arc::new(Inner {
                shared,
                _watcher: watcher,
            }),
        }
    }
}

/// The first read of a file: its hash (none if missing) and definitions, or
/// the error with the hash of the bad content.
fn read_initial(path: &Path) -> Result<(Option<u64>, Definitions), (Option<u64>, Error)> {
    let bytes = match format::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((None, Definitions::default())),
        Err(e) => return Err((None, Error::io(path, "read the file", e))),
    };
    let hash = Some(hash_of(&bytes));
    format::parse(path, &bytes)
        .map(|d| (hash, d))
        .map_err(|e| (hash, e))
}

fn append_allowed_by_env() -> bool {
    match std::env::var(APPEND_ENV) {
        Ok(value) => !matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "off" | "no"
        ),
        Err(_) => true,
    }
}

impl Store {
    /// Opens the file at `path` with the default options: watched, appending
    /// unknown names. See [`Builder::open`].
    pub fn open(path: impl AsRef<Path>) -> Result<Store, Error> {
        Store::builder(path).open()
    }

    /// Options for opening the file at `path`.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("toggles.toml");
    /// let store = toggles::Store::builder(&path).watch(false).append_unknown(false).open().unwrap();
    /// assert!(!store.is_enabled("anything"));
    /// ```
    pub fn builder(path: impl AsRef<Path>) -> Builder {
        Builder {
            path: path.as_ref().to_path_buf(),
            watch: true,
            append: true,
            poll_interval: Duration::from_secs(1),
            safety_poll: Duration::from_secs(15),
        }
    }

    /// The file's path (made absolute when the store was opened).
    pub fn path(&self) -> &Path {
        &self.inner.shared.path
    }

    /// Whether the toggle `name` is on: a test override, else the current
    /// snapshot; a name the file lacks is off and is queued for appending
    /// (an invalid name is off, logged once, and never written).
    ///
    /// No lock and no allocation for a name the file defines.
    #[inline]
    pub fn is_enabled(&self, name: &str) -> bool {
        if let Some(value) = overrides::lookup(name) {
            return value;
        }
        self.inner.shared.check(name)
    }

    /// The current snapshot: one whole version of the file, to read several
    /// toggles consistently.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.shared.current.load_full()
    }

    /// The release named `name` in the current snapshot, with its members and
    /// how many are on.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("toggles.toml");
    /// std::fs::write(&path, r#"
    /// [releases.checkout-v2]
    /// enabled = true
    /// [toggles.new_cart]
    /// release = "checkout-v2"
    /// [toggles.one_click]
    /// release = "checkout-v2"
    /// enabled = false
    /// "#).unwrap();
    /// let store = toggles::Store::open(&path).unwrap();
    /// let release = store.release("checkout-v2").unwrap();
    /// assert_eq!(release.counts(), (1, 2));
    /// assert_eq!(release.to_string(), "checkout-v2: 1 of 2 enabled");
    /// ```
    pub fn release(&self, name: &str) -> Option<Release> {
        self.inner.shared.current.load().release(name).cloned()
    }

    /// Waits until every name queued for appending so far is written (or has
    /// failed and been logged), and the store has reloaded after it.
    pub fn flush(&self) {
        self.inner.shared.flush();
    }

    /// Re-reads the file now. `Ok(true)` if a new version was loaded,
    /// `Ok(false)` if the content had not changed; an error keeps the last
    /// good snapshot in use.
    pub fn reload(&self) -> Result<bool, Arc<Error>> {
        self.inner.shared.reload(Trigger::Manual)
    }

    /// Why the file on disk is not the version in use, if it is not: the
    /// last save did not validate, or the file is gone. `None` once a good
    /// version is loaded.
    pub fn last_error(&self) -> Option<Arc<Error>> {
        self.inner.shared.last_error.load_full()
    }

    /// Calls `callback` after each reload that changed something, on the
    /// store's background thread, until the returned [`Subscription`] is
    /// dropped. Keep the callback quick: reloads wait for it.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("toggles.toml");
    /// let store = toggles::Store::open(&path).unwrap();
    /// let subscription = store.subscribe(|changes| {
    ///     for flip in changes.flipped() {
    ///         println!("{} is now {}", flip.name, if flip.new { "on" } else { "off" });
    ///     }
    /// });
    /// # drop(subscription);
    /// ```
    pub fn subscribe(&self, callback: impl Fn(&Changes) + Send + Sync + 'static) -> Subscription {
        let shared = &self.inner.shared;
        let id = shared.next_subscriber.fetch_add(1, Ordering::Relaxed);
        lock(&shared.subscribers).push((id, Arc::new(callback)));
        Subscription {
            shared: Arc::downgrade(shared),
            id,
        }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let snapshot = self.inner.shared.current.load();
        f.debug_struct("Store")
            .field("path", &self.inner.shared.path)
            .field("generation", &snapshot.generation())
            .field("toggles", &snapshot.toggles().len())
            .finish_non_exhaustive()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let shared = &self.shared;
        lock(&shared.work).stop = true;
        shared.wake.notify_all();
        let worker = lock(&shared.worker).take();
        if let Some(worker) = worker {
            // The last handle can be dropped by a subscriber, on the worker.
            if worker.thread().id() != thread::current().id() {
                let _ = worker.join();
            }
        }
    }
}

/// Keeps a [`Store::subscribe`] callback registered; dropping it unsubscribes.
#[must_use = "the callback is unsubscribed when this is dropped"]
#[derive(Debug)]
pub struct Subscription {
    shared: std::sync::Weak<Shared>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.upgrade() {
            lock(&shared.subscribers).retain(|(id, _)| *id != self.id);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    Manual,
    /// After a file event; a parse failure is tried once more after a settle.
    Event {
        retried: bool,
    },
    Poll,
    Append,
}

impl Shared {
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn current(&self) -> &ArcSwap<Snapshot> {
        &self.current
    }

    /// The store's answer for `name`, overrides aside.
    #[inline]
    pub(crate) fn check(self: &Arc<Self>, name: &str) -> bool {
        match self.current.load().state(name) {
            Some(value) => value,
            None => {
                self.note_unknown(name);
                false
            }
        }
    }

    /// Records a name the current snapshot lacks: logs it once if invalid,
    /// otherwise queues it once for appending.
    #[cold]
    #[inline(never)]
    pub(crate) fn note_unknown(self: &Arc<Self>, name: &str) {
        match self.seen.insert(name) {
            Seen::Before | Seen::Full { first: false } => return,
            Seen::Full { first: true } => {
                log::warn!(
                    "{}: more than {MAX_SEEN} unknown toggle names were checked; \
                     further ones are off and not appended",
                    self.path.display()
                );
                return;
            }
            Seen::New => {}
        }
        if !is_valid_name(name) {
            log::warn!(
                "{}",
                Error::InvalidName {
                    name: name.to_owned()
                }
            );
            return;
        }
        if self.append && !self.current.load().contains(name) {
            lock(&self.work).pending.push(name.into());
            self.ensure_worker();
            self.wake.notify_all();
        }
    }

    /// Queues again the names checked while missing that a new version lacks
    /// once more: an editor that saved over an append without the lock, or a
    /// user who deleted a toggle that running code still checks. A missing
    /// name is appended, whenever it goes missing.
    fn requeue_vanished(&self, snapshot: &Snapshot) {
        if !self.append {
            return;
        }
        let vanished = self
            .seen
            .filtered(|name| is_valid_name(name) && !snapshot.contains(name));
        if !vanished.is_empty() {
            let mut work = lock(&self.work);
            for name in vanished {
                if !work.pending.contains(&name) && !work.waiting.contains(&name) {
                    work.pending.push(name);
                }
            }
            drop(work);
            self.wake.notify_all();
        }
    }

    /// Starts the background worker if it is not running.
    fn ensure_worker(self: &Arc<Self>) {
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

    /// Called by the watcher for each event that could concern the file.
    pub(crate) fn file_event(&self) {
        let now = Instant::now();
        let mut work = lock(&self.work);
        work.dirty = true;
        work.burst = Some((work.burst.map_or(now, |(first, _)| first), now));
        drop(work);
        self.wake.notify_all();
    }

    fn flush(&self) {
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
            // Let a burst of events settle: reload once the folder has been
            // quiet for SETTLE, or MAX_DELAY after the burst's first event.
            let trigger = match work.burst {
                Some((first, _)) => {
                    while let Some((_, last)) = work.burst {
                        let deadline = (first + MAX_DELAY).min(last + SETTLE);
                        let now = Instant::now();
                        if now >= deadline || work.stop {
                            break;
                        }
                        work = self
                            .wake
                            .wait_timeout(work, deadline - now)
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                    Trigger::Event { retried: false }
                }
                None => Trigger::Poll,
            };
            let reload = std::mem::take(&mut work.dirty);
            work.burst = None;
            let pending = std::mem::take(&mut work.pending);
            work.busy = true;
            drop(work);

            if reload {
                let result = self.reload(trigger);
                if result.is_err() && trigger == (Trigger::Event { retried: false }) {
                    // Perhaps read mid-save: look again once things settle.
                    thread::sleep(SETTLE);
                    let _ = self.reload(Trigger::Event { retried: true });
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

    fn append(&self, names: Vec<Box<str>>) {
        // An editor may be saving in place right now: hold back a few times,
        // then append anyway (a modification time can lie) — unless the file
        // is empty while the version in use is not.
        let refuse_empty = !self.current.load().is_empty();
        let mut result = Err(AppendError::Busy);
        for attempt in 0..APPEND_ATTEMPTS {
            let quiet_for = (attempt + 1 < APPEND_ATTEMPTS).then_some(2 * SETTLE);
            let ours = *lock(&self.appended_at);
            let caution = append::Caution {
                quiet_for,
                refuse_empty,
                ours,
            };
            result = append::append_missing(&self.path, &names, Date::today(), caution);
            if !matches!(result, Err(AppendError::Busy)) {
                break;
            }
            thread::sleep(SETTLE);
        }
        match result {
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
                let _ = self.reload(Trigger::Append);
            }
            Err(AppendError::Invalid(e)) => {
                log::debug!(
                    "{}: not appending while the file is invalid: {e}",
                    self.path.display()
                );
                lock(&self.work).waiting.extend(names);
            }
            Err(AppendError::Busy) => {
                log::debug!("{}: not appending to an emptied file", self.path.display());
                lock(&self.work).waiting.extend(names);
            }
            Err(AppendError::Io(e)) => {
                if !self.append_failure_logged.swap(true, Ordering::Relaxed) {
                    log::warn!(
                        "{e}; unknown toggles stay off and are not appended \
                         (set {APPEND_ENV}=off to stop trying)"
                    );
                }
            }
        }
    }

    /// Reads the file and publishes a new snapshot if its content changed.
    fn reload(&self, trigger: Trigger) -> Result<bool, Arc<Error>> {
        let mut state = lock(&self.reload);
        let bytes = match format::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e)
                if e.kind() == io::ErrorKind::NotFound
                    && state.good.is_none()
                    && state.bad.is_none() =>
            {
                // Never loaded: a missing file is an empty set of toggles.
                return Ok(false);
            }
            Err(e) => {
                let missing = e.kind() == io::ErrorKind::NotFound;
                let error = Arc::new(Error::io(&self.path, "read the file", e));
                if !state.read_error_logged {
                    state.read_error_logged = true;
                    log::warn!("{error}; keeping the last good version");
                }
                if missing || trigger != (Trigger::Event { retried: false }) {
                    self.last_error.store(Some(Arc::clone(&error)));
                }
                return Err(error);
            }
        };
        state.read_error_logged = false;
        if format::is_blank(&bytes) && state.good.is_some() && !self.current.load().is_empty() {
            // A truncating editor mid-save, most likely: never switch every
            // toggle off for that. (To remove them all, leave a comment.)
            let error = Arc::new(Error::io(
                &self.path,
                "use an empty file",
                io::Error::other(
                    "it has no toggles while the last good version had some; keeping that version (to remove every toggle, leave a comment in the file)",
                ),
            ));
            if trigger != (Trigger::Event { retried: false }) {
                self.last_error.store(Some(Arc::clone(&error)));
            }
            return Err(error);
        }
        let hash = hash_of(&bytes);
        if state.good == Some(hash) {
            self.last_error.store(None);
            return Ok(false);
        }
        if state.bad == Some(hash) {
            return Err(self.last_error.load_full().unwrap_or_else(|| {
                Arc::new(Error::io(
                    &self.path,
                    "load the file",
                    io::Error::other("invalid"),
                ))
            }));
        }
        let definitions = match format::parse(&self.path, &bytes) {
            Ok(definitions) => definitions,
            Err(e) => {
                let error = Arc::new(e);
                if trigger == (Trigger::Event { retried: false }) {
                    return Err(error); // not final yet: the worker looks again
                }
                state.bad = Some(hash);
                log::error!("{error}\nkeeping the last good version");
                self.last_error.store(Some(Arc::clone(&error)));
                return Err(error);
            }
        };
        let snapshot = Arc::new(Snapshot::new(next_generation(), definitions));
        let old = self.current.swap(Arc::clone(&snapshot));
        state.good = Some(hash);
        state.bad = None;
        self.last_error.store(None);
        if self.is_global.load(Ordering::Acquire) {
            global::publish(self);
        }
        self.requeue_vanished(&snapshot);
        let changes = Changes::between(&old, &snapshot);
        if !changes.is_empty() {
            let name = self.path.file_name().map_or_else(
                || self.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            log::info!("{name} reloaded: {changes}");
            let subscribers: Vec<Subscriber> = lock(&self.subscribers)
                .iter()
                .map(|(_, s)| Arc::clone(s))
                .collect();
            // Unlocked: a subscriber may call `reload` or drop the store.
            drop(state);
            for subscriber in subscribers {
                subscriber(&changes);
            }
        }
        Ok(true)
    }
}

fn hash_of(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
