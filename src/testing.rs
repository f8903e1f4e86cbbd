//! Scoped test overrides: `toggle_as`, `with_toggles`, `toggle_as_global`.
//!
//! The facade over the override stacks (`overrides.rs`): it validates
//! names and makes process-wide overrides take turns. It never opens a
//! store, so it never reads, creates or appends to a file: a name that only
//! tests override is not written into the application's `toggles.toml`.
//! The code under test appends a name when it checks it without an
//! override, as in production.

use std::marker::PhantomData;
use std::sync::{Condvar, Mutex};
use std::thread::{self, ThreadId};

use crate::name::is_valid_name;
use crate::overrides;
use crate::sync::lock;

/// Which thread holds the process-wide overrides, and how many it holds.
static GLOBAL_OWNER: Mutex<Option<(ThreadId, usize)>> = Mutex::new(None);
static GLOBAL_RELEASED: Condvar = Condvar::new();

/// Fails loudly on an invalid name: this is test code.
fn check_name(name: &str) {
    assert!(
        is_valid_name(name),
        "invalid toggle name {name:?}: use 1 to 255 ASCII letters, digits, `_` or `-`"
    );
}

/// Overrides a toggle for the current thread until the guard is dropped.
///
/// While the guard lives, every check of `name` on this thread returns
/// `value`: [`toggle!`](crate::toggle!), a static [`Toggle`](crate::Toggle),
/// [`Store::is_enabled`](crate::Store::is_enabled) and
/// [`Snapshot::is_enabled`](crate::Snapshot::is_enabled) of any store. Other
/// threads, such as other tests running in parallel, never see it. Guards
/// nest: dropping an inner guard brings back the outer override, and a panic
/// unwinding through a guard drops it too. It never opens, creates or
/// writes a file: a name only tests override is not appended to
/// `toggles.toml` (the code under test appends names it checks without an
/// override, as in production).
///
/// # Panics
///
/// If `name` is not a valid toggle name: this is meant for tests, where
/// failing loudly is right.
///
/// # Example
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
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
    check_name(name);
    Override {
        id: overrides::push_local(name, value),
        _not_send: PhantomData,
    }
}

/// Runs `f` with several toggles overridden on the current thread.
///
/// The overrides end when `f` returns or panics. See [`toggle_as`].
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
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
        overrides::remove_local(self.id);
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
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// # toggles::init("toggles.toml").unwrap();
/// let _on = toggles::toggle_as_global("new_cart", true);
/// std::thread::scope(|s| {
///     let worker = s.spawn(|| toggles::toggle!("new_cart"));
///     assert!(worker.join().unwrap());
/// });
/// ```
pub fn toggle_as_global(name: &str, value: bool) -> GlobalOverride {
    // Before taking a turn: a panic here must not keep the turn forever.
    check_name(name);
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
    GlobalOverride {
        id: overrides::push_global(name, value),
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
        overrides::remove_global(self.id);
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
