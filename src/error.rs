//! The one error type of the crate.

use std::io;
use std::path::{Path, PathBuf};

/// Everything that can go wrong when loading or writing `toggles.toml`.
///
/// Each variant names the file; an [`Error::Invalid`] file also names the line
/// and column, shows the offending line and says what to change. `Display`
/// gives all of that on one or a few lines, ready for a log or a terminal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file (or its folder) could not be read, written or locked.
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the library was doing, e.g. `"read the file"`.
        action: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },

    /// The file is not valid TOML, or it breaks a rule of the toggles format:
    /// an unknown table or field (a typo like `enabeld`), a wrong type, an
    /// invalid name, or a `release` naming a release that is not defined.
    #[error("{}:{line}:{column}: {message}\n{line:>5} | {source_line}\n{help}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What is wrong, naming the offending key or value.
        message: String,
        /// The text of the offending line, for context.
        source_line: String,
        /// What to do about it.
        help: &'static str,
    },

    /// The path names something other than a regular file (after symlinks
    /// are followed), such as a folder: the library reads and appends only
    /// to regular files.
    #[error("{}: cannot {action}: it is {what}, not a regular file; point the store at a regular toggles.toml", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What the library was doing, e.g. `"read the file"`.
        action: &'static str,
        /// What it is instead, e.g. `"a folder"`.
        what: &'static str,
    },

    /// The file is larger than the library reads (64 MiB: far beyond any
    /// real toggles file, small enough to bound memory).
    #[error("{}: cannot {action}: it is larger than {} MiB, the most a toggles file may be", path.display(), limit >> 20)]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What the library was doing, e.g. `"read the file"`.
        action: &'static str,
        /// The limit, in bytes.
        limit: u64,
    },

    /// The file is empty (or only whitespace) while the version in use has
    /// toggles. A truncating editor leaves exactly this in the middle of a
    /// save, so the version in use stays.
    #[error(
        "{}: the file is empty while the version in use has toggles; keeping that version\nhelp: to remove every toggle, leave a comment in the file", path.display()
    )]
    Emptied {
        /// The file.
        path: PathBuf,
    },

    /// The store's background thread stopped: it panicked (a logger or
    /// other code of the application that it ran, or a bug of the
    /// library). Checks go on with the version in use, but the file is no
    /// longer reloaded when it changes and new names are no longer
    /// appended; [`Store::reload`](crate::Store::reload) still reads it.
    #[error(
        "{}: the toggles worker stopped (it panicked: {message}); the file is no longer reloaded when it changes, and new names are not appended\nhelp: open the store again (or restart the program); if the panic is not your logger's, please report it", path.display()
    )]
    WorkerStopped {
        /// The file.
        path: PathBuf,
        /// The panic's message.
        message: String,
    },
}

impl Error {
    pub(crate) fn io(path: &Path, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }

    /// The file this error is about, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. }
            | Error::Invalid { path, .. }
            | Error::NotAFile { path, .. }
            | Error::TooLarge { path, .. }
            | Error::Emptied { path }
            | Error::WorkerStopped { path, .. } => Some(path),
        }
    }

    /// The 1-based line and column of the problem in the file, if known.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            Error::Invalid { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}
