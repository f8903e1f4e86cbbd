//! `Store`: one toggles file, its current snapshot, and the background worker
//! that reloads it and appends unknown names.
//!
//! Split by job, each file an `impl` block of [`Shared`] or a value it uses:
//!
//! - `mod.rs` (here): the public [`Store`], [`Builder`], [`Subscription`],
//!   and the first load;
//! - `reload.rs`: the reload decision, a pure state machine (no thread, no
//!   file, no clock), and when a burst of events has settled;
//! - `publish.rs`: carrying a decision out — swapping the snapshot in,
//!   `last_error`, the log line, subscribers, the publish hook;
//! - `worker.rs`: the background thread — sleeping, settling, polling;
//! - `unknown.rs`: names the file lacks — remembering them, appending them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use arc_swap::{ArcSwap, ArcSwapOption, Guard};

use crate::append;
use crate::changes::Changes;
use crate::deferred::{DeferredLog, defer_log};
use crate::definitions::{Definitions, Release};
use crate::error::Error;
use crate::format;
use crate::generation;
use crate::key::Key;
use crate::overrides;
use crate::read;
use crate::seen::SeenNames;
use crate::snapshot::Snapshot;
use crate::sync::lock;
use crate::watch;

mod publish;
mod reload;
mod unknown;
mod worker;

use publish::{PublishHook, Subscriber};
use reload::{ReloadState, Trigger};
use worker::Work;

/// The environment variable that turns appending off for every store when set
/// to `0`, `false`, `off` or `no` (for production and read-only deployments).
pub const APPEND_ENV: &str = "TOGGLES_APPEND";

/// The environment variable naming the environment a store reads the file
/// in (see [`Builder::environment`] and [`Builder::base_values`], which win
/// over it): one file serves every deployment, and each sets
/// `TOGGLES_ENV=staging`, `production`…
pub const ENVIRONMENT_ENV: &str = "TOGGLES_ENV";

/// One `toggles.toml`: its current snapshot, hot reload, and appends.
///
/// A `Store` is cheap to clone (clones share everything) and can be used from
/// any thread. Dropping the last clone stops the watcher and the background
/// worker after it has written any queued appends.
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
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
}

/// What the handle and the background worker share, grouped by the file
/// that implements each job.
struct Shared {
    path: PathBuf,

    // publish.rs: the version in use and who hears about new ones.
    current: ArcSwap<Snapshot>,
    last_error: ArcSwapOption<Error>,
    subscribers: Mutex<Vec<Arc<Subscriber>>>,
    next_subscriber: AtomicU64,
    on_publish: Mutex<Option<PublishHook>>,

    // reload.rs: what earlier reads found. Held for a whole reload, so
    // reloads (and their publish hooks) happen one at a time, in order.
    reload: Mutex<ReloadState>,

    // worker.rs: the background thread and what it has to do.
    work: Mutex<Work>,
    wake: std::sync::Condvar,
    idle: std::sync::Condvar,
    worker: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Why the worker stopped, if it died (it is not restarted).
    worker_stopped: OnceLock<Arc<Error>>,
    /// How often to re-read the file when nothing said it changed: a safety
    /// net with a working watcher, the only means without one; unset when
    /// not watching. Set when the watch starts (the worker is woken then).
    poll: OnceLock<Duration>,
    /// The watch on the file's folder; replaced by the worker if the folder
    /// was deleted and comes back, taken out and dropped by the last handle.
    watcher: Mutex<Option<watch::Watcher>>,

    /// The environment the file is read in (for `Store::environment`; the
    /// reload state has its own copy).
    environment: Option<Box<str>>,

    // unknown.rs: names the file lacks.
    append: bool,
    /// Unknown or invalid names already seen, each handled once.
    seen: SeenNames,
    append_failure_logged: AtomicBool,
    /// The file's modification time after our last append.
    appended_at: Mutex<Option<std::time::SystemTime>>,
}

/// Which environment a [`Builder`] reads the file in.
#[derive(Debug, Clone)]
enum EnvironmentChoice {
    /// The default: [`ENVIRONMENT_ENV`], read at open.
    FromVariable,
    /// [`Builder::environment`].
    Named(String),
    /// [`Builder::base_values`].
    Base,
}

/// Options for [`Store::builder`].
#[derive(Debug, Clone)]
#[must_use = "call .open() to open the store"]
pub struct Builder {
    path: PathBuf,
    /// Which environment to read the file in.
    environment: EnvironmentChoice,
    watch: bool,
    append: bool,
    create_if_missing: bool,
    poll_interval: Duration,
    safety_poll: Duration,
}

impl Builder {
    /// Reads the file as environment `name` sees it: each toggle's and
    /// release's `env.NAME` values replace its base ones. Default: the
    /// environment variable `TOGGLES_ENV` ([`ENVIRONMENT_ENV`]); without it
    /// (or with it empty), the base values. This setting wins over the
    /// variable.
    ///
    /// The file must declare `name` in its `environments` list: else
    /// [`open`](Self::open) fails like it does on a broken file.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("toggles.toml");
    /// std::fs::write(&path, "environments = [\"staging\", \"production\"]\n\n\
    ///     [toggles.new_cart]\nenabled = false\nenv.staging.enabled = true\n")?;
    /// let staging = toggles::Store::builder(&path).environment("staging").open()?;
    /// assert!(staging.is_enabled("new_cart"));
    /// let production = toggles::Store::builder(&path).environment("production").open()?;
    /// assert!(!production.is_enabled("new_cart"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn environment(mut self, name: impl Into<String>) -> Builder {
        self.environment = EnvironmentChoice::Named(name.into());
        self
    }

    /// Reads the file's base values, whatever `TOGGLES_ENV` says: for a
    /// program that must not depend on the environment it is started in (a
    /// tool comparing environments, a test run from any shell). The last of
    /// this and [`environment`](Self::environment) wins.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("toggles.toml");
    /// std::fs::write(&path, "environments = [\"staging\"]\n\n\
    ///     [toggles.new_cart]\nenabled = false\nenv.staging.enabled = true\n")?;
    /// let store = toggles::Store::builder(&path).base_values().open()?;
    /// assert_eq!(store.environment(), None);
    /// assert!(!store.is_enabled("new_cart"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn base_values(mut self) -> Builder {
        self.environment = EnvironmentChoice::Base;
        self
    }

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

    /// Whether a missing file is an empty set of toggles (created by the
    /// first append, and loaded when someone creates it) instead of an
    /// error (default: `false`).
    ///
    /// A missing file is usually a wrong path (the program was started in
    /// another folder): [`open`](Self::open) then fails with
    /// [`Error::NotFound`], which names the absolute path it looked at.
    /// Opt in where starting without a file is meant, such as a first run.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// # let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("toggles.toml");
    /// assert!(matches!(
    ///     toggles::Store::open(&path),
    ///     Err(toggles::Error::NotFound { .. })
    /// ));
    /// let store = toggles::Store::builder(&path).create_if_missing(true).open()?;
    /// assert!(!store.is_enabled("new_cart")); // appended, and the file created
    /// store.flush();
    /// assert!(path.exists());
    /// # Ok::<(), toggles::Error>(())
    /// ```
    pub fn create_if_missing(mut self, create: bool) -> Builder {
        self.create_if_missing = create;
        self
    }

    /// How often to re-read the file when file events cannot be watched
    /// (inotify limits, a file system without events). Default: 1 s;
    /// `Duration::MAX` never polls (then only [`Store::reload`] reads it).
    pub fn poll_interval(mut self, interval: Duration) -> Builder {
        self.poll_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// How often to re-read the file even though the watcher works, to catch
    /// anything its events missed. Default: 15 s; `Duration::MAX` never
    /// polls.
    pub fn safety_poll_interval(mut self, interval: Duration) -> Builder {
        self.safety_poll = interval.max(Duration::from_millis(10));
        self
    }

    /// Loads the file and starts watching it.
    ///
    /// A missing file is an error ([`Error::NotFound`]) unless
    /// [`create_if_missing`](Self::create_if_missing) is set. A file that
    /// cannot be read or does not validate is an error.
    pub fn open(self) -> Result<Store, Error> {
        // No lock of ours is held here: the lines are logged on return.
        let mut lines = DeferredLog::new();
        let path = self.absolute_path();
        let environment = self.chosen_environment(&mut lines);
        let (definitions, state) = first_load(
            &path,
            self.load_options(),
            environment.as_deref(),
            &mut lines,
        )
        .map_err(|failed| failed.error)?;
        Ok(self
            .start(path, environment, definitions, state, None)
            .watch(&mut lines))
    }

    /// The environment to read the file in: [`Builder::environment`] or
    /// [`Builder::base_values`], else a non-empty `TOGGLES_ENV`.
    fn chosen_environment(&self, lines: &mut DeferredLog) -> Option<String> {
        match &self.environment {
            EnvironmentChoice::Named(chosen) => return Some(chosen.clone()),
            EnvironmentChoice::Base => return None,
            EnvironmentChoice::FromVariable => {}
        }
        match std::env::var(ENVIRONMENT_ENV) {
            Ok(name) if name.trim().is_empty() => {
                defer_log!(
                    lines,
                    log::Level::Warn,
                    "{ENVIRONMENT_ENV} is set but empty; using the base values"
                );
                None
            }
            Ok(name) => Some(name),
            Err(_) => None,
        }
    }

    /// Opens the store even if the file is invalid: then every toggle is off
    /// until a good version is saved, and [`Store::last_error`] says why. A
    /// missing file starts empty, with a warning that names its path and
    /// ends with `advice` (how to choose another file).
    /// The global store opens under a lock, which nothing may log under
    /// (a logger may check a toggle): what the load logs goes into `lines`,
    /// and the watch, which runs `notify` (it logs too), starts only at
    /// [`Unwatched::watch`], after the lock.
    pub(crate) fn open_lenient(mut self, advice: &str, lines: &mut DeferredLog) -> Unwatched {
        self.create_if_missing = true;
        let path = self.absolute_path();
        let environment = self.chosen_environment(lines);
        if matches!(std::fs::symlink_metadata(&path), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
        {
            defer_log!(
                lines,
                log::Level::Warn,
                "{}: no toggles file here (the current directory is {}); every toggle is off \
                 and the file is created with the first new name; {advice}",
                path.display(),
                current_dir(),
            );
        }
        match first_load(&path, self.load_options(), environment.as_deref(), lines) {
            Ok((definitions, state)) => self.start(path, environment, definitions, state, None),
            Err(FailedLoad { error, bytes }) => {
                defer_log!(
                    lines,
                    log::Level::Error,
                    "{error}\nevery toggle is off until the file is fixed"
                );
                let error = Arc::new(error);
                let state = ReloadState::failed(
                    bytes.as_deref(),
                    Arc::clone(&error),
                    environment.as_deref(),
                );
                let definitions = Definitions::default();
                self.start(path, environment, definitions, state, Some(error))
            }
        }
    }

    /// Whether the store may write the file: it appends unknown names.
    fn may_write(&self) -> bool {
        self.append && append_allowed_by_env()
    }

    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            may_write: self.may_write(),
            create_if_missing: self.create_if_missing,
        }
    }

    fn absolute_path(&self) -> PathBuf {
        std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone())
    }

    fn start(
        self,
        path: PathBuf,
        environment: Option<String>,
        definitions: Definitions,
        state: ReloadState,
        error: Option<Arc<Error>>,
    ) -> Unwatched {
        let shared = Arc::new(Shared {
            path,
            environment: environment.map(Box::from),
            current: ArcSwap::from_pointee(Snapshot::new(generation::next(), definitions)),
            last_error: ArcSwapOption::new(error),
            subscribers: Mutex::new(Vec::new()),
            next_subscriber: AtomicU64::new(0),
            on_publish: Mutex::new(None),
            reload: Mutex::new(state),
            work: Mutex::new(Work::default()),
            wake: std::sync::Condvar::new(),
            idle: std::sync::Condvar::new(),
            worker: Mutex::new(None),
            worker_stopped: OnceLock::new(),
            poll: OnceLock::new(),
            watcher: Mutex::new(None),
            append: self.append && append_allowed_by_env(),
            seen: SeenNames::default(),
            append_failure_logged: AtomicBool::new(false),
            appended_at: Mutex::new(None),
        });
        Unwatched {
            store: Store {
                inner: Arc::new(Inner { shared }),
            },
            builder: self,
        }
    }
}

/// A store whose file is loaded, not watched yet: see
/// [`Builder::open_lenient`].
#[must_use = "call .watch() to start watching the file"]
pub(crate) struct Unwatched {
    store: Store,
    builder: Builder,
}

impl Unwatched {
    /// The store, usable already (its checks answer from the loaded file).
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Starts the watch and the worker, if the builder asked for a watch;
    /// what that logs goes into `lines`.
    pub(crate) fn watch(self, lines: &mut DeferredLog) -> Store {
        let Unwatched { store, builder } = self;
        let shared = &store.inner.shared;
        if builder.watch {
            let weak = Arc::downgrade(shared);
            let on_event = move |change| {
                if let Some(shared) = weak.upgrade() {
                    shared.file_event(change);
                }
            };
            match watch::Watcher::start(&shared.path, on_event) {
                Ok(w) => {
                    *lock(&shared.watcher) = Some(w);
                    let _ = shared.poll.set(builder.safety_poll);
                }
                Err(e) => {
                    defer_log!(
                        lines,
                        log::Level::Warn,
                        "{}: cannot watch for changes ({e}); polling every {:?} instead",
                        shared.path.display(),
                        builder.poll_interval
                    );
                    let _ = shared.poll.set(builder.poll_interval);
                }
            }
            shared.ensure_worker(lines);
            // A check of a new name may have started the worker already,
            // without a poll: it learns of it now.
            shared.wake.notify_all();
        }
        store
    }
}

/// The current directory, for messages about a relative path.
fn current_dir() -> String {
    std::env::current_dir()
        .map_or_else(|e| format!("unknown: {e}"), |dir| dir.display().to_string())
}

/// What the first load may do: complete an interrupted append, start
/// without a file.
#[derive(Clone, Copy)]
struct LoadOptions {
    may_write: bool,
    create_if_missing: bool,
}

/// A first load that failed: why, and the bytes that caused it (if any).
struct FailedLoad {
    error: Error,
    bytes: Option<Vec<u8>>,
}

/// The first read of a file: its definitions and what the reload decision
/// starts from.
///
/// A process killed mid-append may have left part of its append in the
/// file. A store that may write completes it first (`append::recover`: it
/// knows exactly which bytes are the library's own). One that may not (not
/// appending, or the completion failed, say on a read-only volume) loads
/// the file as it was before that append: the bytes before it are exactly
/// its owner's, and nothing half-written is read.
#[allow(clippy::result_large_err)] // once per store, at start-up
fn first_load(
    path: &Path,
    options: LoadOptions,
    environment: Option<&str>,
    lines: &mut DeferredLog,
) -> Result<(Definitions, ReloadState), FailedLoad> {
    if options.may_write
        && let Err(e) = append::recover(path, lines)
    {
        defer_log!(
            lines,
            log::Level::Warn,
            "{e}; reading the file without completing an interrupted append"
        );
    }
    let bytes = match read::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() && !options.create_if_missing => {
            let error = Error::NotFound {
                path: path.to_path_buf(),
                current_dir: current_dir(),
            };
            return Err(FailedLoad { error, bytes: None });
        }
        Err(e) if e.is_not_found() => {
            let definitions = Definitions::default();
            let state = ReloadState::loaded(None, &definitions, environment);
            return Ok((definitions, state));
        }
        Err(e) => {
            let error = e.into_error(path, "read the file");
            return Err(FailedLoad { error, bytes: None });
        }
    };
    match format::parse_in(path, &bytes, environment) {
        Ok(definitions) => {
            let state = ReloadState::loaded(Some(&bytes), &definitions, environment);
            Ok((definitions, state))
        }
        Err(error) => {
            let before = append::interrupted_append_at(path, &bytes).and_then(|offset| {
                let before = format::parse_in(path, &bytes[..offset], environment).ok()?;
                Some((offset, before))
            });
            let Some((offset, definitions)) = before else {
                return Err(FailedLoad {
                    error,
                    bytes: Some(bytes),
                });
            };
            defer_log!(
                lines,
                log::Level::Warn,
                "{}: an append by this library was interrupted (the file ends in {} bytes of \
                 it); using the file without them until a store that appends completes it",
                path.display(),
                bytes.len() - offset
            );
            // The bytes on disk are the version in use: reading them again
            // changes nothing, and any other version is a change.
            let state = ReloadState::loaded(Some(&bytes), &definitions, environment);
            Ok((definitions, state))
        }
    }
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
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("toggles.toml");
    /// # std::fs::write(&path, "[toggles.dark_mode]\nenabled = true\n").unwrap();
    /// let store = toggles::Store::builder(&path).watch(false).append_unknown(false).open().unwrap();
    /// assert!(store.is_enabled("dark_mode"));
    /// assert!(!store.is_enabled("anything"));
    /// ```
    pub fn builder(path: impl AsRef<Path>) -> Builder {
        Builder {
            environment: EnvironmentChoice::FromVariable,
            path: path.as_ref().to_path_buf(),
            watch: true,
            append: true,
            create_if_missing: false,
            poll_interval: Duration::from_secs(1),
            safety_poll: Duration::from_secs(15),
        }
    }

    /// The file's path (made absolute when the store was opened).
    pub fn path(&self) -> &Path {
        &self.inner.shared.path
    }

    /// The environment this store reads the file in (see
    /// [`Builder::environment`]); `None` for the base values.
    pub fn environment(&self) -> Option<&str> {
        self.inner.shared.environment.as_deref()
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
        match self.inner.shared.current.load().state(name) {
            Some(value) => value,
            None => {
                self.inner.shared.note_unknown(name);
                false
            }
        }
    }

    /// Whether the toggle `name` is on for the key `key` (a user id, a
    /// tenant…): a test override, else the current snapshot's state for
    /// that key (see [`ToggleInfo::is_enabled_for`](crate::ToggleInfo::is_enabled_for));
    /// a name the file lacks is off and is queued for appending.
    ///
    /// The key is any [`Key`]: a string or an integer (the
    /// same key as its decimal text). No lock and no allocation for a name
    /// the file defines.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("toggles.toml");
    /// std::fs::write(&path, "[toggles.new_search]\nrollout = 0\nallow = [\"ada\"]\n")?;
    /// let store = toggles::Store::open(&path)?;
    /// assert!(store.is_enabled_for("new_search", "ada"));
    /// assert!(!store.is_enabled_for("new_search", "bob"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn is_enabled_for(&self, name: &str, key: impl Key) -> bool {
        if let Some(value) = overrides::lookup(name) {
            return value;
        }
        match self.inner.shared.current.load().get(name) {
            Some(toggle) => toggle.is_enabled_for(key),
            None => {
                self.inner.shared.note_unknown(name);
                false
            }
        }
    }

    /// The current snapshot: one whole version of the file, to read several
    /// toggles consistently.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.shared.current.load_full()
    }

    /// The current snapshot without touching its reference count, for the
    /// cold path of a call-site cache.
    pub(crate) fn current(&self) -> Guard<Arc<Snapshot>> {
        self.inner.shared.current.load()
    }

    /// The release named `name` in the current snapshot, with its members and
    /// how many are on: a copy, as everything a `Store` hands out is owned
    /// (the version it holds may be replaced by a reload at any moment),
    /// where [`Snapshot::release`] lends from one version. To read several
    /// things of one version, take [`snapshot`](Self::snapshot) once.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
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
    /// assert_eq!(release.to_string(), "checkout-v2: on, 1 of 2 enabled");
    /// ```
    pub fn release(&self, name: &str) -> Option<Release> {
        self.inner.shared.current.load().release(name).cloned()
    }

    /// Waits until every name queued for appending so far is written (or has
    /// failed and been logged), and the store has reloaded after it — for at
    /// most 5 seconds: an append waits for another writer's lock, or for an
    /// editor to finish a save, and `flush` never waits forever for those.
    /// See [`flush_timeout`](Self::flush_timeout) to choose the bound and
    /// learn whether everything was written.
    ///
    /// Called from a [`subscribe`](Self::subscribe) callback, which runs on
    /// the store's background thread, it does not wait for that thread: it
    /// returns at once, and names queued are appended after the callback
    /// returns. Nor does it wait if that thread has stopped (see
    /// [`Error::WorkerStopped`]).
    pub fn flush(&self) {
        self.inner.shared.flush(worker::FLUSH_TIMEOUT);
    }

    /// Like [`flush`](Self::flush), waiting at most `timeout`
    /// (`Duration::MAX`: as long as it takes): `true` if everything queued
    /// was handled, `false` if something still waits (the file's lock is
    /// held by another process, say; or, in a subscriber, names it queued).
    pub fn flush_timeout(&self, timeout: Duration) -> bool {
        self.inner.shared.flush(timeout)
    }

    /// Re-reads the file now. `Ok(true)` if a new version was loaded,
    /// `Ok(false)` if the content had not changed, or if the file was
    /// written while it was read (its size or times moved: the bytes may be
    /// pieces of two saves; the worker, if the store has one, looks again a
    /// moment later); an error keeps the last good snapshot in use.
    ///
    /// The error is an `Arc<Error>`, as [`last_error`](Self::last_error)'s
    /// is: the store keeps it (for `last_error`) and hands the same one to
    /// every caller, and [`Error`] is not `Clone` (it may hold an
    /// [`io::Error`](std::io::Error)). Functions that return a new error
    /// each time ([`Store::open`], [`Snapshot::parse`], [`read_file`](crate::read_file))
    /// return `Error`.
    pub fn reload(&self) -> Result<bool, Arc<Error>> {
        self.inner.shared.reload(Trigger::Manual).result
    }

    /// Why the file on disk is not the version in use, if it is not: the
    /// last save did not validate, or the file is gone. `None` once a good
    /// version is loaded. If the store's background thread stopped
    /// ([`Error::WorkerStopped`]), that, from then on: the file is no
    /// longer reloaded by itself.
    pub fn last_error(&self) -> Option<Arc<Error>> {
        let shared = &self.inner.shared;
        match shared.worker_stopped.get() {
            Some(stopped) => Some(Arc::clone(stopped)),
            None => shared.last_error.load_full(),
        }
    }

    /// Calls `callback` after each reload that changed something, on the
    /// store's background thread, until the returned [`Subscription`] is
    /// dropped. Keep the callback quick: reloads wait for it. A callback
    /// that panics is caught and logged (once, with the callback's type
    /// name); it stays subscribed and reloads go on.
    ///
    /// ```
    /// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("toggles.toml");
    /// # std::fs::write(&path, "[toggles.dark_mode]\nenabled = true\n").unwrap();
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
        // Relaxed: only uniqueness matters.
        let id = shared.next_subscriber.fetch_add(1, Ordering::Relaxed);
        let name = std::any::type_name_of_val(&callback);
        lock(&shared.subscribers).push(Arc::new(Subscriber {
            id,
            name,
            callback: Box::new(callback),
            panicked: AtomicBool::new(false),
        }));
        Subscription {
            shared: Arc::downgrade(shared),
            id,
        }
    }

    /// Records a name the current snapshot lacks, as a check of it would:
    /// queued once for appending (an invalid one is logged once).
    pub(crate) fn note_unknown(&self, name: &str) {
        self.inner.shared.note_unknown(name);
    }

    /// Calls `hook` with the generation of each snapshot this store
    /// publishes from now on (`None`: stop), one publish at a time, in
    /// order. The global store uses it to keep the call-site caches' key
    /// current; this layer does not know who listens.
    pub(crate) fn set_on_publish(&self, hook: Option<PublishHook>) {
        *lock(&self.inner.shared.on_publish) = hook;
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
        self.shared.stop_worker();
        // After the worker, which may replace the watcher; dropped unlocked.
        let watcher = lock(&self.shared.watcher).take();
        drop(watcher);
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
            lock(&shared.subscribers).retain(|s| s.id != self.id);
        }
    }
}
