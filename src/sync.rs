//! Locking a mutex whatever happened to its last holder.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, also if a thread panicked while holding it: every value
/// the library keeps under a mutex stays valid between statements, so a
/// panic elsewhere (a subscriber's, say) must not take the store down.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
