//! The process-wide store behind `toggle!` and `Toggle`.
//!
//! [`generation::GLOBAL`] mirrors the generation of the global store's
//! current snapshot; every call-site cache compares against it. It is
//! written only under [`INSTALL`], by the installed store's publish hook
//! (after the snapshot is swapped in) or by the install itself, so a cache
//! can be stale for at most one check per call site, never wrong for a
//! generation.

use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwapOption;

use crate::deferred::{DeferredLog, defer_log};
use crate::error::Error;
use crate::generation;
use crate::snapshot::Snapshot;
use crate::store::Store;
use crate::sync::lock;

/// The environment variable naming the file of the global store when
/// [`init`] is not called. Default: `toggles.toml` in the working directory.
/// Set but empty, it is a mistake: the library logs it and uses the
/// default (the `toggles` command refuses it).
pub const FILE_ENV: &str = "TOGGLES_FILE";

static GLOBAL: ArcSwapOption<Store> = ArcSwapOption::const_empty();
/// The global store's current snapshot, mirrored by its publish hook like
/// [`generation::GLOBAL`]: a keyed check reaches it in one `arc-swap` load
/// instead of two (the store, then its snapshot).
static SNAPSHOT: ArcSwapOption<Snapshot> = ArcSwapOption::const_empty();
/// Held to install a store and to mirror its generation; holds the number
/// of the current installation, so a replaced store's hook does nothing.
static INSTALL: Mutex<u64> = Mutex::new(0);

/// Opens `path` as the store behind [`toggle!`](crate::toggle!) and
/// [`Toggle`](crate::Toggle), watched and appending unknown names.
///
/// Call it at start-up to fail fast on a broken or missing file (a missing
/// one is [`Error::NotFound`], which names the absolute path looked at:
/// usually the program was started in another folder). Without it, the
/// first check opens `$TOGGLES_FILE` or `./toggles.toml`; if that file is
/// invalid, every toggle is off until it is fixed, and the error is logged;
/// if it is missing, every toggle is off, a warning names the path, and the
/// file is created with the first new name (small programs, first steps).
/// Calling
/// `init` again replaces the global store: every call site switches to the
/// new file at its next check.
///
/// ```no_run
/// fn main() -> Result<(), toggles::Error> {
///     toggles::init("config/toggles.toml")?;
///     if toggles::toggle!("new_checkout") {
///         // …
///     }
///     Ok(())
/// }
/// ```
pub fn init(path: impl AsRef<Path>) -> Result<(), Error> {
    init_with(Store::open(path)?);
    Ok(())
}

/// Makes `store` the store behind [`toggle!`](crate::toggle!) and
/// [`Toggle`](crate::Toggle), for options [`init`] does not take:
///
/// ```no_run
/// let store = toggles::Store::builder("toggles.toml").append_unknown(false).open()?;
/// toggles::init_with(store);
/// # Ok::<(), toggles::Error>(())
/// ```
pub fn init_with(store: Store) {
    let mut guard = lock(&INSTALL);
    let old = install(&mut guard, store);
    drop(guard);
    drop(old); // may join the old store's worker, which may wait for INSTALL
}

/// The store behind [`toggle!`](crate::toggle!) and [`Toggle`](crate::Toggle),
/// opening the default file if nothing was [`init`]ialized; for
/// [`subscribe`](Store::subscribe), [`last_error`](Store::last_error) and
/// the like.
pub fn global() -> Store {
    Store::clone(&global_arc())
}

pub(crate) fn global_arc() -> Arc<Store> {
    if let Some(store) = GLOBAL.load_full() {
        return store;
    }
    // What the open logs waits for INSTALL to be released: a logger that
    // checks a toggle would wait for INSTALL on this very thread.
    let mut lines = DeferredLog::new();
    let mut guard = lock(&INSTALL);
    if let Some(store) = GLOBAL.load_full() {
        return store;
    }
    let path = match std::env::var_os(FILE_ENV) {
        Some(path) if path.is_empty() => {
            defer_log!(
                lines,
                log::Level::Warn,
                "{FILE_ENV} is set but empty; using ./toggles.toml"
            );
            "toggles.toml".into()
        }
        Some(path) => path,
        None => "toggles.toml".into(),
    };
    let advice = format!("to use another file, call toggles::init(PATH) or set {FILE_ENV}");
    let opened = Store::builder(path).open_lenient(&advice, &mut lines);
    let store = Arc::new(opened.store().clone());
    install_arc(&mut guard, Arc::clone(&store));
    drop(guard);
    // `notify` logs as a watch starts: after INSTALL, like the lines.
    let _ = opened.watch(&mut lines);
    lines.emit();
    store
}

thread_local! {
    /// This thread's copy of [`SNAPSHOT`], refreshed when the global
    /// generation moves on: a keyed check reads it without any atomic
    /// read-modify-write. A thread keeps one version alive until its next
    /// keyed check after a reload (or its exit).
    static LOCAL: RefCell<Option<Arc<Snapshot>>> = const { RefCell::new(None) };
}

/// Calls `f` with the global store's current snapshot: the keyed check of
/// a toggle with a rollout or an `allow` list, which no call-site cache
/// can answer. Usually from this thread's copy; after a reload, from the
/// mirror (one `arc-swap` load); before any store, through [`global_arc`].
pub(crate) fn with_current<R>(f: impl FnOnce(&Snapshot) -> R) -> R {
    // Relaxed: compared with the copy's own generation only; a copy older
    // than a reload it has not seen yet answers as a check a moment
    // earlier would (see `install_arc`).
    let generation = generation::GLOBAL.load(Ordering::Relaxed);
    let mut f = Some(f);
    let local = LOCAL.try_with(|cell| {
        let mut copy = cell.try_borrow_mut().ok()?;
        if copy.as_ref().is_none_or(|s| s.generation() != generation) {
            *copy = SNAPSHOT.load_full();
        }
        let snapshot = copy.as_deref()?;
        f.take().map(|f| f(snapshot))
    });
    match (local, f) {
        (Ok(Some(result)), _) => result,
        // No store yet, or this thread is exiting: the long way.
        (_, Some(f)) => match &*SNAPSHOT.load() {
            Some(snapshot) => f(snapshot),
            None => f(&global_arc().current()),
        },
        (_, None) => unreachable!("`f` ran, so a result was returned"),
    }
}

/// Installs `store`; the caller holds `INSTALL` (its guard is
/// `installation`). Returns the previous store, to be dropped after
/// `INSTALL` is released.
fn install(installation: &mut u64, store: Store) -> Option<Arc<Store>> {
    install_arc(installation, Arc::new(store))
}

fn install_arc(installation: &mut u64, store: Arc<Store>) -> Option<Arc<Store>> {
    *installation += 1;
    let this = *installation;
    // Runs on the store's reload path, one publish at a time, in order.
    store.set_on_publish(Some(Arc::new(move |published: &Arc<Snapshot>| {
        if *lock(&INSTALL) == this {
            SNAPSHOT.store(Some(Arc::clone(published)));
            // Relaxed: the number is only compared, never used to reach
            // data (a cache miss loads the snapshot through the store or
            // the mirror); a thread that sees it late answers from the
            // previous version, as if it had checked a moment earlier.
            generation::GLOBAL.store(published.generation(), Ordering::Relaxed);
        }
    })));
    // Read after the hook is set: a publish since is mirrored by the hook,
    // which waits for INSTALL, so the last write is the newest version.
    let current = store.snapshot();
    let old = GLOBAL.swap(Some(store));
    if let Some(old) = &old {
        old.set_on_publish(None);
    }
    let generation = current.generation();
    SNAPSHOT.store(Some(current));
    // Relaxed: as in the hook.
    generation::GLOBAL.store(generation, Ordering::Relaxed);
    old
}
