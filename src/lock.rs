//! The cross-process lock that every writer of `toggles.toml` takes.
//!
//! A lock held on the file's own inode protects nothing once an editor or the
//! CLI replaces the file by a rename: the next writer locks the new inode. So
//! the lock is taken on the **folder** that holds the real file (after
//! symlinks are resolved), which a rename does not replace. On platforms
//! where a folder cannot be opened as a file, a lock file beside it,
//! `.<name>.lock`, stands in.
//!
//! An application rarely needs it: the library takes it for its appends and
//! the `toggles` command for its edits. A program of your own that writes
//! the file should take it too: give it the file's path, which it resolves
//! to the real file's folder itself.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Error;

/// An exclusive lock on the folder of a toggles file, released on drop.
///
/// Every constructor takes the toggles file's path as the program knows it
/// and resolves it itself, as the library's appends do: symlinks are
/// followed to the real file (or, for a file not created yet, to where a
/// link chain ends), so the lock is on the folder every writer of that
/// file locks, whichever path or link each was given.
///
/// ```
/// # for v in ["TOGGLES_FILE", "TOGGLES_ENV", "TOGGLES_APPEND"] { unsafe { std::env::remove_var(v) } } // not the shell's: one thread yet
/// use std::time::Duration;
/// use toggles::lock::FileLock;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("toggles.toml");
/// let lock = FileLock::acquire_timeout(&path, Duration::from_secs(5))?.expect("no other writer");
/// // Held: another writer gets `None` rather than waiting.
/// assert!(FileLock::try_acquire(&path)?.is_none());
/// drop(lock);
/// assert!(FileLock::try_acquire(&path)?.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Waits until this process holds the lock for the toggles file at
    /// `path`, **as long as it takes** (another writer that never lets go
    /// blocks it forever): prefer [`acquire_timeout`](Self::acquire_timeout)
    /// or [`try_acquire`](Self::try_acquire) where that matters.
    pub fn acquire(path: impl AsRef<Path>) -> Result<FileLock, Error> {
        let target = lock_target(&resolve(path.as_ref()));
        let file = open(&target).map_err(|e| Error::io(&target, "open the lock", e))?;
        file.lock()
            .map_err(|e| Error::io(&target, "take the lock", e))?;
        Ok(FileLock { _file: file })
    }

    /// Takes the lock for the toggles file at `path` if no one holds it:
    /// `Ok(None)` if another process (or another handle in this one) does.
    /// For writers that must not wait.
    pub fn try_acquire(path: impl AsRef<Path>) -> Result<Option<FileLock>, Error> {
        let target = lock_target(&resolve(path.as_ref()));
        let file = open(&target).map_err(|e| Error::io(&target, "open the lock", e))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock { _file: file })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(Error::io(&target, "take the lock", e)),
        }
    }

    /// Takes the lock for the toggles file at `path`, waiting at most
    /// `timeout` for another writer to release it: `Ok(None)` if it still
    /// holds it then. Tries again with a backoff (1 ms, doubling up to
    /// 100 ms), never spinning; `Duration::MAX` waits as long as it takes.
    pub fn acquire_timeout(
        path: impl AsRef<Path>,
        timeout: Duration,
    ) -> Result<Option<FileLock>, Error> {
        let path = resolve(path.as_ref());
        // `None`: a deadline beyond what the clock can say, never reached.
        let deadline = Instant::now().checked_add(timeout);
        let mut pause = Duration::from_millis(1);
        loop {
            if let Some(lock) = FileLock::try_acquire(&path)? {
                return Ok(Some(lock));
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return Ok(None);
            }
            std::thread::sleep(pause.min(left));
            pause = (pause * 2).min(Duration::from_millis(100));
        }
    }
}

/// The real file behind `path`: its symlinks resolved. A file that does
/// not exist yet is resolved through the link chain that names it (as an
/// append that creates it creates the link's target), then its folder.
fn resolve(path: &Path) -> PathBuf {
    if let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    let mut end = path.to_path_buf();
    // The kernel follows at most 40 links.
    for _ in 0..40 {
        let Ok(target) = fs::read_link(&end) else {
            break;
        };
        end = match end.parent() {
            Some(folder) => folder.join(target),
            None => target,
        };
    }
    match (end.file_name(), fs::canonicalize(parent(&end))) {
        (Some(name), Ok(folder)) => folder.join(name),
        // No folder to create the file in, so no writer can write it: the
        // path as given, whose folder can be locked (and the write then
        // fails with its own error).
        _ => path.to_path_buf(),
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn lock_target(real_path: &Path) -> PathBuf {
    parent(real_path).to_path_buf()
}

#[cfg(unix)]
fn open(target: &Path) -> std::io::Result<File> {
    File::open(target)
}

#[cfg(not(unix))]
fn lock_target(real_path: &Path) -> PathBuf {
    let name = real_path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    parent(real_path).join(format!(".{name}.lock"))
}

#[cfg(not(unix))]
fn open(target: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(target)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A lock taken through a symlink is the lock of the link's target's
    /// folder: the one that a writer given the real path takes.
    #[test]
    fn a_lock_through_a_symlink_locks_the_real_files_folder() {
        let real = tempfile::tempdir().unwrap();
        let links = tempfile::tempdir().unwrap();
        let file = real.path().join("toggles.toml");
        fs::write(&file, "").unwrap();
        let link = links.path().join("toggles.toml");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let held = FileLock::try_acquire(&link).unwrap().expect("free");
        assert!(FileLock::try_acquire(&file).unwrap().is_none());
        // The links' own folder is not locked.
        let beside = links.path().join("other.toml");
        assert!(FileLock::try_acquire(&beside).unwrap().is_some());
        drop(held);
        // A dangling link: the folder its target will be created in.
        let missing = links.path().join("missing.toml");
        std::os::unix::fs::symlink(real.path().join("later.toml"), &missing).unwrap();
        let held = FileLock::try_acquire(&missing).unwrap().expect("free");
        assert!(FileLock::try_acquire(&file).unwrap().is_none());
        drop(held);
    }

    /// `acquire_timeout` gives up after its timeout while another holds the
    /// lock, and takes it at once when it is free; `Duration::MAX` is no
    /// overflow.
    #[test]
    fn acquire_timeout_gives_up_and_saturates() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("toggles.toml");
        let held = FileLock::acquire(&file).unwrap();
        let started = Instant::now();
        let timeout = Duration::from_millis(50);
        assert!(FileLock::acquire_timeout(&file, timeout).unwrap().is_none());
        assert!(started.elapsed() >= timeout);
        drop(held);
        assert!(
            FileLock::acquire_timeout(&file, Duration::MAX)
                .unwrap()
                .is_some()
        );
    }
}
