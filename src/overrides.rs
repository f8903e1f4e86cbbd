//! Scoped test overrides: `toggle_as`, `with_toggles`, `toggle_as_global`.
//!
//! An override is an entry on a stack, either the current thread's or the
//! process-wide one. A check looks at the thread's stack, then the process
//! stack, newest entry first, before it looks at any snapshot. While no
//! override exists anywhere, the only cost a check pays is one relaxed load
//! of [`ACTIVE`]; override values are never written into a call site's cache,
//! so no cache can return a stale value around an override.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, RwLock};
use std::thread::{self, ThreadId};

use crate::name::is_valid_name;

/// How many override guards are alive in the process, on any thread.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// How many of them are process-wide, so that a thread-scoped override on
/// one thread does not make every other thread take the process lock.
static GLOBAL_ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// Source of unique guard ids, so guards dropped out of order remove their own entry.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
/// The process-wide stack of `toggle_as_global`.
static GLOBAL: RwLock<Vec<Entry>> = RwLock::new(Vec::new());
/// Which thread holds the process-wide overrides, and how many it holds.
static GLOBAL_OWNER: Mutex<Option<(ThreadId, usize)>> = Mutex::new(None);
static GLOBAL_RELEASED: Condvar = Condvar::new();

thread_local! {
    static LOCAL: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

struct Entry {
    id: u64,
    name: Box<str>,
    value: bool,
}

/// The override of `name`, if one is active for the current thread.
#[inline]
pub(crate) fn lookup(name: &str) -> Option<bool> {
    if ACTIVE.load(Ordering::Relaxed) == 0 {
        return None;
    }
    lookup_slow(name)
}

#[cold]
#[inline(never)]
fn lookup_slow(name: &str) -> Option<bool> {
    let find = |stack: &[Entry]| {
        stack
            .iter()
            .rev()
            .find(|e| &*e.name == name)
            .map(|e| e.value)
    };
    let local = LOCAL.try_with(|stack| find(&stack.borrow())).ok().flatten();
    if local.is_some() || GLOBAL_ACTIVE.load(Ordering::Relaxed) == 0 {
        return local;
    }
    find(&GLOBAL.read().unwrap_or_else(|e| e.into_inner()))
}

fn push(stack: &mut Vec<Entry>, name: &str, value: bool) -> u64 {
    assert!(
        is_valid_name(name),
        "invalid toggle name {name:?}: use 1 to 255 ASCII letters, digits, `_` or `-`"
    );
    // Register the name like a check would, so that a toggle introduced
    // together with its tests is appended to the file.
    crate::global::note_name(name);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    stack.push(Entry {
        id,
        name: name.into(),
        value,
    });
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    id
}

fn remove(stack: &mut Vec<Entry>, id: u64) {
    if let Some(i) = stack.iter().rposition(|e| e.id == id) {
        stack.remove(i);
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Overrides a toggle for the current thread until the guard is dropped.
///
/// While the guard lives, every check of `name` on this thread returns
/// `value`: [`toggle!`](crate::toggle!), a static [`Toggle`](crate::Toggle),
/// [`Store::is_enabled`](crate::Store::is_enabled) and
/// [`Snapshot::is_enabled`](crate::Snapshot::is_enabled) of any store. Other
/// threads, such as other tests running in parallel, never see it. Guards
/// nest: dropping an inner guard brings back the outer override, and a panic
/// unwinding through a guard drops it too. The file is never written; a name
/// the file lacks is still queued for appending, as a check would queue it.
///
/// # Panics
///
/// If `name` is not a valid toggle name: this is meant for tests, where
/// failing loudly is right.
///
/// # Example
///
/// ```
/// use toggles::{toggle, toggle_as};
/// # toggles::init("toggles.toml").unwrap();
///
/// assert!(!toggle!("new_cart"));
/// {
///     let _on = toggle_as("new_cart", true);
///     assert!(toggle!("new_cart"));
///     {
///         let _off = toggle_as("new_cart", false);
///         assert!(!toggle!("new_cart"));
///     }
///     assert!(toggle!("new_cart"));
/// }
/// assert!(!toggle!("new_cart"));
/// ```
pub fn toggle_as(name: &str, value: bool) -> Override {
    let id = LOCAL.with(|stack| push(&mut stack.borrow_mut(), name, value));
    Override {
        id,
        _not_send: PhantomData,
    }
}

/// Runs `f` with several toggles overridden on the current thread.
///
/// The overrides end when `f` returns or panics. See [`toggle_as`].
///
/// ```
/// # toggles::init("toggles.toml").unwrap();
/// let seen = toggles::with_toggles(&[("new_cart", true), ("dark_mode", false)], || {
///     (toggles::toggle!("new_cart"), toggles::toggle!("dark_mode"))
/// });
/// assert_eq!(seen, (true, false));
/// ```
pub fn with_toggles<R>(overrides: &[(&str, bool)], f: impl FnOnce() -> R) -> R {
    let _guards: Vec<Override> = overrides
        .iter()
        .map(|&(name, value)| toggle_as(name, value))
        .collect();
    f()
}

/// A thread-scoped override from [`toggle_as`]; dropping it ends the override.
#[must_use = "the override ends when this guard is dropped"]
#[derive(Debug)]
pub struct Override {
    id: u64,
    // The entry lives on this thread's stack: the guard must be dropped here.
    _not_send: PhantomData<*const ()>,
}

impl Drop for Override {
    fn drop(&mut self) {
        let _ = LOCAL.try_with(|stack| remove(&mut stack.borrow_mut(), self.id));
    }
}

/// Overrides a toggle for **every thread** of the process until the guard is
/// dropped.
///
/// Use this when the code under test checks toggles on other threads (a
/// thread pool, a multi-threaded async runtime), where a [`toggle_as`]
/// override is invisible. The trade-off: process-wide overrides would leak
/// into tests running in parallel, so they serialize. Creating one waits
/// until no *other* thread holds a process-wide override; the thread that
/// holds them may create more (they nest like [`toggle_as`]). Two tests that
/// use `toggle_as_global` therefore never overlap, but they run one after
/// the other. A thread-scoped override still wins over a process-wide one on
/// its thread.
///
/// What it cannot do: a test running in parallel that checks the same toggle
/// *without* taking part sees the process-wide value while it is in force.
/// Give each toggle that tests override process-wide to tests that all use
/// `toggle_as_global` for it (or pin it with [`toggle_as`] on their own
/// thread), or run those tests with `--test-threads=1`.
///
/// # Panics
///
/// If `name` is not a valid toggle name.
///
/// # Example
///
/// ```
/// # toggles::init("toggles.toml").unwrap();
/// let _on = toggles::toggle_as_global("new_cart", true);
/// std::thread::scope(|s| {
///     let worker = s.spawn(|| toggles::toggle!("new_cart"));
///     assert!(worker.join().unwrap());
/// });
/// ```
pub fn toggle_as_global(name: &str, value: bool) -> GlobalOverride {
    let me = thread::current().id();
    let mut owner = lock(&GLOBAL_OWNER);
    loop {
        match *owner {
            None => {
                *owner = Some((me, 1));
                break;
            }
            Some((holder, ref mut depth)) if holder == me => {
                *depth += 1;
                break;
            }
            Some(_) => {
                owner = GLOBAL_RELEASED
                    .wait(owner)
                    .unwrap_or_else(|e| e.into_inner())
            }
        }
    }
    drop(owner);
    let id = push(
        &mut GLOBAL.write().unwrap_or_else(|e| e.into_inner()),
        name,
        value,
    );
    GLOBAL_ACTIVE.fetch_add(1, Ordering::SeqCst);
    GlobalOverride {
        id,
        _not_send: PhantomData,
    }
}

/// A process-wide override from [`toggle_as_global`]; dropping it ends the
/// override and, with the last one, lets other tests take their turn.
#[must_use = "the override ends when this guard is dropped"]
#[derive(Debug)]
pub struct GlobalOverride {
    id: u64,
    // The turn belongs to the thread that took it.
    _not_send: PhantomData<*const ()>,
}

impl Drop for GlobalOverride {
    fn drop(&mut self) {
        GLOBAL_ACTIVE.fetch_sub(1, Ordering::SeqCst);
        remove(
            &mut GLOBAL.write().unwrap_or_else(|e| e.into_inner()),
            self.id,
        );
        let mut owner = lock(&GLOBAL_OWNER);
        if let Some((_, depth)) = owner.as_mut() {
            *depth -= 1;
            if *depth == 0 {
                *owner = None;
                GLOBAL_RELEASED.notify_all();
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
