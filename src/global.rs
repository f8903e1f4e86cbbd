//! The process-wide store behind `toggle!` and `Toggle`.
//!
//! [`GENERATION`] mirrors the generation of the global store's current
//! snapshot; every call-site cache compares against it. It is written only
//! under [`INSTALL`], after the snapshot is swapped in, so a cache can be
//! stale for at most one check per call site, never wrong for a generation.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwapOption;

use crate::error::Error;
use crate::store::{Shared, Store, lock};

/// The environment variable naming the file of the global store when
/// [`init`] is not called. Default: `toggles.toml` in the working directory.
pub const FILE_ENV: &str = "TOGGLES_FILE";

/// Generation of the global store's current snapshot; 0 until there is one.
pub(crate) static GENERATION: AtomicU64 = AtomicU64::new(0);
static GLOBAL: ArcSwapOption<Store> = ArcSwapOption::const_empty();
static INSTALL: Mutex<()> = Mutex::new(());

/// Opens `path` as the store behind [`toggle!`](crate::toggle!) and
/// [`Toggle`](crate::Toggle), watched and appending unknown names.
///
/// Call it at start-up to fail fast on a broken file. Without it, the first
/// check opens `$TOGGLES_FILE` or `./toggles.toml`; if that file is invalid,
/// every toggle is off until it is fixed, and the error is logged. Calling
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
    let guard = lock(&INSTALL);
    let old = install(store);
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
    let _guard = lock(&INSTALL);
    if let Some(store) = GLOBAL.load_full() {
        return store;
    }
    let path = std::env::var_os(FILE_ENV).unwrap_or_else(|| "toggles.toml".into());
    let store = Store::builder(path).open_lenient();
    install(store);
    GLOBAL.load_full().expect("installed just now")
}

/// Installs `store`; the caller holds `INSTALL`. Returns the previous store,
/// to be dropped after `INSTALL` is released.
fn install(store: Store) -> Option<Arc<Store>> {
    store.shared().is_global.store(true, Ordering::SeqCst);
    let generation = store.shared().current().load().generation();
    let old = GLOBAL.swap(Some(Arc::new(store)));
    if let Some(old) = &old {
        old.shared().is_global.store(false, Ordering::SeqCst);
    }
    GENERATION.store(generation, Ordering::Release);
    old
}

/// Called by a store after it swapped in a new snapshot.
pub(crate) fn publish(shared: &Shared) {
    let _guard = lock(&INSTALL);
    if shared.is_global.load(Ordering::SeqCst) {
        GENERATION.store(shared.current().load().generation(), Ordering::Release);
    }
}

/// Queues `name` for appending to the global file if it lacks it (used by
/// overrides, which register names like a check does).
pub(crate) fn note_name(name: &str) {
    let store = global_arc();
    let shared = store.shared();
    if !shared.current().load().contains(name) {
        shared.note_unknown(name);
    }
}
