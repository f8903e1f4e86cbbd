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
//! the file should take it too, on the folder of the real file.

use std::fs::File;
use std::path::Path;

use crate::error::Error;

/// An exclusive lock on the folder of a toggles file, released on drop.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Blocks until this process holds the lock for the toggles file at
    /// `real_path` (a path with symlinks already resolved).
    pub fn acquire(real_path: &Path) -> Result<FileLock, Error> {
        let target = lock_target(real_path);
        let file = open(&target).map_err(|e| Error::io(&target, "open the lock", e))?;
        file.lock()
            .map_err(|e| Error::io(&target, "take the lock", e))?;
        Ok(FileLock { _file: file })
    }
}

impl FileLock {
    /// Takes the lock if no one holds it: `Ok(None)` if another process (or
    /// another handle in this one) does. For writers that must not wait.
    pub(crate) fn try_acquire(real_path: &Path) -> Result<Option<FileLock>, Error> {
        let target = lock_target(real_path);
        let file = open(&target).map_err(|e| Error::io(&target, "open the lock", e))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&target, "take the lock", e)),
        }
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn lock_target(real_path: &Path) -> std::path::PathBuf {
    parent(real_path).to_path_buf()
}

#[cfg(unix)]
fn open(target: &Path) -> std::io::Result<File> {
    File::open(target)
}

#[cfg(not(unix))]
fn lock_target(real_path: &Path) -> std::path::PathBuf {
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
