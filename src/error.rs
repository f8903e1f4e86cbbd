//! The one error type of the crate.

use std::io;
use std::path::{Path, PathBuf};

/// The most mistakes of one file that an [`Error::Several`] lists, as a
/// compiler lists errors.
pub const MAX_ERRORS: usize = 20;

/// Everything that can go wrong when loading or writing `toggles.toml`.
///
/// Each variant names the file; an [`Error::Invalid`] file also names the line
/// and column, shows the offending line and says what to change. `Display`
/// gives all of that on one or a few lines, ready for a log or a terminal.
///
/// `Debug` prints the same as `Display` (as `anyhow::Error` does), so that
/// `fn main() -> Result<(), toggles::Error>` shows the message, not a dump
/// of fields, when `?` returns an error; the alternate form (`{:#?}`)
/// shows the fields.
#[derive(thiserror::Error)]
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
    #[error("{}:{line}:{column}: {message}\n{line:>5} | {source_line}\nhelp: {help}", path.display())]
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
        /// What to do about it (`Display` puts `help: ` before it).
        help: &'static str,
    },

    /// The file has several mistakes: each is an [`Error::Invalid`] with its
    /// own line and column, in the order they were found (at most
    /// [`MAX_ERRORS`]). `Display` shows each, then how
    /// many there are. A file with one mistake is an [`Error::Invalid`].
    #[error("{}", several(path, errors))]
    Several {
        /// The file.
        path: PathBuf,
        /// The mistakes, each an [`Error::Invalid`].
        errors: Vec<Error>,
    },

    /// There is no file at the path (and the store was not opened with
    /// [`Builder::create_if_missing`](crate::Builder::create_if_missing)):
    /// usually a program started in another folder, or a wrong path.
    #[error(
        "{}: no toggles file here (the current directory is {current_dir})\n\
         help: start one with `toggles add NAME` or an empty file, fix the path, or open the \
         store with `Builder::create_if_missing(true)` to create it with the first new name",
        path.display()
    )]
    NotFound {
        /// The absolute path looked at.
        path: PathBuf,
        /// The current directory when it was looked at, which a relative
        /// path was resolved against.
        current_dir: String,
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

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !f.alternate() {
            // `Display` already carries the source (the OS error), so there
            // is no "Caused by" chain to add.
            return std::fmt::Display::fmt(self, f);
        }
        match self {
            Error::Io {
                path,
                action,
                source,
            } => f
                .debug_struct("Io")
                .field("path", path)
                .field("action", action)
                .field("source", source)
                .finish(),
            Error::Invalid {
                path,
                line,
                column,
                message,
                source_line,
                help,
            } => f
                .debug_struct("Invalid")
                .field("path", path)
                .field("line", line)
                .field("column", column)
                .field("message", message)
                .field("source_line", source_line)
                .field("help", help)
                .finish(),
            Error::Several { path, errors } => f
                .debug_struct("Several")
                .field("path", path)
                .field("errors", errors)
                .finish(),
            Error::NotFound { path, current_dir } => f
                .debug_struct("NotFound")
                .field("path", path)
                .field("current_dir", current_dir)
                .finish(),
            Error::NotAFile { path, action, what } => f
                .debug_struct("NotAFile")
                .field("path", path)
                .field("action", action)
                .field("what", what)
                .finish(),
            Error::TooLarge {
                path,
                action,
                limit,
            } => f
                .debug_struct("TooLarge")
                .field("path", path)
                .field("action", action)
                .field("limit", limit)
                .finish(),
            Error::Emptied { path } => f.debug_struct("Emptied").field("path", path).finish(),
            Error::WorkerStopped { path, message } => f
                .debug_struct("WorkerStopped")
                .field("path", path)
                .field("message", message)
                .finish(),
        }
    }
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
            | Error::Several { path, .. }
            | Error::NotFound { path, .. }
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
            Error::Several { errors, .. } => errors.first().and_then(Error::location),
            _ => None,
        }
    }
}

/// Each error, a blank line between them, then how many there were.
fn several(path: &Path, errors: &[Error]) -> String {
    let mut text = String::new();
    for error in errors {
        text.push_str(&error.to_string());
        text.push_str("\n\n");
    }
    let more = if errors.len() >= MAX_ERRORS {
        " (the first ones: fix them to see the rest)"
    } else {
        ""
    };
    text.push_str(&format!(
        "{}: {} errors{more}",
        path.display(),
        errors.len()
    ));
    text
}
