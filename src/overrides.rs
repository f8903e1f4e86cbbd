//! The override stacks: the leaf that every check consults first.
//!
//! An override is an entry on a stack, either the current thread's or the
//! process-wide one. A check looks at the thread's stack, then the process
//! stack, newest entry first, before it looks at any snapshot. While no
//! override exists anywhere, the only cost a check pays is one relaxed load
//! of [`ACTIVE`]; override values are never written into a call site's cache,
//! so no cache can return a stale value around an override.
//!
//! This module only keeps the stacks. The public API that creates overrides
//! (validating names, registering them with the global store, taking turns
//! for process-wide ones) is [`testing`](crate::testing), a layer above.

use std::cell::RefCell;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// How many overrides exist in the process, on any thread.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// How many of them are process-wide, so that a thread-scoped override on
/// one thread does not make every other thread take the process lock.
static GLOBAL_ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// Source of unique entry ids, so guards dropped out of order remove their own entry.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
/// The process-wide stack.
static GLOBAL: RwLock<Vec<Entry>> = RwLock::new(Vec::new());

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
    // Relaxed: the entries themselves are read under the thread-local or
    // the RwLock; the counter only says whether to look. A thread sees an
    // override made on another thread once it synchronizes with that
    // thread (spawn, join, a channel), which orders this load after the
    // increment at any ordering.
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
    // Relaxed: as for ACTIVE; the stack is then read under its lock.
    if local.is_some() || GLOBAL_ACTIVE.load(Ordering::Relaxed) == 0 {
        return local;
    }
    find(&GLOBAL.read().unwrap_or_else(|e| e.into_inner()))
}

fn push(stack: &mut Vec<Entry>, name: &str, value: bool) -> u64 {
    // Relaxed: only uniqueness matters.
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    stack.push(Entry {
        id,
        name: name.into(),
        value,
    });
    // Relaxed: see `lookup`; the entry is visible through its stack's own
    // synchronization before anyone can be told about it.
    ACTIVE.fetch_add(1, Ordering::Relaxed);
    id
}

fn remove(stack: &mut Vec<Entry>, id: u64) {
    if let Some(i) = stack.iter().rposition(|e| e.id == id) {
        stack.remove(i);
        // Relaxed: a reader that still sees the old count looks in vain.
        ACTIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Pushes an override of `name` (a valid name) on the current thread's stack.
/// Returns the id that [`remove_local`] takes.
pub(crate) fn push_local(name: &str, value: bool) -> u64 {
    LOCAL.with(|stack| push(&mut stack.borrow_mut(), name, value))
}

/// Removes the entry `id` from the current thread's stack, if it is there
/// (not during the thread's teardown, when the stack is gone anyway).
pub(crate) fn remove_local(id: u64) {
    let _ = LOCAL.try_with(|stack| remove(&mut stack.borrow_mut(), id));
}

/// Pushes an override of `name` (a valid name) on the process-wide stack.
pub(crate) fn push_global(name: &str, value: bool) -> u64 {
    let id = push(
        &mut GLOBAL.write().unwrap_or_else(|e| e.into_inner()),
        name,
        value,
    );
    // Relaxed: see `lookup_slow`.
    GLOBAL_ACTIVE.fetch_add(1, Ordering::Relaxed);
    id
}

/// Removes the entry `id` from the process-wide stack.
pub(crate) fn remove_global(id: u64) {
    // Relaxed: a reader that still sees the old count takes the lock in vain.
    GLOBAL_ACTIVE.fetch_sub(1, Ordering::Relaxed);
    remove(&mut GLOBAL.write().unwrap_or_else(|e| e.into_inner()), id);
}
